from django.urls import path

from citytools.opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("opportunities/", views.finder, name="finder"),
    path("opportunities/initiatives/", views.initiatives, name="initiatives"),
    path("opportunities/initiatives/start/", views.initiative_start, name="initiative_start"),
    path("opportunities/initiatives/<int:pk>/", views.initiative, name="initiative"),
    path("opportunities/initiatives/<int:pk>/answers/<slug:slug>/", views.initiative_answer, name="initiative_answer"),
    path("opportunities/initiatives/<int:pk>/notes/", views.initiative_note, name="initiative_note"),
    path("opportunities/initiatives/<int:pk>/invite/", views.initiative_invite, name="initiative_invite"),
    path("opportunities/initiatives/<int:pk>/plan/", views.initiative_plan, name="initiative_plan"),
    path("opportunities/initiatives/<int:pk>/outcome/", views.initiative_outcome, name="initiative_outcome"),
    path("opportunities/initiatives/<int:pk>/invitation-to-partner/", views.initiative_challenge, name="initiative_challenge"),
]
