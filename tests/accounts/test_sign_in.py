"""Signing in and out, throttling, and session limits, with the clock frozen where time matters."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.people import PASSWORD

LOGIN = "/accounts/login/"
ME = "/accounts/me/"
START = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD, address="192.0.2.10"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return client.get(ME).status_code == 200


def test_login_page_asks_for_an_email_address(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<label class="govuk-label" for="id_username">Email address</label>' in body
    assert "Sign in with your organisation" not in body  # single sign-on is off by default


def test_signing_in_rotates_the_session_key_and_signing_out_ends_it(client, world):
    session = client.session
    session["before"] = True
    session.save()
    before = session.session_key
    response = sign_in(client, "member@example.org")
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert signed_in(client)

    assert client.get("/accounts/logout/").status_code == 405  # a link cannot sign anyone out
    assert signed_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not signed_in(client)
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=after).exists()


def test_email_capitals_do_not_matter(client, world):
    assert sign_in(client, "Member@Example.ORG").status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_answer(client, world):
    wrong = sign_in(client, "member@example.org", "not the right password")
    unknown = sign_in(client, "nobody@example.org", "not the right password")
    assert wrong.status_code == unknown.status_code == 200
    assert "Enter a correct email address and password." in wrong.content.decode()
    strip = lambda r: r.content.decode().replace("member@example.org", "X").replace("nobody@example.org", "X")  # noqa: E731
    csrf = 'name="csrfmiddlewaretoken" value="'
    assert [line for line in strip(wrong).splitlines() if csrf not in line] == [
        line for line in strip(unknown).splitlines() if csrf not in line
    ]


def test_next_takes_the_person_back_but_never_off_site(client, world):
    response = client.post(LOGIN + "?next=/accounts/me/", {"username": "member@example.org", "password": PASSWORD, "next": "/accounts/me/"})
    assert response["Location"] == "/accounts/me/"
    client.post("/accounts/logout/")
    response = client.post(LOGIN, {"username": "member@example.org", "password": PASSWORD, "next": "https://evil.example/"})
    assert "evil" not in response["Location"]


def test_the_header_offers_sign_in_then_the_account_and_sign_out(client, world):
    body = client.get("/organisations/").content.decode()
    assert "Sign in</a>" in body and "Sign out" not in body
    client.force_login(world.user("member"))
    body = client.get("/organisations/").content.decode()
    assert "Member" in body and "Your account" in body
    assert f'action="{reverse("accounts:logout")}"' in body and "Sign out</button>" in body


class TestThrottling:
    LIMIT = settings.AXES_FAILURE_LIMIT

    def test_too_many_failures_lock_that_account_from_that_address_until_the_cool_off_ends(self, client, world):
        with time_machine.travel(START, tick=False) as clock:
            for _ in range(self.LIMIT - 1):
                assert sign_in(client, "member@example.org", "wrong password 123").status_code == 200
            locked = sign_in(client, "member@example.org", "wrong password 123")
            assert locked.status_code == 429
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            assert f"try again in {minutes} minutes" in locked.content.decode()

            # Even the right password is refused from here while the lock lasts ...
            assert sign_in(client, "member@example.org").status_code == 429
            assert not signed_in(client)
            # ... but not from another address: nobody can lock a person out from elsewhere.
            other = client_class_copy(client)
            assert sign_in(other, "member@example.org", address="198.51.100.7").status_code == 302
            # Nor is another account locked from the same address.
            assert sign_in(client_class_copy(client), "editor@example.org").status_code == 302

            clock.shift(settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=30))
            assert sign_in(client, "member@example.org").status_code == 429
            clock.shift(datetime.timedelta(seconds=31))
            assert sign_in(client, "member@example.org").status_code == 302
            assert signed_in(client)

    def test_a_success_resets_the_count(self, client, world):
        with time_machine.travel(START, tick=False):
            for _ in range(self.LIMIT - 1):
                sign_in(client, "member@example.org", "wrong password 123")
            assert sign_in(client, "member@example.org").status_code == 302
            client.post("/accounts/logout/")
            for _ in range(self.LIMIT - 1):
                assert sign_in(client, "member@example.org", "wrong password 123").status_code == 200


PROXY = "10.0.0.2"


def sign_in_through_proxy(client, email, password=PASSWORD, *, forwarded):
    """A sign-in that reached the site through its proxy, which appended `forwarded`'s last
    address (what the client sent before it is the client's own)."""
    return client.post(
        LOGIN, {"username": email, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
    )


class TestThrottlingBehindAProxy:
    """CITYTOOLS_BEHIND_PROXY: everyone arrives from the proxy's address, so the throttle
    keys on the client's address in X-Forwarded-For (citytools.accounts.addresses)."""

    LIMIT = settings.AXES_FAILURE_LIMIT
    ATTACKER, PERSON = "203.0.113.66", "192.0.2.10"

    @pytest.fixture(autouse=True)
    def behind_one_proxy(self, settings):
        settings.TRUSTED_PROXIES = 1

    def lock_out(self, address):
        for _ in range(self.LIMIT):
            response = sign_in_through_proxy(Client(), "member@example.org", "wrong password 123", forwarded=address)
        assert response.status_code == 429

    def test_one_person_locked_out_leaves_another_behind_the_same_proxy_free(self, world):
        with time_machine.travel(START, tick=False):
            self.lock_out(self.ATTACKER)
            assert sign_in_through_proxy(Client(), "member@example.org", forwarded=self.ATTACKER).status_code == 429
            assert sign_in_through_proxy(Client(), "member@example.org", forwarded=self.PERSON).status_code == 302
            # The access log names the client, not the proxy.
            assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {self.ATTACKER}

    def test_a_spoofed_header_cannot_choose_the_address(self, world):
        with time_machine.travel(START, tick=False):
            # The attacker writes the person's address first; the proxy appends the real one.
            self.lock_out(f"{self.PERSON}, {self.ATTACKER}")
            assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {self.ATTACKER}
            assert sign_in_through_proxy(Client(), "member@example.org", forwarded=self.PERSON).status_code == 302
            # Nor does writing other addresses first get the attacker out of the lock.
            spoofed = f"198.51.100.1, 198.51.100.2, {self.ATTACKER}"
            assert sign_in_through_proxy(Client(), "member@example.org", forwarded=spoofed).status_code == 429


def test_without_a_proxy_the_header_is_ignored(world):
    """Not behind a proxy (the default), X-Forwarded-For is anyone's to write: a locked-out
    address stays locked whatever it claims."""
    with time_machine.travel(START, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = sign_in(Client(), "member@example.org", "wrong password 123")
        assert response.status_code == 429
        response = Client().post(
            LOGIN, {"username": "member@example.org", "password": PASSWORD},
            REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
        assert response.status_code == 429


def client_class_copy(client):
    from django.test import Client

    return Client()


class TestSessionLimits:
    def test_active_for_eleven_hours_fifty_nine_still_signed_in_then_out_at_twelve_hours_one(self, client, world):
        with time_machine.travel(START, tick=False) as clock:
            assert sign_in(client, "member@example.org").status_code == 302
            elapsed = datetime.timedelta()
            while elapsed < datetime.timedelta(hours=11, minutes=40):
                clock.shift(datetime.timedelta(minutes=20))
                elapsed += datetime.timedelta(minutes=20)
                assert signed_in(client), f"signed out after {elapsed}"
            clock.shift(datetime.timedelta(hours=11, minutes=59) - elapsed)
            assert signed_in(client)
            clock.shift(datetime.timedelta(minutes=2))  # 12 h 01 after signing in, active all along
            response = client.get(ME)
            assert response.status_code == 302 and response["Location"].startswith(LOGIN)
            # The session is gone, not merely hidden: signing out happened on the server.
            clock.shift(datetime.timedelta(minutes=1))
            assert not signed_in(client)

    def test_idle_for_twenty_nine_minutes_is_fine_thirty_one_signs_out(self, client, world):
        with time_machine.travel(START, tick=False) as clock:
            sign_in(client, "member@example.org")
            clock.shift(datetime.timedelta(minutes=29))
            assert signed_in(client)
            clock.shift(datetime.timedelta(minutes=31))
            assert not signed_in(client)

    def test_reading_saves_the_session_at_most_once_a_minute(self, client, world):
        """A signed-in read writes nothing while the expiry was moved on less than a minute
        ago (so readers do not queue for SQLite's one writer); the next one after that does."""
        from django.contrib.sessions.models import Session
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def session_writes() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(ME).status_code == 200
            return sum(1 for query in queries if query["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in query["sql"])

        with time_machine.travel(START, tick=False) as clock:
            sign_in(client, "member@example.org")
            expiry = Session.objects.get().expire_date
            clock.shift(datetime.timedelta(seconds=59))
            assert session_writes() == 0
            assert Session.objects.get().expire_date == expiry
            clock.shift(datetime.timedelta(seconds=1))
            assert session_writes() == 1
            assert Session.objects.get().expire_date == expiry + datetime.timedelta(minutes=1)
            assert session_writes() == 0

    def test_a_session_without_a_sign_in_time_is_ended(self, client, world):
        client.force_login(world.user("member"))
        session = client.session
        del session["citytools_signed_in_at"]
        session.save()
        assert not signed_in(client)
