"""Delimited text files (CSV, TSV) in the three shapes coders export.

* **codes per unit**: a unit column and a codes column; several codes in one cell
  are split on the separator, or a unit may take several rows. The coder is the
  file's stem unless a coder column names it.
* **long**: the same with a coder column, one row per applied code; a row with an
  empty code means "coded, no code applies".
* **wide presence/absence**: a unit column and one column per code holding
  1/0, yes/no, true/false or x/blank.

Every column is read as the text of its cells (never parsed as numbers) and held
as a categorical (built by pandas' parser as it reads), so that trimming, splitting and checking run once per distinct
value rather than once per row. Ids and codes are text: ``007`` and ``7`` are two
units, ``01`` and ``1`` two codes, on every pandas version.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import replace
from typing import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..limits import MAX_FIELD_CHARS
from ..codings.options import ReadOptions
from .options import COLUMN_NAMES
from ..codings.names import canonical
from .rows import Rows, codesets_from_pieces, python_text, split_codes
from .text import read_utf8

PRESENT = frozenset({"1", "yes", "y", "true", "x", "✓", "✔"})
ABSENT = frozenset({"0", "no", "n", "false", ""})
DELIMITERS = ",;\t"
SNIFF_CHARS = 65536
"""Characters of a file looked at to choose its delimiter."""
SNIFF_ROWS = 100
"""Rows looked at to choose the delimiter."""

_DECLARED = re.compile(r"sep=(.)\r?\n")
"""The first line Excel writes to name a CSV file's delimiter, e.g. ``sep=;``."""


def read_delimited(
    path: Path, options: ReadOptions, data: bytes | None = None, done: Callable[[float], None] | None = None
) -> Rows:
    """Read one delimited file into rows of (unit, coder, codes, text, note).

    ``data``: the file's content as UTF-8 CSV, when it comes from elsewhere (a workbook's sheet).
    ``done``, when given, is told the share of the work done (0 to 1) as it advances,
    for a progress bar; the shares follow measured costs (200,000 units: loading and
    checking the bytes a third, parsing a fifth, splitting the code cells the rest).

    Raises
    ------
    InputError
        The file cannot be read as a table of codings; the message names the row or
        column and the fix.
    """
    told = done or (lambda share: None)
    data = read_utf8(path, options.encoding) if data is None else data
    told(0.35)
    skip = _leading_blank_lines(data)
    sample = data[: SNIFF_CHARS * 4].decode("utf-8", errors="ignore").lstrip()[:SNIFF_CHARS]
    declared = _DECLARED.match(sample)
    skip += 1 if declared else 0
    if declared:
        delimiter = declared.group(1)
    elif path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        delimiter = sniff_delimiter(sample)
    header, unnamed = _header(path, data, delimiter, skip)
    columns = find_columns(path, header, options)
    frame = _parse(path, data, delimiter, header, skip, lambda n: told(0.35 + 0.2 * n / max(1, len(data))))
    last_empty = _is_empty(frame[frame.columns[-1]])
    if last_empty.any():  # a short row leaves its last cell empty: else none is short
        check_short_rows(path, data, delimiter, len(header), skip, rows=len(frame))
    told(0.6)
    if len(data) > MAX_FIELD_CHARS:  # else no cell can be longer
        _check_field_lengths(path, frame, skip)

    blank = _blank_rows(frame, last_empty)
    kept = np.flatnonzero(~blank)
    if blank.any():
        frame = frame.iloc[kept]
    row_number = kept + 2 + skip

    def column(role: str):
        return None if columns[role] is None else frame[columns[role]].array

    if columns["code"]:
        shape = "long" if columns["coder"] else "codes per unit"
        codeset, codesets, code_spellings = _cell_codesets(frame[columns["code"]].array, options.code_sep)
    else:
        shape = "wide"
        codeset, codesets = _wide_codesets(path, frame, columns, header, unnamed, row_number)
        code_spellings = None  # column names: trimmed copies are refused as repeated columns
    told(0.95)
    coder = column("coder")
    if coder is None:
        coder = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), categories=[path.stem.strip()])
    used = [(role, columns[role]) for role in ("unit", "coder", "code", "text", "note") if columns[role]]
    if columns["coder"] is None:
        used.insert(1, ("coder", "file name"))
    if shape == "wide":
        used.insert(2, ("code", "one column per code (presence/absence)"))
    rows = Rows.from_codesets(
        source=str(path),
        shape=shape,
        rows_read=len(blank),
        blank_rows=int(blank.sum()),
        row_number=row_number,
        unit=column("unit"),
        coder=coder,
        text=column("text"),
        note=column("note"),
        codeset=codeset,
        codesets=codesets,
        coder_from_file_name=columns["coder"] is None,
        code_spellings=code_spellings,
    )
    return replace(rows, used=tuple(used))


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one whose columns the first rows keep.

    Each candidate splits the first rows (quotes respected); the winner is the one
    under which most rows have as many fields as the header, then the one giving
    the header most columns, then the first of ``DELIMITERS``. Comma when no
    candidate splits the header at all.

    >>> sniff_delimiter('unit;codes\\nS1;"a,b"\\nS2;c\\n'), sniff_delimiter("unit,codes\\nS1,a;b;c\\n")
    (';', ',')
    """
    sample = text[:SNIFF_CHARS]
    best, best_score = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        records = list(itertools.islice(reader, SNIFF_ROWS + 1))
        if len(text) > SNIFF_CHARS and len(records) > 1:
            records.pop()  # cut short by the sample's end
        records = [r for r in records if any(field.strip() for field in r)]
        if not records or len(records[0]) < 2:
            continue
        width, rows = len(records[0]), records[1:]
        fit = sum(len(r) == width for r in rows) / len(rows) if rows else 1.0
        if (fit, width) > best_score:
            best, best_score = delimiter, (fit, width)
    return best


def find_columns(path: Path, columns: list[str], options: ReadOptions) -> dict[str, str | None]:
    """Map each role (unit, coder, code, text, note) to a column of the file.

    Named columns must exist; others are detected from common names.
    """
    by_key = {column_key(c): c for c in reversed(columns)}
    found: dict[str, str | None] = {}
    for role, names in COLUMN_NAMES.items():
        named = options.named(role)
        if named is not None:
            match = named if named in columns else by_key.get(column_key(named))
            if match is None:
                raise InputError(
                    f"{path} has no column {named!r} (--{role}-col); its columns are: {_list(columns)}"
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


def column_key(column: str) -> str:
    """A column name as it is matched: case, spaces and hyphens do not matter.

    >>> column_key(" Unit ID"), column_key("coder-id")
    ('unit_id', 'coder_id')
    """
    return column.strip().lower().replace(" ", "_").replace("-", "_")


def _leading_blank_lines(data: bytes) -> int:
    """Empty lines before the header, which the row numbers must count."""
    leading = data[: len(data) - len(data.lstrip())]
    return leading.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n")


def _header(path: Path, data: bytes, delimiter: str, skip: int) -> tuple[list[str], frozenset[str]]:
    """The header's column names, trimmed, and which of them stand for unnamed columns (``(column N)``).

    Raises
    ------
    InputError
        No header row, or two columns with the same name.
    """
    try:
        # The first data row too: pandas drops the fields of rows wider than the header
        # when the first one is (a trailing delimiter on every row), so that is refused here.
        first = pd.read_csv(
            io.BytesIO(data), sep=delimiter, header=None, nrows=2, skiprows=skip, dtype=object,
            na_filter=False, engine="c", encoding="utf-8",
        )
    except pd.errors.ParserError as exc:
        if match := re.search(r"Expected (\d+) fields in line 2, saw", str(exc)):
            raise InputError(
                f"{path}: the rows have more fields than the header has columns ({match.group(1)}); "
                f"name every column in the header, or quote cells that contain '{_shown(delimiter)}'"
            ) from None
        raise InputError(
            f"{path} has no readable header row ({_first_line(exc)}); the first row must name the columns"
        ) from None
    except pd.errors.EmptyDataError as exc:
        raise InputError(
            f"{path} has no readable header row ({_first_line(exc)}); the first row must name the columns"
        ) from None
    written = [str(name).strip() for name in first.iloc[0]] if len(first) else []
    names = [name or f"(column {i + 1})" for i, name in enumerate(written)]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(
            f"{path}: column {repeated[0]!r} appears more than once in the header; rename or remove the copies"
        )
    return names, frozenset(name for name, given in zip(names, written) if not given)


def _parse(
    path: Path, data: bytes, delimiter: str, header: list[str], skip: int, parsed: Callable[[int], None] | None = None
) -> pd.DataFrame:
    """Every row of the file, each column a categorical of the cells' exact text, categories sorted.

    ``parsed``, when given, is told how many bytes the parser has read, block by block.

    pandas' parser builds the categoricals itself as it reads (sorted, as
    ``pd.factorize(..., sort=True)`` sorts), at a fraction of the cost of
    factorizing a column of strings afterwards. But pandas 3 turns categories
    that all read as numbers (or booleans) into numbers, and ``007`` and ``7``
    into one: such columns are read again as text and factorized.
    """
    source = io.BytesIO(data) if parsed is None else _TellingBytes(data, parsed)
    frame = _read_csv(path, source, delimiter, header, skip, "category")
    if len(frame) == 0:
        raise InputError(f"{path} has a header but no rows; export the coding again or leave the file out")
    inferred = [name for name in frame.columns if not _is_text(frame[name].cat.categories)]
    as_text = _read_csv(path, io.BytesIO(data), delimiter, header, skip, str, usecols=inferred) if inferred else {}
    return pd.DataFrame(
        {
            name: _categorical_text(as_text[name]) if name in inferred else _python_categories(frame[name])
            for name in frame.columns
        },
        index=frame.index,
    )


def _read_csv(path: Path, source, delimiter: str, header: list[str], skip: int, dtype, usecols=None) -> pd.DataFrame:
    """pandas' C parser on the file's bytes, every cell as text (no missing values), bad rows refused."""
    try:
        # A first row wider than the header was refused by _header.
        return pd.read_csv(
            source, sep=delimiter, header=0, names=header, index_col=False, skiprows=skip, usecols=usecols,
            dtype=dtype, na_filter=False, skip_blank_lines=False, low_memory=False,
            engine="c", encoding="utf-8",
        )
    except pd.errors.ParserError as exc:
        raise InputError(_parser_message(path, exc, delimiter, len(header), skip)) from None


def _is_text(categories: pd.Index) -> bool:
    """Whether the parser kept a categorical's categories as the cells' text (not numbers, booleans or dates)."""
    return pd.api.types.is_string_dtype(categories.dtype) and pd.api.types.infer_dtype(categories, skipna=False) in (
        "string",
        "empty",
    )


def _python_categories(column: pd.Series) -> pd.Series:
    """A categorical column whose categories are Python strings, as the readers read them.

    The column itself when they are already (pandas 2's object, pandas 3's ``str``
    without pyarrow): rebuilding it would check 200,000 categories again. Else
    (pyarrow's strings) they are converted once here, not by every reader.
    """
    if python_text(column.cat.categories):
        return column
    values = column.array
    categories = pd.Index(np.asarray(values.categories, dtype=object), dtype=object)
    return pd.Series(
        pd.Categorical.from_codes(values.codes, categories=categories, validate=False),
        index=column.index, name=column.name,
    )


def _categorical_text(column: pd.Series) -> pd.Series:
    """A column of cell texts as a categorical whose categories are those texts, sorted."""
    codes, texts = pd.factorize(column.to_numpy(dtype=object), sort=True)
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object), validate=False),
        index=column.index, name=column.name,
    )


def check_short_rows(path: Path, data: bytes, delimiter: str, width: int, skip: int, rows: int | None = None) -> None:
    """Refuse a row with fewer cells than the header has columns (blank rows aside).

    pandas fills the missing cells with "", so a row written with another
    delimiter (``U1,a`` in a file of ``unit;code``) would silently become a unit
    id ``U1,a`` with no code. Rows with more cells are refused by the parser.

    Parameters
    ----------
    data : bytes
        The file as UTF-8.
    skip : int
        Lines before the header.
    rows : int, optional
        Data rows the parser found (blank ones included). When the file holds just
        the delimiters of that many full rows, no row is short and the rows are not
        looked at one by one.

    Raises
    ------
    InputError
        Naming the file, the first short row and the likely cause.
    """
    if rows is not None and _every_row_full(data, delimiter, width, skip, rows):
        return
    counts = _cells_per_row(data, delimiter)
    if counts is None:
        return
    short = np.flatnonzero((counts > 0) & (counts < width))
    short = short[short > skip]  # the header and the lines before it are not rows of data
    if len(short):
        row = int(short[0])
        raise InputError(
            f"{path}, row {row + 1}: {counts[row]} cell{'s' if counts[row] != 1 else ''} where the header has {width} "
            f"columns; is the delimiter '{_shown(delimiter)}' used on every row? Write every row with the same "
            "delimiter, and an empty cell for each value it leaves out"
        )


def _every_row_full(data: bytes, delimiter: str, width: int, skip: int, rows: int) -> bool:
    """True when, after the header, the file holds exactly ``rows × (width - 1)`` delimiters.

    No row has more than ``width - 1`` (the parser refuses such rows), so then none
    has fewer: one count over the bytes instead of a pass per line. False, to look
    at every line, when cells may be quoted (a quoted cell may hold delimiters).
    """
    separator = delimiter.encode("utf-8")
    if b'"' in data or len(separator) != 1:
        return False
    header_end = re.match(rb"(?:[^\r\n]*(?:\r\n|\r|\n)){%d}" % (skip + 1), data)
    if header_end is None:
        return False
    after_header = np.frombuffer(data, dtype=np.uint8)[header_end.end() :]
    # numpy compares many bytes at a time; bytes.count looks at one at a time (a third of the time at 26 MB).
    return int(np.count_nonzero(after_header == separator[0])) == rows * (width - 1)


def _cells_per_row(data: bytes, delimiter: str) -> np.ndarray | None:
    """Cells in each row (line outside quotes), 0 for a blank row; None for a delimiter that is not one byte."""
    if len(delimiter.encode("utf-8")) != 1:
        return None
    if b'"' in data:
        # Quoted cells may hold delimiters and line breaks: the csv module knows the rules.
        text = io.StringIO(data.decode("utf-8"), newline="")
        return np.array(
            [len(row) if any(cell.strip() for cell in row) else 0 for row in csv.reader(text, delimiter=delimiter)],
            dtype=np.int64,
        )
    raw = np.frombuffer(data, dtype=np.uint8)
    newline, carriage = raw == ord("\n"), raw == ord("\r")
    ends = np.flatnonzero(newline | (carriage & ~np.append(newline[1:], False)))  # \n, \r\n or an old Mac's \r
    starts = np.concatenate([[0], ends + 1])
    cells = 1 + np.bincount(np.searchsorted(ends, np.flatnonzero(raw == ord(delimiter))), minlength=len(starts))
    # A row with any byte that is not white space is filled; each row's bytes, from its start, are OR-reduced.
    within = starts < len(raw)
    filled = np.zeros(len(starts), dtype=bool)
    if within.any():
        filled[within] = np.logical_or.reduceat(_NOT_WHITE[raw], starts[within])
    return np.where(filled, cells, 0)


_NOT_WHITE = np.ones(256, dtype=bool)
_NOT_WHITE[list(b" \t\r\n\x0b\x0c")] = False
"""Which byte values are not white space: a line of white space only is a blank row."""


class _TellingBytes(io.BytesIO):
    """Bytes that tell a callback how many the parser has read so far, block by block."""

    def __init__(self, data: bytes, parsed: Callable[[int], None]) -> None:
        super().__init__(data)
        self._parsed = parsed

    def read(self, size: int | None = -1) -> bytes:
        block = super().read(size)
        self._parsed(self.tell())
        return block


def _parser_message(path: Path, exc: Exception, delimiter: str, width: int, skip: int) -> str:
    text = str(exc)
    if match := re.search(r"EOF inside string starting at row (\d+)", text):
        return (
            f"{path}, row {int(match.group(1)) + 1 + skip}: a quoted cell is never closed (it opens with \" "
            "and the file ends before the closing \"); close the quote, or double a quote mark inside a cell (\"\")"
        )
    if match := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text):
        return (
            f"{path}, row {int(match.group(2)) + skip}: {match.group(3)} cells where the header has {width} columns; "
            f"quote cells that contain '{_shown(delimiter)}', or remove the extra delimiters"
        )
    return f"{path} is not a well-formed CSV file ({_first_line(exc)}); check quotes and delimiters"


def _check_field_lengths(path: Path, frame: pd.DataFrame, skip: int) -> None:
    """No cell may be longer than ``MAX_FIELD_CHARS``; checked on distinct values."""
    for name in frame.columns:
        values = frame[name].cat.categories.to_numpy(dtype=object)
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        if len(lengths) and lengths.max() > MAX_FIELD_CHARS:
            row = int(np.flatnonzero(frame[name].cat.codes.to_numpy() == lengths.argmax())[0]) + 2 + skip
            raise InputError(
                f"{path}, row {row}, column {name!r}: a cell of {lengths.max():,} characters, more than the "
                f"{MAX_FIELD_CHARS:,} a cell may have; this is usually a stray quote mark (\") that joined the "
                "rows after it into one cell: check the quotes in and before this row"
            )


def _blank_rows(frame: pd.DataFrame, last_empty: np.ndarray) -> np.ndarray:
    """Which rows have every cell empty, given which have the last column empty.

    The other columns are looked at from the one with the fewest distinct values, and
    only while some row is still empty in all those seen: usually a column of codes or
    coders ends it before the unit ids (one value per unit) need to be read.
    """
    blank = last_empty
    others = sorted(frame.columns[:-1], key=lambda c: len(frame[c].cat.categories))
    for column in others:
        if not blank.any():
            break
        blank = blank & _is_empty(frame[column])
    return blank


def _is_empty(column: pd.Series) -> np.ndarray:
    """Which cells of a categorical column are empty or white space."""
    categories = column.cat.categories
    # "".isspace() is False: empty or white space only.
    blank = np.fromiter(map(str.isspace, categories), dtype=bool, count=len(categories)) | (categories == "")
    codes = column.cat.codes.to_numpy()
    return blank[codes] if blank.any() else np.zeros(len(codes), dtype=bool)  # no empty value: no lookup per row


def _cell_codesets(
    cells: pd.Categorical, code_sep: str
) -> tuple[np.ndarray, tuple[tuple[str, ...], ...], pd.DataFrame]:
    """Each row's codes: every distinct cell is split once on the separator.

    Returns
    -------
    codeset : ndarray of int64, shape (n_rows,)
    codesets : tuple of tuple of str
        See :func:`codesets_from_pieces`.
    spellings : DataFrame
        Columns ``value`` and ``raw``: every spelling of the codes that a cell
        wrote with surrounding spaces (``"Cost "``) or in another Unicode form
        than NFC, to report when that made two spellings one. Spaces around a
        separator (``"a; b"``) are layout and not reported.
    """
    distinct = np.asarray(cells.categories, dtype=object)
    pieces = split_codes(pd.Series(distinct), code_sep)
    cell_codeset, codesets = codesets_from_pieces(
        len(distinct), pieces["record"].to_numpy(dtype=np.int64), pieces["code"].to_numpy(dtype=object)
    )
    respelled, spellings = set(), []
    for i, cell in enumerate(distinct):
        parts = cell.split(code_sep) if code_sep and code_sep in cell else [cell]
        for part in parts:
            written = part if len(parts) == 1 else part.strip()  # spaces around a separator are layout
            value = canonical(part)
            if value and written != value:
                respelled.add(i)
                spellings.append((value, written))
    plain = {code for i, s in enumerate(cell_codeset) if i not in respelled for code in codesets[s]}
    spellings += [(value, value) for value in sorted({value for value, _ in spellings} & plain)]
    frame = pd.DataFrame(spellings, columns=["value", "raw"], dtype=object)
    return cell_codeset[np.asarray(cells.codes, dtype=np.int64)], codesets, frame


def _wide_codesets(
    path: Path,
    frame: pd.DataFrame,
    columns: dict[str, str | None],
    header: list[str],
    unnamed: frozenset[str],
    row_number: np.ndarray,
) -> tuple[np.ndarray, tuple[tuple[str, ...], ...]]:
    """Each row's codes: the presence/absence columns (one per code) that say present."""
    taken = {c for c in columns.values() if c}
    code_columns = []
    for position, name in enumerate(header):
        if name in taken:
            continue
        if name in unnamed:
            if _is_empty(frame[name]).all():
                continue  # spreadsheets often add empty, unnamed columns
            raise InputError(
                f"{path}: column {position + 1} has no name in the header but holds values; "
                "name it (a code) or delete it"
            )
        code_columns.append(name)
    if not code_columns:
        raise InputError(
            f"{path} has no code column (looked for code, codes, category, label) and no presence/absence "
            f"columns; its columns are: {_list(header)}; name the code column with --code-col"
        )
    present = np.zeros((len(frame), len(code_columns)), dtype=bool)
    for j, name in enumerate(code_columns):
        values = [v.strip().lower() for v in frame[name].cat.categories]
        is_present = np.array([v in PRESENT for v in values], dtype=bool)
        is_known = is_present | np.array([v in ABSENT for v in values], dtype=bool)
        codes = frame[name].cat.codes.to_numpy()
        if not is_known[codes].all():
            row = int(np.flatnonzero(~is_known[codes])[0])
            raise InputError(
                f"{path}, row {row_number[row]}, column {name!r}: "
                f"{frame[name].iloc[row]!r} is not a presence value; "
                "use 1/0, yes/no, true/false or x/blank (or name the code column with --code-col)"
            )
        present[:, j] = is_present[codes]
    record, column = np.nonzero(present)
    return codesets_from_pieces(len(frame), record, np.array(code_columns, dtype=object)[column])


def _shown(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else delimiter


def _list(columns: list[str]) -> str:
    """Column names for a message, quoted so that odd characters show (``'a\\nb'``)."""
    return ", ".join(repr(c) for c in columns) or "(none)"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
