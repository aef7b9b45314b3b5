"""The Gwet family: Fleiss' kappa, Gwet's AC1 and Brennan–Prediger, one core.

The three differ only in chance agreement ``p_e = sum_k pi_k g_k(pi)``;
:func:`_gwet_family` computes any of them from one label matrix, and
:func:`_presence_gwet_family` every code's presence/absence figure at once, with
the same standard error (:func:`_gwet_standard_error`).

References
----------
Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
*Psychological Bulletin* 76, 378–382.
Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the
presence of high agreement. *British Journal of Mathematical and Statistical
Psychology* 61, 29–48.
Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability*, 4th ed. (variances as irrCAC computes them).
Brennan, R. L. & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses,
and alternatives. *Educational and Psychological Measurement* 41, 687–699.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from ...errors import UsageError
from ..figure import Figure
from ..intervals import BootstrapSettings
from .core import (
    _NO_PAIRED_UNIT,
    _ONE_CATEGORY,
    _Block,
    _chance_corrected,
    _checked_labels,
    _column,
    _defined_or,
    _divide,
    _Model,
    _model_figure,
    _Parts,
    _point_figures,
    _presence_agreeing_pairs,
    _Presence,
    _Ratings,
    _stack,
)

def fleiss_kappa(labels: np.ndarray, bootstrap: BootstrapSettings | None = None) -> Figure:
    """Fleiss' kappa for any number of coders, with missing ratings.

    Missing ratings follow Gwet's generalisation, as in irrCAC: ``p_o`` is the
    mean over units with at least two ratings of the share of agreeing rating
    pairs; the prevalence ``pi_k`` of category k is the mean over rated units of
    the share of that unit's ratings in k; ``p_e = sum_k pi_k**2`` (Fleiss, 1971).

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, n_coders)
        Category index per unit and coder, -1 where missing.
    bootstrap : BootstrapSettings, optional
        When given, ``ci`` is a percentile interval over resampled units.

    Returns
    -------
    Figure
        ``n_units`` counts the units with at least one rating (all of them enter
        the prevalences); ``se`` is Gwet's (2014) linearised standard error as
        irrCAC reports it (infinite population). Undefined when no unit has two
        ratings or every rating is in the same category.

    Examples
    --------
    Krippendorff's (2011) data C, 4 coders × 12 units with missing values
    (irrCAC README: kappa 0.76117, se 0.15302):

    >>> labels = np.array([[1, 1, -1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...                    [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...                    [2, 2, 2, 2], [-1, 5, 5, 5], [-1, -1, 1, 1], [-1, 3, -1, -1]])
    >>> kappa = fleiss_kappa(labels)
    >>> round(kappa.value, 5), round(kappa.se, 5), kappa.n_units
    (0.76117, 0.15302, 12)
    """
    return _gwet_family(
        labels,
        _fleiss_chance_weights,
        n_categories=None,
        bootstrap=bootstrap,
        needs_two_categories=False,
    )


def gwet_ac1(
    labels: np.ndarray, n_categories: int | None = None, bootstrap: BootstrapSettings | None = None
) -> Figure:
    """Gwet's AC1 for any number of coders, with missing ratings.

    ``p_o`` and the prevalences ``pi_k`` as in :func:`fleiss_kappa`;
    ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)`` (Gwet, 2008).

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, n_coders)
        Category index per unit and coder, -1 where missing.
    n_categories : int, optional
        ``q``, the number of possible categories; by default the number of
        categories that occur in ``labels``. Presence/absence data has 2.
    bootstrap : BootstrapSettings, optional
        When given, ``ci`` is a percentile interval over resampled units.

    Returns
    -------
    Figure
        ``se`` as irrCAC reports it. Undefined when no unit has two ratings or
        there are fewer than two categories.

    Examples
    --------
    Krippendorff's (2011) data C (irrCAC README: AC1 0.77544, se 0.14295):

    >>> labels = np.array([[1, 1, -1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...                    [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...                    [2, 2, 2, 2], [-1, 5, 5, 5], [-1, -1, 1, 1], [-1, 3, -1, -1]])
    >>> ac1 = gwet_ac1(labels)
    >>> round(ac1.value, 5), round(ac1.se, 5), round(ac1.p_o, 5)
    (0.77544, 0.14295, 0.81818)
    """
    return _gwet_family(
        labels, _ac1_chance_weights, n_categories, bootstrap, needs_two_categories=True
    )


def brennan_prediger(
    labels: np.ndarray, n_categories: int | None = None, bootstrap: BootstrapSettings | None = None
) -> Figure:
    """Brennan & Prediger's (1981) coefficient: kappa with ``p_e = 1 / q``.

    ``p_o`` as in :func:`fleiss_kappa` (Gwet's generalisation for missing ratings).

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, n_coders)
        Category index per unit and coder, -1 where missing.
    n_categories : int, optional
        ``q``, the number of possible categories; by default the number of
        categories that occur in ``labels``.
    bootstrap : BootstrapSettings, optional
        When given, ``ci`` is a percentile interval over resampled units.

    Returns
    -------
    Figure
        ``se`` as irrCAC reports it. Undefined when no unit has two ratings or
        there are fewer than two categories.

    Examples
    --------
    Krippendorff's (2011) data C (irrCAC README: 0.77273, se 0.14472):

    >>> labels = np.array([[1, 1, -1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...                    [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...                    [2, 2, 2, 2], [-1, 5, 5, 5], [-1, -1, 1, 1], [-1, 3, -1, -1]])
    >>> bp = brennan_prediger(labels)
    >>> round(bp.value, 5), round(bp.se, 5), bp.p_e
    (0.77273, 0.14472, 0.2)
    """
    return _gwet_family(
        labels, _uniform_chance_weights, n_categories, bootstrap, needs_two_categories=True
    )


def _presence_gwet_family(presence: _Presence) -> tuple[list[Figure], list[Figure]]:
    """Fleiss' kappa and AC1 (q = 2) of every code, as :func:`_gwet_family` computes them.

    Every sum over units is split as :meth:`_Presence.code_sums` does, so the
    figures equal the per-call ones up to the rounding of a different summation
    order (tests/test_coefficient_views.py checks them to a relative 1e-12).
    """
    rated = presence.restricted(1)
    n_units, n_codes = rated.n_units, rated.n_codes
    paired_levels = (rated.levels >= 2).astype(np.float64)
    n_paired = float(paired_levels @ rated.units_at_level)
    if n_paired == 0:
        undefined = [Figure.undefined(n_units, _NO_PAIRED_UNIT) for _ in range(n_codes)]
        return undefined, list(undefined)
    raters, applying, code = rated.raters, rated.applying, rated.code
    paired = (raters >= 2).astype(np.float64)
    # Share of agreeing ordered rating pairs; 0 for a unit rated once, 1 where nobody
    # applied the code to a unit rated twice or more.
    unit_agreement = _divide(2.0 * _presence_agreeing_pairs(raters, applying), raters * (raters - 1.0))
    unit_agreement[paired == 0] = 0.0
    p_o = rated.code_sums(unit_agreement, paired_levels) / n_paired
    # Each rating adds 1 / m_u to its category: absent (0) and present (1).
    prevalence = np.column_stack(
        [rated.code_sums((raters - applying) / raters, 1.0), rated.code_sums(applying / raters, 0.0)]
    ) / n_units
    results = []
    # Fleiss' chance weights ignore q; AC1 of presence/absence has q = 2.
    for chance_weights in (_fleiss_chance_weights, _ac1_chance_weights):
        weights = chance_weights(prevalence, 2)
        parts = _chance_corrected(p_o, (prevalence * weights).sum(axis=1))
        se = None
        if n_units >= 2:
            defined = np.isfinite(parts.value)
            value = _defined_or(parts.value, defined, 0.0)
            p_e = _defined_or(parts.p_e, defined, 0.0)
            # A unit's chance term sum_k n_uk g_k / m_u; where nobody applied the code, g_absent.
            unit_chance = ((raters - applying) * weights[code, 0] + applying * weights[code, 1]) / raters
            entry_deviation = _gwet_deviation(
                value[code], p_e[code], paired, unit_agreement, unit_chance, n_units, n_paired
            )
            absent_deviation = _gwet_deviation(
                value[:, None], p_e[:, None], paired_levels, paired_levels, weights[:, :1], n_units, n_paired
            )
            squares = rated.code_sums(entry_deviation**2, absent_deviation**2)
            se = np.sqrt(squares / (n_units * (n_units - 1)))
        results.append(_point_figures(n_units, parts.value, parts.p_o, parts.p_e, se, _ONE_CATEGORY))
    return results[0], results[1]


def _fleiss_chance_weights(prevalence: np.ndarray, n_categories: int) -> np.ndarray:
    return prevalence


def _ac1_chance_weights(prevalence: np.ndarray, n_categories: int) -> np.ndarray:
    return (1.0 - prevalence) / (n_categories - 1)


def _uniform_chance_weights(prevalence: np.ndarray, n_categories: int) -> np.ndarray:
    return np.full_like(prevalence, 1.0 / n_categories)


class _Variant(NamedTuple):
    """One member of the family: its chance weights ``g(pi, q)``, ``q`` (None: the categories
    that occur) and whether it needs two categories."""

    chance_weights: Callable[[np.ndarray, int], np.ndarray]
    n_categories: int | None
    needs_two_categories: bool


FLEISS = _Variant(_fleiss_chance_weights, None, False)
AC1 = _Variant(_ac1_chance_weights, None, True)
BRENNAN_PREDIGER = _Variant(_uniform_chance_weights, None, True)
SET_LABEL_VARIANTS = {"fleiss_kappa": FLEISS, "gwet_ac1": AC1, "brennan_prediger": BRENNAN_PREDIGER}
"""The family over set labels, by figure name (the overall view)."""
PRESENCE_VARIANTS = {"fleiss_kappa": FLEISS, "gwet_ac1": _Variant(_ac1_chance_weights, 2, True)}
"""The family over one code's presence/absence: AC1 with q = 2 (the per-code view)."""


def _gwet_family(
    labels: np.ndarray,
    chance_weights: Callable[[np.ndarray, int], np.ndarray],
    n_categories: int | None,
    bootstrap: BootstrapSettings | None,
    needs_two_categories: bool,
) -> Figure:
    """Fleiss' kappa, AC1 or Brennan–Prediger under Gwet's treatment of missing ratings (see :func:`_gwet_models`)."""
    ratings = _Ratings.of(_checked_labels(labels), min_raters=1)
    variant = _Variant(chance_weights, n_categories, needs_two_categories)
    return _model_figure(_gwet_models(ratings, {"figure": variant})["figure"], bootstrap)


def _gwet_models(ratings: _Ratings, variants: dict[str, _Variant]) -> dict[str, _Model | Figure]:
    """The models of members of the family over the same ratings, or their undefined Figures.

    The members differ only in chance agreement, written ``p_e = sum_k pi_k g_k(pi)``
    with ``g = pi`` (Fleiss), ``(1 - pi) / (q - 1)`` (AC1) or ``1 / q`` (BP); a
    unit's own chance term in the variance is then ``sum_k n_uk g_k / r_u``. The
    contributions (columns [1, paired, agreement, prevalence shares]), their sums
    and the prevalences are the same for all: built once, shared by every model
    (and by one resampled sum in a bootstrap).

    Parameters
    ----------
    ratings : _Ratings
        Of every unit rated at least once (``_Ratings.of(labels, min_raters=1)``).
    variants : dict of str to _Variant
        The members wanted, by a name the result keeps.
    """
    n_units, raters = ratings.n_units, ratings.raters
    paired = (raters >= 2).astype(np.float64)
    if not paired.any():
        return {name: Figure.undefined(n_units, _NO_PAIRED_UNIT) for name in variants}
    # Share of agreeing ordered rating pairs in the unit; 0 for units rated once.
    unit_agreement = _divide(2.0 * ratings.agreeing_pairs, raters * (raters - 1.0))
    unit_agreement[paired == 0] = 0.0
    # Each rating adds 1/r_u to its category: unit u adds n_uk / r_u to prevalence k.
    rating_share = 1.0 / raters[ratings.unit]
    contributions = _stack(
        n_units,
        _column(np.ones(n_units)),
        _column(paired),
        _column(unit_agreement),
        _Block(ratings.unit, ratings.category, rating_share, ratings.n_categories),
        units=ratings.kept,
    )
    sums = contributions.sums()
    prevalence = np.bincount(ratings.category, weights=rating_share) / n_units

    def model(variant: _Variant) -> _Model | Figure:
        n_categories = variant.n_categories
        if n_categories is None:
            n_categories = ratings.n_categories
        elif n_categories < ratings.n_categories:
            raise UsageError(
                f"n_categories is {n_categories}, but the ratings use {ratings.n_categories} categories"
            )
        if variant.needs_two_categories and n_categories < 2:
            return Figure.undefined(
                n_units, "only one category was used; this coefficient needs at least two"
            )
        chance_weights = variant.chance_weights

        def statistic(sums: np.ndarray) -> _Parts:
            # A resample of the figure's own units has n_units rated units, so sums[:, :1] > 0
            # (a resample of the whole table may have none: NaN, see resampled.py).
            resampled_prevalence = sums[:, 3:] / sums[:, :1]
            p_e = (resampled_prevalence * chance_weights(resampled_prevalence, n_categories)).sum(axis=1)
            return _chance_corrected(_divide(sums[:, 2], sums[:, 1]), p_e)

        def standard_error(value: float, p_e: float) -> float | None:
            if n_units < 2:
                return None
            weights = chance_weights(prevalence, n_categories)
            unit_chance = np.bincount(ratings.unit, weights=weights[ratings.category], minlength=n_units) / raters
            return _gwet_standard_error(value, p_e, paired, unit_agreement, unit_chance)

        return _Model(contributions, statistic, _ONE_CATEGORY, standard_error, point=statistic(sums))

    return {name: model(variant) for name, variant in variants.items()}


def _gwet_standard_error(
    value: float, p_e: float, paired: np.ndarray, unit_agreement: np.ndarray, unit_chance: np.ndarray
) -> float | None:
    """Gwet's (2014) linearised standard error, as irrCAC computes it (population taken as infinite).

    Arrays have shape (n_units,): ``paired`` 1 where the unit has two ratings or
    more, ``unit_agreement`` its share of agreeing rating pairs, ``unit_chance``
    its chance term ``sum_k n_uk g_k / r_u``.
    """
    n_units = len(paired)
    if n_units < 2:
        return None
    deviation = _gwet_deviation(value, p_e, paired, unit_agreement, unit_chance, n_units, paired.sum())
    return math.sqrt((deviation**2).sum() / (n_units * (n_units - 1)))


def _gwet_deviation(
    value: np.ndarray | float,
    p_e: np.ndarray | float,
    paired: np.ndarray,
    unit_agreement: np.ndarray,
    unit_chance: np.ndarray,
    n_units: int,
    n_paired: float,
) -> np.ndarray:
    """Each unit's linearised term minus the coefficient (Gwet, 2014), for :func:`_gwet_standard_error`.

    Arguments broadcast: per unit, or per code and unit for a batch of codes;
    ``n_units`` rated units, ``n_paired`` of them with two ratings or more.
    """
    unit_value = (n_units / n_paired) * (unit_agreement - p_e * paired) / (1.0 - p_e)
    linearised = unit_value - 2.0 * (1.0 - value) * (unit_chance - p_e) / (1.0 - p_e)
    return linearised - value
