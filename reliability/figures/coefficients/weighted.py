"""Weighted coefficients for ordered scales: alpha by level, weighted kappa, AC2, Conger's kappa.

On an ordered scale a near miss ("medium" for "high") is a smaller disagreement
than a far one. Every figure here takes the label matrix of
:meth:`reliability.codings.scales.Scale.labels` (position 0..K-1 on the scale, -1 where
missing) and the values of the K levels, and shares the contribution and
bootstrap machinery of :mod:`.core`, so every figure comes
with its analytic standard error and, when asked, a percentile interval.
:mod:`.scaled` computes them all for a coding; each figure's ``_model``
function is also what the shared bootstrap draw resamples (:mod:`.resampled_scale`).

Agreement weights follow irrCAC (Gwet, 2014, ch. 3) over the scale's K levels
(as irrCAC with ``categories`` set to the full scale): ``w_kl = 1`` on the
diagonal and less the further apart k and l are.

References
----------
Cohen, J. (1968). Weighted kappa. *Psychological Bulletin* 70, 213–220.
Conger, A. J. (1980). Integration and generalization of kappas for multiple
raters. *Psychological Bulletin* 88, 322–328.
Fleiss, J. L., Cohen, J. & Everitt, B. S. (1969). Large sample standard errors
of kappa and weighted kappa. *Psychological Bulletin* 72, 323–327.
Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability*, 4th ed. (weights:
ch. 3; variances by linearisation as irrCAC computes them).
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability
(interval, ratio and ordinal metrics).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ...codings.levels import LEVELS
from ..figure import Figure
from ..intervals import BootstrapSettings
from .alpha import _alpha_model
from .core import (
    _NO_DISAGREEMENT,
    _NO_PAIRED_UNIT,
    _NO_SHARED_UNIT,
    _ONE_CATEGORY,
    _Block,
    _chance_corrected,
    _checked_labels,
    _column,
    _divide,
    _Model,
    _model_figure,
    _Parts,
    _stack,
)
from .gwet import _gwet_standard_error

WEIGHTS = ("identity", "linear", "quadratic", "ordinal", "ratio")
"""The agreement weights :func:`agreement_weights` knows (irrCAC's names)."""


# --------------------------------------------------------------------------- weights


def agreement_weights(kind: str, values: Sequence[float]) -> np.ndarray:
    """irrCAC's agreement weights over the levels of a scale (Gwet, 2014, ch. 3).

    Parameters
    ----------
    kind : {"identity", "linear", "quadratic", "ordinal", "ratio"}
    values : sequence of float, length K
        The value of each level, in increasing order.

    Returns
    -------
    ndarray of float, shape (K, K)
        ``linear``: ``1 - |x_k - x_l| / (max - min)``; ``quadratic``: ``1 - (x_k - x_l)^2 / (max - min)^2``;
        ``ordinal``: ``1 - n_kl (n_kl - 1) / 2`` scaled to 0 at the extremes, with ``n_kl = |k - l| + 1``
        levels from k to l; ``ratio``: ``1 - ((x_k - x_l) / (x_k + x_l))^2`` scaled by its largest value.

    Examples
    --------
    >>> agreement_weights("quadratic", [1, 2, 3])  # irrCAC vignette "weighting": quadratic.weights(1:3)
    array([[1.  , 0.75, 0.  ],
           [0.75, 1.  , 0.75],
           [0.  , 0.75, 1.  ]])
    >>> agreement_weights("ordinal", [1, 2, 3]).round(7)[0]  # ordinal.weights(1:3)
    array([1.       , 0.6666667, 0.       ])
    """
    x = np.asarray(values, dtype=np.float64)
    n_levels = len(x)
    if kind == "identity" or n_levels < 2:
        return np.eye(n_levels)
    if kind == "ordinal":
        steps = np.abs(np.subtract.outer(np.arange(n_levels), np.arange(n_levels))) + 1.0
        distance = steps * (steps - 1.0) / 2.0
    elif kind == "linear":
        distance = np.abs(np.subtract.outer(x, x))
    elif kind == "quadratic":
        distance = np.subtract.outer(x, x) ** 2
    elif kind == "ratio":
        distance = _ratio_distance(x)
    else:
        raise ValueError(f"unknown weights '{kind}'; choose one of {', '.join(WEIGHTS)}")
    largest = distance.max()
    return np.eye(n_levels) if largest <= 0 else 1.0 - distance / largest


def _ratio_distance(x: np.ndarray) -> np.ndarray:
    """``((x_k - x_l) / (x_k + x_l))^2``, 0 where both are 0."""
    return np.nan_to_num(_divide(np.subtract.outer(x, x), np.add.outer(x, x))) ** 2


# --------------------------------------------------------------------------- Cohen


def weighted_cohen_kappa(
    labels: np.ndarray, weights: np.ndarray, bootstrap: BootstrapSettings | None = None
) -> Figure:
    """Cohen's (1968) weighted kappa of two coders over the units both coded.

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, 2)
        Position on the scale (0..K-1) per unit and coder, -1 where missing.
    weights : ndarray, shape (K, K)
        Agreement weights (:func:`agreement_weights`).
    bootstrap : BootstrapSettings, optional

    Returns
    -------
    Figure
        ``p_o = sum w_kl p_kl``, ``p_e = sum w_kl p_k. p_.l``; ``se`` from Fleiss,
        Cohen & Everitt (1969) as irrCAC's ``kappa2.table`` computes it.

    Examples
    --------
    irrCAC's ``cont3x3abstractors`` table with quadratic weights (irrCAC vignette
    "Weighted Chance-corrected Agreement Coefficients": 0.8921569, se 0.03535151):

    >>> table = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
    >>> labels = np.array([[i, j] for i in range(3) for j in range(3) for _ in range(table[i][j])])
    >>> kappa = weighted_cohen_kappa(labels, agreement_weights("quadratic", [1, 2, 3]))
    >>> round(kappa.value, 7), round(kappa.se, 8)
    (0.8921569, 0.03535151)
    """
    return _model_figure(_weighted_cohen_model(_checked_labels(labels), np.asarray(weights, dtype=np.float64)), bootstrap)


def _weighted_cohen_model(labels: np.ndarray, weights: np.ndarray) -> _Model | Figure:
    """The model of :func:`weighted_cohen_kappa` (checked arguments), or its undefined Figure.

    Its rows are the units both coders coded, placed among ``labels``' rows (``units``):
    a row of ``labels`` may stand for a group of units (:mod:`.resampled_scale`).
    """
    n_levels = weights.shape[0]
    both = (labels[:, 0] >= 0) & (labels[:, 1] >= 0)
    pair = labels[both]
    n_units = len(pair)
    if n_units == 0:
        return Figure.undefined(0, _NO_SHARED_UNIT)
    first, second = pair[:, 0], pair[:, 1]
    every_unit = np.arange(n_units)
    contributions = _stack(
        n_units,
        _column(np.ones(n_units)),
        _column(weights[first, second]),
        _Block(every_unit, first, np.ones(n_units), n_levels),
        _Block(every_unit, second, np.ones(n_units), n_levels),
        units=np.flatnonzero(both),
    )

    def statistic(sums: np.ndarray) -> _Parts:
        total = sums[:, :1]
        shares_first = sums[:, 2 : 2 + n_levels] / total
        shares_second = sums[:, 2 + n_levels :] / total
        p_e = ((shares_first @ weights) * shares_second).sum(axis=1)
        return _chance_corrected(sums[:, 1] / total[:, 0], p_e)

    table = np.bincount(first * n_levels + second, minlength=n_levels * n_levels).reshape(n_levels, n_levels)

    def standard_error(kappa: float, p_e: float) -> float | None:
        cells = table / n_units
        first_shares, second_shares = cells.sum(axis=1), cells.sum(axis=0)
        p_o = float((weights * cells).sum())
        row_mean = weights @ second_shares  # w_k. = sum_l w_kl p_.l
        column_mean = first_shares @ weights  # w_.l = sum_k p_k. w_kl
        spread = weights - (1.0 - kappa) * np.add.outer(row_mean, column_mean)
        variance = ((cells * spread**2).sum() - (p_o - 2.0 * (1.0 - kappa) * p_e) ** 2) / (
            n_units * (1.0 - p_e) ** 2
        )
        return math.sqrt(max(variance, 0.0))

    return _Model(
        contributions,
        statistic,
        "both coders gave every unit the same code, so agreement expected by chance is 1",
        standard_error,
    )


# --------------------------------------------------------------------------- many coders


def _rating_counts(labels: np.ndarray, n_levels: int) -> tuple[np.ndarray, np.ndarray]:
    """Units with at least one rating: their (n, K) counts per level and the kept mask."""
    rated = labels >= 0
    kept = rated.any(axis=1)
    labels, rated = labels[kept], rated[kept]
    return _level_counts(np.nonzero(rated)[0], labels[rated], len(labels), n_levels), kept


def _level_counts(units: np.ndarray, levels: np.ndarray, n_units: int, n_levels: int) -> np.ndarray:
    """(n_units, n_levels) counts of ratings, by one bincount (``np.add.at`` is far slower)."""
    flat = np.bincount(units * n_levels + levels, minlength=n_units * n_levels)
    return flat.reshape(n_units, n_levels).astype(np.float64)


def _weighted_unit_agreement(counts: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit: ratings r_u, the 0/1 flag r_u >= 2, and the weighted share of agreeing ordered pairs.

    ``sum_k r_uk (r*_uk - 1) / (r_u (r_u - 1))`` with ``r*_uk = sum_l w_kl r_ul``
    (Gwet, 2014); 0 for units rated once.
    """
    raters = counts.sum(axis=1)
    paired = (raters >= 2).astype(np.float64)
    weighted = counts @ weights.T
    agreeing = (counts * (weighted - 1.0)).sum(axis=1)
    unit_agreement = _divide(agreeing, raters * (raters - 1.0))
    unit_agreement[paired == 0] = 0.0
    return raters, paired, unit_agreement


def gwet_ac2(labels: np.ndarray, weights: np.ndarray, bootstrap: BootstrapSettings | None = None) -> Figure:
    """Gwet's AC2: AC1 with agreement weights, for any number of coders, with missing ratings.

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, n_coders)
        Position on the scale (0..K-1), -1 where missing.
    weights : ndarray, shape (K, K)
        Agreement weights over the scale's K levels.
    bootstrap : BootstrapSettings, optional

    Returns
    -------
    Figure
        ``p_o`` the mean weighted agreement of units with two or more ratings;
        ``p_e = T_w / (K (K - 1)) sum_k pi_k (1 - pi_k)`` with ``T_w`` the sum of
        the weights (Gwet, 2014); ``se`` by linearisation as irrCAC. ``n_units``
        counts the units with a rating.

    Examples
    --------
    irrCAC's ``cac.raw4raters`` with quadratic weights (irrCAC vignette
    "Weighted Chance-corrected Agreement Coefficients": AC2 0.914, se 0.10396,
    pe 0.7137044):

    >>> labels = np.array([[0, 0, -1, 0], [1, 1, 2, 1], [2, 2, 2, 2], [2, 2, 2, 2],
    ...                    [1, 1, 1, 1], [0, 1, 2, 3], [3, 3, 3, 3], [0, 0, 1, 0],
    ...                    [1, 1, 1, 1], [-1, 4, 4, 4], [-1, -1, 0, 0], [-1, -1, 2, -1]])
    >>> ac2 = gwet_ac2(labels, agreement_weights("quadratic", [1, 2, 3, 4, 5]))
    >>> round(ac2.value, 3), round(ac2.se, 5), round(ac2.p_e, 7)
    (0.914, 0.10396, 0.7137044)
    """
    return _model_figure(_ac2_model(_checked_labels(labels), np.asarray(weights, dtype=np.float64)), bootstrap)


def _ac2_model(labels: np.ndarray, weights: np.ndarray) -> _Model | Figure:
    """The model of :func:`gwet_ac2` (checked arguments), or its undefined Figure; rows are the
    rated units, placed among ``labels``' rows (``units``)."""
    n_levels = weights.shape[0]
    counts, kept = _rating_counts(labels, n_levels)
    n_units = len(counts)
    raters, paired, unit_agreement = _weighted_unit_agreement(counts, weights)
    if not paired.any():
        return Figure.undefined(n_units, _NO_PAIRED_UNIT)
    if n_levels < 2:
        return Figure.undefined(n_units, "the scale has one level; AC2 needs at least two")
    chance_scale = weights.sum() / (n_levels * (n_levels - 1.0))
    unit_shares = counts / raters[:, None]
    units, levels = np.nonzero(counts)
    contributions = _stack(
        n_units,
        _column(np.ones(n_units)),
        _column(paired),
        _column(unit_agreement),
        _Block(units, levels, unit_shares[units, levels], n_levels),
        units=np.flatnonzero(kept),
    )

    def statistic(sums: np.ndarray) -> _Parts:
        prevalence = sums[:, 3:] / sums[:, :1]
        p_e = chance_scale * (prevalence * (1.0 - prevalence)).sum(axis=1)
        return _chance_corrected(_divide(sums[:, 2], sums[:, 1]), p_e)

    def standard_error(value: float, p_e: float) -> float | None:
        # As irrCAC: the unit's chance term uses 1 - pi_k, unweighted (Gwet, 2014).
        prevalence = unit_shares.mean(axis=0)
        unit_chance = chance_scale * (counts @ (1.0 - prevalence)) / raters
        return _gwet_standard_error(value, p_e, paired, unit_agreement, unit_chance)

    return _Model(contributions, statistic, _ONE_CATEGORY, standard_error)


def conger_kappa(labels: np.ndarray, weights: np.ndarray, bootstrap: BootstrapSettings | None = None) -> Figure:
    """Conger's (1980) kappa: the multi-coder generalisation of Cohen's kappa, weighted.

    Observed agreement as Fleiss' (Gwet's generalisation for missing ratings);
    chance agreement from each coder's own marginal shares ``p_gk`` over the units
    that coder rated: ``p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / r)``, with
    ``pbar`` the mean over the r coders and ``s2_kl`` the coders' covariance of
    shares (Gwet, 2014, as irrCAC's ``conger``).

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, n_coders)
        Position on the scale (0..K-1), -1 where missing. Needs two coders or more.
    weights : ndarray, shape (K, K)
    bootstrap : BootstrapSettings, optional

    Returns
    -------
    Figure
        ``se`` by linearisation as irrCAC. Undefined when no unit has two ratings,
        when chance agreement is 1, or when a coder rated no unit.

    Examples
    --------
    irrCAC's ``cac.raw4raters`` with quadratic weights (irrCAC vignette
    "Weighted Chance-corrected Agreement Coefficients": 0.85771, se 0.14367):

    >>> labels = np.array([[0, 0, -1, 0], [1, 1, 2, 1], [2, 2, 2, 2], [2, 2, 2, 2],
    ...                    [1, 1, 1, 1], [0, 1, 2, 3], [3, 3, 3, 3], [0, 0, 1, 0],
    ...                    [1, 1, 1, 1], [-1, 4, 4, 4], [-1, -1, 0, 0], [-1, -1, 2, -1]])
    >>> kappa = conger_kappa(labels, agreement_weights("quadratic", [1, 2, 3, 4, 5]))
    >>> round(kappa.value, 5), round(kappa.se, 5)
    (0.85771, 0.14367)
    """
    return _model_figure(_conger_model(_checked_labels(labels), np.asarray(weights, dtype=np.float64)), bootstrap)


def _conger_model(labels: np.ndarray, weights: np.ndarray) -> _Model | Figure:
    """The model of :func:`conger_kappa` (checked arguments), or its undefined Figure; rows are the
    rated units, placed among ``labels``' rows (``units``)."""
    n_levels = weights.shape[0]
    n_coders = labels.shape[1]
    counts, kept = _rating_counts(labels, n_levels)
    labels = labels[kept]
    n_units = len(counts)
    raters, paired, unit_agreement = _weighted_unit_agreement(counts, weights)
    if not paired.any():
        return Figure.undefined(n_units, _NO_PAIRED_UNIT)
    rated = labels >= 0
    if not rated.any(axis=0).all():
        silent = [str(g) for g in np.flatnonzero(~rated.any(axis=0))]
        return Figure.undefined(n_units, f"coder(s) {', '.join(silent)} rated no unit; Conger's kappa needs every coder's shares")
    # Per unit: coder g's rating as column g*K + level, and whether g rated it.
    units, coders = np.nonzero(rated)
    contributions = _stack(
        n_units,
        _column(np.ones(n_units)),
        _column(paired),
        _column(unit_agreement),
        _Block(units, coders * n_levels + labels[units, coders], np.ones(len(units)), n_coders * n_levels),
        _Block(units, coders, np.ones(len(units)), n_coders),
        units=np.flatnonzero(kept),
    )
    width = n_coders * n_levels

    def chance(shares: np.ndarray) -> np.ndarray:
        # shares (B, r, K): each coder's share of their units in each level.
        mean = shares.mean(axis=1)
        deviation = shares - mean[:, None, :]
        covariance = np.einsum("bgk,bgl->bkl", deviation, deviation) / (n_coders - 1.0)
        return (weights[None] * (mean[:, :, None] * mean[:, None, :] - covariance / n_coders)).sum(axis=(1, 2))

    def statistic(sums: np.ndarray) -> _Parts:
        by_coder = sums[:, 3 : 3 + width].reshape(-1, n_coders, n_levels)
        coder_units = sums[:, 3 + width :]
        shares = _divide(by_coder, coder_units[:, :, None])
        return _chance_corrected(_divide(sums[:, 2], sums[:, 1]), chance(shares))

    def standard_error(value: float, p_e: float) -> float | None:
        if n_units < 2:
            return None
        one_hot = np.zeros((n_units, n_coders, n_levels))
        one_hot[units, coders, labels[units, coders]] = 1.0
        coder_units = rated.sum(axis=0).astype(np.float64)
        shares = one_hot.sum(axis=0) / coder_units[:, None]
        centred = one_hot - (rated - coder_units / n_units)[:, :, None] * shares[None]
        weighted = (centred @ weights.T) * (n_units / coder_units)[None, :, None]
        unit_chance = (weighted * (n_coders * shares.mean(axis=0)[None, None, :] - shares[None])).sum(axis=(1, 2)) / (
            n_coders * (n_coders - 1.0)
        )
        return _gwet_standard_error(value, p_e, paired, unit_agreement, unit_chance)

    return _Model(contributions, statistic, _ONE_CATEGORY, standard_error)


# --------------------------------------------------------------------------- Krippendorff


def alpha_distances(level: str, values: Sequence[float], frequencies: np.ndarray) -> np.ndarray:
    """Krippendorff's (2011) squared distances ``delta^2_ck`` between the K levels.

    Parameters
    ----------
    level : {"nominal", "ordinal", "interval", "ratio"}
    values : sequence of float, length K
    frequencies : ndarray, shape (K,)
        ``n_g``, how often each level occurs among the pairable values (the
        coincidence matrix's marginals); the ordinal metric depends on them.

    Returns
    -------
    ndarray, shape (K, K)
        nominal: 0/1; ordinal: ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2``;
        interval: ``(c - k)^2``; ratio: ``((c - k) / (c + k))^2``.
    """
    x = np.asarray(values, dtype=np.float64)
    n_levels = len(x)
    if level == "nominal":
        return 1.0 - np.eye(n_levels)
    if level == "interval":
        return np.subtract.outer(x, x) ** 2
    if level == "ratio":
        return _ratio_distance(x)
    if level == "ordinal":
        n = np.asarray(frequencies, dtype=np.float64)
        cumulative = np.concatenate([[0.0], np.cumsum(n)])
        low = np.minimum.outer(np.arange(n_levels), np.arange(n_levels))
        high = np.maximum.outer(np.arange(n_levels), np.arange(n_levels))
        between = cumulative[high + 1] - cumulative[low]
        distance = (between - (n[:, None] + n[None, :]) / 2.0) ** 2
        np.fill_diagonal(distance, 0.0)
        return distance
    raise ValueError(f"unknown level '{level}'; choose one of {', '.join(LEVELS)}")


def krippendorff_alpha_scaled(
    labels: np.ndarray, level: str, values: Sequence[float], bootstrap: BootstrapSettings | None = None
) -> Figure:
    """Krippendorff's alpha at a level of measurement, over units with two or more ratings.

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, n_coders)
        Position on the scale (0..K-1), -1 where missing.
    level : {"nominal", "ordinal", "interval", "ratio"}
    values : sequence of float, length K
        Each level's value (interval and ratio distances use them).
    bootstrap : BootstrapSettings, optional

    Returns
    -------
    Figure
        ``1 - D_o / D_e`` from the coincidence matrix (Krippendorff, 2011). The
        distances are divided by the largest between two levels of the scale, which
        leaves alpha unchanged and makes ``p_o = 1 - D_o`` and ``p_e = 1 - D_e``
        weighted agreements in [0, 1]; ``se`` is Gwet's (2014) linearised standard
        error with agreement weights ``1 - delta`` (irrCAC's quadratic weights
        on an interval scale, its ratio weights on a ratio scale). The ordinal
        distances depend on the marginals: the standard error and the bootstrap
        keep those of the whole sample.

    Examples
    --------
    Krippendorff's (2011) data C, interval metric (krippendorff package: 0.849):

    >>> labels = np.array([[0, 0, -1, 0], [1, 1, 2, 1], [2, 2, 2, 2], [2, 2, 2, 2],
    ...                    [1, 1, 1, 1], [0, 1, 2, 3], [3, 3, 3, 3], [0, 0, 1, 0],
    ...                    [1, 1, 1, 1], [-1, 4, 4, 4], [-1, -1, 0, 0], [-1, -1, 2, -1]])
    >>> round(krippendorff_alpha_scaled(labels, "interval", [1, 2, 3, 4, 5]).value, 3)
    0.849
    """
    return _model_figure(_scaled_alpha_model(_checked_labels(labels), level, values), bootstrap)


def _scaled_alpha_model(
    labels: np.ndarray, level: str, values: Sequence[float], frequencies: np.ndarray | None = None
) -> _Model | Figure:
    """The model of :func:`krippendorff_alpha_scaled` (checked labels), or its undefined Figure.

    Rows are the units with two ratings or more, placed among ``labels``' rows
    (``units``). ``frequencies``: each level's pairable values in the whole sample,
    when a row of ``labels`` stands for a group of units (:mod:`.resampled_scale`),
    for the ordinal distances; by default counted in ``labels``.
    """
    n_levels = len(values)
    rated = labels >= 0
    raters = rated.sum(axis=1)
    kept = raters >= 2
    if not kept.any():
        return Figure.undefined(0, _NO_PAIRED_UNIT)
    labels, rated, raters = labels[kept], rated[kept], raters[kept].astype(np.float64)
    unit_of_value = np.nonzero(rated)[0]
    value_index = labels[rated]
    counts = _level_counts(unit_of_value, value_index, len(labels), n_levels)
    distances = alpha_distances(level, values, counts.sum(axis=0) if frequencies is None else frequencies)
    largest = distances.max()
    if largest <= 0:
        return Figure.undefined(len(labels), _NO_DISAGREEMENT)
    distances = distances / largest
    disagreement = ((counts @ distances) * counts).sum(axis=1) / (raters - 1.0)
    return _alpha_model(
        unit_of_value,
        value_index,
        n_levels,
        raters,
        disagreement,
        lambda marginals: marginals @ distances,
        units=np.flatnonzero(kept),
    )


def _pair_models(labels: np.ndarray, values: Sequence[float]) -> dict[str, _Model | Figure]:
    """A pair's weighted kappas on an ordered scale, by figure key: Cohen's kappa with linear and
    with quadratic weights on the scale's values (checked labels of shape (n, 2))."""
    return {
        f"cohen_kappa_{kind}": _weighted_cohen_model(labels, agreement_weights(kind, values))
        for kind in ("linear", "quadratic")
    }
