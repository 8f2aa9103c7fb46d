from django.apps import AppConfig


class PartneringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citytools.partnering"
    verbose_name = "Invitation to Partner"
