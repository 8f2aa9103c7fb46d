"""Accounts own people and what they may do: users, their roles, and invitations.

A role ties a user to an organisation (member, editor), a network (coordinator), a supplier
(vendor user) or the whole platform (admin). One person may hold many roles. What a role
lets its holder see is decided in one place, citytools.accounts.rules, read through the
Viewer (citytools.accounts.viewer). It may import from core and directory only.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from citytools.core.models import TimeStampedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address (or through single sign-on)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use Django's admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email


class Role(TimeStampedModel):
    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        EDITOR = "editor", "Organisation editor"
        COORDINATOR = "coordinator", "Network coordinator"
        VENDOR = "vendor", "Vendor user"
        ADMIN = "admin", "Platform admin"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    network = models.ForeignKey(
        "directory.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    supplier = models.ForeignKey(
        "directory.Supplier", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )

    # Who gave or took away which role, and when: access changes must be traceable too.
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # Each kind of role names exactly the one thing it is held in.
            models.CheckConstraint(
                name="role_names_its_scope",
                condition=(
                    Q(kind__in=["member", "editor"], organisation__isnull=False, network__isnull=True, supplier__isnull=True)
                    | Q(kind="coordinator", organisation__isnull=True, network__isnull=False, supplier__isnull=True)
                    | Q(kind="vendor", organisation__isnull=True, network__isnull=True, supplier__isnull=False)
                    | Q(kind="admin", organisation__isnull=True, network__isnull=True, supplier__isnull=True)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "organisation"], condition=Q(kind__in=["member", "editor"]),
                name="unique_organisation_role",
            ),
            models.UniqueConstraint(
                fields=["user", "network"], condition=Q(kind="coordinator"), name="unique_network_role"
            ),
            models.UniqueConstraint(
                fields=["user", "supplier"], condition=Q(kind="vendor"), name="unique_vendor_role"
            ),
            models.UniqueConstraint(fields=["user"], condition=Q(kind="admin"), name="unique_admin_role"),
        ]

    def __str__(self):
        scope = self.organisation or self.network or self.supplier or "the platform"
        return f"{self.get_kind_display()} of {scope}"


class InvitationQuerySet(models.QuerySet):
    def pending(self, *, now=None):
        """Not yet accepted, not revoked and not expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class Invitation(models.Model):
    """An offer of a role, sent by e-mail as a single-use link that expires.

    Only a SHA-256 hash of the link's token is stored, so a copy of the database cannot be
    used to accept anyone's invitation.
    """

    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        EDITOR = "editor", "Organisation editor"
        COORDINATOR = "coordinator", "Network coordinator"

    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    network = models.ForeignKey(
        "directory.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_accepted"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_names_its_scope",
                condition=(
                    Q(kind__in=["member", "editor"], organisation__isnull=False, network__isnull=True)
                    | Q(kind="coordinator", organisation__isnull=True, network__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.organisation or self.network}, for {self.email}"

    @property
    def scope(self):
        return self.organisation or self.network
