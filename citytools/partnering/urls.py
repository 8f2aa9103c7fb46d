from citytools.partnering.views import authoring, evaluation, outcome, proposals

app_name = "partnering"

urlpatterns = [*authoring.urlpatterns, *proposals.urlpatterns, *evaluation.urlpatterns, *outcome.urlpatterns]
