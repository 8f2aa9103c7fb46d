from django.urls import path

from citytools.notices import views

app_name = "notices"
urlpatterns = [
    path("organisations/<slug:slug>/suggestions/", views.queue, name="queue"),
    path("suggestions/<int:pk>/", views.suggestion, name="suggestion"),
    path("suggestions/<int:pk>/accept/", views.accept, name="accept"),
    path("suggestions/<int:pk>/reject/", views.reject, name="reject"),
    path("notices/buyers/", views.buyers, name="buyers"),
    path("notices/buyers/<int:pk>/link/", views.buyer_link, name="buyer_link"),
    path("notices/buyers/<int:pk>/dismiss/", views.buyer_dismiss, name="buyer_dismiss"),
    path("networks/<slug:slug>/notices/", views.network, name="network"),
    path("networks/<slug:slug>/notices/trust/", views.trust, name="trust"),
    path("networks/<slug:slug>/notices/harvest/", views.harvest, name="harvest"),
    path("notices/imports/<int:pk>/", views.import_detail, name="import"),
    path("notices/service-areas/", views.hints, name="hints"),
    path("notices/service-areas/remove/", views.hint_remove, name="hint_remove"),
]
