import argparse
import datetime

from django.db import connection

from citytools.core.dates import DateOutOfRange, parse_iso_date
from citytools.core.management.base import DomainCommand
from citytools.demo.builder import build_demo
from citytools.demo.catalogue import DEFAULT_SEED, NETWORK_NAME
from citytools.demo.freshness import build_freshness
from citytools.demo.opportunities import subscribe_demo_member
from citytools.demo.people import DEMO_PASSWORD, create_demo_people
from citytools.demo.proposals import build_proposals
from citytools.demo.registers import load_public_registers


def iso_date(value: str) -> datetime.date:
    try:
        return parse_iso_date(value, label="--as-of")
    except DateOutOfRange as error:
        raise argparse.ArgumentTypeError(error.message) from None


class Command(DomainCommand):
    help = (
        "Load the reference data and an invented market for the 33 London authorities. "
        "Runs only in demo mode; running it again with the same options changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            type=iso_date,
            help="The date the demo is built around (default: the first day of this month).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default: {DEFAULT_SEED})."
        )

    def handle(self, *args, as_of=None, seed=DEFAULT_SEED, **options):
        summary = build_demo(as_of=as_of, seed=seed)
        # After a bulk load the query planner's statistics still describe empty tables; on
        # PostgreSQL that makes it pick nested loops over hundreds of rows (the matrix took
        # 400 ms instead of 40 until autovacuum came round). ANALYZE refreshes them now.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Demo as of {summary.as_of:%d %B %Y} (seed {summary.seed}): "
            f"{summary.organisations} organisations in {NETWORK_NAME}, {summary.suppliers} suppliers, "
            f"{summary.products} products, {summary.systems} systems, {summary.contracts} contracts, "
            f"{summary.ending_within_year} of them ending within a year; "
            f"{summary.challenges} Invitations to Partner (City of Toronto and London boroughs); "
            f"{summary.ratings} of the systems rated and {summary.pain_points} shared pain points.\n"
            f"Rows created {summary.created}, updated {summary.updated}, deleted {summary.deleted}.\n"
            "Suppliers, products, contracts, ratings and pain points are invented; the authorities are real. "
            "Start at the overview page (/) or /organisations/."
        )
        accounts = create_demo_people()
        subscribe_demo_member()
        confirmed = build_freshness(as_of=summary.as_of, seed=seed)
        if build_proposals():
            self.stdout.write("Camden's editor proposed a supplier and a product the catalogue lacks, waiting for the coordinator's review.")
        if confirmed:
            self.stdout.write(f"Confirmation dates given to {confirmed} records; a campaign runs on {NETWORK_NAME}.")
        for loaded in load_public_registers():
            self.stdout.write(
                f"Public register {loaded.register}: {loaded.systems} systems added, {loaded.unchanged} already there. "
                "These products and suppliers are real: the demo invents no rating, value or pain point for them, "
                "and each system's page names the register as its source."
            )
        self.stdout.write(f"\nDemo accounts, all with the password {DEMO_PASSWORD} (sign in at /accounts/login/):")
        for account in accounts:
            self.stdout.write(f"  {account.email:<34} {account.role}")
