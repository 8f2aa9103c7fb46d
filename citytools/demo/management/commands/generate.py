import sys
import time

from django.db import connection

from citytools.core.management.base import DomainCommand
from citytools.core.management.progress import Progress
from citytools.demo.builder import first_of_month
from citytools.demo.management.commands.demo import iso_date
from citytools.demo.scale import DEFAULT_SEED, TIERS, generate


class Command(DomainCommand):
    help = (
        "Fill an empty database with a synthetic map for measuring at scale: the london, uk or continental "
        "tier (issue 18). Suppliers, products and records are invented; the london and uk tiers use the real "
        "UK authorities. Runs only in demo mode, and refuses a database that holds networks, suppliers, "
        "products, systems or contracts already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tier", required=True, choices=list(TIERS), help="How large a map to build.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default: {DEFAULT_SEED}).")
        parser.add_argument(
            "--as-of", type=iso_date, help="The date the data is built around (default: the first day of this month)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Draw no progress bar.")

    def handle(self, *args, tier, seed=DEFAULT_SEED, as_of=None, no_progress=False, **options):
        bar = Progress(disable=no_progress or not sys.stderr.isatty(), stages={"rows": "Rows written"}, unit_scale=True)
        try:
            made = generate(tier=tier, seed=seed, as_of=as_of or first_of_month(),
                            progress=lambda rows: bar.update("rows", rows))
        finally:
            bar.close()
        # As after `citytools demo`: the planner's statistics still describe empty tables, and
        # pages measured on the tier straight away would run on plans made for none.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        analysed = time.perf_counter() - started
        self.stdout.write(
            f"Tier {made.tier} as of {made.as_of:%d %B %Y} (seed {made.seed}): {made.organisations:,} organisations in "
            f"{made.networks:,} network{'s' if made.networks != 1 else ''}, {made.suppliers:,} suppliers, {made.products:,} products, "
            f"{made.systems:,} systems, {made.contracts:,} contracts, {made.ratings:,} ratings, "
            f"{made.pain_points:,} pain points; {made.confidential:,} systems and contracts confidential.\n"
            f"{made.rows:,} rows (history and links included) in {made.seconds:.1f} s: {made.rate:,.0f} rows/s. "
            f"Statistics refreshed (ANALYZE) in {analysed:.1f} s."
        )
