"""Rows from every input → the canonical table, with every row accounted for.

Ordering rules, which make the result independent of the order of files and rows:

* units, coders and codes are in natural order (``S2`` before ``S10``, see
  :func:`reliability.readers.natural.natural_key`);
* a row counts as a duplicate when another row has the same unit, coder, codes,
  text and note; of n identical rows, n − 1 are ignored, whichever came first;
* a unit's text is the first non-empty one in coder order, ties by the text itself;
  a coder's notes on a unit are the distinct notes in sorted order;
* files and notices are listed in sorted order.

Everything runs on integer arrays: one entry per row, with each file's distinct
values mapped once into the combined vocabularies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import numpy as np
import pandas as pd

from ..codings.model import Accounting, Codings, Ignored, Source
from ..errors import InputError
from ..limits import MAX_CODES, MAX_TABLE_CELLS
from .natural import dense_ranks, natural_key, natural_order, natural_ranks
from .rows import Rows
from .table_notices import lookalike_notices, respelling_notices, shared_coder_notices, wide_conflict_notices

NO_UNIT = "no unit id"
NO_CODER = "no coder name"
DUPLICATE = "duplicate of an earlier row (same unit, coder and codes)"
REDUNDANT_EMPTY = "no code, but the coder applied codes to this unit in another row"
BLANK = "blank line"

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters an id, a coder's name or a code may not hold: line breaks, tabs, terminal controls."""


@dataclass(frozen=True)
class _Vocabulary:
    """Distinct values of one column across all inputs, and each record's index into them."""

    values: np.ndarray
    ids: np.ndarray

    @cached_property
    def empty_id(self) -> int | None:
        """The index of "" among the values (distinct), if it is one."""
        where = np.flatnonzero(self.values == "")
        return int(where[0]) if len(where) else None

    def empty(self, ids: np.ndarray | None = None) -> np.ndarray:
        """Which records (all, or those with these ids) hold "" (compared as integers, not text)."""
        ids = self.ids if ids is None else ids
        return np.zeros(len(ids), dtype=bool) if self.empty_id is None else ids == self.empty_id


def build_codings(
    inputs: list[Rows],
    ignore_case: bool = False,
    notices: list[str] | None = None,
    built: Callable[[float], None] | None = None,
) -> Codings:
    """Combine the rows of every input into one :class:`Codings`.

    Parameters
    ----------
    inputs : list of Rows
        One per file, from a reader.
    ignore_case : bool
        Merge codes that differ only in case (and say so in the notices).
    notices : list of str, optional
        Notices from reading the inputs (e.g. skipped files), kept in the accounting.
    built : callable, optional
        Told the share of the work done (0 to 1) after each of the main steps, for a progress bar.

    Raises
    ------
    InputError
        A coder has no usable rows, fewer than two coders remain, a name holds a
        control character, or the table would pass a limit of :mod:`reliability.limits`.
    """
    built = built or (lambda share: None)
    source = np.repeat(np.arange(len(inputs)), [len(r.records) for r in inputs])
    row = np.concatenate([r.records["row"].to_numpy() for r in inputs])
    unit_names, coder_names = _vocabulary(inputs, "unit"), _vocabulary(inputs, "coder")
    texts, notes = _vocabulary(inputs, "text"), _vocabulary(inputs, "note")
    no_unit = unit_names.empty()
    no_coder = coder_names.empty() & ~no_unit
    kept = np.flatnonzero(~(no_unit | no_coder))
    units, unit, unit_alike = _ordered(unit_names, kept)
    coders, coder, coder_alike = _ordered(coder_names, kept)
    built(0.3)
    codes, codeset, members, fold_notices = _codesets(inputs, kept, ignore_case)
    built(0.5)
    _check_characters(inputs, "unit id", units, lambda bad: unit == bad, source, row)
    _check_characters(inputs, "coder name", coders, lambda bad: coder == bad, source, row)
    _check_characters(inputs, "code", codes, lambda bad: _applies(members, codeset, bad), source, row)

    ignored: dict[str, int] = {}
    located: dict[str, tuple[tuple[str, int], ...]] = {}
    rank = _record_ranks(inputs, source, row)
    blank = sum(r.blank_rows for r in inputs)
    if blank:
        ignored[BLANK] = blank
    for reason, mask in ((NO_UNIT, no_unit), (NO_CODER, no_coder)):
        if mask.any():
            ignored[reason] = int(mask.sum())
            located[reason] = _locations(inputs, source, row, rank, np.flatnonzero(mask))
    _check_coders(inputs, _subset(source, kept), coders)
    _check_size(units, coders, codes)

    record_source = source
    source, cell = _subset(source, kept), _subset(unit, kept) * len(coders) + _subset(coder, kept)
    codeset, text, note = _subset(codeset, kept), _subset(texts.ids, kept), _subset(notes.ids, kept)
    kept_rank = None if rank is None else _subset(rank, kept)
    redundant, duplicate = _useless_rows(
        cell, codeset, text, note, notes.empty(note), len(units) * len(coders), kept_rank
    )
    for reason, mask in ((DUPLICATE, duplicate), (REDUNDANT_EMPTY, redundant)):
        if mask.any():
            ignored[reason] = int(mask.sum())
            located[reason] = _locations(inputs, record_source, row, rank, kept[np.flatnonzero(mask)])
    used = np.flatnonzero(~(redundant | duplicate))
    built(0.7)

    seen = np.zeros((len(units), len(coders)), dtype=bool)
    seen.reshape(-1)[cell] = True
    applied = np.zeros((len(units), len(coders), len(codes)), dtype=bool)
    applied.reshape(-1)[_applied_positions(cell, codeset, members, len(codes))] = True
    built(0.85)

    found = [
        *fold_notices,
        *respelling_notices(inputs),
        *lookalike_notices(
            "unit ids", units, unit_alike, "they are different units; if they are one, spell it the same way everywhere"
        ),
        *lookalike_notices(
            "coder names", coders, coder_alike, "they are different coders; if they are one, spell it the same way"
        ),
        *lookalike_notices(
            "codes",
            codes,
            natural_ranks(np.array(codes, dtype=object))[1],
            "they are different codes" + ("" if ignore_case else "; --ignore-case merges codes that differ in case"),
        ),
        *shared_coder_notices(inputs, source, cell, coders),
        *wide_conflict_notices(inputs, used, source, cell, codeset, units, coders),
    ]
    rows_read = sum(r.rows_read for r in inputs)
    accounting = Accounting(
        rows_read=rows_read,
        rows_used=rows_read - sum(ignored.values()),
        ignored=tuple(Ignored(reason, n, located.get(reason, ())) for reason, n in ignored.items()),
        notices=tuple(sorted(notices or [])) + tuple(found),
        sources=tuple(
            Source(r.source, r.shape, r.rows_read) for r in sorted(inputs, key=lambda r: natural_key(r.source))
        ),
    )
    return Codings(
        units=tuple(units),
        coders=tuple(coders),
        codes=tuple(codes),
        applied=applied,
        seen=seen,
        texts=_texts(units, len(coders), cell, texts, text),
        notes=_notes(units, coders, cell, notes, note),
        accounting=accounting,
    )


def _useless_rows(
    cell: np.ndarray,
    codeset: np.ndarray,
    text: np.ndarray,
    note: np.ndarray,
    no_note: np.ndarray,
    n_cells: int,
    rank: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Rows that add nothing: an empty row beside coded ones, and copies of another row.

    An empty row (codeset 0) says "no code applies"; where the same coder gave the
    unit codes in other rows, it says nothing more, unless it carries a note. Of n
    rows alike in cell, codes, text and note, n − 1 are duplicates, whatever their
    order: the copy kept is the first by ``rank`` (file in natural order, then row;
    None when that is the records' order), so the rows the report names as ignored
    do not depend on the order of the inputs.

    Returns
    -------
    redundant, duplicate : ndarray of bool, shape (n_records,)
        Disjoint.
    """
    empty = codeset == 0
    coded_cells = np.zeros(n_cells, dtype=bool)
    coded_cells[cell[~empty]] = True
    redundant = empty & coded_cells[cell] & no_note
    rest = np.flatnonzero(~redundant) if redundant.any() else slice(None)  # a slice takes them all without copies
    duplicate = np.zeros(len(cell), dtype=bool)
    ids = _joint_ids(cell[rest], codeset[rest], text[rest], note[rest])
    rest_rank = None if rank is None else rank[rest]
    if rest_rank is None or (np.diff(rest_rank) > 0).all():  # records already in file-then-row order
        duplicate[rest] = _repeated(ids)
    else:
        by_rank = np.argsort(rest_rank, kind="stable")
        duplicate[np.arange(len(cell))[rest][by_rank]] = _repeated(ids[by_rank])
    return redundant, duplicate


def _subset(values: np.ndarray, records: np.ndarray) -> np.ndarray:
    """``values[records]`` for increasing distinct indices ``records``; ``values`` itself when they are all.

    Usually no row is ignored; the copy a gather would make of every column is then skipped.

    >>> values = np.array([5, 6, 7])
    >>> _subset(values, np.array([0, 2])).tolist(), _subset(values, np.arange(3)) is values
    ([5, 7], True)
    """
    return values if len(records) == len(values) else values[records]


def _repeated(ids: np.ndarray) -> np.ndarray:
    """Which entries equal an earlier one.

    Exports usually list rows by unit, coder and code, so the ids often arrive in
    order; copies are then neighbours, found without hashing.

    >>> _repeated(np.array([1, 1, 2])), _repeated(np.array([2, 1, 2])), _repeated(np.array([], dtype=int))
    (array([False,  True, False]), array([False, False,  True]), array([], dtype=bool))
    """
    steps = np.diff(ids)
    if (steps >= 0).all():
        return np.concatenate([[False], steps == 0])[: len(ids)]
    return pd.Series(ids).duplicated().to_numpy()


def _applied_positions(cell: np.ndarray, codeset: np.ndarray, members: "_Members", n_codes: int) -> np.ndarray:
    """Flat positions in ``applied`` of every code each record applies (records repeated by set size)."""
    set_size = np.diff(members.offsets)
    if set_size.max(initial=0) <= 1:  # one code a row at most (long files): no repeating
        code_of_set = np.full(len(set_size), -1, dtype=np.int64)
        code_of_set[set_size == 1] = members.codes[members.offsets[:-1][set_size == 1]]
        code = code_of_set[codeset]
        return (cell * n_codes + code)[code >= 0]
    size = set_size[codeset]
    end = np.cumsum(size)
    first = np.repeat(members.offsets[codeset] - end + size, size)
    code = members.codes[first + np.arange(int(end[-1]) if len(end) else 0)]
    return np.repeat(cell, size) * n_codes + code


# --- vocabularies ------------------------------------------------------------------


def _vocabulary(inputs: list[Rows], column: str) -> _Vocabulary:
    """The distinct values of a column over every input, and each record's index into them."""
    columns = [r.records[column].array for r in inputs]
    if len(columns) == 1:
        only = columns[0]
        return _Vocabulary(np.asarray(only.categories, dtype=object), np.asarray(only.codes, dtype=np.int64))
    values = pd.Index(np.concatenate([np.asarray(c.categories, dtype=object) for c in columns])).unique()
    ids = [values.get_indexer(c.categories)[np.asarray(c.codes, dtype=np.int64)] for c in columns]
    return _Vocabulary(np.asarray(values, dtype=object), np.concatenate(ids).astype(np.int64))


def _ordered(vocabulary: _Vocabulary, kept: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The non-empty values the kept records use, in natural order.

    Returns
    -------
    names : list of str
    position : ndarray of int64, shape (n_records,)
        Each record's index into ``names``; -1 when its value is not there (empty,
        or only on ignored rows).
    alike : ndarray of int64, shape (len(names),)
        Equal for names that differ only in case or leading zeros.
    """
    in_use = np.bincount(_subset(vocabulary.ids, kept), minlength=len(vocabulary.values)) > 0
    if vocabulary.empty_id is not None:
        in_use[vocabulary.empty_id] = False
    candidates = np.flatnonzero(in_use)
    order, alike = natural_ranks(vocabulary.values[candidates])
    if len(candidates) == len(vocabulary.values) and (np.diff(order) > 0).all():
        # Every value in use and in natural order already (ids read from a sorted file): the ids are the positions.
        return vocabulary.values.tolist(), vocabulary.ids, alike
    position = np.full(len(vocabulary.values), -1, dtype=np.int64)
    position[candidates[order]] = np.arange(len(order))
    return vocabulary.values[candidates[order]].tolist(), position[vocabulary.ids], alike[order]


@dataclass(frozen=True)
class _Members:
    """The codes of each distinct code set, packed: set s holds ``codes[offsets[s]:offsets[s + 1]]``."""

    offsets: np.ndarray
    codes: np.ndarray


def _codesets(
    inputs: list[Rows], kept: np.ndarray, ignore_case: bool
) -> tuple[list[str], np.ndarray, "_Members", list[str]]:
    """Every input's code sets in terms of one code list.

    Returns
    -------
    codes : list of str
        The codes the kept records apply, in natural order.
    codeset : ndarray of int64, shape (n_records,)
        Each record's index into the combined sets; 0 is the empty set.
    members : _Members
        The codes (positions in ``codes``) of each combined set.
    notices : list of str
        Codes merged by case.
    """
    spellings = sorted({code for rows in inputs for codeset in rows.codesets for code in codeset})
    canonical, notices = _fold_case(spellings) if ignore_case else ({c: c for c in spellings}, [])
    combined: dict[tuple[str, ...], int] = {(): 0}
    ids = []
    for rows in inputs:
        keys = (tuple(sorted({canonical[c] for c in codeset})) for codeset in rows.codesets)
        local = [combined.setdefault(key, len(combined)) for key in keys]
        ids.append(np.array(local, dtype=np.int64)[rows.records["codeset"].to_numpy()])
    codeset = ids[0] if len(ids) == 1 else np.concatenate(ids)
    sets = list(combined)
    used_sets = np.flatnonzero(np.bincount(_subset(codeset, kept), minlength=len(sets)))
    in_use = sorted({code for s in used_sets for code in sets[s]})
    codes = [in_use[i] for i in natural_order(np.array(in_use, dtype=object))]
    position = {code: i for i, code in enumerate(codes)}
    members = _Members(
        offsets=np.concatenate([[0], np.cumsum([len(s) for s in sets])]).astype(np.int64),
        codes=np.array([position.get(code, -1) for s in sets for code in s], dtype=np.int64),
    )
    return codes, codeset, members, notices


def _fold_case(spellings: list[str]) -> tuple[dict[str, str], list[str]]:
    """Codes that differ only in case become one, spelled as the first in sorted order."""
    groups: dict[str, list[str]] = {}
    for spelling in spellings:
        groups.setdefault(spelling.casefold(), []).append(spelling)
    canonical = {s: group[0] for group in groups.values() for s in group}
    notices = [
        f"codes that differ only in case were merged (--ignore-case): {' + '.join(repr(s) for s in group)}"
        for group in groups.values()
        if len(group) > 1
    ]
    return canonical, notices


def _applies(members: _Members, codeset: np.ndarray, code: int) -> np.ndarray:
    """Which records apply a code."""
    sets = np.flatnonzero([code in members.codes[a:b] for a, b in zip(members.offsets[:-1], members.offsets[1:])])
    return np.isin(codeset, sets)


def _joint_ids(*columns: np.ndarray) -> np.ndarray:
    """One integer per distinct combination of the columns' (non-negative integer) values.

    >>> _joint_ids(np.array([0, 1, 0]), np.array([2, 2, 2]), np.array([5, 5, 5]))
    array([17, 35, 17])
    """
    ids, span = None, 1
    for column in columns:
        width = int(column.max()) + 1 if len(column) else 1
        if width == 1:
            continue
        if ids is None:  # the first column that varies is its own id: no zeros to multiply
            ids, span = column.astype(np.int64, copy=False), width
            continue
        if span * width >= 2**62:  # renumber densely so that the product stays in int64
            ids, distinct = pd.factorize(ids)
            span = len(distinct)
        ids, span = ids * width + column, span * width
    return np.zeros(len(columns[0]), dtype=np.int64) if ids is None else ids


# --- checks -----------------------------------------------------------------------


def _check_characters(inputs, what: str, values: list[str], holds, source: np.ndarray, row: np.ndarray) -> None:
    """Ids, coders' names and codes are one line of printable text.

    ``holds(i)`` tells which records hold ``values[i]``, to name the first one.
    """
    joined = "".join(values)
    # ASCII text is printable but for the controls 0x00-0x1f and 0x7f: two C loops clear the usual names.
    if (joined.isascii() and joined.isprintable()) or not CONTROL_CHARACTERS.search(joined):
        return
    bad = next(i for i, value in enumerate(values) if CONTROL_CHARACTERS.search(value))
    first = int(np.flatnonzero(holds(bad))[0])
    char = CONTROL_CHARACTERS.search(values[bad]).group()
    if char in "\n\r\u2028\u2029":
        kind = "a line break"
        fix = (
            "put several codes in one cell separated by ';' (--code-sep), or remove the line break"
            if what == "code"
            else "remove it (a line break in an id usually comes from a stray quote mark on an earlier row)"
        )
    else:
        kind = f"the control character {char!r}"
        fix = (
            "this usually means a Windows-1252 file read in another encoding: try --encoding cp1252"
            if "\x80" <= char <= "\x9f"
            else "remove it"
        )
    where = f"{inputs[source[first]].source}, row {row[first]}"
    raise InputError(f"{where}: the {what} {values[bad]!r} holds {kind}; {fix}")


def _check_coders(inputs: list[Rows], source: np.ndarray, coders: list[str]) -> None:
    """Every file contributes a coder, and there are at least two coders."""
    used = [len(source)] if len(inputs) == 1 else np.bincount(source, minlength=len(inputs))
    for rows, n in zip(inputs, used):
        if n == 0:
            raise InputError(
                f"{rows.source} has no usable rows (every row lacks a unit id or coder); "
                "fill in the unit column or leave the file out"
            )
    if len(coders) < 2:
        only = coders[0] if coders else "none"
        raise InputError(
            f"only one coder ({only}) found; agreement needs at least two: give one file per coder, "
            "or a file with a coder column (name it with --coder-col)"
        )


def _check_size(units: list[str], coders: list[str], codes: list[str]) -> None:
    """The table stays within the limits of :mod:`reliability.limits`."""
    check_table_size(len(units), len(coders), len(codes))


def check_table_size(n_units: int, n_coders: int, n_codes: int) -> None:
    """Refuse a table past :data:`~reliability.limits.MAX_CODES` or ``MAX_TABLE_CELLS``, before it is allocated.

    Raises
    ------
    InputError
        Naming the limit and how to stay under it.
    """
    if n_codes > MAX_CODES:
        raise InputError(
            f"the input has {n_codes:,} distinct codes, more than the {MAX_CODES:,} allowed; "
            "check that the code column holds codes (not the text), or name it with --code-col"
        )
    cells = n_units * n_coders * n_codes
    if cells > MAX_TABLE_CELLS:
        raise InputError(
            f"{n_units:,} units × {n_coders} coders × {n_codes:,} codes is {cells:,} cells, more than "
            f"the {MAX_TABLE_CELLS:,} one comparison may have; compare fewer units or codes at a time"
        )


# --- texts and notes ----------------------------------------------------------------


def _texts(units: list[str], n_coders: int, cell: np.ndarray, texts: _Vocabulary, text: np.ndarray) -> dict[str, str]:
    """Each unit's text: the first non-empty one in coder order, ties by the text itself."""
    has = np.flatnonzero(~texts.empty(text))
    if not len(has):
        return {}
    unit, coder = cell // n_coders, cell % n_coders
    order = np.lexsort((dense_ranks(texts.values)[text[has]], coder[has], unit[has]))
    first = has[order[np.unique(unit[has][order], return_index=True)[1]]]
    return {units[u]: texts.values[t] for u, t in zip(unit[first], text[first])}


def _notes(
    units: list[str], coders: list[str], cell: np.ndarray, notes: _Vocabulary, note: np.ndarray
) -> dict[tuple[str, str], str]:
    """Each coder's notes on a unit: the distinct notes, sorted, joined by " | "."""
    has = np.flatnonzero(~notes.empty(note))
    if not len(has):
        return {}
    frame = pd.DataFrame({"cell": cell[has], "note": notes.values[note[has]]}).drop_duplicates()
    joined = frame.sort_values(["cell", "note"]).groupby("cell", sort=True)["note"].agg(" | ".join)
    n = len(coders)
    return {(units[c // n], coders[c % n]): text for c, text in joined.items()}


IGNORED_ROWS_SHOWN = 5
"""How many ignored rows the report locates per reason."""


def _record_ranks(inputs: list[Rows], source: np.ndarray, row: np.ndarray) -> np.ndarray | None:
    """Each record's place when records are ordered by file (natural order of names), then row.

    None when that is their order already (one file, rows in order): the ranks would be the positions.
    """
    if len(inputs) == 1 and (np.diff(row) > 0).all():
        return None
    file_order = sorted(range(len(inputs)), key=lambda i: natural_key(inputs[i].source))
    file_rank = np.empty(len(inputs), dtype=np.int64)
    file_rank[file_order] = np.arange(len(inputs))
    order = np.lexsort((row, file_rank[source])) if len(row) else np.zeros(0, dtype=np.int64)
    rank = np.empty(len(row), dtype=np.int64)
    rank[order] = np.arange(len(row))
    return rank


def _locations(
    inputs: list[Rows], source: np.ndarray, row: np.ndarray, rank: np.ndarray | None, records: np.ndarray
) -> tuple[tuple[str, int], ...]:
    """(file, row) of the first ``IGNORED_ROWS_SHOWN`` of ``records`` (increasing) by file, then row."""
    by_rank = slice(None) if rank is None else np.argsort(rank[records], kind="stable")
    first = records[by_rank][:IGNORED_ROWS_SHOWN]
    return tuple((inputs[int(source[i])].source, int(row[i])) for i in first)
