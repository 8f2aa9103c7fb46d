from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "citytools.search"
    label = "search"
