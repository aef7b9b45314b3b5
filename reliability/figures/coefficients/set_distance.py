"""Krippendorff's alpha with a distance between code sets: MASI and Jaccard.

References
----------
Passonneau, R. (2006). Measuring agreement on set-valued items (MASI) for
semantic and pragmatic annotation. *LREC 2006*.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import numpy as np

from ...codings.sets import SetTable, set_table
from ...errors import UsageError
from ..figure import Figure
from ..intervals import BootstrapSettings
from .alpha import _alpha_model
from .core import _NO_PAIRED_UNIT, _Model, _model_figure

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
    return set_distance_alphas(set_table(applied, seen), (distance,), bootstrap)[distance]


def set_distance_alphas(
    table: SetTable,
    distances: Sequence[str] = SET_DISTANCES,
    bootstrap: BootstrapSettings | None = None,
    drawn: dict[str, tuple[float, float] | None] | None = None,
) -> dict[str, Figure]:
    """:func:`krippendorff_alpha_sets` for several distances, from a table's distinct sets.

    The distances share the work: the sets and their sizes, the codes the two sets
    of each pair of coders share, and the counts behind the expected disagreement.

    Parameters
    ----------
    table : SetTable
        From :func:`reliability.codings.sets.set_table` (``Codings.set_table``).
    distances : sequence of {"masi", "jaccard"}
    bootstrap : BootstrapSettings, optional
        Without ``drawn``: each figure's interval from its own draw.
    drawn : dict, optional
        With ``bootstrap``: the intervals drawn already, by ``krippendorff_alpha_<distance>``
        (the shared draw, :func:`set_distance_models`); a figure missing there gets none.

    Returns
    -------
    dict
        Distance → Figure, as :func:`krippendorff_alpha_sets` returns it.
    """
    models, n_sets = set_distance_models(table, table.labels, distances, point_form=True)
    too_many_sets = bootstrap is not None and n_sets > SET_BOOTSTRAP_LIMIT
    own = None if too_many_sets or drawn is not None else bootstrap
    figures = {}
    for distance, model in models.items():
        figure = _model_figure(model, own)
        if too_many_sets and figure.value is not None:
            figure = replace(
                figure,
                note=f"no interval: {n_sets:,} distinct code sets are more than the "
                f"{SET_BOOTSTRAP_LIMIT:,} a bootstrap of set-distance alpha handles",
            )
        elif drawn is not None and bootstrap is not None:
            figure = figure.with_ci(drawn.get(f"krippendorff_alpha_{distance}"))
        figures[distance] = figure
    return figures


def set_distance_models(
    table: SetTable,
    all_labels: np.ndarray,
    distances: Sequence[str] = SET_DISTANCES,
    point_form: bool = False,
    most_sets: int | None = None,
) -> tuple[dict[str, _Model | Figure], int]:
    """The models of the set-distance alphas (what a bootstrap resamples), on rows of set labels.

    Every per-unit term depends only on the unit's code sets, whatever the coders'
    order: the rows may be the table's units, or one row per group of units with
    the same sorted sets (the shared draw of :mod:`.resampled`).

    Parameters
    ----------
    table : SetTable
    all_labels : ndarray of int, shape (n_rows, n_coders)
        Indices into the table's sets, -1 where missing (``table.labels``, or some of its rows).
    distances : sequence of {"masi", "jaccard"}
    point_form : bool, default False
        Work the point's ``x @ Delta`` out by shared-code counts where that pays
        (:class:`_PointSpread`); a bootstrap only needs the batch form.
    most_sets : int, optional
        With more distinct sets than this, no models (an empty dict): the caller will not use them.

    Returns
    -------
    models : dict
        Distance → _Model (its contributions' rows: the rows with two sets or more),
        or an undefined Figure when no row has two; empty beyond ``most_sets``.
    n_sets : int
        The distinct sets of those rows (above :data:`SET_BOOTSTRAP_LIMIT`, no bootstrap).
    """
    all_raters = (all_labels >= 0).sum(axis=1)
    paired = all_raters >= 2
    if not paired.any():
        return {distance: Figure.undefined(0, _NO_PAIRED_UNIT) for distance in distances}, 0
    labels = all_labels[paired]
    seen = labels >= 0
    raters = all_raters[paired].astype(np.float64)
    # The sets the paired units hold, renumbered in the table's order (by bit pattern).
    occurs = np.bincount(labels[seen], minlength=table.n_sets) > 0
    sets = np.flatnonzero(occurs)
    if most_sets is not None and len(sets) > most_sets:
        return {}, len(sets)
    set_of_rating = (np.cumsum(occurs) - 1)[labels[seen]]
    unit_of_rating = np.nonzero(seen)[0]

    # Unordered pairs of coders within a unit, one coder pair at a time (vectorised over all units:
    # where a coder is missing the distance is computed and zeroed, cheaper than masked copies),
    # doubled at the end for the ordered pairs (exact: a doubling only moves the exponent).
    pair_distances = {distance: np.zeros(len(raters)) for distance in distances}
    distances_of = _distances_lookup(distances, int(table.sizes.max(initial=0)))
    n_coders = seen.shape[1]
    sizes = [table.size_of(labels[:, coder]) for coder in range(n_coders)]
    for first in range(n_coders):
        for second in range(first + 1, n_coders):
            both = seen[:, first] & seen[:, second]
            shared = table.shared(labels[:, first], labels[:, second])
            for distance, values in zip(distances, distances_of(shared, sizes[first], sizes[second])):
                pair_distances[distance] += np.multiply(values, both, out=values)
    for summed in pair_distances.values():
        summed *= 2.0
    patterns = table.patterns(sets)
    use_subsets = point_form and _subsets_pay(table.sizes[sets])
    point = _PointSpread.of(table.words[sets], table.sizes[sets]) if use_subsets else None
    models = {
        distance: _alpha_model(
            unit_of_rating, set_of_rating, len(sets), raters, pair_distances[distance] / (raters - 1.0),
            _delta_times(patterns, distance, point), units=np.flatnonzero(paired),
        )
        for distance in distances
    }
    return models, len(sets)


LOOKUP_ENTRIES = 2**18
"""Most (shared codes, size, size) combinations whose distances are tabulated (2 MB: sets of up
to 63 codes); with larger sets every form computes each distance instead, since the table
grows with the cube of the largest set."""


def _distances_lookup(
    distances: Sequence[str], largest: int
) -> Callable[[np.ndarray, np.ndarray, np.ndarray], list[np.ndarray]]:
    """:func:`_set_distance` of each distance for sets of at most ``largest`` codes: one table
    lookup per pair of sets (an index the distances share) when the table of every combination
    is small, else computed. The arrays returned are new: callers may write to them."""
    side = largest + 1
    if side**3 > LOOKUP_ENTRIES:
        return lambda shared, size_a, size_b: [
            _set_distance(shared, size_a, size_b, distance) for distance in distances
        ]
    tables = [_distance_table(distance, side).ravel() for distance in distances]

    def looked_up(shared: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> list[np.ndarray]:
        index = (shared * side + size_a) * side + size_b
        return [values[index] for values in tables]

    return looked_up


@functools.lru_cache(maxsize=8)
def _distance_table(distance: str, side: int) -> np.ndarray:
    """``d(shared, size_a, size_b)`` for every combination below ``side``, shape (side, side, side),
    read-only; callers keep ``side**3`` to at most :data:`LOOKUP_ENTRIES` (2 MB)."""
    table = _set_distance(*np.indices((side, side, side)), distance)
    table.flags.writeable = False
    return table


def _delta_times(
    patterns: np.ndarray, distance: str, point: "_PointSpread | None"
) -> Callable[[np.ndarray], np.ndarray]:
    """``x -> x @ Delta``: one row (the point) by shared-code counts when ``point`` is given,
    batches (a bootstrap) by :func:`_set_delta_times`, built on first use."""
    batch: list[Callable[[np.ndarray], np.ndarray]] = []

    def delta_times(x: np.ndarray) -> np.ndarray:
        if point is not None and len(x) == 1:
            return point.spread(x[0], distance)[None, :]
        if not batch:
            batch.append(_set_delta_times(patterns, distance))
        return batch[0](x)

    return delta_times


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
    block at once. With sets of more than 63 codes that table would exceed
    :data:`LOOKUP_ENTRIES` (it grows with the cube of the largest size), so each
    block's distances are computed from its shared codes instead. Delta is built a
    block of rows at a time and never held whole, so memory stays bounded with
    thousands of distinct sets and with sets of thousands of codes.
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
    block = max(1, _DISTANCE_BLOCK // n_sets)
    if side**3 > LOOKUP_ENTRIES:
        return _computed_delta_times(patterns, sizes, distance, block)
    table = _distance_table(distance, side).ravel()
    # float32 sums these integers exactly: the largest index is below LOOKUP_ENTRIES <= 2**24.
    ones = np.ones(len(patterns))
    row_terms = np.column_stack([patterns * float(side * side), sizes * side, ones]).astype(np.float32)
    column_terms = np.column_stack([patterns, ones, sizes]).astype(np.float32).T.copy()

    def delta_times(x: np.ndarray) -> np.ndarray:
        product = np.zeros_like(x)
        for start in range(0, n_sets, block):
            rows = slice(start, start + block)
            index = (row_terms[rows] @ column_terms).astype(np.intp)
            product += x[:, rows] @ table[index]
        return product

    return delta_times


def _computed_delta_times(
    patterns: np.ndarray, sizes: np.ndarray, distance: str, block: int
) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`_set_delta_times` for sets too large for the lookup table: each block of
    Delta's rows computed from the codes the sets share (exact in float32 below 2**24 codes)."""
    dtype = np.float32 if patterns.shape[1] < 2**24 else np.float64
    rows_of, columns = patterns.astype(dtype), patterns.T.astype(dtype)

    def delta_times(x: np.ndarray) -> np.ndarray:
        product = np.zeros_like(x)
        for start in range(0, len(patterns), block):
            rows = slice(start, start + block)
            shared = (rows_of[rows] @ columns).astype(np.float64)
            product += x[:, rows] @ _set_distance(shared, sizes[rows, None], sizes[None, :], distance)
        return product

    return delta_times


def _sparse_set_delta_times(patterns: np.ndarray, distance: str) -> Callable[[np.ndarray], np.ndarray]:
    """``x -> x @ Delta`` when most pairs of distinct sets share no code.

    ``Delta[i, j] = d(s_ij, a_i, b_j)`` with ``s_ij`` the codes two sets share and
    ``a_i``, ``b_j`` their sizes. Split it as ``d(0, a_i, b_j)`` plus the
    correction ``d(s_ij, a_i, b_j) - d(0, a_i, b_j)``, which is zero unless the
    sets share a code. The first part is 1 but for two empty sets (0): the sum
    of ``x``, less the empty set's count at the empty set. The second is a sparse
    matrix over the pairs that share a code, from the sparse product of the
    membership matrix with itself. The work grows with those pairs, not with
    sets² × codes, and no table grows with the set sizes.
    """
    from scipy import sparse  # a dependency; imported only for large codebooks

    sizes = patterns.sum(axis=1).astype(np.int64)
    n_sets = len(patterns)
    empty = np.flatnonzero(sizes == 0)  # at most one: the sets are distinct
    membership = sparse.csr_array(patterns.astype(np.float64))
    overlap = (membership @ membership.T).tocoo()  # shared codes of every pair that shares one
    first, second = overlap.row, overlap.col
    count = np.rint(overlap.data).astype(np.int64)
    size_a, size_b = sizes[first], sizes[second]
    correction = _set_distance(count, size_a, size_b, distance) - _set_distance(0, size_a, size_b, distance)
    correction_t = sparse.csr_array((correction, (second, first)), shape=(n_sets, n_sets))

    def delta_times(x: np.ndarray) -> np.ndarray:
        # Sharing no code, two sets are at distance 1, but two empty sets at 0.
        disjoint = np.repeat(x.sum(axis=1, keepdims=True), n_sets, axis=1)
        disjoint[:, empty] -= x[:, empty]
        return disjoint + np.asarray(correction_t @ x.T).T

    return delta_times


def _subset_work(sizes: np.ndarray) -> float:
    """Entries :class:`_PointSpread` works through for sets of these sizes: (set, subset) pairs
    times set sizes, and the (set, size, shared codes) weights."""
    side = int(sizes.max(initial=0)) + 1
    pairs = float(np.sum(np.exp2(np.minimum(sizes, 62))))  # capped: beyond, far too many anyway
    return (pairs + len(sizes) * side) * side


def _subsets_pay(sizes: np.ndarray) -> bool:
    """Whether the point's ``x @ Delta`` is quicker by :class:`_PointSpread` than by the dense
    form: from :data:`SUBSETS_FROM_SETS` distinct sets, while the subsets' work stays below
    the dense form's (sets²) and :data:`SUBSET_ENTRIES_LIMIT`."""
    return len(sizes) >= SUBSETS_FROM_SETS and _subset_work(sizes) <= min(SUBSET_ENTRIES_LIMIT, len(sizes) ** 2)


SUBSETS_FROM_SETS = 320
"""Fewest distinct sets for :class:`_PointSpread`: below, its fixed cost (about 0.3 ms) outweighs
the dense form's (measured on benchmarks/data.py's 5 coders × 20 codes: 238 sets 0.45 ms dense
against 0.6 ms; 344 sets 1.0 ms against 0.86; 615 sets 3.1 ms against 1.4)."""


SUBSET_ENTRIES_LIMIT = 2**24
"""Most (set, subset of it) pairs × set sizes :class:`_PointSpread` holds: about 128 MB at most."""


@dataclass(eq=False)
class _PointSpread:
    """``x @ Delta`` for one row ``x`` of set counts, from how many codes sets share.

    ``Delta[i, j] = d(s_ij, a_i, b_j)`` depends only on the codes ``s_ij`` sets i
    and j share and their sizes, so ``(x @ Delta)[j] = sum_{a, s} W[j, a, s] d(s, a, b_j)``
    with ``W[j, a, s]`` the weight of the sets of size ``a`` that share ``s`` codes
    with set j. Every set T of codes contained in set j counts, for a set i of size
    a holding it too, once towards ``E[j, a, |T|] = sum_i x_i C(s_ij, |T|)``; with
    ``N[T, a]`` the weight of the sets of size a that hold T, ``E`` is a sum of
    ``N`` over the subsets of each set, and W follows by binomial inversion
    (``W[s] = sum_t (-1)^(t-s) C(t, s) E[t]``). With integer counts every step is
    exact in float64 up to the last product with the distances. The work grows with
    ``sum_j 2^|set j|``, not with sets²: the form for many distinct small sets.
    """

    sizes: np.ndarray
    """Codes in each set, shape (n_sets,)."""
    holder: np.ndarray
    """For every (set, subset of it) pair: the set, shape (n_pairs,)."""
    subset: np.ndarray
    """... the subset's index among the distinct subsets of all sets."""
    n_subsets: int
    run_start: np.ndarray
    """Where each run of pairs with one set and one subset size starts (pairs come in such runs)."""
    run_at: np.ndarray
    """Each run's ``set · side + subset size``."""
    _last: tuple[np.ndarray, np.ndarray] | None = field(default=None, init=False, repr=False)
    """The last ``x`` and its :meth:`shared_weights`: the distances share them."""

    @classmethod
    def of(cls, words: np.ndarray, sizes: np.ndarray) -> "_PointSpread | None":
        """The subsets of every set; None where they would be too many (sets of many codes)."""
        if _subset_work(sizes) > SUBSET_ENTRIES_LIMIT:
            return None
        side = int(sizes.max(initial=0)) + 1
        member = _member_bits(words)
        first_member = np.cumsum(sizes) - sizes
        holders, subsets, subset_sizes = [], [], []
        for size in np.flatnonzero(np.bincount(sizes)):
            group = np.flatnonzero(sizes == size)
            members = member[first_member[group, None] + np.arange(size)]  # (group, size, n_words)
            keys = np.zeros((len(group), 1, words.shape[1]), dtype=np.uint64)
            counted = np.zeros(1, dtype=np.int64)
            for position in range(int(size)):  # add each member code in turn: the subsets with it and without
                keys = np.concatenate([keys, keys | members[:, position, None, :]], axis=1)
                counted = np.concatenate([counted, counted + 1])
            by_size = np.argsort(counted, kind="stable")  # each set's subsets in runs of one size
            holders.append(np.repeat(group, len(counted)))
            subsets.append(keys[:, by_size].reshape(-1, words.shape[1]))
            subset_sizes.append(np.tile(counted[by_size], len(group)))
        holder = np.concatenate(holders)
        at = holder * side + np.concatenate(subset_sizes)
        run_start = np.flatnonzero(np.concatenate([[True], at[1:] != at[:-1]]))
        subset, n_subsets = _distinct_keys(np.concatenate(subsets))
        return cls(sizes, holder, subset, n_subsets, run_start, at[run_start])

    def shared_weights(self, x: np.ndarray) -> np.ndarray:
        """``W[j, a, s]``: weight of the sets of size a sharing s codes with set j, shape (n_sets, side, side)."""
        n_sets, side = len(self.sizes), int(self.sizes.max(initial=0)) + 1
        holding = np.bincount(
            self.subset * side + self.sizes[self.holder], weights=x[self.holder], minlength=self.n_subsets * side
        ).reshape(self.n_subsets, side)  # N[T, a]
        moments = np.zeros((n_sets * side, side))
        moments[self.run_at] = np.add.reduceat(holding[self.subset], self.run_start, axis=0)
        t, s = np.indices((side, side))
        inversion = np.where(t >= s, (-1.0) ** (t - s) * _binomials(side)[t, s], 0.0)  # [t, s]
        # Integers throughout (integer counts x): exact in any order. A stack of (side × side)
        # products: several times quicker than einsum, and too small for BLAS threads.
        return np.matmul(moments.reshape(n_sets, side, side).transpose(0, 2, 1), inversion)

    def spread(self, x: np.ndarray, distance: str) -> np.ndarray:
        """``x @ Delta`` for one row ``x`` of set counts, shape (n_sets,)."""
        side = int(self.sizes.max(initial=0)) + 1
        weights = self._weights(x)
        table = _distance_table(distance, side)  # [shared, size_a, size_b]
        return np.einsum("jas,saj->j", weights, table[:, :, self.sizes])

    def _weights(self, x: np.ndarray) -> np.ndarray:
        """:meth:`shared_weights`, kept for the last ``x``: the distances share it."""
        if self._last is None or not np.array_equal(self._last[0], x):
            self._last = (np.array(x, copy=True), self.shared_weights(x))
        return self._last[1]


def _member_bits(words: np.ndarray) -> np.ndarray:
    """Each code of each packed set as a packed set of its own, by set then code:
    shape (n_members, n_words), one bit set per row."""
    set_of_word, word = np.nonzero(words)  # only the words holding a code are unpacked
    as_bytes = np.ascontiguousarray(words[set_of_word, word].astype(">u8")).view(np.uint8)
    bits = np.unpackbits(as_bytes.reshape(-1, 8), axis=1).view(bool)  # 0 or 1; bit 0 is the highest
    row, bit = np.nonzero(bits)  # on bool: several times quicker than on uint8
    member = np.zeros((len(row), words.shape[1]), dtype=np.uint64)
    member[np.arange(len(row)), word[row]] = np.left_shift(np.uint64(1), (63 - bit).astype(np.uint64))
    return member


def _distinct_keys(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Each packed set's index among the distinct ones (by bit pattern), and how many there are.

    Parameters
    ----------
    keys : ndarray of uint64, shape (n, n_words)
    """
    if keys.shape[1] == 1:
        distinct, index = np.unique(keys[:, 0], return_inverse=True)
    else:
        opaque = np.ascontiguousarray(keys).view(np.dtype((np.void, 8 * keys.shape[1]))).ravel()
        distinct, index = np.unique(opaque, return_inverse=True)
    return index.ravel(), len(distinct)


def _binomials(side: int) -> np.ndarray:
    """``C(t, s)`` for t, s < side, as floats (Pascal's triangle)."""
    table = np.zeros((side, side))
    table[:, 0] = 1.0
    for t in range(1, side):
        table[t, 1:] = table[t - 1, 1:] + table[t - 1, :-1]
    return table
