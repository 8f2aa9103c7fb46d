from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "citytools.inventory"
    label = "inventory"
