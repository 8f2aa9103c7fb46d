"""Proposing a supplier or product missing from the catalogue, and its review
(citytools.inventory.catalogue_services), with what each person sees meanwhile."""

import pytest
from django.core import mail

from citytools.accounts.viewer import Viewer
from citytools.contracts import services as contract_services
from citytools.contracts.models import Contract
from citytools.core.errors import DomainError, Forbidden, NotFound
from citytools.directory.models import Supplier
from citytools.inventory import catalogue_services as catalogue
from citytools.inventory import services
from citytools.inventory.models import CatalogueProposal, Product, System
from citytools.inventory.rules import normalise_name
from tests.factories import ProductFactory, ServiceAreaFactory, SupplierFactory
from tests.people import people

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "one, other",
    [
        ("Civica UK Ltd", "civica  uk limited"),
        ("Civica UK Ltd.", "CIVICA UK"),
        ("Smith & Jones plc", "Smith and Jones"),
        ("Café-Systems", "cafe systems"),
        ("  Idox   Group ", "Idox Group Limited"),
    ],
)
def test_names_written_differently_normalise_alike(one, other):
    assert normalise_name(one) == normalise_name(other)


def test_a_suffix_alone_is_still_a_name_and_different_words_differ():
    assert normalise_name("Limited") == "limited"
    assert normalise_name("Northgate") != normalise_name("Northgate Public Services")


@pytest.fixture
def world():
    w = people()
    w.area = ServiceAreaFactory(slug="repairs", name="Repairs")
    w.maker = SupplierFactory(slug="civica", name="Civica UK Ltd")
    w.product = ProductFactory(slug="cx", name="CX Housing", manufacturer=w.maker)
    return w


def propose(w, role="editor", **fields):
    fields.setdefault("organisation", w.own)
    fields.setdefault("kind", "supplier")
    return catalogue.propose(actor=w.user(role), **fields)


def test_a_name_matching_the_catalogue_offers_the_existing_entry(world):
    with pytest.raises(catalogue.AlreadyThere) as error:
        propose(world, name="civica uk limited")
    assert error.value.entry == world.maker
    assert "already in the catalogue" in error.value.message
    assert not CatalogueProposal.objects.exists()
    assert Supplier.entries.count() == 2


def test_a_name_another_organisation_proposed_is_refused_without_naming_it(world):
    propose(world, name="Acme Digital Ltd")
    with pytest.raises(DomainError, match="already proposed") as error:
        propose(world, role="other_editor", organisation=world.stranger, name="ACME DIGITAL")
    assert "Own" not in error.value.message
    assert CatalogueProposal.objects.count() == 1


def test_proposing_again_offers_the_organisations_own_proposed_entry(world):
    first = propose(world, name="Acme Digital Ltd")
    with pytest.raises(catalogue.AlreadyThere) as error:
        propose(world, name="Acme & Co Digital".replace("& Co ", ""))
    assert error.value.entry == first.supplier


@pytest.mark.parametrize("role", ["member", "peer_member", "coordinator", "vendor", "other_editor", "public"])
def test_only_the_organisations_editors_propose(world, role):
    with pytest.raises(Forbidden):
        propose(world, role=role, name="Acme Digital")
    assert not Supplier.entries.filter(name="Acme Digital").exists()


def test_bad_input_writes_nothing(world):
    for fields in ({"name": "  "}, {"name": "Thing", "kind": "service"}, {"name": "Gadget", "kind": "product"}):
        with pytest.raises(DomainError):
            propose(world, **fields)
    assert not CatalogueProposal.objects.exists()
    assert Supplier.entries.count() == 2 and Product.entries.count() == 1


def test_the_proposing_organisation_uses_its_entry_at_once_and_others_do_not_see_it(world):
    supplier = propose(world, name="Acme Digital").supplier
    product = propose(world, kind="product", name="Acme Repairs", manufacturer=supplier.slug).product
    editor = world.user("editor")
    system = services.create_system(organisation=world.own, product=product.slug, service_areas=["repairs"], actor=editor)
    contract = contract_services.create_contract(
        organisation=world.own, supplier=supplier.slug, title="Repairs", start_date="2025-04-01",
        end_date="2028-03-31", actor=editor,
    )
    for role in ("member", "editor", "admin"):
        viewer = Viewer.for_user(world.user(role))
        assert System.objects.visible_to(viewer).filter(pk=system.pk).exists(), role
        assert Contract.objects.visible_to(viewer).filter(pk=contract.pk).exists(), role
    for role in ("public", "peer_member", "coordinator", "vendor", "other_editor"):
        viewer = Viewer.for_user(world.user(role))
        assert not System.objects.visible_to(viewer).filter(pk=system.pk).exists(), role
        assert not Contract.objects.visible_to(viewer).filter(pk=contract.pk).exists(), role
        assert not Supplier.entries.visible_to(viewer).filter(pk=supplier.pk).exists(), role
    # The catalogue everyone reads leaves it out.
    assert not Supplier.objects.filter(pk=supplier.pk).exists()
    assert not Product.objects.filter(pk=product.pk).exists()


def test_another_organisation_cannot_use_a_proposed_entry(world):
    product = propose(world, kind="product", name="Acme Repairs", manufacturer="civica").product
    with pytest.raises(DomainError, match="No such product"):
        services.create_system(
            organisation=world.stranger, product=product.slug, service_areas=["repairs"], actor=world.user("other_editor")
        )
    with pytest.raises(DomainError, match="No such product"):
        services.create_system(organisation=world.stranger, product=product, service_areas=["repairs"], actor=world.user("admin"))


def test_accepting_puts_the_entry_and_its_proposed_maker_in_the_catalogue_and_tells_the_proposer(world, django_capture_on_commit_callbacks):
    maker = propose(world, name="Acme Digital")
    product = propose(world, kind="product", name="Acme Repairs", manufacturer=maker.supplier)
    system = services.create_system(organisation=world.own, product=product.product, service_areas=["repairs"], actor=world.user("editor"))
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.accept(product, actor=world.user("coordinator"))
    assert Product.objects.filter(pk=product.product_id).exists()
    assert Supplier.objects.filter(pk=maker.supplier_id).exists()
    maker.refresh_from_db()
    assert maker.status == "accepted" and maker.decided_by == world.user("coordinator")
    assert System.objects.visible_to(Viewer.public()).filter(pk=system.pk).exists()
    assert [m.to for m in mail.outbox] == [["editor@example.org"], ["editor@example.org"]]
    assert "accepted" in mail.outbox[-1].subject
    assert [h.status for h in product.history.order_by("history_id")] == ["pending", "accepted"]


@pytest.mark.parametrize("role", ["member", "editor", "peer_member", "other_coordinator", "vendor", "public"])
def test_only_the_networks_coordinators_and_admins_review(world, role):
    proposal = propose(world, name="Acme Digital")
    with pytest.raises(Forbidden):
        catalogue.accept(proposal, actor=world.user(role))
    with pytest.raises(Forbidden):
        catalogue.reject(proposal, reason="No", actor=world.user(role))
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_merging_moves_every_record_to_the_existing_entry(world, django_capture_on_commit_callbacks):
    proposal = propose(world, name="Civica Housing Services")
    provisional = proposal.supplier
    system = services.create_system(
        organisation=world.own, product="cx", supplier=provisional.slug, service_areas=["repairs"], actor=world.user("editor")
    )
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.merge(proposal, into="civica", actor=world.user("admin"))
    system.refresh_from_db()
    assert system.supplier == world.maker
    assert not Supplier.entries.filter(pk=provisional.pk).exists()
    proposal.refresh_from_db()
    assert proposal.status == "merged" and proposal.supplier == world.maker
    assert "merged into Civica UK Ltd" in mail.outbox[0].body
    assert System.objects.visible_to(Viewer.public()).filter(pk=system.pk).exists()


def test_rejecting_needs_a_reason_and_keeps_the_entry_private(world, django_capture_on_commit_callbacks):
    proposal = propose(world, name="Acme Digital")
    with pytest.raises(DomainError, match="Say why"):
        catalogue.reject(proposal, reason=" ", actor=world.user("coordinator"))
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.reject(proposal, reason="It is a reseller of Civica.", actor=world.user("coordinator"))
    assert "It is a reseller of Civica." in mail.outbox[0].body
    assert not Supplier.objects.filter(pk=proposal.supplier_id).exists()
    assert Supplier.entries.usable_by(world.own.pk).filter(pk=proposal.supplier_id).exists()
    with pytest.raises(DomainError, match="already decided"):
        catalogue.accept(proposal, actor=world.user("admin"))


def test_proposals_are_read_only_by_the_organisation_and_its_reviewers(world):
    proposal = propose(world, name="Acme Digital")
    for role in ("member", "editor", "coordinator", "admin"):
        assert catalogue.readable_proposal(Viewer.for_user(world.user(role)), proposal.pk) == proposal
    for role in ("public", "peer_member", "other_editor", "other_coordinator", "vendor"):
        with pytest.raises(NotFound):
            catalogue.readable_proposal(Viewer.for_user(world.user(role)), proposal.pk)
        assert not catalogue.proposals_visible_to(Viewer.for_user(world.user(role))).exists()
    assert list(catalogue.review_queue(Viewer.for_user(world.user("coordinator")))) == [proposal]
    assert not catalogue.review_queue(Viewer.for_user(world.user("editor"))).exists()
