"""Code sets packed into 64-bit words, and the distinct sets of a table.

Every figure on whole code sets (set as one label, set distances, observed
agreement) compares the sets of two coders or counts distinct sets. On the
boolean ``applied`` array each comparison reads ``n_codes`` bytes per
(unit, coder); packed, code k is one bit, a set of up to 64 codes one
``uint64``, and equality, intersection size and set size are one or a few
word operations (a popcount for the sizes). :func:`set_table` finds the
distinct sets once; :class:`~reliability.codings.model.Codings` keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence
from functools import cached_property

import numpy as np

WORD_BITS = 64

_BYTE_POPCOUNT = np.array([bin(byte).count("1") for byte in range(256)], dtype=np.uint8)
"""Set bits of each byte value, for numpy versions without ``np.bitwise_count`` (before 2.0)."""


def pack_sets(applied: np.ndarray) -> np.ndarray:
    """Boolean code sets as words: code k is bit ``63 - k % 64`` of word ``k // 64``.

    Parameters
    ----------
    applied : ndarray of bool, shape (..., n_codes)

    Returns
    -------
    ndarray of uint64, shape (..., n_words)
        ``n_words = max(1, ceil(n_codes / 64))``. The first code is the highest bit,
        so comparing the words in order compares sets as their bit patterns do
        (``np.packbits``, big-endian): the order of :attr:`SetTable.words`.

    >>> pack_sets(np.array([[True, False, True], [False, False, False]]))[:, 0] >> np.uint64(61)
    array([5, 0], dtype=uint64)
    """
    applied = np.asarray(applied, dtype=bool)
    *lead, n_codes = applied.shape
    n_words = max(1, -(-n_codes // WORD_BITS))
    packed = np.packbits(applied, axis=-1)  # big-endian bits: code 0 is the top bit of byte 0
    padded = np.zeros((*lead, n_words * 8), dtype=np.uint8)
    padded[..., : packed.shape[-1]] = packed
    return padded.view(">u8").astype(np.uint64)


def popcount(words: np.ndarray) -> np.ndarray:
    """Set bits of each row of words: the size of each packed set.

    Parameters
    ----------
    words : ndarray of uint64, shape (..., n_words)

    Returns
    -------
    ndarray of int64, shape (...)

    >>> popcount(np.array([[7, 1], [0, 2**63]], dtype=np.uint64))
    array([4, 1])
    """
    words = np.ascontiguousarray(words, dtype=np.uint64)
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        bits = np.bitwise_count(words)
    else:
        bits = _BYTE_POPCOUNT[words.view(np.uint8)].reshape(*words.shape, 8).sum(axis=-1, dtype=np.uint8)
    return bits.sum(axis=-1, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class SetTable:
    """The distinct code sets of a table and which one each coder gave each unit.

    Attributes
    ----------
    labels : ndarray of int64, shape (n_units, n_coders)
        Index into the distinct sets; -1 where the coder never coded the unit. Read-only.
    words : ndarray of uint64, shape (n_sets, n_words)
        The distinct sets that seen cells hold, packed (:func:`pack_sets`), in
        increasing order of their bit patterns.
    sizes : ndarray of int64, shape (n_sets,)
        Codes in each set.
    n_codes : int
    """

    labels: np.ndarray
    words: np.ndarray
    sizes: np.ndarray
    n_codes: int

    @property
    def n_sets(self) -> int:
        return len(self.words)

    def patterns(self, sets: np.ndarray | None = None) -> np.ndarray:
        """The sets (all, or these indices) as boolean rows, shape (n, n_codes)."""
        words = self.words if sets is None else self.words[sets]
        as_bytes = np.ascontiguousarray(words.astype(">u8")).view(np.uint8).reshape(len(words), 8 * words.shape[1])
        return np.unpackbits(as_bytes, axis=1, count=self.n_codes).astype(bool)

    def shared(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Codes two sets have in common, for arrays of set indices (broadcast), as int64; 0 where one is -1."""
        words = self._with_missing[0]
        return popcount(words[first] & words[second])

    def overlap(self, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Codes two sets share and codes in either, for arrays of set indices, as int64.

        The empty set counts as the one pseudo-code "(uncoded)", as in observed
        agreement: two empty sets share it, an empty and a coded set share nothing.

        >>> table = set_table(np.array([[[1, 1], [1, 0], [0, 0]]], dtype=bool), np.ones((1, 3), dtype=bool))
        >>> [tuple(map(int, table.overlap(table.labels[0, a], table.labels[0, b]))) for a, b in ((0, 1), (2, 2), (0, 2))]
        [(1, 2), (1, 1), (0, 3)]
        """
        size_a, size_b = self.size_of(first), self.size_of(second)
        both = self.shared(first, second) + ((size_a == 0) & (size_b == 0))
        return both, np.maximum(size_a, 1) + np.maximum(size_b, 1) - both

    def size_of(self, sets: np.ndarray) -> np.ndarray:
        """Codes in each of these sets (indices), as int64; 0 where one is -1 (missing)."""
        return self._with_missing[1][sets]

    def words_of(self, sets: np.ndarray) -> np.ndarray:
        """These sets (indices) packed, shape (..., n_words); no code where one is -1 (missing)."""
        return self._with_missing[0][sets]

    @cached_property
    def _with_missing(self) -> tuple[np.ndarray, np.ndarray]:
        """Words and sizes with an empty row last, which the index -1 (missing) reads."""
        empty = np.zeros((1, self.words.shape[1]), dtype=np.uint64)
        return np.concatenate([self.words, empty]), np.append(self.sizes, 0)


def set_table(applied: np.ndarray, seen: np.ndarray) -> SetTable:
    """Find the distinct code sets of a table.

    Parameters
    ----------
    applied : ndarray of bool, shape (n_units, n_coders, n_codes)
    seen : ndarray of bool, shape (n_units, n_coders)

    Returns
    -------
    SetTable
        Sets in increasing order of bit pattern; only those some seen cell holds.

    >>> applied = np.array([[[1, 0], [0, 1]], [[1, 0], [1, 1]]], dtype=bool)
    >>> table = set_table(applied, np.array([[True, True], [True, False]]))
    >>> table.labels.tolist(), table.patterns().tolist()
    ([[1, 0], [1, -1]], [[False, True], [True, False]])
    """
    applied = np.asarray(applied, dtype=bool)
    seen = np.asarray(seen, dtype=bool)
    n_codes = applied.shape[2]
    # Packing every cell and then taking the seen ones reads ``applied`` once; taking the
    # seen cells' codes first would copy most of ``applied`` before packing it. Taken by
    # index: a boolean mask over the cells takes several times longer.
    seen_cells = np.flatnonzero(seen.reshape(-1))
    packed = pack_sets(applied)
    # (n_seen, n_words), rows in (unit, coder) order
    words = np.take(packed.reshape(-1, packed.shape[-1]), seen_cells, axis=0)
    if words.shape[1] == 1:
        import pandas as pd  # the readers have imported it already

        # Hashing finds the few distinct sets among a million cells faster than sorting them all.
        inverse, distinct = pd.factorize(words[:, 0], sort=True)
        distinct = np.asarray(distinct, dtype=np.uint64)[:, None]
    else:
        # One opaque big-endian key per set: bytes compare as the words do, and sorting keys
        # is much faster than np.unique(axis=0).
        keys = np.ascontiguousarray(words.astype(">u8")).view(np.dtype((np.void, 8 * words.shape[1]))).ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        distinct = words[first]
    labels = np.full(seen.shape, -1, dtype=np.int64)
    labels.reshape(-1)[seen_cells] = inverse.ravel()
    labels.flags.writeable = False
    distinct = np.ascontiguousarray(distinct)
    return SetTable(labels=labels, words=distinct, sizes=popcount(distinct), n_codes=n_codes)


def name_rows(rows: np.ndarray, names: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Each boolean row as the tuple of the names of its True columns, in column order.

    >>> name_rows(np.array([[True, False, True], [False, False, False]]), ("a", "b", "c"))
    (('a', 'c'), ())
    """
    row, column = np.nonzero(rows)
    named = np.array(list(names), dtype=object)[column].tolist()
    ends = np.cumsum(np.bincount(row, minlength=len(rows))).tolist()
    return tuple(tuple(named[start:end]) for start, end in zip([0, *ends[:-1]], ends))


def distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a boolean (n, n_columns) array, by bit pattern, and each row's index among them.

    >>> labels, distinct = distinct_rows(np.array([[True, False], [False, False], [True, False]]))
    >>> labels.tolist(), distinct.tolist()
    ([1, 0, 1], [[False, False], [True, False]])
    """
    rows = np.asarray(rows, dtype=bool)
    table = set_table(rows[:, None, :], np.ones((len(rows), 1), dtype=bool))
    return table.labels[:, 0], table.patterns()


def named_sets(rows: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Boolean rows as tuples of names (:func:`name_rows`), each distinct row named once.

    Parameters
    ----------
    rows : ndarray of bool, shape (..., n_names)
    names : sequence of str, length n_names

    Returns
    -------
    ndarray of object, shape (...)
        Tuples of names; ``.tolist()`` gives nested lists of them at C speed.
    """
    rows = np.asarray(rows, dtype=bool)
    labels, distinct = distinct_rows(rows.reshape(int(np.prod(rows.shape[:-1])), rows.shape[-1]))
    named = np.fromiter(name_rows(distinct, names), dtype=object, count=len(distinct))
    return named[labels].reshape(rows.shape[:-1])
