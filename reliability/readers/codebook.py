"""Read a codebook: a CSV file (``code,definition[,parent]``), a REFI-QDA codebook
(``.qdc``), or the CodeBook of a REFI-QDA project (``.qde``, or ``.qdpx``, the zip
that holds one), into a :class:`~reliability.codings.codebook.Codebook`.

XML is parsed with defusedxml, which refuses the entity tricks that make plain
XML parsers unsafe on files from elsewhere; it is imported only when needed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable

from ..codings.names import canonical
from ..codings.codebook import CodeDefinition, Codebook
from ..errors import InputError
from ..files import SafeZip, read_regular
from .delimited import sniff_delimiter
from .options import CODE_COLUMNS, DEFINITION_COLUMNS
from .text import utf8_of

PARENT_COLUMNS = ("parent", "parent_code", "parent_category", "group")
"""A codebook table's parent column names, in order of preference (case-insensitive)."""

PATH_SEPARATOR = " / "
"""Joins a parent's name to a child's when two codes of a REFI-QDA codebook share a name."""


def read_codebook(path: Path | str) -> Codebook:
    """Read a codebook from a CSV file or a REFI-QDA file.

    Parameters
    ----------
    path : path
        ``.csv``/``.tsv``/``.txt``/``.xlsx`` with columns code (or tag), definition
        (or description) and optionally parent, as Taguette's codebook export;
        ``.qdc`` (REFI-QDA codebook); ``.qde`` (REFI-QDA project XML); ``.qdpx``
        (REFI-QDA project archive); a Taguette project (``.sqlite3``) or a QualCoder
        project (its folder or ``data.qda``), whose code descriptions are the definitions.

    Raises
    ------
    InputError
        The file is missing or malformed; the message names the row or element.
    """
    path = Path(path)
    from .qda_codebooks import special_codebook_reader

    special = special_codebook_reader(path)
    if special is not None:
        return special(path)
    try:
        reader = CODEBOOK_READERS[path.suffix.lower()]
    except KeyError:
        raise InputError(
            f"codebook {path}: cannot read '{path.suffix or 'no suffix'}' files; "
            f"give a {', '.join(CODEBOOK_READERS)} file"
        ) from None
    data = read_regular(path, f"codebook {path}", folder_fix="give the codebook file (.csv, .qdc, .qde or .qdpx)")
    if not data:
        raise InputError(f"codebook {path} is empty; save the codebook into it (one row per code: code,definition)")
    return reader(path, data)


def _read_csv(path: Path, data: bytes) -> Codebook:
    """A codebook from a CSV file: one row per code, with a header row."""
    text = utf8_of(path, data).decode("utf-8")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(text)
    return codebook_from_rows(read_csv_rows(text, delimiter, f"codebook {path}"), path)


def _read_sheet(path: Path, data: bytes) -> Codebook:
    """A codebook from the first sheet of a workbook, read exactly as the same table saved as CSV."""
    from .excel import workbook_table

    table, _ = workbook_table(path, data)
    header = [str(c) for c in table.frame.columns]
    return codebook_from_rows([header, *table.frame.astype(str).to_numpy().tolist()], path)


def codebook_from_rows(rows: list[list[str]], path: Path) -> Codebook:
    """A codebook from a table's rows (the first is the header): code, definition, parent columns."""
    header = [cell.strip() for cell in rows[0]]
    keys = [cell.lower().replace(" ", "_").replace("-", "_") for cell in header]

    def column(names: tuple[str, ...]) -> int | None:
        return next((keys.index(n) for n in names if n in keys), None)

    code_at, definition_at, parent_at = column(CODE_COLUMNS), column(DEFINITION_COLUMNS), column(PARENT_COLUMNS)
    if code_at is None:
        raise InputError(
            f"codebook {path} has no code column (looked for {', '.join(CODE_COLUMNS)}); "
            f"its columns are: {', '.join(repr(h) for h in header)}; name the first column 'code'"
        )
    codes: list[CodeDefinition] = []
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = [canonical(cell) for cell in row]  # as the readers compare codes
        if not any(cells):
            continue

        def cell(at: int | None) -> str:
            return cells[at] if at is not None and at < len(cells) else ""

        name = cell(code_at)
        if not name:
            raise InputError(f"codebook {path}, row {number}: no code name in column '{header[code_at]}'; fill it in or delete the row")
        if name in first_row:
            raise InputError(
                f"codebook {path}, row {number}: the code '{name}' is already defined on row {first_row[name]}; "
                "give each code once"
            )
        first_row[name] = number
        codes.append(CodeDefinition(name, cell(definition_at), cell(parent_at) or None))
    if not codes:
        raise InputError(f"codebook {path} has a header but no codes; add one row per code")
    return Codebook(tuple(codes), source=str(path))


def read_csv_rows(text: str, delimiter: str, what: str) -> list[list[str]]:
    """The rows of a small CSV text, whatever its line endings (\\n, \\r\\n or an old Mac's \\r).

    Raises
    ------
    InputError
        The text is not well-formed CSV; ``what`` names the file in the message.
    """
    try:
        return list(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"{what} is not a well-formed CSV file ({exc}); check its quotes") from None


def _read_refi_xml(path: Path, data: bytes) -> Codebook:
    """A codebook from a REFI-QDA ``.qdc`` codebook or ``.qde`` project file."""
    return codebook_from_refi_xml(parse_xml(data, str(path)), source=str(path))


def _read_qdpx(path: Path, data: bytes) -> Codebook:
    """The codebook of a REFI-QDA project archive: the ``.qde`` file inside the zip."""
    fix = "export it again as .qdpx, or the codebook alone as .qdc"
    archive = SafeZip(data, f"codebook {path}", fix, "a REFI-QDA archive")
    projects = [info for info in archive.members.values() if info.filename.lower().endswith(".qde")]
    if not projects:
        raise InputError(f"codebook {path} holds no project.qde; export the project again from your QDA program")
    source = f"{path}:{projects[0].filename}"
    return codebook_from_refi_xml(parse_xml(archive.read(projects[0]), source), source=source)


def parse_xml(data: bytes, source: str):
    """Parse XML safely with defusedxml.

    Returns
    -------
    xml.etree.ElementTree.Element
        The root element.

    Raises
    ------
    InputError
        The XML is malformed or uses entities or DTDs, which are refused.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(data, forbid_dtd=True)
    except ParseError as exc:
        raise InputError(f"{source} is not well-formed XML ({exc}); export it again") from None
    except DefusedXmlException as exc:
        raise InputError(f"{source} was refused: it uses XML entities or a DTD ({type(exc).__name__}); export it again without them") from None


def codebook_from_refi_xml(root, source: str = "REFI-QDA codebook") -> Codebook:
    """The codes of a REFI-QDA ``<CodeBook>``, with descriptions and parents.

    Parameters
    ----------
    root : xml.etree.ElementTree.Element
        A ``<CodeBook>`` (codebook file), a ``<Project>`` (project file) holding
        one, or a ``<Codes>`` element. Namespaces are ignored.
    source : str
        Where the XML came from, for messages.

    Returns
    -------
    Codebook
        Codes in document order, parents before their children; ``guid`` is set
        from each ``<Code guid="…">``. When two codes share a name, each is
        qualified by its parent's (``Parent / Child``) and a notice says so.

    Raises
    ------
    InputError
        There is no ``<Codes>`` element, or a ``<Code>`` has no name.

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> root = ET.fromstring(
    ...     '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    ...     '<Code guid="g1" name="Staff" isCodable="true"><Description>People</Description>'
    ...     '<Code guid="g2" name="Nurses" isCodable="true"/></Code></Codes></CodeBook>')
    >>> [(c.name, c.definition, c.parent, c.guid) for c in codebook_from_refi_xml(root).codes]
    [('Staff', 'People', None, 'g1'), ('Nurses', '', 'Staff', 'g2')]
    """
    codes_element = _find_codes(root)
    if codes_element is None:
        raise InputError(f"{source} has no <CodeBook> with <Codes>; export the codebook again from your QDA program")
    found: list[tuple[CodeDefinition, str | None]] = []  # (code with its plain name, parent's guid or name)
    keys: list[str] = []

    # Depth first with a stack, not recursion: a codebook may nest a thousand levels deep.
    stack: list[tuple[object, str | None]] = [(child, None) for child in reversed(list(codes_element))]
    while stack:
        child, parent_key = stack.pop()
        if _local(child.tag) != "Code":
            continue
        name = canonical(child.get("name") or "")
        guid = child.get("guid")
        if not name:
            raise InputError(f"{source}: a <Code> (guid {guid or 'none'}) has no name; name it in your QDA program")
        description = next((d for d in child if _local(d.tag) == "Description"), None)
        key = guid or f"#{len(keys)}"
        keys.append(key)
        text = " ".join((description.text or "").split()) if description is not None else ""
        found.append((CodeDefinition(name, text, None, guid), parent_key))
        stack.extend((grandchild, key) for grandchild in reversed(list(child)))

    codes, notices = _qualify_duplicates(found, keys)
    return Codebook(codes, source=source, notices=notices)


def _qualify_duplicates(
    found: list[tuple[CodeDefinition, str | None]], keys: list[str]
) -> tuple[tuple[CodeDefinition, ...], tuple[str, ...]]:
    """Unique names (a shared name is qualified by the parent's) and parents resolved to names.

    Returns
    -------
    codes : tuple of CodeDefinition
    notices : tuple of str
        One per qualified name.
    """
    counts: dict[str, int] = {}
    for code, _ in found:
        counts[code.name] = counts.get(code.name, 0) + 1
    plain_name = {key: code.name for key, (code, _) in zip(keys, found)}
    unique: dict[str, str] = {}
    notices = []
    for key, (code, parent_key) in zip(keys, found):
        name = code.name
        if counts[name] > 1 and parent_key is not None:
            name = plain_name[parent_key] + PATH_SEPARATOR + name
            notices.append(f"two codes are called '{code.name}'; the one under '{plain_name[parent_key]}' is listed as '{name}'")
        unique[key] = name
    codes = tuple(
        CodeDefinition(unique[key], code.definition, unique[parent_key] if parent_key else None, code.guid)
        for key, (code, parent_key) in zip(keys, found)
    )
    return codes, tuple(notices)


def _find_codes(root):
    """The ``<Codes>`` element of a CodeBook, wherever ``root`` sits in the document."""
    if _local(root.tag) == "Codes":
        return root
    for element in root.iter():
        if _local(element.tag) == "CodeBook":
            return next((c for c in element if _local(c.tag) == "Codes"), None)
    return None


def _local(tag: str) -> str:
    """An XML tag without its namespace: '{urn:…}Code' → 'Code'."""
    return tag.rsplit("}", 1)[-1]


CODEBOOK_READERS: dict[str, Callable[[Path, bytes], Codebook]] = {
    ".csv": _read_csv,
    ".tsv": _read_csv,
    ".txt": _read_csv,
    ".xlsx": _read_sheet,
    ".qdc": _read_refi_xml,
    ".qde": _read_refi_xml,
    ".qdpx": _read_qdpx,
}
"""File suffix → codebook reader."""
