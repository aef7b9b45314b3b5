"""Benchmark ``reliability`` against peer libraries and pandas (DESIGN §6, issue 8).

Usage::

    python benchmarks/run.py                    # full run, writes benchmarks/RESULTS.md
    python benchmarks/run.py --sizes 1k,10k     # fewer sizes
    python benchmarks/run.py --quick --results /tmp/R.md   # smoke run (CI)

Measures, side by side in one run: each coefficient against the fastest peer
library on the same data in the same process; ``reliability compare --format
json`` against ``pandas.read_csv`` on the same long CSV, both as whole processes,
with peak memory; ``reliability --help`` against ``python -c pass``; ``compare
--ci``; and how time and memory grow with units, coders and codes. Prints the
tables and writes them, with the machine's description and every target judged,
to RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import data
from contests import ContestResult, Prepared, contests, run_contest, warm_up
from measure import ProcessRun, Timing, best_process, imported_modules, machine, run_process
from records import Bootstrap, EndToEnd, Phases, Run, Startup
from results import TARGET_UNITS, console, markdown

HERE = Path(__file__).resolve().parent
DEFAULT_RESULTS = HERE / "RESULTS.md"
SUFFIXES = {"k": 1_000, "m": 1_000_000}
GILLARD = HERE.parent / "sample_data" / "gillard" / "coders"
PROFILE_ROWS = 15
WARM_UP_UNITS = 300


def parse_size(text: str) -> int:
    """``"10k"`` → 10000, ``"1M"`` → 1000000, ``"2500"`` → 2500.

    Raises
    ------
    argparse.ArgumentTypeError
        For anything else, so argparse reports it as a usage error.
    """
    cleaned = text.strip().lower().replace("_", "")
    factor = SUFFIXES.get(cleaned[-1:], 1)
    number = cleaned[:-1] if cleaned[-1:] in SUFFIXES else cleaned
    try:
        value = int(float(number) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size; write e.g. 1000, 10k or 1M") from None
    if value < 10:
        raise argparse.ArgumentTypeError(f"'{text}' is too small; give at least 10 units")
    return value


def parse_sizes(text: str) -> list[int]:
    """A comma-separated list of sizes, e.g. ``"1k,10k,100k"``."""
    sizes = [parse_size(part) for part in text.split(",") if part.strip()]
    if not sizes:
        raise argparse.ArgumentTypeError("give at least one size, e.g. 1k,10k")
    return sizes


def parse_counts(text: str) -> list[int]:
    """A comma-separated list of small counts (coders, codes), each at least 2."""
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of whole numbers, e.g. 2,5,10") from None
    if any(c < 2 for c in counts):
        raise argparse.ArgumentTypeError(f"'{text}': every count must be at least 2")
    return counts


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark reliability against peer libraries and pandas (DESIGN §6).",
    )
    parser.add_argument("--sizes", type=parse_sizes, default=None, metavar="LIST",
                        help="units for the coefficients against peers (default 1k,10k,100k,1M)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: smallest size, one repeat, tiny scaling and bootstrap runs")
    parser.add_argument("--results", type=Path, default=None, metavar="FILE",
                        help=f"where to write the Markdown results (default {DEFAULT_RESULTS.relative_to(HERE.parent)}; "
                        "with --quick, nothing is written unless given)")
    parser.add_argument("--e2e-sizes", type=parse_sizes, default=None, metavar="LIST",
                        help="units for the end-to-end runs (default 1k,10k,100k,200k,500k,1M: DESIGN's 200k "
                        "target included; sizes above the tool's table limit are skipped)")
    parser.add_argument("--e2e-max-units", type=parse_size, default=1_000_000, metavar="N",
                        help="skip end-to-end runs above this many units (default 1M)")
    parser.add_argument("--irrcac-python", type=Path, default=None, metavar="PYTHON",
                        help="a Python with irrCAC installed (it pins pandas < 3, so it has its own "
                        "environment): irrCAC's contests run there, ours and irrCAC's in that one process")
    parser.add_argument("--nltk-max-units", type=parse_size, default=10_000, metavar="N",
                        help="run NLTK's MASI alpha only up to this many units (default 10k)")
    parser.add_argument("--ci-sizes", type=parse_sizes, default=None, metavar="LIST",
                        help="units for compare --ci (default 1k,10k,100k)")
    parser.add_argument("--ci-resamples", type=int, default=1000, metavar="N",
                        help="bootstrap resamples whose time is reported (default 1000)")
    parser.add_argument("--ci-probes", type=parse_counts, default=[10, 20], metavar="R1,R2",
                        help="when --ci with all resamples times out: two small resample counts whose times "
                        "give the cost per resample, for an extrapolation (default 10,20)")
    parser.add_argument("--scaling-units", type=parse_size, default=10_000, metavar="N",
                        help="units for the coders/codes scaling runs (default 10k)")
    parser.add_argument("--scaling-coders", type=parse_counts, default=None, metavar="LIST",
                        help="coder counts to scale over (default 2,5,10,20)")
    parser.add_argument("--scaling-codes", type=parse_counts, default=None, metavar="LIST",
                        help="code counts to scale over (default 5,20,50,100)")
    parser.add_argument("--codes-scaling", type=parse_counts, default=None, metavar="LIST",
                        help="code counts of the open-coding scaling runs (default 100,1000,5000)")
    parser.add_argument("--codes-units", type=parse_size, default=5_000, metavar="N",
                        help="units of the open-coding scaling runs, with 2 coders (default 5k: DESIGN's 5,000 × 5,000)")
    parser.add_argument("--no-profile", action="store_true",
                        help="skip the in-process phase timing and cProfile of the target-size compare")
    parser.add_argument("--repeats", type=int, default=3, metavar="N", help="best of N runs (default 3)")
    parser.add_argument("--budget", type=float, default=5.0, metavar="SECONDS",
                        help="no further repeat starts after this many seconds on one measurement (default 5)")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                        help="kill a process that runs longer than this (default 600)")
    parser.add_argument("--workdir", type=Path, default=None, metavar="DIR",
                        help="where to write the generated CSVs (default: a temporary folder, removed afterwards)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data (default 0)")
    args = parser.parse_args(argv)
    if len(args.ci_probes) != 2 or min(args.ci_probes) < 10 or args.ci_probes[0] >= args.ci_probes[1]:
        parser.error("--ci-probes takes two increasing resample counts, each at least 10 (e.g. 10,20)")
    if args.quick:
        args.sizes = args.sizes or [1_000]
        args.repeats = 1
        args.ci_sizes = args.ci_sizes or [min(args.sizes)]
        args.ci_resamples = 100
        args.scaling_units = min(args.scaling_units, 500)
        args.scaling_coders = args.scaling_coders or [2, 3]
        args.scaling_codes = args.scaling_codes or [5, 10]
        args.codes_scaling = args.codes_scaling or [20, 50]
        args.codes_units = min(args.codes_units, 200)
        args.e2e_sizes = args.e2e_sizes or [min(args.sizes)]
    else:
        args.sizes = args.sizes or [1_000, 10_000, 100_000, 1_000_000]
        args.e2e_sizes = args.e2e_sizes or [1_000, 10_000, 100_000, TARGET_UNITS, 500_000, 1_000_000]
        args.ci_sizes = args.ci_sizes or [1_000, 10_000, 100_000]
        args.scaling_coders = args.scaling_coders or [2, 5, 10, 20]
        args.scaling_codes = args.scaling_codes or [5, 20, 50, 100]
        args.codes_scaling = args.codes_scaling or [100, 1_000, 5_000]
        args.results = args.results or DEFAULT_RESULTS
    return args


def table_limit() -> int | None:
    """The most units × coders × codes ``reliability compare`` accepts, if it documents a limit."""
    try:
        from reliability.limits import MAX_TABLE_CELLS
    except ImportError:
        return None
    return MAX_TABLE_CELLS


def progress(started: float, message: str) -> None:
    print(f"[{time.perf_counter() - started:7.1f} s] {message}", file=sys.stderr, flush=True)


def reliability_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m reliability``."""
    script = Path(sys.executable).with_name("reliability")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reliability"]


class Inputs:
    """Long CSVs of generated multi-label data, written once per shape and reused."""

    def __init__(self, folder: Path, seed: int):
        self.folder = folder
        self.seed = seed
        self.files: dict[tuple[int, int, int], tuple[Path, int]] = {}

    def csv(self, units: int, coders: int = 5, codes: int = 20) -> tuple[Path, int]:
        """The CSV of this shape and its number of data rows."""
        key = (units, coders, codes)
        if key not in self.files:
            path = self.folder / f"long_{units}u_{coders}c_{codes}k.csv"
            dataset = data.generate(units, coders, codes, multi_label=True, seed=self.seed)
            self.files[key] = (path, data.write_long_csv(dataset, path))
        return self.files[key]


def read_csv_command(path: Path) -> list[str]:
    return [sys.executable, "-c", "import sys, pandas; pandas.read_csv(sys.argv[1])", str(path)]


def end_to_end(
    inputs: Inputs, units: int, coders: int, codes: int, args, disagreements: bool = False
) -> EndToEnd:
    """pandas.read_csv and reliability compare on the same CSV, as whole processes (and with --disagreements)."""
    path, rows = inputs.csv(units, coders, codes)
    read = read_csv_command(path)
    compare = [*reliability_command(), "compare", str(path), "--format", "json"]
    # Repeats only while a run is short: one 5-minute run is enough to know.
    budget = max(args.budget, 10.0)
    return EndToEnd(
        units=units,
        coders=coders,
        codes=codes,
        rows=rows,
        csv_bytes=path.stat().st_size,
        pandas=best_process(read, args.repeats, args.timeout, budget),
        ours=best_process(compare, args.repeats, args.timeout, budget),
        disagreements=best_process([*compare, "--disagreements"], args.repeats, args.timeout, budget)
        if disagreements
        else None,
    )


def own_environment_contests(python: Path, library: str, args) -> tuple[list[ContestResult], str]:
    """The contests of a peer that lives in another environment, timed there by peer_process.py.

    Returns the results and the peer's version, or no results and why (the process failed or timed out).
    """
    command = [str(python), str(HERE / "peer_process.py"), "--library", library,
               "--sizes", ",".join(str(units) for units in args.sizes), "--seed", str(args.seed),
               "--repeats", str(args.repeats), "--budget", str(args.budget)]
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        return [], f"{library} in {python}: {error}"
    if finished.returncode != 0:
        last_line = (finished.stderr.strip().splitlines() or ["no message"])[-1]
        return [], f"{library} in {python}: exit {finished.returncode}: {last_line}"
    answer = json.loads(finished.stdout)
    versions = answer["versions"]
    environment = f"{library}'s environment: pandas {versions['pandas']}, numpy {versions['numpy']}; both timed there"
    results = [
        ContestResult(
            coefficient=row["coefficient"],
            units=row["units"],
            ours=Timing(**row["ours"]),
            peers={name: None if timing is None else Timing(**timing) for name, timing in row["peers"].items()},
            skipped=row["skipped"],
            note=row["note"],
            environment=environment,
        )
        for row in answer["results"]
    ]
    return results, versions[library]


def measure_startup(args) -> Startup:
    cli = reliability_command()
    return Startup(
        python_pass=best_process([sys.executable, "-c", "pass"], max(args.repeats, 5), args.timeout, args.budget),
        help=best_process([*cli, "--help"], max(args.repeats, 5), args.timeout, args.budget),
        compare_help=best_process([*cli, "compare", "--help"], max(args.repeats, 5), args.timeout, args.budget),
        imported_at_help=frozenset(imported_modules(["-m", "reliability", "--help"])),
        import_pandas=best_process([sys.executable, "-c", "import pandas"], max(args.repeats, 5), args.timeout, args.budget),
        small_compare=best_process([*cli, "compare", str(GILLARD)], max(args.repeats, 5), args.timeout, args.budget),
    )


def measure_bootstrap(inputs: Inputs, units: int, args, known: ProcessRun | None) -> Bootstrap:
    """compare --ci with every resample; if that times out, two short runs to extrapolate from."""
    path, rows = inputs.csv(units)
    compare = [*reliability_command(), "compare", str(path), "--format", "json"]
    without = known if known is not None and known.ok else best_process(compare, 1, args.timeout, args.budget)
    direct = run_process([*compare, "--ci", "--bootstrap", str(args.ci_resamples)], args.timeout)
    probes: tuple = ()
    if direct.timed_out:
        probes = tuple(
            (resamples, run_process([*compare, "--ci", "--bootstrap", str(resamples)], args.timeout))
            for resamples in args.ci_probes
        )
    pandas = best_process(read_csv_command(path), args.repeats, args.timeout, args.budget)
    return Bootstrap(units, rows, args.ci_resamples, without, direct, probes, pandas)


def measure_phases(inputs: Inputs, units: int, profile: bool) -> Phases:
    """Time read, compute and render through the library, then the whole command in process.

    The command runs through click's ``main`` in this process (its warnings
    captured), once timed and once under cProfile.
    """
    from reliability.cli import main as command_line
    from reliability.readers import load
    from reliability.render import render
    from reliability.report import compare

    path, _ = inputs.csv(units)
    command = ["compare", str(path), "--format", "json", "-o", str(inputs.folder / "report.json")]

    def whole_command() -> None:
        with contextlib.redirect_stderr(io.StringIO()):
            command_line.main(command, standalone_mode=False)

    start = time.perf_counter()
    codings = load([path])
    loaded = time.perf_counter()
    report = compare(codings, sections=())  # as the command computes it: the summary, no section
    computed = time.perf_counter()
    render(report, "json")
    rendered = time.perf_counter()
    del codings, report
    whole_command()
    commanded = time.perf_counter()
    own: tuple = ()
    cumulative: tuple = ()
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(whole_command)
        own, cumulative = profile_rows(pstats.Stats(profiler))
    return Phases(units, loaded - start, computed - loaded, rendered - computed, commanded - rendered, own, cumulative)


def profile_rows(stats: pstats.Stats) -> tuple[tuple, tuple]:
    """Hottest functions by own time (any module) and reliability's by cumulative time."""
    entries = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():
        entries.append((_function_name(filename, line, function), own, cumulative, calls, filename))
    by_own = sorted(entries, key=lambda e: -e[1])[:PROFILE_ROWS]
    ours = [e for e in entries if f"{os.sep}reliability{os.sep}" in e[4] and "benchmarks" not in e[4]]
    by_cumulative = sorted(ours, key=lambda e: -e[2])[:PROFILE_ROWS]
    return tuple(e[:4] for e in by_own), tuple(e[:4] for e in by_cumulative)


def _function_name(filename: str, line: int, function: str) -> str:
    if filename == "~":  # a built-in, e.g. "<method 'argsort' of 'numpy.ndarray' objects>"
        return function
    parts = Path(filename).parts
    for anchor in ("reliability", "site-packages"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            start = index if anchor == "reliability" else index + 1
            return f"{'/'.join(parts[start:])}:{line}({function})"
    return f"{Path(filename).name}:{line}({function})"


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    started = time.perf_counter()
    # Peers (irrCAC, statsmodels) warn about pandas deprecations; the tables are the output.
    warnings.simplefilter("ignore")
    command = "python benchmarks/run.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    run = Run(command=command.strip(), machine=machine())
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="reliability-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    inputs = Inputs(folder, args.seed)
    try:
        all_contests = contests(args.nltk_max_units)
        progress(started, "warming up every library")
        warm_up(all_contests, data.generate(WARM_UP_UNITS, multi_label=False, seed=args.seed),
                data.generate(WARM_UP_UNITS, seed=args.seed))
        for units in args.sizes:
            progress(started, f"coefficients against peers at {units:,} units")
            prepared = {False: Prepared(data.generate(units, multi_label=False, seed=args.seed)),
                        True: Prepared(data.generate(units, seed=args.seed))}
            for contest in all_contests:
                run.contests.append(run_contest(contest, prepared[contest.multi_label], units, args.repeats, args.budget))
            del prepared
        if args.irrcac_python is not None:
            progress(started, f"irrCAC's contests in its own environment ({args.irrcac_python})")
            found, version_or_failure = own_environment_contests(args.irrcac_python, "irrCAC", args)
            run.contests.extend(found)
            if found:
                run.machine["irrCAC"] = f"{version_or_failure} (own environment: {args.irrcac_python})"
            else:
                run.skipped.append(version_or_failure)

        progress(started, "start-up: reliability --help vs python -c pass")
        run.startup = measure_startup(args)

        limit = table_limit()
        for units in sorted(set(args.e2e_sizes)):
            if units > args.e2e_max_units:
                run.skipped.append(f"end to end at {units:,} units (above --e2e-max-units {args.e2e_max_units:,})")
                continue
            if limit is not None and units * 5 * 20 > limit:
                run.skipped.append(
                    f"end to end at {units:,} units: {units * 100:,} units × coders × codes is more than the "
                    f"{limit:,} the tool accepts (reliability.limits.MAX_TABLE_CELLS)"
                )
                continue
            progress(started, f"end to end at {units:,} units")
            run.end_to_end.append(end_to_end(inputs, units, 5, 20, args, disagreements=units == TARGET_UNITS))

        for units in args.ci_sizes:
            progress(started, f"compare --ci at {units:,} units")
            known = next((e.ours for e in run.end_to_end if e.units == units), None)
            run.bootstrap.append(measure_bootstrap(inputs, units, args, known))

        shapes = [(c, 20) for c in args.scaling_coders] + [(5, k) for k in args.scaling_codes if k != 20]
        for coders, codes in shapes:
            progress(started, f"scaling: {args.scaling_units:,} units × {coders} coders × {codes} codes")
            run.scaling.append(end_to_end(inputs, args.scaling_units, coders, codes, args))

        for codes in args.codes_scaling:
            progress(started, f"open coding: {args.codes_units:,} units × 2 coders × {codes:,} codes")
            run.codes_scaling.append(end_to_end(inputs, args.codes_units, 2, codes, args))

        if not args.no_profile:
            units = TARGET_UNITS if TARGET_UNITS in args.e2e_sizes else min(args.e2e_sizes)
            progress(started, f"phases and profile of a compare of {units:,} units")
            run.phases = measure_phases(inputs, units, profile=True)
            run.phases_process = next((e.ours for e in run.end_to_end if e.units == units), None)
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    run.total_seconds = time.perf_counter() - started
    print(console(run))
    if args.results is not None:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(markdown(run), encoding="utf-8")
        progress(started, f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
