from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "citytools.market"
    label = "market"
