from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "citytools.core"
    label = "core"
    verbose_name = "City Tools core"

    def ready(self):
        from citytools.core import checks  # noqa: F401  (registers the system checks)
