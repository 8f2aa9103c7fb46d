"""Template tags asking the request's Viewer about ratings, so other apps' pages link to
an organisation's ratings, a rating form or a conversation pack only for those who may use
them."""

from django import template

from citytools.satisfaction import queries, rules

register = template.Library()


def _viewer(context):
    request = context.get("request")
    return getattr(request, "viewer", None)


@register.simple_tag(takes_context=True)
def sees_ratings(context, organisation_id) -> bool:
    viewer = _viewer(context)
    return bool(viewer is not None and organisation_id is not None and queries.sees_ratings_of(viewer, organisation_id))


@register.simple_tag(takes_context=True)
def may_rate(context, system) -> bool:
    """The person rates for the system's organisation, and the system is in use (a planned
    one is rated once it is: citytools.satisfaction.services.require_in_use)."""
    viewer = _viewer(context)
    return bool(
        viewer is not None and system is not None and system.is_in_use
        and rules.can_rate(viewer.grants, organisation=system.organisation_id)
    )
