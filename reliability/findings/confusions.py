"""Code confusion: which codes coders use in place of each other.

Two codes X and Y are *confused* in a unit when one coder applied X and not Y
while another applied Y and not X. With ``n[u, x]`` the number of coders who
applied X to unit u and ``both[u, x, y]`` the number who applied X and Y (one
batched product of the coders × codes array with itself), some coder applied X
and not Y exactly when ``n[u, x] > both[u, x, y]``; so X and Y are confused in u
when ``both[u, x, y] < min(n[u, x], n[u, y])``. Units are processed in chunks,
and only units with at least two disputed codes take part; there is no loop over
units. The pairs most often confused become plain-language suggestions for the
codebook, with the codes' definitions when a codebook is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..codings.codebook import Codebook
from ..codings.model import Codings

CHUNK_BYTES = 32 * 2**20
"""Memory for the per-unit codes × codes arrays; sets how many units go in a chunk."""
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
    """Every confused pair of codes, most confused first, and the code × code matrix.

    Attributes
    ----------
    codes : tuple of str
    matrix : ndarray of int, shape (n_codes, n_codes)
        ``matrix[x, y]`` = units where X and Y were confused; symmetric, zero diagonal.
    pairs : tuple of Confusion
        Pairs confused in at least one unit, most units first.
    """

    codes: tuple[str, ...]
    matrix: np.ndarray
    pairs: tuple[Confusion, ...]

    def suggestions(self) -> tuple[Confusion, ...]:
        """The pairs that carry a suggestion, most confused first."""
        return tuple(p for p in self.pairs if p.suggestion)

    def matrix_dict(self) -> dict:
        return {"codes": list(self.codes), "units": self.matrix.tolist()}


def find_confusions(codings: Codings, codebook: Codebook | None = None) -> Confusions:
    """Count, for every pair of codes, the units where coders used one in place of the other.

    Parameters
    ----------
    codings : Codings
    codebook : Codebook, optional
        Supplies the definitions quoted next to the suggestions.

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
    n_units, _, n_codes = codings.applied.shape
    matrix = np.zeros((n_codes, n_codes), dtype=np.int64)
    either = np.zeros((n_codes, n_codes), dtype=np.int64)
    first_x, first_y = np.triu_indices(n_codes, k=1)
    examples: list[list[int]] = [[] for _ in first_x]
    chunk = max(1, CHUNK_BYTES // (4 * max(1, n_codes * n_codes)))
    for start in range(0, n_units, chunk):
        applied = codings.applied[start : start + chunk]  # (m, coders, codes)
        used = applied.any(axis=1)  # (m, codes): some coder applied it
        count = used.sum(axis=0)
        either += count[:, None] + count[None, :] - _gram(used)
        every = (applied | ~codings.seen[start : start + chunk, :, None]).all(axis=1)
        candidates = np.flatnonzero((used & ~every).sum(axis=1) >= 2)  # two disputed codes or more
        as_float = applied[candidates].astype(np.float32)
        n = as_float.sum(axis=1)  # (k, codes)
        both = np.matmul(as_float.transpose(0, 2, 1), as_float)  # (k, codes, codes)
        confused = both < np.minimum(n[:, :, None], n[:, None, :])
        matrix += confused.sum(axis=0)
        _collect_examples(confused, start + candidates, first_x, first_y, examples)
    pairs = [
        Confusion(
            codes=(codings.codes[x], codings.codes[y]),
            n_units=int(matrix[x, y]),
            either=int(either[x, y]),
            units=tuple(codings.units[u] for u in examples[p]),
            by_coders=None,
            definitions=_definitions(codebook, codings.codes[x], codings.codes[y]),
        )
        for p, (x, y) in enumerate(zip(first_x.tolist(), first_y.tolist()))
        if matrix[x, y]
    ]
    pairs.sort(key=lambda c: (-c.n_units, -c.share, c.codes))
    used = codings.applied.any(axis=1)  # (units, codes): some coder applied it
    ranked = []
    for rank, pair in enumerate(pairs):
        if rank < DETAILED:
            pair = replace(pair, by_coders=_by_coders(codings, used, *pair.codes))
        if rank < SUGGESTED and _worth_suggesting(pair):
            pair = replace(pair, suggestion=_suggestion(pair))
        ranked.append(pair)
    return Confusions(codes=codings.codes, matrix=matrix, pairs=tuple(ranked))


def _gram(used: np.ndarray) -> np.ndarray:
    """``used.T @ used`` in exact integers: units where both codes were used."""
    as_float = used.astype(np.float64)
    return np.rint(as_float.T @ as_float).astype(np.int64)


def _collect_examples(
    confused: np.ndarray, units: np.ndarray, first_x: np.ndarray, first_y: np.ndarray, examples: list[list[int]]
) -> None:
    """Add each pair's first units to its examples, up to ``EXAMPLES``; only pairs with room are looked at.

    ``confused`` has shape (len(units), codes, codes); the loop runs over pairs, not units.
    """
    need = np.array([len(e) < EXAMPLES for e in examples], dtype=bool)
    if not need.any() or len(units) == 0:
        return
    wanted = np.flatnonzero(need)
    hits = confused[:, first_x[wanted], first_y[wanted]]  # (units, pairs with room)
    for column in np.flatnonzero(hits.any(axis=0)):
        pair = wanted[column]
        room = EXAMPLES - len(examples[pair])
        examples[pair].extend(units[np.flatnonzero(hits[:, column])[:room]].tolist())


def _by_coders(codings: Codings, used: np.ndarray, x_code: str, y_code: str) -> tuple[CoderPairCount, ...]:
    """Units where coder a applied x and not y while coder b applied y and not x, for every a, b.

    One product of two units × coders arrays, over the units where both codes were used;
    most frequent first.
    """
    x, y = codings.codes.index(x_code), codings.codes.index(y_code)
    applied = codings.applied[used[:, x] & used[:, y]]
    only_x = (applied[:, :, x] & ~applied[:, :, y]).astype(np.float32)
    only_y = (applied[:, :, y] & ~applied[:, :, x]).astype(np.float32)
    counts = np.rint(only_x.T @ only_y).astype(np.int64)  # (coders, coders); exact below 2**24 units
    found = [
        CoderPairCount(codings.coders[a], codings.coders[b], int(counts[a, b]))
        for a, b in zip(*np.nonzero(counts))
    ]
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
