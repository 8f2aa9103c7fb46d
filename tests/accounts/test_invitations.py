"""Invitations: who may send them, the e-mailed single-use link, expiry, and acceptance."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from citytools.accounts import services
from citytools.accounts.invitations import InvitationUnusable, NotAllowed
from citytools.accounts.models import Invitation, Role, User
from citytools.core.errors import DomainError
from tests.accounts.conftest import invitation_link

pytestmark = pytest.mark.django_db(transaction=False)
NEW_PASSWORD = "lantern-orchard-vellum-42"


def send(world, actor="editor", email="new.person@example.org", kind="member", **scope):
    if not scope:
        scope = {"organisation": world.own}
    return services.invite(email=email, kind=kind, actor=world.user(actor), **scope)


class TestWhoMayInvite:
    def test_an_editor_invites_to_their_own_organisation_only(self, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            invitation, token = send(world, kind="editor")
        assert invitation.invited_by == world.user("editor")
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.person@example.org"]
        assert f"{settings.SITE_URL}/accounts/invitations/{token}/" in mail.outbox[0].body
        with pytest.raises(NotAllowed):
            send(world, organisation=world.peer)
        with pytest.raises(NotAllowed):
            send(world, kind="coordinator", network=world.north)

    def test_a_coordinator_invites_in_their_network_and_as_its_coordinator(self, world):
        send(world, actor="coordinator", organisation=world.peer, kind="editor")
        send(world, actor="coordinator", kind="coordinator", network=world.north)
        with pytest.raises(NotAllowed):
            send(world, actor="coordinator", organisation=world.stranger)
        with pytest.raises(NotAllowed):
            send(world, actor="coordinator", kind="coordinator", network=world.south)

    @pytest.mark.parametrize("actor", ["member", "vendor", "peer_member", "other_editor"])
    def test_nobody_else_may_invite(self, world, actor):
        with pytest.raises(NotAllowed):
            send(world, actor=actor)
        assert not Invitation.objects.exists()

    def test_an_admin_invites_anywhere(self, world):
        send(world, actor="admin", organisation=world.stranger, kind="editor")
        send(world, actor="admin", kind="coordinator", network=world.south)

    def test_someone_who_already_has_the_role_is_not_invited_again(self, world):
        with pytest.raises(DomainError, match="already has this role"):
            send(world, email="MEMBER@example.org")

    def test_only_a_hash_of_the_token_is_stored(self, world):
        invitation, token = send(world)
        assert token not in invitation.token_hash
        assert not Invitation.objects.filter(token_hash=token).exists()

    def test_inviting_again_withdraws_the_earlier_link(self, world):
        _, first = send(world)
        _, second = send(world)
        with pytest.raises(InvitationUnusable):
            services.accept_invitation_with_new_account(token=first, full_name="New", password=NEW_PASSWORD)
        services.accept_invitation_with_new_account(token=second, full_name="New", password=NEW_PASSWORD)


class TestAcceptingThroughTheLink:
    def test_a_new_person_creates_an_account_and_gets_the_role(self, client, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            send(world, kind="editor")
        link = invitation_link(mail)
        page = client.get(link)
        assert page.status_code == 200
        assert "Create account and accept" in page.content.decode()
        response = client.post(link, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/accounts/me/"
        user = User.objects.get(email="new.person@example.org")
        assert Role.objects.filter(user=user, kind="editor", organisation=world.own).exists()
        assert client.get("/accounts/me/").status_code == 200  # signed in
        assert Invitation.objects.get().accepted_by == user

        # The link works once.
        client.post("/accounts/logout/")
        again = client.get(link)
        assert "This invitation cannot be used" in again.content.decode()
        response = client.post(link, {"full_name": "Someone Else", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert "This invitation cannot be used" in response.content.decode()
        assert User.objects.filter(email="new.person@example.org").count() == 1

    @pytest.mark.parametrize(
        "password,message",
        [
            ("short pass", "at least 12 characters"),
            ("password1234", "too common"),
            ("new.person@example.org", "too similar"),
        ],
    )
    def test_weak_passwords_are_refused_with_the_validators_message(self, client, world, password, message, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            send(world)
        link = invitation_link(mail)
        response = client.post(link, {"full_name": "New Person", "password1": password, "password2": password})
        body = response.content.decode()
        assert response.status_code == 200
        assert message in body
        assert "There is a problem" in body and 'href="#id_password1"' in body
        assert not User.objects.filter(email="new.person@example.org").exists()

    def test_mismatched_passwords_are_refused(self, client, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            send(world)
        response = client.post(invitation_link(mail), {"full_name": "N", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
        assert "do not match" in response.content.decode()

    def test_an_existing_account_accepts_when_signed_in_as_that_address(self, client, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            send(world, actor="coordinator", email="Peer_Member@example.org", organisation=world.own, kind="member")
        link = invitation_link(mail)
        assert "Sign in as peer_member@example.org" in client.get(link).content.decode()
        client.post(link)  # not signed in: nothing happens
        assert not Role.objects.filter(user=world.user("peer_member"), organisation=world.own).exists()

        client.force_login(world.user("member"))  # someone else
        assert "another email address" in client.get(link).content.decode()
        client.post(link)
        assert not Role.objects.filter(organisation=world.own, user=world.user("peer_member")).exists()

        client.force_login(world.user("peer_member"))
        response = client.post(link)
        assert response.status_code == 302
        assert Role.objects.filter(user=world.user("peer_member"), kind="member", organisation=world.own).exists()

    def test_an_expired_link_is_refused_with_a_clear_message(self, client, world, django_capture_on_commit_callbacks):
        start = datetime.datetime(2025, 5, 1, 12, 0, tzinfo=datetime.UTC)
        with time_machine.travel(start, tick=False) as clock:
            with django_capture_on_commit_callbacks(execute=True):
                send(world)
            link = invitation_link(mail)
            clock.shift(datetime.timedelta(days=settings.INVITATION_DAYS) - datetime.timedelta(minutes=1))
            assert "Create account and accept" in client.get(link).content.decode()
            clock.shift(datetime.timedelta(minutes=2))
            expired = client.get(link).content.decode()
            assert "This invitation cannot be used" in expired and "expired" in expired
            client.post(link, {"full_name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert not User.objects.filter(email="new.person@example.org").exists()

    def test_a_forged_link_gets_the_same_message(self, client, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            invitation, _ = send(world)
        forged = client.get("/accounts/invitations/not-a-real-token-at-all/")
        hash_as_token = client.get(f"/accounts/invitations/{invitation.token_hash}/")
        services.revoke_invitation(invitation=invitation, actor=world.user("editor"))
        revoked = client.get(invitation_link(mail))
        for response in (forged, hash_as_token, revoked):
            assert response.status_code == 200
            assert "This invitation cannot be used" in response.content.decode()


class TestRevoking:
    def test_an_editor_withdraws_an_invitation_and_removes_a_role_of_their_organisation(self, client, world):
        invitation, _ = send(world)
        client.force_login(world.user("editor"))
        response = client.post(f"/accounts/invitations/{invitation.pk}/revoke/", {"next": "/organisations/own/people/"})
        assert response["Location"] == "/organisations/own/people/"
        invitation.refresh_from_db()
        assert invitation.revoked_at is not None

        role = Role.objects.get(user=world.user("member"))
        client.post(f"/accounts/roles/{role.pk}/revoke/", {"next": "https://evil.example/"})
        assert not Role.objects.filter(pk=role.pk).exists()

    def test_roles_and_invitations_elsewhere_cannot_be_touched(self, client, world):
        invitation, _ = send(world, actor="admin", organisation=world.stranger)
        role = Role.objects.get(user=world.user("other_editor"))
        coordinator = Role.objects.get(user=world.user("coordinator"))
        client.force_login(world.user("editor"))
        assert client.post(f"/accounts/invitations/{invitation.pk}/revoke/").status_code == 404
        assert client.post(f"/accounts/roles/{role.pk}/revoke/").status_code == 404
        assert client.post(f"/accounts/roles/{coordinator.pk}/revoke/").status_code == 404
        assert client.post("/accounts/roles/999999/revoke/").status_code == 404
        assert Role.objects.filter(pk__in=[role.pk, coordinator.pk]).count() == 2
        invitation.refresh_from_db()
        assert invitation.revoked_at is None

    def test_revoking_needs_a_post_with_a_csrf_token(self, world):
        from django.test import Client

        role = Role.objects.get(user=world.user("member"))
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.user("editor"))
        assert client.get(f"/accounts/roles/{role.pk}/revoke/").status_code == 405
        assert client.post(f"/accounts/roles/{role.pk}/revoke/").status_code == 403
        assert Role.objects.filter(pk=role.pk).exists()
