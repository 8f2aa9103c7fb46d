"""OCDS open data (citytools.partnering.ocds): release and record packages of challenges in
several states validate against the OCDS 1.1.5 schema kept in ../shared/data/ocds/schema,
and publish nothing that is not public."""

import csv
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from citytools.core.errors import NotFound
from citytools.partnering import ocds
from citytools.partnering.models import Addendum, ConsensusScore, State
from tests.conftest import SHARED_DATA, needs_shared
from tests.partnering.evaluation_world import cast, challenge_in

SCHEMA = SHARED_DATA / "ocds" / "schema"
needs_schema = needs_shared(SCHEMA / "release-package-schema.json")
pytestmark = pytest.mark.django_db

RELEASE_ID = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
# The record package refers to a record schema that ../shared does not hold; this stands in
# for it: a record is an ocid, its releases (each a full release) and the compiled release.
RECORD_ID = "https://standard.open-contracting.org/schema/1__2__0/record-schema.json"
RECORD_SCHEMA = {
    "id": RECORD_ID,
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["ocid", "releases"],
    "properties": {
        "ocid": {"type": "string"},
        "releases": {"type": "array", "minItems": 1, "items": {"$ref": RELEASE_ID}},
        "compiledRelease": {"$ref": RELEASE_ID},
    },
}


def _load(name: str) -> dict:
    return json.loads((SCHEMA / name).read_text())


def validator(package_schema: str) -> Draft4Validator:
    """A draft-04 validator whose $refs resolve to the local files, never the network."""
    release = _load("release-schema.json")
    registry = Registry().with_resources([
        (RELEASE_ID, Resource.from_contents(release, default_specification=DRAFT4)),
        (RECORD_ID, Resource.from_contents(RECORD_SCHEMA, default_specification=DRAFT4)),
    ])
    return Draft4Validator(_load(package_schema), registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def errors(package: dict, package_schema: str) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(package_schema).iter_errors(package)]


def codes(name: str) -> set[str]:
    with (SCHEMA / "codelists" / name).open() as f:
        return {row["Code"] for row in csv.DictReader(f)}


@pytest.fixture
def c():
    return cast(applicants=3, evaluators=2)


STATES = [
    State.PUBLISHED, State.QUESTIONS_CLOSED, State.SUBMISSIONS_CLOSED, State.EVALUATION, State.SELECTION,
    State.PARTNERED, State.CO_DESIGN, State.DEMO, State.CLOSED_OUT, State.CANCELLED, State.UNSUCCESSFUL,
]


@needs_schema
@pytest.mark.parametrize("state", STATES)
def test_packages_validate_in_every_published_state(c, state):
    challenge = challenge_in(c, state)
    Addendum.objects.create(
        challenge=challenge, number=1, title="Longer co-design", body="Sixteen weeks, not fourteen.",
        issued_at=challenge.published_at, issued_by=c.owner,
    )
    package = ocds.release_package(challenge)
    assert errors(package, "release-package-schema.json") == []
    record = ocds.record_package(challenge)
    assert errors(record, "record-package-schema.json") == []
    for release in package["releases"]:
        assert set(release["tag"]) <= codes("releaseTag.csv")
        assert release["tender"]["status"] in codes("tenderStatus.csv")
        assert release["tender"]["procurementMethod"] in codes("method.csv")
        for party in release["parties"]:
            assert set(party["roles"]) <= codes("partyRole.csv")
            if "details" in party:
                assert party["details"]["scale"] in codes("partyScale.csv")


def test_the_tender_release_describes_the_challenge(c, settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01"
    challenge = challenge_in(c, State.PUBLISHED)
    package = ocds.release_package(challenge)
    tender = package["releases"][0]["tender"]
    assert package["releases"][0]["ocid"] == f"ocds-test01-{challenge.reference}"
    assert tender["description"] == challenge.problem_statement
    assert tender["value"] == {"amount": 50000.0, "currency": "CAD"}
    assert (tender["procurementMethod"], tender["procurementMethodDetails"]) == ("open", "Invitation to Partner")
    assert tender["awardCriteria"] == "ratedCriteria"
    for criterion in challenge.criteria.all():
        assert f"{criterion.name}: weight {criterion.weight}" in tender["awardCriteriaDetails"]
    assert tender["tenderPeriod"]["endDate"] == challenge.submission_deadline.isoformat()
    assert tender["enquiryPeriod"]["endDate"] == challenge.question_deadline.isoformat()
    assert {d["format"] for d in tender["documents"]} == {"text/html", "application/pdf"}
    assert "numberOfTenderers" not in tender and "tenderers" not in tender
    assert [p["roles"] for p in package["releases"][0]["parties"]] == [["buyer", "procuringEntity"]]


def test_before_the_award_only_the_number_of_tenderers_is_published(c):
    challenge = challenge_in(c, State.SELECTION)
    releases = ocds.release_package(challenge)["releases"]
    last = releases[-1]["tender"]
    assert last["numberOfTenderers"] == 3
    assert "tenderers" not in last
    text = json.dumps(releases)
    assert not any(supplier.name in text for supplier, _ in c.applicants)


def test_the_award_names_the_partner_and_the_tenderers_with_their_scale(c):
    challenge = challenge_in(c, State.PARTNERED)
    ConsensusScore.objects.filter(proposal__challenge=challenge).update(feedback="A private remark for the applicant.")
    package = ocds.release_package(challenge)
    award_release = package["releases"][-1]
    assert award_release["tag"] == ["award"]
    assert award_release["tender"]["status"] == "complete"
    [award] = award_release["awards"]
    assert award["status"] == "active"
    assert [s["name"] for s in award["suppliers"]] == ["Applicant 1 Ltd"]
    roles = {p["name"]: p["roles"] for p in award_release["parties"]}
    assert roles["Applicant 1 Ltd"] == ["tenderer", "supplier"]
    assert roles["Applicant 2 Ltd"] == ["tenderer"]
    assert {p["details"]["scale"] for p in award_release["parties"] if "details" in p} == {"small"}
    text = json.dumps(package)
    assert "A private remark" not in text and "would map every request" not in text  # no feedback, no proposal text


def test_a_cancelled_challenge_publishes_its_reason_and_no_tenderers(c):
    challenge = challenge_in(c, State.CANCELLED)
    last = ocds.release_package(challenge)["releases"][-1]
    assert last["tag"] == ["tenderCancellation"]
    assert last["tender"]["status"] == "cancelled"
    assert last["tender"]["amendments"][-1]["rationale"] == challenge.closing_reason
    assert "tenderers" not in last["tender"] and "awards" not in last


def test_the_compiled_release_holds_the_latest_state(c):
    challenge = challenge_in(c, State.CO_DESIGN)
    compiled = ocds.record_package(challenge)["records"][0]["compiledRelease"]
    assert compiled["tender"]["status"] == "complete"
    assert compiled["awards"][0]["suppliers"][0]["name"] == "Applicant 1 Ltd"
    assert "tag" not in compiled or compiled["tag"] == ["compiled"]


@pytest.mark.parametrize("state", [State.DRAFT, State.IN_REVIEW])
def test_unpublished_challenges_are_not_open_data(c, state):
    challenge = challenge_in(c, state)
    with pytest.raises(NotFound):
        ocds.release_package(challenge)


@needs_schema
def test_merge_rules_agree_with_the_schema():
    from ocdsmerge.merge import get_merge_rules

    rules = get_merge_rules(_load("release-schema.json"))
    for path, rule in ocds.MERGE_RULES.items():
        assert rules.get(path) == rule, path


@override_settings(SITE_URL="https://citytools.example")
def test_the_command_prints_the_packages(c, capsys):
    challenge = challenge_in(c, State.PARTNERED)
    call_command("challenge_ocds", challenge.slug)
    package = json.loads(capsys.readouterr().out)
    assert package["uri"] == f"https://citytools.example/challenges/{challenge.slug}/ocds.json"
    call_command("challenge_ocds", challenge.slug, "--record")
    assert json.loads(capsys.readouterr().out)["records"][0]["ocid"].endswith(challenge.reference)


def test_the_command_refuses_an_unpublished_challenge(c):
    from django.core.management.base import CommandError

    challenge = challenge_in(c, State.DRAFT)
    with pytest.raises(CommandError, match="No published challenge"):
        call_command("challenge_ocds", challenge.slug)


@needs_schema
def test_the_validator_catches_a_broken_package(c):
    # Guards the helper: a $ref left unresolved or a schema not applied would pass anything.
    package = ocds.release_package(challenge_in(c, State.PARTNERED))
    package["releases"][0]["tender"]["status"] = "open for business"
    package["releases"][-1]["awards"][0]["date"] = 20260101
    found = errors(package, "release-package-schema.json")
    assert any("tender/status" in e for e in found) and any("awards/0/date" in e for e in found)
    record = ocds.record_package(challenge_in(c, State.CANCELLED))
    record["records"][0]["compiledRelease"]["initiationType"] = "auction"
    assert errors(record, "record-package-schema.json")


@needs_schema
@override_settings(SITE_URL="https://citytools.example")
def test_every_published_challenge_in_one_package_through_command_api_and_page(c, tmp_path):
    """Bulk open data: one release package and one record package of every published
    challenge, valid against the schema; drafts are left out."""
    published = [challenge_in(c, State.PARTNERED), challenge_in(c, State.CANCELLED), challenge_in(c, State.PUBLISHED)]
    challenge_in(c, State.DRAFT)
    target = tmp_path / "itp.json"
    call_command("challenge_ocds", "--all", "--output", str(target))
    package = json.loads(target.read_text())
    assert errors(package, "release-package-schema.json") == []
    assert {r["ocid"] for r in package["releases"]} == {ocds.ocid(p) for p in published}
    assert package["uri"] == "https://citytools.example/challenges/all/ocds.json"
    call_command("challenge_ocds", "--all", "--record", "--output", str(target))
    records = json.loads(target.read_text())
    assert errors(records, "record-package-schema.json") == []
    assert len(records["records"]) == 3
    from django.test import Client

    assert json.loads(Client().get("/api/v1/challenges/all/ocds").content)["releases"] == package["releases"]
    assert len(json.loads(Client().get("/api/v1/challenges/all/ocds/record").content)["records"]) == 3
    assert json.loads(Client().get("/challenges/all/ocds.json").content)["releases"] == package["releases"]


def test_the_command_wants_a_slug_or_all(c):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--all"):
        call_command("challenge_ocds")
    with pytest.raises(CommandError, match="--all"):
        call_command("challenge_ocds", "some-slug", "--all")
