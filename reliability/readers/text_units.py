"""Units that are pieces of the documents' text: paragraphs, sentences and characters (see :mod:`.spans`).

A coder who coded a document is counted on every unit of it, with the empty set
where they applied nothing; units of a document a coder never coded are missing
for that coder. Each unit's segment (:func:`.span_units.text_segments`) says which
units stand or fall together.
"""

from __future__ import annotations

import re
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import InputError, UsageError
from ..limits import MAX_TABLE_CELLS
from ..codings.options import ReadOptions
from .span_units import (
    EVERY_UNIT,
    _documents_in_scope,
    _first_text,
    _notes,
    _omissions_count,
    _per_document,
    Spans,
    Units,
    text_segments,
)

SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’»)\]]*(?=\s|$)")
"""Where a sentence ends: . ! ? … 。 ！ ？ (and closing quotes or brackets) before a space or the end."""

LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|\Z)")
"""One line of text and its line break (\\r\\n, \\r or \\n)."""

CHARACTER_UNITS_LIMIT = 1_000_000
"""Most characters ``--units characters`` makes units of (one unit per character)."""


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

    def unitise(spans: Spans, options: ReadOptions) -> Units:
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


def _covering_units(spans: Spans, ids, unit_doc, bounds, row_unit, row, texts, kind) -> Units:
    """Units of the text, carrying the codes of the spans that overlap them; omissions count."""
    n_units = len(ids)
    seen, applied = _omissions_count(spans, unit_doc, row_unit, row)
    notes = _notes(spans, ids, row_unit, row)
    coded_units = applied.any(axis=2)
    summary = f"{kind}: {n_units} units in {len(np.unique(unit_doc))} documents; {EVERY_UNIT}"
    notices = [summary, *_per_document(spans, unit_doc, coded_units, kind)]
    start, end = bounds
    return Units(
        list(ids), unit_doc, seen, applied, texts, notes, notices, start, end,
        text_segments(spans, unit_doc, start, end), kind.rstrip("s"), "order",
    )


# --- characters (and MAXQDA's paragraphs) --------------------------------------------------------


def position_units(coded_only: bool):
    """A unitiser whose units are single positions: characters, or MAXQDA's paragraphs."""

    def unitise(spans: Spans, options: ReadOptions) -> Units:
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
        cells = total * len(spans.coders) * len(spans.codes)
        if cells > MAX_TABLE_CELLS:
            raise UsageError(
                f"--units {mode} makes {total:,} units × {len(spans.coders)} coders × {len(spans.codes):,} codes, "
                f"{cells:,} cells, more than the {MAX_TABLE_CELLS:,} one comparison may have; use --units segments "
                "(or paragraphs, sentences), or compare fewer documents or codes at a time"
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
            f"({uncoded / max(total, 1) * 100:.1f} %) were coded by no coder and count as agreement: uncoded text "
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
        return Units(
            ids, unit_doc, seen, applied, texts, notes, notices, position, position + 1,
            text_segments(spans, unit_doc, position, position + 1), noun.rstrip("s"), "positions",
        )

    return unitise


def _coverage(spans: Spans, offset: np.ndarray, extent: np.ndarray, total: int, use: np.ndarray) -> np.ndarray:
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


def _paragraph_texts_notes(spans: Spans, ids, unit_doc, position) -> tuple[dict, dict]:
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
