from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "citytools.core"
    label = "core"
    verbose_name = "City Tools core"
