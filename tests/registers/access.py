"""Network surveys in the access tests' world (tests/access.py), and the bodies the matrix
sends to their pages.

`build_surveys` has an admin upload a survey for each network through
citytools.registers.surveys, previewed at once: north's names own, and own and peer as a
joint service (a row to decide), so its import is refused until decided; south's names
stranger. A network's surveys are opened and acted on by its coordinators and admins.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from citytools.registers import surveys
from tests.expect import Multipart

HEADER = "organisation,service_areas,product,manufacturer,satisfaction,comment"


def survey_csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def build_surveys(cast) -> dict:
    """Needs the "Parking enforcement" service area of tests/notices/access.py."""
    admin = cast.user("admin")
    files = {
        cast.north: survey_csv(
            f"{cast.own.name},Parking enforcement,Survey Desk,Civic Forge,4,Fine",
            f"{cast.own.name} & {cast.peer.name},Parking enforcement,Survey Desk,Civic Forge,,",
        ),
        cast.south: survey_csv(f"{cast.stranger.name},Parking enforcement,Survey Desk,Civic Forge,3,Slow"),
    }
    return {"surveys": {
        network.slug: surveys.start_survey(network, filename="survey.csv", content=content, label=f"{network.name} survey", actor=admin)
        for network, content in files.items()
    }}


def survey(world, target):
    return world.extra["surveys"][world.network(target).slug]


def on_survey(world, target) -> dict:
    found = survey(world, target)
    return {"slug": found.network.slug, "pk": found.pk}


def upload(world, target, method) -> Multipart:
    content = survey_csv(f"{world.organisation(target).name},Parking enforcement,Survey Desk,Civic Forge,,")
    return Multipart({"file": SimpleUploadedFile("survey.csv", content, content_type="text/csv"), "label": "Matrix survey"})


def columns(world, target, method) -> dict:
    """The columns as guessed: a valid answer to the survey page's column form."""
    return {f"column_{i}": name for i, name in enumerate(survey(world, target).mapping)}


def decide(world, target, method) -> dict:
    """The first joint-service row and its first candidate (south's survey has none: the page
    then sends the coordinator back with the reason, which is still an allowed answer)."""
    report = surveys.shown(survey(world, target))
    row = next((r for r in report.rows if r.candidates), None)
    return {"row": row.row, "organisations": [row.candidates[0]["pk"]]} if row else {"row": "2", "organisations": ["0"]}
