"""The overview: headline numbers, market concentration and contracts ending soon."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citytools.accounts.viewer import redacted
from citytools.core.charts import COUNT, SHARE, bar_chart, column_chart, stacked_bar_chart
from citytools.core.templatetags.citytools import percent
from citytools.market import queries
from citytools.market.directory_queries import contracts_ending_for, network_or_none

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
        # Each network with its organisations mapped: the same count as the card's.
        "networks": queries.networks_mapped(viewer=viewer),
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
            measure=SHARE,
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
            measure=COUNT,
            empty="No contract ends in the next 12 months.",
        ),
        "ending": redacted(contracts_ending_for(where.contracts, viewer=viewer)[:ENDING_SHOWN], viewer=viewer),
    }
    return render(request, "market/overview.html", context)


@require_safe
def pipeline(request):
    """Upcoming public contract expiries by service area, for firms planning ahead."""
    areas = queries.pipeline()
    rows = []
    for entry in areas[:15]:
        for (_months, label), count in zip(queries.PIPELINE_HORIZONS, entry.counts):
            if count:
                rows.append({"area": entry.area.name, "horizon": label, "contracts": count})
    chart = stacked_bar_chart(
        "pipeline", title="Public contracts ending in the next 24 months, by service area", rows=rows,
        label="area", series="horizon", value="contracts", label_title="Service area", series_title="Ending",
        value_title="Contracts", series_order=[label for _, label in queries.PIPELINE_HORIZONS],
        columns=["Service area", *(label for _, label in queries.PIPELINE_HORIZONS), "Organisations", "Incumbent suppliers"],
        table_rows=[
            [e.area.name, *e.counts, e.organisations, ", ".join(e.incumbents)] for e in areas
        ],
        description="The 15 busiest service areas; the table lists every area with a public contract ending.",
        empty="No public contract ends in the next 24 months.",
    )
    return render(request, "market/pipeline.html", {"areas": areas, "chart": chart, "horizons": queries.PIPELINE_HORIZONS})
