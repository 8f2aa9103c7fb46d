"""Open data: each published challenge as an Open Contracting Data Standard (OCDS 1.1)
release package, and the record compiled from it.

Releases follow what happened, each a snapshot of what was public at that moment:

1. `tender` at publication: the problem statement, the budget cap, the enquiry and tender
   periods, the award criteria with their weights, the eligibility criteria and the challenge
   document (HTML and PDF);
2. `tenderAmendment` for each addendum;
3. `tenderUpdate` when submissions close, with the number of tenderers;
4. `award` once the selection is signed off (award status "active", tender "complete"), or
   `tenderCancellation` / `tenderUpdate` when it is cancelled or closed unsuccessful.

Decisions (see docs/decisions/):

- procurementMethod is "open": an Invitation to Partner is open to any firm, with
  procurementMethodDetails "Invitation to Partner" to say which open process.
- awardCriteria is "ratedCriteria"; awardCriteriaDetails lists each criterion, its weight and
  its scale. Scores are never published: applicants get them in their own debrief.
- Tenderers are named only after the award, as an award notice names the firms that applied;
  before it, and for challenges that end without a partner, only their number is published.
  No proposal's contents are ever published.
- The lead owning organisation is the buyer and the procuring entity; co-owners of a joint
  challenge are parties with the role "buyer" too (OCDS has one buyer reference).
- Each party's `details.scale` is the partyScale the applicant declared.

The compiled record uses ocdsmerge with the merge rules of the fields published here
(MERGE_RULES), so no schema is fetched over the network.
"""

import json

import ocdsmerge
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from citytools.core.errors import NotFound
from citytools.partnering.models import Challenge, Proposal, State

OCDS_VERSION = "1.1"
PUBLISHER = {"name": "City Tools"}
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"

# The release schema's merge rules for the fields this module writes: release ids, dates and
# tags are left out of a compiled release, and a party's roles are replaced as a whole.
MERGE_RULES = {
    ("id",): "omitWhenMerged",
    ("date",): "omitWhenMerged",
    ("tag",): "omitWhenMerged",
    ("links",): "omitWhenMerged",
    ("parties", "roles"): "wholeListMerge",
    ("parties", "additionalIdentifiers"): "wholeListMerge",
    ("tender", "submissionMethod"): "wholeListMerge",
    ("tender", "amendments", "changes"): "wholeListMerge",
    ("tender", "tenderers", "additionalIdentifiers"): "wholeListMerge",
    ("awards", "suppliers", "additionalIdentifiers"): "wholeListMerge",
}


def ocid(challenge: Challenge) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{challenge.reference}"


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _absolute(name: str, **kwargs) -> str | None:
    try:
        return settings.SITE_URL + reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # a page not installed in this deployment
        return None


def _organisation_party(organisation, roles) -> dict:
    return {"id": f"organisation-{organisation.slug}", "name": organisation.name, "roles": roles}


def _supplier_party(proposal: Proposal, roles) -> dict:
    return {
        "id": f"supplier-{proposal.supplier.slug}",
        "name": proposal.supplier.name,
        "roles": roles,
        "details": {"scale": proposal.scale},
    }


def _ref(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


def _award_criteria_details(criteria, tie_break: str) -> str:
    parts = [f"{c.name}: weight {c.weight}, scored 0 to {c.scale_max}" for c in criteria]
    total = sum(c.weight for c in criteria)
    return f"Rated criteria (weights sum to {total}). " + "; ".join(parts) + ". " + tie_break


def _documents(challenge: Challenge) -> list[dict]:
    documents = []
    for suffix, name, media, title in (
        ("html", "partnering:challenge", "text/html", "The challenge document"),
        ("pdf", "partnering:challenge_pdf", "application/pdf", "The challenge document (PDF)"),
    ):
        url = _absolute(name, slug=challenge.slug)
        if url:
            documents.append({
                "id": f"challenge-document-{suffix}",
                "documentType": "tenderNotice",
                "title": title,
                "url": url,
                "format": media,
                "language": "en",
                "datePublished": _when(challenge.published_at),
            })
    return documents


class _Builder:
    def __init__(self, challenge: Challenge):
        self.challenge = challenge
        self.ocid = ocid(challenge)
        ownerships = list(challenge.ownerships.select_related("organisation").order_by("-lead", "pk"))
        self.owners = [o.organisation for o in ownerships]
        self.criteria = list(challenge.criteria.all())
        self.eligibility = list(challenge.eligibility_criteria.all())
        self.addenda = list(challenge.addenda.all())
        self.submitted = list(
            challenge.proposals.filter(status=Proposal.Status.SUBMITTED).select_related("supplier").order_by("pk")
        )
        self.has_questions = challenge.questions.exists()

    def owner_parties(self) -> list[dict]:
        parties = []
        for index, organisation in enumerate(self.owners):
            parties.append(_organisation_party(organisation, ["buyer", "procuringEntity"] if index == 0 else ["buyer"]))
        return parties

    def tender(self, *, status: str, amendments=(), tenderers=None, number=None) -> dict:
        c = self.challenge
        tender = {
            "id": f"{self.ocid}-tender",
            "title": c.title,
            "description": c.problem_statement,
            "status": status,
            "procuringEntity": _ref(self.owner_parties()[0]) if self.owners else None,
            "mainProcurementCategory": "services",
            "procurementMethod": "open",
            "procurementMethodDetails": "Invitation to Partner",
            "procurementMethodRationale": (
                "A lean, challenge-based process: a problem statement, a capped budget, a short "
                "co-design and a non-binding partnership in which the vendor owns the prototype."
            ),
            "awardCriteria": "ratedCriteria",
            "awardCriteriaDetails": _award_criteria_details(self.criteria, c.tie_break_text),
            "submissionMethod": ["electronicSubmission"],
            "enquiryPeriod": {"startDate": _when(c.published_at), "endDate": _when(c.question_deadline)},
            "tenderPeriod": {"startDate": _when(c.published_at), "endDate": _when(c.submission_deadline)},
            "hasEnquiries": self.has_questions,
            "documents": _documents(c),
        }
        if c.budget_cap is not None:
            tender["value"] = {"amount": float(c.budget_cap), "currency": c.currency}
        if self.eligibility:
            tender["eligibilityCriteria"] = " ".join(f"{i}. {e.text}" for i, e in enumerate(self.eligibility, 1))
        if c.codesign_weeks:
            tender["contractPeriod"] = {"durationInDays": c.codesign_weeks * 7}
        if amendments:
            tender["amendments"] = list(amendments)
        if number is not None:
            tender["numberOfTenderers"] = number
        if tenderers is not None:
            tender["tenderers"] = tenderers
        if tender["procuringEntity"] is None:
            del tender["procuringEntity"]
        return tender

    def release(self, suffix: str, date, tags: list[str], tender: dict, parties: list[dict], awards=None) -> dict:
        release = {
            "ocid": self.ocid,
            "id": f"{self.ocid}-{suffix}",
            "date": _when(date),
            "tag": tags,
            "initiationType": "tender",
            "language": "en",
            "parties": parties,
            "tender": tender,
        }
        if self.owners:
            release["buyer"] = _ref(self.owner_parties()[0])
        if awards:
            release["awards"] = awards
        return release

    def releases(self) -> list[dict]:
        c = self.challenge
        out = [self.release("tender", c.published_at, ["tender"], self.tender(status="active"), self.owner_parties())]
        amendments = []
        for addendum in self.addenda:
            amendments.append({
                "id": f"addendum-{addendum.number}",
                "date": _when(addendum.issued_at),
                "description": addendum.title,
                "rationale": addendum.body,
                "amendsReleaseID": out[-1]["id"],
                "releaseID": f"{self.ocid}-addendum-{addendum.number}",
            })
            out.append(self.release(
                f"addendum-{addendum.number}", addendum.issued_at, ["tenderAmendment"],
                self.tender(status="active", amendments=amendments), self.owner_parties(),
            ))
        closed = c.submissions_closed_at
        number = len(self.submitted) if closed else None
        if closed:
            out.append(self.release(
                "submissions-closed", closed, ["tenderUpdate"],
                self.tender(status="active", amendments=amendments, number=number), self.owner_parties(),
            ))
        state = State(c.state)
        if state in (State.PARTNERED, State.CO_DESIGN, State.DEMO, State.CLOSED_OUT) and c.selected_proposal_id:
            parties = self.owner_parties()
            tenderers = []
            supplier_refs = []
            for proposal in self.submitted:
                partner = proposal.pk == c.selected_proposal_id
                party = _supplier_party(proposal, ["tenderer", "supplier"] if partner else ["tenderer"])
                parties.append(party)
                tenderers.append(_ref(party))
                if partner:
                    supplier_refs.append(_ref(party))
            award = {
                "id": f"{self.ocid}-award-1",
                "title": f"Partner for the co-design: {c.title}",
                "status": "active",
                "date": _when(c.partnered_at),
                "suppliers": supplier_refs,
            }
            if c.awarded_value is not None:
                award["value"] = {"amount": float(c.awarded_value), "currency": c.awarded_currency or c.currency}
            if c.codesign_weeks:
                award["contractPeriod"] = {"durationInDays": c.codesign_weeks * 7}
            out.append(self.release(
                "award", c.partnered_at, ["award"],
                self.tender(status="complete", amendments=amendments, tenderers=tenderers, number=len(self.submitted)),
                parties, awards=[award],
            ))
        elif state in (State.CANCELLED, State.UNSUCCESSFUL):
            status = "cancelled" if state == State.CANCELLED else "unsuccessful"
            # OCDS 1.1 has no field for why a tender ended; the published reason is a last amendment.
            closing = {
                "id": status,
                "date": _when(c.state_changed_at),
                "description": "Cancelled" if state == State.CANCELLED else "Closed without a partner",
                "rationale": c.closing_reason,
                "amendsReleaseID": out[-1]["id"],
                "releaseID": f"{self.ocid}-{status}",
            }
            tender = self.tender(status=status, amendments=[*amendments, closing], number=number)
            tags = ["tenderCancellation"] if state == State.CANCELLED else ["tenderUpdate"]
            out.append(self.release(status, c.state_changed_at, tags, tender, self.owner_parties()))
        return out


def releases(challenge: Challenge) -> list[dict]:
    if not challenge.is_published:
        raise NotFound("Only published challenges are open data.")
    return _Builder(challenge).releases()


def _package(challenge: Challenge, items: list[dict]) -> dict:
    package = {"uri": _absolute("partnering:ocds", slug=challenge.slug)}
    if package["uri"] is None:
        del package["uri"]
    package.update(
        version=OCDS_VERSION,
        publishedDate=max(r["date"] for r in items),
        publisher=PUBLISHER,
        license=LICENSE,
    )
    return package


def release_package(challenge: Challenge) -> dict:
    """The OCDS release package of a published challenge; NotFound for any other."""
    items = releases(challenge)
    return {**_package(challenge, items), "releases": items}


def compiled_release(items: list[dict]) -> dict:
    merger = ocdsmerge.Merger(merge_rules=MERGE_RULES)
    return merger.create_compiled_release(items)


def record_package(challenge: Challenge) -> dict:
    """The record of a published challenge: its releases and the compiled release."""
    items = releases(challenge)
    compiled = compiled_release(items)
    return {**_package(challenge, items), "records": [{"ocid": ocid(challenge), "releases": items, "compiledRelease": compiled}]}


def _every_package(items: list[dict]) -> dict:
    package = {"uri": _absolute("partnering:ocds_all")}
    if package["uri"] is None:
        del package["uri"]
    package.update(
        version=OCDS_VERSION,
        publishedDate=max((r["date"] for r in items), default=None),
        publisher=PUBLISHER,
        license=LICENSE,
    )
    if package["publishedDate"] is None:
        del package["publishedDate"]
    return package


def every_release_package(challenges) -> dict:
    """One release package of every published challenge among `challenges` (bulk open data)."""
    published = [c for c in challenges if c.is_published]
    items = [release for c in published for release in _Builder(c).releases()]
    return {**_every_package(items), "releases": items}


def every_record_package(challenges) -> dict:
    """One record package with a record (releases and compiled release) per published challenge."""
    records, items = [], []
    for challenge in (c for c in challenges if c.is_published):
        mine = _Builder(challenge).releases()
        items.extend(mine)
        records.append({"ocid": ocid(challenge), "releases": mine, "compiledRelease": compiled_release(mine)})
    return {**_every_package(items), "records": records}


def dumps(package: dict) -> str:
    return json.dumps(package, ensure_ascii=False, indent=2, sort_keys=False)
