from citytools.partnering.views import authoring, evaluation, jurisdictions, outcome, proposals

app_name = "partnering"

urlpatterns = [*jurisdictions.urlpatterns, *authoring.urlpatterns, *proposals.urlpatterns, *evaluation.urlpatterns, *outcome.urlpatterns]
