from django.urls import path

from citytools.spreadsheets import views

app_name = "spreadsheets"
urlpatterns = [
    path("organisations/<slug:slug>/import/", views.import_start, name="import"),
    path("imports/instructions/", views.instructions, name="instructions"),
    path("imports/template/", views.template, name="template"),
    path("imports/<int:pk>/", views.upload, name="upload"),
    path("imports/<int:pk>/commit/", views.commit, name="commit"),
    path("contracts/export/", views.contracts_export, name="contracts_export"),
    path("systems/export/", views.systems_export, name="systems_export"),
    path("organisations/<slug:slug>/export/", views.organisation_export, name="organisation_export"),
    path("networks/<slug:slug>/export/", views.network_export, name="network_export"),
]
