from django.apps import AppConfig
from django.core.checks import Tags, register

from citytools.core.checks import check_production_settings


class CoreConfig(AppConfig):
    name = "citytools.core"
    label = "core"
    verbose_name = "City Tools core"

    def ready(self):
        register(check_production_settings, Tags.security, deploy=True)
        # Every database connection watches its writes from now on (the map's version).
        from citytools.core import versions  # noqa: F401
