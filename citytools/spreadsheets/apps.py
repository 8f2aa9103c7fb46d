from django.apps import AppConfig


class SpreadsheetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citytools.spreadsheets"
    verbose_name = "Spreadsheet import and export"
