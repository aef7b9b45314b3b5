"""The DESIGN §6 targets judged on a benchmark run (:mod:`records`), and RESULTS.md."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tabulate import tabulate

from contests import VALUE_TOLERANCE, ContestResult
from measure import ProcessRun, format_bytes, format_ratio, format_seconds
from records import Bootstrap, EndToEnd, Run, Startup

GIB = 1024**3

HEAVY_MODULES = ("pandas", "sklearn", "scipy", "numpy")
"""Modules whose import `reliability --help` must avoid (DESIGN §6 names pandas and scikit-learn)."""

FORBIDDEN_AT_HELP = ("pandas", "scipy", "sklearn")

CI_TARGET_RATIO = 20.0
"""``--ci`` with 1,000 resamples on 100,000 units: at most this many times read_csv of the same file."""
CI_TARGET_UNITS = 100_000
CI_TARGET_RESAMPLES = 1000
TARGET_UNITS = 200_000
E2E_TARGET_RATIO = 3.0
"""Default ``compare --format json`` of 200,000 units × 5 coders × 20 codes, against read_csv."""
DISAGREEMENTS_TARGET_RATIO = 6.0
"""The same with ``--disagreements``."""
E2E_TARGET_MEMORY = GIB
CODES_TARGET_UNITS = 5_000
CODES_TARGET_CODES = 5_000
CODES_TARGET_RATIO = 10.0
"""5,000 units × 5,000 codes (two coders: five would pass the tool's table limit) against read_csv."""
STARTUP_TARGET_RATIO = 1.5
"""A compare of the Gillard sample against ``python -c "import pandas"``."""
MASI_TARGET_RATIO = 0.01
LINEAR_EXPONENT = 1.2
"""Growth exponent of time in units (between the two largest sizes) still called linear."""


# --------------------------------------------------------------------------- tables


def contest_table(run: Run) -> list[list[str]]:
    rows = []
    for result in run.contests:
        fastest = result.fastest_peer()
        peer_cells = "; ".join(
            f"{name} {format_seconds(t.seconds)}" if t is not None else f"{name}: {result.skipped[name]}"
            for name, t in result.peers.items()
        ) + (f" (in {result.environment})" if result.environment else "")
        gap = result.value_gap
        rows.append(
            [
                result.coefficient,
                f"{result.units:,}",
                format_seconds(result.ours.seconds),
                peer_cells,
                fastest[0] if fastest else "—",
                format_ratio(result.ratio),
                "—" if gap is None else (f"{gap:.1e}" + ("" if gap <= VALUE_TOLERANCE else " MISMATCH")),
            ]
        )
    return rows


CONTEST_HEADERS = ["coefficient", "units", "reliability", "peers", "fastest peer", "ours / fastest", "|Δ value|"]


def end_to_end_table(entries: list[EndToEnd]) -> list[list[str]]:
    rows = []
    for e in entries:
        rows.append(
            [
                f"{e.units:,}",
                f"{e.coders}",
                f"{e.codes}",
                f"{e.rows:,}",
                format_bytes(e.csv_bytes),
                _process_time(e.pandas),
                format_bytes(e.pandas.peak_bytes),
                _process_time(e.ours),
                format_bytes(e.ours.peak_bytes),
                format_ratio(e.ratio),
                "—" if e.disagreements is None else _process_time(e.disagreements),
                "—" if e.disagreements is None else format_ratio(e.disagreements_ratio),
            ]
        )
    return rows


END_TO_END_HEADERS = [
    "units", "coders", "codes", "long rows", "CSV", "pandas.read_csv", "peak RSS",
    "reliability compare", "peak RSS", "ours / pandas", "with --disagreements", "ours / pandas",
]


def units_scaling_table(entries: list[EndToEnd]) -> list[list[str]]:
    """Time and memory per unit as units grow, with the growth exponent between sizes."""
    rows = []
    previous = None
    for e in sorted(entries, key=lambda e: e.units):
        exponent = growth_exponent(previous, e) if previous else None
        rows.append(
            [
                f"{e.units:,}",
                _process_time(e.ours),
                "—" if not e.ours.ok else f"{e.ours.seconds / e.units * 1e6:.1f} µs",
                format_bytes(e.ours.peak_bytes),
                "—" if exponent is None else f"{exponent:.2f}",
            ]
        )
        previous = e
    return rows


UNITS_SCALING_HEADERS = ["units", "compare", "per unit", "peak RSS", "growth exponent vs previous size"]


def growth_exponent(smaller: EndToEnd, larger: EndToEnd) -> float | None:
    """``log(t2 / t1) / log(n2 / n1)``: 1 is linear in units, 2 quadratic."""
    if not (smaller.ours.ok and larger.ours.ok) or larger.units <= smaller.units:
        return None
    return math.log(larger.ours.seconds / smaller.ours.seconds) / math.log(larger.units / smaller.units)


def shape_scaling_table(entries: list[EndToEnd]) -> list[list[str]]:
    return [
        [
            f"{e.units:,}",
            f"{e.coders}",
            f"{e.codes}",
            f"{e.rows:,}",
            _process_time(e.ours),
            format_bytes(e.ours.peak_bytes),
            format_ratio(e.ratio),
        ]
        for e in entries
    ]


SHAPE_SCALING_HEADERS = ["units", "coders", "codes", "long rows", "compare", "peak RSS", "ours / pandas"]


def bootstrap_table(entries: list[Bootstrap]) -> list[list[str]]:
    rows = []
    for b in entries:
        bootstrap_cost = (
            b.seconds - b.without_ci.seconds if b.seconds is not None and b.without_ci.ok else None
        )
        probes = "; ".join(f"{_process_time(run)} with {resamples}" for resamples, run in b.probes)
        rows.append(
            [
                f"{b.units:,}",
                f"{b.target_resamples:,}",
                "—" if b.pandas is None else _process_time(b.pandas),
                _process_time(b.without_ci),
                _process_time(b.direct),
                format_seconds(bootstrap_cost),
                format_bytes(b.direct.peak_bytes),
                format_ratio(b.ratio),
                f"{format_seconds(b.extrapolated_seconds)} from {probes}" if probes else "—",
            ]
        )
    return rows


BOOTSTRAP_HEADERS = [
    "units", "resamples", "pandas.read_csv", "compare", "compare --ci", "added by --ci", "peak RSS",
    "--ci / pandas", "extrapolated",
]


def startup_table(startup: Startup) -> list[list[str]]:
    base = startup.python_pass.seconds
    rows = []
    pandas = startup.import_pandas
    for label, run in (
        ("python -c pass", startup.python_pass),
        ('python -c "import pandas"', startup.import_pandas),
        ("reliability --help", startup.help),
        ("reliability compare --help", startup.compare_help),
        ("reliability compare sample_data/gillard/coders", startup.small_compare),
    ):
        if run is None:
            continue
        ratio = None if not (run.ok and base) else run.seconds / base
        to_pandas = None if not (run.ok and pandas is not None and pandas.ok) else run.seconds / pandas.seconds
        rows.append([label, _process_time(run), format_bytes(run.peak_bytes), format_ratio(ratio), format_ratio(to_pandas)])
    return rows


STARTUP_HEADERS = ["command", "wall time", "peak RSS", "vs python -c pass", "vs import pandas"]


def _process_time(run: ProcessRun) -> str:
    if run.timed_out:
        return "timed out"
    if run.returncode != 0:
        return f"failed (exit {run.returncode}: {run.error[:80]})" if run.error else f"failed (exit {run.returncode})"
    return format_seconds(run.seconds)


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    met: bool | None
    """None when the run did not measure it."""
    gap: str


def _ratio_verdict(goal: str, measured: str, ratio: float | None, limit: float) -> Verdict:
    """A target of the form "at most ``limit`` × a baseline measured in the same run"."""
    if ratio is None:
        return Verdict(goal, measured or "not measured", None, "")
    gap = "" if ratio <= limit else f"{ratio / limit:.1f}× over the target"
    return Verdict(goal, measured, ratio <= limit, gap)


def verdicts(run: Run) -> list[Verdict]:
    """Every DESIGN §6 target, judged on this run; each ratio is measured side by side in it."""
    found: list[Verdict] = []
    if run.startup is None:
        found.append(Verdict("`--help` imports neither pandas, scipy nor scikit-learn", "not measured", None, ""))
        found.append(Verdict("Gillard compare ≤ 1.5 × `import pandas`", "not measured", None, ""))
    else:
        heavy = sorted(m for m in HEAVY_MODULES if m in run.startup.imported_at_help)
        bad = [m for m in FORBIDDEN_AT_HELP if m in run.startup.imported_at_help]
        found.append(
            Verdict(
                "`--help` imports neither pandas, scipy nor scikit-learn",
                f"heavy modules imported: {', '.join(heavy) or 'none'}; "
                f"{format_seconds(run.startup.help.seconds)} vs {format_seconds(run.startup.python_pass.seconds)} "
                "for `python -c pass`",
                not bad,
                f"imports {', '.join(bad)}" if bad else "",
            )
        )
        small, pandas = run.startup.small_compare, run.startup.import_pandas
        found.append(
            _ratio_verdict(
                f"Gillard compare ≤ {STARTUP_TARGET_RATIO} × `import pandas`",
                "" if small is None or pandas is None
                else f"{_process_time(small)} vs {_process_time(pandas)}: {format_ratio(run.startup.small_ratio)}",
                run.startup.small_ratio,
                STARTUP_TARGET_RATIO,
            )
        )
    target = next((e for e in run.end_to_end if e.units == TARGET_UNITS), None)
    label = f"`compare --format json` of {TARGET_UNITS:,} units × 5 coders × 20 codes"
    if target is None:
        found.append(Verdict(f"{label} ≤ {E2E_TARGET_RATIO:.0f} × read_csv", "not measured", None, ""))
        found.append(Verdict(f"{label} --disagreements ≤ {DISAGREEMENTS_TARGET_RATIO:.0f} × read_csv", "not measured", None, ""))
        found.append(Verdict(f"{label}: peak memory < 1 GiB", "not measured", None, ""))
    else:
        found.append(
            _ratio_verdict(
                f"{label} ≤ {E2E_TARGET_RATIO:.0f} × read_csv",
                f"{_process_time(target.ours)} vs {_process_time(target.pandas)} "
                f"({target.rows:,} rows): {format_ratio(target.ratio)}",
                target.ratio,
                E2E_TARGET_RATIO,
            )
        )
        found.append(
            _ratio_verdict(
                f"{label} --disagreements ≤ {DISAGREEMENTS_TARGET_RATIO:.0f} × read_csv",
                "" if target.disagreements is None
                else f"{_process_time(target.disagreements)}: {format_ratio(target.disagreements_ratio)}",
                target.disagreements_ratio,
                DISAGREEMENTS_TARGET_RATIO,
            )
        )
        peaks = [r.peak_bytes for r in (target.ours, target.disagreements) if r is not None and r.peak_bytes]
        peak = max(peaks) if peaks else None
        found.append(
            Verdict(
                f"{label}: peak memory < 1 GiB (with or without --disagreements)",
                format_bytes(peak),
                None if peak is None else peak < E2E_TARGET_MEMORY,
                "" if peak is None or peak < E2E_TARGET_MEMORY else f"{format_bytes(peak - E2E_TARGET_MEMORY)} over",
            )
        )
    codes = next(
        (e for e in run.codes_scaling if e.units == CODES_TARGET_UNITS and e.codes == CODES_TARGET_CODES), None
    )
    goal = f"{CODES_TARGET_UNITS:,} units × {CODES_TARGET_CODES:,} codes ≤ {CODES_TARGET_RATIO:.0f} × read_csv"
    found.append(
        _ratio_verdict(
            goal,
            "" if codes is None
            else f"{codes.coders} coders: {_process_time(codes.ours)} vs {_process_time(codes.pandas)}: "
            f"{format_ratio(codes.ratio)}",
            None if codes is None else codes.ratio,
            CODES_TARGET_RATIO,
        )
    )
    ci = next((b for b in run.bootstrap if b.units == CI_TARGET_UNITS and b.target_resamples == CI_TARGET_RESAMPLES), None)
    goal = f"`--ci` with 1,000 resamples on {CI_TARGET_UNITS:,} units ≤ {CI_TARGET_RATIO:.0f} × read_csv"
    found.append(
        _ratio_verdict(
            goal,
            "" if ci is None or ci.seconds is None
            else format_seconds(ci.seconds)
            + (" (extrapolated from runs with " + " and ".join(str(r) for r, _ in ci.probes) + " resamples)"
               if ci.extrapolated else "")
            + f" vs {'—' if ci.pandas is None else _process_time(ci.pandas)}: {format_ratio(ci.ratio)}",
            None if ci is None else ci.ratio,
            CI_TARGET_RATIO,
        )
    )
    by_coefficient: dict[str, list[ContestResult]] = {}
    for result in run.contests:
        by_coefficient.setdefault(result.coefficient, []).append(result)
    for coefficient, results in by_coefficient.items():
        timed = [r for r in results if r.ratio is not None]
        masi = coefficient == "MASI alpha"
        limit = MASI_TARGET_RATIO if masi else 1.0
        goal = f"{coefficient} ≥ 100× faster than NLTK" if masi else f"{coefficient} at least as fast as the fastest peer"
        if not timed:
            found.append(Verdict(goal, "not measured", None, ""))
            continue
        measured = ", ".join(f"{r.units:,}: {format_ratio(r.ratio)}" for r in timed)
        misses = [r for r in timed if r.ratio > limit]
        gap = ""
        if misses:
            worst = max(misses, key=lambda r: r.ratio)
            if masi:
                gap = f"only {1 / worst.ratio:.0f}× faster at {worst.units:,} units"
            else:
                gap = f"{worst.ratio:.1f}× slower than {worst.fastest_peer()[0]} at {worst.units:,} units"
                gap += f"; slower at {len(misses)} of {len(timed)} sizes" if len(misses) > 1 else ""
        found.append(Verdict(goal, f"ours / fastest peer by units: {measured}", not misses, gap))
    sizes = sorted((e for e in run.end_to_end if e.ours.ok), key=lambda e: e.units)
    if len(sizes) >= 2:
        exponent = growth_exponent(sizes[-2], sizes[-1])
        found.append(
            Verdict(
                "time linear in units",
                f"growth exponent {exponent:.2f} from {sizes[-2].units:,} to {sizes[-1].units:,} units",
                exponent <= LINEAR_EXPONENT,
                "" if exponent <= LINEAR_EXPONENT else f"grows as units^{exponent:.2f}",
            )
        )
    shapes = sorted((e for e in run.codes_scaling if e.ours.ok), key=lambda e: e.codes)
    if len(shapes) >= 2:
        small, large = shapes[-2], shapes[-1]
        exponent = math.log(large.ours.seconds / small.ours.seconds) / math.log(large.codes / small.codes)
        found.append(
            Verdict(
                "time about linear in codes (never codes² per unit)",
                f"growth exponent {exponent:.2f} from {small.codes:,} to {large.codes:,} codes",
                exponent <= LINEAR_EXPONENT,
                "" if exponent <= LINEAR_EXPONENT else f"grows as codes^{exponent:.2f}",
            )
        )
    return found


def verdict_table(found: list[Verdict]) -> list[list[str]]:
    status = {True: "met", False: "**not met**", None: "not measured"}
    return [[v.target, v.measured, status[v.met], v.gap] for v in found]


VERDICT_HEADERS = ["target", "measured", "status", "gap"]


# --------------------------------------------------------------------------- output


def table(rows: list[list[str]], headers: list[str], markdown: bool) -> str:
    return tabulate(rows, headers=headers, tablefmt="github" if markdown else "simple", disable_numparse=True)


def sections(run: Run, markdown: bool) -> list[tuple[str, str]]:
    """(title, table) for every part the run measured."""
    parts = [("Targets (DESIGN §6)", table(verdict_table(verdicts(run)), VERDICT_HEADERS, markdown))]
    if run.contests:
        parts.append(("Coefficients against peer libraries (in process, best of N)",
                      table(contest_table(run), CONTEST_HEADERS, markdown)))
    if run.end_to_end:
        parts.append(("End to end: `reliability compare --format json` vs `pandas.read_csv` (whole processes)",
                      table(end_to_end_table(run.end_to_end), END_TO_END_HEADERS, markdown)))
        parts.append(("Scaling with units", table(units_scaling_table(run.end_to_end), UNITS_SCALING_HEADERS, markdown)))
    if run.scaling:
        parts.append(("Scaling with coders and codes", table(shape_scaling_table(run.scaling), SHAPE_SCALING_HEADERS, markdown)))
    if run.codes_scaling:
        parts.append(("Scaling with codes (open coding)",
                      table(shape_scaling_table(run.codes_scaling), SHAPE_SCALING_HEADERS, markdown)))
    if run.bootstrap:
        parts.append(("Bootstrap intervals: `compare --ci`", table(bootstrap_table(run.bootstrap), BOOTSTRAP_HEADERS, markdown)))
    if run.startup is not None:
        parts.append(("Start-up", table(startup_table(run.startup), STARTUP_HEADERS, markdown)))
    if run.phases is not None:
        p = run.phases
        rows = [
            ["read: `readers.load`", format_seconds(p.load)],
            ["compute: `report.compare`", format_seconds(p.compute)],
            ["render: `render(report, 'json')`", format_seconds(p.render)],
            ["the whole `compare --format json` command, in process", format_seconds(p.command)],
        ]
        process = run.phases_process
        if process is not None and process.ok:
            rows.append(["the same command as a fresh process (end-to-end table)", format_seconds(process.seconds)])
        parts.append((f"Phases of a compare of {p.units:,} units", table(rows, ["phase", "time"], markdown)))
        for title, entries in (
            ("Where the time of that command goes: functions by own time (cProfile)", p.by_own_time),
            ("Where the time of that command goes: reliability's functions by cumulative time (cProfile)",
             p.by_cumulative_time),
        ):
            if entries:
                profile_rows = [[f"`{name}`", format_seconds(own), format_seconds(cumulative), f"{calls:,}"]
                                for name, own, cumulative, calls in entries]
                parts.append((title, table(profile_rows, ["function", "own time", "cumulative", "calls"], markdown)))
    return parts


def console(run: Run) -> str:
    """The run as plain-text tables for the terminal."""
    out = []
    for title, body in sections(run, markdown=False):
        out.append(f"{title}\n{'=' * len(title)}\n{body}\n")
    if run.skipped:
        out.append("Left out:\n" + "\n".join(f"  - {s}" for s in run.skipped) + "\n")
    return "\n".join(out)


NOTES = """\
* Data: `benchmarks/data.py`, seeded. Single-label data for the nominal
  coefficients (each coder gives the unit's true code with probability 0.75,
  else a code drawn from Zipf-like prevalences), multi-label data for MASI alpha
  and the end-to-end runs (about 1.5 codes per coded cell, 18 % of coded cells
  with no code); 10 % of (unit, coder) cells missing; 5 coders, 20 codes unless
  stated.
* In-process timings are the best of up to N runs after a warm-up run on small
  data (so lazy imports are not timed); each library gets its input in the form
  its API takes, prepared before the clock starts. `reliability`'s functions
  also compute an analytic standard error where one exists; scikit-learn,
  statsmodels and krippendorff do not.
* Fleiss' kappa is compared on complete units only (statsmodels takes no
  missing ratings); Cohen's kappa on coders 1 and 2 over the units both coded.
* irrCAC is timed constructing `CAC(frame)` and calling the method; it rounds its
  values to 5 decimals, hence |Δ value| up to 5e-6.
* NLTK's `masi_distance` divides by zero for two empty sets; empty sets are given
  to it as one pseudo-code, which leaves every distance as DESIGN §3 defines it.
  NLTK is run only up to the size it finishes in seconds.
* End to end: both commands are whole processes (interpreter start and imports
  included), output discarded; peak RSS is GNU time's `%M` for the command.
  `reliability compare` reads the CSV, builds the table, computes every figure
  (pairs, overall, per code) and the disagreement summary, and renders JSON;
  with `--disagreements` it also lists every disagreeing unit and computes the
  confusions, bias and gaps. Every ratio in the targets table divides two
  processes measured one after the other in this run, on the same file.
* Open coding: 2 coders, because 5,000 units × 5 coders × 5,000 codes is more
  than the 50 million cells the tool accepts in one comparison
  (`reliability.limits.MAX_TABLE_CELLS`); the generator draws codes with
  Zipf-like prevalences, so fewer than 5,000 distinct codes occur.
* Phases and profile: the library calls timed one by one, then the whole
  command run through click in the benchmark's own process, once timed and once
  under cProfile. cProfile charges a cost to every Python call, so code that
  makes millions of them (the pure-Python JSON encoder) looks up to twice as slow
  there as it is; the ranking is what the profile is for.
* `compare --ci` is run with all 1,000 resamples. Only if that run times out is
  the time extrapolated, linearly from two runs with few resamples (every
  resample costs the same: their difference is the cost of the extra ones).
"""


def markdown(run: Run) -> str:
    """RESULTS.md."""
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `{run.command}` in {format_seconds(run.total_seconds)}. "
        "Regenerate with the same command; see `benchmarks/README.md`.",
        "",
        "## Machine",
        "",
        table([[k, v] for k, v in run.machine.items()], ["", ""], markdown=True),
        "",
    ]
    for title, body in sections(run, markdown=True):
        lines += [f"## {title}", "", body, ""]
    if run.skipped:
        lines += ["## Left out of this run", ""] + [f"* {s}" for s in run.skipped] + [""]
    lines += ["## How these were measured", "", NOTES]
    return "\n".join(lines)
