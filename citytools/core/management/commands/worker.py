"""`citytools worker`: the background worker of City Tools.

It runs the database task queue with django-tasks-db's own worker (the e-mails that
citytools.partnering.notify queues, the large imports of citytools.spreadsheets) and, on a
small scheduler thread, queues every task the apps registered in citytools.core.schedule
every `--interval` seconds (a minute by default): today the deadlines of
citytools.partnering.tasks, the alert digests of citytools.opportunities.tasks and the
campaign reminders of citytools.freshness.tasks, so deadlines close on time even when nobody
visits the site, and digests and reminders go out on the day they are due. Without a worker
the site still works: deadlines close on every request, and e-mails wait in the queue.

Every tick (and every `--once` run) also records the worker's heartbeat, which `/readyz`
checks (citytools.core.health): a worker whose scheduler stopped is noticed.
"""

import logging
import os
import socket
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import (
    DEFAULT_TASK_BACKEND_ALIAS,
    DEFAULT_TASK_QUEUE_NAME,
    TASKS_LOGGER,
    task_backends,
)
from django_tasks_db.management.commands.db_worker import Worker, valid_interval

from citytools.core.health import record_heartbeat
from citytools.core.logs import console_formatter
from citytools.core.schedule import scheduled

logger = logging.getLogger("citytools.worker")

# How often the queue is polled for new work when it is empty, in seconds.
POLL_SECONDS = 1.0


def worker_name() -> str:
    """The host and process, as the heartbeat table names the worker."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Scheduler(threading.Thread):
    """Queues the scheduled tasks now and then every `interval` seconds until stopped."""

    def __init__(self, interval: float, worker: str | None = None):
        super().__init__(name="citytools-scheduler", daemon=True)
        self.interval = interval
        self.worker = worker or worker_name()
        self.stopped = threading.Event()

    def tick(self) -> None:
        try:
            try:
                record_heartbeat(worker=self.worker)
            except Exception:  # as below: the next tick tries again, and /readyz shows the gap
                logger.exception("Could not record the worker's heartbeat.")
            for task in scheduled():
                try:
                    task.enqueue()
                except Exception:  # a database hiccup must not end the scheduler; the next tick retries
                    logger.exception("Could not queue the task %s.", task.name)
        finally:
            connection.close()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.tick()
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()


class Command(BaseCommand):
    help = (
        "Run the background worker: the database task queue (e-mails, large imports) and, every "
        "--interval seconds, the scheduled tasks the apps register: closing questions and submissions "
        "whose deadlines have passed, sending due alert digests and campaign reminders. With --once, "
        "queue those, run everything queued and exit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Queue the scheduled tasks (deadlines, digests, reminders), run what is queued, then exit."
        )
        parser.add_argument(
            "--interval", type=valid_interval, default=60.0,
            help="Seconds between two runs of the scheduled tasks (default: %(default)s).",
        )
        parser.add_argument("--queue-name", default=DEFAULT_TASK_QUEUE_NAME, help="The queue to run (default: %(default)s).")
        parser.add_argument("--backend", default=DEFAULT_TASK_BACKEND_ALIAS, help="The task backend (default: %(default)s).")

    def handle(self, *args, once: bool, interval: float, queue_name: str, backend: str, **options):
        if not isinstance(task_backends[backend], DatabaseBackend):
            raise CommandError(
                f"The task backend {backend!r} is not the database queue: with CITYTOOLS_TASKS_IMMEDIATE set, "
                "tasks run at once and there is nothing for a worker to do."
            )
        if options.get("verbosity", 1) > 0:
            for name in ("citytools.worker", "django_tasks_db", TASKS_LOGGER):
                log = logging.getLogger(name)
                log.setLevel(logging.INFO)
                if not log.handlers:
                    handler = logging.StreamHandler(self.stdout)
                    handler.setFormatter(console_formatter(settings.LOG_FORMAT))
                    log.addHandler(handler)
                    log.propagate = False  # once on the console, not again through the root logger
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=POLL_SECONDS,
            batch=once,
            backend_name=backend,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if once:
            # One row per machine, not per run: cron starts a new process every minute.
            record_heartbeat(worker=f"{socket.gethostname()}:once")
            for task in scheduled():
                task.enqueue()
            worker.run()
            self.stdout.write("The queue is empty.")
            return
        scheduler = Scheduler(interval)
        scheduler.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            scheduler.stop()
            close_old_connections()
