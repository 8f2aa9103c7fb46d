"""`citytools load_register`: the batch door to load_register."""

import io

import pytest
from django.core.management import CommandError, call_command

from citytools.inventory.models import System


def run(*args) -> str:
    out = io.StringIO()
    call_command("load_register", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_an_admin_loads_the_register_and_reads_what_it_did(people):
    output = run("libraries", "--as", "admin@example.org")

    assert "208 rows of the register read." in output
    assert "left off: South Ayrshire: the register names Vega and not who makes it." in output
    assert System.objects.filter(provenance__source="register:libraries").count() > 200
    assert "Organisations created: 0; suppliers: 0; products: 0; systems: 0." in run("libraries", "--as", "admin@example.org")


def test_a_dry_run_writes_nothing(people):
    output = run("libraries", "--as", "admin@example.org", "--dry-run")
    assert "would be created" in output and "Dry run: nothing was written." in output
    assert not System.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("libraries", "--as", "coordinator@example.org"), "Only platform admins may load a register"),
        (("libraries",), "Say who is loading the register with --as EMAIL"),
        (("libraries", "--as", "nobody@example.org"), "No active user"),
        (("books", "--as", "admin@example.org"), "No register called 'books'"),
    ],
)
def test_refusals_are_a_message_and_nothing_written(people, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not System.objects.exists()
