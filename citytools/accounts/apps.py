from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "citytools.accounts"
    label = "accounts"

    def ready(self):
        # Connects the signal that records when each person signed in.
        from citytools.accounts import sessions  # noqa: F401
