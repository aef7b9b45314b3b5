"""Bootstrap intervals of every chance-corrected figure of a coding, from one shared draw.

A resample draws the table's units with replacement, and every figure is
computed on its own units among them (a pair's units both coders coded, alpha's
units with two ratings...), so how many of those a resample holds varies as it
would in a new sample of units. All figures see the same resamples: one draw of
unit counts per chunk of resamples (:func:`~reliability.figures.intervals.unit_counts`).

What makes that cheap is that a figure's contribution from a unit depends on
a few of the unit's labels only: the code sets of all coders, up to their order,
for the set-as-one-label figures; a pair's two code sets for its Cohen's and
pooled kappa; for a code's presence/absence figures, the unit's *pattern* (which
coders coded it, which of them applied the code; at most 3 ** coders). Units
are grouped by those labels, the shared counts are summed by group once per
grouping (:class:`~reliability.figures.intervals.GroupCounts`), and each figure
multiplies the group counts with its contributions built on one label row per
group. Figures of one grouping (Fleiss, AC1, Brennan–Prediger and alpha; a
pair's two kappas; a code's fourteen figures) share its counts.

Used by :func:`~reliability.figures.coefficients.views.chance_corrected` when
units are resampled one by one; a clustered bootstrap (documents of units of
text) takes each figure's own draw (:func:`~reliability.figures.intervals.resampled_sums`).
The same seed gives the same intervals, run to run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from ...codings.model import Codings
from ..figure import Figure
from ..intervals import CHUNK, EXACT_IN_FLOAT32, BootstrapSettings, GroupCounts, percentile_interval, unit_counts
from .alpha import _nominal_alpha_model
from .core import _Model, _Parts
from .gwet import _ac1_chance_weights, _fleiss_chance_weights, _gwet_model, _uniform_chance_weights
from .kappa import _cohen_model, _pooled_model
from .positive import _positive_model

Interval = tuple[float, float] | None
"""A percentile interval, or None when the figure is undefined in most resamples."""

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


def can_share(codings: Codings) -> bool:
    """Whether every code's patterns can be numbered in 64 bits (about 35 coders or fewer);
    with more coders, figures take their own draws."""
    return 3**codings.n_coders * max(codings.n_codes, 1) < 2**62


def shared_intervals(
    codings: Codings, pairs: list[tuple[int, int]], settings: BootstrapSettings, labels: np.ndarray | None = None
) -> Intervals:
    """Percentile intervals of the set-as-one-label, pair and per-code figures of ``chance_corrected``.

    Parameters
    ----------
    codings : Codings
    pairs : list of (int, int)
        Coder index pairs, as for ``chance_corrected``.
    settings : BootstrapSettings
        Without ``clusters``; ``progress`` is told the resamples of each figure as they are evaluated.
    labels : ndarray of int, shape (n_units, n_coders), optional
        ``codings.set_labels()[0]``, when the caller has it.

    Returns
    -------
    Intervals
        Not the set-distance alphas: their statistic is a pass over a distance
        matrix, and they take their own draw.
    """
    intervals = Intervals(
        pairs=[{} for _ in pairs],
        codes=[{} for _ in codings.codes],
        code_pairs=[[{} for _ in pairs] for _ in codings.codes],
    )
    if codings.n_units == 0:  # every figure is undefined
        return intervals
    if labels is None:
        labels, _ = codings.set_labels()
    # Figures of the whole set do not depend on the coders' order: a unit's sorted labels group it.
    overall = _Grouping.of(np.sort(labels, axis=1))
    models = [
        (intervals.overall, "fleiss_kappa", _gwet_model(overall.labels, _fleiss_chance_weights, None, False)),
        (intervals.overall, "gwet_ac1", _gwet_model(overall.labels, _ac1_chance_weights, None, True)),
        (intervals.overall, "brennan_prediger", _gwet_model(overall.labels, _uniform_chance_weights, None, True)),
        (intervals.overall, "krippendorff_alpha", _nominal_alpha_model(overall.labels)),
    ]
    jobs = [_Job.of(overall, models)]
    membership = _membership(codings, labels)
    for (a, b), target in zip(pairs, intervals.pairs):
        pair = _Grouping.of(labels[:, [a, b]])
        both = np.flatnonzero((pair.labels >= 0).all(axis=1))
        pooled = _pooled_model(membership[pair.labels[both, 0]], membership[pair.labels[both, 1]])
        if isinstance(pooled, _Model):
            pooled = pooled._replace(contributions=replace(pooled.contributions, units=both))
        jobs.append(
            _Job.of(pair, [(target, "cohen_kappa", _cohen_model(pair.labels)), (target, "pooled_kappa", pooled)])
        )
    patterns = _Patterns.of(codings)
    code_jobs = [
        _Job.of(patterns.part(k), _code_models(patterns.part(k).labels, intervals, k, pairs))
        for k in range(codings.n_codes)
    ]
    _run(jobs, patterns, code_jobs, codings.n_units, settings)
    return intervals


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


@dataclass(frozen=True)
class _Patterns:
    """Every code's units grouped by their pattern, counted without a pass over every (unit, code).

    A unit's pattern for a code is each coder's state: did not code the unit
    (label -1), coded it without the code (0), applied it (1), as
    ``Codings.code_labels``; code k's patterns are the label rows
    ``labels[starts[k]:starts[k + 1]]``. Where nobody applied the code, the
    pattern is the unit's *seen pattern* (which coders coded it), the same for
    every code. So a code's pattern counts are the seen patterns' counts (one
    product for all codes, spread by ``spread``), moved by ``moves`` for the units
    somebody applied the code to (+1 at their pattern, -1 at their seen pattern):
    the work follows the codings applied, not units × codes.
    """

    labels: np.ndarray
    starts: np.ndarray
    seen_counts: GroupCounts
    spread: Any
    moves: Any

    @classmethod
    def of(cls, codings: Codings) -> "_Patterns":
        from scipy import sparse  # the bootstrap's contributions are sparse already

        n_units, n_codes = codings.n_units, codings.n_codes
        powers = 3 ** np.arange(codings.n_coders, dtype=np.int64)
        seen_value = codings.seen.astype(np.int64) @ powers  # a pattern's value, no code applied
        seen_values, seen_group = np.unique(seen_value, return_inverse=True)
        seen_group = seen_group.ravel()
        unit, code = np.nonzero(codings.applied.any(axis=1))
        applied_value = seen_value[unit] + codings.applied[unit, :, code].astype(np.int64) @ powers
        # Seen patterns that some unit keeps for the code (nobody applied it there).
        n_seen = len(seen_values)
        with_code = np.bincount(code * n_seen + seen_group[unit], minlength=n_codes * n_seen).reshape(n_codes, n_seen)
        kept_code, kept_seen = np.nonzero(np.bincount(seen_group, minlength=n_seen) - with_code > 0)
        side = int(3 ** codings.n_coders)
        keys = np.concatenate([code * side + applied_value, kept_code * side + seen_values[kept_seen]])
        distinct, group = np.unique(keys, return_inverse=True)
        group = group.ravel()
        applied_group, kept_group = group[: len(unit)], group[len(unit) :]
        group_code, value = np.divmod(distinct, side)
        # The group of (code, seen pattern), where kept: each applied unit moves out of it.
        kept_index = np.full((n_codes, n_seen), -1, dtype=np.int64)
        kept_index[kept_code, kept_seen] = kept_group
        leaves = kept_index[code, seen_group[unit]]
        counted = leaves >= 0
        exact = np.float32 if n_units < EXACT_IN_FLOAT32 else np.float64
        moves = sparse.csc_array(
            (
                np.concatenate([np.ones(len(unit), exact), -np.ones(int(counted.sum()), exact)]),
                (np.concatenate([applied_group, leaves[counted]]), np.concatenate([unit, unit[counted]])),
            ),
            shape=(len(distinct), n_units),
        )
        spread = sparse.csr_array(
            (np.ones(len(kept_group), exact), (kept_group, kept_seen)), shape=(len(distinct), n_seen)
        )
        return cls(
            labels=(value[:, None] // powers) % 3 - 1,
            starts=np.searchsorted(group_code, np.arange(n_codes + 1)),
            seen_counts=GroupCounts(seen_group, n_seen),
            spread=spread,
            moves=moves,
        )

    def part(self, k: int) -> _Grouping:
        """Code k's patterns (``group_of_unit`` is not kept: the counts come from :meth:`counts`)."""
        return _Grouping(self.labels[self.starts[k] : self.starts[k + 1]], np.zeros(0, np.int64))

    def counts(self, unit_counts: np.ndarray) -> np.ndarray:
        """Every code's pattern counts for unit counts (n_units, size): shape (patterns, size)."""
        return np.asarray(self.spread @ self.seen_counts(unit_counts)) + np.asarray(self.moves @ unit_counts)


def _membership(codings: Codings, labels: np.ndarray) -> np.ndarray:
    """The codes of each set label, shape (n_sets, n_codes): set ``labels[u, c]`` is ``applied[u, c]``."""
    rated = labels >= 0
    membership = np.zeros((int(labels.max(initial=-1)) + 1, codings.n_codes), dtype=bool)
    membership[labels[rated]] = codings.applied[rated]
    return membership


def _code_models(
    labels: np.ndarray, intervals: Intervals, k: int, pairs: list[tuple[int, int]]
) -> list[tuple[dict[str, Interval], str, _Model | Figure]]:
    """Code k's presence/absence figures, on one label row per pattern."""
    code, code_pairs = intervals.codes[k], intervals.code_pairs[k]
    models = [
        (code, "fleiss_kappa", _gwet_model(labels, _fleiss_chance_weights, None, False)),
        (code, "gwet_ac1", _gwet_model(labels, _ac1_chance_weights, 2, True)),
        (code, "krippendorff_alpha", _nominal_alpha_model(labels)),
        (code, "positive_agreement", _positive_model(labels)),
    ]
    for (a, b), target in zip(pairs, code_pairs):
        models.append((target, "cohen_kappa", _cohen_model(labels[:, [a, b]])))
        models.append((target, "positive_agreement", _positive_model(labels[:, [a, b]])))
    return models


@dataclass(frozen=True)
class _Job:
    """The defined figures of one grouping: where each interval goes, each figure's statistic, and
    which of the distinct contribution matrices it sums (per group, transposed and
    column-compressed: (d, n_groups); Fleiss, AC1 and Brennan–Prediger share one)."""

    grouping: _Grouping
    figures: list[tuple[dict[str, Interval], str, int, Callable[[np.ndarray], _Parts]]]
    matrices: list[Any]

    @classmethod
    def of(cls, grouping: _Grouping, models: list[tuple[dict[str, Interval], str, _Model | Figure]]) -> "_Job":
        from scipy import sparse  # the contributions are sparse already

        n_groups = len(grouping.labels)
        figures, matrices = [], []
        for target, name, model in models:
            if not isinstance(model, _Model):
                continue
            entries = model.contributions.matrix().tocoo()
            units = model.contributions.units
            groups = entries.row if units is None else np.asarray(units)[entries.row]
            matrix = sparse.csc_array((entries.data, (entries.col, groups)), shape=(entries.shape[1], n_groups))
            same = [i for i, other in enumerate(matrices) if _equal(matrix, other)]
            if not same:
                matrices.append(matrix)
            figures.append((target, name, same[0] if same else len(matrices) - 1, model.statistic))
        return cls(grouping, figures, matrices)

    def evaluate(self, group_counts: np.ndarray) -> list[np.ndarray]:
        """Each figure's values for group counts of shape (n_groups, size), float64."""
        sums = [np.asarray(matrix @ group_counts).T for matrix in self.matrices]
        return [_evaluate(statistic, sums[index]) for _, _, index, statistic in self.figures]


def _equal(a: Any, b: Any) -> bool:
    """Whether two canonical sparse matrices hold the same entries."""
    return (
        a.shape == b.shape
        and a.nnz == b.nnz
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


def _run(
    jobs: list[_Job], patterns: _Patterns, code_jobs: list[_Job], n_units: int, settings: BootstrapSettings
) -> None:
    """Every figure's resamples from one shared draw of unit counts per chunk; intervals into their targets.

    The per-code figures are evaluated once all patterns are counted (a few hundred
    groups per code: all resamples at once cost less than a call per chunk).
    """
    counters = [job.grouping.counts() for job in jobs]
    values: list[list[list[np.ndarray]]] = [[[] for _ in job.figures] for job in jobs]
    pattern_counts = []
    rng = np.random.default_rng(settings.seed)
    # Every figure's resamples are drawn here (the codes' as pattern counts): progress goes with the chunks.
    n_figures = sum(len(job.figures) for job in jobs + code_jobs)
    for start in range(0, settings.n_resamples, CHUNK):
        size = min(CHUNK, settings.n_resamples - start)
        counts = unit_counts(rng, n_units, size)
        for counter, job, job_values in zip(counters, jobs, values):
            for figure_values, chunk_values in zip(job_values, job.evaluate(counter(counts).astype(np.float64))):
                figure_values.append(chunk_values)
        pattern_counts.append(patterns.counts(counts))
        if settings.progress is not None:
            settings.progress(size * n_figures)
    for job, job_values in zip(jobs, values):
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
