"""The Invitation-to-Partner document: the challenge in plain language, as the page shows it
and as a PDF (WeasyPrint) or stand-alone HTML file for the `challenge_document` command.

The PDF is rendered offline by citytools.core.pdf: nothing is fetched, whatever a
challenge's text contains.
"""

import datetime
import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as format_date

from citytools.core.pdf import write_pdf
from citytools.partnering.models import Challenge


def _when(value) -> str:
    if value is None:
        return "To be announced"
    if isinstance(value, datetime.datetime):
        return format_date(timezone.localtime(value), "j F Y, H:i")
    return format_date(value, "j F Y")


def document_context(challenge: Challenge) -> dict:
    """What the ITP document shows, shared by the challenge page, the PDF and the command."""
    owners = list(challenge.ownerships.select_related("organisation").order_by("-lead", "organisation__name"))
    criteria = list(challenge.criteria.all())
    for criterion in criteria:
        texts = list(criterion.level_texts or [])
        criterion.levels = [(level, texts[level] if level < len(texts) else "") for level in range(criterion.scale_max + 1)]
    return {
        "challenge": challenge,
        "ownerships": owners,
        "criteria": criteria,
        "weights_total": sum(c.weight for c in criteria),
        "eligibility": list(challenge.eligibility_criteria.all()),
        "addenda": list(challenge.addenda.all()),
        "key_dates": [
            ("Publication", _when(challenge.published_at or challenge.publication_date)),
            ("Question deadline", _when(challenge.question_deadline)),
            ("Submission deadline", _when(challenge.submission_deadline)),
            ("Evaluation", _when(challenge.evaluation_date)),
            ("Expected start of the co-design", _when(challenge.expected_start)),
        ],
    }


def challenge_html(challenge: Challenge) -> str:
    """The document as one self-contained HTML file (styles inline, nothing fetched)."""
    context = document_context(challenge)
    context["generated_at"] = timezone.localdate()
    return render_to_string("partnering/document_print.html", context)


# Rendering a PDF takes WeasyPrint most of a second, while the HTML it is made from takes a
# few milliseconds; the same HTML always makes the same PDF, so PDFs are kept by a digest of
# their HTML. A change to the challenge changes the HTML, so nothing stale is ever served.
PDF_CACHE_SECONDS = 24 * 60 * 60


def challenge_pdf(challenge: Challenge, *, base_url: str | None = None) -> bytes:
    """The document as a PDF."""
    html = challenge_html(challenge)
    key = "challenge-pdf:" + hashlib.sha256(f"{base_url}\n{html}".encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = write_pdf(html, base_url=base_url)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf
