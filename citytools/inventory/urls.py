from django.urls import path

from citytools.core.records import record_urls
from citytools.inventory import catalogue_views, edit_views

app_name = "inventory"
urlpatterns = [
    # Proposing what the catalogue lacks (citytools.inventory.catalogue_views)
    path("organisations/<slug:slug>/catalogue/propose/", catalogue_views.propose, name="catalogue_propose"),
    path("catalogue-proposals/", catalogue_views.proposal_list, name="catalogue_proposals"),
    path("catalogue-proposals/<int:pk>/", catalogue_views.proposal_detail, name="catalogue_proposal"),
    # Editing systems (citytools.core.records, given the kind citytools.inventory.edit_views.SYSTEM)
    path("systems/<int:pk>/", edit_views.system_detail, name="system"),
    *record_urls(edit_views.SYSTEM),
]
