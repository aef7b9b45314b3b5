"""Bootstrap intervals of every chance-corrected figure of a coding, from shared draws.

One resample draws the table's units with replacement, and each figure is
computed on its own units among them (a pair's units both coders coded, alpha's
units with two ratings...), so how many of those a resample holds varies as it
would in a new sample of units. Two ways to draw serve all figures:

* Figures whose units' contributions are mostly distinct (the set-as-one-label
  figures, a pair's Cohen's and pooled kappa) share **one** draw of unit counts
  per chunk of resamples (:func:`~reliability.figures.intervals.unit_counts`);
  each figure only multiplies it with its contributions, and figures with the
  same contributions (Fleiss, AC1, Brennan–Prediger; a pair's two kappas) share
  that product too.
* Every presence/absence figure of a code is a function of each unit's
  *pattern* for that code: which coders coded the unit and which of them applied
  the code (at most 3 ** coders patterns, a few hundred). Drawing the units and
  counting them by pattern is a multinomial draw over the patterns, so each code
  takes one such draw for all its figures, exactly the bootstrap distribution of
  each of them at a cost independent of the number of units.

Each code's draw is its own random stream (from the seed and the code's
position), the shared draw another, so a seed gives the same intervals run to
run. Used by :func:`~reliability.figures.coefficients.views.chance_corrected`
when units are resampled one by one; a clustered bootstrap (documents of units
of text) takes each figure's own draw (:func:`~reliability.figures.intervals.resampled_sums`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from ...codings.model import Codings
from ..figure import Figure
from ..intervals import CHUNK, EXACT_IN_FLOAT32, BootstrapSettings, SharedSums, percentile_interval, unit_counts
from .alpha import _nominal_alpha_model
from .core import _Contributions, _Model, _Parts
from .gwet import _ac1_chance_weights, _fleiss_chance_weights, _gwet_model, _uniform_chance_weights
from .kappa import _cohen_model, _pooled_model
from .positive import _positive_model

Interval = tuple[float, float] | None
"""A percentile interval, or None when the figure is undefined in most resamples."""

_SHARED_STREAM = 0
"""The random stream of the shared draw: the seed, then this word."""


@dataclass(frozen=True)
class Intervals:
    """The intervals of the figures :func:`shared_intervals` resampled, by the keys of ``Coefficients``.

    A figure undefined on the data has no entry (nor has any figure of a table without units).
    """

    overall: dict[str, Interval] = field(default_factory=dict)
    pairs: list[dict[str, Interval]] = field(default_factory=list)
    """Per pair, in the order given: cohen_kappa, pooled_kappa."""
    codes: list[dict[str, Interval]] = field(default_factory=list)
    """Per code: fleiss_kappa, krippendorff_alpha, gwet_ac1, positive_agreement."""
    code_pairs: list[list[dict[str, Interval]]] = field(default_factory=list)
    """Per code, per pair: cohen_kappa, positive_agreement."""


def shared_intervals(codings: Codings, pairs: list[tuple[int, int]], settings: BootstrapSettings) -> Intervals:
    """Percentile intervals of the set-as-one-label, pair and per-code figures of ``chance_corrected``.

    Parameters
    ----------
    codings : Codings
    pairs : list of (int, int)
        Coder index pairs, as for ``chance_corrected``.
    settings : BootstrapSettings
        Without ``clusters``; ``progress`` is told the resamples of each figure as they are evaluated.

    Returns
    -------
    Intervals
        Not the set-distance alphas: their statistic is a pass over a distance
        matrix, and they take their own draw.
    """
    intervals = Intervals(pairs=[{} for _ in pairs])
    if codings.n_units == 0:  # every figure is undefined
        return replace(
            intervals,
            codes=[{} for _ in codings.codes],
            code_pairs=[[{} for _ in pairs] for _ in codings.codes],
        )
    labels, _ = codings.set_labels()
    applied, seen = codings.applied, codings.seen
    jobs: list[_Job] = []
    gwet = {
        "fleiss_kappa": _gwet_model(labels, _fleiss_chance_weights, None, False),
        "gwet_ac1": _gwet_model(labels, _ac1_chance_weights, None, True),
        "brennan_prediger": _gwet_model(labels, _uniform_chance_weights, None, True),
    }
    # The three share their contributions (one _Ratings of the same labels): one product for all.
    defined = {name: model for name, model in gwet.items() if isinstance(model, _Model)}
    if defined:
        shared = next(iter(defined.values())).contributions
        jobs.append(
            _Job(shared.matrix(), shared.units, [(intervals.overall, name, m.statistic) for name, m in defined.items()])
        )
    jobs += _jobs_of(_nominal_alpha_model(labels), intervals.overall, "krippendorff_alpha")
    for (a, b), pair_intervals in zip(pairs, intervals.pairs):
        both = seen[:, a] & seen[:, b]
        cohen = _cohen_model(labels[:, [a, b]])
        pooled = _pooled_model(applied[both, a], applied[both, b])
        if isinstance(cohen, _Model) and isinstance(pooled, _Model):
            jobs.append(_side_by_side(cohen, pooled, pair_intervals))
        else:
            jobs += _jobs_of(cohen, pair_intervals, "cohen_kappa") + _jobs_of(pooled, pair_intervals, "pooled_kappa")
    patterns = _Patterns.of(codings)
    pattern_counts = _run_shared(jobs, patterns, codings.n_units, settings)
    for k in range(codings.n_codes):
        code, code_pairs = _code_intervals(patterns, k, pattern_counts[:, patterns.groups(k)], pairs, settings)
        intervals.codes.append(code)
        intervals.code_pairs.append(code_pairs)
    return intervals


@dataclass(frozen=True)
class _Patterns:
    """Each unit's pattern for each code, grouped: which coders coded the unit, which applied the code.

    ``labels`` holds one label row per pattern (-1 did not code, 0 coded without
    the code, 1 applied it; as ``Codings.code_labels``), the patterns of all codes
    one after another, code k's at ``groups(k)``; ``indicator`` (patterns ×
    units, column-compressed) has a 1 at each unit's pattern for every code, so
    that ``indicator @ counts`` counts every code's patterns in every resample.
    """

    labels: np.ndarray
    starts: np.ndarray
    indicator: Any

    @classmethod
    def of(cls, codings: Codings) -> "_Patterns":
        from scipy import sparse  # the bootstrap's contributions are sparse already

        seen = codings.seen
        # Each coder's state per code: 0 did not code the unit, 1 coded it without the code, 2 applied it.
        powers = 3 ** np.arange(codings.n_coders, dtype=np.int64)
        pattern = np.zeros((codings.n_units, codings.n_codes), dtype=np.int64)
        for coder, power in enumerate(powers):
            pattern += power * (seen[:, coder, None] * (1 + codings.applied[:, coder, :]))
        labels, starts, group_rows = [], [0], []
        for k in range(codings.n_codes):
            distinct, group_of_unit = np.unique(pattern[:, k], return_inverse=True)
            labels.append((distinct[:, None] // powers) % 3 - 1)
            group_rows.append(starts[-1] + group_of_unit.ravel())
            starts.append(starts[-1] + len(distinct))
        n_units = codings.n_units
        indicator = sparse.csc_array(
            (
                # In the counts' own type (see unit_counts): the product counts units exactly.
                np.ones(n_units * codings.n_codes, dtype=np.float32 if n_units < EXACT_IN_FLOAT32 else np.float64),
                (np.concatenate(group_rows), np.tile(np.arange(n_units), codings.n_codes)),
            ),
            shape=(starts[-1], n_units),
        )
        return cls(np.concatenate(labels) if labels else np.zeros((0, codings.n_coders), np.int64), np.array(starts), indicator)

    def groups(self, k: int) -> slice:
        return slice(int(self.starts[k]), int(self.starts[k + 1]))


@dataclass(frozen=True)
class _Job:
    """Contributions resampled once for one or more statistics of their sums.

    ``matrix`` (sparse, one row per unit the figures use), ``units`` the table
    position of each row (None: row i is unit i); each statistic's interval is
    stored in ``target[name]``.
    """

    matrix: Any
    units: np.ndarray | None
    statistics: list[tuple[dict[str, Interval], str, Callable[[np.ndarray], _Parts]]]


def _jobs_of(model: _Model | Figure, target: dict[str, Interval], name: str) -> list[_Job]:
    """The job of one figure's model; none for an undefined figure."""
    if not isinstance(model, _Model):
        return []
    return [_Job(model.contributions.matrix(), model.contributions.units, [(target, name, model.statistic)])]


def _side_by_side(cohen: _Model, pooled: _Model, target: dict[str, Interval]) -> _Job:
    """One job for a pair's two kappas: their contributions, over the same units, as one matrix.

    Both are functions of the two coders' code sets, so their rows group alike.
    """
    width = sum(block.width for block in cohen.contributions.blocks)
    both = _Contributions(cohen.contributions.n_units, cohen.contributions.blocks + pooled.contributions.blocks)
    return _Job(
        both.matrix(),
        cohen.contributions.units,
        [
            (target, "cohen_kappa", lambda sums: cohen.statistic(sums[:, :width])),
            (target, "pooled_kappa", lambda sums: pooled.statistic(sums[:, width:])),
        ],
    )


def _run_shared(jobs: list[_Job], patterns: _Patterns, n_units: int, settings: BootstrapSettings) -> np.ndarray:
    """Every job's statistics on one shared draw of unit counts per chunk, intervals into their targets.

    Returns every code's pattern counts in every resample, shape (n_resamples,
    patterns), from the same draws (in the type of :func:`unit_counts`, exact).
    """
    summed = [SharedSums(job.matrix, job.units, n_units) for job in jobs]
    values: list[list[list[np.ndarray]]] = [[[] for _ in job.statistics] for job in jobs]
    pattern_counts = []
    rng = np.random.default_rng([settings.seed, _SHARED_STREAM])
    n_statistics = sum(len(job.statistics) for job in jobs)
    for start in range(0, settings.n_resamples, CHUNK):
        size = min(CHUNK, settings.n_resamples - start)
        counts = unit_counts(rng, n_units, size)
        for sums_of, job, job_values in zip(summed, jobs, values):
            sums = sums_of(counts)
            for (_, _, statistic), statistic_values in zip(job.statistics, job_values):
                statistic_values.append(_evaluate(statistic, sums))
        pattern_counts.append(np.asarray(patterns.indicator @ counts).T)
        if settings.progress is not None:
            settings.progress(size * n_statistics)
    for job, job_values in zip(jobs, values):
        for (target, name, _), statistic_values in zip(job.statistics, job_values):
            target[name] = percentile_interval(np.concatenate(statistic_values), settings.confidence)
    return np.concatenate(pattern_counts)


def _code_intervals(
    patterns: _Patterns, k: int, counts: np.ndarray, pairs: list[tuple[int, int]], settings: BootstrapSettings
) -> tuple[dict[str, Interval], list[dict[str, Interval]]]:
    """The intervals of code k's presence/absence figures from its patterns' counts, shape (n_resamples, patterns)."""
    labels = patterns.labels[patterns.groups(k)]
    code: dict[str, Interval] = {}
    code_pairs: list[dict[str, Interval]] = [{} for _ in pairs]
    models = [
        (code, "fleiss_kappa", _gwet_model(labels, _fleiss_chance_weights, None, False)),
        (code, "gwet_ac1", _gwet_model(labels, _ac1_chance_weights, 2, True)),
        (code, "krippendorff_alpha", _nominal_alpha_model(labels)),
        (code, "positive_agreement", _positive_model(labels)),
    ]
    for (a, b), target in zip(pairs, code_pairs):
        models.append((target, "cohen_kappa", _cohen_model(labels[:, [a, b]])))
        models.append((target, "positive_agreement", _positive_model(labels[:, [a, b]])))
    defined = [(target, name, model) for target, name, model in models if isinstance(model, _Model)]
    counts = counts.astype(np.float64)
    for target, name, model in defined:
        units = model.contributions.units
        sums = (counts if units is None else counts[:, units]) @ model.contributions.matrix().toarray()
        target[name] = percentile_interval(_evaluate(model.statistic, sums), settings.confidence)
    if settings.progress is not None:
        settings.progress(settings.n_resamples * len(defined))
    return code, code_pairs


def _evaluate(statistic: Callable[[np.ndarray], _Parts], sums: np.ndarray) -> np.ndarray:
    """The statistic's values; NaN (no warning) where a resample holds none of the figure's units."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return statistic(sums).value
