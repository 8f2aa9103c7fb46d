"""Your account, the people pages, password change and reset, and the generic 403 page."""

import re

import pytest
from django.core import mail

from citytools.accounts.models import Invitation, Role
from tests.factories import RoleFactory, UserFactory
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db


class TestYourAccount:
    def test_anonymous_people_are_sent_to_sign_in(self, client):
        response = client.get("/accounts/me/")
        assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/accounts/me/"

    def test_it_lists_name_email_and_roles(self, client, world):
        RoleFactory(user=world.user("editor"), kind="coordinator", network=world.south)
        client.force_login(world.user("editor"))
        body = client.get("/accounts/me/").content.decode()
        assert "editor@example.org" in body and "Editor" in body
        assert "Organisation editor" in body and "Network coordinator" in body
        assert "/organisations/own/people/" in body and "/networks/south/people/" in body

    def test_changing_the_password_keeps_the_person_signed_in(self, client, world):
        client.force_login(world.user("member"))
        new = "meadow-quartz-signal-77"
        response = client.post(
            "/accounts/me/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 302
        assert client.get("/accounts/me/").status_code == 200
        user = world.user("member")
        user.refresh_from_db()
        assert user.check_password(new)

    def test_a_weak_new_password_is_refused(self, client, world):
        client.force_login(world.user("member"))
        response = client.post(
            "/accounts/me/password/", {"old_password": PASSWORD, "new_password1": "qwerty", "new_password2": "qwerty"}
        )
        body = response.content.decode()
        assert "There is a problem" in body and "at least 12 characters" in body


class TestPeoplePages:
    def test_a_coordinator_sees_everyone_in_the_network_with_their_roles(self, client, world, django_assert_max_num_queries):
        client.force_login(world.user("coordinator"))
        for _ in range(5):
            RoleFactory(user=UserFactory(), kind="member", organisation=world.peer)
        with django_assert_max_num_queries(15):
            response = client.get("/networks/north/people/")
        body = response.content.decode()
        assert response.status_code == 200
        for email in ["member@example.org", "editor@example.org", "peer_member@example.org", "coordinator@example.org"]:
            assert email in body
        assert "other_editor@example.org" not in body and "vendor@example.org" not in body
        assert body.count("/revoke/") >= 9

    @pytest.mark.parametrize("role", ["member", "editor", "vendor", "peer_member", "other_coordinator"])
    def test_others_get_the_generic_403_page(self, client, world, role):
        client.force_login(world.user(role))
        response = client.get("/networks/north/people/")
        assert response.status_code == 403
        body = response.content.decode()
        assert "You cannot see this page" in body
        assert "member@example.org" not in body

    def test_an_editor_manages_their_organisation_only(self, client, world):
        client.force_login(world.user("editor"))
        body = client.get("/organisations/own/people/").content.decode()
        assert "member@example.org" in body and "peer_member@example.org" not in body
        assert client.get("/organisations/peer/people/").status_code == 403
        client.force_login(world.user("member"))
        assert client.get("/organisations/own/people/").status_code == 403
        client.force_login(world.user("coordinator"))
        assert client.get("/organisations/peer/people/").status_code == 200
        assert client.get("/organisations/stranger/people/").status_code == 403

    def test_the_invite_form_sends_an_invitation_and_says_so(self, client, world, django_capture_on_commit_callbacks):
        client.force_login(world.user("editor"))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/organisations/own/people/", {"email": "colleague@example.org", "kind": "editor"}, follow=True
            )
        body = response.content.decode()
        assert "Invitation sent to colleague@example.org" in body
        assert "colleague@example.org" in body.split("Pending invitations")[1]
        assert mail.outbox[0].to == ["colleague@example.org"]
        # An editor's form offers no coordinator role, and refuses one sent anyway.
        assert 'value="coordinator"' not in body
        response = client.post("/organisations/own/people/", {"email": "x@example.org", "kind": "coordinator"})
        assert response.status_code == 200 and "There is a problem" in response.content.decode()
        assert Invitation.objects.count() == 1

    def test_a_coordinator_invites_to_an_organisation_or_as_coordinator(self, client, world):
        client.force_login(world.user("coordinator"))
        response = client.post("/networks/north/people/", {"email": "a@example.org", "kind": "member", "organisation": ""})
        assert "Choose the organisation the role is in." in response.content.decode()
        client.post("/networks/north/people/", {"email": "a@example.org", "kind": "member", "organisation": world.peer.pk})
        client.post("/networks/north/people/", {"email": "b@example.org", "kind": "coordinator"})
        response = client.post(
            "/networks/north/people/", {"email": "c@example.org", "kind": "member", "organisation": world.stranger.pk}
        )
        assert "Select a valid choice" in response.content.decode()
        assert sorted(Invitation.objects.values_list("email", "kind")) == [("a@example.org", "member"), ("b@example.org", "coordinator")]

    def test_removing_a_role_from_the_page(self, client, world):
        client.force_login(world.user("coordinator"))
        role = Role.objects.get(user=world.user("peer_member"))
        response = client.post(f"/accounts/roles/{role.pk}/revoke/", {"next": "/networks/north/people/"}, follow=True)
        assert "is no longer member of Peer" in response.content.decode()
        assert not Role.objects.filter(pk=role.pk).exists()

    def test_people_pages_are_never_cached(self, client, world):
        client.force_login(world.user("coordinator"))
        response = client.get("/networks/north/people/")
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


class TestPasswordReset:
    def test_the_same_answer_whether_or_not_the_address_has_an_account(self, client, world):
        known = client.post("/accounts/password-reset/", {"email": "MEMBER@example.org"})
        unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
        assert known.status_code == unknown.status_code == 302
        assert known["Location"] == unknown["Location"] == "/accounts/password-reset/sent/"
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["member@example.org"]

    def test_the_link_sets_a_new_password_once(self, client, world, settings):
        client.post("/accounts/password-reset/", {"email": "member@example.org"})
        link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
        assert mail.outbox[0].body.startswith("Someone asked") and settings.SITE_URL in mail.outbox[0].body
        form_page = client.get(link, follow=True)
        assert "Choose a new password" in form_page.content.decode()
        new = "harbour-violet-engine-19"
        response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
        assert "Password changed" in response.content.decode()
        reused = client.get(link, follow=True)
        assert "This link cannot be used" in reused.content.decode()
        assert client.post("/accounts/login/", {"username": "member@example.org", "password": new}).status_code == 302

    def test_a_forged_link_is_refused(self, client):
        response = client.get("/accounts/password-reset/MQ/set-password/", follow=True)
        assert "This link cannot be used" in response.content.decode()


def test_every_accounts_form_page_renders_for_the_public(client):
    for url in ["/accounts/login/", "/accounts/password-reset/", "/accounts/password-reset/sent/", "/accounts/password-reset/complete/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1
