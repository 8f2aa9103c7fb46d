from django.apps import AppConfig


class PartneringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citytools.partnering"
    verbose_name = "Invitation to Partner"

    def ready(self):
        from citytools.partnering.lifecycle import challenge_moved
        from citytools.partnering.services.outcome import on_challenge_moved

        # Applicants hear the outcome once a move commits (citytools.partnering.services.outcome).
        challenge_moved.connect(on_challenge_moved, dispatch_uid="partnering.outcome.notifications")
