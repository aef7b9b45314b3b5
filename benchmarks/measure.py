"""Timing, memory and machine description for the benchmarks.

In-process timings are the best of several ``time.perf_counter`` runs (the
minimum is the least disturbed by other work on the machine). Whole processes
are timed by wall clock, and their peak resident memory is measured by GNU
time (``/usr/bin/time -f %M``): ``getrusage(RUSAGE_CHILDREN)`` would report the
largest of *all* children so far, and even a child's own ``ru_maxrss`` from
``os.wait4`` starts at the RSS of the (large) benchmark process that spawned it.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

GNU_TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Timing:
    """Best wall time of an in-process call, and what the call returned."""

    seconds: float
    value: Any
    runs: int


def best_of(call: Callable[[], Any], repeats: int, budget: float) -> Timing:
    """Run ``call`` up to ``repeats`` times; stop early once ``budget`` seconds are spent.

    Parameters
    ----------
    call : callable
        Takes no argument; its result of the last run is kept.
    repeats : int
        Most runs (at least one is always made).
    budget : float
        Seconds after which no further run starts.

    Returns
    -------
    Timing
    """
    best = float("inf")
    spent = 0.0
    runs = 0
    value = None
    while runs < max(1, repeats) and (runs == 0 or spent < budget):
        start = time.perf_counter()
        value = call()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        spent += elapsed
        runs += 1
    return Timing(seconds=best, value=value, runs=runs)


@dataclass(frozen=True)
class ProcessRun:
    """One whole process: wall time, peak memory, how it ended.

    ``seconds`` and ``peak_bytes`` are None when the process ran out of time.
    """

    seconds: float | None
    peak_bytes: int | None
    returncode: int | None
    timed_out: bool = False
    error: str = ""
    """The last line the command wrote to stderr, when it failed."""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def run_process(argv: list[str], timeout: float) -> ProcessRun:
    """Run a command with its stdout discarded; measure its wall time and peak RSS.

    Parameters
    ----------
    argv : list of str
    timeout : float
        Seconds after which the process is killed and reported as timed out.

    Returns
    -------
    ProcessRun
        ``peak_bytes`` is None when GNU time is not installed; ``error`` holds the
        last line of stderr when the command failed.
    """
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "rss"
        errors = Path(folder) / "stderr"
        timed = [GNU_TIME, "-f", "%M", "-o", str(report), *argv] if gnu_time() else argv
        with open(errors, "wb") as stderr:
            start = time.perf_counter()
            # A session of its own, so a timeout can stop the command and GNU time together.
            child = subprocess.Popen(timed, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
            # A blocking wait returns when the child ends; Popen.wait(timeout=...) polls, sleeping up
            # to 50 ms between looks, which rounded every time up to the next look. A timer stops it.
            stopped = threading.Event()
            timer = threading.Timer(timeout, _stop, (child.pid, stopped))
            timer.start()
            try:
                returncode = child.wait()
            finally:
                timer.cancel()
            elapsed = time.perf_counter() - start
            if stopped.is_set():
                return ProcessRun(None, None, None, timed_out=True)
        peak = None
        if gnu_time():
            # The last line is the peak RSS in kilobytes (an exit-status line may precede it).
            peak = int(report.read_text(encoding="utf-8").split()[-1]) * 1024
        error = ""
        if returncode != 0:
            lines = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            error = lines[-1] if lines else ""
        return ProcessRun(elapsed, peak, returncode, error=error)


def _stop(session: int, stopped: threading.Event) -> None:
    """Kill a timed-out command's session (the command and GNU time), and say so."""
    stopped.set()
    try:
        os.killpg(session, signal.SIGKILL)
    except ProcessLookupError:  # it ended just as the time ran out
        pass


def gnu_time() -> bool:
    """Whether GNU time is there to report a child's peak RSS.

    ``os.wait4`` cannot: Linux records the parent's RSS as the child's peak when
    the child is spawned with vfork or fork from a large process; GNU time is a
    small process in between.
    """
    return os.access(GNU_TIME, os.X_OK)


def best_process(argv: list[str], repeats: int, timeout: float, budget: float) -> ProcessRun:
    """The fastest of up to ``repeats`` runs of a command, with the largest peak RSS seen.

    Stops after the first failure or timeout, and once ``budget`` seconds are spent.
    """
    runs: list[ProcessRun] = []
    spent = 0.0
    while len(runs) < max(1, repeats) and (not runs or spent < budget):
        run = run_process(argv, timeout)
        runs.append(run)
        if not run.ok:
            return run
        spent += run.seconds
    return ProcessRun(
        seconds=min(r.seconds for r in runs),
        peak_bytes=max(r.peak_bytes for r in runs),
        returncode=0,
    )


def imported_modules(argv: list[str]) -> set[str]:
    """Top-level modules a Python command imports, from ``python -X importtime``.

    Parameters
    ----------
    argv : list of str
        The arguments after ``python -X importtime``, e.g. ``["-m", "reliability", "--help"]``.
    """
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, check=True
    )
    modules = set()
    for line in result.stderr.splitlines():
        # "import time:   self [us] | cumulative | imported package"
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                modules.add(name.split(".")[0])
    return modules


def machine() -> dict[str, str]:
    """What the numbers were measured on: CPU, cores, memory, OS and library versions."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu
            )
    except OSError:
        cpu = platform.processor() or cpu
    memory = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            total_kb = next(int(line.split()[1]) for line in info if line.startswith("MemTotal"))
        memory = f"{total_kb / 1024**2:.1f} GiB"
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    description = {
        "CPU": cpu,
        "cores": f"{os.cpu_count()} ({usable} usable by this process)",
        "memory": memory,
        "OS": platform.platform(),
        "load average at start (1, 5, 15 min)": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "Python": platform.python_version(),
    }
    description["code"] = code_version()
    for package in ("intercoder-reliability", "numpy", "scipy", "pandas", "scikit-learn",
                    "statsmodels", "krippendorff", "irrCAC", "nltk"):
        try:
            description[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            description[package] = "not installed"
    return description


def code_version() -> str:
    """The commit measured, and whether the working tree had uncommitted changes."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True,
                                text=True, check=True).stdout.strip()
        changes = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                                 capture_output=True, text=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {commit}" + (f" with uncommitted changes in {len(changes)} tracked files" if changes else "")


def format_seconds(seconds: float | None) -> str:
    """``0.0123`` → ``12.3 ms``; None → ``—``."""
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def format_bytes(size: int | None) -> str:
    """``157286400`` → ``150 MiB``, ``2048`` → ``2 KiB``; None → ``—``."""
    if size is None:
        return "—"
    if size >= 1024**3:
        return f"{size / 1024**3:.2f} GiB"
    if size < 1024**2:
        return f"{size / 1024:.0f} KiB"
    return f"{size / 1024**2:.0f} MiB"


def format_ratio(ratio: float | None) -> str:
    """``0.4213`` → ``0.42×``; None → ``—``."""
    if ratio is None:
        return "—"
    return f"{ratio:.3f}×" if ratio < 0.1 else f"{ratio:.2f}×"
