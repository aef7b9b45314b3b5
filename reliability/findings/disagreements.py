"""Where coders disagree: every unit whose coders' code sets are not all identical.

The search and the ranking run on the whole ``applied`` array at once; only the
rows a report actually shows (or writes to JSON/CSV) become Python objects, one
per disagreeing unit.

A unit *disagrees* when at least two coders coded it and their code sets are
not all identical; a coder who never coded the unit does not take part. An
empty set counts as the pseudo-code "(uncoded)", as in every observed-agreement
figure (DESIGN §3). A code is *disputed* in a unit when some but not all of the
coders who coded the unit applied it. The *contest* of a unit is one minus the
mean Jaccard similarity of its coders' sets over every pair of coders who coded
it: 0 when all sets are identical, 1 when no two coders share a code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import numpy as np

from ..codings.codebook import did_you_mean
from ..codings.model import UNCODED, Codings, sets_with_uncoded
from ..codings.sets import distinct_rows, name_rows, named_sets, popcount
from ..errors import UsageError

CHUNK_UNITS = 16384
"""Units processed at a time; bounds the memory of the per-unit pair matrices."""


@dataclass(frozen=True)
class CoderCoding:
    """One coder's coding of one unit.

    Attributes
    ----------
    coder : str
    codes : tuple of str or None
        The codes applied, in the table's code order; ``()`` for "no appropriate
        category", None when the coder never coded the unit.
    note : str or None
    """

    coder: str
    codes: tuple[str, ...] | None
    note: str | None


@dataclass(frozen=True)
class DisagreeingUnit:
    """A unit the coders coded differently, with everything a team needs to discuss it."""

    unit: str
    text: str | None
    codings: tuple[CoderCoding, ...]
    disputed: tuple[str, ...]
    """Codes (and "(uncoded)") some but not all of the unit's coders applied."""
    agreed: tuple[str, ...]
    """Codes every coder of the unit applied."""
    contest: float

    def to_dict(self) -> dict:
        return _unit_dict(
            self.unit,
            self.text,
            self.contest,
            {c.coder: c.codes for c in self.codings},
            {c.coder: c.note for c in self.codings if c.note},
            self.disputed,
            self.agreed,
        )


def _unit_dict(
    unit: str,
    text: str | None,
    contest: float,
    codes: dict[str, tuple[str, ...] | None],
    notes: dict[str, str],
    disputed: tuple[str, ...],
    agreed: tuple[str, ...],
) -> dict:
    """The JSON form of one disagreeing unit (``DisagreeingUnit.to_dict`` and ``Disagreements.to_list``)."""
    return {
        "unit": unit,
        "text": text,
        "contest": contest,
        "codes": {coder: None if applied is None else list(applied) for coder, applied in codes.items()},
        "notes": notes,
        "disputed": list(disputed),
        "agreed": list(agreed),
    }


@dataclass(frozen=True, eq=False)
class Disagreements:
    """Every disagreeing unit, most contested first; rows are built only when asked for.

    Attributes
    ----------
    codings : Codings
        The table the units come from (after any revision).
    order : ndarray of int, shape (n,)
        Unit indices, most contested first.
    contest : ndarray of float, shape (n,)
        Each listed unit's contest.
    disputed : ndarray of bool, shape (n, n_codes + 1)
        Disputed codes of each listed unit; the last column is "(uncoded)".
    total : int
        Disagreeing units before any filter.
    code, pair : str or None, tuple of str or None
        The filter in force (``--code``, ``--pair``).
    """

    codings: Codings
    order: np.ndarray
    contest: np.ndarray
    disputed: np.ndarray
    total: int
    code: str | None = None
    pair: tuple[str, str] | None = None

    def __len__(self) -> int:
        return len(self.order)

    def rows(self, limit: int | None = None) -> list[DisagreeingUnit]:
        """The first ``limit`` disagreeing units (all when None), most contested first."""
        c = self.codings
        return [
            DisagreeingUnit(
                unit,
                c.texts.get(unit),
                tuple(CoderCoding(coder, codes, c.notes.get((unit, coder))) for coder, codes in zip(c.coders, sets)),
                disputed,
                agreed,
                contest,
            )
            for unit, sets, disputed, agreed, contest in self._named(limit)
        ]

    def to_list(self) -> list[dict]:
        """Every listed unit in its JSON form (as ``DisagreeingUnit.to_dict``, without building the rows)."""
        c = self.codings
        notes = c.notes
        return [
            _unit_dict(
                unit,
                c.texts.get(unit),
                contest,
                dict(zip(c.coders, sets)),
                {coder: notes[(unit, coder)] for coder in c.coders if (unit, coder) in notes} if notes else {},
                disputed,
                agreed,
            )
            for unit, sets, disputed, agreed, contest in self._named(None)
        ]

    def json_lines(self) -> "EncodedUnits":
        """Every listed unit as one line of compact JSON, built a column at a time.

        Each line is ``json.dumps(item, ensure_ascii=False, separators=(", ", ": "))``
        of the matching item of :meth:`to_list`: the same text, without a dict per
        unit. Each distinct code set, disputed set and agreed set is encoded once.
        """
        c = self.codings
        chosen = self.order
        if not len(chosen):
            return EncodedUnits()
        text = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes for a str
        units = np.array(c.units, dtype=object)[chosen].tolist()
        sets = np.fromiter([*(json_list(names, text) for names in c.set_names), "null"], dtype=object)
        columns = (
            list(map(text, units)),
            [text(c.texts[unit]) if unit in c.texts else "null" for unit in units] if c.texts else ["null"] * len(units),
            list(map(float.__repr__, self.contest.tolist())),
            _notes_json(c, units, text) if c.notes else ["{}"] * len(units),
            json_lists(self.disputed, c.codes + (UNCODED,), text),
            json_lists(agreed_codes(c, chosen), c.codes, text),
        )
        held = [sets[c.set_table.labels[chosen, k]].tolist() for k in range(c.n_coders)]  # a column per coder
        unit, unit_text, contest, notes, disputed, agreed = columns
        codes: list = []
        for k, coder in enumerate(c.coders):
            codes += [(", " if k else "") + text(coder) + ": ", held[k]]
        return joined_lines(
            ['{"unit": ', unit, ', "text": ', unit_text, ', "contest": ', contest, ', "codes": {', *codes,
             '}, "notes": ', notes, ', "disputed": ', disputed, ', "agreed": ', agreed, "}"],
            len(units),
        )

    def _named(self, limit: int | None) -> zip:
        """For the first ``limit`` units: id, each coder's codes, disputed and agreed codes, contest.

        Every set is named through :func:`name_sets`, so the work per unit is a few lookups.
        """
        c = self.codings
        chosen = self.order[:limit]
        disputed = name_sets(self.disputed[: len(chosen), None, :], c.codes + (UNCODED,))
        agreed = name_sets(agreed_codes(c, chosen)[:, None, :], c.codes)
        return zip(
            [c.units[u] for u in chosen.tolist()],
            coder_sets(c, chosen),
            (d[0] for d in disputed),
            (a[0] for a in agreed),
            self.contest[: len(chosen)].tolist(),
        )

    def filtered(self, code: str | None = None, pair: tuple[str, str] | None = None) -> "Disagreements":
        """Only the units where ``code`` is disputed and/or where coders ``pair`` differ.

        Raises
        ------
        UsageError
            The code or a coder does not exist, or the pair names one coder twice.
        """
        keep = np.ones(len(self.order), dtype=bool)
        if code is not None:
            keep &= self.disputed[:, _code_column(self.codings, code)]
        if pair is not None:
            a, b = (self.codings.coder_index(name) for name in pair)
            if a == b:
                raise UsageError(f"--pair {pair[0]},{pair[1]} names one coder twice; name two different coders")
            seen = self.codings.seen[self.order]
            sets = sets_with_uncoded(self.codings.applied[self.order], seen)
            both = seen[:, a] & seen[:, b]
            keep &= both & (sets[:, a] != sets[:, b]).any(axis=1)
        return replace(
            self,
            order=self.order[keep],
            contest=self.contest[keep],
            disputed=self.disputed[keep],
            code=code if code is not None else self.code,
            pair=pair if pair is not None else self.pair,
        )

    def summary(self) -> dict:
        """How many units disagree, how many are listed, and the filter in force."""
        return {
            "units": self.total,
            "listed": len(self),
            "of_units": int((self.codings.seen.sum(axis=1) >= 2).sum()),
            "code": self.code,
            "pair": list(self.pair) if self.pair else None,
        }


class EncodedUnits(list):
    """Disagreeing units as compact JSON texts, one per unit (:meth:`Disagreements.json_lines`),
    for the JSON renderer to write as they are."""


def joined_lines(parts: list, n: int) -> EncodedUnits:
    """``n`` lines of JSON, each the concatenation of ``parts``: fixed texts (str) and columns (lists of ``n`` str).

    Assembled a block of lines at a time: the parts are interleaved into one list
    by slice assignment and joined at once, then split at the newlines put between
    the lines (JSON text holds none of its own: a newline in a string is escaped).
    No Python frame, and no template parsed, per line.

    >>> joined_lines(["[", ["1", "2"], ", ", ["3", "4"], "]"], 2)
    ['[1, 3]', '[2, 4]']
    """
    lines = EncodedUnits()
    width = len(parts) + 1
    for start in range(0, n, JOINED_LINES):
        count = min(JOINED_LINES, n - start)
        pieces: list = [None] * (count * width)
        for i, part in enumerate(parts):
            pieces[i::width] = [part] * count if isinstance(part, str) else part[start : start + count]
        pieces[width - 1 :: width] = ["\n"] * count
        block = "".join(pieces).split("\n")
        block.pop()  # the empty text after the last newline
        lines += block
    return lines


JOINED_LINES = 16384
"""Lines assembled at a time by :func:`joined_lines`; bounds the memory of the interleaved pieces."""


def json_list(names: tuple[str, ...], text) -> str:
    """A tuple of names as a compact JSON list (items separated by ", ")."""
    return "[" + ", ".join(map(text, names)) + "]"


def json_lists(rows: np.ndarray, names: tuple[str, ...], text) -> list[str]:
    """Each boolean row as the JSON list of the names of its True columns; each distinct row encoded once."""
    labels, distinct = distinct_rows(rows)
    encoded = np.fromiter((json_list(n, text) for n in name_rows(distinct, names)), dtype=object, count=len(distinct))
    return encoded[labels].tolist()


def _notes_json(codings: Codings, units: list[str], text) -> list[str]:
    """Each unit's notes as a compact JSON object, coder → note, for the coders who wrote one."""
    notes = codings.notes
    return [
        "{"
        + ", ".join(f"{text(coder)}: {text(notes[(unit, coder)])}" for coder in codings.coders if (unit, coder) in notes)
        + "}"
        for unit in units
    ]


def find_disagreements(codings: Codings) -> Disagreements:
    """Every unit whose coders' code sets are not all identical, most contested first.

    Ties in contest go to the unit with more disputed codes, then to the table's unit order.

    Examples
    --------
    >>> from reliability.codings.model import from_sets
    >>> c = from_sets({"A": {"u1": {"x"}, "u2": {"x"}, "u3": {"x", "y"}},
    ...                "B": {"u1": {"x"}, "u2": {"y"}, "u3": {"x"}}})
    >>> d = find_disagreements(c)
    >>> [(r.unit, r.disputed, r.contest) for r in d.rows()]
    [('u2', ('x', 'y'), 1.0), ('u3', ('y',), 0.5)]
    """
    n_units = codings.n_units
    disagree = np.zeros(n_units, dtype=bool)
    disputed = np.zeros((n_units, codings.n_codes + 1), dtype=bool)
    contest = np.empty(n_units)
    for part, held, sizes in _coder_sets(codings):
        seen = codings.seen[part]
        disputed[part], disagree[part] = _disputes(seen, held, sizes, codings.n_codes)
        contest[part] = 1.0 - _mean_pair_jaccard(seen, held, sizes)
    units = np.flatnonzero(disagree)
    n_disputed = np.einsum("uk->u", disputed.view(np.uint8), dtype=np.int64)[units]  # faster than .sum(axis=1)
    # Most disputed codes first, then (a stable sort) most contested first: ties stay in unit order.
    # Counts that fit 16 bits (any table within MAX_CODES) numpy sorts stably by radix.
    fewer = codings.n_codes + 1 - n_disputed
    by_count = np.argsort(fewer.astype(np.uint16) if codings.n_codes < 1 << 16 else fewer, kind="stable")
    order = units[by_count[np.argsort(-contest[units][by_count], kind="stable")]]
    return Disagreements(
        codings=codings,
        order=order,
        contest=contest[order],
        disputed=disputed[order],
        total=len(order),
    )


def count_disagreements(codings: Codings) -> tuple[int, int]:
    """How many units disagree, and how many have at least two coders, without listing them.

    A unit disagrees under the same rule as in :func:`find_disagreements`.

    >>> from reliability.codings.model import from_sets
    >>> count_disagreements(from_sets({"A": {"u1": {"x"}, "u2": {"x"}, "u3": {"y"}},
    ...                                "B": {"u1": {"x"}, "u2": {"y"}}}))
    (1, 2)
    """
    # Two coders' sets are identical exactly when their distinct-set labels are: a unit
    # disagrees when its coders' labels are not all one (-1, not coded, is left out).
    labels = codings.set_table.labels
    disagreeing = several_coders = 0
    for start in range(0, codings.n_units if codings.n_coders else 0, CHUNK_UNITS):
        by_coder = np.ascontiguousarray(labels[start : start + CHUNK_UNITS].T)  # reductions along contiguous memory
        coded = by_coder >= 0
        several = coded.sum(axis=0) >= 2
        differs = (coded & (by_coder != by_coder.max(axis=0))).any(axis=0)
        disagreeing += int((several & differs).sum())
        several_coders += int(several.sum())
    return disagreeing, several_coders


def _coder_sets(codings: Codings):
    """Each chunk of units with every coder's packed sets and set sizes, looked up once for the disputes and contests.

    Yields
    ------
    part : slice
    held : list of ndarray of uint64, shape (n, n_words), one per coder
        The coder's sets (``Codings.set_table``, packed); empty where the coder did not code the unit.
    sizes : list of ndarray of int64, shape (n,), one per coder
        Codes in each; 0 where the coder did not code the unit.
    """
    table = codings.set_table
    for start in range(0, codings.n_units, CHUNK_UNITS):
        part = slice(start, start + CHUNK_UNITS)
        by_coder = table.labels[part].T
        yield part, [table.words_of(labels) for labels in by_coder], [table.size_of(labels) for labels in by_coder]


def _disputes(
    seen: np.ndarray, held: list[np.ndarray], sizes: list[np.ndarray], n_codes: int
) -> tuple[np.ndarray, np.ndarray]:
    """The disagreement rule for a chunk of units (:func:`_coder_sets`).

    Worked on the packed sets: a code is disputed where it is in the union of the
    unit's coded sets but not in their intersection, a few word operations per
    coder instead of passes over ``units × coders × codes`` booleans.
    "(uncoded)" is disputed where some coder of the unit found no code and another
    found some.

    Returns
    -------
    disputed : ndarray of bool, shape (n, n_codes + 1)
        Codes some coder of the unit applied and another did not ("(uncoded)" last).
    disagree : ndarray of bool, shape (n,)
        Units with at least two coders and a disputed code.
    """
    union = np.zeros((len(seen), held[0].shape[1] if held else 1), dtype=np.uint64)
    common = np.full_like(union, _ALL_BITS)  # codes every coder of the unit applied
    uncoded_by_some = np.zeros(len(seen), dtype=bool)
    uncoded_by_all = np.ones(len(seen), dtype=bool)
    for coded, words, size in zip(seen.T, held, sizes):  # a missing set is empty: a coder who coded must not narrow
        union |= words
        common &= np.where(coded[:, None], words, _ALL_BITS)
        empty = size == 0
        uncoded_by_some |= coded & empty
        uncoded_by_all &= empty
    disputed = np.empty((len(seen), n_codes + 1), dtype=bool)
    disputed[:, :n_codes] = _unpacked(union & ~common, n_codes)
    disputed[:, n_codes] = uncoded_by_some & ~uncoded_by_all
    differ = (union != common).any(axis=1) | disputed[:, n_codes]  # the union holds the intersection
    return disputed, (seen.sum(axis=1) >= 2) & differ


_ALL_BITS = np.uint64(2**64 - 1)


def _unpacked(words: np.ndarray, n_codes: int) -> np.ndarray:
    """Packed sets (``codings.sets.pack_sets``) back as boolean rows, shape (n, n_codes)."""
    as_bytes = np.ascontiguousarray(words.astype(">u8")).view(np.uint8).reshape(len(words), 8 * words.shape[1])
    return np.unpackbits(as_bytes, axis=1, count=n_codes).astype(bool)


def agreed_codes(codings: Codings, units: np.ndarray) -> np.ndarray:
    """The codes every coder of each of these units applied, shape (len(units), n_codes) bool.

    The intersection of the coders' packed sets (``Codings.set_table``), a word
    operation per coder, instead of a pass over ``units × coders × codes`` booleans.
    A coder who did not code the unit does not narrow it; with no coder at all, every code.

    >>> from reliability.codings.model import from_sets
    >>> c = from_sets({"A": {"u1": {"x", "y"}, "u2": {"x"}}, "B": {"u1": {"x"}, "u2": None}})
    >>> agreed_codes(c, np.array([0, 1])).tolist()
    [[True, False], [True, False]]
    """
    table = codings.set_table
    common = np.full((len(units), table.words.shape[1]), _ALL_BITS)
    for labels in table.labels[units].T:
        common &= np.where((labels >= 0)[:, None], table.words_of(labels), _ALL_BITS)
    return _unpacked(common, codings.n_codes)


def coder_sets(codings: Codings, units: np.ndarray) -> list[list[tuple[str, ...] | None]]:
    """Each coder's codes for some units, in the table's code order; None where the coder never coded it.

    Returns
    -------
    list of list
        ``[unit][coder]`` → tuple of codes, or None.

    Examples
    --------
    >>> from reliability.codings.model import from_sets
    >>> c = from_sets({"A": {"u1": {"y", "x"}, "u2": set()}, "B": {"u1": {"x"}}})
    >>> coder_sets(c, np.array([0, 1]))
    [[('x', 'y'), ('x',)], [(), None]]
    """
    return _set_names_or_none(codings)[codings.set_table.labels[units]].tolist()


def _set_names_or_none(codings: Codings) -> np.ndarray:
    """The codes of each distinct set of the table (``Codings.set_names``), and None last: what -1 (missing) reads."""
    names = codings.set_names
    return np.fromiter([*names, None], dtype=object, count=len(names) + 1)


def name_sets(sets: np.ndarray, codes: tuple[str, ...]) -> list[list[tuple[str, ...]]]:
    """Boolean code sets as tuples of names; each distinct set is named once.

    Parameters
    ----------
    sets : ndarray of bool, shape (n, m, n_codes)
    codes : tuple of str, length n_codes

    Returns
    -------
    list of list of tuple, ``[n][m]``
    """
    return named_sets(sets, codes).tolist()


def _mean_pair_jaccard(seen: np.ndarray, held: list[np.ndarray], sizes: list[np.ndarray]) -> np.ndarray:
    """Mean Jaccard similarity over pairs of coders who coded each unit of a chunk; 1 with fewer than two.

    "(uncoded)" counts as a code (as in ``SetTable.overlap``). Each similarity is
    rounded to float32, as the contests have always been; their float64 sums are
    then exact.

    Parameters
    ----------
    seen : ndarray of bool, shape (n, n_coders)
    held, sizes : list of ndarray
        Each coder's packed sets and their sizes (:func:`_coder_sets`).

    Returns
    -------
    ndarray of float, shape (n,)
    """
    n_units, n_coders = seen.shape
    total = np.zeros(n_units)
    n_pairs = np.zeros(n_units, dtype=np.int64)
    by_coder = np.ascontiguousarray(seen.T)
    empty = [size == 0 for size in sizes]
    at_least_one = [np.maximum(size, 1) for size in sizes]  # the empty set is the one code "(uncoded)"
    for first in range(n_coders):
        for second in range(first + 1, n_coders):
            counted = by_coder[first] & by_coder[second]
            both = popcount(held[first] & held[second]) + (empty[first] & empty[second])
            either = at_least_one[first] + at_least_one[second] - both  # at least 1: the division is always defined
            similarity = both.astype(np.float32) / either.astype(np.float32)
            similarity *= counted  # exactly 0 for a pair that did not both code the unit
            total += similarity
            n_pairs += counted
    return np.divide(total, n_pairs, out=np.ones(n_units), where=n_pairs > 0)


def _code_column(codings: Codings, code: str) -> int:
    """The column of ``code`` in a disputed array; UsageError naming the codes when unknown."""
    labels = codings.codes + (UNCODED,)
    if code in labels:
        return labels.index(code)
    close = did_you_mean(code, labels)
    hint = f"did you mean '{close}'?" if close else f"the codes are: {', '.join(labels)}"
    raise UsageError(f"--code '{code}': no coder used that code; {hint}")
