from django.urls import path

from citytools.contracts import edit_views, views
from citytools.core.records import record_urls

app_name = "contracts"
urlpatterns = [
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/timeline/", views.contract_timeline, name="timeline"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    # Editing contracts (citytools.core.records, given the kind citytools.contracts.edit_views.CONTRACT)
    *record_urls(edit_views.CONTRACT),
]
