"""The public notices (OCDS) part of `make bench`: our import against `ocdskit compile`.

    python -m tests.bench_notices [--releases 20000,200000]
    python -m tests.bench --notices-only [--notices-releases 20000,200000]

For each size it writes a synthetic stream of that many releases (tests/notices/synthetic.py,
JSON Lines, seed 2024) to a temporary folder, untimed, and then runs on that same file, each
as a process of its own:

- `ocdskit compile --schema SCHEMA < FILE > compiled.jsonl`, the Open Contracting
  Partnership's tool (installed with the test extras). SCHEMA is the shared data's OCDS 1.1.5
  release schema, the one our merge rules come from: without it ocdskit fetches a schema
  from the standard's website, and the bench runs offline.
- `citytools import_ocds FILE --as admin@demo.citytools.invalid`, our full import (parse,
  compile, match, write) as the demo's platform admin, into a fresh SQLite database,
  migrated and with the demo loaded (built once, copied for each run).
- `citytools import_ocds FILE --dry-run`: parse, compile and match, nothing written.

Each run is timed from its start to its exit, and its peak memory is what the kernel counted
for that process alone (its maximum resident set size, from os.wait4 in a small wrapper
process: see WRAPPER). The targets are issue
16's: our full import at least twice ocdskit's releases per second, and a peak under 150 MB
(10^6 bytes) at every size. It prints the figures and a verdict for each, and exits 0 whatever
they are: it measures, it does not judge a build. A tool that is not there (the import command
before it is written, ocdskit or the shared schema missing) is named, and the rest measured.
"""

import argparse
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests import served
from tests.conftest import SHARED_DATA
from tests.notices import synthetic

SIZES = (20_000, 200_000)
SEED = 2024
SCHEMA = SHARED_DATA / "ocds" / "schema" / "release-schema.json"
TARGET_SPEED = 2.0  # times ocdskit's releases per second
TARGET_PEAK_MB = 150.0
COMMAND = "import_ocds"
# The command asks who imports (not for a dry run): the demo's platform admin.
DEMO_ADMIN = "admin@demo.citytools.invalid"
# The console scripts a person runs, beside the interpreter.
OCDSKIT = Path(sys.executable).with_name("ocdskit")


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    exit_code: int
    output: Path
    errors: Path


def last_line(path: Path) -> str:
    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


# Runs one command and reports what the kernel counted for it alone: its exit code, peak
# memory (ru_maxrss, KiB on Linux), CPU and wall time. A process's peak includes the memory of
# the process it was started from, up to its exec, so the bench (which holds a stream
# generator, and after the finder much more) does not start the tools itself: this wrapper,
# a bare interpreter of about 9 MB, does, and any tool's own peak is larger than that.
WRAPPER = """
import os, sys, time
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, usage.ru_utime + usage.ru_stime, time.perf_counter() - started, file=report)
"""


def measured(command: list[str], *, folder: Path, name: str, stdin: Path | None = None, env: dict | None = None) -> Run:
    """Run `command` to its end through the wrapper, its output and errors into files of
    `folder`; its wall time, CPU time and peak memory."""
    output, errors, report = folder / f"{name}.out", folder / f"{name}.err", folder / f"{name}.usage"
    with output.open("wb") as out, errors.open("wb") as err, (stdin.open("rb") if stdin else open(os.devnull, "rb")) as source:
        wrapper = subprocess.run(
            [sys.executable, "-I", "-S", "-c", WRAPPER, str(report), *command],
            stdin=source, stdout=out, stderr=err, env=env, cwd=served.ROOT, check=False,
        )
    if not report.exists():  # the command could not be started at all; its error is in `errors`
        return Run(0.0, 0.0, 0.0, wrapper.returncode or 1, output, errors)
    exit_code, peak_kib, cpu, seconds = report.read_text().split()
    return Run(float(seconds), float(cpu), int(peak_kib) * 1024 / 1e6, int(exit_code), output, errors)


def import_command_exists(env: dict[str, str]) -> bool:
    result = subprocess.run(
        [sys.executable, "-m", "citytools.cli", "help", COMMAND], env=env, cwd=served.ROOT, capture_output=True, text=True, check=False
    )
    return result.returncode == 0


def demo_database(folder: Path) -> Path:
    """A migrated SQLite database with the demo loaded, to copy for each import."""
    folder.mkdir()
    path = folder / "citytools.sqlite3"
    env = served.environment(str(folder), f"sqlite:///{path}", CITYTOOLS_DEMO_MODE="1")
    served.run([sys.executable, "-m", "citytools.cli", "migrate", "--no-input", "--verbosity", "0"], env)
    served.run([sys.executable, "-m", "citytools.cli", "demo"], env)
    return path


def fresh_copy(template: Path, folder: Path) -> dict[str, str]:
    """A copy of the demo database in `folder` (SQLite's backup, whatever its journal holds),
    and the environment of a command that uses it."""
    folder.mkdir()
    path = folder / "citytools.sqlite3"
    with contextlib.closing(sqlite3.connect(template)) as source, contextlib.closing(sqlite3.connect(path)) as target:
        source.backup(target)
    return served.environment(str(folder), f"sqlite:///{path}", CITYTOOLS_DEMO_MODE="1")


def row(tool: str, releases: int, run: Run | None, verdict: str) -> str:
    if run is None:
        return f"{tool:<36} {releases:>9,} {'':>8} {'':>11} {'':>8} {'':>7}  {verdict}"
    rate = releases / run.seconds
    return f"{tool:<36} {releases:>9,} {run.seconds:>8.1f} {rate:>11,.0f} {run.peak_mb:>8.1f} {run.cpu_seconds:>7.1f}  {verdict}"


def failed(run: Run) -> str:
    return f"FAILED (exit {run.exit_code}): {last_line(run.errors) or last_line(run.output) or 'no message'}"


def bench_size(count: int, folder: Path, *, template: Path | None, ocdskit: str) -> dict[str, Run]:
    stream = folder / f"notices-{count}.jsonl"
    started = time.perf_counter()
    summary = synthetic.write(stream, count, seed=SEED)
    print(
        f"\n{count:,} releases of {summary.processes:,} contracting processes, {summary.bytes / 1e6:,.1f} MB of JSON Lines "
        f"(tests/notices/synthetic.py, seed {SEED}, written in {time.perf_counter() - started:.1f} s)"
    )
    header = f"{'tool':<36} {'releases':>9} {'seconds':>8} {'releases/s':>11} {'peak MB':>8} {'CPU s':>7}  result"
    print(header)
    print("-" * (len(header) + 30))
    runs: dict[str, Run] = {}

    if ocdskit:
        print(row("ocdskit compile", count, None, ocdskit))
    else:
        run = measured([str(OCDSKIT), "compile", "--schema", str(SCHEMA)], folder=folder, name=f"ocdskit-{count}", stdin=stream)
        if run.exit_code:
            print(row("ocdskit compile", count, run, failed(run)))
        else:
            runs["ocdskit"] = run
            with run.output.open("rb") as compiled:
                ocids = sum(1 for line in compiled if line.strip())
            same = "" if ocids == summary.processes else f"; EXPECTED {summary.processes:,}"
            print(row("ocdskit compile", count, run, f"baseline; {ocids:,} compiled releases{same}"))

    if template is None:
        print(row(f"citytools {COMMAND}", count, None, f"{COMMAND} not available"))
        return runs
    for label, key, extra in ((f"citytools {COMMAND}", "import", ["--as", DEMO_ADMIN]), (f"citytools {COMMAND} --dry-run", "dry run", ["--dry-run"])):
        env = fresh_copy(template, folder / f"{key.replace(' ', '-')}-{count}")
        run = measured([sys.executable, "-m", "citytools.cli", COMMAND, str(stream), *extra], folder=folder, name=f"{key.replace(' ', '-')}-{count}", env=env)
        if run.exit_code:
            print(row(label, count, run, failed(run)))
            continue
        runs[key] = run
        verdicts = []
        if "ocdskit" in runs:
            times = runs["ocdskit"].seconds / run.seconds
            target = f"{times:.2f}x ocdskit's rate"
            if key == "import":
                target += f" (target >= {TARGET_SPEED:.0f}x) {'PASS' if times >= TARGET_SPEED else 'FAIL'}"
            verdicts.append(target)
        verdicts.append(f"peak < {TARGET_PEAK_MB:.0f} MB {'PASS' if run.peak_mb < TARGET_PEAK_MB else 'FAIL'}")
        print(row(label, count, run, "; ".join(verdicts)))
        for line in run.output.read_text(encoding="utf-8", errors="replace").splitlines():
            print(f"{'':<4}{line}")
    return runs


def bench_notices(sizes: tuple[int, ...] = SIZES) -> None:
    print(
        f"\nPublic notices (OCDS): `ocdskit compile` against our import (`citytools {COMMAND}`) on the same synthetic "
        f"stream; targets: our import >= {TARGET_SPEED:.0f}x ocdskit's releases per second, peak < {TARGET_PEAK_MB:.0f} MB at every size"
    )
    if not OCDSKIT.exists():
        ocdskit = "not measured: ocdskit is not installed (pip install -e '.[test]')"
    elif not SCHEMA.exists():
        ocdskit = "not measured: it needs the OCDS release schema offline (../shared/data/ocds/schema/release-schema.json)"
    else:
        ocdskit = ""
    with tempfile.TemporaryDirectory(prefix="citytools-bench-notices-") as temporary:
        folder = Path(temporary)
        probe = folder / "probe"
        probe.mkdir()
        template = None
        if import_command_exists(served.environment(str(probe), f"sqlite:///{probe / 'citytools.sqlite3'}")):
            started = time.perf_counter()
            try:
                template = demo_database(folder / "demo")
                print(f"A migrated demo database to copy for each import, built in {time.perf_counter() - started:.0f} s")
            except RuntimeError as error:
                print(f"our side not measured: the demo database could not be built: {error}")
        else:
            print(f"{COMMAND} not available: our side is not measured, ocdskit is")
        peaks: dict[str, list[float]] = {}
        for count in sizes:
            for key, run in bench_size(count, folder, template=template, ocdskit=ocdskit).items():
                peaks.setdefault(key, []).append(run.peak_mb)
            # The stream, the outputs and the databases of this size (hundreds of MB at 200,000).
            for leftover in folder.glob(f"*-{count}*"):
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        if len(sizes) > 1:
            for key, values in peaks.items():
                if len(values) == len(sizes):
                    print(f"peak memory of {key} from {sizes[0]:,} to {sizes[-1]:,} releases: {values[0]:.1f} MB to {values[-1]:.1f} MB")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_notices", description=__doc__.splitlines()[0])
    parser.add_argument("--releases", default=",".join(map(str, SIZES)), help="sizes of the streams, comma-separated (20000,200000)")
    args = parser.parse_args(argv)
    bench_notices(tuple(int(size) for size in args.releases.split(",")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
