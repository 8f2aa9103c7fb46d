from django.urls import path

from citytools.contracts import edit_views, views

app_name = "contracts"
urlpatterns = [
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/timeline/", views.contract_timeline, name="timeline"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    # Editing contracts (citytools.contracts.edit_views)
    path("organisations/<slug:slug>/contracts/add/", edit_views.contract_add, name="contract_add"),
    path("contracts/<int:pk>/edit/", edit_views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/retire/", edit_views.contract_retire, name="contract_retire"),
    path("contracts/<int:pk>/history/", edit_views.contract_history, name="contract_history"),
    path(
        "contracts/<int:pk>/history/<int:history_id>/restore/",
        edit_views.contract_restore,
        name="contract_restore",
    ),
]
