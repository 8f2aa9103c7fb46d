"""The pages, the API and the command: each does what the services do, refuses what they
refuse, and shows nobody what they may not see."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from citytools.satisfaction import services
from citytools.satisfaction.models import PainPoint, Rating
from tests.satisfaction.conftest import MARKER

pytestmark = pytest.mark.django_db


def client_for(world, role):
    client = Client()
    if role != "public":
        client.force_login(world.user(role))
    return client


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


@pytest.fixture
def rated(world):
    """Three ratings in network north (own twice, peer once), a pain point raised by own
    with a member's marker note shared by peer, and a supplier's reply."""
    for role, system, score in (("member", "own", 2), ("member", "own_ledger", 4), ("peer_member", "peer", 3)):
        services.rate_system(
            world.systems[system], actor=world.user(role), viewer=world.viewer(role), overall=score,
            dimensions={"support": score, "value": 1}, comment=f"{MARKER} {system}",
        )
    point = services.raise_pain_point(
        actor=world.user("member"), viewer=world.viewer("member"), supplier=world.cast.vendor_company,
        title="Month-end outages", description="The service fails on the last working day.", severity=4,
    )
    services.share_pain_point(point, actor=world.user("peer_member"), viewer=world.viewer("peer_member"), note=f"{MARKER} note")
    services.reply_to_pain_point(point, actor=world.user("vendor"), viewer=world.viewer("vendor"), body="We have added capacity.")
    return point


# Rating pages ----------------------------------------------------------------------------------


def test_a_member_rates_through_the_form_without_javascript(world):
    client = client_for(world, "member")
    url = reverse("satisfaction:rate", args=[world.systems["own"].pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="overall"' in page.content
    response = client.post(url, {"overall": "4", "support": "2", "comment": "Fine", "version": ""})
    assert response.status_code == 303
    rating = Rating.objects.get()
    assert (rating.overall, rating.support, rating.comment) == (4, 2, "Fine")
    listing = client.get(reverse("satisfaction:organisation_ratings", args=["own"]))
    assert b"4 out of 5" in listing.content and b"Due for renewal" in listing.content  # the ledger is not rated


def test_a_bad_or_stale_rating_form_keeps_the_input_and_writes_nothing(world):
    client = client_for(world, "member")
    url = reverse("satisfaction:rate", args=[world.systems["own"].pk])
    response = client.post(url, {"overall": "9", "comment": "kept text"})
    assert response.status_code == 400 and b"kept text" in response.content
    assert not Rating.objects.exists()
    client.post(url, {"overall": "3", "version": ""})
    client_for(world, "editor").post(url, {"overall": "5", "version": "1"})
    stale = client.post(url, {"overall": "1", "version": "1", "comment": "my words"})
    assert stale.status_code == 409 and b"Someone else changed this rating" in stale.content and b"my words" in stale.content
    assert Rating.objects.get().overall == 5


@pytest.mark.parametrize("role, status", [("vendor", 403), ("peer_member", 403), ("other_editor", 404)])
def test_others_cannot_rate(world, role, status):
    response = client_for(world, role).post(reverse("satisfaction:rate", args=[world.systems["own"].pk]), {"overall": "5"})
    assert response.status_code in (403, 404)
    assert not Rating.objects.exists()


def test_the_report_page_shows_n_intervals_method_and_charts(world, rated):
    page = client_for(world, "member").get(reverse("satisfaction:report"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="overall-n">3<' in html
    assert "95% interval" in html and "How these figures are worked out" in html
    assert "Not ranked: fewer than 3 ratings" in html
    for chart in ("satisfaction-distribution", "satisfaction-dimensions", "satisfaction-over-time", "satisfaction-suppliers-vs-satisfaction"):
        assert f'data-chart="{chart}-spec"' in html and f'id="{chart}-table"' in html
    public = client_for(world, "public").get(reverse("satisfaction:report")).content.decode()
    assert "Sign in" in public and 'id="overall-n"' not in public


# Pain point pages --------------------------------------------------------------------------------


def test_pain_points_are_raised_shared_and_moved_through_forms(world):
    member = client_for(world, "member")
    response = member.post(
        reverse("satisfaction:pain_point_new"),
        {"organisation": "own", "supplier": "vendor-company", "product": "binsight", "title": "No API",
         "description": "We cannot read our own data.", "severity": "3", "tags": "api, data"},
    )
    assert response.status_code == 303
    point = PainPoint.objects.get()
    peer = client_for(world, "peer_member")
    assert peer.post(reverse("satisfaction:pain_point_share", args=[point.pk]), {"organisation": "peer", "note": "Same"}).status_code == 303
    again = peer.post(reverse("satisfaction:pain_point_share", args=[point.pk]), {"organisation": "peer"})
    assert again.status_code in (400, 403)
    moved = member.post(reverse("satisfaction:pain_point_status", args=[point.pk]), {"status": "raised", "version": "1"})
    assert moved.status_code == 303
    stale = member.post(reverse("satisfaction:pain_point_status", args=[point.pk]), {"status": "responded", "version": "1"})
    assert stale.status_code == 409
    assert PainPoint.objects.get().status == "raised"
    started = client_for(world, "coordinator").post(reverse("satisfaction:pain_point_challenge", args=[point.pk]))
    assert started.status_code == 303 and "/challenges/" in started["Location"]


def test_a_bad_pain_point_form_names_the_field(world):
    response = client_for(world, "member").post(
        reverse("satisfaction:pain_point_new"), {"organisation": "own", "supplier": "", "title": "", "description": "x", "severity": "2"}
    )
    assert response.status_code == 400
    assert b"Choose the supplier the problem is with." in response.content and b"Give the pain point a title." in response.content
    assert not PainPoint.objects.exists()


def test_speaking_for_an_organisation_one_is_not_staff_of_is_refused_not_corrected(world):
    """A forged organisation is a refusal (403) at every door, as the service refuses it, and
    nothing is written; so is starting a joint ITP for someone who may not, however many
    organisations have the pain point."""
    point = services.raise_pain_point(
        actor=world.user("peer_member"), viewer=world.viewer("peer_member"), supplier=world.cast.vendor_company,
        title="Slow search", description="Searching takes a minute.",
    )
    member = client_for(world, "member")
    raised = member.post(
        reverse("satisfaction:pain_point_new"),
        {"organisation": "peer", "supplier": "vendor-company", "title": "Forged", "description": "x", "severity": "2"},
    )
    shared = member.post(reverse("satisfaction:pain_point_share", args=[point.pk]), {"organisation": "stranger"})
    started = member.post(reverse("satisfaction:pain_point_challenge", args=[point.pk]))
    unnamed = client_for(world, "coordinator").post(
        reverse("api:pain_point_create"),
        json.dumps({"supplier": "vendor-company", "title": "Nobody's", "description": "x"}), content_type="application/json",
    )
    assert [r.status_code for r in (raised, shared, started, unnamed)] == [403, 403, 403, 403]
    assert list(PainPoint.objects.values_list("title", flat=True)) == ["Slow search"]
    assert not point.shares.exists() and PainPoint.objects.get().challenge is None


def test_the_vendor_sees_its_pain_point_anonymised_and_replies(world, rated):
    vendor = client_for(world, "vendor")
    html = vendor.get(reverse("satisfaction:pain_point", args=[rated.pk])).content.decode()
    assert "Month-end outages" in html and "A member organisation" in html
    assert world.cast.own.name not in html and world.cast.peer.name not in html and MARKER not in html
    assert "Publish your reply" in html
    assert vendor.post(reverse("satisfaction:pain_point_reply", args=[rated.pk]), {"body": "Patched."}).status_code == 303
    refused = client_for(world, "member").post(reverse("satisfaction:pain_point_reply", args=[rated.pk]), {"body": "x"})
    assert refused.status_code == 403


# The conversation pack ------------------------------------------------------------------------


def test_the_pack_page_and_pdf_hold_the_key_figures_for_a_member(world, rated):
    client = client_for(world, "member")
    page = client.get(reverse("satisfaction:pack", args=["vendor-company"])).content.decode()
    assert "Before you meet Vendor Company" in page
    assert "n = 2" in page  # own's and peer's Binsight ratings
    assert "£100,000 to £100,000 a year" in page
    assert "Month-end outages" in page and "Questions to put to Vendor Company" in page
    response = client.get(reverse("satisfaction:pack_pdf", args=["vendor-company"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for figure in ("Before you meet Vendor Company", "n = 2", "£100,000", "Month-end outages", "Support and responsiveness", "Questions to put"):
        assert figure in text, figure


@pytest.mark.parametrize("role", ["public", "vendor"])
def test_the_pack_and_every_door_keep_member_only_data_from_the_public_and_the_supplier(world, rated, role, tmp_path):
    client = client_for(world, role)
    doors = [
        reverse("satisfaction:report"),
        reverse("satisfaction:report") + "?supplier=vendor-company",
        reverse("satisfaction:pain_points"),
        reverse("satisfaction:pack", args=["vendor-company"]),
        reverse("api:satisfaction_report"),
        reverse("api:pain_points"),
        reverse("api:supplier_pack", args=["vendor-company"]),
        reverse("api:organisation_ratings", args=["own"]),
        reverse("api:rating", args=[world.systems["own"].pk]),
        reverse("satisfaction:organisation_ratings", args=["own"]),
    ]
    if role == "vendor":
        doors += [reverse("satisfaction:pain_point", args=[rated.pk]), reverse("api:pain_point", args=[rated.pk])]
    for url in doors:
        body = client.get(url).content.decode()
        assert MARKER not in body, url
        assert "£100,000" not in body, url
    pack = client.get(reverse("satisfaction:pack", args=["vendor-company"])).content.decode()
    assert "Members only" in pack and "n = " not in pack
    pdf = pdf_text(client.get(reverse("satisfaction:pack_pdf", args=["vendor-company"])).content)
    assert MARKER not in pdf and "£100,000" not in pdf and "n = " not in pdf
    if role == "public":
        target = tmp_path / "pack.html"
        call_command("supplier_pack", "vendor-company", output=str(target))
        assert MARKER not in target.read_text() and "£100,000" not in target.read_text()


# The API ---------------------------------------------------------------------------------------


def test_the_api_rates_with_etags(world):
    client = client_for(world, "member")
    url = reverse("api:rating_put", args=[world.systems["own"].pk])
    created = client.put(url, json.dumps({"overall": 3, "dimensions": {"usability": 4}}), content_type="application/json")
    assert created.status_code == 201 and created["ETag"] == '"1"'
    missing = client.put(url, json.dumps({"overall": 5}), content_type="application/json")
    assert missing.status_code == 428
    stale = client.put(url, json.dumps({"overall": 5}), content_type="application/json", headers={"If-Match": '"9"'})
    assert stale.status_code == 412
    changed = client.put(url, json.dumps({"overall": 5}), content_type="application/json", headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["overall"] == 5
    bad = client.put(url, json.dumps({"overall": 7}), content_type="application/json", headers={"If-Match": '"2"'})
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert Rating.objects.get().overall == 5
    read = client.get(reverse("api:rating", args=[world.systems["own"].pk])).json()
    assert read["dimensions"]["usability"] is None and read["version"] == 2


def test_the_api_runs_a_pain_point(world):
    member, peer = client_for(world, "member"), client_for(world, "peer_member")
    created = member.post(
        reverse("api:pain_point_create"),
        json.dumps({"supplier": "vendor-company", "title": "Forced upgrades", "description": "Upgrades cost extra.", "tags": ["Upgrades"]}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    point = created.json()
    assert point["raised_by"] == "own" and point["tags"] == ["upgrades"]
    shared = peer.post(reverse("api:pain_point_share", args=[point["id"]]), json.dumps({"note": "Same"}), content_type="application/json")
    assert shared.status_code == 201 and shared.json()["organisations"] == 2
    moved = member.put(
        reverse("api:pain_point_status", args=[point["id"]]), json.dumps({"status": "raised"}),
        content_type="application/json", headers={"If-Match": '"1"'},
    )
    assert moved.status_code == 200 and moved.json()["status"] == "raised"
    vendor = client_for(world, "vendor").get(reverse("api:pain_point", args=[point["id"]])).json()
    assert vendor["raised_by"] is None and vendor["shares"][0]["organisation"] is None and vendor["shares"][0]["note"] is None
    started = client_for(world, "coordinator").post(reverse("api:pain_point_challenge", args=[point["id"]]))
    assert started.status_code == 201 and started.json()["url"].startswith("/challenges/")


def test_the_api_report_and_pack(world, rated):
    report = client_for(world, "member").get(reverse("api:satisfaction_report")).json()
    assert report["visible"] and report["overall"]["n"] == 3
    assert report["overall"]["low"] <= report["overall"]["estimate"] <= report["overall"]["high"]
    pack = client_for(world, "member").get(reverse("api:supplier_pack", args=["vendor-company"])).json()
    assert pack["value_ranges"] == [{"currency": "GBP", "low": 100000.0, "high": 100000.0, "contracts": 2}]
    assert pack["satisfaction"]["overall"]["n"] == 2 and pack["questions"]
    public = Client().get(reverse("api:supplier_pack", args=["vendor-company"])).json()
    assert public["value_ranges"] is None and public["satisfaction"]["overall"]["n"] == 0
    assert all(c["annual_value"] is None for c in public["contracts"])


def test_the_command_writes_a_pdf_for_a_member(world, rated, tmp_path):
    target = tmp_path / "pack.pdf"
    call_command("supplier_pack", "vendor-company", "--as", "member@example.org", output=str(target))
    assert "£100,000" in pdf_text(target.read_bytes())
    with pytest.raises(Exception, match="No supplier"):
        call_command("supplier_pack", "nobody", output=str(target))


def test_the_rating_page_shows_earlier_ratings(world):
    client = client_for(world, "member")
    url = reverse("satisfaction:rate", args=[world.systems["own"].pk])
    client.post(url, {"overall": "2", "version": ""})
    client.post(url, {"overall": "4", "version": "1"})
    html = client.get(url).content.decode()
    assert 'id="earlier-ratings"' in html and "2 out of 5" in html


def test_an_unknown_filter_is_an_error_not_a_silent_all(world):
    page = client_for(world, "member").get(reverse("satisfaction:report"), {"supplier": "no-such-supplier"}).content.decode()
    assert "There is a problem with the filters" in page


# Only systems in use are rated (issue 13, item 8) ---------------------------------------------


def test_the_rating_pages_refuse_a_planned_system_and_do_not_offer_it(world, planned):
    client = client_for(world, "member")
    url = reverse("satisfaction:rate", args=[planned.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"is planned" in page.content and b'name="overall"' not in page.content
    posted = client.post(url, {"overall": "4", "version": ""})
    assert posted.status_code == 400 and b"is planned" in posted.content
    assert not Rating.objects.exists()
    listing = client.get(reverse("satisfaction:organisation_ratings", args=["own"])).content.decode()
    row = re.search(rf'<tr class="govuk-table__row" id="system-{planned.pk}">(.*?)</tr>', listing, re.S).group(1)
    assert "Planned" in row and url not in row and "Due for renewal" not in row
    system_page = client.get(reverse("inventory:system", args=[planned.pk])).content.decode()
    assert url not in system_page
    live_page = client.get(reverse("inventory:system", args=[world.systems["own"].pk])).content.decode()
    assert reverse("satisfaction:rate", args=[world.systems["own"].pk]) in live_page


def test_the_api_refuses_to_rate_a_planned_system(world, planned):
    client = client_for(world, "member")
    refused = client.put(reverse("api:rating_put", args=[planned.pk]), json.dumps({"overall": 4}), content_type="application/json")
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["type"].endswith("#not_in_use") and "is planned" in refused.json()["detail"]
    assert not Rating.objects.exists()
    lines = {line["system"]: line for line in client.get(reverse("api:organisation_ratings", args=["own"])).json()}
    assert lines[planned.pk]["due"] is False and lines[planned.pk]["in_use"] is False
    assert lines[world.systems["own_ledger"].pk]["due"] is True and lines[world.systems["own_ledger"].pk]["in_use"] is True


# Only organisations that use it have a pain point (issue 13, item 9) ---------------------------


def _retire(system):
    from django.utils import timezone

    type(system).objects.filter(pk=system.pk).update(retired_at=timezone.now())


def test_the_share_form_is_offered_only_to_organisations_that_use_it(world):
    point = services.raise_pain_point(
        actor=world.user("member"), viewer=world.viewer("member"), supplier=world.other_product.manufacturer,
        product=world.other_product, title="Ledger exports", description="Exports stop at 10,000 rows.",
    )
    peer = client_for(world, "peer_member")
    url = reverse("satisfaction:pain_point", args=[point.pk])
    page = peer.get(url).content.decode()
    assert "We have this too</button>" not in page
    assert "Only organisations that use Ledger can say they have this too" in page
    refused = peer.post(reverse("satisfaction:pain_point_share", args=[point.pk]), {"organisation": "peer", "note": "x"})
    assert refused.status_code == 400 and b"has no Ledger" in refused.content
    api = peer.post(reverse("api:pain_point_share", args=[point.pk]), json.dumps({}), content_type="application/json")
    assert api.status_code == 400 and api.json()["type"].endswith("#not_a_user")
    assert not point.shares.exists()


def test_every_door_counts_only_organisations_that_still_use_it(world, rated):
    """`rated`: own raised it, peer shares it. Once peer retires its Binsight, peer's "we have
    this too" is kept and shown as no longer using it, and counted nowhere."""
    _retire(world.systems["peer"])
    member = client_for(world, "member")
    listing = member.get(reverse("satisfaction:pain_points")).content.decode()
    assert re.search(r'govuk-table__cell--numeric">\s*1\s*<', listing)
    detail = member.get(reverse("satisfaction:pain_point", args=[rated.pk])).content.decode()
    assert 'id="affected-count">1<' in detail
    assert world.cast.peer.name in detail and "No longer uses it" in detail
    api = member.get(reverse("api:pain_point", args=[rated.pk])).json()
    assert api["organisations"] == 1 and [s["counted"] for s in api["shares"]] == [False]
    assert member.get(reverse("api:pain_points")).json()["items"][0]["organisations"] == 1
    pack = member.get(reverse("api:supplier_pack", args=["vendor-company"])).json()
    assert pack["pain_points"][0]["organisations"] == 1
    page = member.get(reverse("satisfaction:pack", args=["vendor-company"])).content.decode()
    assert "Month-end outages</strong> – 1 organisation," in page
    assert "1 organisation reports “Month-end outages”" in page
    text = pdf_text(member.get(reverse("satisfaction:pack_pdf", args=["vendor-company"])).content)
    assert "Month-end outages – 1 organisation," in text
    # The supplier, who may not see which organisations have it, sees only those counted.
    vendor = client_for(world, "vendor")
    assert vendor.get(reverse("api:pain_point", args=[rated.pk])).json()["shares"] == []
    vendor_page = vendor.get(reverse("satisfaction:pain_point", args=[rated.pk])).content.decode()
    assert 'id="affected-count">1<' in vendor_page and "No longer uses it" not in vendor_page


def test_raising_a_pain_point_about_what_one_does_not_use_is_refused_on_every_door(world):
    peer = client_for(world, "peer_member")
    fields = {"organisation": "peer", "supplier": "other-maker", "title": "Ledger exports", "description": "x", "severity": "2"}
    page = peer.post(reverse("satisfaction:pain_point_new"), fields)
    assert page.status_code == 400
    assert f"{world.cast.peer} has no system from Other Maker in use in its inventory" in page.content.decode()
    api = peer.post(reverse("api:pain_point_create"), json.dumps({**fields, "severity": 2}), content_type="application/json")
    assert api.status_code == 400 and api.json()["type"].endswith("#not_a_user")
    assert not PainPoint.objects.exists()


# Paging --------------------------------------------------------------------------------------


def _many_points(world, n, **fields):
    return [
        services.raise_pain_point(
            actor=world.user("member"), viewer=world.viewer("member"), supplier=world.cast.vendor_company,
            title=f"Problem {i:02}", description="x", **fields,
        )
        for i in range(n)
    ]


def test_the_pain_points_page_is_paged_and_keeps_its_filters(world, monkeypatch):
    from citytools.satisfaction import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _many_points(world, 3, tags=["exports"])
    _many_points(world, 2)  # untagged: filtered out below
    member = client_for(world, "member")
    url = reverse("satisfaction:pain_points")
    first = member.get(url, {"tag": "exports"}).content.decode()
    assert "3 pain points, page 1 of 2" in first and first.count('class="govuk-link" href="/pain-points/') == 2
    # Each page link keeps the filter, and the tags count every matching pain point.
    assert "?tag=exports&amp;page=2" in first and "exports</a> (3)" in first
    last = member.get(url, {"tag": "exports", "page": 2}).content.decode()
    assert "page 2 of 2" in last and last.count('class="govuk-link" href="/pain-points/') == 1
    # A page past the end, or not a number, shows the last or the first page, not an error.
    assert "page 2 of 2" in member.get(url, {"tag": "exports", "page": 99}).content.decode()
    assert "page 1 of 2" in member.get(url, {"tag": "exports", "page": "x"}).content.decode()


def test_the_pain_point_api_pages_with_limit_and_offset(world):
    _many_points(world, 3)
    member = client_for(world, "member")
    url = reverse("api:pain_points")
    page = member.get(url, {"limit": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    last = member.get(url, {"limit": 2, "offset": 2}).json()
    assert len(last["items"]) == 1 and {p["id"] for p in page["items"] + last["items"]} == set(
        PainPoint.objects.values_list("pk", flat=True)
    )
    for bad in ({"limit": 10**9}, {"offset": -1}, {"offset": 10**12}):
        answer = member.get(url, bad)
        assert answer.status_code == 422 and answer["Content-Type"] == "application/problem+json"


def test_the_pack_lists_a_bounded_number_of_organisations_and_contracts_and_counts_the_rest(world, rated, monkeypatch):
    from citytools.satisfaction import pack

    monkeypatch.setattr(pack, "TABLE_ROWS", 1)
    member = client_for(world, "member")
    api = member.get(reverse("api:supplier_pack", args=["vendor-company"])).json()
    assert len(api["uses"]) == 1 and api["organisations"] > 1
    assert len(api["contracts"]) == 1 and api["contracts_total"] > 1
    page = member.get(reverse("satisfaction:pack", args=["vendor-company"])).content.decode()
    assert f"And {api['organisations'] - 1} more organisation" in page
    assert f"And {api['contracts_total'] - 1} more ending later" in page


def test_the_report_pages_its_rankings_and_keeps_its_filters(world, rated, monkeypatch):
    from citytools.satisfaction import queries, views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    report = queries.report(world.viewer("member"), area=world.area)
    products = [row.name for row in report.products]
    assert len(products) == 2  # the member sees two products rated in the area
    member = client_for(world, "member")
    url = reverse("satisfaction:report")
    pages = [member.get(url, {"area": world.area.slug, "page": n}).content.decode() for n in (1, 2)]
    assert "page 1 of 2" in pages[0] and f"?area={world.area.slug}&amp;page=2" in pages[0]
    for page, shown, hidden in ((pages[0], products[0], products[1]), (pages[1], products[1], products[0])):
        ranking = page[page.index('id="product-ranking"'):]
        assert shown in ranking and hidden not in ranking
    assert "page 2 of 2" in member.get(url, {"area": world.area.slug, "page": 7}).content.decode()
