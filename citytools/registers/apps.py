from django.apps import AppConfig


class RegistersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citytools.registers"
    verbose_name = "Public registers and network surveys"

    def ready(self):
        # Imported once the models are: a long job is queued for the worker (the services
        # cannot import the tasks that run them).
        from citytools.registers.surveys import job_queued
        from citytools.registers.tasks import on_job_queued

        job_queued.connect(on_job_queued, dispatch_uid="registers.job_queued")
