"""Percentile bootstrap over units, shared by every figure.

Every figure in this package is a function of sums over units of per-unit
contributions (a per-unit vector). A bootstrap resample draws the units with
replacement; its sums are ``counts @ contributions``, where ``counts[b, u]`` is how
often unit ``u`` was drawn in resample ``b``.

Two ways to draw. Many figures at once (the chance-corrected ones,
:mod:`reliability.figures.coefficients.resampled`) share :func:`unit_counts`, one
draw of every unit's count per chunk of resamples, and each sums it by the
groups of units its contributions depend on (:class:`GroupCounts`). One figure
alone (:func:`resampled_sums`) draws for itself: units whose contribution rows
are identical are interchangeable, so only how often each *group* of identical
rows is drawn matters, and drawing n units uniformly and counting them by group
is exactly a multinomial draw over the groups with probabilities
``group size / n``; where rows are mostly distinct, units are drawn directly
(uniform integers, counted by group), the same distribution. Either way the
result depends only on the data and the settings: the same seed gives the same
intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

CHUNK = 64
"""Resamples drawn at a time: bounds working memory at CHUNK × n_units counts."""

DENSE_UP_TO = 256
"""Sparse contributions this narrow are grouped as dense arrays (sparse comparisons are slow)."""

MIN_CLUSTERS = 2
"""A clustered bootstrap needs this many clusters holding a figure's units; with fewer
the figure gets no interval (one cluster would give an interval of width zero)."""

EXACT_IN_FLOAT32 = 2**24
"""Counts of units below this are whole numbers float32 holds exactly."""

GROUPED_WHEN = 8
"""Draw over groups when there are at least this many units per distinct row."""


@dataclass(frozen=True)
class BootstrapSettings:
    """How to bootstrap: number of resamples, seed, confidence level.

    ``progress``, when given, is told the number of resamples of each chunk as a
    figure's resamples are drawn and summed (``n_resamples`` in all per figure), for
    a progress bar that moves with the work; it does not change any result.
    """

    n_resamples: int = 1000
    seed: int = 0
    confidence: float = 0.95
    progress: Callable[[int], None] | None = field(default=None, compare=False, repr=False)
    clusters: np.ndarray | None = field(default=None, compare=False, repr=False)
    """The cluster of each unit of the table (e.g. the stretch of text a character unit
    lies in); None resamples units. Units of one cluster are drawn together."""
    resampling: str = "units"
    """What one draw takes, for the report: "units", or the clusters' name ("segments")."""

    def restricted(self, units: np.ndarray) -> "BootstrapSettings":
        """The settings for a figure computed on some units only (boolean mask or indices of the table's)."""
        return self if self.clusters is None else replace(self, clusters=np.asarray(self.clusters)[units])

    def to_dict(self) -> dict[str, Any]:
        """What a reader of the intervals needs: what one draw takes, how many clusters, resamples, confidence, seed."""
        return {
            "unit": self.resampling,
            "clusters": None if self.clusters is None else int(len(np.unique(self.clusters))),
            "n_resamples": self.n_resamples,
            "confidence": self.confidence,
            "seed": self.seed,
        }


def resampled_sums(contributions: Any, settings: BootstrapSettings, units: np.ndarray | None = None) -> np.ndarray:
    """Column sums of the contributions in every bootstrap resample of the units (or clusters).

    Parameters
    ----------
    contributions : ndarray or scipy sparse matrix, shape (n_rows, d)
        One row per unit the figure uses.
    settings : BootstrapSettings
        With ``clusters``, whole clusters are drawn: the rows of each cluster are
        summed first, and each cluster holding rows of this figure is one draw.
    units : ndarray of int, shape (n_rows,), optional
        The table position of each row; needed with ``clusters``. Without it, row
        ``i`` is unit ``i``.

    Returns
    -------
    ndarray of float64, shape (n_resamples, d)
    """
    if settings.clusters is not None:
        contributions = _sum_by_cluster(contributions, settings.clusters, units)
        if contributions.shape[0] < MIN_CLUSTERS:  # every resample would be the data itself
            return np.full((settings.n_resamples, contributions.shape[1]), np.nan)
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
            settings.progress(size)
    return np.concatenate(sums)


def unit_counts(rng: np.random.Generator, n_units: int, size: int) -> np.ndarray:
    """How often each unit is drawn in each of ``size`` resamples of ``n_units`` draws.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_units : int
        Units of the table, more than zero; each resample draws as many, uniformly with replacement.
    size : int
        Resamples.

    Returns
    -------
    ndarray of float32 (float64 from 2**24 units), shape (n_units, size), C-ordered
        Unit by resample, the layout :class:`GroupCounts` multiplies without a copy;
        float32 holds every count, and every sum of counts, exactly below 2**24 and
        halves the memory each product reads.
    """
    drawn = rng.integers(0, n_units, size=(size, n_units), dtype=np.int32 if n_units < 2**31 else np.int64)
    # One resample at a time into bytes, then transposed: a bincount over size × n_units bins,
    # or a transpose of 8-byte counts, takes several times longer. A unit drawn more than 255
    # times in one resample (possible from 256 units on, if vanishingly rare) widens the chunk's counts.
    counts = np.empty((size, n_units), dtype=np.uint8)
    for resample in range(size):
        row = np.bincount(drawn[resample], minlength=n_units)
        if counts.dtype == np.uint8 and row.max() > np.iinfo(np.uint8).max:
            counts = counts.astype(np.int64)
        counts[resample] = row
    return np.ascontiguousarray(counts.T).astype(np.float32 if n_units < EXACT_IN_FLOAT32 else np.float64)


class GroupCounts:
    """How often each group of units is drawn, from unit counts drawn for many figures.

    Every figure resampled with the same :func:`unit_counts` sees the same
    resampled units, so one draw serves them all. A figure's per-unit
    contributions depend on a few of the unit's labels (a pair's two code sets,
    a code's pattern of coders), so its units fall into groups with identical
    contributions: the product with the counts (one entry per unit) counts the
    groups, and the figure's sums are then the group counts times the
    contributions of one unit of each group.

    Parameters
    ----------
    group_of_unit : ndarray of int, shape (n_units,)
        Each unit's group, 0..n_groups-1.
    n_groups : int
    """

    def __init__(self, group_of_unit: np.ndarray, n_groups: int) -> None:
        from scipy import sparse  # imported only to bootstrap

        n_units = len(group_of_unit)
        # Column-compressed: the product reads the counts one unit at a time, in order. Ones in the
        # counts' own type (see unit_counts): the product counts units exactly.
        self._indicator = sparse.csc_array(
            (
                np.ones(n_units, dtype=np.float32 if n_units < EXACT_IN_FLOAT32 else np.float64),
                (np.asarray(group_of_unit, dtype=np.int64), np.arange(n_units)),
            ),
            shape=(n_groups, n_units),
        )

    def __call__(self, counts: np.ndarray) -> np.ndarray:
        """Group counts for unit counts of shape (n_units, size) (:func:`unit_counts`): shape (n_groups, size)."""
        return np.asarray(self._indicator @ counts)


def bootstrap(
    contributions: Any,
    statistic: Callable[[np.ndarray], np.ndarray],
    settings: BootstrapSettings,
    units: np.ndarray | None = None,
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
    units : ndarray of int, optional
        The table position of each row (see :func:`resampled_sums`).

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
    return percentile_interval(statistic(resampled_sums(contributions, settings, units)), settings.confidence)


def percentile_interval(values: np.ndarray, confidence: float) -> tuple[float, float] | None:
    """The central ``confidence`` share of the finite values; None if most are undefined."""
    finite = values[np.isfinite(values)]
    if len(finite) == 0 or len(finite) * 2 < len(values):
        return None
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(finite, [tail, 100.0 - tail])
    return float(low), float(high)


def _sum_by_cluster(contributions: Any, clusters: np.ndarray, units: np.ndarray | None) -> Any:
    """The rows of each cluster added up: shape (clusters holding some row, d).

    Raises
    ------
    ValueError
        When the rows' units are not given and the rows are not the table's units.
    """
    from scipy import sparse  # imported only for a clustered bootstrap

    clusters = np.asarray(clusters)
    n_rows = contributions.shape[0]
    if units is None:
        if n_rows != len(clusters):
            raise ValueError(f"{n_rows} contribution rows need their units' positions to be resampled by cluster")
        units = np.arange(n_rows)
    _, cluster_of_row = np.unique(clusters[np.asarray(units, dtype=np.int64)], return_inverse=True)
    n_clusters = int(cluster_of_row.max()) + 1 if n_rows else 0
    membership = sparse.csr_array(
        (np.ones(n_rows), (cluster_of_row.ravel(), np.arange(n_rows))), shape=(n_clusters, n_rows)
    )
    summed = membership @ contributions
    return summed if isinstance(contributions, np.ndarray) else sparse.csr_array(summed)


def _distinct_rows(contributions: Any) -> tuple[Any, np.ndarray, np.ndarray]:
    """Identical rows grouped: (distinct rows, group of each unit, size of each group).

    Rows are keyed by two fixed random projections (one complex number); the keys
    are grouped by hashing (``pandas.factorize``), which is several times faster
    than sorting them and is this bootstrap's fixed cost per figure. Groups are
    numbered in order of first appearance. The grouping is then checked exactly,
    and abandoned (every unit its own group) should two different rows ever share
    a key.
    """
    import pandas as pd  # the readers have imported it already; the metrics need it only here

    n_units, width = contributions.shape
    if not isinstance(contributions, np.ndarray) and width <= DENSE_UP_TO:
        contributions = contributions.toarray()
    projection = np.random.default_rng(20061).standard_normal((width, 2))
    keys = np.asarray(contributions @ projection, dtype=np.float64)
    group_of_unit, _ = pd.factorize(keys[:, 0] + 1j * keys[:, 1])
    group_of_unit = group_of_unit.astype(np.int64)
    # A group's first unit is where its number first appears: one above every number before it.
    is_first = np.ones(n_units, dtype=bool)
    is_first[1:] = group_of_unit[1:] > np.maximum.accumulate(group_of_unit)[:-1]
    first = np.flatnonzero(is_first)
    group_size = np.bincount(group_of_unit, minlength=len(first))
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
