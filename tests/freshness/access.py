"""Attestation campaigns in the access tests' world, and who is what to them.

`build_campaigns` has north's coordinator draft two campaigns for own and peer: one it
launches ("campaign", running) and one left as a draft ("draft_campaign"). The predicates
take (role, target) like those of tests/test_authorization.py; wrap them in its Who.
"""

import datetime

from django.utils import timezone

from citytools.freshness import services


def build_campaigns(cast) -> dict:
    coordinator = cast.user("coordinator")
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    running = services.create_campaign(network=cast.north, title="Running check", deadline=deadline, actor=coordinator)
    services.launch_campaign(running, actor=coordinator)
    draft = services.create_campaign(network=cast.north, title="Draft check", deadline=deadline, actor=coordinator)
    return {"campaign": running, "draft_campaign": draft}


def runs(role, target) -> bool:
    """North's coordinator and admins."""
    return role in {"coordinator", "admin"}


def sees(role, target) -> bool:
    """A running campaign: those who run it and the staff of own and peer, asked in it."""
    return role in {"member", "editor", "peer_member", "coordinator", "admin"}


def reads_own(role, target) -> bool:
    """Own's records in the campaign: own's staff, north's coordinator and admins."""
    return role in {"member", "editor", "coordinator", "admin"}
