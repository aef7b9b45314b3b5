"""Excel workbooks (``.xlsx``) that QDA programs export, read through pandas and openpyxl.

openpyxl (a core dependency) is imported only when a workbook is read. The first sheet is read; its first row is the header.
The shapes are those of :mod:`.qda` (QualCoder, Dedoose, MAXQDA, span files).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..codings.options import ReadOptions
from ..errors import InputError
from .qda import Table, detect_shape, read_export, table_from_frame
from .rows import Rows
from .spans import SpanTable


def read_workbook(path: Path, options: ReadOptions) -> tuple[Rows | SpanTable, list[str]]:
    """Read the first sheet of a workbook exported by a QDA program.

    Raises
    ------
    InputError
        The file is not a workbook, its first sheet is empty, or the sheet is not
        a QDA export (other tables are read from CSV).
    """
    table, notices = workbook_table(path)
    shape = detect_shape(list(table.frame.columns))
    if shape is None:
        columns = ", ".join(f"'{c}'" for c in table.frame.columns)
        raise InputError(
            f"{path}: the first sheet is not an export of QualCoder, Dedoose or MAXQDA, nor a span file "
            f"(document, start, end, code); its columns are: {columns}; "
            "save other tables as CSV (UTF-8) and give that file"
        )
    result, more = read_export(table, shape, options)
    return result, notices + more


def workbook_table(path: Path) -> tuple[Table, list[str]]:
    """The first sheet as a :class:`Table` of str cells, and a notice when other sheets were left out."""
    import pandas as pd
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = book.sheet_names
            # A text cell ("007") stays as written; a number cell becomes the text of its value.
            frame = pd.read_excel(book, sheet_name=names[0], dtype=str, keep_default_na=False, na_filter=False)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError):
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
