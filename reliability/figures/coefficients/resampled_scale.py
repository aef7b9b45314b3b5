"""Intervals of the ordered-scale figures (:mod:`.scaled`) from the draw every figure shares.

The draw is :mod:`.resampled`'s: one draw of unit counts per chunk of resamples,
summed by the groups of units each figure's contributions depend on. Here a
unit's contributions depend on its positions on the scale
(:meth:`~reliability.codings.scales.Scale.labels`): alpha at the scale's level
and AC2 on them up to the coders' order (both are symmetric in the coders), a
pair's weighted kappas on the pair's two, and Conger's kappa on every coder's
own (it uses each coder's marginal shares).

On an ordered scale every code set is one position (single-label codings; the
empty set is "(uncoded)"'s place), so the groups of units by their sorted code
sets and by a pair's two code sets, which :func:`.resampled.shared_intervals`
forms for the nominal figures, are the groups by sorted positions and by a
pair's two positions: alpha and AC2 are evaluated on the overall groups, a
pair's weighted kappas on that pair's, and share their counts. Conger's kappa
groups units by their whole row of positions (at most ``(K + 1) ** coders``
groups), the one grouping the scale adds.

Ordinal alpha's distances depend on how often each level occurs: every
resample keeps those of the whole sample, as the figure's own bootstrap does
(:func:`.weighted.krippendorff_alpha_scaled`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ...codings.model import Codings
from ...codings.scales import Scale
from ..intervals import BootstrapSettings
from .draws import Intervals, _groupings, _Grouping, _Job, _run
from .weighted import _ac2_model, _conger_model, _pair_models, _scaled_alpha_model, agreement_weights


class _ScaleModels(NamedTuple):
    """The ordered-scale figures on the shared draw's groupings, as :meth:`.resampled._Job.of` takes them."""

    overall: list[tuple[dict, str, Any]]
    """Alpha and AC2, on the overall groups (sorted code sets)."""
    pairs: list[list[tuple[dict, str, Any]]]
    """Per pair, its weighted kappas on its groups (the pair's two code sets)."""
    conger: _Job
    """Conger's kappa, on the groups of units by their row of positions."""


def scale_models(
    scale: Scale,
    scale_labels: np.ndarray,
    set_labels: np.ndarray,
    overall: _Grouping,
    pairs: list[_Grouping],
    intervals: Intervals,
) -> _ScaleModels:
    """The ordered-scale figures' models on the groupings of :func:`.resampled.shared_intervals`.

    Parameters
    ----------
    scale : Scale
    scale_labels : ndarray of int, shape (n_units, n_coders)
        ``scale.labels(codings)``.
    set_labels : ndarray of int, shape (n_units, n_coders)
        The set labels the groupings were formed from (``codings.set_table.labels``).
    overall, pairs : _Grouping
        The overall grouping and each pair's, as :func:`.resampled._groupings` forms them.
    intervals : Intervals
        Where the intervals go: ``scale_overall`` and ``scale_pairs`` (one dict per pair).
    """
    position = _positions_of_sets(set_labels, scale_labels)
    weights = agreement_weights(scale.weights, scale.values)
    target = intervals.scale_overall
    # The group rows are in set labels; their positions are the rows of positions of the group's units.
    rows = position[overall.labels]
    frequencies = _pairable_frequencies(scale_labels, len(scale.values))
    by_row = _Grouping.of(scale_labels)
    return _ScaleModels(
        overall=[
            (target, "krippendorff_alpha", _scaled_alpha_model(rows, scale.level, scale.values, frequencies)),
            (target, "gwet_ac2", _ac2_model(rows, weights)),
        ],
        pairs=[
            [(found, key, model) for key, model in _pair_models(position[pair.labels], scale.values).items()]
            for pair, found in zip(pairs, intervals.scale_pairs)
        ],
        conger=_Job.of(by_row, [(target, "conger_kappa", _conger_model(by_row.labels, weights))]),
    )


def scaled_intervals(
    codings: Codings, scale: Scale, pairs: list[tuple[int, int]], settings: BootstrapSettings
) -> Intervals:
    """The ordered-scale figures' intervals alone (``scale_overall``, ``scale_pairs``).

    The intervals :func:`.resampled.shared_intervals` finds for them with every other
    figure: the same draws, the same groupings.

    Parameters
    ----------
    codings : Codings
        Single-label (checked by :meth:`Scale.labels`).
    scale : Scale
    pairs : list of (int, int)
    settings : BootstrapSettings
        Without ``clusters``.
    """
    intervals = Intervals(scale_pairs=[{} for _ in pairs])
    scale_labels = scale.labels(codings)
    if codings.n_units == 0:  # every figure is undefined
        return intervals
    set_labels = codings.set_table.labels
    overall, pair_groupings = _groupings(set_labels, pairs)
    models = scale_models(scale, scale_labels, set_labels, overall, pair_groupings, intervals)
    jobs = [
        _Job.of(overall, models.overall),
        *(_Job.of(grouping, pair_models) for grouping, pair_models in zip(pair_groupings, models.pairs)),
        models.conger,
    ]
    _run(jobs, None, [], codings.n_units, settings)
    return intervals


def _positions_of_sets(set_labels: np.ndarray, scale_labels: np.ndarray) -> np.ndarray:
    """The scale position of each set label, indexed by the label; at -1 (no rating), -1.

    A set label is one code set, which on the scale is one position: a single code's
    place, or "(uncoded)"'s for the empty set. The lookup has one entry more than there
    are set labels, so the -1 of a missing rating reads its last entry, -1.
    """
    rated = set_labels >= 0
    position = np.full(int(set_labels.max(initial=-1)) + 2, -1, dtype=np.int64)
    position[set_labels[rated]] = scale_labels[rated]
    return position


def _pairable_frequencies(scale_labels: np.ndarray, n_levels: int) -> np.ndarray:
    """How often each level occurs among the pairable values (units rated twice or more) of the whole sample."""
    rated = scale_labels >= 0
    pairable = rated & (rated.sum(axis=1) >= 2)[:, None]
    return np.bincount(scale_labels[pairable], minlength=n_levels).astype(np.float64)
