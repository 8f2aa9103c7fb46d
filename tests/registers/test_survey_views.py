"""The survey import's pages (citytools.registers.survey_views): a coordinator uploads a messy
file and reads its preview by organisation and by row, decides a joint service, imports, and
is refused with the service's reason while rows block; every form is a plain POST, so all of
it works without JavaScript. Others cannot open the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from citytools.notices.models import Suggestion
from citytools.registers import surveys
from citytools.registers.models import SurveyImport
from tests.factories import NetworkFactory, RoleFactory
from tests.registers.test_surveys import ADUR, CAMDEN, KINGSTON, MESSY, WORTHING, start, world, xlsx  # noqa: F401  (world is a fixture)


def signed_in(client, user):
    client.force_login(user)
    return client


def upload(client, world, content, *, label="South survey 2026", trusted=False):
    data = {"file": SimpleUploadedFile("survey.xlsx", content), "label": label}
    if trusted:
        data["trusted"] = "on"
    return client.post(reverse("registers:surveys", args=[world.network.slug]), data)


def page(survey):
    return reverse("registers:survey", args=[survey.network.slug, survey.pk])


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_upload_page_offers_the_template_and_explains_the_source(client, world):
    response = signed_in(client, world.coordinator).get(reverse("registers:surveys", args=[world.network.slug]))
    body = text(response)
    assert response.status_code == 200
    assert reverse("registers:survey_template") + "?format=xlsx" in body
    assert "keeps the source’s name as its provenance" in body and "starts unconfirmed" in body
    assert "Trusted source" in body and 'name="csrfmiddlewaretoken"' in body
    template = client.get(reverse("registers:survey_template") + "?format=csv")
    assert template.status_code == 200 and b"organisation,service_areas,product" in template.content


def test_a_messy_upload_previews_the_right_organisations(client, world):
    response = upload(signed_in(client, world.coordinator), world, xlsx(MESSY))
    survey = SurveyImport.objects.get()
    assert response.status_code == 303 and response["Location"] == page(survey)
    body = text(client.get(page(survey)))
    assert "South survey 2026" in body and "starts unconfirmed" in body
    organisations = body[body.index("By organisation"):body.index("Joint services to decide", body.index("By organisation"))]
    for name in (world.camden.name, world.kingston.name, world.westminster.name):
        assert name in organisations
    assert world.leeds.name not in organisations  # not a member: an error row, no organisation
    assert "not a member of South network" in body and "Narnia" in body
    assert "Row 6: Spydus from Civica. Which organisations is it for?" in body
    assert CAMDEN in body and KINGSTON in body
    assert not Suggestion.objects.exists()


def test_an_import_is_refused_with_the_reason_while_rows_block(client, world):
    survey = start(world)
    response = signed_in(client, world.coordinator).post(reverse("registers:survey_commit", args=[world.network.slug, survey.pk]))
    assert response.status_code == 303
    body = text(client.get(page(survey)))
    assert "rows have errors and 1 row names a joint service to decide, so nothing was imported" in body
    assert not Suggestion.objects.exists()


def test_a_coordinator_decides_a_joint_service_and_imports(client, world):
    survey = start(world, xlsx([MESSY[0], MESSY[3]]))
    client = signed_in(client, world.coordinator)
    decide = reverse("registers:survey_decide", args=[world.network.slug, survey.pk])
    refused = client.post(decide, {"row": "4"})
    assert refused.status_code == 303 and "Choose at least one organisation" in text(client.get(page(survey)))
    response = client.post(decide, {"row": "4", "organisations": [world.adur.pk, world.worthing.pk]})
    assert response.status_code == 303
    body = text(client.get(page(survey)))
    assert f"Row 4 is for {world.adur.name} and {world.worthing.name}." in body
    assert ADUR in body and WORTHING in body and "Joint services to decide</dt><dd class=\"govuk-summary-list__value\">0" in body
    response = client.post(reverse("registers:survey_commit", args=[world.network.slug, survey.pk]))
    assert response.status_code == 303
    body = text(client.get(response["Location"]))
    assert "3 suggestions wait in the councils’ review queues" in body
    assert "Nothing was retired" in body
    assert Suggestion.objects.filter(organisation__in=[world.adur, world.worthing, world.camden]).count() == 3


def test_a_later_edition_lists_what_disappeared(client, world):
    surveys.request_commit(start(world, xlsx([MESSY[0], MESSY[1]])), actor=world.coordinator)
    later = start(world, xlsx([MESSY[0]]))
    client = signed_in(client, world.coordinator)
    client.post(reverse("registers:survey_commit", args=[world.network.slug, later.pk]))
    body = text(client.get(page(later)))
    section = body[body.index("Since the earlier edition"):]
    assert world.kingston.name in section and "spydus" in section and "Nothing was retired" in section


def test_changing_the_columns_previews_again(client, world):
    survey = start(world, xlsx([MESSY[0]]))
    report = surveys.shown(survey)
    mapping = {f"column_{i}": name for i, name in enumerate(report.mapping)}
    mapping["column_9"] = ""  # leave the comments out
    client = signed_in(client, world.coordinator)
    response = client.post(page(survey), mapping)
    assert response.status_code == 303
    survey.refresh_from_db()
    assert survey.mapping[9] == ""


def test_the_upload_form_says_what_is_missing(client, world):
    response = signed_in(client, world.coordinator).post(reverse("registers:surveys", args=[world.network.slug]), {"label": ""})
    body = text(response)
    assert response.status_code == 400 and "Choose the survey’s CSV or XLSX file." in body and "Name the source" in body
    assert not SurveyImport.objects.exists()


@pytest.mark.parametrize("who", ["editor", "other_coordinator"])
def test_others_cannot_open_or_act_on_the_pages(client, world, who):
    survey = start(world)
    if who == "editor":
        user = world.editor
    else:
        user = RoleFactory(kind="coordinator", network=NetworkFactory(), user__email="other@example.org").user
    client = signed_in(client, user)
    assert client.get(reverse("registers:surveys", args=[world.network.slug])).status_code == 403
    assert client.get(page(survey)).status_code == 404
    assert client.post(reverse("registers:survey_commit", args=[world.network.slug, survey.pk])).status_code == 404
    assert not Suggestion.objects.exists()


def test_the_survey_is_found_only_under_its_own_network(client, world):
    survey = start(world)
    other = NetworkFactory(slug="elsewhere")
    RoleFactory(kind="admin", user__email="admin@example.org")
    admin = RoleFactory(kind="admin", user__email="admin2@example.org").user
    assert signed_in(client, admin).get(reverse("registers:survey", args=[other.slug, survey.pk])).status_code == 404


def test_the_network_page_links_to_the_surveys_for_its_coordinators(client, world):
    url = reverse("directory:network", args=[world.network.slug])
    link = reverse("registers:surveys", args=[world.network.slug])
    assert link not in text(signed_in(client, world.editor).get(url))
    assert link in text(signed_in(client, world.coordinator).get(url))


def test_the_comment_reaches_the_councils_review_queue_not_the_survey_page_of_others(client, world):
    """A rating's comment is members-only: after the import it waits in Camden's review queue
    for its editor, who still cannot open the network's survey."""
    survey = start(world, xlsx([MESSY[0]]))
    surveys.request_commit(survey, actor=world.coordinator)
    suggestion = Suggestion.objects.get(organisation=world.camden)
    editor = signed_in(client, world.editor)
    assert "Works" in text(editor.get(reverse("notices:suggestion", args=[suggestion.pk])))
    assert editor.get(page(survey)).status_code == 404
    client.logout()
    assert client.get(page(survey)).status_code == 302  # to the sign-in page
