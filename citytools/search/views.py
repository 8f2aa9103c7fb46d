from django.views.decorators.http import require_safe

from citytools.core.regions import render_region
from citytools.search.queries import MAX_QUERY_LENGTH
from citytools.search.queries import search as run_search


@require_safe
def search(request):
    query = request.GET.get("q", "")
    results = run_search(query)
    context = {"query": results.query, "results": results, "max_length": MAX_QUERY_LENGTH}
    # As-you-type requests replace only the results; anything else gets the whole page.
    return render_region(
        request, "search/search.html", context, region="search-results", region_template="search/_results.html"
    )
