from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citytools.satisfaction"
    verbose_name = "Satisfaction and shared pain points"
