"""Units of text merged into ranges and segments, so that findings count what coders decided.

With ``--units characters`` (or sentences, paragraphs) every character is a unit,
but coders decide about stretches, not characters: one highlight is hundreds of
units that stand or fall together. Counting them one by one would list a
disagreement once per character and make a bias test see thousands of
independent decisions where there were three. The findings layer therefore works
on coarser units made here from the :class:`~reliability.codings.SpanLayout`:

* :func:`ranges` — consecutive units coded alike (every coder's set the same)
  become one range, with its text: disagreements and codebook gaps are listed as
  ranges ("doc:c430–c512"), not characters.
* :func:`segments` — the units of one segment (the stretch that overlapping spans
  of any coder cover together, or an uncoded stretch) become one unit where a
  coder applied every code they applied anywhere in it: coder bias and
  confusions count segments.

Both leave other codings (unit-id tables, ``--units segments``) as they are.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..codings.model import Codings, SpanLayout


def ranges(codings: Codings) -> Codings:
    """Consecutive units of text with identical codings merged into one unit per range.

    Parameters
    ----------
    codings : Codings
        Any codings; only those whose units are pieces of one text (``SpanLayout.runs``:
        characters, sentences, paragraphs) change.

    Returns
    -------
    Codings
        One unit per maximal run of adjacent units in one document on which every
        coder's set (or missing) is the same; ids name the first and last unit
        ("doc:c430–c512"), texts are the run's text.
    """
    layout = codings.layout
    if layout is None or layout.runs is None or codings.n_units == 0:
        return codings
    new = np.ones(codings.n_units, dtype=bool)
    new[1:] = (
        (layout.document[1:] != layout.document[:-1])
        | (codings.seen[1:] != codings.seen[:-1]).any(axis=1)
        | (codings.applied[1:] != codings.applied[:-1]).any(axis=(1, 2))
    )
    if layout.runs == "positions":  # coded-characters skips uncoded ones: a gap in positions ends a range
        new[1:] |= layout.start[1:] != layout.end[:-1]
    return _grouped(codings, np.cumsum(new) - 1, "range")


def segments(codings: Codings) -> Codings:
    """The units of each segment of text merged into one, carrying every code a coder applied in it.

    Returns
    -------
    Codings
        For units that are pieces of one text, one unit per segment (``SpanLayout.segment``): seen
        where the coder saw any of its units, a code applied where the coder applied
        it to any of them. Other codings are returned as they are.
    """
    layout = codings.layout
    if layout is None or layout.runs is None or codings.n_units == 0:
        return codings
    return _grouped(codings, layout.segment, "segment")


def _grouped(codings: Codings, label: np.ndarray, noun: str) -> Codings:
    """Units with the same label (labels non-decreasing in unit order) merged into one."""
    layout = codings.layout
    first = np.flatnonzero(np.concatenate([[True], label[1:] != label[:-1]]))
    last = np.concatenate([first[1:], [codings.n_units]]) - 1
    seen = np.logical_or.reduceat(codings.seen, first, axis=0)
    applied = np.logical_or.reduceat(codings.applied, first, axis=0) if codings.n_codes else np.zeros(
        (len(first), codings.n_coders, 0), dtype=bool
    )
    ids = [_range_id(codings, layout, f, lst) for f, lst in zip(first.tolist(), last.tolist())]
    texts = _texts(codings, layout, first, last, ids)
    notes: dict[tuple[str, str], str] = {}
    if codings.notes:
        group_of_unit = np.repeat(np.arange(len(first)), last - first + 1)
        position = {unit: i for i, unit in enumerate(codings.units)}
    for (unit, coder), note in codings.notes.items():
        key = (ids[group_of_unit[position[unit]]], coder)
        if note not in notes.get(key, "").split(" | "):
            notes[key] = f"{notes[key]} | {note}" if key in notes else note
    merged_layout = SpanLayout(
        documents=layout.documents,
        document=layout.document[first],
        start=layout.start[first],
        end=np.maximum.reduceat(layout.end, first),
        segment=layout.segment[first],
        runs=None,
        noun=noun,
        texts=layout.texts,
        continuum=layout.continuum,
    )
    return replace(
        codings, units=tuple(ids), applied=applied, seen=seen, texts=texts, notes=notes, layout=merged_layout
    )


def _range_id(codings: Codings, layout: SpanLayout, first: int, last: int) -> str:
    """'doc:c430' for one unit, 'doc:c430–c512' for a range (the last unit's id without its document)."""
    if first == last:
        return codings.units[first]
    prefix = layout.documents[layout.document[last]] + ":"
    tail = codings.units[last]
    return f"{codings.units[first]}–{tail[len(prefix):] if tail.startswith(prefix) else tail}"


def _texts(codings: Codings, layout: SpanLayout, first: np.ndarray, last: np.ndarray, ids: list[str]) -> dict[str, str]:
    """Each range's text: the document's text where known, else the texts of its units joined."""
    texts = {}
    for i, (f, lst) in enumerate(zip(first.tolist(), last.tolist())):
        doc = int(layout.document[f])
        if doc in layout.texts:
            text = layout.texts[doc][int(layout.start[f]):int(layout.end[lst])]
        else:
            text = " ".join(codings.texts[u] for u in codings.units[f:lst + 1] if u in codings.texts)
        if text.strip():
            texts[ids[i]] = text.strip()
    return texts
