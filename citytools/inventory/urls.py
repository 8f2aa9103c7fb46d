from django.urls import path

from citytools.inventory import views

app_name = "inventory"
urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("matrix.csv", views.matrix_csv, name="matrix_csv"),
    path("products/", views.product_list, name="products"),
    path("products/<slug:slug>/", views.product_detail, name="product"),
    path("service-areas/", views.service_area_list, name="service_areas"),
    path("service-areas/<slug:slug>/", views.service_area_detail, name="service_area"),
]
