from django.urls import path

from citytools.registers import survey_views, views

app_name = "registers"
urlpatterns = [
    path("registers/", views.index, name="index"),
    path("registers/<slug:name>/", views.register, name="register"),
    path("registers/<slug:name>/load/", views.load, name="load"),
    path("surveys/template/", survey_views.survey_template, name="survey_template"),
    path("networks/<slug:slug>/surveys/", survey_views.survey_upload, name="surveys"),
    path("networks/<slug:slug>/surveys/<int:pk>/", survey_views.survey, name="survey"),
    path("networks/<slug:slug>/surveys/<int:pk>/decide/", survey_views.survey_decide, name="survey_decide"),
    path("networks/<slug:slug>/surveys/<int:pk>/import/", survey_views.survey_commit, name="survey_commit"),
]
