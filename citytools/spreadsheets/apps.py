from django.apps import AppConfig


class SpreadsheetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citytools.spreadsheets"
    verbose_name = "Spreadsheet import and export"

    def ready(self):
        # Imported once the models are: a long job is queued for the worker (services cannot
        # import the tasks that run them).
        from citytools.spreadsheets.services import job_queued
        from citytools.spreadsheets.tasks import on_job_queued

        job_queued.connect(on_job_queued, dispatch_uid="spreadsheets.job_queued")
