"""Taguette's exports: highlight tables, project files and codebooks.

Taguette (https://www.taguette.org) keeps no coder on a highlight, so a team gives
each coder their own copy of the project and compares the copies' exports, one
per coder; the file name names the coder.

Highlight tables (CSV or Excel, columns ``id, document, tag, content``)
    One row per highlight and tag. ``content`` is the highlighted text, so a unit
    is (document, exact text), read as coded text without positions (with the
    omission rule of :mod:`.span_units`). ``id`` numbers the highlights of each copy of the project from 1, so the
    same number in two coders' files is two unrelated passages: it is never a unit.
Project files (``.sqlite3``, Project info → Export project)
    The only export with positions. ``documents.contents`` holds each document as
    HTML and ``highlights.start_offset``/``end_offset`` count UTF-8 bytes of the
    HTML's text, tags not counted. The reader turns them into character positions
    in the document's plain text (the HTML's text with a line break where a
    paragraph, list item, heading or table row ends), so every ``--units`` mode
    works. The file is opened read-only.
Codebooks (``codebook.csv``/``.xlsx``: ``tag, description, number of highlights, number of documents``)
    Read by :mod:`.codebook` (``tag`` is a code column, ``description`` the
    definition); a codebook found among coders' files is set aside with a notice.
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, UsageError
from .delimited import column_key
from ..codings.options import ReadOptions

HIGHLIGHT_COLUMNS = ("id", "document", "tag", "content")
"""The header of Taguette's highlight export, in order."""

PROJECT_TABLES = frozenset({"documents", "highlights", "highlight_tags", "tags"})

BLOCK_TAGS = frozenset(
    {"p", "br", "div", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "caption",
     "table", "ul", "ol", "dl"}
)
"""HTML elements that end a line of the plain text."""

PAST_END = "highlight ends past the end of its document"
NOT_AFTER = "highlight ends before it starts"


def is_highlight_table(columns: list[str]) -> bool:
    """True for the header of Taguette's highlight export.

    >>> is_highlight_table(["id", "document", "tag", "content"]), is_highlight_table(["id", "tag"])
    (True, False)
    """
    return tuple(column_key(str(c)) for c in columns) == HIGHLIGHT_COLUMNS


def read_highlight_table(table, options: ReadOptions, read_coded_text):
    """One coder's highlight export (a :class:`.qda.Table`): unit = document + highlighted text.

    Read by ``read_coded_text``, the reader of coded text without positions that
    :mod:`.qda` passes in (this module stays below it), so the omission rule of
    :mod:`.span_units` holds: a coder who highlighted in a document has no code on
    another coder's highlight there.
    """
    document = table.column(("document",))
    tag = table.column(("tag",), options.code_col, "code")
    content = table.column(("content",), options.text_col, "text")
    frame = pd.DataFrame({"document": table.frame[document], "code": table.frame[tag], "coded text": table.frame[content]})
    coded_text = replace(options, coder_col=None, code_col=None, text_col=None, note_col=None, code_sep="")
    spans, _ = read_coded_text(replace(table, frame=frame), coded_text)  # a tag is one code: no splitting
    used = (("unit", f"{document} + {content} (exact text)"), ("coder", "file name"), ("code", tag), ("text", content))
    notice = (
        "Taguette highlights are matched across coders by document and identical highlighted text (Taguette's id "
        "numbers each coder's highlights separately, so it is not used); a passage two coders highlighted "
        "differently is two units; for positions, give the project files (.sqlite3)"
    )
    return replace(spans, shape="Taguette highlights", used=used), [notice]


def refuse_id_as_unit(path: Path, options: ReadOptions) -> None:
    """Refuse ``--unit-col id`` on a Taguette highlight table: its ids are per-file highlight numbers.

    Raises
    ------
    UsageError
        The named unit column is Taguette's ``id``.
    """
    if options.unit_col is not None and column_key(options.unit_col) == "id":
        raise UsageError(
            f"{path} is Taguette's highlight export, whose 'id' numbers each coder's highlights from 1: the same "
            "id in two coders' files is two unrelated passages, so it cannot be the unit; leave out --unit-col "
            "and highlights are matched by document and highlighted text"
        )


def read_project(path: Path, options: ReadOptions):
    """One coder's Taguette project file (``.sqlite3``) as coded spans with the documents' text.

    Returns
    -------
    SpanTable
        One span per highlight and tag (a highlight without tags: code ""); positions
        are characters of each document's plain text, which ``texts`` holds.
    list of str
        Notices.

    Raises
    ------
    InputError
        The file is not an SQLite database or not a Taguette project.
    """
    from .spans import SpanTable, span_frame
    from .sqlite import open_read_only, table_names

    with open_read_only(path) as connection:
        tables = table_names(connection)
        if not PROJECT_TABLES <= tables:
            raise InputError(
                f"{path} is an SQLite database but not a Taguette project (no "
                f"{', '.join(sorted(PROJECT_TABLES - tables))} table); in Taguette use Project info → Export project"
            )
        documents = connection.execute("SELECT id, name, contents FROM documents ORDER BY id").fetchall()
        rows = connection.execute(
            "SELECT h.document_id, h.start_offset, h.end_offset, COALESCE(t.path, '') "
            "FROM highlights h LEFT JOIN highlight_tags ht ON ht.highlight_id = h.id "
            "LEFT JOIN tags t ON t.id = ht.tag_id ORDER BY h.document_id, h.start_offset, h.id, t.path"
        ).fetchall()
    names = {doc_id: name for doc_id, name, _ in documents}
    texts, spans = {}, []
    ignored = {PAST_END: 0, NOT_AFTER: 0}
    frame = pd.DataFrame(rows, columns=["doc", "start", "end", "code"])
    for doc_id, name, html in documents:
        plain = PlainText(html)
        texts[name] = plain.text
        mine = frame[frame["doc"] == doc_id]
        if mine.empty:
            continue
        start_bytes, end_bytes = mine["start"].to_numpy(np.int64), mine["end"].to_numpy(np.int64)
        inside = (start_bytes >= 0) & (end_bytes <= plain.n_bytes)
        start = plain.position(np.clip(start_bytes, 0, plain.n_bytes), at_start=True)
        end = plain.position(np.clip(end_bytes, 0, plain.n_bytes), at_start=False)
        ordered = inside & (end > start)
        ignored[PAST_END] += int((~inside).sum())
        ignored[NOT_AFTER] += int((inside & ~ordered).sum())
        kept = mine[ordered]
        spans.append(
            span_frame(
                document=np.full(len(kept), name, dtype=object),
                coder=np.full(len(kept), path.stem, dtype=object),
                start=start[ordered],
                end=end[ordered],
                code=kept["code"].to_numpy(dtype=object),
                text=np.array([plain.text[s:e] for s, e in zip(start[ordered], end[ordered])], dtype=object),
            )
        )
    unknown = set(frame["doc"]) - set(names)
    if unknown:
        raise InputError(f"{path}: highlights point to documents the project does not hold; export the project again")
    table = SpanTable(
        source=str(path),
        shape="Taguette project",
        rows_read=len(frame),
        spans=pd.concat(spans, ignore_index=True) if spans else span_frame([], [], [], [], []),
        ignored={reason: n for reason, n in ignored.items() if n},
        texts=texts,
        coder_from_file_name=True,
        used=(
            ("unit", "highlights.start_offset/end_offset (UTF-8 bytes of the HTML's text → characters)"),
            ("coder", "file name"),
            ("code", "tags.path"),
            ("text", "documents.contents (HTML → plain text)"),
        ),
    )
    return table, []


class PlainText:
    """A Taguette document's plain text, and where Taguette's byte offsets fall in it.

    Taguette counts UTF-8 bytes of the HTML's text nodes (entities decoded, tags not
    counted). The plain text is those text nodes, with a line break added where a
    block element (paragraph, list item, heading, row …) ends and the text does not
    already break: added breaks take no bytes.

    >>> doc = PlainText("<p>Renée</p><p>café &amp; tea</p>")
    >>> doc.text
    'Renée\\ncafé & tea'
    >>> doc.n_bytes  # é takes 2 bytes, "&amp;" is one: "&"
    17
    >>> doc.position(np.array([6, 10, 17]), at_start=True).tolist()  # "c" of café; inside é: after it; the end
    [6, 10, 16]
    """

    def __init__(self, html: str):
        parser = _TextNodes()
        parser.feed(html)
        parser.close()
        nodes = "".join(parser.nodes)
        self.text = parser.text
        encoded = np.frombuffer(nodes.encode("utf-8"), dtype=np.uint8)
        self.n_bytes = len(encoded)
        char_starts = (encoded & 0xC0) != 0x80
        self._chars_before = np.concatenate([[0], np.cumsum(char_starts)]).astype(np.int64)
        self._breaks = np.asarray(parser.breaks, dtype=np.int64)

    def position(self, byte_offsets: np.ndarray, at_start: bool) -> np.ndarray:
        """Character positions in :attr:`text` of byte offsets into the text nodes.

        An offset inside a character moves to the character's end, as Taguette cuts.
        An added line break lies after an end at its place and before a start there.
        """
        chars = self._chars_before[byte_offsets]
        return chars + np.searchsorted(self._breaks, chars, side="right" if at_start else "left")


class _TextNodes(HTMLParser):
    """The text nodes of an HTML fragment, and the plain text with line breaks at block ends."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self.pieces: list[str] = []
        self.breaks: list[int] = []  # node-text positions before which a line break was added
        self.length = 0
        self.pending = False
        self.started = False

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def handle_starttag(self, tag, attrs):
        self.started = True
        self.pending |= tag in BLOCK_TAGS

    def handle_endtag(self, tag):
        self.pending |= tag in BLOCK_TAGS

    def handle_data(self, data):
        if not self.started and not data.strip():
            return  # html5lib, which Taguette counts with, drops white space before the first element
        if self.pending and self.pieces and not self.pieces[-1].endswith("\n") and not data.startswith("\n"):
            self.pieces.append("\n")
            self.breaks.append(self.length)
        self.pending = False
        self.nodes.append(data)
        self.pieces.append(data)
        self.length += len(data)
