"""Krippendorff's alpha with a distance between code sets: MASI and Jaccard.

References
----------
Passonneau, R. (2006). Measuring agreement on set-valued items (MASI) for
semantic and pragmatic annotation. *LREC 2006*.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from ...errors import UsageError
from ..figure import Figure
from ..intervals import BootstrapSettings
from .alpha import _alpha_figure
from .core import _NO_PAIRED_UNIT

SET_DISTANCES = ("masi", "jaccard")
"""The distances between code sets that :func:`krippendorff_alpha_sets` knows."""

_DISTANCE_BLOCK = 2_000_000
"""Entries of the set-distance matrix built at a time: about 40 MB of working memory."""

SPARSE_SETS_FROM = 10**8
"""Sets² × codes above which set distances may be worked out sparsely (below, the dense form is quick)."""

SPARSE_PAIR_COST = 20
"""Cost of one pair of sets sharing a code in the sparse form, in units of one (sets × sets)
entry of the dense form with few codes (measured: 5,000 units × 1,000 codes, sparse 0.5 s
against dense 4 s; 10,000 units × 5 coders × 100 codes, where a fifth of the pairs share
a code, sparse 9.4 s against dense 3.7 s)."""

SET_BOOTSTRAP_LIMIT = 2_000
"""Most distinct code sets for which set-distance alpha is bootstrapped: each resample
costs a pass over the (sets × sets) distance matrix, so beyond this the figure comes
without an interval and its note says why."""


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
        As in :class:`~reliability.codings.model.Codings`; units with at least two
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

    >>> from reliability.codings.model import from_sets
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
        _set_delta_times(patterns, distance), None if too_many_sets else bootstrap, units=np.flatnonzero(paired),
    )
    if too_many_sets and figure.value is not None:
        figure = replace(
            figure,
            note=f"no interval: {len(patterns):,} distinct code sets are more than the "
            f"{SET_BOOTSTRAP_LIMIT:,} a bootstrap of set-distance alpha handles",
        )
    return figure


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

    With a large codebook most pairs of sets share no code, and the sparse form
    (:func:`_sparse_set_delta_times`) does the work of the pairs that do; else the
    blocked dense form below.

    A distance depends only on the intersection size and the two set sizes, so it
    is looked up in a small table indexed by ``shared·side² + size_a·side + size_b``;
    one matrix product of augmented membership rows yields that index for a whole
    block at once. Delta is built a block of rows at a time and never held whole,
    so memory stays bounded with thousands of distinct sets.
    """
    n_sets, n_codes = patterns.shape
    sharing = patterns.sum(axis=0, dtype=np.float64)
    # The sparse form's work grows with the pairs of sets sharing a code (counted once per
    # shared code), the dense form's with sets² and, through its matrix product, codes.
    sparse_work = SPARSE_PAIR_COST * (sharing**2).sum()
    if n_sets * n_sets * n_codes > SPARSE_SETS_FROM and sparse_work < n_sets * n_sets * (1 + n_codes / 200):
        return _sparse_set_delta_times(patterns, distance)
    sizes = patterns.sum(axis=1).astype(np.float64)
    side = int(sizes.max()) + 1
    shared, size_a, size_b = np.indices((side, side, side))
    table = _set_distance(shared, size_a, size_b, distance).ravel()
    # float32 sums these integers exactly while the largest index stays below 2**24.
    dtype = np.float32 if len(table) < 2**24 else np.float64
    ones = np.ones(len(patterns))
    row_terms = np.column_stack([patterns * float(side * side), sizes * side, ones]).astype(dtype)
    column_terms = np.column_stack([patterns, ones, sizes]).astype(dtype).T.copy()
    block = max(1, _DISTANCE_BLOCK // n_sets)

    def delta_times(x: np.ndarray) -> np.ndarray:
        product = np.zeros_like(x)
        for start in range(0, n_sets, block):
            rows = slice(start, start + block)
            index = (row_terms[rows] @ column_terms).astype(np.intp)
            product += x[:, rows] @ table[index]
        return product

    return delta_times


def _sparse_set_delta_times(patterns: np.ndarray, distance: str) -> Callable[[np.ndarray], np.ndarray]:
    """``x -> x @ Delta`` when most pairs of distinct sets share no code.

    ``Delta[i, j] = d(s_ij, a_i, b_j)`` with ``s_ij`` the codes two sets share and
    ``a_i``, ``b_j`` their sizes. Split it as ``d(0, a_i, b_j)`` plus the
    correction ``d(s_ij, a_i, b_j) - d(0, a_i, b_j)``, which is zero unless the
    sets share a code. The first part depends on the sizes only: ``x`` summed by
    set size times a (sizes × sets) table. The second is a sparse matrix over the
    pairs that share a code, from the sparse product of the membership matrix
    with itself. The work grows with those pairs, not with sets² × codes.
    """
    from scipy import sparse  # a dependency; imported only for large codebooks

    sizes = patterns.sum(axis=1).astype(np.int64)
    side = int(sizes.max()) + 1
    shared, size_a, size_b = np.indices((side, side, side))
    table = _set_distance(shared, size_a, size_b, distance)  # [shared, size_a, size_b]
    n_sets = len(patterns)
    by_size = sparse.csr_array(
        (np.ones(n_sets), (np.arange(n_sets), sizes)), shape=(n_sets, side)
    )  # (sets, sizes): which size each set has
    disjoint = table[0][:, sizes]  # (sizes, sets): distance from a set of each size sharing nothing
    membership = sparse.csr_array(patterns.astype(np.float64))
    overlap = (membership @ membership.T).tocoo()  # shared codes of every pair that shares one
    first, second = overlap.row, overlap.col
    count = np.rint(overlap.data).astype(np.int64)
    correction = table[count, sizes[first], sizes[second]] - table[0, sizes[first], sizes[second]]
    correction_t = sparse.csr_array((correction, (second, first)), shape=(n_sets, n_sets))

    def delta_times(x: np.ndarray) -> np.ndarray:
        return np.asarray(by_size.T @ x.T).T @ disjoint + np.asarray(correction_t @ x.T).T

    return delta_times
