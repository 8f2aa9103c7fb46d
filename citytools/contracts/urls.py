from django.urls import path

from citytools.contracts import views

app_name = "contracts"
urlpatterns = [
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
]
