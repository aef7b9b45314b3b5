"""Tables that QDA programs export, told apart by their columns.

Column names are compared ignoring case, and spaces and hyphens count as
underscores (``File Name`` is ``file_name``). In order of precedence:

QualCoder, "codes by segments" (``fileid, file name, pos0, pos1, text``, one 0/1 column per code)
    One file per coder (the file name is the coder). ``pos0``/``pos1`` count
    characters from 0, end exclusive. Spans.
Dedoose, excerpts (``Media Title, Excerpt Range, Excerpt Creator, Excerpt Copy``, ``Code: <name> Applied`` columns)
    Each excerpt is a unit (document + range), coded by its creator; a coder
    who made excerpts in the same media has no code on the others' (an
    omission); with ``--units`` the ranges are read as character spans instead.
MAXQDA, coded segments (``Document name, Code, Begin, End, Segment``, the coder in ``Created by``)
    For text documents MAXQDA's Begin and End are *paragraph numbers* (its
    "position" of a segment), not characters: spans of paragraphs, counted from
    1, End included. Rows whose Begin/End are not whole numbers (images, media)
    are set aside.
Span file (``document, start, end, code, coder``)
    Characters from 0, end exclusive; several codes in one cell are split on
    ``--code-sep``; an empty code marks a span its coder found no code for.
Coded text without positions (``document, code, coded text``, no unit column)
    QualCoder's plain coded-text export: units are matched by document and
    *identical* coded text, so a passage two coders selected differently makes
    two units; a coder who coded the document has no code on the other's.
Taguette highlights (``id, document, tag, content``)
    Read by :mod:`.taguette`: the same, never by Taguette's per-file ``id``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np
import pandas as pd

from ..errors import InputError
from ..files import peek_regular
from ..limits import MAX_SPAN_POSITION
from .build import BLANK, NO_CODER
from .delimited import ABSENT, PRESENT, check_short_rows, column_key, sniff_delimiter
from ..codings.options import ReadOptions
from .options import COLUMN_NAMES
from .rows import Rows, split_codes
from .taguette import is_highlight_table, read_highlight_table
from .sources import is_codebook, refuse_codebook
from .text import read_text

if TYPE_CHECKING:  # the span machinery loads only when a file holds spans
    from .spans import SpanTable

DOCUMENT_NAMES = ("document", "document_name", "doc", "file", "file_name", "filename", "source", "source_name")
START_NAMES = ("start", "begin", "start_position", "startposition", "from", "pos0")
END_NAMES = ("end", "stop", "end_position", "endposition", "to", "pos1")
CODER_NAMES = (*COLUMN_NAMES["coder"], "created_by", "author", "creator", "owner")
CODE_NAMES = (*COLUMN_NAMES["code"], "codename", "code_name")
TEXT_NAMES = (*COLUMN_NAMES["text"], "coded_text", "seltext", "segment", "quote", "selection")
CODED_TEXT_NAMES = tuple(name for name in TEXT_NAMES if name not in COLUMN_NAMES["unit"])
"""Column names recognised in span files, in order of preference (keys as made by ``column_key``)."""

DEDOOSE_CODE = re.compile(r"^\s*code\s*:\s*(.*?)\s*applied\s*$", re.IGNORECASE)
"""A Dedoose code column: 'Code: Access Applied' → 'Access'."""

RANGE = re.compile(r"^\s*(\d+)\s*[-–]\s*(\d+)\s*$", re.ASCII)
"""A Dedoose excerpt range: '120-245'."""

NO_DOCUMENT = "no document name"
NOT_WHOLE = "start or end is not a whole number of characters (from 0 to 2^40)"
NOT_AFTER = "end is not after start"
NOT_PARAGRAPH = "Begin or End is not a paragraph number (not a text document)"
END_BEFORE_BEGIN = "End is before Begin"
BAD_RANGE = "excerpt range is not 'start-end' in characters"
NO_TEXT = "no coded text (a highlight without positions is known only by its text)"
"""Reasons for rows set aside, as the report shows them."""


@dataclass(frozen=True)
class Table:
    """A table read from a CSV file or a workbook sheet, blank rows set aside.

    Attributes
    ----------
    source : Path
    frame : DataFrame
        The non-blank rows; every cell a str, column names stripped.
    row_number : ndarray of int
        Each row's number in the file (the header is row 1).
    rows_read : int
        Data rows, blank ones included.
    blank_rows : int
    """

    source: Path
    frame: pd.DataFrame
    row_number: np.ndarray
    rows_read: int
    blank_rows: int

    def column(self, names: tuple[str, ...], named: str | None = None, role: str = "") -> str | None:
        """The first column whose key is one of ``names``; or the column the user named (which must exist)."""
        by_key = {column_key(c): c for c in reversed(list(self.frame.columns))}
        if named is not None:
            found = named if named in self.frame.columns else by_key.get(column_key(named))
            if found is None:
                columns = ", ".join(f"'{c}'" for c in self.frame.columns)
                raise InputError(f"{self.source} has no column '{named}' (--{role}-col); its columns are: {columns}")
            return found
        return next((by_key[n] for n in names if n in by_key), None)

    def cells(self, column: str) -> pd.Series:
        return self.frame[column].str.strip()


def table_from_frame(source: Path, frame: pd.DataFrame) -> Table:
    """A :class:`Table` from a parsed frame of str cells: names stripped, blank rows counted."""
    frame = frame.set_axis([str(c).strip() for c in frame.columns], axis=1)
    if len(frame) == 0:
        raise InputError(f"{source} has a header but no rows; export the coding again or leave the file out")
    blank = (frame.apply(lambda s: s.str.strip()) == "").all(axis=1).to_numpy()
    row_number = np.arange(2, len(frame) + 2)[~blank]
    return Table(source, frame.loc[~blank].reset_index(drop=True), row_number, len(frame), int(blank.sum()))


def csv_table(path: Path, options: ReadOptions) -> Table:
    """Read a delimited file into a :class:`Table`."""
    text = read_text(path, options.encoding)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False
        )
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise InputError(f"{path} is not a well-formed CSV file ({detail}); check quotes and delimiters") from None
    # A short row leaves its last cell empty; a codebook among the inputs is refused whole, not by its rows.
    if len(frame.columns) and not is_codebook(list(frame.columns)) and (frame.iloc[:, -1].str.strip() == "").any():
        check_short_rows(path, text.encode("utf-8"), delimiter, len(frame.columns), 0, rows=len(frame))
    return table_from_frame(path, frame)


def sniff_shape(path: Path, options: ReadOptions) -> str | None:
    """The QDA shape a delimited file's header shows, from its first 64 KiB; None for other tables."""
    if options.unit_col is not None:
        return None
    sample = peek_regular(path, 65536)
    if sample is None:
        return None  # the table reader names the problem with the file
    text = _decode_sample(sample, options.encoding)
    if text is None:
        return None
    delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(text)
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return None  # not a well-formed table: the table reader says what is wrong with it
    return detect_shape(header)


def _decode_sample(sample: bytes, encoding: str | None) -> str | None:
    """The sample as text for a look at the header; None if it cannot be text in this encoding."""
    try:
        if encoding is not None:
            return sample.decode(encoding, errors="replace")
    except (LookupError, UnicodeError):
        return None  # the table reader reports the unknown encoding, or the bytes it cannot decode
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return sample.decode("utf-16", errors="replace")
    return sample.decode("utf-8-sig", errors="replace")


def detect_shape(columns: list[str]) -> str | None:
    """Which QDA export a header belongs to (a key of ``READERS``), or None.

    >>> detect_shape(["fileid", "file name", "pos0", "pos1", "text", "Access"])
    'qualcoder'
    >>> detect_shape(["Document name", "Code", "Begin", "End", "Segment"])
    'maxqda'
    >>> detect_shape(["document", "code", "coded text"])
    'coded-text'
    >>> detect_shape(["segment", "document", "code", "text"]) is None  # a unit id column: a unit-id table
    True
    """
    keys = {column_key(str(c)) for c in columns}
    if is_highlight_table(columns):
        return "taguette"
    if is_codebook(columns):
        return "codebook"

    def has(names: tuple[str, ...]) -> bool:
        return not keys.isdisjoint(names)

    if {"pos0", "pos1"} <= keys and has(("file_name", "fileid")):
        return "qualcoder"
    if {"media_title", "excerpt_range"} <= keys:
        return "dedoose"
    if {"document_name", "code", "begin", "end"} <= keys:
        return "maxqda"
    if has(DOCUMENT_NAMES) and has(START_NAMES) and has(END_NAMES):
        return "spans"
    if has(DOCUMENT_NAMES) and has(CODE_NAMES) and has(CODED_TEXT_NAMES) and not has(COLUMN_NAMES["unit"]):
        return "coded-text"
    return None


def read_export(table: Table, shape: str, options: ReadOptions) -> tuple[Rows | SpanTable, list[str]]:
    """Read a table in one of the QDA shapes.

    Returns
    -------
    Rows or SpanTable
        Rows for exports whose units are given (Dedoose excerpts, coded text);
        a SpanTable for exports of coded spans, which become units in :mod:`.spans`.
    list of str
        Notices on what reading it means for the figures.
    """
    try:
        reader = READERS[shape]
    except KeyError:
        raise InputError(f"{table.source}: unknown export shape '{shape}'") from None
    return reader(table, options)


# --- the shapes ---------------------------------------------------------------------------------


def _qualcoder(table: Table, options: ReadOptions) -> tuple[SpanTable, list[str]]:
    """QualCoder's codes-by-segments table: one row per coded segment, one 0/1 column per code."""
    document = table.column(("file_name",)) or table.column(("fileid",))
    start, end = table.column(("pos0",)), table.column(("pos1",))
    text = table.column(("text",), options.text_col, "text")
    coder = table.column(CODER_NAMES, options.coder_col, "coder")
    known = {table.column((name,)) for name in ("caseid", "case_name", "fileid", "file_name", "pos0", "pos1")}
    code_columns = [c for c in table.frame.columns if c not in known | {text, coder}]
    if not code_columns:
        raise InputError(
            f"{table.source} looks like QualCoder's codes-by-segments export but has no code columns; "
            "export the report with the codes selected"
        )
    present = _presence(table, code_columns)
    coders = table.cells(coder) if coder else pd.Series(table.source.stem, index=table.frame.index)
    return _span_table(
        table,
        "QualCoder codes by segments",
        document=table.cells(document),
        coder=coders,
        start=table.cells(start),
        end=table.cells(end),
        codes=_pieces_from_presence(present, code_columns),
        text=table.frame[text] if text else None,
        coder_from_file_name=coder is None,
        used=_used(f"{document} + {start}/{end}", coder, "one 0/1 column per code", text),
    )


def _dedoose(table: Table, options: ReadOptions) -> tuple[SpanTable, list[str]]:
    """Dedoose's excerpt export: each excerpt a unit (document and range), or with ``--units`` a span."""
    media, excerpt_range = table.column(("media_title",)), table.column(("excerpt_range",))
    coder = table.column(("excerpt_creator",) + CODER_NAMES, options.coder_col, "coder")
    text = table.column(("excerpt_copy",), options.text_col, "text")
    note = table.column(("excerpt_memo", *COLUMN_NAMES["note"]), options.note_col, "note")
    code_columns = [c for c in table.frame.columns if DEDOOSE_CODE.match(c)]
    if code_columns:
        names = [DEDOOSE_CODE.match(c).group(1) for c in code_columns]
        pieces = _pieces_from_presence(_presence(table, code_columns), names)
    else:
        combined = table.column(("codes_applied_combined",))
        if combined is None:
            raise InputError(
                f"{table.source} looks like a Dedoose excerpt export but has no 'Code: … Applied' columns and no "
                "'Codes Applied Combined' column; export the excerpts with their codes"
            )
        pieces = split_codes(table.frame[combined], options.code_sep)
    coders = table.cells(coder) if coder else pd.Series(table.source.stem, index=table.frame.index)
    code_used = ", ".join(code_columns) if code_columns else "Codes Applied Combined"
    bounds = table.cells(excerpt_range).str.extract(RANGE)
    span_table, notices = _span_table(
        table,
        "Dedoose excerpts",
        document=table.cells(media),
        coder=coders,
        start=bounds[0].fillna(""),
        end=bounds[1].fillna(""),
        codes=pieces,
        text=table.frame[text] if text else None,
        note=table.cells(note) if note else None,
        coder_from_file_name=coder is None,
        used=_used(f"{media} + {excerpt_range}", coder, code_used, text),
        bad_number=BAD_RANGE,
    )
    return replace(span_table, default_units="excerpts"), notices


def _maxqda(table: Table, options: ReadOptions) -> tuple[SpanTable, list[str]]:
    """MAXQDA's coded segments: Begin and End are paragraph numbers (from 1, End included)."""
    document, code = table.column(("document_name",)), table.column(("code",), options.code_col, "code")
    begin, end = table.column(("begin",)), table.column(("end",))
    coder = table.column(("created_by", "author", *COLUMN_NAMES["coder"], "modified_by"), options.coder_col, "coder")
    text = table.column(("segment", "preview"), options.text_col, "text")
    note = table.column(("comment", *COLUMN_NAMES["note"]), options.note_col, "note")
    coders = table.cells(coder) if coder else pd.Series(table.source.stem, index=table.frame.index)
    return _span_table(
        table,
        "MAXQDA coded segments (positions are paragraphs)",
        document=table.cells(document),
        coder=coders,
        start=table.cells(begin),
        end=table.cells(end),
        codes=pd.DataFrame({"record": np.arange(len(table.frame)), "code": table.cells(code).to_numpy(dtype=object)}),
        text=table.frame[text] if text else None,
        note=table.cells(note) if note else None,
        coder_from_file_name=coder is None,
        used=_used(f"{document} + {begin}/{end} (paragraphs)", coder, code, text),
        positions="paragraphs",
        end_included=True,
        bad_number=NOT_PARAGRAPH,
        bad_order=END_BEFORE_BEGIN,
    )


def _span_file(table: Table, options: ReadOptions) -> tuple[SpanTable, list[str]]:
    """A generic span file: document, start, end, code(s), coder."""
    document = table.column(DOCUMENT_NAMES)
    start, end = table.column(START_NAMES), table.column(END_NAMES)
    code = table.column(CODE_NAMES, options.code_col, "code")
    coder = table.column(CODER_NAMES, options.coder_col, "coder")
    text = table.column(TEXT_NAMES, options.text_col, "text")
    note = table.column(COLUMN_NAMES["note"], options.note_col, "note")
    if code is None:
        raise InputError(
            f"{table.source} has document, start and end columns but no code column (looked for "
            f"{', '.join(CODE_NAMES[:4])}); name it with --code-col"
        )
    coders = table.cells(coder) if coder else pd.Series(table.source.stem, index=table.frame.index)
    return _span_table(
        table,
        "span file (document, start, end, code)",
        document=table.cells(document),
        coder=coders,
        start=table.cells(start),
        end=table.cells(end),
        codes=split_codes(table.frame[code], options.code_sep),
        text=table.frame[text] if text else None,
        note=table.cells(note) if note else None,
        coder_from_file_name=coder is None,
        used=_used(f"{document} + {start}/{end}", coder, code, text),
    )


def _coded_text(table: Table, options: ReadOptions) -> tuple[SpanTable, list[str]]:
    """Coded text without positions: highlights known by document and text (a unit is a document and one text)."""
    from .spans import SpanTable, span_frame

    document, code = table.column(DOCUMENT_NAMES), table.column(CODE_NAMES, options.code_col, "code")
    coder = table.column(CODER_NAMES, options.coder_col, "coder")
    text = table.column(CODED_TEXT_NAMES, options.text_col, "text")
    note = table.column(COLUMN_NAMES["note"], options.note_col, "note")
    coders = table.cells(coder) if coder else pd.Series(table.source.stem, index=table.frame.index)
    documents, passages = table.cells(document), table.frame[text].str.split().str.join(" ")
    no_document = documents.to_numpy(dtype=object) == ""
    no_coder = (coders.to_numpy(dtype=object) == "") & ~no_document
    no_text = (passages.to_numpy(dtype=object) == "") & ~no_document & ~no_coder
    keep = ~(no_document | no_coder | no_text)
    pieces = split_codes(table.frame[code], options.code_sep)
    record = pieces["record"].to_numpy()
    used = keep[record]
    record = record[used]
    zeros = np.zeros(len(record), dtype=np.int64)
    spans = span_frame(
        document=documents.to_numpy(dtype=object)[record],
        coder=coders.to_numpy(dtype=object)[record],
        start=zeros,
        end=zeros,
        code=pieces["code"].to_numpy(dtype=object)[used],
        text=passages.to_numpy(dtype=object)[record],
        note=table.cells(note).to_numpy(dtype=object)[record] if note else None,
    )
    ignored = {BLANK: table.blank_rows, NO_DOCUMENT: int(no_document.sum()), NO_CODER: int(no_coder.sum()),
               NO_TEXT: int(no_text.sum())}
    span_table = SpanTable(
        source=str(table.source),
        shape="coded text without positions (a unit is a document and one exact coded text)",
        rows_read=table.rows_read,
        spans=spans,
        ignored={reason: n for reason, n in ignored.items() if n},
        positions="text",
        default_units="passages",
        coder_from_file_name=coder is None,
        used=_used(f"{document} + {text} (exact text)", coder, code, text),
    )
    notice = (
        f"{table.source} gives coded text without positions: units are matched by document and identical "
        "coded text, so a passage two coders selected even slightly differently is two units, each an omission "
        "of the other coder; export codes by segments (with positions) for --units segments"
    )
    return span_table, [notice]


# --- shared -------------------------------------------------------------------------------------


def _presence(table: Table, columns: list[str]) -> np.ndarray:
    """The 0/1 (true/false, yes/no) cells of code columns as booleans; anything else is an error."""
    values = table.frame[columns].apply(lambda s: s.str.strip().str.lower().str.replace(r"\.0$", "", regex=True))
    present = values.isin(PRESENT).to_numpy()
    bad = ~(present | values.isin(ABSENT).to_numpy())
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InputError(
            f"{table.source}, row {table.row_number[row]}, column '{columns[col]}': "
            f"'{table.frame[columns[col]].iloc[row]}' is not a presence value; use 1/0 or true/false"
        )
    return present


def _pieces_from_presence(present: np.ndarray, codes: list[str]) -> pd.DataFrame:
    """One piece per present cell; a row with none gets one empty piece (coded, no code)."""
    record, column = np.nonzero(present)
    uncoded = np.flatnonzero(~present.any(axis=1))
    pieces = pd.DataFrame(
        {
            "record": np.concatenate([record, uncoded]),
            "code": np.concatenate([np.array(codes, dtype=object)[column], np.full(len(uncoded), "", dtype=object)]),
        }
    )
    return pieces.sort_values("record", kind="stable", ignore_index=True)


def _used(unit: str, coder: str | None, code: str, text: str | None) -> tuple[tuple[str, str], ...]:
    """What a shape took each role from, for the report's input section (no coder column: the file name)."""
    used = [("unit", unit), ("coder", coder or "file name"), ("code", code)]
    return tuple(used + ([("text", text)] if text else []))


def _whole_numbers(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cells as int64, and which of them hold a whole number from 0 to ``MAX_SPAN_POSITION``.

    Larger numbers (``5e18``, thousands of digits) are no position in any text
    and would overflow the arithmetic on positions.

    >>> _whole_numbers(pd.Series(["3", "4.0", "x", "-1", "2.5", "5e18", "9" * 5000]))
    (array([3, 4, 0, 0, 0, 0, 0]), array([ True,  True, False, False, False, False, False]))
    """
    number = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(number) & (number >= 0) & (number <= MAX_SPAN_POSITION) & (np.floor(number) == number)
    return np.where(whole, number, 0).astype(np.int64), whole


def _span_table(
    table: Table,
    shape: str,
    *,
    document: pd.Series,
    coder: pd.Series,
    start: pd.Series,
    end: pd.Series,
    codes: pd.DataFrame,
    text: pd.Series | None = None,
    note: pd.Series | None = None,
    coder_from_file_name: bool,
    positions: str = "characters",
    end_included: bool = False,
    bad_number: str = NOT_WHOLE,
    bad_order: str = NOT_AFTER,
    used: tuple[tuple[str, str], ...] = (),
) -> tuple[SpanTable, list[str]]:
    """Spans from aligned per-row columns and the codes (pieces) of each row; bad rows set aside.

    ``end_included``: the end column names the last position (MAXQDA's End), not the one after it.
    """
    from .spans import SpanTable, span_frame

    first, first_ok = _whole_numbers(start)
    last, last_ok = _whole_numbers(end)
    last = last + end_included
    no_document = document.to_numpy(dtype=object) == ""
    no_coder = (coder.to_numpy(dtype=object) == "") & ~no_document
    named = ~no_document & ~no_coder
    numbers = named & first_ok & last_ok
    ordered = numbers & (last > first)
    ignored = {
        BLANK: table.blank_rows,
        NO_DOCUMENT: int(no_document.sum()),
        NO_CODER: int(no_coder.sum()),
        bad_number: int((named & ~numbers).sum()),
        bad_order: int((numbers & ~ordered).sum()),
    }
    record = codes["record"].to_numpy()
    keep = ordered[record]
    record = record[keep]
    spans = span_frame(
        document=document.to_numpy(dtype=object)[record],
        coder=coder.to_numpy(dtype=object)[record],
        start=first[record],
        end=last[record],
        code=codes["code"].to_numpy(dtype=object)[keep],
        text=None if text is None else text.to_numpy(dtype=object)[record],
        note=None if note is None else note.to_numpy(dtype=object)[record],
    )
    span_table = SpanTable(
        source=str(table.source),
        shape=shape,
        rows_read=table.rows_read,
        spans=spans,
        ignored={reason: n for reason, n in ignored.items() if n},
        positions=positions,
        default_units="paragraphs" if positions == "paragraphs" else "segments",
        coder_from_file_name=coder_from_file_name,
        used=used,
    )
    return span_table, []


def _taguette(table: Table, options: ReadOptions) -> tuple[SpanTable, list[str]]:
    """Taguette's highlight table of one coder, read as coded text without positions."""
    return read_highlight_table(table, options, _coded_text)


READERS: dict[str, Callable[[Table, ReadOptions], tuple[Rows | SpanTable, list[str]]]] = {
    "qualcoder": _qualcoder,
    "dedoose": _dedoose,
    "maxqda": _maxqda,
    "spans": _span_file,
    "coded-text": _coded_text,
    "taguette": _taguette,
    "codebook": refuse_codebook,
}
"""Shape (from :func:`detect_shape`) → reader."""
