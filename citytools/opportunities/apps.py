from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citytools.opportunities"
    verbose_name = "Joint procurement opportunities and alerts"
