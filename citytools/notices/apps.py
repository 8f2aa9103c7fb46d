from django.apps import AppConfig


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citytools.notices"
    verbose_name = "Public notices"

    def ready(self):
        # Imported once the models are: an import from the web, and the scheduled harvest,
        # run in the worker (services cannot import the tasks that run them).
        from citytools.core.schedule import register
        from citytools.notices.services import import_queued
        from citytools.notices.tasks import harvest_on_schedule, on_import_queued

        import_queued.connect(on_import_queued, dispatch_uid="notices.import_queued")
        register(harvest_on_schedule)
