"""Template tags asking the request's Viewer whether the person may change or restore an
organisation's records, so read pages show edit links only to those who may use them."""

from django import template

register = template.Library()


def _viewer(context):
    request = context.get("request")
    return getattr(request, "viewer", None)


@register.simple_tag(takes_context=True)
def may_edit(context, organisation_id) -> bool:
    viewer = _viewer(context)
    return bool(viewer is not None and organisation_id is not None and viewer.can_edit(organisation_id))


@register.simple_tag(takes_context=True)
def may_restore(context, organisation_id) -> bool:
    viewer = _viewer(context)
    return bool(viewer is not None and organisation_id is not None and viewer.can_restore(organisation_id))
