"""The codes some coder applied to each unit, with who applied them: what confusions and bias count.

A unit gets few of a codebook's codes, so confusions and coder bias work on the
*entries* of a table, the (unit, code) pairs some coder applied, rather than on
``units × codes``. Each entry carries two coder masks: who applied the code and
who coded the unit. A code is *disputed* in a unit when the two differ (some but
not all of the unit's coders applied it).

The masks come from one weighted sum over the coder axis of ``applied`` per block
of eight coders (a byte each), a few passes over the table in all; the entries
are then the non-zero bytes. Both are built a chunk of units at a time, so the
dense per-chunk mask array stays small with any number of codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..codings.model import Codings

CHUNK_CELLS = 1 << 22
"""Units × codes masked at a time: bounds the dense per-chunk mask array (4 MiB per byte of coders)."""


@dataclass(frozen=True, eq=False)
class UsedCodes:
    """Every (unit, code) some coder applied, who applied it and who coded the unit.

    Attributes
    ----------
    unit : ndarray of int64, shape (n,)
        Ascending; within a unit the codes ascend (table order).
    code : ndarray of int64, shape (n,)
    applied_by : ndarray of uint8, shape (n, n_bytes)
        The coders who applied the code: coder ``c`` is bit ``c % 8`` of byte ``c // 8``
        (``np.packbits(..., bitorder="little")``); ``n_bytes = max(1, ceil(n_coders / 8))``.
    coded_by : ndarray of uint8, shape (n, n_bytes)
        The coders who coded the entry's unit, in the same bits.
    """

    unit: np.ndarray
    code: np.ndarray
    applied_by: np.ndarray
    coded_by: np.ndarray

    def __len__(self) -> int:
        return len(self.unit)

    @property
    def disputed(self) -> np.ndarray:
        """Entries some but not all of the unit's coders applied, shape (n,) bool.

        ``applied`` is False where a coder did not code the unit, so ``applied_by``
        lies within ``coded_by`` and the two are equal exactly when every coder of
        the unit applied the code.
        """
        return (self.applied_by != self.coded_by).any(axis=1)


def used_codes(codings: Codings) -> UsedCodes:
    """The entries of a table: every (unit, code) some coder applied, with its coder masks.

    Parameters
    ----------
    codings : Codings

    Returns
    -------
    UsedCodes

    Examples
    --------
    >>> from reliability.codings.model import from_sets
    >>> used = used_codes(from_sets({"A": {"u1": {"x"}, "u2": {"y"}}, "B": {"u1": {"x", "y"}, "u2": None}}))
    >>> used.unit.tolist(), used.code.tolist(), used.applied_by[:, 0].tolist(), used.disputed.tolist()
    ([0, 0, 1], [0, 1, 1], [3, 2, 1], [False, True, False])
    """
    n_units, n_coders, n_codes = codings.applied.shape
    n_bytes = max(1, -(-n_coders // 8))
    coded = _coder_bytes(codings.seen[:, :, None], n_bytes)[:, 0, :]  # (units, n_bytes)
    chunk = max(1, CHUNK_CELLS // max(1, n_codes))
    units, codes, masks = [], [], []
    for start in range(0, n_units if n_codes else 0, chunk):
        by_byte = _coder_bytes(codings.applied[start : start + chunk], n_bytes)  # (m, codes, n_bytes)
        flat = np.flatnonzero(by_byte[:, :, 0] != 0 if n_bytes == 1 else by_byte.any(axis=2))
        unit, code = np.divmod(flat, n_codes)
        units.append(unit + start)
        codes.append(code)
        masks.append(by_byte.reshape(-1, n_bytes)[flat])
    if not units:
        empty = np.zeros(0, dtype=np.int64)
        return UsedCodes(empty, empty, np.zeros((0, n_bytes), np.uint8), np.zeros((0, n_bytes), np.uint8))
    unit = np.concatenate(units).astype(np.int64, copy=False)
    return UsedCodes(
        unit=unit,
        code=np.concatenate(codes).astype(np.int64, copy=False),
        applied_by=np.concatenate(masks),
        coded_by=coded[unit],
    )


def _coder_bytes(applied: np.ndarray, n_bytes: int) -> np.ndarray:
    """Coder masks over the coder axis of a (units, coders, codes) boolean array, shape (units, codes, n_bytes).

    A weighted sum of distinct powers of two per block of eight coders: each byte
    is exact (at most 255), and it reads the table once per block instead of
    packing bits along a strided axis.
    """
    n_units, n_coders, n_codes = applied.shape
    out = np.empty((n_units, n_codes, n_bytes), dtype=np.uint8)
    as_bytes = applied.view(np.uint8)
    for b in range(n_bytes):
        block = slice(8 * b, min(8 * b + 8, n_coders))
        weights = (1 << np.arange(block.stop - block.start)).astype(np.uint8)
        out[:, :, b] = np.einsum("uck,c->uk", as_bytes[:, block], weights)
    return out


def applied_counts(codings: Codings) -> np.ndarray:
    """Units each coder applied each code to, shape (n_coders, n_codes), int64: ``applied.sum(axis=0)``.

    Counted on the table's distinct code sets (``Codings.set_table``): how many
    units each coder gave each set, spread over the codes of the set. The work
    grows with the cells and the codes of the distinct sets, not with
    units × codes.

    >>> from reliability.codings.model import from_sets
    >>> applied_counts(from_sets({"A": {"u1": {"x"}, "u2": {"x", "y"}}, "B": {"u1": {"y"}, "u2": set()}})).tolist()
    [[2, 1], [0, 1]]
    """
    table = codings.set_table
    sets, codes = set_members(table.words, codings.n_codes)
    counts = np.zeros((codings.n_coders, codings.n_codes), dtype=np.int64)
    for c, held in enumerate(table.labels.T):
        per_set = np.bincount(held + 1, minlength=table.n_sets + 1)[1:]  # -1 (not coded) counts in the dropped bin
        counts[c] = np.bincount(codes, weights=per_set[sets], minlength=codings.n_codes)  # exact: integers < 2**53
    return counts


def set_members(words: np.ndarray, n_codes: int) -> tuple[np.ndarray, np.ndarray]:
    """The codes of packed sets as (set, code) pairs, by set, then code; only the set bits are visited.

    ``words`` holds the sets as :func:`reliability.codings.sets.pack_sets` packs them
    (code k is bit ``63 - k % 64`` of word ``k // 64``), as ``SetTable.words`` does.

    >>> from reliability.codings.sets import pack_sets
    >>> sets, codes = set_members(pack_sets(np.array([[True, False, True], [False, True, False]])), 3)
    >>> sets.tolist(), codes.tolist()
    ([0, 0, 1], [0, 2, 1])
    """
    row, word = np.nonzero(words)  # the few non-empty words of a large codebook's sets
    as_bytes = np.ascontiguousarray(words[row, word].astype(">u8")).view(np.uint8).reshape(-1, 8)
    entry, bit = np.nonzero(np.unpackbits(as_bytes, axis=1))
    codes = word[entry] * 64 + bit
    keep = codes < n_codes
    return row[entry][keep].astype(np.int64), codes[keep].astype(np.int64)
