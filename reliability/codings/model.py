"""The canonical table: units × coders → a set of codes, or missing.

Every reader produces a :class:`Codings`; every metric runs on its arrays.

* ``seen[u, c]`` is True when coder ``c`` coded unit ``u`` (possibly with no code);
  False means the coder never coded the unit (*missing*).
* ``applied[u, c, k]`` is True when coder ``c`` applied code ``k`` to unit ``u``.
  A seen unit with no code applied is the *empty set* ("no appropriate category").
  ``applied`` is always False where ``seen`` is False.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Mapping

import numpy as np

from ..errors import InputError, UsageError
from .options import ReadOptions
from .sets import SetTable, name_rows, set_table

UNCODED = "(uncoded)"
"""Pseudo-code that stands for the empty set wherever a set is shown as one label."""


@dataclass(frozen=True)
class Ignored:
    """Input rows that were read but not used, with the reason."""

    reason: str
    rows: int
    rows_at: tuple[tuple[str, int], ...] = ()
    """The first few of them as (file, row number a spreadsheet shows); empty when the reader only counts them (blank rows)."""


@dataclass(frozen=True)
class Source:
    """One input file: how it was read and how many rows it had."""

    path: str
    shape: str
    rows: int
    used: tuple[tuple[str, str], ...] = ()
    """(role, column or element): what the reader took the unit, coder, code and text from."""

    def roles(self) -> dict[str, str | None]:
        """Unit, coder, code and text → the column or element used for it, or None.

        >>> Source("a.csv", "long", 3, (("unit", "segment"), ("coder", "file name"))).roles()
        {'unit': 'segment', 'coder': 'file name', 'code': None, 'text': None}
        """
        used = dict(self.used)
        return {role: used.get(role) for role in ("unit", "coder", "code", "text")}


@dataclass(frozen=True)
class Accounting:
    """Where every input row went: used, or ignored with a reason."""

    rows_read: int = 0
    rows_used: int = 0
    ignored: tuple[Ignored, ...] = ()
    notices: tuple[str, ...] = ()
    """Things the reader did that change what the figures mean (merged names, skipped files)."""
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, eq=False)
class Continuum:
    """Coded spans as the coders made them: what unitizing alpha is computed on.

    Parameters
    ----------
    documents : tuple of str, length n_documents
    coders : tuple of str, length n_coders
        The coders of the :class:`Codings` that carries this continuum, in its order.
    codes : tuple of str, length n_codes
        Likewise its codes.
    lengths : ndarray of int, shape (n_documents,)
        Positions in each document (its text's length; else its last coded position).
    coded : ndarray of bool, shape (n_documents, n_coders)
        Which coder coded which document (made any span in it, even with no code).
    doc, coder, start, end, code : ndarray of int, shape (n_spans,)
        One entry per coded span and code: start inclusive, end exclusive, within ``lengths``.
    """

    documents: tuple[str, ...]
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    lengths: np.ndarray
    coded: np.ndarray
    doc: np.ndarray
    coder: np.ndarray
    start: np.ndarray
    end: np.ndarray
    code: np.ndarray

    def recoded(self, target: np.ndarray, codes: tuple[str, ...]) -> "Continuum":
        """The spans with code k renamed to ``target[k]`` (an index into ``codes``), dropped where it is -1."""
        new = target[self.code] if len(self.code) else self.code
        keep = new >= 0
        return replace(
            self, codes=codes, doc=self.doc[keep], coder=self.coder[keep], start=self.start[keep],
            end=self.end[keep], code=new[keep],
        )


@dataclass(frozen=True, eq=False)
class SpanLayout:
    """Where each unit made from coded spans lies, so that dependent units are counted together.

    Parameters
    ----------
    documents : tuple of str
    document : ndarray of int, shape (n_units,)
        The document each unit lies in (index into ``documents``). Resample whole documents.
    start, end : ndarray of int, shape (n_units,)
        The unit's first position and the one after its last.
    segment : ndarray of int, shape (n_units,)
        The stretch of text each unit belongs to: for ``segments`` the unit itself; for
        characters, sentences and paragraphs the run of text that coders' overlapping
        spans cover together (or that no coder coded). Units of one segment are not
        independent observations.
    runs : {"order", "positions"} or None
        How findings merge units of text into ranges: "order" — consecutive units of a
        document adjoin (sentences, paragraphs of the text, which cover it all);
        "positions" — a unit adjoins the previous one only where that one ends
        (characters; MAXQDA's coded paragraphs, which skip uncoded ones); None — units
        are not pieces of one text (segments, excerpts, passages) and stay as they are.
    noun : str
        What one unit is ("character", "sentence", "paragraph", "segment").
    texts : mapping of int to str
        Each document's text, where known, by index.
    continuum : Continuum or None
        The spans themselves, for unitizing alpha; None where positions are unknown.
    """

    documents: tuple[str, ...]
    document: np.ndarray
    start: np.ndarray
    end: np.ndarray
    segment: np.ndarray
    runs: str | None
    noun: str
    texts: Mapping[int, str] = field(default_factory=dict)
    continuum: Continuum | None = None


@dataclass(frozen=True, eq=False)
class Codings:
    """Units × coders → set of codes, or missing.

    Parameters
    ----------
    units : tuple of str, length n_units
    coders : tuple of str, length n_coders
    codes : tuple of str, length n_codes
    applied : ndarray of bool, shape (n_units, n_coders, n_codes)
    seen : ndarray of bool, shape (n_units, n_coders)
    texts : mapping unit -> text, optional
    notes : mapping (unit, coder) -> note, optional
    accounting : Accounting
        How the input rows were used.
    read : ReadOptions
        How the inputs were read (the report records it).
    layout : SpanLayout, optional
        For units made from coded spans: each unit's document, position and segment,
        and the spans themselves.
    """

    units: tuple[str, ...]
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    applied: np.ndarray
    seen: np.ndarray
    texts: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    accounting: Accounting = field(default_factory=Accounting)
    read: ReadOptions = field(default_factory=ReadOptions)
    layout: SpanLayout | None = None

    def __post_init__(self) -> None:
        n_u, n_c, n_k = len(self.units), len(self.coders), len(self.codes)
        applied = np.asarray(self.applied, dtype=bool)
        seen = np.asarray(self.seen, dtype=bool)
        if applied.shape != (n_u, n_c, n_k) or seen.shape != (n_u, n_c):
            raise ValueError(
                f"applied {applied.shape} / seen {seen.shape} do not match "
                f"{n_u} units × {n_c} coders × {n_k} codes"
            )
        # The missing cells' codes only (no temporary the size of applied), taken by index: a boolean mask over
        # the cells takes several times longer (10 ms against 1.5 ms at 200,000 units × 5 coders × 20 codes).
        missing = np.flatnonzero(~seen.reshape(-1))
        if np.take(applied.reshape(n_u * n_c, n_k), missing, axis=0).any():
            raise ValueError("a code is applied where the unit is missing for that coder")
        applied.flags.writeable = False
        seen.flags.writeable = False
        object.__setattr__(self, "applied", applied)
        object.__setattr__(self, "seen", seen)

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def n_coders(self) -> int:
        return len(self.coders)

    @property
    def n_codes(self) -> int:
        return len(self.codes)

    @cached_property
    def with_uncoded(self) -> np.ndarray:
        """``applied`` with the pseudo-code "(uncoded)" as a last code (see :func:`sets_with_uncoded`).

        Computed once per table: every observed-agreement figure reads it.
        """
        return sets_with_uncoded(self.applied, self.seen)

    @cached_property
    def coders_per_code(self) -> np.ndarray:
        """``n_uk``: how many coders applied code k to unit u, shape (n_units, n_codes), read-only.

        In the smallest unsigned integers that hold the number of coders, summed coder
        by coder (one pass over a (units, codes) slice each: several times faster than
        numpy's sum over the middle axis). Computed once per table: the per-code
        figures and the agreement of every coder read it.
        """
        counts = np.zeros((self.n_units, self.n_codes), dtype=np.min_scalar_type(self.n_coders))
        for coder in range(self.n_coders):
            counts += self.applied[:, coder, :]
        counts.flags.writeable = False
        return counts

    @property
    def multi_label(self) -> bool:
        """True when some coder gave some unit more than one code."""
        return bool((self.set_table.sizes > 1).any())

    def coder_index(self, name: str) -> int:
        """Position of a coder, or a UsageError listing the coders there are."""
        try:
            return self.coders.index(name)
        except ValueError:
            raise UsageError(
                f"there is no coder '{name}'; the coders are: {', '.join(self.coders)}"
            ) from None

    def code_set(self, unit: int, coder: int) -> frozenset[str] | None:
        """The codes one coder gave one unit; None when missing."""
        if not self.seen[unit, coder]:
            return None
        return frozenset(self.codes[k] for k in np.flatnonzero(self.applied[unit, coder]))

    def missing_units(self) -> dict[str, tuple[str, ...]]:
        """For each coder, the units that coder never coded."""
        return {
            coder: tuple(self.units[u] for u in np.flatnonzero(~self.seen[:, c]))
            for c, coder in enumerate(self.coders)
        }

    @cached_property
    def set_table(self) -> SetTable:
        """The distinct code sets and each cell's set (:func:`reliability.codings.sets.set_table`).

        Computed once per table: the set-as-one-label figures, the set-distance
        alphas and observed agreement all read it.
        """
        return set_table(self.applied, self.seen)

    def set_labels(self) -> tuple[np.ndarray, tuple[frozenset[str], ...]]:
        """Each distinct code set as one nominal category.

        Returns
        -------
        labels : ndarray of int, shape (n_units, n_coders)
            Index into ``sets``; -1 where missing. Read-only.
        sets : tuple of frozenset
            The distinct code sets that occur, in the order of their bit patterns.
        """
        return self.set_table.labels, tuple(frozenset(names) for names in self.set_names)

    @cached_property
    def set_names(self) -> tuple[tuple[str, ...], ...]:
        """The codes of each distinct set of ``set_table``, in the table's code order."""
        return name_rows(self.set_table.patterns(), self.codes)

    def code_labels(self, code: int) -> np.ndarray:
        """Presence (1) / absence (0) of one code as labels, -1 where missing.

        Returns
        -------
        ndarray of int, shape (n_units, n_coders)
        """
        labels = self.applied[:, :, code].astype(np.int64)
        labels[~self.seen] = -1
        return labels

    def recode(self, mapping: Mapping[str, str | None]) -> "Codings":
        """Rename, merge or drop codes as a codebook revision would.

        Parameters
        ----------
        mapping : mapping old code -> new code, or None to drop it
            Codes not in the mapping keep their name. Several old codes mapped to one
            new code merge: a coder who applied any of them applied the new code.
        """
        new_names: list[str] = []
        target = np.full(self.n_codes, -1, dtype=np.int64)
        for k, code in enumerate(self.codes):
            new = mapping.get(code, code)
            if new is None or new == "":
                continue
            if new not in new_names:
                new_names.append(new)
            target[k] = new_names.index(new)
        order = sorted(range(len(new_names)), key=lambda i: new_names[i])
        rank = np.empty(len(new_names), dtype=np.int64)
        rank[order] = np.arange(len(new_names))
        applied = np.zeros((self.n_units, self.n_coders, len(new_names)), dtype=bool)
        for k in range(self.n_codes):
            if target[k] >= 0:
                applied[:, :, rank[target[k]]] |= self.applied[:, :, k]
        codes = tuple(new_names[i] for i in order)
        layout = self.layout
        if layout is not None and layout.continuum is not None:
            ranked = np.where(target >= 0, rank[np.maximum(target, 0)], -1)
            layout = replace(layout, continuum=layout.continuum.recoded(ranked, codes))
        return Codings(
            units=self.units,
            coders=self.coders,
            codes=codes,
            applied=applied,
            seen=self.seen,
            texts=self.texts,
            notes=self.notes,
            accounting=self.accounting,
            read=self.read,
            layout=layout,
        )


def sets_with_uncoded(applied: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Code sets with the pseudo-code "(uncoded)" as a last column, for any slice of units.

    Parameters
    ----------
    applied : ndarray of bool, shape (n_units, n_coders, n_codes)
    seen : ndarray of bool, shape (n_units, n_coders)

    Returns
    -------
    ndarray of bool, shape (n_units, n_coders, n_codes + 1)
        True in the last column where the coder coded the unit with no code.
    """
    uncoded = seen & ~applied.any(axis=2)
    return np.concatenate([applied, uncoded[:, :, None]], axis=2)


def from_sets(
    data: Mapping[str, Mapping[str, "set[str] | frozenset[str] | list[str] | None"]],
    codes: list[str] | None = None,
) -> Codings:
    """Build a Codings from ``{coder: {unit: codes or None}}``; handy in tests and notebooks.

    A unit absent from a coder's mapping, or mapped to None, is missing for that coder;
    an empty collection is the empty set.

    Examples
    --------
    >>> c = from_sets({"A": {"u1": {"x"}, "u2": set()}, "B": {"u1": {"x", "y"}}})
    >>> c.units, c.coders, c.codes
    (('u1', 'u2'), ('A', 'B'), ('x', 'y'))
    >>> c.code_set(1, 1) is None
    True
    """
    coders = tuple(data)
    units: list[str] = []
    seen_units: set[str] = set()
    all_codes: set[str] = set()
    for per_unit in data.values():
        for unit, value in per_unit.items():
            if unit not in seen_units:
                seen_units.add(unit)
                units.append(unit)
            if value is not None:
                all_codes.update(value)
    code_list = tuple(codes) if codes is not None else tuple(sorted(all_codes))
    unknown = all_codes - set(code_list)
    if unknown:
        raise InputError(f"codes not in the code list: {', '.join(sorted(unknown))}")
    unit_pos = {u: i for i, u in enumerate(units)}
    code_pos = {k: i for i, k in enumerate(code_list)}
    applied = np.zeros((len(units), len(coders), len(code_list)), dtype=bool)
    seen = np.zeros((len(units), len(coders)), dtype=bool)
    for c, per_unit in enumerate(data.values()):
        for unit, value in per_unit.items():
            if value is None:
                continue
            seen[unit_pos[unit], c] = True
            for code in value:
                applied[unit_pos[unit], c, code_pos[code]] = True
    return Codings(tuple(units), coders, code_list, applied, seen)
