from django.apps import AppConfig


class FreshnessConfig(AppConfig):
    name = "citytools.freshness"
    verbose_name = "Keeping the data true"
