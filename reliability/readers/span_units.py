"""The modes of ``--units``: how the gathered spans of every coder become units.

:mod:`.spans` gathers the spans of every export (:class:`Spans`) and calls one
of ``UNITISERS``; each returns the units (:class:`Units`). The modes are
described in :mod:`.spans`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..codings.options import ReadOptions
from ..errors import InputError, UsageError

CHARACTER_UNITS_LIMIT = 1_000_000

"""Most characters ``--units characters`` makes units of (one unit per character)."""

SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’»)\]]*(?=\s|$)")

"""Where a sentence ends: . ! ? … 。 ！ ？ (and closing quotes or brackets) before a space or the end."""

LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|\Z)")

"""One line of text and its line break (\\r\\n, \\r or \\n)."""



@dataclass(frozen=True)
class Spans:
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
    positions: str



@dataclass(frozen=True)
class Units:
    """Units made from spans: ids, what each coder applied, and what to tell the user."""

    ids: list[str]
    doc: np.ndarray  # document index of each unit
    seen: np.ndarray  # (units, coders)
    applied: np.ndarray  # (units, coders, codes)
    texts: dict[str, str]
    notes: dict[tuple[str, str], str]
    notices: list[str]



def _segment_units(spans: Spans, options: ReadOptions) -> Units:
    """Units from spans matched across coders by overlap (see the module's docstring)."""
    n_coders, n_codes = len(spans.coders), len(spans.codes)
    rows = pd.DataFrame({"doc": spans.doc, "coder": spans.coder, "start": spans.start, "end": spans.end})
    span_of_row = rows.groupby(["doc", "coder", "start", "end"], sort=True).ngroup().to_numpy()
    _, first_row = np.unique(span_of_row, return_index=True)
    doc, coder = spans.doc[first_row], spans.coder[first_row]
    start, end = spans.start[first_row], spans.end[first_row]
    cluster = _match_spans(doc, coder, start, end, options.min_overlap)

    extent = pd.DataFrame({"cluster": cluster, "doc": doc, "start": start, "end": end})
    extent = extent.groupby("cluster").agg(doc=("doc", "first"), start=("start", "min"), end=("end", "max"))
    extent = extent.sort_values(["doc", "start", "end"], kind="stable")
    unit_of_cluster = pd.Series(np.arange(len(extent)), index=extent.index)
    unit_of_span = unit_of_cluster.loc[cluster].to_numpy()
    n_units = len(extent)
    unit_doc = extent["doc"].to_numpy()
    ids = _unique_ids(
        [
            _range_id(spans, d, s, e)
            for d, s, e in zip(unit_doc.tolist(), extent["start"].tolist(), extent["end"].tolist())
        ]
    )

    seen = np.zeros((n_units, n_coders), dtype=bool)
    seen[unit_of_span, coder] = True
    applied = np.zeros((n_units, n_coders, n_codes), dtype=bool)
    unit_of_row = unit_of_span[span_of_row]
    coded = spans.code >= 0
    applied[unit_of_row[coded], spans.coder[coded], spans.code[coded]] = True

    texts = _span_texts(spans, ids, unit_of_row, extent["start"].to_numpy(), extent["end"].to_numpy(), unit_doc)
    notes = _notes(spans, ids, unit_of_row, np.arange(len(unit_of_row)))
    members = np.bincount(cluster, minlength=len(cluster))[cluster]
    matched = int((members > 1).sum())
    merged = len(span_of_row) - len(first_row)
    summary = (
        f"segments: {len(span_of_row)} codings made {len(first_row)} spans ({merged} shared the document, "
        f"coder and range of another coding and {'were' if merged != 1 else 'was'} merged into its span); "
        f"{matched} spans matched another coder's (overlap ≥ {options.min_overlap:g} of the longer span), "
        f"{len(first_row) - matched} matched none and are units only their coder coded; {n_units} units"
    )
    return Units(ids, unit_doc, seen, applied, texts, notes, [summary, *_per_document(spans, unit_doc, seen, "units")])



def _match_spans(
    doc: np.ndarray, coder: np.ndarray, start: np.ndarray, end: np.ndarray, min_overlap: float
) -> np.ndarray:
    """Cluster label of each span: spans of different coders, best overlap first, one span per coder.

    Parameters
    ----------
    doc, coder, start, end : ndarray of int, shape (n_spans,)
    min_overlap : float
        Two spans match when their overlap is at least this share of the longer one.

    Returns
    -------
    ndarray of int, shape (n_spans,)
        The index of a representative span of each span's cluster.

    Examples
    --------
    >>> _match_spans(np.array([0, 0, 0]), np.array([0, 1, 1]), np.array([0, 1, 20]), np.array([10, 10, 30]), 0.5)
    array([0, 0, 2])
    """
    n = len(doc)
    order = np.lexsort((coder, end, start, doc))
    big = int(end.max()) + 1 if n else 1
    key_start = doc[order] * big + start[order]
    key_end = doc[order] * big + end[order]
    # In start order, the spans that overlap span i and start no earlier follow it up to `last`.
    last = np.searchsorted(key_start, key_end, side="left")
    count = last - np.arange(n) - 1
    first_of = np.repeat(np.arange(n), count)
    step = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    a, b = order[first_of], order[first_of + 1 + step]
    other = coder[a] != coder[b]
    a, b = a[other], b[other]
    overlap = np.minimum(end[a], end[b]) - np.maximum(start[a], start[b])
    longer = np.maximum(end[a] - start[a], end[b] - start[b])
    close = overlap >= min_overlap * longer - 1e-9
    a, b, ratio = a[close], b[close], overlap[close] / longer[close]
    best_first = np.lexsort((b, a, -ratio))

    # Greedy union over candidate pairs (few: only overlapping spans of different coders);
    # a cluster's coders are a bit mask, so a second span of one coder never joins it.
    parent = list(range(n))
    mask = [1 << c for c in coder.tolist()]

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a[best_first].tolist(), b[best_first].tolist()):
        rx, ry = root(x), root(y)
        if rx != ry and not mask[rx] & mask[ry]:
            parent[ry] = rx
            mask[rx] |= mask[ry]
    return np.array([root(i) for i in range(n)], dtype=np.int64)



def _range_id(spans: Spans, doc: int, start: int, end: int) -> str:
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
        return _covering_units(spans, ids, np.asarray(unit_doc, dtype=np.int64), row_unit, row, texts, kind)

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



def _covering_units(spans: Spans, ids, unit_doc, row_unit, row, texts, kind) -> Units:
    """Units every coder saw, carrying the codes of the spans that overlap them."""
    n_units, n_coders, n_codes = len(ids), len(spans.coders), len(spans.codes)
    seen = np.ones((n_units, n_coders), dtype=bool)
    applied = np.zeros((n_units, n_coders, n_codes), dtype=bool)
    coded = spans.code[row] >= 0
    applied[row_unit[coded], spans.coder[row][coded], spans.code[row][coded]] = True
    notes = _notes(spans, ids, row_unit, row)
    coded_units = applied.any(axis=2)
    summary = (
        f"{kind}: {n_units} units in {len(np.unique(unit_doc))} documents; every coder is counted on every "
        f"unit of a document some coder coded, with no code where the coder applied none"
    )
    notices = [summary, *_per_document(spans, unit_doc, coded_units, kind)]
    return Units(list(ids), unit_doc, seen, applied, texts, notes, notices)



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
        seen = np.ones((len(ids), len(spans.coders)), dtype=bool)
        texts, notes = _paragraph_texts_notes(spans, ids, unit_doc, position) if paragraphs else ({}, {})
        uncoded = total - int(coded_position.sum())
        summary = {
            "paragraphs": f"paragraphs: {len(ids)} units, the paragraphs some coder coded (MAXQDA's Begin and End "
            "are paragraph numbers; paragraphs no coder coded are not in the export and not counted); every "
            "coder is counted on every unit of a document some coder coded",
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
        return Units(ids, unit_doc, seen, applied, texts, notes, notices)

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



def _documents_in_scope(spans: Spans) -> list[int]:
    """Documents in which some coder applied a code (others would add nothing but agreement on no code)."""
    return np.unique(spans.doc[spans.code >= 0]).tolist()



def _span_texts(spans: Spans, ids, unit_of_row, unit_start, unit_end, unit_doc) -> dict[str, str]:
    """Each unit's text: the source text where known, else the first coder's span text."""
    texts = _first_text(spans, ids, unit_of_row, np.arange(len(unit_of_row)))
    for u, (d, s, e) in enumerate(zip(unit_doc.tolist(), unit_start.tolist(), unit_end.tolist())):
        if d in spans.texts:
            texts[ids[u]] = spans.texts[d][s:e].strip()
    return texts



def _first_text(spans: Spans, ids, unit_of, row_of) -> dict[str, str]:
    """For each unit, the non-empty span text of the first coder (in coder order) that gives one."""
    has_text = spans.text[row_of] != ""
    frame = pd.DataFrame({"unit": unit_of[has_text], "coder": spans.coder[row_of][has_text], "row": row_of[has_text]})
    first = frame.sort_values(["unit", "coder", "row"], kind="stable").drop_duplicates("unit")
    return {ids[u]: str(spans.text[r]).strip() for u, r in zip(first["unit"].tolist(), first["row"].tolist())}



def _notes(spans: Spans, ids, unit_of, row_of) -> dict[tuple[str, str], str]:
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



def _per_document(spans: Spans, unit_doc: np.ndarray, counted: np.ndarray, noun: str) -> list[str]:
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

UNITISERS: dict[str, Callable[[Spans, ReadOptions], Units]] = {
    "segments": _segment_units,
    "paragraphs": _text_units(_paragraph_bounds, "paragraphs"),
    "sentences": _text_units(_sentence_bounds, "sentences"),
    "characters": position_units(coded_only=False),
    "coded-characters": position_units(coded_only=True),
}

"""Unit mode (``--units``) → the function that makes units of spans."""
