from citytools.partnering.views import (
    authoring,
    challenge,
    evaluation,
    jurisdictions,
    outcome,
    proposals,
)

app_name = "partnering"

urlpatterns = [*jurisdictions.urlpatterns, *authoring.urlpatterns, *challenge.urlpatterns, *proposals.urlpatterns, *evaluation.urlpatterns, *outcome.urlpatterns]
