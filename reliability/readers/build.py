"""Rows from every input → the canonical table, with every row accounted for."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..codings import Accounting, Codings, Ignored, Source
from ..errors import InputError
from .rows import Rows

NO_UNIT = "no unit id"
NO_CODER = "no coder name"
DUPLICATE = "duplicate of an earlier row (same unit, coder and codes)"
REDUNDANT_EMPTY = "no code, but the coder applied codes to this unit in another row"
BLANK = "blank line"


def build_codings(inputs: list[Rows], ignore_case: bool = False, notices: list[str] | None = None) -> Codings:
    """Combine the rows of every input into one :class:`Codings`.

    Units, coders and codes are put in natural order ("S2" before "S10"), so the
    result does not depend on the order of files or rows.

    Raises
    ------
    InputError
        A coder has no usable rows, or fewer than two coders remain.
    """
    records, pieces = _concat(inputs)
    ignored: dict[str, int] = {}
    notices = list(notices or [])
    blank = sum(r.blank_rows for r in inputs)
    if blank:
        ignored[BLANK] = blank

    bad_unit = records["unit"].eq("").to_numpy()
    bad_coder = records["coder"].eq("").to_numpy() & ~bad_unit
    for reason, mask in ((NO_UNIT, bad_unit), (NO_CODER, bad_coder)):
        if mask.any():
            ignored[reason] = int(mask.sum())
    kept = ~(bad_unit | bad_coder)
    records = records[kept]
    pieces = pieces[kept[pieces["record"].to_numpy()]]
    _check_coders(inputs, records)

    code = pieces["code"]
    if ignore_case:
        code, merged = _fold_case(code)
        notices.extend(merged)
    unit_of_piece = records["unit"].to_numpy()[_position(records, pieces)]
    coder_of_piece = records["coder"].to_numpy()[_position(records, pieces)]

    units = natural_sorted(pd.unique(records["unit"]))
    coders = natural_sorted(pd.unique(records["coder"]))
    codes = natural_sorted([c for c in pd.unique(code) if c != ""])
    u = pd.Categorical(unit_of_piece, categories=units).codes.astype(np.int64)
    c = pd.Categorical(coder_of_piece, categories=coders).codes.astype(np.int64)
    k = pd.Categorical(code.to_numpy(), categories=codes).codes.astype(np.int64)  # -1 for ""

    cell = u * len(coders) + c
    key = cell * (len(codes) + 1) + (k + 1)
    duplicate_piece = pd.Series(key).duplicated().to_numpy()
    coded_cells = np.unique(cell[k >= 0])
    redundant_piece = (k < 0) & np.isin(cell, coded_cells)
    record_of_piece = pieces["record"].to_numpy()
    for reason, flag in ((DUPLICATE, duplicate_piece & ~redundant_piece), (REDUNDANT_EMPTY, redundant_piece)):
        useless = pd.Series(flag).groupby(record_of_piece).all()
        if useless.any():
            ignored[reason] = int(useless.sum())

    seen = np.zeros((len(units), len(coders)), dtype=bool)
    seen.reshape(-1)[cell] = True
    applied = np.zeros((len(units), len(coders), len(codes)), dtype=bool)
    has_code = k >= 0
    applied.reshape(-1)[cell[has_code] * len(codes) + k[has_code]] = True

    rows_read = sum(r.rows_read for r in inputs)
    accounting = Accounting(
        rows_read=rows_read,
        rows_used=rows_read - sum(ignored.values()),
        ignored=tuple(Ignored(reason, n) for reason, n in ignored.items()),
        notices=tuple(notices),
        sources=tuple(Source(r.source, r.shape, r.rows_read) for r in inputs),
    )
    return Codings(
        units=tuple(units),
        coders=tuple(coders),
        codes=tuple(codes),
        applied=applied,
        seen=seen,
        texts=_texts(records, coders),
        notes=_notes(records, coders),
        accounting=accounting,
    )


def _concat(inputs: list[Rows]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All records and pieces, with record numbers made unique across inputs."""
    records, pieces, offset = [], [], 0
    for rows in inputs:
        records.append(rows.records.assign(source=rows.source).set_axis(rows.records.index + offset))
        pieces.append(rows.pieces.assign(record=rows.pieces["record"] + offset))
        offset += len(rows.records)
    return pd.concat(records), pd.concat(pieces, ignore_index=True)


def _position(records: pd.DataFrame, pieces: pd.DataFrame) -> np.ndarray:
    return records.index.get_indexer(pieces["record"])


def _check_coders(inputs: list[Rows], records: pd.DataFrame) -> None:
    """Every file contributes a coder, and there are at least two coders."""
    for rows in inputs:
        if not (records["source"] == rows.source).any():
            raise InputError(
                f"{rows.source} has no usable rows (every row lacks a unit id or coder); "
                "fill in the unit column or leave the file out"
            )
    coders = pd.unique(records["coder"])
    if len(coders) < 2:
        only = coders[0] if len(coders) else "none"
        raise InputError(
            f"only one coder ({only}) found; agreement needs at least two: give one file per coder, "
            "or a file with a coder column (name it with --coder-col)"
        )


def _fold_case(code: pd.Series) -> tuple[pd.Series, list[str]]:
    """Codes that differ only in case become one, spelled as the first in sorted order."""
    spellings = pd.Series(pd.unique(code[code != ""]))
    if spellings.empty:
        return code, []
    folded = spellings.str.casefold()
    groups = spellings.groupby(folded.to_numpy()).agg(lambda s: sorted(s))
    canonical = {spelling: group[0] for group in groups for spelling in group}
    canonical[""] = ""
    merged = [
        f"codes that differ only in case were merged (--ignore-case): {' + '.join(repr(s) for s in group)}"
        for group in groups
        if len(group) > 1
    ]
    return code.map(canonical), merged


def _texts(records: pd.DataFrame, coders: list[str]) -> dict[str, str]:
    """Each unit's text: the first non-empty text, coders taken in their sorted order."""
    with_text = records[records["text"].str.strip().ne("")]
    if with_text.empty:
        return {}
    rank = pd.Categorical(with_text["coder"], categories=coders).codes
    first = with_text.assign(rank=rank).sort_values(["rank", "row"], kind="stable").drop_duplicates("unit")
    return dict(zip(first["unit"], first["text"].str.strip()))


def _notes(records: pd.DataFrame, coders: list[str]) -> dict[tuple[str, str], str]:
    """Each coder's notes on a unit, distinct notes joined in row order."""
    with_note = records[records["note"].ne("")].drop_duplicates(["unit", "coder", "note"])
    if with_note.empty:
        return {}
    joined = with_note.groupby(["unit", "coder"], sort=False)["note"].agg(" | ".join)
    return dict(joined.items())


_DIGITS = re.compile(r"(\d+)")


def natural_key(value: str) -> tuple:
    """Sort key that orders embedded numbers by value: S2 < S10; ties broken by the text itself."""
    parts = _DIGITS.split(value)
    return tuple((0, int(p), p) if i % 2 else (1, 0, p.casefold()) for i, p in enumerate(parts)), value


def natural_sorted(values) -> list[str]:
    """Values in natural order, e.g. ['u1', 'u2', 'u10']."""
    return sorted((str(v) for v in values), key=natural_key)
