"""A joint procurement initiative for the demo, started from the best opportunity the finder
sees in the demo's market, with answers from some of the invited boroughs and a note, so the
initiative pages have something to show. Made once: a rerun leaves it as it is (it is found
by its note, which ends with the demo marker)."""

import datetime

from django.utils import timezone

from citytools.accounts.models import User
from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.demo import catalogue as cat
from citytools.inventory.models import ServiceArea
from citytools.opportunities import services
from citytools.opportunities.alerts import save_subscription
from citytools.opportunities.models import Initiative, Note, Subscription
from citytools.opportunities.queries import find_opportunities

ANSWERS = ("interested", "interested", "not_now", "declined")


def build_initiatives(*, as_of: datetime.date) -> int:
    """How many initiatives were created: 1 the first time, then 0."""
    if Initiative.objects.filter(notes__body__endswith=cat.DEMO_MARKER).exists():
        return 0
    admin = Viewer(Grants(is_admin=True))
    found = find_opportunities(admin, today=as_of, limit=1)
    if not found:
        return 0
    best = found[0]
    initiative = services.start_initiative(
        actor=None, viewer=admin, area=best.area, contracts=[c.pk for c in best.members],
        window_start=best.opportunity.start, window_end=best.opportunity.end,
    )
    moment = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time(10)))
    for invitation, answer in zip(initiative.invitations.select_related("organisation").order_by("organisation__name"), ANSWERS):
        services.answer(initiative, actor=None, viewer=admin, organisation=invitation.organisation, answer=answer, now=moment)
    Note.objects.create(
        initiative=initiative,
        body=(
            "Kick-off call held: the interested boroughs will share their specifications and current volumes before "
            "the decision date. " + cat.DEMO_MARKER
        ),
    )
    services.update_plan(
        initiative, actor=None, viewer=admin, version=initiative.version,
        decision_date=best.opportunity.act_by, target_date=max(best.opportunity.start, best.opportunity.act_by),
    )
    return 1


def subscribe_demo_member() -> None:
    """The demo member (Camden) gets weekly alerts of its own contracts, housing contracts at
    its peers and new opportunities, so `citytools send_digests` has someone to write to.
    Left alone once it exists, so a person's own changes to it are kept."""
    member = User.objects.filter(email="member@demo.citytools.invalid").first()
    if member is None or Subscription.objects.filter(user=member).exists():
        return
    housing = ServiceArea.objects.filter(parent__slug="housing")
    save_subscription(actor=member, viewer=Viewer.for_user(member), peer_areas=list(housing), horizon_days=365)
