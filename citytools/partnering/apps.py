from django.apps import AppConfig

from citytools.core import schedule


class PartneringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citytools.partnering"
    verbose_name = "Invitation to Partner"

    def ready(self):
        from citytools.partnering.lifecycle import challenge_moved
        from citytools.partnering.services.outcome import on_challenge_moved
        from citytools.partnering.tasks import advance_deadlines

        # The worker closes questions and submissions whose deadlines have passed every minute.
        schedule.register(advance_deadlines)

        # Applicants hear the outcome once a move commits (citytools.partnering.services.outcome).
        challenge_moved.connect(on_challenge_moved, dispatch_uid="partnering.outcome.notifications")
