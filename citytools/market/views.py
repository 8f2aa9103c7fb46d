"""The overview: headline numbers, market concentration and contracts ending soon."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citytools.core.charts import bar_chart, column_chart
from citytools.core.templatetags.citytools import percent
from citytools.directory.queries import contracts_ending_for, network_or_none, networks
from citytools.market import queries

ENDING_SHOWN = 20


@require_safe
def overview(request):
    network = network_or_none(request.GET.get("network"))
    if request.GET.get("network") and network is None:
        raise Http404("No such network.")
    viewer = request.viewer
    where = queries.scope(network, viewer=viewer)
    numbers = queries.headline(where)
    concentration = queries.concentration(where.contracts, viewer=viewer)
    by_month = queries.ending_soon_by_month(where.contracts, viewer=viewer)
    # The chart shows each top supplier's share; "all others" is one long bar that would
    # squash the rest, so it appears in the table only.
    concentration_rows = [{"supplier": row.name, "share": row.share} for row in concentration.top]
    concentration_table = [[row.name, row.contracts, percent(row.share, 1)] for row in concentration.top]
    if concentration.others:
        label = f"All other suppliers ({concentration.other_suppliers})"
        concentration_table.append(
            [label, concentration.others, percent(concentration.others / concentration.contracts, 1)]
        )
    context = {
        "ending_days": settings.CITYTOOLS_ENDING_SOON_DAYS,
        "network": network,
        "networks": networks(),
        "numbers": numbers,
        "concentration": concentration,
        "concentration_chart": bar_chart(
            "concentration",
            title="Contracts held by the 10 suppliers with the most contracts",
            description="Contracts that have not ended, by the supplier that holds them.",
            rows=concentration_rows,
            label="supplier",
            value="share",
            label_title="Supplier",
            value_title="Share of contracts",
            value_format=".0%",
            columns=["Supplier", "Contracts", "Share of contracts"],
            table_rows=concentration_table,
        ),
        "ending_chart": column_chart(
            "ending-by-month",
            title="Contracts ending in the next 12 months, by month",
            rows=[{"month": month, "contracts": count} for month, count in by_month],
            label="month",
            value="contracts",
            label_title="Month",
            value_title="Contracts ending",
        ),
        "ending": queries.redacted(contracts_ending_for(where.contracts, viewer=viewer)[:ENDING_SHOWN], viewer=viewer),
    }
    return render(request, "market/overview.html", context)
