"""The matrix, product and service-area pages. citytools.urls mounts them in the "inventory"
URL namespace with inventory's own editing pages, so their names ("inventory:matrix") are
the ones they have always had."""

from django.urls import path

from citytools.market import inventory_views as views

urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("matrix.csv", views.matrix_csv, name="matrix_csv"),
    path("products/", views.product_list, name="products"),
    path("products/<slug:slug>/", views.product_detail, name="product"),
    path("service-areas/", views.service_area_list, name="service_areas"),
    path("service-areas/<slug:slug>/", views.service_area_detail, name="service_area"),
]
