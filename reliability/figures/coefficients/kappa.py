"""Cohen's kappa of two coders, from their contingency table, and pooled kappa across codes.

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales.
*Educational and Psychological Measurement* 20, 37–46.
Fleiss, J. L., Cohen, J. & Everitt, B. S. (1969). Large sample standard errors
of kappa and weighted kappa. *Psychological Bulletin* 72, 323–327.
De Vries, H., Elliott, M. N., Kanouse, D. E. & Teleki, S. S. (2008). Using
pooled kappa to summarize interrater agreement across many items.
*Field Methods* 20, 272–282.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..figure import Figure
from ..intervals import BootstrapSettings
from .core import (
    _NO_SHARED_UNIT,
    _Block,
    _chance_corrected,
    _checked_labels,
    _column,
    _compact_categories,
    _Contributions,
    _divide,
    _figure,
    _Model,
    _model_figure,
    _Parts,
    _point_figures,
    _stack,
)

_SAME_CATEGORY = "both coders gave every unit the same category, so agreement expected by chance is 1"

_DENSE_TABLE_CELLS = 1 << 20
"""Largest contingency table of two coders counted densely (8 MB); beyond it only
the cells that occur are counted."""


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
    contributions = _Contributions(table.n_units, ()) if bootstrap is None else _cohen_contributions(labels)
    return _figure(contributions, _cohen_statistic, bootstrap, _SAME_CATEGORY, table.standard_error, point=point)


def _cohen_model(labels: np.ndarray) -> _Model | Figure:
    """The model of Cohen's kappa of an (n_units, 2) label matrix, or the undefined Figure."""
    table = _PairTable.of(labels)
    if table.n_units == 0:
        return Figure.undefined(0, _NO_SHARED_UNIT)
    point = _chance_corrected(np.array([table.p_o()]), np.array([table.p_e()]))
    return _Model(_cohen_contributions(labels), _cohen_statistic, _SAME_CATEGORY, table.standard_error, point)


def _cohen_statistic(sums: np.ndarray) -> _Parts:
    """Kappa of summed :func:`_cohen_contributions`; NaN for a resample without a shared unit."""
    n_categories = (sums.shape[1] - 2) // 2
    total = sums[:, 0]
    # p_e = sum_k (n_k. / n)(n_.k / n): the products of counts summed, then divided once.
    products = np.einsum("ij,ij->i", sums[:, 2 : 2 + n_categories], sums[:, 2 + n_categories :])
    return _chance_corrected(_divide(sums[:, 1], total), _divide(products, total * total))


def _cohen_contributions(labels: np.ndarray) -> _Contributions:
    """Per-unit columns [1, agree, first coder's category one-hot, second's one-hot].

    Over the units of ``labels`` (n_units, 2) both coders coded; ``units`` places them
    among the rows of ``labels``.
    """
    both = (labels[:, 0] >= 0) & (labels[:, 1] >= 0)
    pair = labels[both]
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
        units=np.flatnonzero(both),
    )


def _presence_cohen(
    n_units: int, by_first: np.ndarray, by_second: np.ndarray, together: np.ndarray
) -> list[Figure]:
    """Cohen's kappa of every code's presence/absence for one pair, as :func:`_cohen_figure` computes it.

    Parameters
    ----------
    n_units : int
        Units both coders coded, more than 0.
    by_first, by_second, together : ndarray of int, shape (n_codes,)
        Of those, the units the first, the second, and both coders applied each code to.

    Returns
    -------
    list of Figure
        One per code; the standard error is that of :meth:`_PairTable.standard_error`,
        for the 2 × 2 tables of all codes at once.
    """
    # cells[k, i, j]: units the first coder rated i and the second j (0 absent, 1 present).
    cells = np.stack(
        [n_units - by_first - by_second + together, by_second - together, by_first - together, together], axis=1
    ).reshape(-1, 2, 2).astype(np.float64)
    first_shares = cells.sum(axis=2) / n_units
    second_shares = cells.sum(axis=1) / n_units
    diagonal = cells[:, 0, 0] + cells[:, 1, 1]
    parts = _chance_corrected(diagonal / n_units, (first_shares * second_shares).sum(axis=1))
    defined = np.isfinite(parts.value)
    kappa = np.where(defined, parts.value, 0.0)[:, None, None]
    # A unit in cell (i, j) adds t^2 with t = [i == j] - (1 - kappa)(p_.i + p_j.), and the
    # mean of t is kappa - p_e (1 - kappa) (Fleiss, Cohen & Everitt, 1969). Summed as squared
    # deviations from that mean, which is the same variance without the cancellation of
    # mean(t^2) - mean(t)^2: a variance of 0 comes out as 0, not as rounding noise.
    t = np.eye(2) - (1.0 - kappa) * (second_shares[:, :, None] + first_shares[:, None, :])
    mean_t = (cells * t).sum(axis=(1, 2)) / n_units
    spread = (cells * (t - mean_t[:, None, None]) ** 2).sum(axis=(1, 2)) / n_units
    p_e = np.where(defined, parts.p_e, 0.0)
    se = np.sqrt(spread / (n_units * (1.0 - p_e) ** 2))
    return _point_figures(n_units, parts.value, parts.p_o, parts.p_e, se, _SAME_CATEGORY)


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
    return _model_figure(_pooled_model(applied_a, applied_b), bootstrap)


_POOLED_UNDEFINED = "each code was applied by both coders to every unit or to none, so agreement expected by chance is 1"


def _pooled_model(applied_a: np.ndarray, applied_b: np.ndarray) -> _Model | Figure:
    """The model of :func:`pooled_kappa` (per-unit entries, for a bootstrap), or the undefined Figure."""
    n_units, n_codes = applied_a.shape
    flags = (applied_a, applied_b, applied_a & applied_b)
    if n_units == 0 or n_codes == 0:
        return pooled_kappa_of_counts(n_units, *(np.count_nonzero(f, axis=0) for f in flags))
    contributions = _stack(n_units, _column(np.ones(n_units)), *(_Block.of_flags(f) for f in flags))
    return _Model(contributions, _pooled_statistic(n_codes), _POOLED_UNDEFINED)


def pooled_kappa_of_counts(
    n_units: int, applied_a: np.ndarray, applied_b: np.ndarray, applied_both: np.ndarray
) -> Figure:
    """:func:`pooled_kappa` without an interval, from counts.

    Parameters
    ----------
    n_units : int
        Units both coders coded.
    applied_a, applied_b, applied_both : ndarray of int, shape (n_codes,)
        For each code, how many of those units the first coder, the second, and
        both applied it to.

    >>> round(pooled_kappa_of_counts(50, np.array([25, 0]), np.array([30, 0]), np.array([20, 0])).value, 5)
    0.4
    """
    n_codes = len(applied_a)
    if n_units == 0:
        return Figure.undefined(0, _NO_SHARED_UNIT)
    if n_codes == 0:
        return Figure.undefined(n_units, "there are no codes")
    sums = np.concatenate([[n_units], applied_a, applied_b, applied_both]).astype(np.float64)
    statistic = _pooled_statistic(n_codes)
    return _figure(_stack(n_units), statistic, None, _POOLED_UNDEFINED, point=statistic(sums[None, :]))


def _pooled_statistic(n_codes: int) -> Callable[[np.ndarray], _Parts]:
    """Pooled kappa of column sums ``[units, applied by a (codes), by b (codes), by both (codes)]``."""

    def statistic(sums: np.ndarray) -> _Parts:
        shares = _divide(sums[:, 1:], sums[:, :1])  # NaN for a resample without a shared unit
        share_a, share_b, share_both = (
            shares[:, :n_codes],
            shares[:, n_codes : 2 * n_codes],
            shares[:, 2 * n_codes :],
        )
        observed = 1.0 - share_a - share_b + 2.0 * share_both
        expected = share_a * share_b + (1.0 - share_a) * (1.0 - share_b)
        return _chance_corrected(observed.mean(axis=1), expected.mean(axis=1))

    return statistic


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
