"""The publication rules of each jurisdiction, at /api/v1/publication-rules: anyone reads
them; platform admins create or replace one with PUT (If-Match with its version to replace).
A challenge takes the rules of its lead organisation (citytools.partnering.services.authoring)."""

from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from citytools.core import history
from citytools.core.api import MONEY_IN, MoneyIn
from citytools.core.api_input import django_auth
from citytools.core.errors import Conflict, DomainError, Forbidden
from citytools.core.preconditions import IfMatch, based_on, if_match
from citytools.directory.models import Organisation
from citytools.partnering.models import PublicationRules
from citytools.partnering.services import authoring as services

router = Router(tags=["invitations to partner: publication rules"])


class RulesIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    currency: str = Field("CAD", min_length=3, max_length=3, description="ISO 4217 code of the budget cap.")
    max_budget: MoneyIn = Field(Decimal("50000"), description=MONEY_IN)
    min_weeks: int = Field(12, ge=1, le=520)
    max_weeks: int = Field(16, ge=1, le=520)
    weights_total: int = Field(100, ge=1, le=1000)
    require_scale_texts: StrictBool = True
    require_terms: StrictBool = True
    min_eligibility_criteria: int = Field(0, ge=0, le=50)
    addendum_notice_days: int = Field(7, ge=0, le=365)
    min_submission_days: int = Field(
        14, ge=0, le=365, description="Applicants have at least this many days from publication to the submission deadline."
    )
    min_question_days: int = Field(
        5, ge=0, le=365, description="Questions close at least this many days before the submission deadline."
    )
    organisations: list[str] = Field(
        default_factory=list, description="Slugs of the organisations under these rules; each moves here from any other."
    )


class RulesOut(RulesIn):
    slug: str
    max_budget: Decimal
    version: int = Field(description="Also sent as the ETag header.")
    default: bool = Field(description="Whether organisations under no rules are under these.")


def _out(rules_: PublicationRules) -> dict:
    data = {name: getattr(rules_, name) for name in ("slug", "version", *services.RULE_FIELDS)}
    data["organisations"] = sorted(j.organisation.slug for j in rules_.jurisdictions.select_related("organisation"))
    data["default"] = rules_.pk == services.default_rules().pk
    return data


@router.get("", response=list[RulesOut], url_name="publication_rules", summary="Every jurisdiction's publication rules")
def list_rules(request):
    return [_out(r) for r in PublicationRules.objects.order_by("name")]


@router.get("/{slug}", response=RulesOut, url_name="publication_rules_one", summary="One jurisdiction's publication rules")
def get_rules(request, slug: str, response: HttpResponse):
    rules_ = get_object_or_404(PublicationRules, slug=slug)
    response["ETag"] = history.etag(rules_.version)
    return _out(rules_)


@router.put(
    "/{slug}", response={200: RulesOut, 201: RulesOut}, auth=django_auth, url_name="publication_rules_put",
    summary="Create a jurisdiction's rules, or replace them (platform admins; If-Match with the version to replace)",
)
@if_match(IfMatch.TO_REPLACE)
def put_rules(request, slug: str, payload: RulesIn, response: HttpResponse):
    if not services.may_set_publication_rules(request.viewer):
        raise Forbidden("Only platform admins set the publication rules.")
    if slugify(slug) != slug:
        raise DomainError("Name the rules with lowercase letters, numbers and hyphens, like city-of-toronto.", field="slug")
    existing = PublicationRules.objects.filter(slug=slug).first()
    version = None
    if existing is not None:
        version = based_on(request, existing)
    data = payload.dict()
    organisations = []
    for organisation_slug in data.pop("organisations"):
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        if organisation is None:
            raise DomainError(f"No organisation has the slug {organisation_slug!r}.", field="organisations")
        organisations.append(organisation)
    try:
        rules_, created = services.save_publication_rules(
            actor=request.user, viewer=request.viewer, slug=slug, version=version, create=existing is None,
            organisations=organisations, **data,
        )
    except Conflict:
        raise history.PreconditionFailed(history.IF_MATCH_STALE) from None
    rules_.refresh_from_db()
    response["ETag"] = history.etag(rules_.version)
    return Status(201 if created else 200, _out(rules_))
