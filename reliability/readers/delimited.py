"""Delimited text files (CSV, TSV) in the three shapes coders export.

* **codes per unit**: a unit column and a codes column; several codes in one cell
  are split on the separator, or a unit may take several rows. The coder is the
  file's stem unless a coder column names it.
* **long**: the same with a coder column, one row per applied code; a row with an
  empty code means "coded, no code applies".
* **wide presence/absence**: a unit column and one column per code holding
  1/0, yes/no, true/false or x/blank.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .options import COLUMN_NAMES, ReadOptions
from .rows import Rows, split_codes
from .text import read_text

PRESENT = frozenset({"1", "yes", "y", "true", "x", "✓", "✔"})
ABSENT = frozenset({"0", "no", "n", "false", ""})
DELIMITERS = ",;\t"


def read_delimited(path: Path, options: ReadOptions) -> Rows:
    """Read one delimited file into rows of (unit, coder, code, text, note)."""
    text = read_text(path, options.encoding)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise InputError(f"{path} is not a well-formed CSV file ({_first_line(exc)}); check quotes and delimiters") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path} is empty; export the coding again or leave the file out") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame) == 0:
        raise InputError(f"{path} has a header but no rows; export the coding again or leave the file out")
    columns = find_columns(path, list(frame.columns), options)
    blank = (frame == "").all(axis=1).to_numpy()
    rows_read = len(frame)
    row_number = np.arange(2, rows_read + 2)
    frame = frame.loc[~blank]
    row_number = row_number[~blank]

    unit = frame[columns["unit"]].str.strip()
    coder = frame[columns["coder"]].str.strip() if columns["coder"] else pd.Series(path.stem, index=frame.index)
    text_col = frame[columns["text"]] if columns["text"] else None
    note_col = frame[columns["note"]].str.strip() if columns["note"] else None
    if columns["code"]:
        shape = "long" if columns["coder"] else "codes per unit"
        pieces = split_codes(frame[columns["code"]], options.code_sep)
    else:
        shape = "wide"
        pieces = _wide_pieces(path, frame, columns, row_number)
    return Rows.from_columns(
        source=str(path),
        shape=shape,
        rows_read=rows_read,
        blank_rows=int(blank.sum()),
        row_number=row_number,
        unit=unit,
        coder=coder,
        text=text_col,
        note=note_col,
        pieces=pieces,
        coder_from_file_name=columns["coder"] is None,
    )


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab, whichever the first lines use; comma when unsure."""
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def find_columns(path: Path, columns: list[str], options: ReadOptions) -> dict[str, str | None]:
    """Map each role (unit, coder, code, text, note) to a column of the file.

    Named columns must exist; others are detected from common names.
    """
    by_key = {_key(c): c for c in reversed(columns)}
    found: dict[str, str | None] = {}
    for role, names in COLUMN_NAMES.items():
        named = options.named(role)
        if named is not None:
            match = named if named in columns else by_key.get(_key(named))
            if match is None:
                raise InputError(
                    f"{path} has no column '{named}' (--{role}-col); its columns are: {_list(columns)}"
                )
            found[role] = match
        else:
            found[role] = next((by_key[n] for n in names if n in by_key), None)
    if found["unit"] is None:
        raise InputError(
            f"{path} has no unit column (looked for {', '.join(COLUMN_NAMES['unit'][:5])}, …); "
            f"its columns are: {_list(columns)}; name the unit column with --unit-col"
        )
    return found


def _wide_pieces(
    path: Path, frame: pd.DataFrame, columns: dict[str, str | None], row_number: np.ndarray
) -> pd.DataFrame:
    """One piece per present cell of the presence/absence columns (one column per code)."""
    taken = {c for c in columns.values() if c}
    code_columns = [c for c in frame.columns if c not in taken]
    if not code_columns:
        raise InputError(
            f"{path} has no code column (looked for code, codes, category, label) and no presence/absence "
            f"columns; its columns are: {_list(list(frame.columns))}; name the code column with --code-col"
        )
    values = frame[code_columns].apply(lambda s: s.str.strip().str.lower())
    present = values.isin(PRESENT).to_numpy()
    absent = values.isin(ABSENT).to_numpy()
    bad = ~(present | absent)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InputError(
            f"{path}, row {row_number[row]}, column '{code_columns[col]}': "
            f"'{frame[code_columns[col]].iloc[row]}' is not a presence value; "
            "use 1/0, yes/no, true/false or x/blank (or name the code column with --code-col)"
        )
    record, column = np.nonzero(present)
    uncoded = np.flatnonzero(~present.any(axis=1))
    pieces = pd.DataFrame(
        {
            "record": np.concatenate([record, uncoded]),
            "code": np.concatenate([np.array(code_columns, dtype=object)[column], np.full(len(uncoded), "", dtype=object)]),
        }
    )
    return pieces.sort_values("record", kind="stable", ignore_index=True)


def _key(column: str) -> str:
    return column.strip().lower().replace(" ", "_").replace("-", "_")


def _list(columns: list[str]) -> str:
    return ", ".join(f"'{c}'" for c in columns) or "(none)"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
