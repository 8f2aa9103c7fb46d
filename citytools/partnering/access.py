"""What one person is to one challenge, read from their Viewer and the challenge's panel.

Every door asks `roles_for(viewer, challenge)` and then a function of
citytools.partnering.rules; lists use `Challenge.objects.visible_to(viewer)`.
"""

from django.db.models import Q

from citytools.partnering.models import Challenge, Evaluator
from citytools.partnering.rules import ChallengeRoles


def roles_for(viewer, challenge: Challenge) -> ChallengeRoles:
    grants = viewer.grants
    owners = challenge.owner_ids
    networks = frozenset().union(*(viewer.networks_of(o) for o in owners)) if owners else frozenset()
    user = viewer.user
    evaluator = None
    if user is not None:
        evaluator = next((e for e in _evaluators(challenge) if e.user_id == user.pk), None)
    return ChallengeRoles(
        is_admin=grants.is_admin,
        is_owner=bool(owners & grants.editor_organisations) or _coordinates_joint(viewer, owners),
        is_owner_staff=bool(owners & grants.staff_organisations),
        is_coordinator=bool(networks & grants.coordinator_networks),
        is_steward=user is not None and challenge.steward_id == user.pk,
        is_evaluator=evaluator is not None,
        evaluator_declared=evaluator is not None and evaluator.declared_at is not None,
        evaluator_conflicted=evaluator is not None and evaluator.has_conflict,
        suppliers=grants.suppliers,
    )


def _coordinates_joint(viewer, owners: frozenset[int]) -> bool:
    """A joint Invitation to Partner is also run by the coordinators of a network that every
    owning organisation belongs to: the central team that brought the boroughs together."""
    if len(owners) < 2 or not viewer.grants.coordinator_networks:
        return False
    shared = frozenset.intersection(*(viewer.networks_of(o) for o in owners))
    return bool(shared & viewer.grants.coordinator_networks)


def _evaluators(challenge):
    cache = getattr(challenge, "_prefetched_objects_cache", {})
    if "evaluators" in cache:
        return cache["evaluators"]
    return list(Evaluator.objects.filter(challenge=challenge))


def visible_q(viewer) -> Q:
    """Challenges this person may read: every published one, and the unpublished ones whose
    panel they are on (owners' staff, coordinators of owners' networks, steward, evaluators)."""
    grants = viewer.grants
    if grants.is_admin:
        return Q()
    q = Q(published_at__isnull=False)
    if viewer.user is None:
        return q
    q |= Q(steward=viewer.user) | Q(evaluators__user=viewer.user)
    if grants.staff_organisations:
        q |= Q(ownerships__organisation__in=grants.staff_organisations)
    if grants.coordinator_networks:
        q |= Q(ownerships__organisation__memberships__network__in=grants.coordinator_networks)
    return q


def visible_challenges(viewer):
    """Distinct challenges this person may read (joins may repeat a row otherwise)."""
    ids = Challenge.objects.filter(visible_q(viewer)).values("pk")
    return Challenge.objects.filter(pk__in=ids)
