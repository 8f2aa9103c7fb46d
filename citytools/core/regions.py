"""Pages whose filters, sort links and paging replace one region of the page with HTMX.

A page answers with its region alone only when HTMX asks for that region by its id (the
HX-Target header): a boosted link that leaves the page (a row's own page), a history restore
or any request aimed elsewhere gets the whole page, so one page is never drawn inside another.
"""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_region(request, region: str) -> bool:
    """True when this is an HTMX request that will swap the element with id `region`."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == region


def render_region(request, template: str, context: dict, *, region: str, region_template: str, status: int = 200):
    """The whole page (`template`), or only `region_template` when HTMX asks for `region`."""
    chosen = region_template if wants_region(request, region) else template
    response = render(request, chosen, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target", "HX-History-Restore-Request"])
    return response
