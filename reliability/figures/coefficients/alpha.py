"""Krippendorff's alpha: one core for every distance.

:func:`_alpha_parts` and :func:`_alpha_standard_error` take the sums alpha is
made of: each unit's observed disagreement and the value marginals times the
distance matrix Delta (``marginals @ Delta``). The nominal alpha of a label
matrix, the set-distance alphas (:mod:`.set_distance`) and the per-code batch
(:func:`_presence_alpha`) all go through them; an ordinal or interval alpha is
another Delta.

References
----------
Krippendorff, K. (2004). *Content Analysis*, 2nd ed. Sage.
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability*, 4th ed. (standard error as irrCAC).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..figure import Figure
from ..intervals import BootstrapSettings
from .core import (
    _NO_DISAGREEMENT,
    _NO_PAIRED_UNIT,
    _NO_VARIATION,
    _Block,
    _checked_labels,
    _column,
    _defined_or,
    _Model,
    _model_figure,
    _Parts,
    _point_figures,
    _presence_agreeing_pairs,
    _Presence,
    _Ratings,
    _stack,
)

def krippendorff_alpha(labels: np.ndarray, bootstrap: BootstrapSettings | None = None) -> Figure:
    """Krippendorff's alpha, nominal, over every unit with at least two ratings.

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, n_coders)
        Category index per unit and coder, -1 where missing.
    bootstrap : BootstrapSettings, optional
        When given, ``ci`` is a percentile interval over resampled units.

    Returns
    -------
    Figure
        ``value = 1 - D_o / D_e`` from the coincidence matrix (Krippendorff,
        2011); ``p_o = 1 - D_o`` (the diagonal share of the coincidence matrix),
        ``p_e = 1 - D_e``; ``se`` is Gwet's (2014) standard error as irrCAC
        reports it. Undefined when no unit has two ratings or all pairable
        ratings are the same.

    Examples
    --------
    Krippendorff's (2011) data C: alpha = 113/152.

    >>> labels = np.array([[1, 1, -1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...                    [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...                    [2, 2, 2, 2], [-1, 5, 5, 5], [-1, -1, 1, 1], [-1, 3, -1, -1]])
    >>> alpha = krippendorff_alpha(labels)
    >>> round(alpha.value, 5), round(113 / 152, 5), alpha.n_units
    (0.74342, 0.74342, 11)
    """
    return _model_figure(_nominal_alpha_model(_Ratings.of(_checked_labels(labels), min_raters=2)), bootstrap)


def _nominal_alpha_model(ratings: _Ratings) -> _Model | Figure:
    """The model of nominal alpha (:func:`krippendorff_alpha`), or the undefined Figure.

    ``ratings`` of a label matrix, which other figures may share: alpha keeps the
    units rated at least twice.
    """
    ratings = ratings.restricted(2)
    if ratings.n_units == 0:
        return Figure.undefined(0, _NO_PAIRED_UNIT)
    # Ordered pairs of a unit's values in different categories, over m_u - 1 (Krippendorff, 2011).
    disagreement = ratings.raters - 2.0 * ratings.agreeing_pairs / (ratings.raters - 1.0)
    return _alpha_model(
        ratings.unit, ratings.category, ratings.n_categories, ratings.raters, disagreement,
        _nominal_delta_times, units=ratings.kept,
    )


def _presence_alpha(presence: _Presence) -> list[Figure]:
    """Nominal Krippendorff's alpha of every code, as :func:`krippendorff_alpha` computes it.

    Sums over units are split as :meth:`_Presence.code_sums` does (equal to the
    per-call figures up to the rounding of the summation order).
    """
    kept = presence.restricted(2)
    n_units, n_codes = kept.n_units, kept.n_codes
    if n_units == 0:
        return [Figure.undefined(0, _NO_PAIRED_UNIT) for _ in range(n_codes)]
    raters, applying, code = kept.raters, kept.applying, kept.code
    # A unit to which nobody applied the code has no disagreement: its term is 0.
    disagreement = raters - 2.0 * _presence_agreeing_pairs(raters, applying) / (raters - 1.0)
    observed_sum = kept.code_sums(disagreement, 0.0)
    # Two values per code, absent (0) and present (1): the coincidence marginals are
    # (absent, present) and the nominal spread marginals @ Delta is (present, absent).
    # Both are integers, exact in any order.
    present = kept.code_sums(applying, 0.0)
    pairable = kept.pairable
    absent = pairable - present
    expected_spread = absent * present + present * absent
    parts = _alpha_parts(observed_sum, expected_spread, pairable)
    se = None
    if n_units >= 2:
        defined = np.isfinite(parts.value)
        spread = _defined_or(expected_spread, defined, 1.0)
        mean_raters = pairable / n_units
        entry_deviation = _alpha_deviation(
            raters,
            disagreement,
            applying * absent[code] + (raters - applying) * present[code],
            spread[code],
            pairable,
            mean_raters,
            observed_sum[code],
        )
        levels = kept.levels
        absent_deviation = _alpha_deviation(
            levels, 0.0, levels * present[:, None], spread[:, None], pairable, mean_raters, observed_sum[:, None]
        )
        squares = kept.code_sums(entry_deviation**2, absent_deviation**2)
        se = np.sqrt(squares / (n_units * (n_units - 1)))
    return _point_figures(n_units, parts.value, parts.p_o, parts.p_e, se, _NO_DISAGREEMENT)


def _alpha_parts(observed_sum: np.ndarray, expected_spread: np.ndarray, pairable: np.ndarray | float) -> _Parts:
    """Alpha, ``1 - D_o``, ``1 - D_e`` from the sums alpha is made of, for a batch (resamples or codes).

    Parameters
    ----------
    observed_sum : ndarray, shape (B,)
        Sum over units of each unit's observed disagreement.
    expected_spread : ndarray, shape (B,)
        ``n @ Delta @ n`` for the value marginals ``n``.
    pairable : ndarray of shape (B,), or float
        Pairable values ``n_..``, more than one.
    """
    observed = observed_sum / pairable
    expected = expected_spread / (pairable * (pairable - 1.0))
    ratio = np.divide(observed, expected, out=np.full_like(expected, np.nan), where=expected > _NO_VARIATION)
    return _Parts(1.0 - ratio, 1.0 - observed, 1.0 - expected)


def _alpha_standard_error(
    raters: np.ndarray, disagreement: np.ndarray, unit_spread: np.ndarray, expected_spread: float
) -> float | None:
    """Gwet's (2014) standard error of alpha, as irrCAC computes it.

    Agreement weights ``1 - delta``, p_a with the 1/N correction, and the
    linearised terms around alpha' (alpha without it). ``raters``,
    ``disagreement`` and ``unit_spread`` (each unit's values times ``n @ Delta``)
    have shape (n_units,); ``expected_spread`` is ``n @ Delta @ n``.
    """
    n_units = len(raters)
    if n_units < 2:
        return None
    deviation = _alpha_deviation(
        raters, disagreement, unit_spread, expected_spread, raters.sum(), raters.mean(), disagreement.sum()
    )
    return math.sqrt((deviation**2).sum() / (n_units * (n_units - 1)))


def _alpha_deviation(
    raters: np.ndarray,
    disagreement: np.ndarray | float,
    unit_spread: np.ndarray,
    expected_spread: np.ndarray | float,
    pairable: float,
    mean_raters: float,
    observed_sum: np.ndarray | float,
) -> np.ndarray:
    """Each unit's linearised term minus alpha', for :func:`_alpha_standard_error`.

    Per-unit arguments as there; ``pairable`` and ``mean_raters`` are the sum and
    mean of ``m_u`` over the units, ``observed_sum`` the sum of their
    disagreements. Arguments broadcast, so a batch of codes takes (n_codes, 1)
    code-level terms against (n_codes, n_units) or (n_entries,) unit terms.
    """
    chance = 1.0 - expected_spread / pairable**2
    agreement_prime = 1.0 - observed_sum / pairable
    agreement = agreement_prime + (1.0 - agreement_prime) / pairable
    alpha_prime = (agreement_prime - chance) / (1.0 - chance)
    deviation = (raters - mean_raters) / mean_raters
    unit_agreement = (raters - disagreement) / mean_raters - agreement * deviation
    unit_chance = (raters - unit_spread / pairable) / mean_raters - chance * deviation
    linearised = (unit_agreement - chance) / (1.0 - chance) - 2.0 * (1.0 - alpha_prime) * (
        unit_chance - chance
    ) / (1.0 - chance)
    return linearised - alpha_prime


def _alpha_model(
    unit_of_value: np.ndarray,
    value_index: np.ndarray,
    n_values: int,
    raters: np.ndarray,
    disagreement: np.ndarray,
    delta_times: Callable[[np.ndarray], np.ndarray],
    units: np.ndarray | None = None,
) -> _Model:
    """The model of Krippendorff's alpha from the pairable values and each unit's observed disagreement.

    ``units`` gives each kept unit's position among the input's (for a clustered bootstrap).

    Parameters
    ----------
    unit_of_value, value_index : ndarray of int, shape (n_pairable,)
        The unit and the value (category or distinct code set, 0..n_values-1) of
        every pairable value (units with at least two).
    n_values : int
    raters : ndarray, shape (n_units,)
        Values per unit, ``m_u``.
    disagreement : ndarray, shape (n_units,)
        ``sum_{c,k} n_uc n_uk delta_ck / (m_u - 1)``: the unit's contribution to
        the off-diagonal of the coincidence matrix, weighted by distance.
    delta_times : callable
        ``x -> x @ Delta`` for a batch of value-count vectors, shape (B, n_values).
    """
    n_units = len(raters)
    contributions = _stack(
        n_units,
        _column(disagreement),
        _Block(unit_of_value, value_index, np.ones(len(value_index)), n_values),
        units=units,
    )

    def parts(sums: np.ndarray, spread: np.ndarray) -> _Parts:
        # spread = marginals @ Delta; every resample has units with >= 2 values, so pairable > 1.
        marginals = sums[:, 1:]
        return _alpha_parts(sums[:, 0], (marginals * spread).sum(axis=1), marginals.sum(axis=1))

    def statistic(sums: np.ndarray) -> _Parts:
        return parts(sums, delta_times(sums[:, 1:]))

    # The point needs Delta @ n for the standard error too; build it once (it is the
    # expensive part with thousands of distinct code sets).
    sums = contributions.sums()
    spread = delta_times(sums[:, 1:])[0]

    def standard_error(value: float, p_e: float) -> float | None:
        unit_spread = np.bincount(unit_of_value, weights=spread[value_index], minlength=n_units)
        return _alpha_standard_error(raters, disagreement, unit_spread, sums[0, 1:] @ spread)

    return _Model(contributions, statistic, _NO_DISAGREEMENT, standard_error, point=parts(sums, spread[None, :]))


def _nominal_delta_times(counts: np.ndarray) -> np.ndarray:
    """``counts @ Delta`` for the nominal distance (0 on the diagonal, 1 elsewhere)."""
    return counts.sum(axis=1, keepdims=True) - counts
