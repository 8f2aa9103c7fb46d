from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "citytools.inbox"
    label = "inbox"
