from django.apps import AppConfig

from citytools.core import schedule


class OpportunitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citytools.opportunities"
    verbose_name = "Joint procurement opportunities and alerts"

    def ready(self):
        from citytools.opportunities.tasks import send_digests

        # The worker sends the alert digests that are due every minute.
        schedule.register(send_digests)
