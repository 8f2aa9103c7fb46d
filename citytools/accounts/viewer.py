"""The Viewer: one person's view of the data, asked by every door before it shows anything.

Build one per request (the middleware puts it on `request.viewer`) or `Viewer.public()` for
anonymous readers and public exports. It loads the person's roles and the networks'
visibility settings once, lazily, and answers from citytools.accounts.rules:

- `can_see(kind, organisation_id, confidential=False)` for one record;
- `systems_q()` / `contracts_q()` / `values_q()`: Q objects that keep a queryset to what may
  be shown, so lists and sums never include what the person may not see;
- `redact_contracts()` / `redact_systems()`: blank the member-only fields of loaded rows, so
  a template or serializer cannot show them by mistake;
- `versions(record)`: the stored versions of a record (its history) this person may read,
  each judged as the record was then, so a version from a confidential period stays hidden
  after the record is made public.
"""

import contextlib
from collections import defaultdict
from functools import cached_property

from django.db.models import Q, QuerySet

from citytools.accounts import rules
from citytools.accounts.models import Role
from citytools.accounts.rules import Grants, Kind, Level
from citytools.directory.models import Network, NetworkMembership


class Viewer:
    def __init__(self, grants: Grants = rules.PUBLIC, *, user=None):
        self.grants = grants
        self.user = user

    @classmethod
    def public(cls) -> "Viewer":
        return cls(rules.PUBLIC)

    @classmethod
    def for_user(cls, user) -> "Viewer":
        if user is None or not user.is_authenticated or not user.is_active:
            return cls.public()
        batch = getattr(user, "_batch_viewer", None)
        if batch is not None:
            return batch

        staff, editors, coordinated, suppliers, admin = set(), set(), set(), set(), False
        for kind, organisation, network, supplier in Role.objects.filter(user=user).values_list(
            "kind", "organisation_id", "network_id", "supplier_id"
        ):
            if kind in (Role.Kind.MEMBER, Role.Kind.EDITOR):
                staff.add(organisation)
                if kind == Role.Kind.EDITOR:
                    editors.add(organisation)
            elif kind == Role.Kind.COORDINATOR:
                coordinated.add(network)
            elif kind == Role.Kind.VENDOR:
                suppliers.add(supplier)
            elif kind == Role.Kind.ADMIN:
                admin = True
        member_networks = (
            set(
                NetworkMembership.objects.filter(organisation_id__in=staff).values_list("network_id", flat=True)
            )
            if staff
            else set()
        )
        grants = Grants(
            is_admin=admin,
            staff_organisations=frozenset(staff),
            editor_organisations=frozenset(editors),
            coordinator_networks=frozenset(coordinated),
            member_networks=frozenset(member_networks),
            suppliers=frozenset(suppliers),
        )
        return cls(grants, user=user)

    @classmethod
    @contextlib.contextmanager
    def for_batch(cls, user):
        """One Viewer for every service call a batch (an import of many rows) makes as
        `user`, instead of reading their roles again for each row."""
        if user is None or not getattr(user, "is_authenticated", False):
            yield cls.for_user(user)
            return
        viewer = cls.for_user(user)
        user._batch_viewer = viewer
        try:
            yield viewer
        finally:
            del user._batch_viewer

    # What the roles give -------------------------------------------------------------

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_member(self) -> bool:
        return self.grants.is_member

    @property
    def key(self) -> tuple:
        """Everything that decides what this person may see, written the same way in any
        process: two people with the same key see the same map (citytools.core.versions)."""
        g = self.grants
        return (
            self.is_authenticated, g.is_admin, *(
                tuple(sorted(ids)) for ids in (
                    g.staff_organisations, g.editor_organisations, g.coordinator_networks, g.member_networks, g.suppliers
                )
            ),
        )

    @property
    def is_admin(self) -> bool:
        return self.grants.is_admin

    @cached_property
    def _networks(self) -> tuple[dict[int, frozenset[int]], dict[int, dict]]:
        """Every organisation's networks, and every network's visibility settings."""
        by_organisation: dict[int, set[int]] = defaultdict(set)
        for organisation, network in NetworkMembership.objects.values_list("organisation_id", "network_id"):
            by_organisation[organisation].add(network)
        policies = {pk: visibility or {} for pk, visibility in Network.objects.values_list("pk", "visibility")}
        return {key: frozenset(value) for key, value in by_organisation.items()}, policies

    def networks_of(self, organisation: int) -> frozenset[int]:
        return self._networks[0].get(organisation, frozenset())

    def level(self, kind: Kind, organisation: int) -> Level:
        policies = self._networks[1]
        return rules.effective_level(kind, [policies[n] for n in self.networks_of(organisation)])

    def can_see(self, kind: Kind, organisation: int, *, confidential: bool = False) -> bool:
        return rules.can_see(
            self.grants,
            kind,
            organisation=organisation,
            networks=self.networks_of(organisation),
            level=self.level(kind, organisation),
            confidential=confidential,
        )

    def can_edit(self, organisation: int, *, from_source: bool = False) -> bool:
        """Whether this person may change the organisation's systems and contracts; with
        `from_source`, put facts from a public notice or register on its map, which its
        networks' coordinators may do too."""
        if from_source:
            return self.can_restore(organisation)
        return rules.can_edit_records(self.grants, organisation=organisation)

    def can_restore(self, organisation: int) -> bool:
        return rules.can_restore(self.grants, organisation=organisation, networks=self.networks_of(organisation))

    def sees_people(self, organisation: int) -> bool:
        """Names in a record's history or seal reach those who could see the organisation's
        confidential records: its own staff, its networks' coordinators and admins. Others see a role."""
        return self.can_see(Kind.USAGE, organisation, confidential=True)

    def coordinated_organisations(self) -> set[int]:
        """The organisations in the networks this person coordinates."""
        networks = self.grants.coordinator_networks
        if not networks:
            return set()
        return {o for o, in_networks in self._networks[0].items() if in_networks & networks}

    def can_coordinate(self, network: int) -> bool:
        return rules.can_coordinate(self.grants, network=network)

    # Querysets -----------------------------------------------------------------------

    def _kind_q(self, kind: Kind, field: str) -> Q:
        """Rows about organisations where `kind` may be shown to this person."""
        if self.grants.is_admin:
            return Q()
        by_organisation = self._networks[0]
        hidden = [o for o in by_organisation if not self.can_see(kind, o)]
        q = ~Q(**{f"{field}__in": hidden}) if hidden else Q()
        if rules.DEFAULTS[kind] == Level.MEMBERS:
            # An organisation in no network keeps the default, which here is members only:
            # only its own staff see it.
            q &= Q(**{f"{field}__in": list(by_organisation)}) | Q(
                **{f"{field}__in": list(self.grants.staff_organisations)}
            )
        return q

    def _confidential_q(self, prefix: str) -> Q:
        if self.grants.is_admin:
            return Q()
        allowed = set(self.grants.staff_organisations) | self.coordinated_organisations()
        return Q(**{f"{prefix}confidential": False}) | Q(**{f"{prefix}organisation_id__in": list(allowed)})

    def _proposed_q(self, prefix: str, entries: tuple[str, ...]) -> Q:
        """Records naming a supplier or product an organisation proposed and nobody has
        accepted yet (citytools.inventory.catalogue_services) are that organisation's own."""
        if self.grants.is_admin:
            return Q()
        q = Q()
        for entry in entries:
            q &= Q(**{f"{prefix}{entry}__provisional_for__isnull": True})
        return q | Q(**{f"{prefix}organisation_id__in": list(self.grants.staff_organisations)})

    def systems_q(self, prefix: str = "") -> Q:
        """Systems this person may see: not someone else's confidential ones, only where
        who-uses-what is visible, and not of another organisation's proposed entries."""
        return (
            self._confidential_q(prefix)
            & self._kind_q(Kind.USAGE, f"{prefix}organisation_id")
            # A proposed product's maker is in the catalogue or proposed with it (accepted together).
            & self._proposed_q(prefix, ("product", "supplier"))
        )

    def contracts_q(self, prefix: str = "") -> Q:
        """Contracts this person may see at all (their existence and end dates)."""
        return (
            self._confidential_q(prefix)
            & self._kind_q(Kind.END_DATES, f"{prefix}organisation_id")
            & self._proposed_q(prefix, ("supplier",))
        )

    def values_q(self, prefix: str = "") -> Q:
        """Contracts whose values this person may see: use it before summing values."""
        return self.contracts_q(prefix) & self._kind_q(Kind.VALUES, f"{prefix}organisation_id")

    def satisfaction_q(self, prefix: str = "") -> Q:
        """Ratings whose scores this person may count in a figure (prefix reaches the rating):
        of systems they may see, where satisfaction scores are visible."""
        return self.systems_q(f"{prefix}system__") & self._kind_q(Kind.SATISFACTION, f"{prefix}organisation_id")

    def pain_points_q(self, prefix: str = "") -> Q:
        """Pain points this person may read: where shared pain points are visible for the
        organisation that raised them, and those about a supplier the person works for (its
        right of reply; citytools.satisfaction.rules says what they see of them)."""
        q = self._kind_q(Kind.PAIN_POINTS, f"{prefix}organisation_id")
        if self.grants.suppliers:
            suppliers = list(self.grants.suppliers)
            q |= Q(**{f"{prefix}supplier_id__in": suppliers}) | Q(**{f"{prefix}product__manufacturer_id__in": suppliers})
        return q

    # Versions ------------------------------------------------------------------------

    def versions_q(self, model) -> Q:
        """History rows of `model` this person may read. A version shows the record as it
        was, so it is as hidden as the record was then: the record's own rule, asked of the
        version's own fields (its confidential flag, its supplier and product), never of the
        record as it is now. Making a confidential record public publishes only what it says
        from then on; its confidential versions stay with those who could see them."""
        rule = {"contracts.contract": self.contracts_q, "inventory.system": self.systems_q}.get(
            model._meta.label_lower
        )
        if rule is None:
            raise LookupError(f"No visibility rule for the versions of {model._meta.label}.")
        return rule()

    def versions(self, record):
        """The versions of `record` this person may read (every door to a history uses it:
        the history page and API, the diffs between versions, restoring one)."""
        return record.history.filter(self.versions_q(type(record)))

    # Loaded rows ---------------------------------------------------------------------

    def redact_contracts(self, contracts):
        """Blank the values of contracts whose values this person may not see, in place."""
        for contract in contracts:
            contract.values_hidden = not self.can_see(Kind.VALUES, contract.organisation_id)
            if contract.values_hidden:
                contract.total_value = None
                contract.annual_value = None
        return contracts

    def notes_visible(self, organisation: int) -> bool:
        """Whether this person may read the notes (comments) on an organisation's systems."""
        return self.can_see(Kind.COMMENTS, organisation)

    def redact_systems(self, systems):
        """Blank the notes of systems whose comments this person may not see, in place."""
        for system in systems:
            system.notes_hidden = not self.notes_visible(system.organisation_id)
            if system.notes_hidden:
                system.notes = ""
        return systems


# Reads every app makes through a Viewer. They name no model, so an app below or above
# accounts can use them on its own querysets.


def values_visible(viewer, prefix: str = "") -> Q:
    """`viewer.values_q()`, never empty, so it can be a CASE condition for an admin too."""
    return viewer.values_q(prefix) & Q(**{f"{prefix}pk__isnull": False})


def visible_systems(systems: QuerySet, *, viewer) -> QuerySet:
    """`systems` kept to the current ones the viewer may see."""
    return systems.filter(retired_at__isnull=True).filter(viewer.systems_q())


def visible_contracts(contracts: QuerySet, *, viewer) -> QuerySet:
    """`contracts` kept to the current ones the viewer may see."""
    return contracts.filter(retired_at__isnull=True).filter(viewer.contracts_q())


def redacted(contracts, *, viewer) -> list:
    """Loaded contracts with the values the viewer may not see blanked."""
    return viewer.redact_contracts(list(contracts))
