from django.urls import path

from citytools.registers import views

app_name = "registers"
urlpatterns = [
    path("registers/", views.index, name="index"),
    path("registers/<slug:name>/", views.register, name="register"),
    path("registers/<slug:name>/load/", views.load, name="load"),
]
