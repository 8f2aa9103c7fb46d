"""The tasks `citytools worker` queues every minute, registered by the apps that own them.

Each app registers its own scheduled tasks from its AppConfig.ready() (`register(task)`), so
the worker (citytools/core/management/commands/worker.py) imports no app: a new app with a
periodic job adds one line to its own apps.py. A scheduled task must be cheap when there is
nothing to do (one query), since it runs every minute, and idempotent, since a late tick or a
second worker may run it again.
"""

_tasks: list = []


def register(task) -> None:
    """Queue `task` (a django-tasks Task taking no arguments) on every tick of the worker.
    Registering the same task again changes nothing."""
    if task not in _tasks:
        _tasks.append(task)


def scheduled() -> tuple:
    """Every registered task, in the order the apps registered them (INSTALLED_APPS)."""
    return tuple(_tasks)
