from django.apps import AppConfig


class FreshnessConfig(AppConfig):
    name = "citytools.freshness"
    verbose_name = "Keeping the data true"

    def ready(self):
        # Imported once the models are: a launch queues the reminder task (services cannot
        # import the tasks that run them).
        from citytools.freshness.services import campaign_launched
        from citytools.freshness.tasks import on_campaign_launched

        campaign_launched.connect(on_campaign_launched, dispatch_uid="freshness.campaign_launched")
