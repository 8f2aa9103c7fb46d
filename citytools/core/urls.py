from django.urls import path

from citytools.core import views

app_name = "core"

# Health checks for load balancers and orchestrators (docs/operations.md#health-checks).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
