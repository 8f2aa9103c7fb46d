"""Network surveys in the access tests' world, and what the matrix sends them.

`build_surveys` has an admin upload, through citytools.registers.surveys as the API would,
two surveys for each network (north, south): a clean one, of one row for the network's first
member, which may be imported, and one whose row names a joint service of two organisations,
waiting for a decision. A network's surveys are its coordinators' and admins' only.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from citytools.registers import surveys
from tests.expect import Multipart

HEADER = "Organisation,Service areas,Product,Manufacturer\n"


def _csv(organisation: str) -> bytes:
    return f'{HEADER}"{organisation}",Waste,Binsight,Maker Software\n'.encode()


def build_surveys(cast) -> dict:
    admin = cast.user("admin")
    built = {}
    for network, member, other in ((cast.north, cast.own, cast.peer), (cast.south, cast.stranger, cast.own)):
        built[network.slug] = {
            kind: surveys.start_survey(network, filename=f"{kind}.csv", content=content, label=f"{network.name} survey", actor=admin)
            for kind, content in (("clean", _csv(member.identifier)), ("joint", _csv(f"{member.name} & {other.name}")))
        }
    return {"surveys": built}


def survey(world, target, kind: str = "clean"):
    return world.extra["surveys"][world.network(target).slug][kind]


def upload(world, target, method) -> Multipart:
    """A survey of the target's organisation, sent as a browser sends a form with a file."""
    content = _csv(world.organisation(target).identifier)
    return Multipart({"file": SimpleUploadedFile("survey.csv", content, content_type="text/csv"), "label": "Matrix survey"})


def columns(world, target, method) -> dict:
    return {"mapping": survey(world, target).mapping}


def decision(world, target, method) -> dict:
    """The joint row (the file's second row) is for the target's organisation."""
    return {"row": 2, "organisations": [world.organisation(target).pk]}


# The pages' forms ---------------------------------------------------------------------------


def on_page(world, target) -> dict:
    """The address of the target network's clean survey's page."""
    return {"slug": world.network(target).slug, "pk": survey(world, target).pk}


def on_joint_page(world, target) -> dict:
    return {"slug": world.network(target).slug, "pk": survey(world, target, "joint").pk}


def form_columns(world, target, method) -> dict:
    """The columns as guessed: a valid answer to the survey page's column form."""
    return {f"column_{i}": name for i, name in enumerate(survey(world, target).mapping)}


def decide(world, target, method) -> dict:
    """The joint-service row and its first candidate, as the page's checkboxes send them."""
    report = surveys.shown(survey(world, target, "joint"))
    row = next(r for r in report.rows if r.candidates)
    return {"row": row.row, "organisations": [row.candidates[0]["pk"]]}
