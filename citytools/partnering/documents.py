"""The Invitation-to-Partner document: the challenge in plain language, as the page shows it
and as a PDF (WeasyPrint) or stand-alone HTML file for the `challenge_document` command.

The print template carries its own styles and no images, and WeasyPrint is given a URL
fetcher that refuses everything but inline `data:` URLs, so rendering never reaches the
network (nor the file system), whatever a challenge's text contains.
"""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as format_date

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
    context["generated_at"] = timezone.now()
    return render_to_string("partnering/document_print.html", context)


def _local_only_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        """Refuses every URL but inline data: the PDF never fetches anything."""

        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                raise ValueError(f"Not fetched: the challenge document uses no outside resources ({url[:60]}).")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols=["data"])


def challenge_pdf(challenge: Challenge, *, base_url: str | None = None) -> bytes:
    """The document as a PDF."""
    from weasyprint import HTML

    return HTML(string=challenge_html(challenge), base_url=base_url, url_fetcher=_local_only_fetcher()).write_pdf()
