"""What a benchmark run measured: whole processes, in-process phases, and the run that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field

from contests import ContestResult
from measure import ProcessRun


@dataclass(frozen=True)
class EndToEnd:
    """``reliability compare --format json`` and ``pandas.read_csv`` on one long CSV, as processes."""

    units: int
    coders: int
    codes: int
    rows: int
    csv_bytes: int
    pandas: ProcessRun
    ours: ProcessRun
    disagreements: ProcessRun | None = None
    """``compare --format json --disagreements`` on the same file, when measured."""

    @property
    def ratio(self) -> float | None:
        if not (self.ours.ok and self.pandas.ok):
            return None
        return self.ours.seconds / self.pandas.seconds

    @property
    def disagreements_ratio(self) -> float | None:
        if self.disagreements is None or not (self.disagreements.ok and self.pandas.ok):
            return None
        return self.disagreements.seconds / self.pandas.seconds


@dataclass(frozen=True)
class Startup:
    """Start-up of the command line against a bare interpreter."""

    python_pass: ProcessRun
    help: ProcessRun
    compare_help: ProcessRun
    imported_at_help: frozenset[str]
    import_pandas: ProcessRun | None = None
    """``python -c "import pandas"``."""
    small_compare: ProcessRun | None = None
    """``reliability compare`` of the Gillard sample (50 sections, 3 coders)."""

    @property
    def small_ratio(self) -> float | None:
        if self.import_pandas is None or self.small_compare is None:
            return None
        if not (self.import_pandas.ok and self.small_compare.ok):
            return None
        return self.small_compare.seconds / self.import_pandas.seconds


@dataclass(frozen=True)
class Bootstrap:
    """``compare --ci`` with the target number of resamples on one input.

    When that run times out, two short runs (``probes``, few resamples each) give
    the cost of one more resample, and the time for ``target_resamples`` is
    extrapolated linearly from them: every resample costs the same (draw
    weights, multiply, evaluate the statistics).
    """

    units: int
    rows: int
    target_resamples: int
    without_ci: ProcessRun
    direct: ProcessRun
    probes: tuple[tuple[int, ProcessRun], ...] = ()
    pandas: ProcessRun | None = None
    """``pandas.read_csv`` of the same file, measured in the same run."""

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or self.pandas is None or not self.pandas.ok:
            return None
        return self.seconds / self.pandas.seconds

    @property
    def extrapolated_seconds(self) -> float | None:
        if len(self.probes) != 2:
            return None
        (fewer, first), (more, second) = self.probes
        if not (first.ok and second.ok):
            return None
        per_resample = max(second.seconds - first.seconds, 0.0) / (more - fewer)
        return first.seconds + per_resample * (self.target_resamples - fewer)

    @property
    def extrapolated(self) -> bool:
        return not self.direct.ok and self.extrapolated_seconds is not None

    @property
    def seconds(self) -> float | None:
        """Time of ``--ci`` with the target number of resamples: measured, else extrapolated."""
        return self.direct.seconds if self.direct.ok else self.extrapolated_seconds


@dataclass(frozen=True)
class Phases:
    """In-process time of each phase of a compare, and optionally where it goes."""

    units: int
    load: float
    compute: float
    render: float
    command: float
    """The whole ``compare --format json`` command, run in process."""
    by_own_time: tuple[tuple[str, float, float, int], ...] = ()
    """(function, own seconds, cumulative seconds, calls), hottest first, any module."""
    by_cumulative_time: tuple[tuple[str, float, float, int], ...] = ()
    """The same for functions of the reliability package, by cumulative time."""


@dataclass
class Run:
    """Everything one benchmark run measured."""

    command: str
    machine: dict[str, str]
    contests: list[ContestResult] = field(default_factory=list)
    end_to_end: list[EndToEnd] = field(default_factory=list)
    startup: Startup | None = None
    bootstrap: list[Bootstrap] = field(default_factory=list)
    scaling: list[EndToEnd] = field(default_factory=list)
    codes_scaling: list[EndToEnd] = field(default_factory=list)
    """Many codes (open coding): the same units and coders, 100 to 5,000 codes."""
    phases: Phases | None = None
    phases_process: ProcessRun | None = None
    """The end-to-end run of the same size, to show start-up and exit next to the phases."""
    skipped: list[str] = field(default_factory=list)
    """Parts of the run that were left out, and why."""
    total_seconds: float = 0.0
