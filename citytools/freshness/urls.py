from django.urls import path

from citytools.freshness import views

app_name = "freshness"
urlpatterns = [
    path("networks/<slug:slug>/data-quality/", views.network_quality, name="network"),
    path("networks/<slug:slug>/review-period/", views.review_period, name="review_period"),
    path("organisations/<slug:slug>/data-quality/", views.organisation_quality, name="organisation"),
    path("organisations/<slug:slug>/confirm/", views.confirm, name="confirm"),
    path("organisations/<slug:slug>/responsible/", views.responsible, name="responsible"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("networks/<slug:slug>/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/delete/", views.campaign_delete, name="campaign_delete"),
    path("campaigns/<int:pk>/launch/", views.campaign_launch, name="campaign_launch"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/organisations/<slug:slug>/", views.campaign_organisation, name="campaign_organisation"),
]
