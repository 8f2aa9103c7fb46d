"""A small cast for the proposals and evaluation tests: an owning organisation's editor, a
steward, three evaluators, four applicants (vendor users of their suppliers) and an admin,
around one challenge built by tests.partnering.world.make_challenge.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.partnering.models import Evaluator, Proposal, State
from tests.factories import OrganisationFactory, RoleFactory, SupplierFactory, UserFactory
from tests.partnering.world import make_challenge


@dataclass
class Cast:
    organisation: object
    owner: object
    steward: object
    evaluators: list
    applicants: list  # (supplier, user)
    admin: object
    member: object  # staff of the owning organisation, not on the panel
    stranger: object  # signed in, nothing to do with it
    challenge: object = None
    extra: dict = field(default_factory=dict)

    def viewer(self, user) -> Viewer:
        return Viewer.for_user(user) if user is not None else Viewer.public()

    def as_(self, user) -> dict:
        """actor= and viewer= for a service call by `user`."""
        return {"actor": user, "viewer": self.viewer(user)}

    def everyone(self) -> dict:
        people = {
            "owner": self.owner, "steward": self.steward, "admin": self.admin, "member": self.member,
            "stranger": self.stranger, "public": None,
        }
        for i, user in enumerate(self.evaluators):
            people[f"evaluator{i + 1}"] = user
        for i, (_, user) in enumerate(self.applicants):
            people[f"applicant{i + 1}"] = user
        return people

    def evaluator(self, user) -> Evaluator:
        return Evaluator.objects.get(challenge=self.challenge, user=user)

    def proposal_of(self, index: int) -> Proposal:
        supplier = self.applicants[index][0]
        return Proposal.objects.get(challenge=self.challenge, supplier=supplier)

    def refresh(self):
        self.challenge.refresh_from_db()
        return self.challenge


def cast(*, applicants: int = 4, evaluators: int = 3) -> Cast:
    organisation = OrganisationFactory(slug="itp-owner", short_name="Owner")
    owner = UserFactory(email="owner@example.org", full_name="Olive Owner")
    RoleFactory(user=owner, kind="editor", organisation=organisation)
    member = UserFactory(email="staff@example.org", full_name="Sam Staff")
    RoleFactory(user=member, kind="member", organisation=organisation)
    admin = UserFactory(email="admin@example.org", full_name="Ada Admin")
    RoleFactory(user=admin, kind="admin")
    steward = UserFactory(email="steward@example.org", full_name="Stella Steward")
    stranger = UserFactory(email="stranger@example.org", full_name="Stan Stranger")
    panel = [UserFactory(email=f"evaluator{i + 1}@example.org", full_name=f"Evaluator {i + 1}") for i in range(evaluators)]
    pairs = []
    for i in range(applicants):
        supplier = SupplierFactory(slug=f"applicant-{i + 1}", name=f"Applicant {i + 1} Ltd")
        user = UserFactory(email=f"applicant{i + 1}@example.org", full_name=f"Applicant User {i + 1}")
        RoleFactory(user=user, kind="vendor", supplier=supplier)
        pairs.append((supplier, user))
    return Cast(organisation, owner, steward, panel, pairs, admin, member, stranger)


def challenge_in(c: Cast, state, *, now=None, applicants=None, **fields):
    """The cast's challenge in `state` (see make_challenge for what each state brings)."""
    c.challenge = make_challenge(
        owners=[c.organisation],
        state=state,
        steward=c.steward,
        evaluators=c.evaluators,
        applicants=c.applicants if applicants is None else applicants,
        now=now,
        **fields,
    )
    return c.challenge


def open_challenge(c: Cast, *, deadline_in=datetime.timedelta(days=20), **fields):
    """Published, submissions open, no proposals yet; the deadline `deadline_in` from now."""
    now = timezone.now()
    challenge = challenge_in(c, State.PUBLISHED, now=now, applicants=[], **fields)
    challenge.submission_deadline = now + deadline_in
    challenge.question_deadline = min(challenge.question_deadline, challenge.submission_deadline)
    challenge.save()
    return challenge


FORM = {
    "scale": "small",
    "summary": "A shared status page for every request.",
    "approach": "Weekly sessions with residents.",
    "team": "Two designers and a developer.",
    "plan": "Discover, prototype, test.",
    "price": "45000",
}


# Files ------------------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 120
MACHO = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 120
SCRIPT = b"#!/bin/sh\necho hello\n"


def zipped(files: list[tuple[str, str]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files:
            archive.writestr(name, text)
    return out.getvalue()


DOCX = zipped([("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"), ("word/document.xml", "<w/>")])
XLSX = zipped([("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"), ("xl/workbook.xml", "<w/>")])
PPTX = zipped([("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"), ("ppt/presentation.xml", "<p/>")])
ODT = zipped([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<c/>")])
ODS = zipped([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", "<c/>")])
ODP = zipped([("mimetype", "application/vnd.oasis.opendocument.presentation"), ("content.xml", "<c/>")])
ZIP = zipped([("notes.txt", "hello")])
