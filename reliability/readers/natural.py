"""Natural order of names: numbers inside them sort by value (S2 before S10).

Units, coders and codes are listed in this order everywhere, so a report reads
the way the data were numbered. Vectorised: values are ranked column by column
(text head, number, rest) rather than by a Python key per value.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

_DIGITS = re.compile(r"(\d+)")
_HEAD = re.compile(r"(\D*)(\d*)(.*)", re.S)
_HEAD_JOINED = re.compile(r"([^\d\x00]*)(\d*)([^\x00]*)\x00")
_MAX_DEPTH = 20
"""Numbers in a value ranked column-wise before the rest is ranked value by value."""


def natural_key(value: str) -> tuple:
    """Sort key that orders embedded numbers by value: S2 < S10; ties broken by the text itself.

    Text compares without case, numbers by value then spelling (``007`` before ``7``).

    >>> sorted(["S10", "s2", "S2", "S1b", "S1a"], key=natural_key)
    ['S1a', 'S1b', 'S2', 's2', 'S10']
    """
    parts = _DIGITS.split(value)
    return tuple((0, _magnitude(p), p) if i % 2 else (1, (0, ""), p.casefold()) for i, p in enumerate(parts)), value


def _magnitude(digits: str) -> tuple[int, str]:
    """A run of digits as a key that orders by value, however long: length without leading zeros, then the digits.

    ``int()`` would refuse a run of more than 4,300 digits (and spend quadratic time before).

    >>> sorted(["10", "9", "007", "9" * 5000])[:1], _magnitude("007") < _magnitude("10") < _magnitude("9" * 5000)
    (['007'], True)
    """
    if not digits.isascii():  # other scripts' digits ("٣") count by their value, as int() reads them
        digits = "".join(str(unicodedata.decimal(d)) for d in digits)
    significant = digits.lstrip("0")
    return len(significant), significant


def natural_sorted(values) -> list[str]:
    """Values in natural order, e.g. ['u1', 'u2', 'u10'] (the order of :func:`natural_key`)."""
    values = np.array([str(v) for v in values], dtype=object)
    return list(values[natural_order(values)])


def natural_order(values: np.ndarray) -> np.ndarray:
    """Indices that sort ``values`` as :func:`natural_key` does.

    Vectorised: each value is split once into head text, first number and the
    rest; the three are ranked column-wise (the rest recursively, over its
    distinct values) and combined with ``np.lexsort``, instead of comparing
    Python key tuples.

    Parameters
    ----------
    values : array-like of str, shape (n,)

    Returns
    -------
    ndarray of int, shape (n,)

    >>> natural_order(np.array(["S10", "s2", "S2", "S1b", "S1a"], dtype=object))
    array([4, 3, 2, 1, 0])
    """
    return natural_ranks(values)[0]


def natural_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The natural order of the values, and ranks equal for values differing only in case or leading zeros."""
    values = np.asarray(values, dtype=object)
    exact, alike = _part_ranks(values)
    order = np.argsort(exact, kind="stable")
    tied = np.flatnonzero(np.diff(exact[order]) == 0)
    if len(tied):
        # Equal keys, different spelling ("U1", "u1"): the text itself decides.
        members = np.unique(np.concatenate([order[tied], order[tied + 1]]))
        spelled = np.zeros(len(values), dtype=np.int64)
        spelled[sorted(members, key=values.__getitem__)] = np.arange(len(members))
        order = np.lexsort((spelled, exact))
    return order, alike


def _part_ranks(values: np.ndarray, depth: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Dense ranks by :func:`natural_key` without its tie-break on spelling; and the same ignoring leading zeros."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if depth > _MAX_DEPTH:
        # Values with very many numbers in them (text rather than ids): one key each.
        return _ranks_by_key(values, lambda v: natural_key(v)[0]), _ranks_by_key(values, _alike_key)
    joined = "\x00".join(values.tolist()) + "\x00"  # a list joins several times faster than an array
    if joined.count("\x00") != len(values):  # a value holds NUL (readers refuse it; others may not)
        return _ranks_by_key(values, lambda v: natural_key(v)[0]), _ranks_by_key(values, _alike_key)
    numbered = _same_width_numbers(values, joined)
    if numbered is None:
        numbered = _numbers_after_one_head(values, joined)
    if numbered is not None:
        return numbered
    heads, numbers, rests = _split_first_number(values, joined)
    head = dense_ranks(heads)
    number, value = _number_ranks(numbers)
    has_number = (numbers != "").astype(np.int64)
    rest_ids, distinct_rests = pd.factorize(np.array(rests, dtype=object))
    if len(distinct_rests) > 1:
        rest, rest_alike = (r[rest_ids] for r in _part_ranks(np.asarray(distinct_rests, dtype=object), depth + 1))
    else:
        rest = rest_alike = np.zeros(len(values), dtype=np.int64)
    exact = _dense_ranks_of_keys(head, has_number, number, rest)
    return exact, _dense_ranks_of_keys(head, has_number, value, rest_alike)


def _same_width_numbers(values: np.ndarray, joined: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The ranks of :func:`_part_ranks` when every value is one ASCII text and a number of one width ("u000001" …).

    The commonest ids of all, read as a table of bytes (one row per value) instead of
    matched and split as text. Numbers of one width have one spelling per value, so
    both ranks are those of the numbers. None when the values are of another kind.
    """
    width = len(values[0])
    head = len(_HEAD.match(values[0]).group(1))
    if not 1 <= width - head <= 18 or len(joined) != len(values) * (width + 1) or not joined.isascii():
        return None
    # No value holds NUL (the caller counted them): with one after every width + 1 bytes, every value is that wide.
    table = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(len(values), width + 1)
    digits = table[:, head:width] - np.uint8(ord("0"))  # wraps around below "0": any non-digit is 10 or more
    if table[:, width].any() or (table[:, :head] != table[0, :head]).any() or (digits > 9).any():
        return None
    numbers = np.zeros(len(values), dtype=np.int64)
    for column in digits.T:
        numbers = numbers * 10 + column
    ranks = _dense_ranks_of_keys(numbers)
    return ranks, ranks


def _numbers_after_one_head(values: np.ndarray, joined: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The ranks of :func:`_part_ranks` when every value is one text and a number ("U1" … "U200000").

    The commonest kind of ids, ranked by the numbers alone; None when the values are
    of another kind.
    """
    head = _HEAD.match(values[0]).group(1)
    if not re.fullmatch(f"(?:{re.escape(head)}\\d{{1,18}}\x00)+", joined):
        return None
    # Every value is head + digits + NUL: the numbers are what lies between "NUL + head"s (one split, no loop).
    numbers = np.array(joined[len(head) : -1].split("\x00" + head), dtype=object)
    by_value = _dense_ranks_of_keys(numbers.astype(np.int64))
    tied = by_value.max() + 1 < len(by_value)  # dense ranks: fewer distinct values than values ("007" and "7")
    spelled = dense_ranks(numbers) if tied else np.zeros(len(values), dtype=np.int64)
    return _dense_ranks_of_keys(by_value, spelled), by_value


def _split_first_number(values: np.ndarray, joined: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each value as (head text, casefolded; its first number; the rest), e.g. "Doc2_s10" → ("doc", "2", "_s10").

    One regular-expression pass over the values joined by NUL, which none holds,
    rather than one match per value.
    """
    heads, numbers, rests = zip(*_HEAD_JOINED.findall(joined))
    folded = "\x00".join(heads).casefold().split("\x00")
    return tuple(np.array(column, dtype=object) for column in (folded, numbers, rests))


def _alike_key(value: str) -> tuple:
    """:func:`natural_key` without case, numbers by value only: equal for ``U007`` and ``u7``."""
    parts = _DIGITS.split(value)
    return tuple((0, _magnitude(p)) if i % 2 else (1, (0, p.casefold())) for i, p in enumerate(parts))


def _ranks_by_key(values: np.ndarray, key) -> np.ndarray:
    """Dense ranks of the values by a Python key function (equal keys share a rank)."""
    ids, distinct = pd.factorize(values)
    keys = [key(v) for v in distinct]
    order = sorted(range(len(distinct)), key=keys.__getitem__)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.cumsum([True] + [keys[a] != keys[b] for a, b in zip(order, order[1:])]) - 1
    return rank[ids]


def dense_ranks(values: np.ndarray) -> np.ndarray:
    """Dense ranks of strings in plain (code point) order; equal strings share a rank."""
    ids, distinct = pd.factorize(values)
    order = sorted(range(len(distinct)), key=distinct.__getitem__)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct))
    return rank[ids]


def _number_ranks(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense ranks of digit strings by value then spelling ("007" before "7"), and by value alone.

    "" (no number) ranks 0, below every number.
    """
    ids, distinct = pd.factorize(numbers)
    distinct = np.asarray(distinct, dtype=object)
    if len(max(distinct, key=len)) <= 18:  # fits in int64
        as_int = distinct.copy()
        as_int[distinct == ""] = -1
        value = _dense_ranks_of_keys(as_int.astype(np.int64))
    else:
        value = _ranks_by_key(distinct, lambda d: (len(d.lstrip("0")), d.lstrip("0")) if d else (-1, ""))
    spelled = dense_ranks(distinct) if len(np.unique(value)) < len(value) else np.zeros(len(distinct), dtype=np.int64)
    return _dense_ranks_of_keys(value, spelled)[ids], value[ids]


def _dense_ranks_of_keys(*keys: np.ndarray) -> np.ndarray:
    """Dense ranks by several integer keys, the first the most significant."""
    if len(keys) == 1 and (np.diff(keys[0]) > 0).all():  # already in order (ids read from a sorted file)
        return np.arange(len(keys[0]), dtype=np.int64)
    order = np.lexsort(keys[::-1])
    stacked = np.stack([k[order] for k in keys])
    new = np.concatenate([[True], (np.diff(stacked, axis=1) != 0).any(axis=0)])[: len(order)]
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.cumsum(new) - 1
    return rank
