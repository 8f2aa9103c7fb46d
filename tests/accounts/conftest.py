import re

import pytest

from tests.people import people


@pytest.fixture
def world(db):
    return people()


def invitation_link(mail) -> str:
    """The path of the invitation link in the last e-mail sent."""
    match = re.search(r"https?://[^/\s]+(/accounts/invitations/[^/\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)
