from django.apps import AppConfig

from citytools.core import schedule


class FreshnessConfig(AppConfig):
    name = "citytools.freshness"
    verbose_name = "Keeping the data true"

    def ready(self):
        from citytools.freshness.tasks import send_campaign_reminders

        # The worker sends the campaign e-mails that are due, and closes campaigns past their deadline, every minute.
        schedule.register(send_campaign_reminders)
