"""Rows read from one input, before they become the canonical table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Rows:
    """What one input file holds, one entry per applied code.

    Attributes
    ----------
    source : str
        The file, for messages.
    shape : str
        How the file was read ("long", "codes per unit", "wide", …).
    rows_read : int
        Data rows in the file (records, not counting the header).
    blank_rows : int
        Rows that were entirely empty.
    records : DataFrame
        One row per non-blank input row, indexed 0..n-1, columns
        ``row`` (row number in the file, header = 1), ``unit``, ``coder``, ``text``, ``note``.
    pieces : DataFrame
        One row per applied code, columns ``record`` (index into ``records``) and
        ``code``; a record that applies no code has one piece with code "".
    coder_from_file_name : bool
        The file has no coder column: its stem names the coder.
    """

    source: str
    shape: str
    rows_read: int
    blank_rows: int
    records: pd.DataFrame
    pieces: pd.DataFrame
    coder_from_file_name: bool = False

    @classmethod
    def from_columns(
        cls,
        *,
        source: str,
        shape: str,
        rows_read: int,
        blank_rows: int,
        row_number: np.ndarray,
        unit: pd.Series,
        coder: pd.Series,
        text: pd.Series | None,
        note: pd.Series | None,
        pieces: pd.DataFrame,
        coder_from_file_name: bool,
    ) -> "Rows":
        """Rows from aligned per-record columns and the codes each record applies."""
        n = len(unit)
        empty = np.full(n, "", dtype=object)
        records = pd.DataFrame(
            {
                "row": np.asarray(row_number),
                "unit": unit.to_numpy(dtype=object),
                "coder": coder.to_numpy(dtype=object),
                "text": empty if text is None else text.to_numpy(dtype=object),
                "note": empty if note is None else note.to_numpy(dtype=object),
            }
        )
        return cls(source, shape, rows_read, blank_rows, records, pieces, coder_from_file_name)


def split_codes(cells: pd.Series, code_sep: str) -> pd.DataFrame:
    """One piece per code in each cell, trimmed; a cell with no code gives one empty piece.

    >>> split_codes(pd.Series(["a; b", "", " c ;"]), ";")
    ... # doctest: +NORMALIZE_WHITESPACE
       record code
    0       0    a
    1       0    b
    2       1
    3       2    c
    """
    codes = pd.Series(cells.to_numpy(dtype=object), index=np.arange(len(cells))).str.strip()
    if code_sep and codes.str.contains(code_sep, regex=False).any():
        codes = codes.str.split(code_sep, regex=False).explode().str.strip()
        empty = codes.eq("")
        record_has_code = (~empty).groupby(level=0).transform("any")
        codes = codes[~empty | ~record_has_code]
        codes = codes[~(codes.eq("") & codes.index.duplicated())]
    return pd.DataFrame({"record": codes.index.to_numpy(), "code": codes.to_numpy(dtype=object)})
