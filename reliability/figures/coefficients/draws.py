"""The machinery of the shared bootstrap draw: units grouped by their labels, jobs, and the run.

:mod:`.resampled` (and :mod:`.resampled_scale` for the ordered-scale figures)
say which figures go on which grouping; here a grouping's shared counts are
summed once per chunk of resamples, each figure multiplies them with its
contributions per group, and the intervals are written into their targets
(:class:`Intervals`). ``_run`` takes the codes' patterns
(:class:`.resampled._Patterns`) as it finds them: anything with ``counts`` and
``starts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

import numpy as np

from ..agreement import DrawnIntervals, Interval
from ..figure import Figure
from ..intervals import CHUNK, BootstrapSettings, GroupCounts, percentile_interval, unit_counts
from .core import _Model, _Parts


@dataclass(frozen=True)
class Intervals:
    """The intervals :func:`shared_intervals` found, by the keys of ``Coefficients``.

    A figure undefined on the data has no entry (nor has any figure of a table without units).
    """

    overall: dict[str, Interval] = field(default_factory=dict)
    """fleiss_kappa, krippendorff_alpha, gwet_ac1, brennan_prediger."""
    pairs: list[dict[str, Interval]] = field(default_factory=list)
    """Per pair, in the order given: cohen_kappa, pooled_kappa."""
    codes: list[dict[str, Interval]] = field(default_factory=list)
    """Per code: fleiss_kappa, krippendorff_alpha, gwet_ac1, positive_agreement."""
    code_pairs: list[list[dict[str, Interval]]] = field(default_factory=list)
    """Per code, per pair: cohen_kappa, positive_agreement."""
    observed: DrawnIntervals = field(default_factory=DrawnIntervals)
    """The observed agreement figures, when asked for (``compare_pair``'s and ``compare_all``'s ``drawn``)."""
    scale_overall: dict[str, Interval] = field(default_factory=dict)
    """On an ordered scale (:mod:`.scaled`): krippendorff_alpha at the scale's level, gwet_ac2, conger_kappa."""
    scale_pairs: list[dict[str, Interval]] = field(default_factory=list)
    """On an ordered scale, per pair in the order given: cohen_kappa_linear, cohen_kappa_quadratic."""


def _groupings(labels: np.ndarray, pairs: list[tuple[int, int]]) -> tuple["_Grouping", list["_Grouping"]]:
    """Units grouped for the overall figures and for each pair's, by their set labels (n_units, n_coders).

    The overall figures do not depend on the coders' order: a unit's sorted labels group it.
    """
    return _Grouping.of(np.sort(labels, axis=1)), [_Grouping.of(labels[:, [a, b]]) for a, b in pairs]


@dataclass(frozen=True)
class _Grouping:
    """Units grouped by some of their labels: one label row per group, and each unit's group."""

    labels: np.ndarray
    group_of_unit: np.ndarray

    @classmethod
    def of(cls, rows: np.ndarray) -> "_Grouping":
        """Units grouped by their (n_units, width) integer label rows."""
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        # One opaque key per row: sorting bytes is much faster than np.unique(axis=0).
        keys = rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).ravel()
        _, first, group_of_unit = np.unique(keys, return_index=True, return_inverse=True)
        return cls(rows[first], group_of_unit.ravel())

    def counts(self) -> GroupCounts:
        """The groups' counts in resamples."""
        return GroupCounts(self.group_of_unit, len(self.labels))


@dataclass(frozen=True, eq=False)
class _FewRows:
    """A (d, n_groups) contribution matrix whose groups take few distinct rows: ``rows @ (alike @ counts)``.

    Counting how often each distinct row was drawn reads one entry per group, a
    fraction of the entries of the whole matrix.

    Attributes
    ----------
    rows : scipy sparse array, shape (d, n_distinct)
        The distinct rows, as columns.
    alike : scipy sparse array, shape (n_distinct, n_groups)
        A one at each group's distinct row, in the type of the group counts (float32
        below 2**24 units: exact, and half the memory to read).
    """

    rows: Any
    alike: Any

    def __matmul__(self, group_counts: np.ndarray) -> np.ndarray:
        return np.asarray(self.rows @ np.asarray(self.alike @ group_counts).astype(np.float64))


class _Alike(NamedTuple):
    """A figure on a :class:`_FewRows` matrix: the matrix, and the statistic of its sums."""

    matrix: _FewRows
    statistic: Callable[[np.ndarray], _Parts]


@dataclass(frozen=True)
class _Job:
    """The defined figures of one grouping: where each interval goes, each figure's statistic, and
    which of the distinct contribution matrices it sums (per group, transposed and
    column-compressed: (d, n_groups); Fleiss, AC1 and Brennan–Prediger share one)."""

    grouping: _Grouping
    figures: list[tuple[dict[Any, Interval], Any, int, Callable[[np.ndarray], _Parts]]]
    matrices: list[Any]
    deferred: bool = False
    """Whether the statistics wait for every chunk's sums (one costly pass each, not one per chunk)."""

    @classmethod
    def of(
        cls, grouping: _Grouping, models: list[tuple[dict[Any, Interval], Any, "_Model | _Alike | Figure"]]
    ) -> "_Job":
        from scipy import sparse  # the contributions are sparse already

        n_groups = len(grouping.labels)
        figures, matrices = [], []
        for target, name, model in models:
            if isinstance(model, _Alike):
                matrix = model.matrix
            elif isinstance(model, _Model):
                entries = model.contributions.matrix().tocoo()
                units = model.contributions.units
                groups = entries.row if units is None else np.asarray(units)[entries.row]
                matrix = sparse.csc_array((entries.data, (entries.col, groups)), shape=(entries.shape[1], n_groups))
            else:
                continue
            same = [i for i, other in enumerate(matrices) if _equal(matrix, other)]
            if not same:
                matrices.append(matrix)
            figures.append((target, name, same[0] if same else len(matrices) - 1, model.statistic))
        return cls(grouping, figures, matrices)

    def evaluate(self, group_counts: np.ndarray) -> list[np.ndarray]:
        """Each figure's values for group counts of shape (n_groups, size), as :class:`GroupCounts` gives them."""
        return self.values(self.sums(group_counts))

    def values(self, sums: list[np.ndarray]) -> list[np.ndarray]:
        """Each figure's values from its matrix's sums (:meth:`sums`)."""
        return [_evaluate(statistic, sums[index]) for _, _, index, statistic in self.figures]

    def sums(self, group_counts: np.ndarray) -> list[np.ndarray]:
        """Each matrix's sums for group counts of shape (n_groups, size): shape (size, d) each."""
        wide = None  # the counts in float64, for the contributions stored in float64
        sums = []
        for matrix in self.matrices:
            if isinstance(matrix, _FewRows):
                sums.append((matrix @ group_counts).T)
                continue
            wide = np.asarray(group_counts, dtype=np.float64) if wide is None else wide
            sums.append(np.asarray(matrix @ wide).T)
        return sums


def _equal(a: Any, b: Any) -> bool:
    """Whether two canonical sparse matrices hold the same entries (a :class:`_FewRows` is only itself)."""
    if isinstance(a, _FewRows) or isinstance(b, _FewRows):
        return a is b
    return (
        a.shape == b.shape
        and a.nnz == b.nnz
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


def _run(
    jobs: list[_Job], patterns: Any, code_jobs: list[_Job], n_units: int, settings: BootstrapSettings
) -> None:
    """Every figure's resamples from one shared draw of unit counts per chunk; intervals into their targets.

    The per-code figures (``code_jobs``, on ``patterns``; none without them) are evaluated
    once all patterns are counted (a few hundred groups per code: all resamples at once
    cost less than a call per chunk).
    """
    # Jobs on one grouping (the overall one, listed one after the other) share its counts.
    counter_of = {id(job.grouping): job.grouping.counts() for job in jobs}
    values: list[list[list[np.ndarray]]] = [[[] for _ in job.figures] for job in jobs]
    deferred_sums: list[list[list[np.ndarray]]] = [[[] for _ in job.matrices] for job in jobs]
    pattern_counts = []
    rng = np.random.default_rng(settings.seed)
    # Every figure's resamples are drawn here (the codes' as pattern counts): progress goes with the chunks.
    n_figures = sum(len(job.figures) for job in jobs + code_jobs)
    for start in range(0, settings.n_resamples, CHUNK):
        size = min(CHUNK, settings.n_resamples - start)
        counts = unit_counts(rng, n_units, size)
        counted: tuple[Any, np.ndarray] | None = None  # one grouping's counts at a time: they can be large
        for job, job_values, job_sums in zip(jobs, values, deferred_sums):
            if counted is None or counted[0] is not job.grouping:
                counted = (job.grouping, counter_of[id(job.grouping)](counts))
            if job.deferred:
                for matrix_sums, chunk_sums in zip(job_sums, job.sums(counted[1])):
                    matrix_sums.append(chunk_sums)
                continue
            for figure_values, chunk_values in zip(job_values, job.evaluate(counted[1])):
                figure_values.append(chunk_values)
        if patterns is not None:
            pattern_counts.append(patterns.counts(counts))
        if settings.progress is not None:
            settings.progress(size * n_figures)
    for job, job_values, job_sums in zip(jobs, values, deferred_sums):
        if job.deferred and job_sums and job_sums[0]:
            job_values = [[found] for found in job.values([np.concatenate(chunks) for chunks in job_sums])]
        for (target, name, _, _), figure_values in zip(job.figures, job_values):
            target[name] = percentile_interval(np.concatenate(figure_values), settings.confidence)
    all_patterns = np.concatenate(pattern_counts, axis=1) if pattern_counts else None
    for k, job in enumerate(code_jobs):
        part = all_patterns[patterns.starts[k] : patterns.starts[k + 1]].astype(np.float64)
        for (target, name, _, _), figure_values in zip(job.figures, job.evaluate(part)):
            target[name] = percentile_interval(figure_values, settings.confidence)


def _evaluate(statistic: Callable[[np.ndarray], _Parts], sums: np.ndarray) -> np.ndarray:
    """The statistic's values; NaN (no warning) where a resample holds none of the figure's units."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return statistic(sums).value
