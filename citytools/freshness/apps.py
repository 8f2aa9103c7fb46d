from django.apps import AppConfig

from citytools.core import schedule


class FreshnessConfig(AppConfig):
    name = "citytools.freshness"
    verbose_name = "Keeping the data true"

    def ready(self):
        # Imported once the models are: a launch queues the reminder task (services cannot
        # import the tasks that run them).
        from citytools.freshness.services import campaign_launched
        from citytools.freshness.tasks import on_campaign_launched, send_campaign_reminders

        campaign_launched.connect(on_campaign_launched, dispatch_uid="freshness.campaign_launched")
        # The worker sends the campaign e-mails that are due, and closes campaigns past their deadline, every minute.
        schedule.register(send_campaign_reminders)
