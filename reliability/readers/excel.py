"""Excel workbooks (``.xlsx``) that QDA programs export, read through pandas and openpyxl.

openpyxl (a core dependency) is imported only when a workbook is read. The first
sheet is read; its first row is the header. The shapes are those of :mod:`.qda`
(QualCoder, Dedoose, MAXQDA, Taguette, span files); any other sheet is read as the
same table saved as CSV would be.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

from ..codings.options import ReadOptions
from ..errors import InputError
from ..files import SafeZip, read_regular
from .delimited import read_delimited
from .qda import Table, detect_shape, read_export, table_from_frame
from .rows import Rows
from .spans import SpanTable
from .taguette import refuse_id_as_unit

WORKBOOK_FIX = "export it again, or save it as CSV and give that file"
"""The advice for a damaged or refused workbook."""


def read_workbook(path: Path, options: ReadOptions) -> tuple[Rows | SpanTable, list[str]]:
    """Read the first sheet of a workbook: a QDA program's export, or any table a CSV file could hold.

    A sheet that is no QDA export (or any sheet, once ``--unit-col`` names the unit
    column) is read exactly as the same table saved as CSV would be.

    Raises
    ------
    InputError
        The file is not a workbook, its first sheet is empty, or the sheet cannot be
        read as a table of codings (the message is the one for the same CSV).
    """
    table, notices = workbook_table(path)
    shape = detect_shape(list(table.frame.columns))
    if shape == "taguette":
        refuse_id_as_unit(path, options)
    if shape is None or (options.unit_col is not None and shape != "codebook"):
        return read_delimited(path, replace(options, encoding=None), data=_as_csv(table)), notices
    result, more = read_export(table, shape, options)
    return result, notices + more


def _as_csv(table: Table) -> bytes:
    """The sheet as UTF-8 CSV, blank rows back in their places, so row numbers match the sheet's."""
    import pandas as pd

    full = pd.DataFrame("", index=range(table.rows_read), columns=table.frame.columns)
    full.iloc[table.row_number - 2] = table.frame.to_numpy()
    buffer = io.StringIO()
    full.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def workbook_table(path: Path, data: bytes | None = None) -> tuple[Table, list[str]]:
    """The first sheet as a :class:`Table` of str cells, and a notice when other sheets were left out.

    ``data`` is the file when the caller has read it already (within the size cap); by default it is read here.
    """
    import pandas as pd
    from openpyxl.utils.exceptions import InvalidFileException

    # Checked within the zip limits before openpyxl unpacks it (from memory: a pipe is never opened twice).
    workbook = SafeZip(read_regular(path) if data is None else data, str(path), WORKBOOK_FIX, "an Excel workbook (.xlsx)").verified()
    try:
        with pd.ExcelFile(workbook, engine="openpyxl") as book:
            names = book.sheet_names
            # A text cell ("007") stays as written; a number cell becomes the text of its value.
            frame = pd.read_excel(book, sheet_name=names[0], dtype=str, keep_default_na=False, na_filter=False)
    # What openpyxl raises on a zip that is not a well-formed workbook (its XML is parsed with defusedxml).
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, IndexError, SyntaxError):
        raise InputError(
            f"{path} is not an Excel workbook (.xlsx); export it again, or save it as CSV and give that file"
        ) from None
    if frame.columns.empty:
        raise InputError(f"{path}: the first sheet ('{names[0]}') is empty; put the export on the first sheet")
    notices = []
    if len(names) > 1:
        others = ", ".join(f"'{n}'" for n in names[1:])
        notices.append(f"{path}: read the first sheet '{names[0]}' only; the others ({others}) were not read")
    return table_from_frame(path, frame), notices
