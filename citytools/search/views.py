from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from citytools.search.queries import MAX_QUERY_LENGTH, search as run_search


@require_safe
def search(request):
    query = request.GET.get("q", "")
    results = run_search(query)
    context = {"query": results.query, "results": results, "max_length": MAX_QUERY_LENGTH}
    # As-you-type requests replace only the results; a history restore needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "search/_results.html" if partial else "search/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
