"""The organisation, supplier and network pages, under the URL names they have always had
("directory:organisation" and so on): the pages moved into market, their addresses did not."""

from django.urls import path

from citytools.market import directory_views as views

app_name = "directory"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("suppliers/", views.supplier_list, name="suppliers"),
    path("suppliers/<slug:slug>/", views.supplier_detail, name="supplier"),
    path("networks/<slug:slug>/", views.network_detail, name="network"),
    path("networks/<slug:slug>/visibility/", views.network_visibility, name="network_visibility"),
]
