from django.urls import path

from citytools.satisfaction import views

app_name = "satisfaction"

urlpatterns = [
    path("satisfaction/", views.report, name="report"),
    path("organisations/<slug:slug>/ratings/", views.organisation_ratings, name="organisation_ratings"),
    path("systems/<int:pk>/rating/", views.rate, name="rate"),
    path("pain-points/", views.pain_points, name="pain_points"),
    path("pain-points/new/", views.pain_point_new, name="pain_point_new"),
    path("pain-points/<int:pk>/", views.pain_point, name="pain_point"),
    path("pain-points/<int:pk>/share/", views.pain_point_share, name="pain_point_share"),
    path("pain-points/<int:pk>/status/", views.pain_point_status, name="pain_point_status"),
    path("pain-points/<int:pk>/reply/", views.pain_point_reply, name="pain_point_reply"),
    path("pain-points/<int:pk>/invitation/", views.pain_point_challenge, name="pain_point_challenge"),
    path("suppliers/<slug:slug>/pack/", views.pack, name="pack"),
    path("suppliers/<slug:slug>/pack.pdf", views.pack_pdf, name="pack_pdf"),
]
