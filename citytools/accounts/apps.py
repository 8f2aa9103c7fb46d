from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "citytools.accounts"
    label = "accounts"
