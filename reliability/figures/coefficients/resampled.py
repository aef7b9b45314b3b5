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
pair's two kappas; a code's fourteen figures) share its counts. The observed
agreement figures (:mod:`reliability.figures.agreement`), when asked for, join
the groupings they depend on: a pair's percent, shared and Jaccard agreement
that pair's; percent and shared agreement over all coders and the k-of-n
figures the overall one (a unit's code sets, up to their order, fix them all).
On an ordered scale, the weighted figures join too (:mod:`.resampled_scale`).

Used by :func:`~reliability.figures.coefficients.views.chance_corrected` when
units are resampled one by one; a clustered bootstrap (documents of units of
text) takes each figure's own draw (:func:`~reliability.figures.intervals.resampled_sums`).
The same seed gives the same intervals, run to run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ...codings.model import Codings
from ..agreement import DrawnIntervals, Interval, Shares, overall_shares, pair_shares
from ..figure import Figure
from ..intervals import EXACT_IN_FLOAT32, BootstrapSettings, GroupCounts, distinct_rows
from .alpha import _nominal_alpha_model
from .core import _divide, _Model, _Parts, _Ratings
from .draws import Intervals, _Alike, _FewRows, _groupings, _Grouping, _Job, _run
from .gwet import PRESENCE_VARIANTS, SET_LABEL_VARIANTS, _gwet_models
from .kappa import _cohen_model, _pooled_model
from .positive import _positive_model
from .set_distance import SET_BOOTSTRAP_LIMIT, set_distance_models

if TYPE_CHECKING:
    from ...codings.scales import Scale


def shares_draw(codings: Codings, settings: BootstrapSettings | None) -> bool:
    """Whether :func:`shared_intervals` serves this bootstrap: units resampled one by one, and
    every code's patterns numbered (:func:`can_share`)."""
    return settings is not None and settings.clusters is None and can_share(codings)


def can_share(codings: Codings) -> bool:
    """Whether every code's patterns can be numbered in 64 bits (about 35 coders or fewer);
    with more coders, figures take their own draws."""
    return 3**codings.n_coders * max(codings.n_codes, 1) < 2**62


def shared_intervals(
    codings: Codings,
    pairs: list[tuple[int, int]],
    settings: BootstrapSettings,
    labels: np.ndarray | None = None,
    observed: bool = False,
    scale: "Scale | None" = None,
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
        ``codings.set_table.labels``, when the caller has it.
    observed : bool, default False
        Also the observed agreement figures (``Intervals.observed``), from the same draws.
    scale : Scale, optional
        Also the figures of single-label codings on this ordered scale
        (``Intervals.scale_overall``, ``scale_pairs``), from the same draws.

    Returns
    -------
    Intervals
        With the set-distance alphas (``overall``'s krippendorff_alpha_masi and
        krippendorff_alpha_jaccard) up to :data:`~.set_distance.SET_BOOTSTRAP_LIMIT`
        distinct code sets.
    """
    intervals = Intervals(
        pairs=[{} for _ in pairs],
        codes=[{} for _ in codings.codes],
        code_pairs=[[{} for _ in pairs] for _ in codings.codes],
        observed=DrawnIntervals(pairs=[{} for _ in pairs]),
        scale_pairs=[{} for _ in pairs],
    )
    if codings.n_units == 0:  # every figure is undefined
        return intervals
    if labels is None:
        labels = codings.set_table.labels
    overall, pair_groupings = _groupings(labels, pairs)
    ratings = _Ratings.of(overall.labels, min_raters=1)
    models = [
        *((intervals.overall, name, model) for name, model in _gwet_models(ratings, SET_LABEL_VARIANTS).items()),
        (intervals.overall, "krippendorff_alpha", _nominal_alpha_model(ratings)),
    ]
    scaled = None
    if scale is not None:
        from .resampled_scale import scale_models  # only on an ordered scale; it builds on this module

        scaled = scale_models(scale, scale.labels(codings), labels, overall, pair_groupings, intervals)
        models += scaled.overall
    if observed:
        named, at_least = overall_shares(codings)
        models += _share_models(
            overall,
            _targeted(intervals.observed.overall, named) + _targeted(intervals.observed.at_least_k, at_least),
        )
    jobs = [_Job.of(overall, models)]
    # A unit's sorted sets fix its set-distance terms too. Their statistic is a pass over the
    # (sets × sets) distances: summed per chunk, evaluated once over all resamples.
    set_models, _ = set_distance_models(codings.set_table, overall.labels, most_sets=SET_BOOTSTRAP_LIMIT)
    if set_models:
        named = [(intervals.overall, f"krippendorff_alpha_{distance}", model) for distance, model in set_models.items()]
        jobs.append(replace(_Job.of(overall, named), deferred=True))
    membership = _membership(codings, labels)
    for index, ((a, b), pair) in enumerate(zip(pairs, pair_groupings)):
        target, observed_target = intervals.pairs[index], intervals.observed.pairs[index]
        both = np.flatnonzero((pair.labels >= 0).all(axis=1))
        pooled = _pooled_model(membership[pair.labels[both, 0]], membership[pair.labels[both, 1]])
        if isinstance(pooled, _Model):
            pooled = pooled._replace(contributions=replace(pooled.contributions, units=both))
        models = [(target, "cohen_kappa", _cohen_model(pair.labels)), (target, "pooled_kappa", pooled)]
        if observed:
            models += _share_models(pair, _targeted(observed_target, pair_shares(codings, a, b)))
        if scaled is not None:
            models += scaled.pairs[index]
        jobs.append(_Job.of(pair, models))
    if scaled is not None:
        jobs.append(scaled.conger)
    patterns = _Patterns.of(codings)
    code_jobs = [
        _Job.of(patterns.part(k), _code_models(patterns.part(k).labels, intervals, k, pairs))
        for k in range(codings.n_codes)
    ]
    _run(jobs, patterns, code_jobs, codings.n_units, settings)
    return intervals


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
        unit, code = np.nonzero(codings.coders_per_code)  # (unit, code) somebody applied, by unit
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


def _share_models(
    grouping: _Grouping, shares: list[tuple[dict[Any, Interval], Any, np.ndarray, np.ndarray]]
) -> list[tuple[dict[Any, Interval], Any, "_Alike"]]:
    """The shares of counted units (:func:`reliability.figures.agreement.share`) on a grouping.

    Each share's per-unit indicator and counted flag depend only on the labels
    the units are grouped by, so a group takes the values of its units. A share
    with no counted unit is undefined, and gets no interval.

    Parameters
    ----------
    grouping : _Grouping
    shares : list of (target, key, indicator, counted)
        Where each interval goes, and the share's per-unit arrays, shape (n_units,).

    Returns
    -------
    list of (target, key, _Alike)
        As :meth:`_Job.of` takes them, all on one :class:`_FewRows` matrix: each
        share's indicator column and its counted column (one per distinct counted
        flag); each statistic is the quotient of the two.
    """
    from scipy import sparse  # the bootstrap's contributions are sparse already

    columns: list[np.ndarray] = []
    counted_columns: list[np.ndarray] = []
    defined = []
    for target, key, indicator, counted in shares:
        if not counted.any():
            continue
        same = [i for i, other in enumerate(counted_columns) if np.array_equal(other, counted)]
        if not same:
            counted_columns.append(counted)
        columns.append(np.where(counted, indicator, 0.0))
        defined.append((target, key, len(columns) - 1, same[0] if same else len(counted_columns) - 1))
    if not defined:
        return []
    n_groups = len(grouping.labels)
    per_group = np.zeros((n_groups, len(columns) + len(counted_columns)))
    per_group[grouping.group_of_unit] = np.column_stack(columns + counted_columns)
    # A few indicators and a score of a few values: the groups take a few distinct rows.
    rows, row_of_group, _ = distinct_rows(per_group)
    exact = np.float32 if grouping.group_of_unit.size < EXACT_IN_FLOAT32 else np.float64
    matrix = _FewRows(
        sparse.csr_array(rows.T),
        sparse.csr_array((np.ones(n_groups, exact), (row_of_group, np.arange(n_groups))), shape=(len(rows), n_groups)),
    )
    return [
        (target, key, _Alike(matrix, _Quotient(share, len(columns) + counted)))
        for target, key, share, counted in defined
    ]


def _targeted(
    target: dict[Any, Interval], shares: Shares | dict[int, tuple[np.ndarray, np.ndarray]]
) -> list[tuple[dict[Any, Interval], Any, np.ndarray, np.ndarray]]:
    """The shares as :func:`_share_models` takes them, each interval to go into ``target``."""
    return [(target, key, indicator, counted) for key, (indicator, counted) in shares.items()]


@dataclass(frozen=True)
class _Quotient:
    """The statistic ``sums[:, numerator] / sums[:, denominator]`` (NaN where nothing is counted)."""

    numerator: int
    denominator: int

    def __call__(self, sums: np.ndarray) -> _Parts:
        return _Parts(_divide(sums[:, self.numerator], sums[:, self.denominator]))


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
    ratings = _Ratings.of(labels, min_raters=1)
    models = [
        *((code, name, model) for name, model in _gwet_models(ratings, PRESENCE_VARIANTS).items()),
        (code, "krippendorff_alpha", _nominal_alpha_model(ratings)),
        (code, "positive_agreement", _positive_model(labels)),
    ]
    for (a, b), target in zip(pairs, code_pairs):
        models.append((target, "cohen_kappa", _cohen_model(labels[:, [a, b]])))
        models.append((target, "positive_agreement", _positive_model(labels[:, [a, b]])))
    return models
