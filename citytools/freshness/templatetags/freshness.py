"""Badges other apps' pages show: a record's quality seal, an organisation's scores."""

from django import template
from django.urls import reverse

from citytools.freshness import queries

register = template.Library()


@register.inclusion_tag("freshness/_seal.html", takes_context=True)
def record_seal(context, record, kind: str):
    """The seal of a system or contract (`kind`), with a confirm button for its editors."""
    viewer = context["request"].viewer
    return {
        "seal": queries.record_seal(record), "record": record, "people": viewer.sees_people(record.organisation_id),
        "can_confirm": viewer.can_edit(record.organisation_id) and record.retired_at is None,
        "key": f"{kind}:{record.pk}:{record.version}", "organisation": record.organisation,
        "here": context["request"].path, "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("freshness/_scores.html", takes_context=True)
def organisation_scores(context, organisation):
    viewer = context["request"].viewer
    link = reverse("freshness:organisation", args=[organisation.slug]) if viewer.sees_people(organisation.pk) else ""
    return {"score": queries.organisation_score(viewer, organisation), "link": link}
