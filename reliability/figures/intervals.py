"""Percentile bootstrap over units, shared by every figure.

Every figure in this package is a function of sums over units of per-unit
contributions (a per-unit vector). A bootstrap resample draws the units with
replacement; its sums are ``counts @ contributions``, where ``counts[b, u]`` is how
often unit ``u`` was drawn in resample ``b``.

Units whose contribution rows are identical are interchangeable, so only how
often each *group* of identical rows is drawn matters. Drawing n units uniformly
and counting them by group is exactly a multinomial draw over the groups with
probabilities ``group size / n``. A per-code figure on five coders has at most a
few hundred distinct rows however many units there are, so its 1,000 resamples
cost 1,000 small multinomial draws instead of 1,000 passes over every unit. Where
rows are mostly distinct, units are drawn directly (uniform integers, counted by
group), which is the same distribution. Either way the result depends only on the
data and the settings: the same seed gives the same intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

CHUNK = 64
"""Resamples drawn at a time: bounds working memory at CHUNK × n_units counts."""

DENSE_UP_TO = 256
"""Sparse contributions this narrow are grouped as dense arrays (sparse comparisons are slow)."""

GROUPED_WHEN = 8
"""Draw over groups when there are at least this many units per distinct row."""


@dataclass(frozen=True)
class BootstrapSettings:
    """How to bootstrap: number of resamples, seed, confidence level.

    ``progress``, when given, is called once for every figure bootstrapped (for a
    progress bar); it does not change any result.
    """

    n_resamples: int = 1000
    seed: int = 0
    confidence: float = 0.95
    progress: Callable[[], None] | None = field(default=None, compare=False, repr=False)


def resampled_sums(contributions: Any, settings: BootstrapSettings) -> np.ndarray:
    """Column sums of the contributions in every bootstrap resample of the units.

    Parameters
    ----------
    contributions : ndarray or scipy sparse matrix, shape (n_units, d)
        One row per unit the figure uses.
    settings : BootstrapSettings

    Returns
    -------
    ndarray of float64, shape (n_resamples, d)
    """
    n_units = contributions.shape[0]
    rng = np.random.default_rng(settings.seed)
    if n_units == 0:
        return np.zeros((settings.n_resamples, contributions.shape[1]))
    distinct, group_of_unit, group_size = _distinct_rows(contributions)
    n_groups = len(group_size)
    sums = []
    for start in range(0, settings.n_resamples, CHUNK):
        size = min(CHUNK, settings.n_resamples - start)
        if n_units >= GROUPED_WHEN * n_groups:
            counts = rng.multinomial(n_units, group_size / n_units, size=size)
        else:
            drawn = group_of_unit[rng.integers(0, n_units, size=(size, n_units))]
            drawn += np.arange(size)[:, None] * n_groups
            counts = np.bincount(drawn.ravel(), minlength=size * n_groups).reshape(size, n_groups)
        sums.append(np.asarray(_left_multiply(counts.astype(np.float64), distinct), dtype=np.float64))
    if settings.progress is not None:
        settings.progress()
    return np.concatenate(sums)


def bootstrap(
    contributions: Any,
    statistic: Callable[[np.ndarray], np.ndarray],
    settings: BootstrapSettings,
) -> tuple[float, float] | None:
    """Percentile interval of a statistic of summed per-unit contributions.

    Parameters
    ----------
    contributions : ndarray or scipy sparse matrix, shape (n_units, d)
        Per-unit contributions whose column sums determine the statistic.
    statistic : callable
        Maps summed contributions, shape (n_resamples, d), to values, shape
        (n_resamples,); NaN where undefined in a resample.
    settings : BootstrapSettings

    Returns
    -------
    (low, high) or None
        None when the statistic is undefined in more than half the resamples.

    Examples
    --------
    Percent agreement is the mean of a per-unit 0/1 indicator:

    >>> agree = np.array([[1.0, 1.0]] * 7 + [[0.0, 1.0]] * 3)  # (agreed, counted)
    >>> low, high = bootstrap(agree, lambda s: s[:, 0] / s[:, 1], BootstrapSettings(200, seed=1))
    >>> bool(0.3 < low < 0.7 < high <= 1.0)
    True
    """
    if isinstance(contributions, np.ndarray) and contributions.ndim == 1:
        contributions = contributions[:, None]
    return percentile_interval(statistic(resampled_sums(contributions, settings)), settings.confidence)


def percentile_interval(values: np.ndarray, confidence: float) -> tuple[float, float] | None:
    """The central ``confidence`` share of the finite values; None if most are undefined."""
    finite = values[np.isfinite(values)]
    if len(finite) == 0 or len(finite) * 2 < len(values):
        return None
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(finite, [tail, 100.0 - tail])
    return float(low), float(high)


def _distinct_rows(contributions: Any) -> tuple[Any, np.ndarray, np.ndarray]:
    """Identical rows grouped: (distinct rows, group of each unit, size of each group).

    Rows are keyed by two fixed random projections; the grouping is then checked
    exactly, and abandoned (every unit its own group) should two different rows
    ever share a key.
    """
    n_units, width = contributions.shape
    if not isinstance(contributions, np.ndarray) and width <= DENSE_UP_TO:
        contributions = contributions.toarray()
    projection = np.random.default_rng(20061).standard_normal((width, 2))
    keys = np.ascontiguousarray(np.asarray(contributions @ projection, dtype=np.float64))
    _, first, group_of_unit, group_size = np.unique(
        keys.view(np.dtype((np.void, 16))).ravel(), return_index=True, return_inverse=True, return_counts=True
    )
    group_of_unit = group_of_unit.ravel()
    distinct = contributions[first]
    if _differs(contributions, distinct[group_of_unit]):
        return contributions, np.arange(n_units), np.ones(n_units, dtype=np.int64)
    return distinct, group_of_unit, group_size


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray):
        return not np.array_equal(a, b)
    return (a != b).nnz > 0


def _left_multiply(counts: np.ndarray, rows: Any) -> Any:
    """``counts @ rows`` for dense or sparse ``rows`` (sparse: via the transpose, which scipy does fast)."""
    if isinstance(rows, np.ndarray):
        return counts @ rows
    return (rows.T @ counts.T).T
