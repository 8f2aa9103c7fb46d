"""GET /api/v1/search: the grouped results the search page shows, from the same query."""

from ninja import Field, Query, Router, Schema

from citytools.search.queries import DEFAULT_LIMIT, MAX_QUERY_LENGTH, search

router = Router(tags=["search"])


class HitOut(Schema):
    name: str
    url: str = Field(description="Path of the record's page.")
    detail: str


class GroupOut(Schema):
    type: str = Field(description="organisations, suppliers, products or service_areas.")
    label: str
    count: int = Field(description="How many records match; `results` holds the best of them.")
    results: list[HitOut]


class SearchOut(Schema):
    query: str
    total: int
    groups: list[GroupOut] = Field(description="Empty when the query is empty.")


@router.get("", response=SearchOut, summary="Search organisations, suppliers, products and service areas")
def search_all(request, q: str = Query("", max_length=MAX_QUERY_LENGTH), limit: int = Query(DEFAULT_LIMIT, ge=1, le=100)):
    results = search(q, limit=limit)
    return {
        "query": results.query,
        "total": results.total,
        "groups": [
            {"type": g.type, "label": g.label, "count": g.count, "results": g.hits} for g in results.groups
        ],
    }
