from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "citytools.directory"
    label = "directory"
