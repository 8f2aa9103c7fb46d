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


# The pages ------------------------------------------------------------------------------


@pytest.fixture
def client_for(world, settings):
    from django.test import Client

    settings.LOGIN_URL = "/accounts/login/"

    def make(role):
        client = Client()
        if world.user(role) is not None:
            client.force_login(world.user(role))
        return client

    return make


def test_the_system_form_links_to_proposing_and_then_offers_the_proposed_entry(world, client_for):
    editor = client_for("editor")
    page = editor.get(f"/organisations/{world.own.slug}/systems/add/").content.decode()
    assert f"/organisations/{world.own.slug}/catalogue/propose/?kind=product" in page
    answer = editor.post(
        f"/organisations/{world.own.slug}/catalogue/propose/",
        {"kind": "product", "name": "Acme Repairs", "manufacturer": "civica", "next": f"/organisations/{world.own.slug}/systems/add/"},
    )
    assert answer.status_code == 303 and answer["Location"] == f"/organisations/{world.own.slug}/systems/add/"
    assert "Acme Repairs (Civica UK Ltd)" in editor.get(answer["Location"]).content.decode()
    # Another organisation's editor is not offered it.
    other = client_for("other_editor").get(f"/organisations/{world.stranger.slug}/systems/add/").content.decode()
    assert "Acme Repairs" not in other


def test_the_organisation_page_offers_its_editors_to_propose(world, client_for):
    link = f'href="/organisations/{world.own.slug}/catalogue/propose/"'
    assert link in client_for("editor").get(f"/organisations/{world.own.slug}/").content.decode()
    assert link not in client_for("member").get(f"/organisations/{world.own.slug}/").content.decode()


def test_the_contract_form_offers_the_proposed_supplier(world, client_for):
    editor = client_for("editor")
    assert "kind=supplier" in editor.get(f"/organisations/{world.own.slug}/contracts/add/").content.decode()
    propose(world, name="Acme Digital")
    assert "Acme Digital" in editor.get(f"/organisations/{world.own.slug}/contracts/add/").content.decode()


def test_proposing_a_name_in_the_catalogue_offers_it_and_writes_nothing(world, client_for):
    answer = client_for("editor").post(
        f"/organisations/{world.own.slug}/catalogue/propose/", {"kind": "supplier", "name": "CIVICA UK LIMITED"}
    )
    assert answer.status_code == 400
    assert "Civica UK Ltd is already in the catalogue" in answer.content.decode()
    assert not CatalogueProposal.objects.exists()


@pytest.mark.parametrize("role, status", [("public", 302), ("member", 403), ("coordinator", 403), ("other_editor", 403)])
def test_only_editors_open_the_propose_page(world, client_for, role, status):
    assert client_for(role).get(f"/organisations/{world.own.slug}/catalogue/propose/").status_code == status


def test_a_coordinator_reviews_from_the_queue(world, client_for, django_capture_on_commit_callbacks):
    proposal = propose(world, name="Acme Digital")
    coordinator = client_for("coordinator")
    queue = coordinator.get("/catalogue-proposals/").content.decode()
    assert "Waiting for your review" in queue and "Acme Digital" in queue
    page = coordinator.get(f"/catalogue-proposals/{proposal.pk}/").content.decode()
    assert "Save the decision" in page
    assert coordinator.post(f"/catalogue-proposals/{proposal.pk}/", {"decision": "reject"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        answer = coordinator.post(f"/catalogue-proposals/{proposal.pk}/", {"decision": "accept"})
    assert answer.status_code == 303
    assert Supplier.objects.filter(name="Acme Digital").exists()
    assert "accepted" in mail.outbox[0].subject
    # The proposer sees the outcome and its history.
    page = client_for("editor").get(f"/catalogue-proposals/{proposal.pk}/").content.decode()
    assert "Accepted" in page and "Save the decision" not in page
    assert "proposed by Editor" in page and "accepted by Coordinator" in page


@pytest.mark.parametrize("role", ["public", "peer_member", "other_editor", "other_coordinator", "vendor"])
def test_a_proposal_is_not_found_by_anyone_else(world, client_for, role):
    proposal = propose(world, name="Acme Digital")
    client = client_for(role)
    assert client.get(f"/catalogue-proposals/{proposal.pk}/").status_code in (302, 404)
    assert client.post(f"/catalogue-proposals/{proposal.pk}/", {"decision": "accept"}).status_code in (302, 404)
    assert "Acme Digital" not in client.get("/catalogue-proposals/").content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_a_member_reads_but_does_not_decide(world, client_for):
    proposal = propose(world, name="Acme Digital")
    member = client_for("member")
    assert "Save the decision" not in member.get(f"/catalogue-proposals/{proposal.pk}/").content.decode()
    assert member.post(f"/catalogue-proposals/{proposal.pk}/", {"decision": "accept"}).status_code == 403


def test_public_pages_and_search_never_show_a_proposed_entry(world, client_for):
    supplier = propose(world, name="Acme Digital").supplier
    services.create_system(organisation=world.own, product="cx", supplier=supplier.slug, service_areas=["repairs"], actor=world.user("editor"))
    for role in ("public", "peer_member"):
        client = client_for(role)
        for url in ("/suppliers/", f"/suppliers/{supplier.slug}/", "/search/?q=Acme", f"/organisations/{world.own.slug}/"):
            answer = client.get(url)
            assert "Acme Digital" not in answer.content.decode(), (role, url)
    # Its own organisation's members see their system with it.
    assert "Acme Digital" in client_for("member").get(f"/organisations/{world.own.slug}/").content.decode()


def test_a_bad_website_is_refused_and_writes_nothing(world):
    with pytest.raises(DomainError, match="web address"):
        propose(world, name="Acme Digital", website="not a site")
    assert not Supplier.entries.filter(name="Acme Digital").exists()


# The API ---------------------------------------------------------------------------------


def test_the_api_proposes_offers_the_existing_entry_and_decides(world, client_for, django_capture_on_commit_callbacks):
    editor = client_for("editor")
    url = f"/api/v1/organisations/{world.own.slug}/catalogue-proposals"
    answer = editor.post(url, {"kind": "supplier", "name": "Civica UK plc"}, content_type="application/json")
    assert answer.status_code == 409 and answer["Content-Type"] == "application/problem+json"
    assert answer.json()["existing"] == {"slug": "civica", "name": "Civica UK Ltd"}
    answer = editor.post(url, {"kind": "product", "name": "Acme Repairs"}, content_type="application/json")
    assert answer.status_code == 400 and "maker" in answer.json()["detail"]
    answer = editor.post(url, {"kind": "product", "name": "Acme Repairs", "manufacturer": "civica"}, content_type="application/json")
    assert answer.status_code == 201
    created = answer.json()
    assert created["status"] == "pending" and created["manufacturer"]["slug"] == "civica"
    # Nobody else reads it; the coordinator finds it in their queue and decides.
    assert client_for("peer_member").get(f"/api/v1/catalogue-proposals/{created['id']}").status_code == 404
    assert client_for("peer_member").get("/api/v1/catalogue-proposals").json() == {"items": [], "count": 0}
    assert client_for("public").get("/api/v1/catalogue-proposals").status_code == 401
    coordinator = client_for("coordinator")
    assert [p["id"] for p in coordinator.get("/api/v1/catalogue-proposals?queue=true").json()["items"]] == [created["id"]]
    decision = f"/api/v1/catalogue-proposals/{created['id']}/decision"
    assert editor.post(decision, {"decision": "accept"}, content_type="application/json").status_code == 403
    assert coordinator.post(decision, {"decision": "maybe"}, content_type="application/json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        answer = coordinator.post(decision, {"decision": "merge", "into": "cx"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "merged" and answer.json()["entry"]["slug"] == "cx"
    assert not Product.entries.filter(name="Acme Repairs").exists()


# The command line ---------------------------------------------------------------------------


def run(*args):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("catalogue", *args, stdout=out)
    return out.getvalue()


def test_the_command_line_proposes_lists_and_decides_as_the_person_named(world, django_capture_on_commit_callbacks):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Civica UK Ltd is already in the catalogue.*civica"):
        run("propose", "--as", "editor@example.org", "--organisation", "own", "--kind", "supplier", "--name", "Civica UK")
    with pytest.raises(CommandError, match="Only the organisation's own editors"):
        run("propose", "--as", "member@example.org", "--organisation", "own", "--kind", "supplier", "--name", "Acme")
    assert "can be used by Own now" in run(
        "propose", "--as", "editor@example.org", "--organisation", "own", "--kind", "supplier", "--name", "Acme Digital"
    )
    proposal = CatalogueProposal.objects.get()
    assert run("list", "--as", "other_coordinator@example.org") == ""
    assert f"{proposal.pk}\tpending\tsupplier\town\tAcme Digital" in run("list", "--queue", "--as", "coordinator@example.org")
    with pytest.raises(CommandError, match="No such proposal"):
        run("accept", str(proposal.pk), "--as", "other_coordinator@example.org")
    with pytest.raises(CommandError, match="Say why"):
        run("reject", str(proposal.pk), "--as", "coordinator@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        out = run("reject", str(proposal.pk), "--reason", "A reseller.", "--as", "coordinator@example.org")
    assert "rejected" in out and "Reason: A reseller." in out
    assert len(mail.outbox) == 1


def test_an_admin_proposing_for_an_organisation_is_told_of_its_entries_only(world):
    propose(world, name="Acme Digital")
    with pytest.raises(DomainError, match="already proposed and waiting") as error:
        propose(world, role="admin", organisation=world.stranger, name="Acme Digital Ltd")
    assert not isinstance(error.value, catalogue.AlreadyThere)


def test_accepting_is_refused_when_the_catalogue_gained_the_name_meanwhile(world):
    proposal = propose(world, name="Acme Digital")
    SupplierFactory(slug="acme", name="ACME DIGITAL LIMITED")
    with pytest.raises(DomainError, match="merge the proposal into it instead"):
        catalogue.accept(proposal, actor=world.user("admin"))
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_history_does_not_name_a_proposed_entry_to_others_once_the_record_is_public(world, client_for):
    product = propose(world, kind="product", name="Acme Repairs", manufacturer="civica").product
    editor = world.user("editor")
    system = services.create_system(organisation=world.own, product=product, service_areas=["repairs"], actor=editor)
    system = services.update_system(system, version=system.version, changes={"product": "cx"}, actor=editor)
    assert "Acme Repairs" in client_for("member").get(f"/systems/{system.pk}/history/").content.decode()
    for role in ("public", "peer_member"):
        page = client_for(role).get(f"/systems/{system.pk}/history/")
        assert page.status_code == 200 and "Acme Repairs" not in page.content.decode(), role
        # The version that named it is one they could not see then, so it is left out whole.
        assert "The versions just before this one are not shown to you." in page.content.decode()
        api = client_for(role).get(f"/api/v1/systems/{system.pk}/history")
        assert "Acme Repairs" not in api.content.decode() and [e["version"] for e in api.json()] == [2]


def test_a_product_of_a_rejected_maker_is_not_accepted(world):
    maker = propose(world, name="Acme Digital")
    product = propose(world, kind="product", name="Acme Repairs", manufacturer=maker.supplier)
    catalogue.reject(maker, reason="Unknown company.", actor=world.user("admin"))
    with pytest.raises(DomainError, match="was not accepted into the catalogue"):
        catalogue.accept(product, actor=world.user("admin"))
    assert not Supplier.objects.filter(pk=maker.supplier_id).exists()
    assert not Product.objects.filter(pk=product.product_id).exists()


@pytest.mark.parametrize("role, shown", [("coordinator", True), ("member", True), ("vendor", False)])
def test_the_account_page_leads_to_the_proposals(world, client_for, role, shown):
    assert ('href="/catalogue-proposals/"' in client_for(role).get("/accounts/me/").content.decode()) is shown


def test_a_product_cannot_name_another_organisations_proposed_maker(world):
    maker = propose(world, name="Acme Digital").supplier
    for role in ("other_editor", "admin"):
        with pytest.raises(DomainError, match="No such supplier") as error:
            propose(world, role=role, organisation=world.stranger, kind="product", name="Acme Repairs", manufacturer=maker.slug)
        assert error.value.field == "manufacturer"
    assert not Product.entries.filter(name="Acme Repairs").exists()
