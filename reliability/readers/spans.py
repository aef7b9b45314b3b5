"""Coded spans → units: how the exports of QDA programs become the canonical table.

QDA programs share no unit ids across coders: each coder highlights spans of a
document and applies codes to them. The readers of those exports (:mod:`.refi`,
:mod:`.qda`) each produce a :class:`SpanTable`; :func:`codings_from_spans` turns
the spans of every input into units (:mod:`.span_units`), in one of the modes
of ``--units``. In every mode **omissions count**: a coder who coded a document
(made any span in it) has the empty set on every unit of it where they applied
nothing; only in a document the coder never coded is a unit *missing* for them.
Dropping unmatched spans would let a coder who skips text look reliable.

``excerpts`` (Dedoose's default, without ``--units``)
    Each excerpt (document and exact range) is a unit.
``segments``
    Spans (of any coders) in one document that overlap by at least
    ``min_overlap`` of the *shorter* span join one segment: segments are the
    connected components of that relation, so a span that overlaps no other
    enough is a segment of its own, never dropped. A coder's set on a segment is
    the codes of their spans in it; rows of one coder with the same document and
    range are first merged into one span.
``paragraphs``, ``sentences``
    Each paragraph (a line of the source text; empty lines are skipped) or
    sentence is a unit, and carries every code whose span overlaps it by at
    least one character.
``characters``
    Each character of every document some coder coded is a unit, as NVivo's and
    QualCoder's coding comparisons count. Text that no coder coded counts as
    agreement, so agreement rises with the share of uncoded text; the report
    says how large that share is.
``coded-characters``
    Only the characters that some coder coded: agreement on coded text only.
Highlights without positions (``positions="text"``)
    A unit is a document and one exact highlighted text (spaces normalised).

Characters, sentences and paragraphs are not independent observations: the
codings carry a :class:`~reliability.codings.SpanLayout` that says which
document and segment each unit belongs to, so that findings count segments and
ranges, and resampling takes whole documents. The spans themselves travel in
its :class:`~reliability.codings.Continuum`, for the unitizing alphas.

Positions count Unicode code points from 0, start inclusive, end exclusive.
MAXQDA's positions are paragraph numbers: its spans are ranges of paragraphs,
and its ``paragraphs`` units are the paragraphs some coder coded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from ..codings.model import Accounting, Codings, Continuum, Ignored, Source, SpanLayout
from ..codings.options import UNIT_MODES, ReadOptions
from ..errors import InputError, UsageError
from .natural import natural_sorted
from .span_units import _excerpt_units, _passage_units, _segment_units, Spans, Units
from .text_units import _paragraph_bounds, position_units, _sentence_bounds, _text_units

SPAN_COLUMNS = ("document", "coder", "start", "end", "code", "text", "note")
"""Columns of :attr:`SpanTable.spans`."""

POSITIONS = ("characters", "paragraphs", "text")
"""What a span's start and end count; "text": no positions, a highlight is known by its text."""


@dataclass(frozen=True)
class SpanTable:
    """The coded spans one export holds, before they become units.

    Attributes
    ----------
    source : str
        The file, for messages.
    shape : str
        What the export is ("REFI-QDA project", "QualCoder codes by segments", …).
    rows_read : int
        Rows read from the export (for a REFI-QDA project: codings and uncoded selections).
    spans : DataFrame
        One row per coded span and code, columns ``SPAN_COLUMNS``: ``document``,
        ``coder``, ``code`` ("" for a span its coder marked with no code), ``text``
        (the span's text as the export gives it, or "") and ``note`` are str;
        ``start`` and ``end`` are int, end exclusive.
    ignored : mapping of str to int
        Rows read but not used, by reason; with ``spans`` they make up ``rows_read``.
    texts : mapping of str to str
        Each document's text, when the export holds it; positions index into it.
    positions : str
        What start and end count, one of ``POSITIONS``.
    default_units : str
        The unit mode when ``--units`` is not given.
    coder_from_file_name : bool
        The file's stem names its only coder.
    """

    source: str
    shape: str
    rows_read: int
    spans: pd.DataFrame
    ignored: Mapping[str, int] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    positions: str = "characters"
    default_units: str = "segments"
    coder_from_file_name: bool = False
    used: tuple[tuple[str, str], ...] = ()
    """(role, column or element) the reader took each role from, for the report's input section."""


def span_frame(
    document, coder, start, end, code, text=None, note=None
) -> pd.DataFrame:
    """The ``spans`` frame of a :class:`SpanTable` from aligned columns (sequences or Series).

    >>> span_frame(["d"], ["A"], [0], [4], ["x"]).iloc[0].to_dict()
    {'document': 'd', 'coder': 'A', 'start': 0, 'end': 4, 'code': 'x', 'text': '', 'note': ''}
    """
    n = len(document)
    empty = np.full(n, "", dtype=object)
    return pd.DataFrame(
        {
            "document": np.asarray(document, dtype=object),
            "coder": np.asarray(coder, dtype=object),
            "start": np.asarray(start, dtype=np.int64),
            "end": np.asarray(end, dtype=np.int64),
            "code": np.asarray(code, dtype=object),
            "text": empty if text is None else np.asarray(text, dtype=object),
            "note": empty if note is None else np.asarray(note, dtype=object),
        }
    )


def codings_from_spans(tables: list[SpanTable], options: ReadOptions, notices: list[str] | None = None) -> Codings:
    """Turn the coded spans of every input into one :class:`Codings`.

    Parameters
    ----------
    tables : list of SpanTable
        What each export holds. A document is the same document in every input
        that names it the same.
    options : ReadOptions
        ``units`` (default: each table's ``default_units``), ``min_overlap`` and
        ``ignore_case`` are used.
    notices : list of str, optional
        Notices from earlier steps (skipped files), kept first.

    Returns
    -------
    Codings
        Units in document order (natural order of names), then by position. The
        accounting says which unit mode was used, how many spans were matched,
        merged or left unmatched, and per document how many units each coder coded.

    Raises
    ------
    UsageError
        The unit mode does not suit the inputs (e.g. sentences without the text).
    InputError
        Fewer than two coders coded anything.
    """
    notices = list(notices or [])
    mode = _unit_mode(tables, options, notices)
    if not 0 < options.min_overlap <= 1:
        raise UsageError(f"--min-overlap must be above 0 and at most 1, not {options.min_overlap}")
    spans = _gather(tables, options, notices)
    if spans.positions == "text":
        unitise = _passage_units
    elif spans.positions == "paragraphs" and mode == "paragraphs":
        # MAXQDA's positions already are paragraphs: each coded one is a unit.
        unitise = position_units(coded_only=True)
    else:
        try:
            unitise = UNITISERS[mode]
        except KeyError:
            raise UsageError(f"--units must be one of {', '.join(UNIT_MODES)}, not '{mode}'") from None
    units = unitise(spans, options)
    notices.extend(units.notices)
    return Codings(
        units=tuple(units.ids),
        coders=tuple(spans.coders),
        codes=tuple(spans.codes),
        applied=units.applied,
        seen=units.seen,
        texts=units.texts,
        notes=units.notes,
        accounting=_accounting(tables, mode, notices),
        layout=_layout(spans, units),
    )


def _layout(spans: Spans, units: Units) -> SpanLayout:
    """Where each unit lies, and the spans themselves (where positions are known) for unitizing alpha."""
    return SpanLayout(
        documents=tuple(spans.documents),
        document=np.asarray(units.doc, dtype=np.int64),
        start=np.asarray(units.start, dtype=np.int64),
        end=np.asarray(units.end, dtype=np.int64),
        segment=np.asarray(units.segment, dtype=np.int64),
        runs=units.runs,
        noun=units.noun,
        texts=dict(spans.texts),
        continuum=None if spans.positions == "text" else continuum(spans),
    )


def continuum(spans: Spans) -> Continuum:
    """The coded spans as a :class:`Continuum`: each document as long as its text, else its last coded position."""
    lengths = np.zeros(len(spans.documents), dtype=np.int64)
    np.maximum.at(lengths, spans.doc, spans.end)
    for d, text in spans.texts.items():
        lengths[d] = len(text)
    coded = spans.code >= 0
    return Continuum(
        documents=tuple(spans.documents),
        coders=tuple(spans.coders),
        codes=tuple(spans.codes),
        lengths=lengths,
        coded=spans.coded,
        doc=spans.doc[coded],
        coder=spans.coder[coded],
        start=np.minimum(spans.start[coded], lengths[spans.doc[coded]]),
        end=np.minimum(spans.end[coded], lengths[spans.doc[coded]]),
        code=spans.code[coded],
    )


def _unit_mode(tables: list[SpanTable], options: ReadOptions, notices: list[str]) -> str:
    """The unit mode asked for, or the inputs' default; refused where the positions cannot give it."""
    positions = {t.positions for t in tables}
    if "text" in positions and len(positions) > 1:
        raise UsageError(
            "some exports give highlights without positions and others with positions, so their highlights "
            "cannot be matched; export every coder's codings the same way (with positions where possible)"
        )
    if positions == {"text"}:
        if options.units not in (None, "segments"):
            raise UsageError(
                f"--units {options.units} needs the positions of the highlights, and these exports give only their "
                "text: each document and exact highlighted text is a unit; export codes with positions for other views"
            )
        return "passages"
    if len(positions) > 1:
        raise UsageError(
            "MAXQDA's positions count paragraphs and the other exports' count characters, so their spans "
            "cannot be matched; compare the MAXQDA export and the others separately"
        )
    mode = options.units
    if mode is None:
        defaults = {t.default_units for t in tables}
        mode = defaults.pop() if len(defaults) == 1 else "segments"
        if mode != "excerpts":  # Dedoose's excerpts are its units: the excerpts summary says so
            why = "MAXQDA's positions are paragraphs" if mode == "paragraphs" else "the default for coded spans"
            others = ", ".join(m for m in UNIT_MODES if m != mode)
            notices.append(f"spans became units with --units {mode} ({why}); --units {others} chooses another way")
    if positions == {"paragraphs"} and mode not in ("segments", "paragraphs"):
        raise UsageError(
            f"--units {mode} needs character positions, but MAXQDA's Begin and End count paragraphs; "
            "use --units paragraphs or --units segments"
        )
    return mode


def _gather(tables: list[SpanTable], options: ReadOptions, notices: list[str]) -> Spans:
    """Every table's spans in one set of integer arrays; documents, coders and codes in natural order."""
    frame = pd.concat([t.spans for t in tables], ignore_index=True)
    code = frame["code"]
    if options.ignore_case:
        spelling, merged = _case_folded(pd.unique(code))
        code = code.map(spelling)
        notices.extend(merged)
    documents = natural_sorted(pd.unique(frame["document"]))
    coders = natural_sorted(pd.unique(frame["coder"]))
    codes = natural_sorted([c for c in pd.unique(code) if c != ""])
    if len(coders) < 2:
        only = coders[0] if coders else "none"
        raise InputError(
            f"only one coder ({only}) coded anything in {', '.join(t.source for t in tables)}; agreement needs "
            "at least two: give every coder's export, or a project in which several users coded"
        )
    texts: dict[int, str] = {}
    doc_index = {name: i for i, name in enumerate(documents)}
    for table in tables:
        for name, text in table.texts.items():
            if name not in doc_index:
                continue
            known = texts.setdefault(doc_index[name], text)
            if known != text:
                notices.append(
                    f"the text of '{name}' in {table.source} differs from an earlier input's; "
                    "positions are read against the first, so check both exports come from the same documents"
                )
    return Spans(
        documents=documents,
        coders=coders,
        codes=codes,
        doc=pd.Categorical(frame["document"], categories=documents).codes.astype(np.int64),
        coder=pd.Categorical(frame["coder"], categories=coders).codes.astype(np.int64),
        start=frame["start"].to_numpy(dtype=np.int64),
        end=frame["end"].to_numpy(dtype=np.int64),
        code=pd.Index(codes, dtype=object).get_indexer(code).astype(np.int64),  # -1: "" (no code)
        text=frame["text"].to_numpy(dtype=object),
        note=frame["note"].to_numpy(dtype=object),
        texts=texts,
        positions=tables[0].positions,
    )


def _case_folded(codes) -> tuple[dict[str, str], list[str]]:
    """Each spelling of a code → the first, in sorted order, of those that differ only in case.

    >>> spelling, merged = _case_folded(["trust", "Trust", "cost"])
    >>> spelling
    {'Trust': 'Trust', 'trust': 'Trust', 'cost': 'cost'}
    >>> merged
    ["codes that differ only in case were merged (--ignore-case): 'Trust' + 'trust'"]
    """
    groups: dict[str, list[str]] = {}
    for code in sorted(codes):
        groups.setdefault(code.casefold(), []).append(code)
    spelling = {code: group[0] for group in groups.values() for code in group}
    merged = [
        f"codes that differ only in case were merged (--ignore-case): {' + '.join(repr(c) for c in group)}"
        for group in groups.values()
        if len(group) > 1
    ]
    return spelling, merged


def _accounting(tables: list[SpanTable], mode: str, notices: list[str]) -> Accounting:
    """Rows read and ignored over every table; each source's shape says the unit mode."""
    ignored: dict[str, int] = {}
    for table in tables:
        for reason, rows in table.ignored.items():
            if rows:
                ignored[reason] = ignored.get(reason, 0) + rows
    rows_read = sum(t.rows_read for t in tables)
    return Accounting(
        rows_read=rows_read,
        rows_used=rows_read - sum(ignored.values()),
        ignored=tuple(Ignored(reason, n) for reason, n in ignored.items()),
        notices=tuple(notices),
        sources=tuple(Source(t.source, f"{t.shape}; units: {mode}", t.rows_read) for t in tables),
    )


UNITISERS: dict[str, Callable[[Spans, ReadOptions], Units]] = {
    "excerpts": _excerpt_units,
    "segments": _segment_units,
    "paragraphs": _text_units(_paragraph_bounds, "paragraphs"),
    "sentences": _text_units(_sentence_bounds, "sentences"),
    "characters": position_units(coded_only=False),
    "coded-characters": position_units(coded_only=True),
}
"""Unit mode (``--units``) → the function that makes units of spans."""
