"""Timing and memory helpers: wall time of a block, and wall time plus peak RSS of a child
process (``os.wait4``, so each child's own peak, not the maximum over all children)."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str = ""
    stderr: str = ""
    cpu_seconds: float = 0.0        # user + system time of the child (its threads included)


def run_child(args: Sequence[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None,
              timeout: float | None = None) -> Run:
    """Run a command, returning its wall time and its own peak resident set size."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{time.monotonic_ns()}"
    with open(f"{out_path}.out", "w+") as out, open(f"{out_path}.err", "w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(args), cwd=cwd, env=env, stdout=out, stderr=err)
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(seconds, usage.ru_maxrss / 1024, proc.returncode, out.read(), err.read(),
                     usage.ru_utime + usage.ru_stime)
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return result


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def median_time(fn: Callable[[], object], *, runs: int = 5, budget: float = 3.0) -> tuple[float, object]:
    """Median wall time over up to ``runs`` runs, fewer when they exceed ``budget`` seconds."""
    times = []
    value = None
    spent = 0.0
    for _ in range(runs):
        t, value = timed(fn)
        times.append(t)
        spent += t
        if spent >= budget:
            break
    return statistics.median(times), value


def words(text: str) -> int:
    return len(text.split())
