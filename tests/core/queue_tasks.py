"""A task for tests/core/test_queue.py's worker processes: each run appends a line naming the
task and the process that ran it to the file QUEUE_TEST_LOG names."""

import os
import time

from django_tasks import task


@task()
def log_run(number: int) -> None:
    time.sleep(0.05)  # long enough that the workers' turns interleave
    with open(os.environ["QUEUE_TEST_LOG"], "a") as log:
        log.write(f"{number} {os.getpid()}\n")
