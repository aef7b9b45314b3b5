"""Read a recode file: a CSV ``old,new`` mapping each old code to a new one."""

from __future__ import annotations

from pathlib import Path

from ..codings.revision import Recode
from ..errors import InputError
from ..files import read_regular
from .codebook import read_csv_rows
from .delimited import sniff_delimiter
from ..codings.names import canonical
from .text import utf8_of

OLD_COLUMNS = ("old", "from", "code", "old_code", "original")
NEW_COLUMNS = ("new", "to", "new_code", "revised", "into")
"""Recode CSV column names recognised for each role (case-insensitive)."""


def read_recode(path: Path | str) -> Recode:
    """Read a recode CSV: one row per code, columns ``old,new``; a blank new drops the code.

    Returns
    -------
    Recode
        Old code → new code, or None to drop it.

    Raises
    ------
    InputError
        Missing file, no old/new columns, a row without an old code, or one old
        code mapped to two new codes.
    """
    path = Path(path)
    raw = read_regular(path, f"recode file {path}", folder_fix="give a CSV file with columns old,new")
    text = utf8_of(f"recode file {path}", raw).decode("utf-8")
    rows = read_csv_rows(text, sniff_delimiter(text), f"recode file {path}")
    header = [cell.strip() for cell in rows[0]]
    keys = [cell.lower().replace(" ", "_") for cell in header]
    old_at = next((keys.index(n) for n in OLD_COLUMNS if n in keys), None)
    new_at = next((keys.index(n) for n in NEW_COLUMNS if n in keys), None)
    if old_at is None or new_at is None:
        raise InputError(
            f"recode file {path} needs a header row 'old,new'; its first row is: {', '.join(repr(h) for h in header)}"
        )
    mapping: dict[str, str | None] = {}
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = [canonical(cell) for cell in row]  # as the readers compare codes (NFC)
        if not any(cells):
            continue
        old = cells[old_at] if old_at < len(cells) else ""
        new = (cells[new_at] if new_at < len(cells) else "") or None
        if not old:
            raise InputError(f"recode file {path}, row {number}: no old code; fill in column '{header[old_at]}' or delete the row")
        if old in mapping and mapping[old] != new:
            raise InputError(
                f"recode file {path}, row {number}: '{old}' is mapped to '{new or '(dropped)'}' here but to "
                f"'{mapping[old] or '(dropped)'}' on row {first_row[old]}; keep one row per code"
            )
        mapping[old] = new
        first_row.setdefault(old, number)
    return Recode(source=str(path), mapping=mapping)
