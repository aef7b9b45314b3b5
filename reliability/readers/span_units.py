"""How coded spans become units: one unitiser per ``--units`` mode (see :mod:`.spans`).

Every unitiser follows one rule: a coder who coded a document (made any span in
it, even one with no code) has the empty set on every unit of that document
where they applied nothing; a unit is *missing* for a coder only in documents
that coder never coded. An omission is a disagreement, never a dropped unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..codings.options import ReadOptions

EVERY_UNIT = (
    "a coder who coded a document is counted on every unit of it, with no code where they applied none; "
    "units of a document a coder never coded are missing for that coder"
)

PASSAGE_ID_LENGTH = 40
"""Characters of a passage shown in its unit id ('document: first words…')."""


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
    positions: str  # "characters", "paragraphs", or "text" (highlights without positions)

    @property
    def coded(self) -> np.ndarray:
        """Which coder coded which document (made any span there), shape (n_documents, n_coders)."""
        coded = np.zeros((len(self.documents), len(self.coders)), dtype=bool)
        coded[self.doc, self.coder] = True
        return coded


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
    start: np.ndarray  # first position of each unit (0 where positions are unknown)
    end: np.ndarray  # the position after its last
    segment: np.ndarray  # the segment each unit belongs to (see SpanLayout)
    noun: str  # what one unit is: "segment", "character", "sentence", "paragraph", "passage"
    runs: str | None  # how findings merge units into ranges (see SpanLayout.runs)


# --- segments ---------------------------------------------------------------------------------


def _segment_units(spans: Spans, options: ReadOptions) -> Units:
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
    return Units(
        ids, unit_doc, seen, applied, texts, notes, [summary, *_per_document(spans, unit_doc, applied.any(axis=2), "units")],
        unit_start, unit_end, np.arange(len(ids)), "segment", None,
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
    # Imported here: every run loads this module, and scipy would cost a small run a fifth of its time.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(int(close.sum()), dtype=np.int8), (a[close], b[close])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _omissions_count(spans: Spans, unit_doc: np.ndarray, unit_of: np.ndarray, row_of: np.ndarray):
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


def _passage_units(spans: Spans, options: ReadOptions) -> Units:
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
    return Units(
        ids, unit_doc, seen, applied, texts, notes, [summary, *_per_document(spans, unit_doc, applied.any(axis=2), "units")],
        zeros, zeros, np.arange(len(ids)), "passage", None,
    )


def _excerpt_units(spans: Spans, options: ReadOptions) -> Units:
    """Excerpts shared by range (Dedoose): a unit is a document and one exact range, 'Interview A 0-40'."""
    keys = pd.DataFrame({"doc": spans.doc, "start": spans.start, "end": spans.end})
    unit_of_row = keys.groupby(["doc", "start", "end"], sort=True).ngroup().to_numpy()
    _, first = np.unique(unit_of_row, return_index=True)
    unit_doc, unit_start, unit_end = spans.doc[first], spans.start[first], spans.end[first]
    ids = [f"{spans.documents[d]} {s}-{e}" for d, s, e in zip(unit_doc.tolist(), unit_start.tolist(), unit_end.tolist())]
    seen, applied = _omissions_count(spans, unit_doc, unit_of_row, np.arange(len(unit_of_row)))
    rows = np.arange(len(unit_of_row))
    coders_in_unit = pd.DataFrame({"unit": unit_of_row, "coder": spans.coder}).drop_duplicates()["unit"].value_counts()
    single = int((coders_in_unit == 1).sum())
    summary = (
        f"excerpts: {len(ids)} units, each a media title and one excerpt range; {single} of {len(ids)} excerpts were "
        "made by one coder only: every other coder who coded that media has no code there (an omission is a "
        "disagreement); if each coder made their own excerpts, --units segments joins them by overlap"
    )
    return Units(
        ids, unit_doc, seen, applied, _first_text(spans, ids, unit_of_row, rows), _notes(spans, ids, unit_of_row, rows),
        [summary, *_per_document(spans, unit_doc, applied.any(axis=2), "units")],
        unit_start, unit_end, np.arange(len(ids)), "excerpt", None,
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


# --- shared ---------------------------------------------------------------------------------------


def text_segments(spans: Spans, unit_doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
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
