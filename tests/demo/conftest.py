import datetime

import pytest
from django.test import override_settings

from citytools.contracts.models import Contract
from citytools.demo.builder import build_demo
from citytools.demo.catalogue import DEFAULT_SEED
from citytools.directory.models import Network, NetworkMembership, Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea, System
from citytools.partnering import models as partnering
from citytools.satisfaction import models as satisfaction

AS_OF = datetime.date(2025, 6, 1)
# The Invitation to Partner's tables, which the demo writes too (citytools.demo.partnering).
PARTNERING_TABLES = [
    partnering.PublicationRules,
    partnering.Challenge,
    partnering.ChallengeOwner,
    partnering.Criterion,
    partnering.EligibilityCriterion,
    partnering.Transition,
    partnering.Interest,
    partnering.Question,
    partnering.Addendum,
    partnering.Proposal,
    partnering.EligibilityDecision,
    partnering.Evaluator,
    partnering.Score,
    partnering.ConsensusScore,
    partnering.Notification,
    partnering.Milestone,
    partnering.CheckIn,
    partnering.SurveyResponse,
]

# Members' ratings and shared pain points, with their history (citytools.demo.satisfaction).
SATISFACTION_TABLES = [
    satisfaction.Rating,
    satisfaction.Rating.history.model,
    satisfaction.PainPoint,
    satisfaction.PainPoint.history.model,
    satisfaction.PainPointShare,
    satisfaction.PainPointReply,
]


def dump():
    """Every row of every table the demo writes, primary keys and links included."""
    tables = [
        Organisation,
        Network,
        NetworkMembership,
        Supplier,
        ServiceArea,
        Product,
        System,
        System.service_areas.through,
        Contract,
        Contract.systems.through,
        System.history.model,
        Contract.history.model,
        *PARTNERING_TABLES,
        *SATISFACTION_TABLES,
    ]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in tables}


def rebuild(**options):
    with override_settings(DEMO_MODE=True):
        return build_demo(**{"as_of": AS_OF, "seed": DEFAULT_SEED, **options})


def clear_demo_tables():
    """Delete every row the demo writes, dependants first."""
    from citytools.accounts.models import Role, User
    from citytools.opportunities.models import Initiative
    from citytools.partnering.models import Challenge, ConsensusScore, PublicationRules, Score

    # Initiatives protect their service area, and pain points the suppliers and products they
    # are about, so they go first.
    Initiative.objects.all().delete()
    for model in (satisfaction.PainPoint, satisfaction.Rating):
        model.objects.all().delete()
        model.history.all().delete()
    Challenge.objects.update(selected_proposal=None)
    Challenge.objects.all().delete()
    PublicationRules.objects.all().delete()
    for model in (Challenge, Score, ConsensusScore, PublicationRules, Role):
        model.history.all().delete()
    User.objects.filter(email__endswith="@demo.citytools.invalid").delete()
    Contract.objects.all().delete()
    System.objects.all().delete()
    Product.entries.all().delete()
    Supplier.entries.all().delete()
    NetworkMembership.objects.all().delete()
    Network.objects.all().delete()
    ServiceArea.objects.leaves().delete()
    ServiceArea.objects.all().delete()
    Organisation.objects.all().delete()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, built once per module and committed, then removed so later modules start
    from an empty database. Tests that use it must not write outside their own transaction."""
    with django_db_blocker.unblock():
        with override_settings(DEMO_MODE=True):
            summary = build_demo(as_of=AS_OF, seed=DEFAULT_SEED)
        try:
            yield summary
        finally:
            clear_demo_tables()
