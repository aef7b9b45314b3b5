"""Chance-corrected coefficients: kappa, alpha, AC1, Brennan–Prediger, positive agreement.

Every coefficient here is a function of sums over units of a per-unit
*contribution* vector. The point value is the statistic of the column sums;
a bootstrap resample is the same statistic of weighted sums (see
:mod:`reliability.intervals`), so the value and its interval can never disagree
and a resample costs one matrix product. Contributions are kept as
(unit, column, value) entries: their column sums take a bincount, and the
sparse per-unit matrix a bootstrap needs is built only then ("set as one label"
data can have thousands of distinct code sets, one column each).

Label matrices are ``ndarray[int]`` of shape ``(n_units, n_coders)`` holding a
category index ``>= 0``, or ``-1`` where the coder did not code the unit
(:meth:`reliability.codings.Codings.set_labels`,
:meth:`~reliability.codings.Codings.code_labels`). Category indices need not be
contiguous, but they are indices: memory grows with the largest one.

An undefined coefficient is a :class:`~reliability.figure.Figure` with value
None and a note saying why; no function here returns NaN or emits a warning.

References
----------
Brennan, R. L. & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses,
and alternatives. *Educational and Psychological Measurement* 41, 687–699.
Cohen, J. (1960). A coefficient of agreement for nominal scales.
*Educational and Psychological Measurement* 20, 37–46.
De Vries, H., Elliott, M. N., Kanouse, D. E. & Teleki, S. S. (2008). Using
pooled kappa to summarize interrater agreement across many items.
*Field Methods* 20, 272–282.
Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
*Psychological Bulletin* 76, 378–382.
Fleiss, J. L., Cohen, J. & Everitt, B. S. (1969). Large sample standard errors
of kappa and weighted kappa. *Psychological Bulletin* 72, 323–327.
Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the
presence of high agreement. *British Journal of Mathematical and Statistical
Psychology* 61, 29–48.
Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability*, 4th ed. Advanced
Analytics. (Variances by linearisation, as computed by the irrCAC package.)
Krippendorff, K. (2004). *Content Analysis*, 2nd ed. Sage.
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
Landis, J. R. & Koch, G. G. (1977). The measurement of observer agreement for
categorical data. *Biometrics* 33, 159–174.
Passonneau, R. (2006). Measuring agreement on set-valued items (MASI) for
semantic and pragmatic annotation. *LREC 2006*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable, NamedTuple

import numpy as np

from .codings import Codings
from .errors import UsageError
from .figure import Figure
from .intervals import BootstrapSettings, percentile_interval, resampled_sums

SET_DISTANCES = ("masi", "jaccard")
"""The distances between code sets that :func:`krippendorff_alpha_sets` knows."""

KAPPA_TYPE = (
    "cohen_kappa", "fleiss_kappa", "gwet_ac1", "brennan_prediger", "pooled_kappa",
    "gwet_ac2", "conger_kappa", "cohen_kappa_linear", "cohen_kappa_quadratic",
)
"""Figures read with the Landis & Koch (1977) bands."""

_NO_VARIATION = 1e-12
"""Chance agreement within this of 1 (or expected disagreement within this of 0)
leaves nothing to correct for: the coefficient is undefined."""

_DISTANCE_BLOCK = 2_000_000
"""Entries of the set-distance matrix built at a time: about 40 MB of working memory."""

_DENSE_TABLE_CELLS = 1 << 20
"""Largest contingency table of two coders counted densely (8 MB); beyond it only
the cells that occur are counted."""

SET_BOOTSTRAP_LIMIT = 2_000
"""Most distinct code sets for which set-distance alpha is bootstrapped: each resample
costs a pass over the (sets × sets) distance matrix, so beyond this the figure comes
without an interval and its note says why."""

_NO_PAIRED_UNIT = "no unit was coded by at least two coders"
_NO_SHARED_UNIT = "no unit was coded by both coders"
_NO_POSITIVE = "no coder applied the code to a unit that another coder also coded"
_ONE_CATEGORY = "every rating is in the same category, so agreement expected by chance is 1"
_NO_DISAGREEMENT = "every pairable rating is the same, so there is no disagreement to expect by chance"


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CodeCoefficients:
    """Presence/absence coefficients of one code.

    ``pairs`` maps a pair of coder names to ``{"cohen_kappa": Figure,
    "positive_agreement": Figure}``.
    """

    code: str
    fleiss_kappa: Figure
    krippendorff_alpha: Figure
    gwet_ac1: Figure
    positive_agreement: Figure
    pairs: dict[tuple[str, str], dict[str, Figure]]


@dataclass(frozen=True)
class Coefficients:
    """Every chance-corrected figure of one coding (DESIGN §3).

    ``overall`` has the keys fleiss_kappa, krippendorff_alpha,
    krippendorff_alpha_masi, krippendorff_alpha_jaccard, gwet_ac1 and
    brennan_prediger; ``pairs`` maps a pair of coder names to
    ``{"cohen_kappa": Figure, "pooled_kappa": Figure}``; ``codes`` follows the
    order of ``Codings.codes``.
    """

    overall: dict[str, Figure]
    pairs: dict[tuple[str, str], dict[str, Figure]]
    codes: tuple[CodeCoefficients, ...]


# --------------------------------------------------------------------------- nominal


def cohen_kappa(labels: np.ndarray, bootstrap: BootstrapSettings | None = None) -> Figure:
    """Cohen's kappa between two coders, over the units both coded.

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, 2)
        Category index per unit and coder, -1 where missing.
    bootstrap : BootstrapSettings, optional
        When given, ``ci`` is a percentile interval over resampled units.

    Returns
    -------
    Figure
        ``p_o`` the share of units with the same category, ``p_e`` the sum over
        categories of the product of the two coders' marginal shares (Cohen,
        1960); ``se`` the large-sample standard error of Fleiss, Cohen & Everitt
        (1969). Undefined when no unit was coded by both, or when both coders
        used one and the same category throughout (``p_e`` = 1).

    Examples
    --------
    The 2 × 2 table [[20, 5], [10, 15]] of Wikipedia's "Cohen's kappa":

    >>> labels = np.array([[0, 0]] * 20 + [[0, 1]] * 5 + [[1, 0]] * 10 + [[1, 1]] * 15)
    >>> kappa = cohen_kappa(labels)
    >>> round(kappa.value, 5), round(kappa.p_o, 5), round(kappa.p_e, 5), kappa.n_units
    (0.4, 0.7, 0.5, 50)
    """
    labels = _checked_labels(labels)
    if labels.shape[1] != 2:
        raise ValueError(f"Cohen's kappa compares two coders; labels have {labels.shape[1]} columns")
    return _cohen_figure(_PairTable.of(labels), bootstrap, labels)


def _cohen_figure(
    table: _PairTable, bootstrap: BootstrapSettings | None = None, labels: np.ndarray | None = None
) -> Figure:
    """Cohen's kappa from the pair's table; ``labels`` (n_units, 2) are needed only to bootstrap."""
    if table.n_units == 0:
        return Figure.undefined(0, _NO_SHARED_UNIT)
    point = _chance_corrected(np.array([table.p_o()]), np.array([table.p_e()]))
    # Without a bootstrap the table gives the point value and the se, so the per-unit
    # contributions (a gather over every unit) are built only for resampling.
    contributions = (
        _Contributions(table.n_units, ())
        if bootstrap is None
        else _cohen_contributions(labels[(labels[:, 0] >= 0) & (labels[:, 1] >= 0)])
    )

    def statistic(sums: np.ndarray) -> _Parts:
        # Every resample has n_units units, so sums[:, 0] > 0.
        n_categories = (sums.shape[1] - 2) // 2
        total = sums[:, :1]
        shares_first = sums[:, 2 : 2 + n_categories] / total
        shares_second = sums[:, 2 + n_categories :] / total
        return _chance_corrected(sums[:, 1] / total[:, 0], (shares_first * shares_second).sum(axis=1))

    return _figure(
        contributions,
        statistic,
        bootstrap,
        "both coders gave every unit the same category, so agreement expected by chance is 1",
        table.standard_error,
        point=point,
    )


def _cohen_contributions(pair: np.ndarray) -> _Contributions:
    """Per-unit columns [1, agree, first coder's category one-hot, second's one-hot].

    ``pair`` (n_units, 2) holds the units both coders coded.
    """
    n_units = len(pair)
    n_categories, compact = _compact_categories(pair)
    first, second = compact.T
    every_unit = np.arange(n_units)
    return _stack(
        n_units,
        _column(np.ones(n_units)),
        _column(first == second),
        _Block(every_unit, first, np.ones(n_units), n_categories),
        _Block(every_unit, second, np.ones(n_units), n_categories),
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
    ratings = _Ratings.of(_checked_labels(labels), min_raters=2)
    if ratings.n_units == 0:
        return Figure.undefined(0, _NO_PAIRED_UNIT)
    # Ordered pairs of a unit's values in different categories, over m_u - 1 (Krippendorff, 2011).
    disagreement = ratings.raters - 2.0 * ratings.agreeing_pairs / (ratings.raters - 1.0)
    return _alpha_figure(
        ratings.unit, ratings.category, ratings.n_categories, ratings.raters, disagreement,
        _nominal_delta_times, bootstrap,
    )


# --------------------------------------------------------------------------- presence/absence


def positive_agreement(labels: np.ndarray, bootstrap: BootstrapSettings | None = None) -> Figure:
    """Positive (specific) agreement on one code, for two or more coders.

    ``sum_u n_u (n_u - 1) / sum_u n_u (m_u - 1)`` over units with ``m_u >= 2``
    ratings, ``n_u`` of which apply the code; for two coders this is
    ``2 n11 / (2 n11 + n10 + n01)``.

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, n_coders)
        1 where the coder applied the code, 0 where not, -1 where missing
        (:meth:`~reliability.codings.Codings.code_labels`).
    bootstrap : BootstrapSettings, optional
        When given, ``ci`` is a percentile interval over resampled units.

    Returns
    -------
    Figure
        Not chance-corrected: ``p_o`` and ``p_e`` are None. Undefined when no
        unit has two ratings or nobody applied the code to such a unit.

    Examples
    --------
    "yes" in Wikipedia's Cohen's kappa table [[20, 5], [10, 15]]: 2·20 / (2·20 + 5 + 10).

    >>> labels = np.array([[1, 1]] * 20 + [[1, 0]] * 5 + [[0, 1]] * 10 + [[0, 0]] * 15)
    >>> round(positive_agreement(labels).value, 5), round(40 / 55, 5)
    (0.72727, 0.72727)
    """
    labels = _checked_labels(labels)
    if labels.size and labels.max() > 1:
        raise ValueError("positive agreement needs presence/absence labels: 1, 0 or -1")
    raters = (labels >= 0).sum(axis=1)
    paired = raters >= 2
    if not paired.any():
        return Figure.undefined(0, _NO_PAIRED_UNIT)
    applying = (labels[paired] == 1).sum(axis=1).astype(np.float64)
    contributions = _stack(
        len(applying),
        _column(applying * (applying - 1.0)),
        _column(applying * (raters[paired] - 1.0)),
    )

    def statistic(sums: np.ndarray) -> _Parts:
        return _Parts(_divide(sums[:, 0], sums[:, 1]))

    return _figure(
        contributions,
        statistic,
        bootstrap,
        _NO_POSITIVE,
    )


def pooled_kappa(
    applied_a: np.ndarray, applied_b: np.ndarray, bootstrap: BootstrapSettings | None = None
) -> Figure:
    """Pooled kappa of two coders across codes (De Vries et al., 2008).

    For each code, ``p_o`` is the share of units where both coders applied it
    or both did not, and ``p_e = a b + (1 - a)(1 - b)`` with ``a``, ``b`` the
    coders' shares of units with the code; ``kappa = (mean p_o - mean p_e) /
    (1 - mean p_e)``.

    Parameters
    ----------
    applied_a, applied_b : ndarray of bool, shape (n_units, n_codes)
        The codes each coder applied, over the units both coded.
    bootstrap : BootstrapSettings, optional
        When given, ``ci`` is a percentile interval over resampled units.

    Returns
    -------
    Figure
        Undefined when there is no unit or no code, or when every code was
        applied by both coders to every unit or to none (mean ``p_e`` = 1).

    Examples
    --------
    One code as in Wikipedia's Cohen's kappa table equals Cohen's kappa (0.4);
    a second code that both coders applied to no unit pools in perfect agreement:

    >>> first = np.array([1] * 25 + [0] * 25, dtype=bool)
    >>> second = np.array([1] * 20 + [0] * 5 + [1] * 10 + [0] * 15, dtype=bool)
    >>> never = np.zeros(50, dtype=bool)
    >>> round(pooled_kappa(first[:, None], second[:, None]).value, 5)
    0.4
    >>> pooled = pooled_kappa(np.column_stack([first, never]), np.column_stack([second, never]))
    >>> round(pooled.p_o, 5), round(pooled.p_e, 5), round(pooled.value, 5)
    (0.85, 0.75, 0.4)
    """
    applied_a = np.asarray(applied_a, dtype=bool)
    applied_b = np.asarray(applied_b, dtype=bool)
    if applied_a.ndim != 2 or applied_a.shape != applied_b.shape:
        raise ValueError(
            f"pooled kappa needs two (n_units, n_codes) arrays of one shape, "
            f"got {applied_a.shape} and {applied_b.shape}"
        )
    n_units, n_codes = applied_a.shape
    if n_units == 0:
        return Figure.undefined(0, _NO_SHARED_UNIT)
    if n_codes == 0:
        return Figure.undefined(n_units, "there are no codes")
    contributions = _stack(
        n_units,
        _column(np.ones(n_units)),
        *(_Block.of_flags(flags) for flags in (applied_a, applied_b, applied_a & applied_b)),
    )

    def statistic(sums: np.ndarray) -> _Parts:
        # Every resample has n_units units, so sums[:, :1] > 0.
        shares = sums[:, 1:] / sums[:, :1]
        share_a, share_b, share_both = (
            shares[:, :n_codes],
            shares[:, n_codes : 2 * n_codes],
            shares[:, 2 * n_codes :],
        )
        observed = 1.0 - share_a - share_b + 2.0 * share_both
        expected = share_a * share_b + (1.0 - share_a) * (1.0 - share_b)
        return _chance_corrected(observed.mean(axis=1), expected.mean(axis=1))

    return _figure(
        contributions,
        statistic,
        bootstrap,
        "each code was applied by both coders to every unit or to none, "
        "so agreement expected by chance is 1",
    )


# --------------------------------------------------------------------------- set distance


def krippendorff_alpha_sets(
    applied: np.ndarray,
    seen: np.ndarray,
    distance: str = "masi",
    bootstrap: BootstrapSettings | None = None,
) -> Figure:
    """Krippendorff's alpha with a distance between code sets.

    Parameters
    ----------
    applied : ndarray of bool, shape (n_units, n_coders, n_codes)
    seen : ndarray of bool, shape (n_units, n_coders)
        As in :class:`~reliability.codings.Codings`; units with at least two
        coders count.
    distance : {"masi", "jaccard"}
        Jaccard distance ``1 - |A∩B| / |A∪B|``; MASI ``1 - J·M`` with M = 1 for
        equal sets, 2/3 when one is a subset of the other, 1/3 when they overlap
        otherwise, 0 when disjoint (Passonneau, 2006; exact thirds as NLTK >= 3.9).
        Two empty sets have distance 0.
    bootstrap : BootstrapSettings, optional
        When given, ``ci`` is a percentile interval over resampled units.

    Returns
    -------
    Figure
        ``value = 1 - D_o / D_e``, ``p_o = 1 - D_o``, ``p_e = 1 - D_e``; ``se``
        is Gwet's (2014) standard error of alpha with agreement weights
        ``1 - distance``, as irrCAC computes it. Undefined when no unit has two
        coders or every coder gave every such unit one and the same set.

    Raises
    ------
    UsageError
        For a distance other than "masi" or "jaccard".

    Examples
    --------
    Two coders, 9 items (DKPro Statistics SetAnnotationsTest; NLTK gives the same):

    >>> from reliability.codings import from_sets
    >>> first = [set(), {"A"}, {"A"}, {"A"}, {"A", "B"}, {"A", "B"}, {"A", "B", "C"}, {"C"}, {"C"}]
    >>> second = [set(), set(), {"A"}, {"B"}, {"A"}, {"A", "C"}, {"A", "B", "C"}, {"A", "C"}, {"A", "C"}]
    >>> codings = from_sets({"c1": dict(zip("123456789", first)), "c2": dict(zip("123456789", second))})
    >>> round(krippendorff_alpha_sets(codings.applied, codings.seen, "masi").value, 5)
    0.27308
    >>> round(krippendorff_alpha_sets(codings.applied, codings.seen, "jaccard").value, 5)
    0.31562
    """
    if distance not in SET_DISTANCES:
        raise UsageError(
            f"unknown set distance '{distance}'; choose one of: {', '.join(SET_DISTANCES)}"
        )
    applied = np.asarray(applied, dtype=bool)
    seen = np.asarray(seen, dtype=bool)
    if applied.ndim != 3 or seen.shape != applied.shape[:2]:
        raise ValueError(
            f"applied {applied.shape} must be (n_units, n_coders, n_codes) and seen {seen.shape} "
            "(n_units, n_coders)"
        )
    raters_all = seen.sum(axis=1)
    paired = raters_all >= 2
    if not paired.any():
        return Figure.undefined(0, _NO_PAIRED_UNIT)
    applied, seen = applied[paired], seen[paired]
    raters = raters_all[paired].astype(np.float64)

    patterns, set_of_rating = _distinct_sets(applied[seen])
    unit_of_rating = np.nonzero(seen)[0]

    # Ordered pairs of coders within a unit, one coder pair at a time (vectorised over units).
    sizes = applied.sum(axis=2)
    pair_distances = np.zeros(len(raters))
    n_coders = seen.shape[1]
    for first in range(n_coders):
        for second in range(first + 1, n_coders):
            both = seen[:, first] & seen[:, second]
            shared = (applied[both, first] & applied[both, second]).sum(axis=1)
            pair_distances[both] += 2.0 * _set_distance(
                shared, sizes[both, first], sizes[both, second], distance
            )
    disagreement = pair_distances / (raters - 1.0)
    too_many_sets = bootstrap is not None and len(patterns) > SET_BOOTSTRAP_LIMIT
    figure = _alpha_figure(
        unit_of_rating, set_of_rating, len(patterns), raters, disagreement,
        _set_delta_times(patterns, distance), None if too_many_sets else bootstrap,
    )
    if too_many_sets and figure.value is not None:
        figure = replace(
            figure,
            note=f"no interval: {len(patterns):,} distinct code sets are more than the "
            f"{SET_BOOTSTRAP_LIMIT:,} a bootstrap of set-distance alpha handles",
        )
    return figure


# --------------------------------------------------------------------------- report layer


def chance_corrected(
    codings: Codings,
    pairs: list[tuple[int, int]],
    bootstrap: BootstrapSettings | None = None,
) -> Coefficients:
    """Every chance-corrected figure of a coding, in the three views of DESIGN §3.

    Parameters
    ----------
    codings : Codings
    pairs : list of (int, int)
        Coder index pairs to compare (all pairs, or a reference coder vs the others).
    bootstrap : BootstrapSettings, optional
        When given, every figure gets a percentile interval.

    Returns
    -------
    Coefficients
        ``overall``: set-as-one-label Fleiss, alpha, AC1 and Brennan–Prediger over
        all coders (Gwet's generalisation for missing ratings) and MASI/Jaccard
        alpha; ``pairs``: set-as-one-label Cohen's kappa and pooled kappa;
        ``codes``: presence/absence coefficients of each code (without a
        bootstrap computed for all codes at once, with the same figures to the
        last bit as the per-code functions).

    Examples
    --------
    >>> from reliability.codings import from_sets
    >>> codings = from_sets({"A": {"u1": {"x"}, "u2": {"y"}, "u3": set()},
    ...                      "B": {"u1": {"x"}, "u2": {"x", "y"}, "u3": set()}})
    >>> result = chance_corrected(codings, [(0, 1)])
    >>> sorted(result.overall)  # doctest: +NORMALIZE_WHITESPACE
    ['brennan_prediger', 'fleiss_kappa', 'gwet_ac1', 'krippendorff_alpha',
     'krippendorff_alpha_jaccard', 'krippendorff_alpha_masi']
    >>> list(result.pairs[("A", "B")]), [code.code for code in result.codes]
    (['cohen_kappa', 'pooled_kappa'], ['x', 'y'])
    """
    coder_names = codings.coders
    for first, second in pairs:
        if not (0 <= first < codings.n_coders and 0 <= second < codings.n_coders) or first == second:
            raise ValueError(f"({first}, {second}) is not a pair of distinct coder indices")
    labels, _ = codings.set_labels()
    applied, seen = codings.applied, codings.seen
    overall = {
        "fleiss_kappa": fleiss_kappa(labels, bootstrap),
        "krippendorff_alpha": krippendorff_alpha(labels, bootstrap),
        "krippendorff_alpha_masi": krippendorff_alpha_sets(applied, seen, "masi", bootstrap),
        "krippendorff_alpha_jaccard": krippendorff_alpha_sets(applied, seen, "jaccard", bootstrap),
        "gwet_ac1": gwet_ac1(labels, bootstrap=bootstrap),
        "brennan_prediger": brennan_prediger(labels, bootstrap=bootstrap),
    }
    pair_figures = {}
    for first, second in pairs:
        both = seen[:, first] & seen[:, second]
        pair_figures[(coder_names[first], coder_names[second])] = {
            "cohen_kappa": cohen_kappa(labels[:, [first, second]], bootstrap),
            "pooled_kappa": pooled_kappa(applied[both, first], applied[both, second], bootstrap),
        }
    if bootstrap is None:
        return Coefficients(overall=overall, pairs=pair_figures, codes=_code_coefficients(codings, pairs))
    codes = []
    for k, code in enumerate(codings.codes):
        presence = codings.code_labels(k)
        codes.append(
            CodeCoefficients(
                code=code,
                fleiss_kappa=fleiss_kappa(presence, bootstrap),
                krippendorff_alpha=krippendorff_alpha(presence, bootstrap),
                gwet_ac1=gwet_ac1(presence, n_categories=2, bootstrap=bootstrap),
                positive_agreement=positive_agreement(presence, bootstrap),
                pairs={
                    (coder_names[first], coder_names[second]): {
                        "cohen_kappa": cohen_kappa(presence[:, [first, second]], bootstrap),
                        "positive_agreement": positive_agreement(
                            presence[:, [first, second]], bootstrap
                        ),
                    }
                    for first, second in pairs
                },
            )
        )
    return Coefficients(overall=overall, pairs=pair_figures, codes=tuple(codes))


def interpret(name: str, value: float | None) -> str:
    """The conventional reading of a figure's value.

    Parameters
    ----------
    name : str
        The figure's key: kappa-type figures (:data:`KAPPA_TYPE`) get the Landis
        & Koch (1977) band; names containing "krippendorff_alpha" get
        Krippendorff's (2004): "reliable" from .800, "tentative" from .667,
        "unreliable" below. Any other figure (positive or observed agreement)
        has no conventional band.
    value : float or None
        None (undefined) has no band.

    Returns
    -------
    str
        The band, or "" when there is none.

    Examples
    --------
    >>> interpret("cohen_kappa", 0.4), interpret("krippendorff_alpha_masi", 0.7)
    ('fair', 'tentative')
    >>> interpret("fleiss_kappa", -0.1), interpret("positive_agreement", 0.9), interpret("gwet_ac1", None)
    ('poor', '', '')
    """
    if value is None:
        return ""
    if "krippendorff_alpha" in name:
        if value >= 0.800:
            return "reliable"
        return "tentative" if value >= 0.667 else "unreliable"
    if name in KAPPA_TYPE:
        if value < 0.0:
            return "poor"
        for upper, band in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial")):
            if value <= upper:
                return band
        return "almost perfect"
    return ""


# --------------------------------------------------------------------------- per-code batch


def _code_coefficients(codings: Codings, pairs: list[tuple[int, int]]) -> tuple[CodeCoefficients, ...]:
    """The ``codes`` view of :func:`chance_corrected` without a bootstrap, all codes at once.

    Presence/absence data has two categories, so every per-unit quantity follows
    from ``m_u`` (coders who coded the unit) and ``n_uk`` (coders who applied code
    k): one (codes × units) array per quantity instead of a pass over the labels
    per code, and a pair's 2 × 2 table per code from three counts. Sums run along
    the units of each row in the order the per-code functions use, so every
    figure equals what :func:`fleiss_kappa`, :func:`krippendorff_alpha`,
    :func:`gwet_ac1` (2 categories), :func:`positive_agreement` and
    :func:`cohen_kappa` return for ``codings.code_labels(k)``
    (tests/test_coefficients.py checks every field).
    """
    seen = codings.seen
    applied = codings.applied & seen[:, :, None]
    # n_uk as a C-ordered (codes × units) float array, and so every array derived from it:
    # numpy sums a C-ordered row pairwise, exactly as it sums the 1-D per-code arrays.
    applying = np.ascontiguousarray(applied.sum(axis=1, dtype=np.float64).T)
    raters = seen.sum(axis=1)
    fleiss, ac1 = _presence_gwet_family(applied, seen, applying, raters)
    alpha = _presence_alpha(applying, raters)
    positive = _presence_positive(applying, raters)
    names = codings.coders
    pair_figures = {(names[a], names[b]): _presence_pair(applied, seen, a, b) for a, b in pairs}
    return tuple(
        CodeCoefficients(
            code=code,
            fleiss_kappa=fleiss[k],
            krippendorff_alpha=alpha[k],
            gwet_ac1=ac1[k],
            positive_agreement=positive[k],
            pairs={
                pair: {"cohen_kappa": kappas[k], "positive_agreement": positives[k]}
                for pair, (kappas, positives) in pair_figures.items()
            },
        )
        for k, code in enumerate(codings.codes)
    )


def _presence_agreeing_pairs(raters: np.ndarray, applying: np.ndarray) -> np.ndarray:
    """Unordered agreeing rating pairs per code and unit: both applied or both did not."""
    absent = raters - applying
    return applying * (applying - 1.0) / 2.0 + absent * (absent - 1.0) / 2.0


def _point_figures(
    n_units: int,
    value: np.ndarray,
    p_o: np.ndarray | None,
    p_e: np.ndarray | None,
    standard_error: Callable[[int], float | None],
    undefined_note: str,
) -> list[Figure]:
    """One Figure per code from (codes,) arrays, as :func:`_figure` builds it without a bootstrap."""
    figures = []
    for k in range(len(value)):
        k_p_o = None if p_o is None else float(p_o[k])
        k_p_e = None if p_e is None else float(p_e[k])
        if not math.isfinite(value[k]):
            figures.append(Figure.undefined(n_units, undefined_note, p_o=k_p_o, p_e=k_p_e))
        else:
            figures.append(
                Figure(value=float(value[k]), n_units=n_units, p_o=k_p_o, p_e=k_p_e, se=standard_error(k))
            )
    return figures


def _presence_gwet_family(
    applied: np.ndarray, seen: np.ndarray, all_applying: np.ndarray, all_raters: np.ndarray
) -> tuple[list[Figure], list[Figure]]:
    """Fleiss' kappa and AC1 (q = 2) of every code, as :func:`_gwet_family` computes them."""
    n_codes = applied.shape[2]
    rated = np.flatnonzero(all_raters >= 1)
    n_units = len(rated)
    raters = all_raters[rated].astype(np.float64)
    paired = (raters >= 2).astype(np.float64)
    if not paired.any():
        undefined = [Figure.undefined(n_units, _NO_PAIRED_UNIT) for _ in range(n_codes)]
        return undefined, list(undefined)
    applying = np.ascontiguousarray(all_applying[:, rated])
    unit_agreement = _divide(2.0 * _presence_agreeing_pairs(raters, applying), raters * (raters - 1.0))
    unit_agreement[:, paired == 0] = 0.0
    p_o = _divide(unit_agreement.sum(axis=1), np.full(n_codes, np.sum(paired)))
    # Sums in the order the per-code bincounts add ratings (unit by unit, coder by coder),
    # so that they match to the last bit.
    rated_seen, rated_applied = seen[rated], applied[rated]
    rating_unit, rating_coder = np.nonzero(rated_seen)
    category = rated_applied[rating_unit, rating_coder]  # (n_ratings, codes)
    share = 1.0 / raters[rating_unit]
    prevalence = np.array(
        [np.bincount(category[:, k].astype(np.intp), weights=share, minlength=2) for k in range(n_codes)]
    ).reshape(n_codes, 2) / n_units
    by_coder = [np.ascontiguousarray(rated_applied[:, coder].T) for coder in range(rated_seen.shape[1])]
    results = []
    # Fleiss' chance weights ignore q; AC1 of presence/absence has q = 2.
    for chance_weights in (_fleiss_chance_weights, _ac1_chance_weights):
        weights = chance_weights(prevalence, 2)
        parts = _chance_corrected(p_o, (prevalence * weights).sum(axis=1))
        # Each unit's chance term: its ratings' weights added coder by coder, as bincount does.
        unit_chance = np.zeros((n_codes, n_units))
        for coder, coder_applied in enumerate(by_coder):
            absent_weight = np.where(rated_seen[:, coder], weights[:, :1], 0.0)
            unit_chance += np.where(coder_applied, weights[:, 1:], absent_weight)
        unit_chance /= raters

        def standard_error(k: int, parts: _Parts = parts, unit_chance: np.ndarray = unit_chance) -> float | None:
            if n_units < 2:
                return None
            value, p_e = float(parts.value[k]), float(parts.p_e[k])
            unit_value = (n_units / paired.sum()) * (unit_agreement[k] - p_e * paired) / (1.0 - p_e)
            linearised = unit_value - 2.0 * (1.0 - value) * (unit_chance[k] - p_e) / (1.0 - p_e)
            return math.sqrt(((linearised - value) ** 2).sum() / (n_units * (n_units - 1)))

        results.append(_point_figures(n_units, parts.value, parts.p_o, parts.p_e, standard_error, _ONE_CATEGORY))
    return results[0], results[1]


def _presence_alpha(all_applying: np.ndarray, all_raters: np.ndarray) -> list[Figure]:
    """Nominal Krippendorff's alpha of every code, as :func:`krippendorff_alpha` computes it."""
    kept = np.flatnonzero(all_raters >= 2)
    n_units = len(kept)
    if n_units == 0:
        return [Figure.undefined(0, _NO_PAIRED_UNIT) for _ in range(len(all_applying))]
    raters = all_raters[kept].astype(np.float64)
    applying = np.ascontiguousarray(all_applying[:, kept])
    disagreement = raters - 2.0 * _presence_agreeing_pairs(raters, applying) / (raters - 1.0)
    observed_sum = disagreement.sum(axis=1)
    # Coincidence marginals and the nominal spread (n_. - n_c) are integers: exact in any order.
    present = applying.sum(axis=1)
    pairable = raters.sum()
    absent = pairable - present
    observed = observed_sum / pairable
    expected = (absent * present + present * absent) / (pairable * (pairable - 1.0))
    ratio = np.divide(observed, expected, out=np.full_like(expected, np.nan), where=expected > _NO_VARIATION)
    mean_raters = raters.mean()
    deviation = (raters - mean_raters) / mean_raters

    def standard_error(k: int) -> float | None:
        # As _alpha_figure's standard_error, with spread (n_. - n_0, n_. - n_1) = (present, absent).
        if n_units < 2:
            return None
        chance = 1.0 - (absent[k] * present[k] + present[k] * absent[k]) / pairable**2
        agreement_prime = 1.0 - observed_sum[k] / pairable
        agreement = agreement_prime + (1.0 - agreement_prime) / pairable
        alpha_prime = (agreement_prime - chance) / (1.0 - chance)
        unit_agreement = (raters - disagreement[k]) / mean_raters - agreement * deviation
        unit_spread = applying[k] * absent[k] + (raters - applying[k]) * present[k]
        unit_chance = (raters - unit_spread / pairable) / mean_raters - chance * deviation
        linearised = (unit_agreement - chance) / (1.0 - chance) - 2.0 * (1.0 - alpha_prime) * (
            unit_chance - chance
        ) / (1.0 - chance)
        return math.sqrt(((linearised - alpha_prime) ** 2).sum() / (n_units * (n_units - 1)))

    return _point_figures(n_units, 1.0 - ratio, 1.0 - observed, 1.0 - expected, standard_error, _NO_DISAGREEMENT)


def _presence_positive(all_applying: np.ndarray, all_raters: np.ndarray) -> list[Figure]:
    """Positive agreement of every code among all coders, as :func:`positive_agreement`."""
    paired = np.flatnonzero(all_raters >= 2)
    if len(paired) == 0:
        return [Figure.undefined(0, _NO_PAIRED_UNIT) for _ in range(len(all_applying))]
    applying = np.ascontiguousarray(all_applying[:, paired])
    # Integer sums: exact in any order.
    value = _divide((applying * (applying - 1.0)).sum(axis=1), (applying * (all_raters[paired] - 1.0)).sum(axis=1))
    return _point_figures(len(paired), value, None, None, lambda k: None, _NO_POSITIVE)


def _presence_pair(
    applied: np.ndarray, seen: np.ndarray, first: int, second: int
) -> tuple[list[Figure], list[Figure]]:
    """Cohen's kappa and positive agreement of every code for one pair of coders.

    From the pair's 2 × 2 table per code: ``n11`` units both applied the code,
    ``n1.``/``n.1`` units (of those both coded) the first/second applied it.
    """
    n_codes = applied.shape[2]
    both = seen[:, first] & seen[:, second]
    n_both = int(np.count_nonzero(both))
    if n_both == 0:
        return [Figure.undefined(0, _NO_SHARED_UNIT)] * n_codes, [Figure.undefined(0, _NO_PAIRED_UNIT)] * n_codes
    together = np.count_nonzero(applied[:, first] & applied[:, second], axis=0)
    by_first = np.count_nonzero(applied[:, first] & both[:, None], axis=0)
    by_second = np.count_nonzero(applied[:, second] & both[:, None], axis=0)
    tables = np.stack(
        [n_both - by_first - by_second + together, by_second - together, by_first - together, together], axis=1
    ).reshape(n_codes, 2, 2)
    kappas = [_cohen_figure(_PairTable.of_dense(table)) for table in tables]
    # Positive agreement's sums over units: sum n(n - 1) = 2 n11, sum n (m - 1) = n1. + n.1.
    value = _divide(2.0 * together, (by_first + by_second).astype(np.float64))
    return kappas, _point_figures(n_both, value, None, None, lambda k: None, _NO_POSITIVE)


# --------------------------------------------------------------------------- shared machinery


class _Parts(NamedTuple):
    """A statistic evaluated on a batch of summed contributions, each of shape (B,)."""

    value: np.ndarray
    p_o: np.ndarray | None = None
    p_e: np.ndarray | None = None


class _Block(NamedTuple):
    """Some per-unit contribution columns, as entries: ``values`` at ``(units, index)``.

    ``index`` counts from the block's first column; the block is ``width`` wide.
    ``units`` and ``index`` are None for a single column with one value per unit.
    """

    units: np.ndarray | None
    index: np.ndarray | None
    values: np.ndarray
    width: int

    @classmethod
    def of_flags(cls, flags: np.ndarray) -> "_Block":
        """A 1 wherever a boolean (n_units, width) array is True."""
        units, index = np.nonzero(flags)
        return cls(units, index, np.ones(len(units)), flags.shape[1])

    def sums(self) -> np.ndarray:
        if self.index is None:
            return np.array([np.sum(self.values, dtype=np.float64)])
        return np.bincount(self.index, weights=self.values, minlength=self.width)

    def entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(units, index, values) with every entry spelt out."""
        if self.index is None:
            return np.arange(len(self.values)), np.zeros(len(self.values), np.intp), self.values
        return self.units, self.index, self.values


def _column(values: np.ndarray) -> _Block:
    """One contribution column with a value for every unit."""
    return _Block(None, None, values, 1)


@dataclass(frozen=True)
class _Contributions:
    """Per-unit contribution vectors: blocks of columns side by side, in order.

    Entries at the same place add up. The column sums take one bincount per
    block; the (n_units, n_columns) matrix is only built for a bootstrap.
    """

    n_units: int
    blocks: tuple[_Block, ...]

    def sums(self) -> np.ndarray:
        """Column sums over all units, shape (1, n_columns)."""
        return np.concatenate([block.sums() for block in self.blocks])[None, :]

    def matrix(self) -> Any:
        """The sparse (n_units, n_columns) matrix of the contributions."""
        # Imported here, not at module level, so that `reliability --help` stays fast.
        from scipy import sparse

        offsets = np.cumsum([0] + [block.width for block in self.blocks])
        units, columns, values = zip(*(block.entries() for block in self.blocks))
        return sparse.csr_array(
            (
                np.concatenate(values).astype(np.float64),
                (np.concatenate(units), np.concatenate([c + o for c, o in zip(columns, offsets)])),
            ),
            shape=(self.n_units, int(offsets[-1])),
        )


def _stack(n_units: int, *blocks: _Block) -> _Contributions:
    """Blocks of columns side by side, in order."""
    return _Contributions(n_units, blocks)


def _figure(
    contributions: _Contributions,
    statistic: Callable[[np.ndarray], _Parts],
    bootstrap: BootstrapSettings | None,
    undefined_note: str,
    standard_error: Callable[[float, float], float | None] | None = None,
    point: _Parts | None = None,
) -> Figure:
    """The Figure of the statistic of the column sums, with its se and interval.

    ``standard_error(value, p_e)`` is called only when the value is defined;
    ``point`` is the statistic at the column sums when the caller has it already.
    """
    parts = statistic(contributions.sums()) if point is None else point
    p_o = None if parts.p_o is None else float(parts.p_o[0])
    p_e = None if parts.p_e is None else float(parts.p_e[0])
    value = float(parts.value[0])
    if not math.isfinite(value):
        return Figure.undefined(contributions.n_units, undefined_note, p_o=p_o, p_e=p_e)
    se = None
    if standard_error is not None:
        se = standard_error(value, p_e if p_e is not None else math.nan)
    ci = None if bootstrap is None else _percentile_bootstrap(contributions, statistic, bootstrap)
    return Figure(value=value, n_units=contributions.n_units, p_o=p_o, p_e=p_e, ci=ci, se=se)


def _percentile_bootstrap(
    contributions: _Contributions,
    statistic: Callable[[np.ndarray], _Parts],
    settings: BootstrapSettings,
) -> tuple[float, float] | None:
    """Percentile interval over units, as :func:`reliability.intervals.bootstrap`.

    Evaluates the statistic once on all resampled sums (the set-distance
    statistic rebuilds its distance matrix on every call).
    """
    resampled = resampled_sums(contributions.matrix(), settings)
    return percentile_interval(statistic(resampled).value, settings.confidence)


def _chance_corrected(p_o: np.ndarray, p_e: np.ndarray) -> _Parts:
    """``(p_o - p_e) / (1 - p_e)``, NaN where chance agreement is 1."""
    room = 1.0 - p_e
    value = np.divide(
        p_o - p_e, room, out=np.full_like(room, np.nan), where=room > _NO_VARIATION
    )
    return _Parts(value, p_o, p_e)


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise quotient, NaN (and no warning) where the denominator is 0."""
    return np.divide(
        numerator,
        denominator,
        out=np.full(np.broadcast(numerator, denominator).shape, np.nan),
        where=denominator != 0,
    )


def _checked_labels(labels: np.ndarray) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 2 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be a 2-D integer array (units × coders), got {labels.ndim}-D {labels.dtype}"
        )
    if labels.size and labels.min() < -1:
        raise ValueError("labels are category indices >= 0, or -1 for missing")
    return labels


def _compact_categories(labels: np.ndarray) -> tuple[int, np.ndarray]:
    """Renumber category indices (>= 0) to 0..q-1 in increasing order.

    Returns q, the number of categories that occur, and the renumbered labels.
    A bincount over the indices rather than a sort: labels are indices, so their
    range is small, and this runs once per figure.
    """
    if labels.size == 0:
        return 0, labels
    occurs = np.bincount(labels.ravel()) > 0
    return int(occurs.sum()), (np.cumsum(occurs) - 1)[labels]


@dataclass(frozen=True)
class _PairTable:
    """The contingency table of two coders over the units both coded, as its non-empty cells.

    Cell ``c`` holds ``count[c]`` units the first coder put in category ``row[c]``
    and the second in ``column[c]`` (category indices as given, not renumbered);
    ``first_shares`` and ``second_shares`` are the coders' marginal shares per
    category index.
    """

    row: np.ndarray
    column: np.ndarray
    count: np.ndarray
    first_shares: np.ndarray
    second_shares: np.ndarray
    n_units: int

    @classmethod
    def of(cls, labels: np.ndarray) -> "_PairTable":
        """The table of an (n_units, 2) label matrix with -1 for missing.

        One bincount over ``first * width + second`` with every index shifted by
        one, so that a missing rating lands in row or column 0 and is dropped with
        it, without filtering the units. When that dense table would exceed
        ``_DENSE_TABLE_CELLS`` (set labels: thousands of categories) the cells are
        counted by sorting the shared units' cell keys instead.
        """
        width = int(labels.max(initial=-1)) + 2
        if width * width <= _DENSE_TABLE_CELLS:
            keys = labels[:, 0].astype(np.intp) * width
            keys += labels[:, 1]
            keys += width + 1
            return cls.of_dense(np.bincount(keys, minlength=width * width).reshape(width, width)[1:, 1:])
        pair = labels[(labels[:, 0] >= 0) & (labels[:, 1] >= 0)].astype(np.int64)
        cells, count = np.unique(pair[:, 0] * width + pair[:, 1], return_counts=True)
        row, column = np.divmod(cells, width)
        return cls.of_cells(row, column, count, width - 1)

    @classmethod
    def of_dense(cls, table: np.ndarray) -> "_PairTable":
        """From a (q, q) table of unit counts, first coder's category by the second's."""
        row, column = np.nonzero(table)
        return cls.of_cells(row, column, table[row, column], table.shape[0])

    @classmethod
    def of_cells(cls, row: np.ndarray, column: np.ndarray, count: np.ndarray, n_categories: int) -> "_PairTable":
        """From the non-empty cells, category indices below ``n_categories``."""
        n_units = int(count.sum())
        weights = count.astype(np.float64)
        return cls(
            row=row,
            column=column,
            count=weights,
            first_shares=np.bincount(row, weights=weights, minlength=n_categories) / max(n_units, 1),
            second_shares=np.bincount(column, weights=weights, minlength=n_categories) / max(n_units, 1),
            n_units=n_units,
        )

    def p_o(self) -> float:
        """Share of units in a diagonal cell."""
        return float(self.count[self.row == self.column].sum()) / self.n_units

    def p_e(self) -> float:
        """Sum over categories of the product of the two coders' shares (Cohen, 1960)."""
        return float(self.first_shares @ self.second_shares)

    def standard_error(self, kappa: float, p_e: float) -> float:
        """Large-sample se of kappa (Fleiss, Cohen & Everitt, 1969), in O(cells).

        A unit in cell (i, j) adds x^2 off the diagonal and (1 - x)^2 = x^2 + 1 - 2x
        on it, with x = (1 - kappa)(p_.i + p_j.); every unit of a cell adds the same.
        """
        x = (1.0 - kappa) * (self.second_shares[self.row] + self.first_shares[self.column])
        diagonal = self.row == self.column
        total = self.count @ (x * x) + self.count[diagonal] @ (1.0 - 2.0 * x[diagonal])
        mean_term = total / self.n_units
        variance = (mean_term - (kappa - p_e * (1.0 - kappa)) ** 2) / (self.n_units * (1.0 - p_e) ** 2)
        return math.sqrt(max(variance, 0.0))


@dataclass(frozen=True)
class _Ratings:
    """The ratings of a label matrix, one entry per rating, over units with enough of them.

    ``unit[i]`` and ``category[i]`` (renumbered 0..n_categories-1) of rating i;
    ``raters[u]`` ratings of kept unit u; ``agreeing_pairs[u]`` unordered pairs of
    them in the same category, so that ``sum_k n_uk**2 = raters + 2 agreeing_pairs``.
    """

    unit: np.ndarray
    category: np.ndarray
    n_categories: int
    raters: np.ndarray
    agreeing_pairs: np.ndarray

    @property
    def n_units(self) -> int:
        return len(self.raters)

    @classmethod
    def of(cls, labels: np.ndarray, min_raters: int) -> "_Ratings":
        rated = labels >= 0
        raters = rated.sum(axis=1)
        kept = raters >= min_raters
        labels, rated = labels[kept], rated[kept]
        n_categories, category = _compact_categories(labels[rated])
        return cls(
            unit=np.nonzero(rated)[0],
            category=category,
            n_categories=n_categories,
            raters=raters[kept].astype(np.float64),
            agreeing_pairs=_agreeing_pairs(labels),
        )


def _agreeing_pairs(labels: np.ndarray) -> np.ndarray:
    """Per unit, the unordered pairs of ratings in the same category.

    Each row is sorted so equal labels are adjacent; walking the columns, a rating
    pairs with every earlier rating of its run. Missing ratings get distinct
    negative stand-ins so they never pair.
    """
    n_units, n_coders = labels.shape
    stand_ins = -1 - np.arange(n_coders)
    ordered = np.sort(np.where(labels >= 0, labels, stand_ins), axis=1)
    run = np.zeros(n_units)
    pairs = np.zeros(n_units)
    for column in range(1, n_coders):
        run = np.where(ordered[:, column] == ordered[:, column - 1], run + 1.0, 0.0)
        pairs += run
    return pairs


# --------------------------------------------------------------------------- Gwet family


def _fleiss_chance_weights(prevalence: np.ndarray, n_categories: int) -> np.ndarray:
    return prevalence


def _ac1_chance_weights(prevalence: np.ndarray, n_categories: int) -> np.ndarray:
    return (1.0 - prevalence) / (n_categories - 1)


def _uniform_chance_weights(prevalence: np.ndarray, n_categories: int) -> np.ndarray:
    return np.full_like(prevalence, 1.0 / n_categories)


def _gwet_family(
    labels: np.ndarray,
    chance_weights: Callable[[np.ndarray, int], np.ndarray],
    n_categories: int | None,
    bootstrap: BootstrapSettings | None,
    needs_two_categories: bool,
) -> Figure:
    """Fleiss' kappa, AC1 or Brennan–Prediger under Gwet's treatment of missing ratings.

    The three differ only in chance agreement, written ``p_e = sum_k pi_k g_k(pi)``
    with ``g = pi`` (Fleiss), ``(1 - pi) / (q - 1)`` (AC1) or ``1 / q`` (BP); a
    unit's own chance term in the variance is then ``sum_k n_uk g_k / r_u``.
    """
    ratings = _Ratings.of(_checked_labels(labels), min_raters=1)
    n_units, raters = ratings.n_units, ratings.raters
    paired = (raters >= 2).astype(np.float64)
    if not paired.any():
        return Figure.undefined(n_units, _NO_PAIRED_UNIT)
    if n_categories is None:
        n_categories = ratings.n_categories
    elif n_categories < ratings.n_categories:
        raise UsageError(
            f"n_categories is {n_categories}, but the ratings use {ratings.n_categories} categories"
        )
    if needs_two_categories and n_categories < 2:
        return Figure.undefined(
            n_units, "only one category was used; this coefficient needs at least two"
        )
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
    )

    def statistic(sums: np.ndarray) -> _Parts:
        # Every resample has n_units rated units, so sums[:, :1] > 0.
        prevalence = sums[:, 3:] / sums[:, :1]
        p_e = (prevalence * chance_weights(prevalence, n_categories)).sum(axis=1)
        return _chance_corrected(_divide(sums[:, 2], sums[:, 1]), p_e)

    def standard_error(value: float, p_e: float) -> float | None:
        # Gwet (2014), linearised variance as in irrCAC, population taken as infinite.
        if n_units < 2:
            return None
        prevalence = np.bincount(ratings.category, weights=rating_share) / n_units
        weights = chance_weights(prevalence, n_categories)
        unit_chance = np.bincount(ratings.unit, weights=weights[ratings.category], minlength=n_units) / raters
        unit_value = (n_units / paired.sum()) * (unit_agreement - p_e * paired) / (1.0 - p_e)
        linearised = unit_value - 2.0 * (1.0 - value) * (unit_chance - p_e) / (1.0 - p_e)
        return math.sqrt(((linearised - value) ** 2).sum() / (n_units * (n_units - 1)))

    return _figure(
        contributions,
        statistic,
        bootstrap,
        _ONE_CATEGORY,
        standard_error,
    )


# --------------------------------------------------------------------------- Krippendorff's alpha


def _alpha_figure(
    unit_of_value: np.ndarray,
    value_index: np.ndarray,
    n_values: int,
    raters: np.ndarray,
    disagreement: np.ndarray,
    delta_times: Callable[[np.ndarray], np.ndarray],
    bootstrap: BootstrapSettings | None,
) -> Figure:
    """Krippendorff's alpha from the pairable values and each unit's observed disagreement.

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
    )

    def parts(sums: np.ndarray, spread: np.ndarray) -> _Parts:
        # spread = marginals @ Delta; every resample has units with >= 2 values, so pairable > 1.
        marginals = sums[:, 1:]
        pairable = marginals.sum(axis=1)
        observed = sums[:, 0] / pairable
        expected = (marginals * spread).sum(axis=1) / (pairable * (pairable - 1.0))
        ratio = np.divide(
            observed, expected, out=np.full_like(expected, np.nan), where=expected > _NO_VARIATION
        )
        return _Parts(1.0 - ratio, 1.0 - observed, 1.0 - expected)

    def statistic(sums: np.ndarray) -> _Parts:
        return parts(sums, delta_times(sums[:, 1:]))

    # The point needs Delta @ n for the standard error too; build it once (it is the
    # expensive part with thousands of distinct code sets).
    sums = contributions.sums()
    spread = delta_times(sums[:, 1:])[0]

    def standard_error(value: float, p_e: float) -> float | None:
        # Gwet (2014) as irrCAC computes it: agreement weights 1 - delta, pa with the
        # 1/N correction, and the linearised terms around alpha' (alpha without it).
        if n_units < 2:
            return None
        mean_raters = raters.mean()
        pairable = raters.sum()
        chance = 1.0 - sums[0, 1:] @ spread / pairable**2
        agreement_prime = 1.0 - disagreement.sum() / pairable
        agreement = agreement_prime + (1.0 - agreement_prime) / pairable
        alpha_prime = (agreement_prime - chance) / (1.0 - chance)
        deviation = (raters - mean_raters) / mean_raters
        unit_agreement = (raters - disagreement) / mean_raters - agreement * deviation
        unit_spread = np.bincount(unit_of_value, weights=spread[value_index], minlength=n_units)
        unit_chance = (raters - unit_spread / pairable) / mean_raters - chance * deviation
        linearised = (unit_agreement - chance) / (1.0 - chance) - 2.0 * (1.0 - alpha_prime) * (
            unit_chance - chance
        ) / (1.0 - chance)
        return math.sqrt(((linearised - alpha_prime) ** 2).sum() / (n_units * (n_units - 1)))

    return _figure(
        contributions,
        statistic,
        bootstrap,
        _NO_DISAGREEMENT,
        standard_error,
        point=parts(sums, spread[None, :]),
    )


def _nominal_delta_times(counts: np.ndarray) -> np.ndarray:
    """``counts @ Delta`` for the nominal distance (0 on the diagonal, 1 elsewhere)."""
    return counts.sum(axis=1, keepdims=True) - counts


def _distinct_sets(patterns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a boolean (n, n_codes) array and each row's index among them."""
    if patterns.shape[1] == 0:
        return np.zeros((1, 0), dtype=bool), np.zeros(len(patterns), dtype=np.int64)
    packed = np.ascontiguousarray(np.packbits(patterns, axis=1))
    # One opaque key per row: sorting bytes is much faster than np.unique(axis=0).
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return patterns[first], inverse.ravel()


def _set_distance(
    shared: np.ndarray, size_a: np.ndarray, size_b: np.ndarray, distance: str
) -> np.ndarray:
    """Jaccard or MASI distance from intersection and set sizes (broadcast)."""
    union = size_a + size_b - shared
    jaccard = np.divide(
        shared, union, out=np.ones(np.broadcast(shared, union).shape), where=union > 0
    )  # two empty sets are identical
    if distance == "jaccard":
        return 1.0 - jaccard
    monotonicity = np.select(
        [(shared == size_a) & (shared == size_b), shared == np.minimum(size_a, size_b), shared > 0],
        [1.0, 2.0 / 3.0, 1.0 / 3.0],
        default=0.0,
    )
    return 1.0 - jaccard * monotonicity


def _set_delta_times(patterns: np.ndarray, distance: str) -> Callable[[np.ndarray], np.ndarray]:
    """``x -> x @ Delta`` for the distances between distinct code sets.

    A distance depends only on the intersection size and the two set sizes, so it
    is looked up in a small table indexed by ``shared·side² + size_a·side + size_b``;
    one matrix product of augmented membership rows yields that index for a whole
    block at once. Delta is built a block of rows at a time and never held whole,
    so memory stays bounded with thousands of distinct sets.
    """
    sizes = patterns.sum(axis=1).astype(np.float64)
    side = int(sizes.max()) + 1
    shared, size_a, size_b = np.indices((side, side, side))
    table = _set_distance(shared, size_a, size_b, distance).ravel()
    # float32 sums these integers exactly while the largest index stays below 2**24.
    dtype = np.float32 if len(table) < 2**24 else np.float64
    ones = np.ones(len(patterns))
    row_terms = np.column_stack([patterns * float(side * side), sizes * side, ones]).astype(dtype)
    column_terms = np.column_stack([patterns, ones, sizes]).astype(dtype).T.copy()
    n_sets = len(patterns)
    block = max(1, _DISTANCE_BLOCK // n_sets)

    def delta_times(x: np.ndarray) -> np.ndarray:
        product = np.zeros_like(x)
        for start in range(0, n_sets, block):
            rows = slice(start, start + block)
            index = (row_terms[rows] @ column_terms).astype(np.intp)
            product += x[:, rows] @ table[index]
        return product

    return delta_times
