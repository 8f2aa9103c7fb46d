from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "citytools.contracts"
    label = "contracts"
