from django.urls import path

from citytools.market import views

app_name = "market"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("pipeline/", views.pipeline, name="pipeline"),
]
