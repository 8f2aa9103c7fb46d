from django.urls import path

from citytools.inventory import catalogue_views, edit_views

app_name = "inventory"
urlpatterns = [
    # Proposing what the catalogue lacks (citytools.inventory.catalogue_views)
    path("organisations/<slug:slug>/catalogue/propose/", catalogue_views.propose, name="catalogue_propose"),
    path("catalogue-proposals/", catalogue_views.proposal_list, name="catalogue_proposals"),
    path("catalogue-proposals/<int:pk>/", catalogue_views.proposal_detail, name="catalogue_proposal"),
    # Editing systems (citytools.inventory.edit_views)
    path("organisations/<slug:slug>/systems/add/", edit_views.system_add, name="system_add"),
    path("systems/<int:pk>/", edit_views.system_detail, name="system"),
    path("systems/<int:pk>/edit/", edit_views.system_edit, name="system_edit"),
    path("systems/<int:pk>/retire/", edit_views.system_retire, name="system_retire"),
    path("systems/<int:pk>/history/", edit_views.system_history, name="system_history"),
    path(
        "systems/<int:pk>/history/<int:history_id>/restore/", edit_views.system_restore, name="system_restore"
    ),
]
