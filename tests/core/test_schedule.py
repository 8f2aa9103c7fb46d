"""The worker's schedule: each app registers its own periodic tasks, and the worker, which
lives in core, imports none of them."""

import ast
from pathlib import Path

from django.core.management import get_commands

from citytools.core import schedule
from citytools.core.management.commands import worker
from citytools.freshness.tasks import send_campaign_reminders
from citytools.notices.tasks import harvest_on_schedule
from citytools.opportunities.tasks import send_digests
from citytools.partnering.tasks import advance_deadlines


def test_each_app_registers_its_periodic_task_once_in_the_order_of_the_apps():
    assert schedule.scheduled() == (advance_deadlines, send_digests, harvest_on_schedule, send_campaign_reminders)
    schedule.register(send_digests)
    assert schedule.scheduled() == (advance_deadlines, send_digests, harvest_on_schedule, send_campaign_reminders)


def test_the_worker_is_core_s_command_and_imports_no_app():
    assert get_commands()["worker"] == "citytools.core"
    project = {name for name in imports(worker) if name.startswith("citytools")}
    assert project and all(name.startswith("citytools.core") for name in project), project
    assert imports(schedule) == set()


def imports(module) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text())
    found = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    return found | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
