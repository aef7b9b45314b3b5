"""Code confusion: which codes coders use in place of each other.

Two codes X and Y are *confused* in a unit when one coder applied X and not Y
while another applied Y and not X. Both codes are then *disputed* in the unit
(some but not all of its coders applied them), and a unit has only a few
disputed codes however large the codebook. So the table is compressed to its
used (unit, code) entries, each with the set of coders who applied it as a bit
mask (:mod:`reliability.findings.entries`); the pairs of disputed codes within
each unit are generated at once for all units, tested on their masks
(``x & ~y`` and ``y & ~x`` both non-empty), and the confused pairs
scatter-added into sparse counts. The cost grows with units × codes and with
the disputed pairs, never with codes² per unit, and there is no loop over
units. The pairs most often confused become plain-language suggestions for
the codebook, with the codes' definitions when a codebook is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..codings.codebook import Codebook
from ..codings.model import Codings
from .entries import UsedCodes, used_codes

CHUNK_UNITS = 65536
"""Units whose pairs of codes are formed at a time; bounds the memory of the pair arrays."""
EXAMPLES = 20
"""Units named per confused pair; ``n_units`` counts them all."""
DETAILED = 20
"""The most confused pairs also say which coders applied which code (``by_coders``)."""
SUGGESTED = 5
"""At most this many of the most confused pairs get a suggestion."""
MIN_UNITS_FOR_SUGGESTION = 2
MIN_SHARE_FOR_SUGGESTION = 0.2
"""A suggestion needs the two codes confused in at least this share of the units coded with either."""
DOMINANT_SHARE = 0.6
"""A pair of coders behind at least this share of a confusion is named in the suggestion."""


@dataclass(frozen=True)
class CoderPairCount:
    """How often one coder applied the first code where another applied the second."""

    first: str
    """The coder who applied the first code and not the second."""
    second: str
    """The coder who applied the second code and not the first."""
    n_units: int

    def to_dict(self) -> dict:
        return {"coders": [self.first, self.second], "units": self.n_units}


@dataclass(frozen=True)
class Confusion:
    """One pair of codes that coders use in place of each other.

    Attributes
    ----------
    codes : (str, str)
        The two codes, in the table's code order.
    n_units : int
        Units where one coder applied the first code and not the second while
        another applied the second and not the first.
    either : int
        Units where some coder applied either code (the denominator of ``share``).
    units : tuple of str
        The first ``EXAMPLES`` such units, in table order.
    by_coders : tuple of CoderPairCount or None
        Who applied which code, most frequent first; for the ``DETAILED`` most
        confused pairs (None for the others).
    definitions : (str, str) or None
        The codes' definitions when a codebook gives them.
    suggestion : str or None
        Plain-language advice, for the most confused pairs.
    """

    codes: tuple[str, str]
    n_units: int
    either: int
    units: tuple[str, ...]
    by_coders: tuple[CoderPairCount, ...] | None
    definitions: tuple[str, str] | None = None
    suggestion: str | None = None

    @property
    def share(self) -> float:
        """Share of the units coded with either code in which the two were confused."""
        return self.n_units / self.either if self.either else 0.0

    def to_dict(self) -> dict:
        return {
            "codes": list(self.codes),
            "units": self.n_units,
            "share": self.share,
            "either": self.either,
            "examples": list(self.units),
            "by_coders": None if self.by_coders is None else [p.to_dict() for p in self.by_coders],
            "definitions": None if self.definitions is None else dict(zip(self.codes, self.definitions)),
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True, eq=False)
class Confusions:
    """Every confused pair of codes, most confused first, and the sparse code × code counts.

    Attributes
    ----------
    codes : tuple of str
    pairs : tuple of Confusion
        Pairs confused in at least one unit, most units first.
    pair_codes : ndarray of int, shape (n_pairs, 2)
        Code indices of every confused pair, first < second, in the order of ``pairs``.
    """

    codes: tuple[str, ...]
    pairs: tuple[Confusion, ...]
    pair_codes: np.ndarray

    @property
    def matrix(self) -> np.ndarray:
        """``matrix[x, y]`` = units where X and Y were confused; symmetric, zero diagonal.

        Dense, shape (n_codes, n_codes): built on demand for a matrix a reader asked to see.
        """
        dense = np.zeros((len(self.codes), len(self.codes)), dtype=np.int64)
        if len(self.pairs):
            counts = np.array([p.n_units for p in self.pairs], dtype=np.int64)
            dense[self.pair_codes[:, 0], self.pair_codes[:, 1]] = counts
            dense[self.pair_codes[:, 1], self.pair_codes[:, 0]] = counts
        return dense

    def suggestions(self) -> tuple[Confusion, ...]:
        """The pairs that carry a suggestion, most confused first."""
        return tuple(p for p in self.pairs if p.suggestion)

    def matrix_dict(self) -> dict:
        return {"codes": list(self.codes), "units": self.matrix.tolist()}


def find_confusions(codings: Codings, codebook: Codebook | None = None, used: UsedCodes | None = None) -> Confusions:
    """Count, for every pair of codes, the units where coders used one in place of the other.

    Parameters
    ----------
    codings : Codings
    codebook : Codebook, optional
        Supplies the definitions quoted next to the suggestions.
    used : UsedCodes, optional
        :func:`~reliability.findings.entries.used_codes` of ``codings``, when already at hand.

    Returns
    -------
    Confusions

    Examples
    --------
    Counted by hand: in u1 and u2 coder A applied x where B applied y; in u3 they agree.

    >>> from reliability.codings.model import from_sets
    >>> c = from_sets({"A": {"u1": {"x"}, "u2": {"x", "z"}, "u3": {"y"}},
    ...                "B": {"u1": {"y"}, "u2": {"y", "z"}, "u3": {"y"}}})
    >>> result = find_confusions(c)
    >>> [(p.codes, p.n_units, p.units) for p in result.pairs]
    [(('x', 'y'), 2, ('u1', 'u2'))]
    >>> result.matrix.tolist()
    [[0, 2, 0], [2, 0, 0], [0, 0, 0]]
    """
    used = used_codes(codings) if used is None else used
    n_codes = codings.n_codes
    # Only codes disputed in a unit can be confused there: pairs are formed among those alone.
    disputed = np.flatnonzero(used.disputed)
    unit, code, masks = used.unit[disputed], used.code[disputed], used.applied_by[disputed]
    confused_keys, confused_units, confused_masks = [], [], []
    for part in _unit_chunks(unit):
        first, second = pairs_within_groups(unit[part])
        first, second = first + part.start, second + part.start
        mx, my = masks[first], masks[second]
        confused = np.flatnonzero((mx & ~my).any(axis=1) & (my & ~mx).any(axis=1))
        first, second = first[confused], second[confused]
        confused_keys.append(code[first] * n_codes + code[second])
        confused_units.append(unit[first])
        confused_masks.append(np.stack([mx[confused], my[confused]], axis=1))  # (n, 2, n_bytes)
    keys, counts, examples, by_key = _count_with_examples(np.concatenate(confused_keys), np.concatenate(confused_units))
    pair_masks = np.concatenate(confused_masks)[by_key]  # grouped as ``keys``, each group in unit order
    used_count = np.bincount(used.code, minlength=n_codes)
    xs, ys = np.divmod(keys, n_codes) if n_codes else (keys, keys)
    either = used_count[xs] + used_count[ys] - _co_used(used, keys, n_codes)
    pairs = [
        Confusion(
            codes=(codings.codes[x], codings.codes[y]),
            n_units=n,
            either=e,
            units=tuple(codings.units[u] for u in units),
            by_coders=None,
            definitions=_definitions(codebook, codings.codes[x], codings.codes[y]),
        )
        for x, y, n, e, units in zip(xs.tolist(), ys.tolist(), counts.tolist(), either.tolist(), examples)
    ]
    order = sorted(range(len(pairs)), key=lambda p: (-pairs[p].n_units, -pairs[p].share, pairs[p].codes))
    ends = np.cumsum(counts)
    ranked = []
    for rank, p in enumerate(order):
        pair = pairs[p]
        if rank < DETAILED:
            own = pair_masks[ends[p] - counts[p] : ends[p]]
            pair = replace(pair, by_coders=_by_coders(codings.coders, own[:, 0], own[:, 1]))
        if rank < SUGGESTED and _worth_suggesting(pair):
            pair = replace(pair, suggestion=_suggestion(pair))
        ranked.append(pair)
    pair_codes = np.stack([xs, ys], axis=1)[order] if order else np.zeros((0, 2), dtype=np.int64)
    return Confusions(codes=codings.codes, pairs=tuple(ranked), pair_codes=pair_codes)


def _unit_chunks(unit: np.ndarray) -> list[slice]:
    """Slices of a non-decreasing ``unit`` array, ``CHUNK_UNITS`` units at a time and never splitting a unit.

    Bounds the memory of the pair arrays built per slice.
    """
    if not len(unit):
        return [slice(0, 0)]
    bounds = np.searchsorted(unit, np.arange(unit[0], unit[-1] + 1, CHUNK_UNITS)).tolist() + [len(unit)]
    return [slice(start, stop) for start, stop in zip(bounds[:-1], bounds[1:])]


def _co_used(used: UsedCodes, keys: np.ndarray, n_codes: int) -> np.ndarray:
    """Units where some coder applied each of two codes, for sorted pair keys ``x * n_codes + y`` (x < y).

    Counted over the pairs of each unit's used codes. When the code × code table is
    no larger than those pairs, they are counted into it directly; otherwise (a large
    codebook) only the wanted keys are looked up, so memory never grows with codes².
    """
    counts = np.zeros(len(keys), dtype=np.int64)
    if not len(keys):
        return counts
    for part in _unit_chunks(used.unit):
        first, second = pairs_within_groups(used.unit[part])
        both = used.code[part][first] * n_codes + used.code[part][second]
        if n_codes * n_codes <= len(both):
            counts += np.bincount(both, minlength=n_codes * n_codes)[keys]
        else:
            counts += _counts_of(both, keys)
    return counts


def pairs_within_groups(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions i < j with ``groups[i] == groups[j]``, for a sorted ``groups``.

    Built at once for all groups (no loop over them); pairs come group by group,
    and within a group in the order of i, then j.

    Parameters
    ----------
    groups : ndarray of int, shape (n,)
        Non-decreasing group labels (here: a unit per entry).

    Returns
    -------
    first, second : ndarray of int, shape (n_pairs,)
        Positions into ``groups``; ``n_pairs`` is the sum of d·(d − 1)/2 over group sizes d.

    Examples
    --------
    >>> first, second = pairs_within_groups(np.array([0, 0, 0, 3, 5, 5]))
    >>> list(zip(first.tolist(), second.tolist()))
    [(0, 1), (0, 2), (1, 2), (4, 5)]
    """
    n = len(groups)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    ends = np.append(np.flatnonzero(np.diff(groups)) + 1, n)
    sizes = np.diff(ends, prepend=0)
    later = np.repeat(ends, sizes) - np.arange(n) - 1  # entries after each one in its group
    first = np.repeat(np.arange(n), later)
    # Pair p of entry i's block (which starts at pair start[i]) is (i, i + 1 + p - start[i]).
    start = np.cumsum(later) - later
    second = np.arange(len(first)) + np.repeat(np.arange(1, n + 1) - start, later)
    return first, second


def _count_with_examples(
    keys: np.ndarray, units: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[list[int]], np.ndarray]:
    """Distinct pair keys, the units of each, each key's first ``EXAMPLES`` units, and the grouping order.

    ``units`` is ascending within each key (chunks come in unit order); a stable
    sort by key keeps it so, and each key's examples are the head of its run.
    The last item is that sort: it groups anything else held per (key, unit) alike.
    Keys that fit in 16 bits are sorted as such (numpy then sorts stably by radix).
    """
    fits = len(keys) and 0 <= keys.min() and keys.max() < 1 << 16
    order = np.argsort(keys.astype(np.uint16) if fits else keys, kind="stable")
    keys, units = keys[order], units[order]
    distinct, starts, counts = np.unique(keys, return_index=True, return_counts=True)
    rank = np.arange(len(keys)) - np.repeat(starts, counts)
    shown = rank < EXAMPLES
    heads = np.split(units[shown], np.cumsum(np.minimum(counts, EXAMPLES))[:-1]) if len(distinct) else []
    return distinct, counts, [h.tolist() for h in heads], order


def _counts_of(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """How often each of the sorted distinct ``wanted`` keys occurs in ``keys``."""
    if len(wanted) == 0:
        return np.zeros(0, dtype=np.int64)
    slot = np.minimum(np.searchsorted(wanted, keys), len(wanted) - 1)
    hit = wanted[slot] == keys
    return np.bincount(slot[hit], minlength=len(wanted)).astype(np.int64)


def _by_coders(coders: tuple[str, ...], first: np.ndarray, second: np.ndarray) -> tuple[CoderPairCount, ...]:
    """Units where coder a applied x and not y while coder b applied y and not x, for every a, b.

    Only units where the pair is confused can count (elsewhere nobody applied one
    code without the other, on one side or the other), so the counts come from the
    coder masks of those units alone (``first``, ``second``: who applied x, y; bytes
    as :class:`~reliability.findings.entries.UsedCodes` holds them): one integer
    product of two units × coders arrays. Most frequent first.
    """
    n_coders = len(coders)
    only_x = np.unpackbits(first & ~second, axis=1, count=n_coders, bitorder="little").astype(np.int64)
    only_y = np.unpackbits(second & ~first, axis=1, count=n_coders, bitorder="little").astype(np.int64)
    counts = only_x.T @ only_y  # (coders, coders)
    found = [CoderPairCount(coders[a], coders[b], int(counts[a, b])) for a, b in zip(*np.nonzero(counts))]
    return tuple(sorted(found, key=lambda p: (-p.n_units, p.first, p.second)))


def _definitions(codebook: Codebook | None, x: str, y: str) -> tuple[str, str] | None:
    if codebook is None:
        return None
    definitions = (codebook.definition(x), codebook.definition(y))
    return definitions if any(definitions) else None


def _worth_suggesting(pair: Confusion) -> bool:
    return pair.n_units >= MIN_UNITS_FOR_SUGGESTION and pair.share >= MIN_SHARE_FOR_SUGGESTION


def _suggestion(pair: Confusion) -> str:
    """Plain-language advice on one confused pair, for the codebook meeting."""
    x, y = pair.codes
    examples = ", ".join(pair.units[:8]) + (", …" if pair.n_units > 8 else "")
    text = (
        f"'{x}' and '{y}' stand in for each other in {pair.n_units:,} unit{'' if pair.n_units == 1 else 's'} ({examples}): "
        "merge them or sharpen the boundary between their definitions."
    )
    if pair.by_coders and pair.by_coders[0].n_units >= DOMINANT_SHARE * pair.n_units:
        top = pair.by_coders[0]
        text += f" Mostly {top.first} applies '{x}' where {top.second} applies '{y}' ({top.n_units:,} of {pair.n_units:,})."
    text += f' To see the effect of a merge: --merge "{x}+{y}=NEW NAME".'
    return text
