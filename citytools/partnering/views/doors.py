"""What every page of the Invitation to Partner does at its door: find the challenge the
person may see with their roles, and turn refusals into 403, 404 or a message.

`refuse`, `refusals`, `domain_errors`, `finished` and `bounced` are the site's own (citytools.core.doors).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from citytools.core.doors import bounced, domain_errors, finished, refusals, refuse
from citytools.partnering import rules
from citytools.partnering.access import roles_for
from citytools.partnering.models import Challenge

__all__ = ["bounced", "challenge_for", "domain_errors", "finished", "forbid_unless", "refusals", "refuse", "status_of"]


def challenge_for(request, slug: str) -> tuple[Challenge, rules.ChallengeRoles]:
    """The challenge and the person's roles; 404 for one they may not see."""
    challenge = get_object_or_404(
        Challenge.objects.select_related("rules", "steward").prefetch_related("owners", "evaluators"), slug=slug
    )
    roles = roles_for(request.viewer, challenge)
    if not rules.can_view(roles, published=challenge.is_published):
        raise Http404("No such challenge.")
    return challenge, roles


def forbid_unless(allowed: bool, message: str = "You may not do this with this challenge now.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def status_of(form, conflict: str = "") -> int:
    return 409 if conflict else 400 if form.is_bound and form.errors else 200
