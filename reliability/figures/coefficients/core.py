"""The machinery every coefficient family shares (package-internal).

Every coefficient here is a function of sums over units of a per-unit
*contribution* vector. The point value is the statistic of the column sums;
a bootstrap resample is the same statistic of weighted sums (see
:mod:`reliability.figures.intervals`), so the value and its interval can never disagree
and a resample costs one matrix product. Contributions are kept as
(unit, column, value) entries: their column sums take a bincount, and the
sparse per-unit matrix a bootstrap needs is built only then ("set as one label"
data can have thousands of distinct code sets, one column each).

Label matrices are ``ndarray[int]`` of shape ``(n_units, n_coders)`` holding a
category index ``>= 0``, or ``-1`` where the coder did not code the unit
(:meth:`reliability.codings.model.Codings.set_labels`,
:meth:`~reliability.codings.model.Codings.code_labels`). Category indices need not be
contiguous, but they are indices: memory grows with the largest one.

An undefined coefficient is a :class:`~reliability.figures.figure.Figure` with value
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
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import numpy as np

from ..figure import Figure
from ..intervals import BootstrapSettings, percentile_interval, resampled_sums

_NO_VARIATION = 1e-12
"""Chance agreement within this of 1 (or expected disagreement within this of 0)
leaves nothing to correct for: the coefficient is undefined."""

_NO_PAIRED_UNIT = "no unit was coded by at least two coders"

_NO_SHARED_UNIT = "no unit was coded by both coders"

_NO_POSITIVE = "no coder applied the code to a unit that another coder also coded"

_ONE_CATEGORY = "every rating is in the same category, so agreement expected by chance is 1"

_NO_DISAGREEMENT = "every pairable rating is the same, so there is no disagreement to expect by chance"


def _presence_agreeing_pairs(raters: np.ndarray, applying: np.ndarray) -> np.ndarray:
    """Unordered agreeing rating pairs per code and unit: both applied or both did not."""
    absent = raters - applying
    return applying * (applying - 1.0) / 2.0 + absent * (absent - 1.0) / 2.0


@dataclass(frozen=True)
class _Presence:
    """Every code's presence/absence ratings, stored only where some coder applied the code.

    A unit's presence/absence rating of code k is fixed by ``m_u`` (coders who
    coded the unit) and ``n_uk`` (those who applied k). Where nobody applied k,
    every per-unit term of a figure depends on ``m_u`` alone, so a sum over units
    is a sum over the (code, unit) *entries* with ``n_uk >= 1`` plus, for each
    distinct ``m_u`` (a *level*), the units at that level without the code times
    the term at ``n_uk = 0`` (:meth:`code_sums`). Cost and memory follow the
    codes actually applied, not codes × units.

    Attributes
    ----------
    code, applying, raters, level : ndarray, shape (n_entries,)
        Each entry's code, ``n_uk`` and ``m_u`` (floats), and the index of its
        ``m_u`` in ``levels``; sorted by code, then unit.
    levels : ndarray of float, shape (n_levels,)
        The distinct ``m_u`` of the units, increasing.
    units_at_level : ndarray of int, shape (n_levels,)
    absent : ndarray of float, shape (n_codes, n_levels)
        Units at each level to which nobody applied the code.
    """

    code: np.ndarray
    applying: np.ndarray
    raters: np.ndarray
    level: np.ndarray
    levels: np.ndarray
    units_at_level: np.ndarray
    absent: np.ndarray

    @classmethod
    def of(
        cls, code: np.ndarray, unit: np.ndarray, applying: np.ndarray, raters: np.ndarray, n_codes: int
    ) -> "_Presence":
        """From the (code, unit) entries someone applied, with ``n_uk``, and ``m_u`` per unit.

        Parameters
        ----------
        code, unit : ndarray of int, shape (n_entries,)
            Each (code, unit) once, sorted by code, then unit.
        applying : ndarray of int, shape (n_entries,)
            ``n_uk``, at least 1.
        raters : ndarray of int, shape (n_units,)
        n_codes : int
        """
        levels, unit_level, units_at_level = np.unique(raters, return_inverse=True, return_counts=True)
        level = unit_level.reshape(-1)[unit]
        applied_at_level = np.bincount(
            code * len(levels) + level, minlength=n_codes * len(levels)
        ).reshape(n_codes, len(levels))
        return cls(
            code=code,
            applying=applying.astype(np.float64),
            raters=raters[unit].astype(np.float64),
            level=level,
            levels=levels.astype(np.float64),
            units_at_level=units_at_level,
            absent=(units_at_level - applied_at_level).astype(np.float64),
        )

    @property
    def n_codes(self) -> int:
        return self.absent.shape[0]

    @property
    def n_units(self) -> int:
        return int(self.units_at_level.sum())

    @property
    def pairable(self) -> float:
        """Sum of ``m_u`` over the units (an integer, so exact in any order)."""
        return float(self.levels @ self.units_at_level)

    def restricted(self, min_raters: int) -> "_Presence":
        """The same ratings over the units with at least ``min_raters`` coders."""
        kept_levels = self.levels >= min_raters
        kept = kept_levels[self.level]
        return _Presence(
            code=self.code[kept],
            applying=self.applying[kept],
            raters=self.raters[kept],
            level=(np.cumsum(kept_levels) - 1)[self.level[kept]],
            levels=self.levels[kept_levels],
            units_at_level=self.units_at_level[kept_levels],
            absent=self.absent[:, kept_levels],
        )

    def code_sums(self, entry_terms: np.ndarray, absent_terms: np.ndarray | float) -> np.ndarray:
        """Per code, the sum over units of a per-unit term, shape (n_codes,).

        Parameters
        ----------
        entry_terms : ndarray, shape (n_entries,)
            The term of each entry's unit for the entry's code.
        absent_terms : float, or ndarray of shape (n_levels,) or (n_codes, n_levels)
            The term of a unit at each level to which nobody applied the code; finite.
        """
        from_entries = np.bincount(self.code, weights=entry_terms, minlength=self.n_codes)
        return from_entries + (self.absent * absent_terms).sum(axis=1)


def _point_figures(
    n_units: int,
    value: np.ndarray,
    p_o: np.ndarray | None,
    p_e: np.ndarray | None,
    se: np.ndarray | None,
    undefined_note: str,
) -> list[Figure]:
    """One Figure per code from (codes,) arrays, as :func:`_figure` builds it without a bootstrap.

    ``se`` is read only where the value is finite; None when there is no standard error.
    """
    figures = []
    for k in range(len(value)):
        k_p_o = None if p_o is None else float(p_o[k])
        k_p_e = None if p_e is None else float(p_e[k])
        if not math.isfinite(value[k]):
            figures.append(Figure.undefined(n_units, undefined_note, p_o=k_p_o, p_e=k_p_e))
        else:
            k_se = None if se is None else float(se[k])
            figures.append(Figure(value=float(value[k]), n_units=n_units, p_o=k_p_o, p_e=k_p_e, se=k_se))
    return figures


def _defined_or(value: np.ndarray, defined: np.ndarray, stand_in: float) -> np.ndarray:
    """``value`` where ``defined``, ``stand_in`` elsewhere: the standard errors of a batch are
    worked out for every code at once, and an undefined code's are discarded, so it gets
    harmless stand-ins rather than a division by zero."""
    return np.where(defined, value, stand_in)


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
    units: np.ndarray | None = None
    """The position of each row among the figure function's input units, when some were
    left out (a clustered bootstrap places each row in its cluster); None: row i is unit i."""

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


class _Model(NamedTuple):
    """A defined figure before it is evaluated: its contributions and the statistic of their sums.

    ``standard_error(value, p_e)`` and ``point`` (the statistic at the column sums,
    when already known) as :func:`_figure` takes them. The model is what a bootstrap
    resamples: the figure functions evaluate it at once, the shared bootstrap of
    :mod:`.resampled` for many figures together.
    """

    contributions: _Contributions
    statistic: Callable[[np.ndarray], _Parts]
    undefined_note: str
    standard_error: Callable[[float, float], float | None] | None = None
    point: _Parts | None = None


def _model_figure(model: "_Model | Figure", bootstrap: BootstrapSettings | None) -> Figure:
    """The Figure of a model (with its interval when bootstrapping); an undefined Figure as it is."""
    if isinstance(model, Figure):
        return model
    return _figure(
        model.contributions, model.statistic, bootstrap, model.undefined_note, model.standard_error, model.point
    )


def _stack(n_units: int, *blocks: _Block, units: np.ndarray | None = None) -> _Contributions:
    """Blocks of columns side by side, in order; ``units`` as in :class:`_Contributions`."""
    return _Contributions(n_units, blocks, units)


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
    figure = Figure(value=value, n_units=contributions.n_units, p_o=p_o, p_e=p_e, se=se)
    if bootstrap is None:
        return figure
    return figure.with_ci(_percentile_bootstrap(contributions, statistic, bootstrap))


def _percentile_bootstrap(
    contributions: _Contributions,
    statistic: Callable[[np.ndarray], _Parts],
    settings: BootstrapSettings,
) -> tuple[float, float] | None:
    """Percentile interval over units, as :func:`reliability.figures.intervals.bootstrap`.

    Evaluates the statistic once on all resampled sums (the set-distance
    statistic rebuilds its distance matrix on every call).
    """
    resampled = resampled_sums(contributions.matrix(), settings, contributions.units)
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
    kept: np.ndarray
    """The position of each kept unit among the input's units."""

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
            kept=np.flatnonzero(kept),
        )

    def restricted(self, min_raters: int) -> "_Ratings":
        """The same ratings over the units with at least ``min_raters`` of them: what
        ``_Ratings.of(labels, min_raters)`` returns, without going over the labels again."""
        kept = self.raters >= min_raters
        if kept.all():
            return self
        rating_kept = kept[self.unit]
        # Renumbering keeps the categories' order, so it is the renumbering of the kept labels.
        n_categories, category = _compact_categories(self.category[rating_kept])
        return _Ratings(
            unit=(np.cumsum(kept) - 1)[self.unit[rating_kept]],
            category=category,
            n_categories=n_categories,
            raters=self.raters[kept],
            agreeing_pairs=self.agreeing_pairs[kept],
            kept=self.kept[kept],
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
