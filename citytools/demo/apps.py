from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "citytools.demo"
    label = "demo"
