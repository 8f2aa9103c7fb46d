"""Catalogue proposals in the access tests' world, and who is what to them.

`build_catalogue_proposals` has each organisation (own, peer, stranger) propose a supplier,
through the services as an editor (an admin for peer, which has no editor) would. A proposal
is read by its organisation's staff, the coordinators of its networks and admins, and decided
by those coordinators and admins (citytools.inventory.catalogue_services).
"""

from citytools.inventory import catalogue_services

ORGANISATIONS = ("own", "peer", "stranger")


def build_catalogue_proposals(cast) -> dict:
    editors = {"own": cast.user("editor"), "peer": cast.user("admin"), "stranger": cast.user("other_editor")}
    return {
        "catalogue_proposals": {
            name: catalogue_services.propose(
                organisation=getattr(cast, name), kind="supplier", name=f"Proposed supplier of {name}", actor=editors[name]
            )
            for name in ORGANISATIONS
        }
    }


def proposal(world, target):
    return world.extra["catalogue_proposals"][target.removesuffix("_confidential")]
