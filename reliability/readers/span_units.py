"""How coded spans become units: one unitiser per ``--units`` mode (see :mod:`.spans`).

Every unitiser follows one rule: a coder who coded a document (made any span in
it, even one with no code) has the empty set on every unit of that document
where they applied nothing; a unit is *missing* for a coder only in documents
that coder never coded. An omission is a disagreement, never a dropped unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..errors import InputError, UsageError
from .options import ReadOptions

SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’»)\]]*(?=\s|$)")
"""Where a sentence ends: . ! ? … 。 ！ ？ (and closing quotes or brackets) before a space or the end."""

LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|\Z)")
"""One line of text and its line break (\\r\\n, \\r or \\n)."""

CHARACTER_UNITS_LIMIT = 1_000_000
"""Most characters ``--units characters`` makes units of (one unit per character)."""

EVERY_UNIT = (
    "a coder who coded a document is counted on every unit of it, with no code where they applied none; "
    "units of a document a coder never coded are missing for that coder"
)

PASSAGE_ID_LENGTH = 40
"""Characters of a passage shown in its unit id ('document: first words…')."""


@dataclass(frozen=True)
class _Spans:
    """Every input's spans as integer arrays, one entry per (span, code) row."""

    documents: list[str]
    coders: list[str]
    codes: list[str]
    doc: np.ndarray
    coder: np.ndarray
    start: np.ndarray
    end: np.ndarray
    code: np.ndarray  # -1 where the coder applied no code
    text: np.ndarray
    note: np.ndarray
    texts: dict[int, str]  # document index → source text, where known
    positions: str  # "characters", "paragraphs", or "text" (highlights without positions)

    @property
    def coded(self) -> np.ndarray:
        """Which coder coded which document (made any span there), shape (n_documents, n_coders)."""
        coded = np.zeros((len(self.documents), len(self.coders)), dtype=bool)
        coded[self.doc, self.coder] = True
        return coded


@dataclass(frozen=True)
class _Units:
    """Units made from spans: ids, what each coder applied, and what to tell the user."""

    ids: list[str]
    doc: np.ndarray  # document index of each unit
    seen: np.ndarray  # (units, coders)
    applied: np.ndarray  # (units, coders, codes)
    texts: dict[str, str]
    notes: dict[tuple[str, str], str]
    notices: list[str]
    start: np.ndarray  # first position of each unit (0 where positions are unknown)
    end: np.ndarray  # the position after its last
    segment: np.ndarray  # the segment each unit belongs to (see SpanLayout)
    noun: str  # what one unit is: "segment", "character", "sentence", "paragraph", "passage"
    contiguous: bool  # units are consecutive pieces of text


# --- segments ---------------------------------------------------------------------------------


def _segment_units(spans: _Spans, options: ReadOptions) -> _Units:
    """Units from spans joined across coders by overlap (see the module docstring of :mod:`.spans`)."""
    rows = pd.DataFrame({"doc": spans.doc, "coder": spans.coder, "start": spans.start, "end": spans.end})
    span_of_row = rows.groupby(["doc", "coder", "start", "end"], sort=True).ngroup().to_numpy()
    _, first_row = np.unique(span_of_row, return_index=True)
    doc, coder = spans.doc[first_row], spans.coder[first_row]
    start, end = spans.start[first_row], spans.end[first_row]
    segment = connected_segments(doc, start, end, options.min_overlap)

    extent = pd.DataFrame({"segment": segment, "doc": doc, "start": start, "end": end})
    extent = extent.groupby("segment").agg(doc=("doc", "first"), start=("start", "min"), end=("end", "max"))
    extent = extent.sort_values(["doc", "start", "end"], kind="stable")
    unit_of_segment = pd.Series(np.arange(len(extent)), index=extent.index)
    unit_of_span = unit_of_segment.loc[segment].to_numpy()
    unit_doc = extent["doc"].to_numpy()
    unit_start, unit_end = extent["start"].to_numpy(), extent["end"].to_numpy()
    ids = _unique_ids(
        [_range_id(spans, d, s, e) for d, s, e in zip(unit_doc.tolist(), unit_start.tolist(), unit_end.tolist())]
    )
    unit_of_row = unit_of_span[span_of_row]
    seen, applied = _omissions_count(spans, unit_doc, unit_of_row, np.arange(len(unit_of_row)))
    texts = _span_texts(spans, ids, unit_of_row, unit_start, unit_end, unit_doc)
    notes = _notes(spans, ids, unit_of_row, np.arange(len(unit_of_row)))
    coders_in_unit = pd.DataFrame({"unit": unit_of_span, "coder": coder}).drop_duplicates()["unit"].value_counts()
    alone = int((coders_in_unit == 1).sum())
    merged = len(span_of_row) - len(first_row)
    summary = (
        f"segments: {len(span_of_row)} codings made {len(first_row)} spans ({merged} shared the document, "
        f"coder and range of another coding and {'were' if merged != 1 else 'was'} merged into its span); "
        f"spans overlapping by at least {options.min_overlap:g} of the shorter one joined one segment, "
        f"making {len(ids)} units; in {alone} of them only one coder made a span: every other coder who coded "
        "the document has no code there, so an omission counts as a disagreement"
    )
    return _Units(
        ids, unit_doc, seen, applied, texts, notes, [summary, *_per_document(spans, unit_doc, applied.any(axis=2), "units")],
        unit_start, unit_end, np.arange(len(ids)), "segment", False,
    )


def connected_segments(doc: np.ndarray, start: np.ndarray, end: np.ndarray, min_overlap: float) -> np.ndarray:
    """Segment label of each span: connected components of spans that overlap by ``min_overlap`` of the shorter.

    Spans of any coders (one coder's too) join when they share at least ``min_overlap``
    of the shorter span's length; a span that overlaps no other that much is a segment
    of its own. Nothing is dropped.

    Parameters
    ----------
    doc, start, end : ndarray of int, shape (n_spans,)
    min_overlap : float
        In (0, 1].

    Returns
    -------
    ndarray of int, shape (n_spans,)
        Component label of each span (0 .. n_segments − 1, in no particular order).

    Examples
    --------
    >>> connected_segments(np.array([0, 0, 0]), np.array([37, 37, 100]), np.array([63, 92, 120]), 0.5)
    array([0, 0, 1], dtype=int32)
    """
    n = len(doc)
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    order = np.lexsort((end, start, doc))
    big = int(end.max()) + 1
    key_start = doc[order] * big + start[order]
    key_end = doc[order] * big + end[order]
    # In start order, the spans that start before span i ends (and no earlier) follow it up to `last`.
    last = np.searchsorted(key_start, key_end, side="left")
    count = np.maximum(last - np.arange(n) - 1, 0)
    first_of = np.repeat(np.arange(n), count)
    step = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    a, b = order[first_of], order[first_of + 1 + step]
    overlap = np.minimum(end[a], end[b]) - np.maximum(start[a], start[b])
    shorter = np.minimum(end[a] - start[a], end[b] - start[b])
    close = (overlap > 0) & (overlap >= min_overlap * shorter - 1e-9)
    graph = coo_matrix((np.ones(int(close.sum()), dtype=np.int8), (a[close], b[close])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _omissions_count(spans: _Spans, unit_doc: np.ndarray, unit_of: np.ndarray, row_of: np.ndarray):
    """``seen`` and ``applied`` of units: seen wherever the coder coded the unit's document.

    Parameters
    ----------
    unit_doc : ndarray of int, shape (n_units,)
    unit_of, row_of : ndarray of int
        Pairs (unit, span row) of rows that apply to a unit.
    """
    n_units = len(unit_doc)
    seen = spans.coded[unit_doc] if n_units else np.zeros((0, len(spans.coders)), dtype=bool)
    applied = np.zeros((n_units, len(spans.coders), len(spans.codes)), dtype=bool)
    coded = spans.code[row_of] >= 0
    applied[unit_of[coded], spans.coder[row_of][coded], spans.code[row_of][coded]] = True
    return seen, applied


def _passage_units(spans: _Spans, options: ReadOptions) -> _Units:
    """Highlights without positions: a unit is a document and one exact (space-normalised) highlighted text."""
    passage = pd.Series(spans.text, dtype=object).str.split().str.join(" ").to_numpy(dtype=object)
    keys = pd.DataFrame({"doc": spans.doc, "passage": passage})
    unit_of_row = keys.groupby(["doc", "passage"], sort=False).ngroup().to_numpy()
    first = pd.DataFrame({"unit": unit_of_row, "row": np.arange(len(unit_of_row))}).drop_duplicates("unit")
    first = first.assign(doc=spans.doc[first["row"]], passage=passage[first["row"]]).sort_values(
        ["doc", "row"], kind="stable"
    )
    position = np.empty(len(first), dtype=np.int64)
    position[first["unit"].to_numpy()] = np.arange(len(first))
    unit_of_row = position[unit_of_row]
    unit_doc = first["doc"].to_numpy()
    names = np.array(spans.documents, dtype=object)[unit_doc]
    ids = passage_ids(pd.Series(names), pd.Series(first["passage"].to_numpy(dtype=object))).tolist()
    texts = dict(zip(ids, first["passage"].tolist()))
    seen, applied = _omissions_count(spans, unit_doc, unit_of_row, np.arange(len(unit_of_row)))
    notes = _notes(spans, ids, unit_of_row, np.arange(len(unit_of_row)))
    single = int((applied.any(axis=2).sum(axis=1) == 1).sum())
    summary = (
        f"passages: {len(ids)} units, each a document and one exact highlighted text; in {single} of them only one "
        "coder applied a code: every other coder who coded the document has no code there (an omission is a "
        "disagreement); a passage selected even slightly differently is a different unit"
    )
    zeros = np.zeros(len(ids), dtype=np.int64)
    return _Units(
        ids, unit_doc, seen, applied, texts, notes, [summary, *_per_document(spans, unit_doc, applied.any(axis=2), "units")],
        zeros, zeros, np.arange(len(ids)), "passage", False,
    )


def passage_ids(document: pd.Series, passage: pd.Series) -> pd.Series:
    """'document: first words…' per row; a number is added where two passages would share an id.

    >>> passage_ids(pd.Series(["d", "d"]), pd.Series(["one two", ""])).tolist()
    ['d: one two', '']
    """
    short = passage.where(passage.str.len() <= PASSAGE_ID_LENGTH, passage.str.slice(0, PASSAGE_ID_LENGTH - 1) + "…")
    ids = (document + ": " + short).where(passage != "", "")
    distinct = pd.DataFrame({"id": ids, "document": document, "passage": passage})
    distinct = distinct.drop_duplicates(["document", "passage"])
    clash = distinct["id"].duplicated(keep="first") & distinct["id"].ne("")
    if clash.any():
        rank = distinct.groupby("id").cumcount() + 1
        distinct.loc[clash, "id"] = distinct.loc[clash, "id"] + " #" + rank[clash].astype(str)
        lookup = distinct.set_index(["document", "passage"])["id"]
        ids = pd.Series(lookup.reindex(pd.MultiIndex.from_arrays([document, passage])).to_numpy(), index=document.index)
    return ids


def _range_id(spans: _Spans, doc: int, start: int, end: int) -> str:
    """A unit id that says where the unit is: 'doc:12-40' (characters) or 'doc:p3-p5' (paragraphs)."""
    name = spans.documents[doc]
    if spans.positions == "paragraphs":
        return f"{name}:p{start}" if end - start == 1 else f"{name}:p{start}-p{end - 1}"
    return f"{name}:{start}-{end}"


def _unique_ids(ids: list[str]) -> list[str]:
    """The ids, with '#2', '#3' … added where two units would share one."""
    counts: dict[str, int] = {}
    unique = []
    for unit in ids:
        counts[unit] = counts.get(unit, 0) + 1
        unique.append(unit if counts[unit] == 1 else f"{unit}#{counts[unit]}")
    return unique


# --- paragraphs and sentences --------------------------------------------------------------------


def _paragraph_bounds(text: str) -> tuple[list[int], list[int], list[str]]:
    """Start, end and label ('p' + line number) of each non-empty line, without surrounding spaces.

    >>> _paragraph_bounds("a b\\r\\n\\r\\n  c \\n")
    ([0, 9], [3, 10], ['p1', 'p3'])
    """
    starts, ends, labels = [], [], []
    for number, line in enumerate(LINE.finditer(text), start=1):
        content = line.group(1)
        stripped = content.strip()
        if not stripped:
            continue
        lead = len(content) - len(content.lstrip())
        starts.append(line.start(1) + lead)
        ends.append(line.start(1) + lead + len(stripped))
        labels.append(f"p{number}")
    return starts, ends, labels


def _sentence_bounds(text: str) -> tuple[list[int], list[int], list[str]]:
    """Start, end and label ('s' + number) of each sentence; a paragraph always ends one.

    >>> _sentence_bounds("Ich vertraue dem Team. Danke!\\nOK")
    ([0, 23, 30], [22, 29, 32], ['s1', 's2', 's3'])
    """
    starts, ends = [], []
    for p_start, p_end, _ in zip(*_paragraph_bounds(text)):
        cut = p_start
        for match in SENTENCE_END.finditer(text, p_start, p_end):
            _add_trimmed(text, cut, match.end(), starts, ends)
            cut = match.end()
        _add_trimmed(text, cut, p_end, starts, ends)
    return starts, ends, [f"s{i}" for i in range(1, len(starts) + 1)]


def _add_trimmed(text: str, start: int, end: int, starts: list[int], ends: list[int]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        starts.append(start + lead)
        ends.append(start + lead + len(stripped))


def _text_units(bounds: Callable[[str], tuple[list[int], list[int], list[str]]], kind: str):
    """A unitiser whose units are pieces of each document's text (paragraphs or sentences)."""

    def unitise(spans: _Spans, options: ReadOptions) -> _Units:
        docs = _documents_in_scope(spans)
        missing = [spans.documents[d] for d in docs if d not in spans.texts]
        if len(missing) == len(docs):
            raise UsageError(
                f"--units {kind} needs the documents' text, and these exports hold none; use --units segments "
                "or --units characters, or export a REFI-QDA project (.qdpx), which holds the text"
            )
        if missing:
            raise InputError(
                f"--units {kind} needs the text of every coded document, and the input lacks the text of: "
                f"{', '.join(missing)}; export the project with its sources, or use --units segments"
            )
        unit_doc, unit_start, unit_end, ids, texts = [], [], [], [], {}
        local_start, local_end = [], []
        offset, offsets = 0, {}
        for d in docs:
            text = spans.texts[d]
            offsets[d] = offset
            starts, ends, labels = bounds(text)
            for s, e, label in zip(starts, ends, labels):
                unit = f"{spans.documents[d]}:{label}"
                ids.append(unit)
                texts[unit] = text[s:e]
            unit_doc.extend([d] * len(starts))
            local_start.extend(starts)
            local_end.extend(ends)
            unit_start.extend(offset + s for s in starts)
            unit_end.extend(offset + e for e in ends)
            offset += len(text) + 1  # a gap, so no unit touches the next document's
        unit_start_a, unit_end_a = np.asarray(unit_start, dtype=np.int64), np.asarray(unit_end, dtype=np.int64)
        in_scope = np.isin(spans.doc, docs)
        shift = np.zeros(len(spans.documents), dtype=np.int64)
        shift[list(offsets)] = list(offsets.values())
        row_unit, row = _overlapping(
            unit_start_a, unit_end_a, shift[spans.doc] + spans.start, shift[spans.doc] + spans.end, in_scope
        )
        bounds_of = (np.asarray(local_start, dtype=np.int64), np.asarray(local_end, dtype=np.int64))
        return _covering_units(spans, ids, np.asarray(unit_doc, dtype=np.int64), bounds_of, row_unit, row, texts, kind)

    return unitise


def _overlapping(unit_start, unit_end, span_start, span_end, use) -> tuple[np.ndarray, np.ndarray]:
    """Every (unit, span row) pair that overlaps by at least one position; units sorted and disjoint.

    >>> _overlapping(np.array([0, 5]), np.array([4, 9]), np.array([3, 9]), np.array([6, 12]), np.array([True, True]))
    (array([0, 1]), array([0, 0]))
    """
    rows = np.flatnonzero(use)
    first = np.searchsorted(unit_end, span_start[rows], side="right")
    last = np.searchsorted(unit_start, span_end[rows], side="left")
    count = np.maximum(last - first, 0)
    row = np.repeat(rows, count)
    unit = np.repeat(first, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
    return unit, row


def _covering_units(spans: _Spans, ids, unit_doc, bounds, row_unit, row, texts, kind) -> _Units:
    """Units of the text, carrying the codes of the spans that overlap them; omissions count."""
    n_units = len(ids)
    seen, applied = _omissions_count(spans, unit_doc, row_unit, row)
    notes = _notes(spans, ids, row_unit, row)
    coded_units = applied.any(axis=2)
    summary = f"{kind}: {n_units} units in {len(np.unique(unit_doc))} documents; {EVERY_UNIT}"
    notices = [summary, *_per_document(spans, unit_doc, coded_units, kind)]
    start, end = bounds
    return _Units(
        list(ids), unit_doc, seen, applied, texts, notes, notices, start, end,
        text_segments(spans, unit_doc, start, end), kind.rstrip("s"), True,
    )


# --- characters (and MAXQDA's paragraphs) --------------------------------------------------------


def _position_units(coded_only: bool):
    """A unitiser whose units are single positions: characters, or MAXQDA's paragraphs."""

    def unitise(spans: _Spans, options: ReadOptions) -> _Units:
        paragraphs = spans.positions == "paragraphs"
        mode = "paragraphs" if paragraphs else "coded-characters" if coded_only else "characters"
        docs = _documents_in_scope(spans)
        coded = spans.code >= 0
        extent = np.zeros(len(spans.documents), dtype=np.int64)
        np.maximum.at(extent, spans.doc[coded], spans.end[coded])
        guessed = [spans.documents[d] for d in docs if d not in spans.texts]
        for d in docs:
            if d in spans.texts:
                extent[d] = len(spans.texts[d])
        lengths = extent[docs]
        total = int(lengths.sum())
        if total > CHARACTER_UNITS_LIMIT:
            raise UsageError(
                f"--units {mode} compares documents of {total:,} characters in all, more than the "
                f"{CHARACTER_UNITS_LIMIT:,} it handles (one unit per character); use --units paragraphs "
                "or segments, or compare fewer documents"
            )
        offset = np.zeros(len(spans.documents), dtype=np.int64)
        offset[docs] = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        applied = _coverage(spans, offset, extent, total, np.isin(spans.doc, docs) & coded)
        unit_doc = np.repeat(np.asarray(docs, dtype=np.int64), lengths)
        position = np.arange(total) - np.repeat(offset[docs], lengths)
        coded_position = applied.any(axis=(1, 2))
        if coded_only or paragraphs:
            applied, unit_doc, position = applied[coded_position], unit_doc[coded_position], position[coded_position]
        prefix = "p" if paragraphs else "c"
        ids = [f"{spans.documents[d]}:{prefix}{p}" for d, p in zip(unit_doc.tolist(), position.tolist())]
        seen = spans.coded[unit_doc]
        texts, notes = _paragraph_texts_notes(spans, ids, unit_doc, position) if paragraphs else ({}, {})
        uncoded = total - int(coded_position.sum())
        summary = {
            "paragraphs": f"paragraphs: {len(ids)} units, the paragraphs some coder coded (MAXQDA's Begin and End "
            "are paragraph numbers; paragraphs no coder coded are not in the export and not counted); "
            + EVERY_UNIT,
            "coded-characters": f"coded-characters: {len(ids):,} units, the characters some coder coded "
            f"(of {total:,}); agreement on coded text only",
            "characters": f"characters: {total:,} units, one per character; {uncoded:,} "
            f"({uncoded / max(total, 1):.0%}) were coded by no coder and count as agreement: uncoded text "
            "inflates agreement; --units coded-characters gives agreement on coded text only",
        }[mode]
        notices = [summary]
        if guessed and not paragraphs:
            notices.append(
                f"the text of {', '.join(guessed)} is not in the input: each is taken to end at its last coded "
                "character, so uncoded text after that is not counted"
            )
        noun = "paragraphs" if paragraphs else "characters"
        notices.extend(_per_document(spans, unit_doc, applied.any(axis=2), noun))
        return _Units(
            ids, unit_doc, seen, applied, texts, notes, notices, position, position + 1,
            text_segments(spans, unit_doc, position, position + 1), noun.rstrip("s"), True,
        )

    return unitise


def _coverage(spans: _Spans, offset: np.ndarray, extent: np.ndarray, total: int, use: np.ndarray) -> np.ndarray:
    """Per position, coder and code: does a span of that coder with that code cover it?

    Parameters
    ----------
    offset, extent : ndarray of int, shape (n_documents,)
        Where each document starts among all positions, and how many positions it has.
    total : int
        Positions of all documents together.
    use : ndarray of bool, shape (n_rows,)
        The span rows to count.

    Returns
    -------
    ndarray of bool, shape (total, n_coders, n_codes)
    """
    n_coders, n_codes = len(spans.coders), len(spans.codes)
    begin = offset[spans.doc] + np.minimum(spans.start, extent[spans.doc])
    stop = offset[spans.doc] + np.minimum(spans.end, extent[spans.doc])
    applied = np.zeros((total, n_coders, n_codes), dtype=bool)
    size = (total + 1) * n_coders
    for k in range(n_codes):
        rows = use & (spans.code == k)
        # +1 where a span starts, -1 where it stops: the running sum counts the spans covering a position.
        change = np.bincount(begin[rows] * n_coders + spans.coder[rows], minlength=size) - np.bincount(
            stop[rows] * n_coders + spans.coder[rows], minlength=size
        )
        applied[:, :, k] = np.cumsum(change.reshape(total + 1, n_coders), axis=0)[:total] > 0
    return applied


def _paragraph_texts_notes(spans: _Spans, ids, unit_doc, position) -> tuple[dict, dict]:
    """MAXQDA paragraph units: a text from a segment of exactly that paragraph, and the notes of covering segments."""
    place = pd.Series(np.arange(len(ids)), index=pd.MultiIndex.from_arrays([unit_doc, position]))
    length = np.maximum(spans.end - spans.start, 0)
    row = np.repeat(np.arange(len(length)), length)
    pos = np.repeat(spans.start, length) + (np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length))
    found = place.reindex(pd.MultiIndex.from_arrays([spans.doc[row], pos])).to_numpy()
    hit = ~np.isnan(found)
    unit_of, row_of = found[hit].astype(np.int64), row[hit]
    # MAXQDA gives no document text; a segment of exactly one paragraph shows (part of) it.
    single = (length[row_of] == 1) & (spans.text[row_of] != "")
    texts = _first_text(spans, ids, unit_of[single], row_of[single])
    return texts, _notes(spans, ids, unit_of, row_of)


# --- shared ---------------------------------------------------------------------------------------


def text_segments(spans: _Spans, unit_doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Segment of each unit of text: the stretch that overlapping coded spans (of any coder) cover together.

    Consecutive units that no coder coded form one segment too. Units must be in
    document and position order.

    Parameters
    ----------
    unit_doc, start, end : ndarray of int, shape (n_units,)
        Each unit's document and positions within it.

    Returns
    -------
    ndarray of int, shape (n_units,)
        0, 1, 2 … in unit order.
    """
    n = len(unit_doc)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    coded = spans.code >= 0
    doc, s, e = spans.doc[coded], spans.start[coded], spans.end[coded]
    big = int(max(e.max(initial=0), end.max(initial=0))) + 1
    order = np.lexsort((s, doc))
    key_s, key_e = doc[order] * big + s[order], doc[order] * big + e[order]
    reach = np.maximum.accumulate(key_e) if len(key_e) else key_e
    starts_component = np.ones(len(key_s), dtype=bool)
    starts_component[1:] = key_s[1:] >= reach[:-1]
    component = np.cumsum(starts_component) - 1
    component_start = key_s[starts_component]
    component_end = np.zeros(int(starts_component.sum()), dtype=np.int64)
    np.maximum.at(component_end, component, key_e)
    unit_s, unit_e = unit_doc * big + start, unit_doc * big + end
    at = np.searchsorted(component_start, unit_e, side="left") - 1
    hit = (at >= 0) & (component_end[np.maximum(at, 0)] > unit_s)
    label = np.where(hit, at, -1)
    new = np.ones(n, dtype=bool)
    new[1:] = (label[1:] != label[:-1]) | (unit_doc[1:] != unit_doc[:-1])
    return np.cumsum(new) - 1


def _documents_in_scope(spans: _Spans) -> list[int]:
    """Documents in which some coder applied a code (others would add nothing but agreement on no code)."""
    return np.unique(spans.doc[spans.code >= 0]).tolist()


def _span_texts(spans: _Spans, ids, unit_of_row, unit_start, unit_end, unit_doc) -> dict[str, str]:
    """Each unit's text: the source text where known, else the first coder's span text."""
    texts = _first_text(spans, ids, unit_of_row, np.arange(len(unit_of_row)))
    for u, (d, s, e) in enumerate(zip(unit_doc.tolist(), unit_start.tolist(), unit_end.tolist())):
        if d in spans.texts:
            texts[ids[u]] = spans.texts[d][s:e].strip()
    return texts


def _first_text(spans: _Spans, ids, unit_of, row_of) -> dict[str, str]:
    """For each unit, the non-empty span text of the first coder (in coder order) that gives one."""
    has_text = spans.text[row_of] != ""
    frame = pd.DataFrame({"unit": unit_of[has_text], "coder": spans.coder[row_of][has_text], "row": row_of[has_text]})
    first = frame.sort_values(["unit", "coder", "row"], kind="stable").drop_duplicates("unit")
    return {ids[u]: str(spans.text[r]).strip() for u, r in zip(first["unit"].tolist(), first["row"].tolist())}


def _notes(spans: _Spans, ids, unit_of, row_of) -> dict[tuple[str, str], str]:
    """Each coder's notes on a unit: the distinct notes of the coder's spans in it, joined with ' | '."""
    noted = spans.note[row_of] != ""
    if not noted.any():
        return {}
    frame = pd.DataFrame(
        {
            "unit": unit_of[noted],
            "coder": spans.coder[row_of][noted],
            "row": row_of[noted],
            "note": spans.note[row_of][noted],
        }
    )
    frame = frame.sort_values("row", kind="stable").drop_duplicates(["unit", "coder", "note"])
    joined = frame.groupby(["unit", "coder"], sort=True)["note"].agg(" | ".join)
    return {(ids[u], spans.coders[c]): note for (u, c), note in joined.items()}


def _per_document(spans: _Spans, unit_doc: np.ndarray, counted: np.ndarray, noun: str) -> list[str]:
    """One notice per document: how many units it has and how many of them each coder coded.

    Parameters
    ----------
    unit_doc : ndarray of int, shape (n_units,)
    counted : ndarray of bool, shape (n_units, n_coders)
        Which units count as coded by each coder.
    noun : str
        What the units are ("units", "paragraphs", "characters" …).
    """
    per_doc = pd.DataFrame(counted, columns=spans.coders).groupby(unit_doc).sum()
    units = np.bincount(unit_doc, minlength=len(spans.documents))
    return [
        f"{spans.documents[d]}: {units[d]:,} {noun if units[d] != 1 else noun.rstrip('s')}; coded by "
        + ", ".join(f"{coder} {int(n):,}" for coder, n in row.items())
        for d, row in per_doc.iterrows()
    ]


UNITISERS: dict[str, Callable[[_Spans, ReadOptions], _Units]] = {
    "segments": _segment_units,
    "paragraphs": _text_units(_paragraph_bounds, "paragraphs"),
    "sentences": _text_units(_sentence_bounds, "sentences"),
    "characters": _position_units(coded_only=False),
    "coded-characters": _position_units(coded_only=True),
}
"""Unit mode (``--units``) → the function that makes units of spans."""
