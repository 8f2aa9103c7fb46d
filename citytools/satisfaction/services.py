"""The only code that writes ratings and pain points. Pages, the API and commands call these.

Every function takes the acting person (`actor`) and their Viewer (`viewer`), checks with
citytools.satisfaction.rules that they may act, and raises a DomainError naming the field
when the input is wrong, before anything is written. Changes to a rating or a pain point's
status name the version they were based on, so a stale edit is refused (Conflict) instead of
overwriting someone else's.
"""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from citytools.core import history
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.directory.models import Organisation, Supplier
from citytools.inventory.models import Product, System
from citytools.partnering.services import authoring
from citytools.satisfaction import queries, rules
from citytools.satisfaction.models import (
    DIMENSION_NAMES,
    PainPoint,
    PainPointReply,
    PainPointShare,
    PainPointStatus,
    Rating,
    Severity,
)

MAX_COMMENT = 5000
MAX_TITLE = 200
MAX_DESCRIPTION = 10000


# Ratings -------------------------------------------------------------------------------------


def _score(value, field: str, *, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise DomainError("Choose an overall score from 1 to 5.", field=field)
        return None
    if isinstance(value, bool):
        raise DomainError("A score is a whole number from 1 to 5.", field=field)
    try:
        score = int(value)
    except (TypeError, ValueError):
        raise DomainError("A score is a whole number from 1 to 5.", field=field) from None
    if isinstance(value, float | str) and str(value).strip() not in (str(score), f"{score}.0"):
        raise DomainError("A score is a whole number from 1 to 5.", field=field)
    if not 1 <= score <= 5:
        raise DomainError("A score is a whole number from 1 to 5.", field=field)
    return score


def require_in_use(system: System) -> None:
    """Only a system the organisation runs today is rated: a planned one has given nobody
    anything to judge yet, and a retired one is no longer anyone's experience."""
    if system.is_in_use:
        return
    if system.retired_at is not None:
        raise DomainError(
            f"{system.product} at {system.organisation} is retired: only systems in use are rated.", code="not_in_use"
        )
    raise DomainError(
        f"{system.product} at {system.organisation} is planned: a system is rated once it is in use. "
        "When it goes live, change its status, then rate it.",
        code="not_in_use",
    )


def rating_target(viewer, pk) -> System:
    """A system this person may see (NotFound otherwise) and whose organisation they rate for
    (Forbidden otherwise), whether or not it is in use."""
    system = System.objects.visible_to(viewer).select_related("product", "organisation").filter(pk=pk).first()
    if system is None:
        raise NotFound("No such system.")
    if not rules.can_rate(viewer.grants, organisation=system.organisation_id):
        raise Forbidden("Only the organisation's own members rate its systems.")
    return system


def rateable_system(viewer, pk) -> System:
    """A system this person may rate now: rating_target, and in use (DomainError
    "not_in_use" otherwise)."""
    system = rating_target(viewer, pk)
    require_in_use(system)
    return system


def rate_system(
    system: System, *, actor, viewer, overall, dimensions: dict | None = None, comment: str = "",
    version: int | None = None, now=None, provenance: dict | None = None, batch: history.Batch | None = None,
) -> Rating:
    """Set the organisation's current rating of `system`. The first rating needs no version;
    a change names the version it replaces. With `provenance` (the organisation answered a
    network's survey), its networks' coordinators may record the first rating too, as they
    may put the survey's systems on its map; the history row names the source. With `batch`,
    a first rating is checked now and written with the batch (its system may be waiting in
    the same batch)."""
    from_source = bool(provenance) and viewer.can_edit(system.organisation_id, from_source=True)
    if not (from_source or rules.can_rate(viewer.grants, organisation=system.organisation_id)):
        raise Forbidden("Only the organisation's own members rate its systems.")
    require_in_use(system)
    dimensions = dict(dimensions or {})
    unknown = sorted(set(dimensions) - set(DIMENSION_NAMES))
    if unknown:
        raise DomainError(f"Unknown dimension: {unknown[0]}.", field=unknown[0])
    fields = {"overall": _score(overall, "overall", required=True)}
    for name in DIMENSION_NAMES:
        fields[name] = _score(dimensions.get(name), name, required=False)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(f"Keep the comment to {MAX_COMMENT:,} characters.", field="comment")
    fields.update(comment=comment, rated_by=actor, rated_at=now or timezone.now())
    # A system still waiting in a batch has no rating yet.
    existing = Rating.objects.filter(system=system).first() if system.pk is not None else None
    if existing is None:
        if version not in (None, "", 0):
            raise Conflict(history.STALE_MESSAGE, code="stale_version")
        try:
            with transaction.atomic():
                return history.create_record(
                    Rating(system=system, organisation_id=system.organisation_id, **fields), links=None, actor=actor,
                    reason=f"From {provenance['label']}" if provenance and provenance.get("label") else None,
                    batch=batch,
                )
        except IntegrityError:
            # Someone else rated it first, between our look and our write.
            raise Conflict(history.STALE_MESSAGE, code="stale_version") from None
    if from_source and not rules.can_rate(viewer.grants, organisation=system.organisation_id):
        raise Forbidden("Only the organisation's own members change its rating.")
    if version in (None, ""):
        raise Conflict(
            "This system already has a rating. Open it, then change it, so nobody's rating is overwritten unseen.",
            code="stale_version",
        )
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise DomainError("The version must be a whole number.", field="version") from None
    return history.save_edit(existing, version=version, fields=fields, actor=actor)


def is_due(rating: Rating | None, now=None, *, system: System | None = None) -> bool:
    """Due for renewal (citytools.satisfaction.rules.is_due): `system` is the one rated, by
    default the rating's."""
    system = system if system is not None else rating.system
    rated_at = rating.rated_at if rating is not None else None
    return rules.is_due(in_use=system.is_in_use, rated_at=rated_at, now=now or timezone.now())


# Pain points ---------------------------------------------------------------------------------


def raising_organisations(viewer):
    """The organisations this person may raise a pain point for or share one as."""
    if viewer.grants.is_admin:
        return Organisation.objects.filter(memberships__isnull=False).distinct()
    return Organisation.objects.filter(pk__in=viewer.grants.staff_organisations)


def lacking_organisations(pain_point: PainPoint, viewer) -> list[Organisation]:
    """The person's organisations that have not said they have it, whether or not they use it."""
    affected = affected_organisations(pain_point)
    return [o for o in raising_organisations(viewer).order_by("name") if o.pk not in affected]


def sharing_organisations(pain_point: PainPoint, viewer) -> list[Organisation]:
    """The organisations this person may say "we have this too" for: theirs that lack it and
    use what it is about (citytools.satisfaction.queries.subject_systems)."""
    uses = Exists(queries.subject_systems(OuterRef("pk"), pain_point.supplier_id, pain_point.product_id))
    return list(
        raising_organisations(viewer).exclude(pk__in=affected_organisations(pain_point)).filter(uses).order_by("name")
    )


def subject_name(supplier: Supplier, product: Product | None, *, article: bool = True) -> str:
    """What a pain point is about, in words: "Ledger", "Ledger from Reseller Ltd" or "a system
    from Vendor Company" ("system from Vendor Company" without the article)."""
    if product is None:
        return f"{'a ' if article else ''}system from {supplier}"
    return str(product) if product.manufacturer_id == supplier.pk else f"{product} from {supplier}"


def _require_user(organisation: Organisation, supplier: Supplier, product: Product | None, *, field: str, then: str) -> None:
    """Only an organisation that uses what a pain point is about has it (issue: "we have this
    too" must not count organisations that do not use the product or supplier)."""
    if not queries.subject_systems(organisation.pk, supplier.pk, product.pk if product else None).exists():
        raise DomainError(
            f"{organisation} has no {subject_name(supplier, product, article=False)} in use in its inventory. {then}",
            field=field, code="not_a_user",
        )


def _organisation(viewer, organisation) -> Organisation:
    if organisation is None:
        choices = list(raising_organisations(viewer)[:2])
        if not choices:
            # Someone who speaks for no organisation is refused, not asked to choose one.
            raise Forbidden("Only an organisation's own staff speak for it.")
        if len(choices) != 1:
            raise DomainError("Choose the organisation you speak for.", field="organisation")
        return choices[0]
    if isinstance(organisation, str):
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            raise DomainError("Choose an organisation from the list.", field="organisation")
        organisation = found
    if not rules.can_raise(viewer.grants, organisation=organisation.pk):
        raise Forbidden("Only an organisation's own staff speak for it.")
    return organisation


def _text(value, field: str, limit: int, missing: str) -> str:
    value = (value or "").strip() if isinstance(value, str | type(None)) else None
    if value is None:
        raise DomainError("Enter text.", field=field)
    if not value:
        raise DomainError(missing, field=field)
    if len(value) > limit:
        raise DomainError(f"Keep it to {limit:,} characters.", field=field)
    return value


def _severity(value) -> int:
    try:
        severity = int(value)
    except (TypeError, ValueError):
        severity = None
    if severity not in Severity.values:
        raise DomainError("Choose how severe the problem is.", field="severity")
    return severity


def raise_pain_point(
    *, actor, viewer, supplier, title, description, severity=Severity.MEDIUM, tags=(), product=None,
    organisation=None, now=None,
) -> PainPoint:
    """Describe a problem the organisation has with a supplier or one of its products."""
    organisation = _organisation(viewer, organisation)
    if isinstance(supplier, str):
        supplier = Supplier.objects.filter(slug=supplier).first()
    if supplier is None:
        raise DomainError("Choose the supplier the problem is with.", field="supplier")
    if isinstance(product, str):
        slug, product = product, Product.objects.filter(slug=product).first() if product else None
        if slug and product is None:
            raise DomainError("Choose a product from the list, or none.", field="product")
    if product is not None and product.manufacturer_id != supplier.pk and not System.objects.filter(
        product=product, supplier=supplier
    ).exists():
        raise DomainError(f"{supplier} neither makes nor supplies {product}.", field="product")
    _require_user(
        organisation, supplier, product, field="supplier",
        then="A pain point is raised by an organisation that uses what it is about: record the system first.",
    )
    now = now or timezone.now()
    pain_point = PainPoint(
        title=_text(title, "title", MAX_TITLE, "Give the pain point a title."),
        description=_text(description, "description", MAX_DESCRIPTION, "Describe the problem."),
        severity=_severity(severity),
        tags=rules.clean_tags(tags),
        supplier=supplier,
        product=product,
        organisation=organisation,
        raised_by=actor,
        status=PainPointStatus.OPEN,
        status_changed_at=now,
    )
    return history.create_record(pain_point, links=None, actor=actor)


def readable_pain_point(viewer, pk) -> PainPoint:
    """A pain point this person may read (NotFound otherwise), with its counts
    (citytools.satisfaction.queries.with_counts)."""
    found = (
        queries.with_counts(PainPoint.objects.filter(viewer.pain_points_q()))
        .select_related("supplier", "product", "organisation", "challenge")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound("No such pain point.")
    return found


def readable_pain_point_exists(viewer, pk) -> bool:
    try:
        readable_pain_point(viewer, pk)
    except NotFound:
        return False
    return True


def affected_organisations(pain_point: PainPoint) -> set[int]:
    """Every organisation on record as having it: the raiser and each "we have this too",
    including those that no longer use what it is about."""
    return {pain_point.organisation_id, *pain_point.shares.values_list("organisation_id", flat=True)}


def counted_organisations(pain_point: PainPoint) -> set[int]:
    """The organisations that have it and use what it is about: the ones counted."""
    counted = {share.organisation_id for share in queries.shares_of(pain_point) if share.counted}
    if queries.uses_subject(pain_point.organisation_id, pain_point):
        counted.add(pain_point.organisation_id)
    return counted


def share_pain_point(pain_point: PainPoint, *, actor, viewer, organisation=None, note: str = "") -> PainPointShare:
    """Another organisation says "we have this too"."""
    organisation = _organisation(viewer, organisation)
    if organisation.pk in affected_organisations(pain_point):
        raise DomainError(f"{organisation} already has this pain point.", field="organisation", code="already_shared")
    _require_user(
        organisation, pain_point.supplier, pain_point.product, field="organisation",
        then="Only organisations that use it can say they have this pain point: record the system first.",
    )
    note = (note or "").strip()
    if len(note) > MAX_COMMENT:
        raise DomainError(f"Keep the note to {MAX_COMMENT:,} characters.", field="note")
    try:
        with transaction.atomic():
            return PainPointShare.objects.create(pain_point=pain_point, organisation=organisation, note=note, added_by=actor)
    except IntegrityError:
        raise DomainError(f"{organisation} already has this pain point.", field="organisation", code="already_shared") from None


def may_move(pain_point: PainPoint, viewer) -> bool:
    affected = affected_organisations(pain_point)
    networks = frozenset().union(*(viewer.networks_of(o) for o in affected))
    return rules.can_move_pain_point(viewer.grants, affected=affected, networks=networks)


def require_move(pain_point: PainPoint, viewer) -> None:
    if not may_move(pain_point, viewer):
        raise Forbidden("Only the organisations that have this pain point, and their coordinators, move it on.")


def move_pain_point(pain_point: PainPoint, *, actor, viewer, status, version, now=None) -> PainPoint:
    """Move the pain point along open → raised with supplier → supplier responded → resolved."""
    require_move(pain_point, viewer)
    if status not in PainPointStatus.values:
        raise DomainError("Choose a status from the list.", field="status")
    if not rules.can_move(pain_point.status, status):
        raise DomainError(
            f"A pain point that is “{pain_point.get_status_display()}” cannot become “{PainPointStatus(status).label}”.",
            field="status", code="not_allowed",
        )
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise DomainError("The version must be a whole number.", field="version") from None
    return history.save_edit(
        pain_point, version=version, fields={"status": status, "status_changed_at": now or timezone.now()}, actor=actor
    )


def subject_suppliers(pain_point: PainPoint) -> set[int]:
    suppliers = {pain_point.supplier_id}
    if pain_point.product_id:
        suppliers.add(pain_point.product.manufacturer_id)
    return suppliers


def reply_to_pain_point(pain_point: PainPoint, *, actor, viewer, body) -> PainPointReply:
    """The supplier's public right of reply, by one of its vendor users."""
    mine = subject_suppliers(pain_point) & viewer.grants.suppliers
    if not mine:
        raise Forbidden("Only the supplier the pain point is about may reply to it.")
    body = _text(body, "body", MAX_DESCRIPTION, "Write your reply.")
    supplier = pain_point.supplier_id if pain_point.supplier_id in mine else min(mine)
    return PainPointReply.objects.create(pain_point=pain_point, supplier_id=supplier, body=body, written_by=actor)


def may_start_joint_challenge(pain_point: PainPoint, viewer) -> bool:
    affected = counted_organisations(pain_point)
    return (
        not pain_point.challenge_id
        and len(affected) >= rules.JOINT_ITP_MINIMUM
        and bool(authoring.owners_among(viewer, Organisation.objects.filter(pk__in=affected)))
    )


def start_joint_challenge(pain_point: PainPoint, *, actor, viewer, now=None):
    """Open a draft joint Invitation to Partner from a pain point several organisations have,
    owned by those of them the person may open a challenge for."""
    # Who may is asked first: someone who may not start one is refused, not told why it
    # cannot start yet. Only organisations that use what it is about count, and own it.
    affected = counted_organisations(pain_point)
    organisations = list(Organisation.objects.filter(pk__in=affected).order_by("name"))
    owners = authoring.owners_among(viewer, organisations)
    if not owners:
        raise Forbidden("Only editors or coordinators of the organisations with this pain point may start one.")
    if pain_point.challenge_id:
        raise DomainError("This pain point has already started an Invitation to Partner.", code="already_started")
    if len(affected) < rules.JOINT_ITP_MINIMUM:
        raise DomainError(
            f"A joint Invitation to Partner needs at least {rules.JOINT_ITP_MINIMUM} organisations with this pain point.",
            code="too_few",
        )
    lead = next((o for o in owners if o.pk == pain_point.organisation_id), owners[0])
    subject = pain_point.product or pain_point.supplier
    with transaction.atomic():
        locked = PainPoint.objects.select_for_update().get(pk=pain_point.pk)
        if locked.challenge_id:
            raise DomainError("This pain point has already started an Invitation to Partner.", code="already_started")
        challenge = authoring.create_challenge(
            actor=actor, viewer=viewer, owners=[lead, *[o for o in owners if o != lead]], lead=lead, now=now,
            title=pain_point.title[:200],
            problem_statement=pain_point.description,
            background=(
                f"{len(affected)} organisations share this problem with {subject}: "
                + ", ".join(o.name for o in organisations) + "."
            ),
            affected=", ".join(o.name for o in organisations),
        )
        PainPoint.objects.filter(pk=pain_point.pk).update(challenge=challenge)
    pain_point.challenge = challenge
    return challenge
