"""The codebook: the codes a team agreed on, their definitions and their hierarchy.

A codebook is read from a CSV file (``code,definition[,parent]``) or from a
REFI-QDA codebook (``.qdc``), or the CodeBook of a REFI-QDA project (``.qde``,
or ``.qdpx``, the zip that holds one). The report uses it to validate the codes
coders used, to quote definitions next to confused codes, and to roll codes up
to a parent level (``--level``).

XML is parsed with defusedxml, which refuses the entity tricks that make plain
XML parsers unsafe on files from elsewhere; it is imported only when needed.
"""

from __future__ import annotations

import csv
import difflib
import io
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .errors import InputError
from .limits import MAX_FILE_BYTES, size_text

CODE_COLUMNS = ("code", "name", "category", "label", "codes")
DEFINITION_COLUMNS = ("definition", "description", "meaning", "memo", "desc")
PARENT_COLUMNS = ("parent", "parent_code", "parent_category", "group")
"""Codebook CSV column names recognised for each role, in order of preference (case-insensitive)."""

PATH_SEPARATOR = " / "
"""Joins a parent's name to a child's when two codes of a REFI-QDA codebook share a name."""


@dataclass(frozen=True)
class CodeDefinition:
    """One code of a codebook.

    Parameters
    ----------
    name : str
        The code as coders apply it.
    definition : str
        What the code means; empty when the codebook gives none.
    parent : str or None
        The name of the parent code in a hierarchy; None for a top-level code.
    guid : str or None
        The REFI-QDA identifier, so a project reader can map its codings to names.
    """

    name: str
    definition: str = ""
    parent: str | None = None
    guid: str | None = None

    def to_dict(self) -> dict:
        return {"code": self.name, "definition": self.definition or None, "parent": self.parent}


@dataclass(frozen=True)
class Codebook:
    """The codes of a codebook, in the codebook's order.

    Parameters
    ----------
    codes : tuple of CodeDefinition
        Names are unique; every parent is one of the codes; no code is its own ancestor.
    source : str
        Where the codebook came from, for messages.
    notices : tuple of str
        What reading it changed (e.g. names qualified by their parent to keep them apart).

    Raises
    ------
    InputError
        Two codes share a name, a parent is not a code, or the hierarchy has a cycle.

    Examples
    --------
    >>> book = Codebook((CodeDefinition("Staff"), CodeDefinition("Nurses", "Nursing staff", "Staff")))
    >>> book.depth("Nurses"), book.roll_up(1)
    (2, {'Nurses': 'Staff'})
    """

    codes: tuple[CodeDefinition, ...]
    source: str = "codebook"
    notices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for code in self.codes:
            if code.name in seen:
                raise InputError(f"{self.source}: the code '{code.name}' is defined twice; give each code once")
            seen.add(code.name)
        for code in self.codes:
            if code.parent is not None and code.parent not in seen:
                raise InputError(
                    f"{self.source}: the parent '{code.parent}' of '{code.name}' is not a code of the codebook; "
                    "add it as a code or correct the parent's name"
                )
        for code in self.codes:
            self._ancestors(code.name)

    @cached_property
    def _by_name(self) -> dict[str, CodeDefinition]:
        return {code.name: code for code in self.codes}

    @property
    def names(self) -> tuple[str, ...]:
        """Every code's name, in the codebook's order."""
        return tuple(code.name for code in self.codes)

    @property
    def has_hierarchy(self) -> bool:
        """True when some code has a parent."""
        return any(code.parent is not None for code in self.codes)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def definition(self, name: str) -> str:
        """The definition of a code; empty when the code is absent or undefined."""
        code = self._by_name.get(name)
        return code.definition if code else ""

    def _ancestors(self, name: str) -> list[str]:
        """The code's ancestors, nearest first."""
        chain: list[str] = []
        parent = self._by_name[name].parent
        while parent is not None:
            if parent == name or parent in chain:
                raise InputError(
                    f"{self.source}: the parents of '{name}' go round in a circle ({' → '.join([name, *chain, parent])}); "
                    "a code cannot be its own ancestor"
                )
            chain.append(parent)
            parent = self._by_name[parent].parent
        return chain

    def depth(self, name: str) -> int:
        """1 for a top-level code, 2 for its children, and so on."""
        return len(self._ancestors(name)) + 1

    def roll_up(self, level: int) -> dict[str, str]:
        """The mapping that replaces every code deeper than ``level`` by its ancestor at ``level``.

        Parameters
        ----------
        level : int
            1 rolls every code up to its top-level ancestor.

        Returns
        -------
        dict
            Code → ancestor, only for codes that change.
        """
        mapping = {}
        for code in self.codes:
            chain = [code.name, *self._ancestors(code.name)]  # code first, top-level last
            if len(chain) > level:
                mapping[code.name] = chain[len(chain) - level]
        return mapping

    def revised(self, mapping: Mapping[str, str | None]) -> "Codebook":
        """The codebook as a revision would leave it: codes renamed, merged or dropped.

        A code mapped to a new name takes that name; several codes mapped to one
        merge, and the merged code's definition quotes each one's; a code mapped
        to None is dropped. A code merged into one that keeps its name (as in a
        roll-up to the parent) takes that code's definition.
        """
        groups: dict[str, list[CodeDefinition]] = {}
        for code in self.codes:
            new = mapping.get(code.name, code.name)
            if new is not None:
                groups.setdefault(new, []).append(code)
        revised = []
        for new, members in groups.items():
            # A code that keeps its name keeps its entry (a roll-up into a parent);
            # a new code made of several quotes each one's definition.
            anchor = next((m for m in members if m.name == new), None)
            if anchor is None and len(members) == 1:
                anchor = members[0]
            if anchor is not None:
                definition, parent, guid = anchor.definition, anchor.parent, anchor.guid
            else:
                definition = " / ".join(f"{m.name}: {m.definition}" if m.definition else m.name for m in members)
                parent, guid = members[0].parent, None
            new_parent = None if parent is None else mapping.get(parent, parent)
            revised.append(CodeDefinition(new, definition, None if new_parent == new else new_parent, guid))
        return Codebook(tuple(revised), self.source, self.notices)

    def to_dict(self) -> dict:
        return {
            "file": self.source,
            "codes": [code.to_dict() for code in self.codes],
            "notices": list(self.notices),
        }


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``name``, if one is close enough.

    Tried in turn: the same name in another case; the only candidate that begins
    with ``name``; the closest spelling (difflib ratio at least 0.8).

    >>> did_you_mean("Peer suport", ["Peer support", "Pay and conditions"])
    'Peer support'
    >>> did_you_mean("hierarchy and power", ["Hierarchy and power"])
    'Hierarchy and power'
    >>> did_you_mean("Hierarchy", ["Hierarchy and power", "Team integration"])
    'Hierarchy and power'
    >>> did_you_mean("Budget", ["Peer support"]) is None
    True
    """
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    folded = name.casefold()
    if folded in by_folded:
        return by_folded[folded]
    starting = [c for f, c in by_folded.items() if f.startswith(folded)]
    if len(starting) == 1 and len(folded) >= 3:
        return starting[0]
    close = difflib.get_close_matches(folded, list(by_folded), n=1, cutoff=0.8)
    return by_folded[close[0]] if close else None


def read_codebook(path: Path | str) -> Codebook:
    """Read a codebook from a CSV file or a REFI-QDA file.

    Parameters
    ----------
    path : path
        ``.csv``/``.tsv``/``.txt`` with columns code, definition and optionally
        parent; ``.qdc`` (REFI-QDA codebook); ``.qde`` (REFI-QDA project XML);
        ``.qdpx`` (REFI-QDA project archive).

    Raises
    ------
    InputError
        The file is missing or malformed; the message names the row or element.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise InputError(f"codebook {path} {what}; give the codebook file (.csv, .qdc, .qde or .qdpx)")
    if path.stat().st_size == 0:
        raise InputError(f"codebook {path} is empty; save the codebook into it (one row per code: code,definition)")
    try:
        reader = CODEBOOK_READERS[path.suffix.lower()]
    except KeyError:
        raise InputError(
            f"codebook {path}: cannot read '{path.suffix or 'no suffix'}' files; "
            f"give a {', '.join(CODEBOOK_READERS)} file"
        ) from None
    return reader(path)


def _read_csv(path: Path) -> Codebook:
    """A codebook from a CSV file: one row per code, with a header row."""
    # The readers know about byte-order marks, UTF-16, binary files and delimiters.
    from .readers.delimited import sniff_delimiter
    from .readers.text import read_text

    text = read_text(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(text)
    rows = read_csv_rows(text, delimiter, f"codebook {path}")
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
        cells = [cell.strip() for cell in row]
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


def _read_refi_xml(path: Path) -> Codebook:
    """A codebook from a REFI-QDA ``.qdc`` codebook or ``.qde`` project file."""
    from .readers.text import read_bytes

    return codebook_from_refi_xml(parse_xml(read_bytes(path), str(path)), source=str(path))


def _read_qdpx(path: Path) -> Codebook:
    """The codebook of a REFI-QDA project archive: the ``.qde`` file inside the zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            projects = [info for info in archive.infolist() if info.filename.lower().endswith(".qde")]
            if not projects:
                raise InputError(
                    f"codebook {path} holds no project.qde; export the project again from your QDA program"
                )
            if projects[0].file_size > MAX_FILE_BYTES:
                raise InputError(
                    f"codebook {path}: its {projects[0].filename} is {size_text(projects[0].file_size)}, more than "
                    f"the {size_text(MAX_FILE_BYTES)} one input file may have; export the codebook alone as .qdc"
                )
            data = archive.read(projects[0])
    except zipfile.BadZipFile:
        raise InputError(f"codebook {path} is not a REFI-QDA archive (not a zip file); export it again as .qdpx") from None
    source = f"{path}:{projects[0].filename}"
    return codebook_from_refi_xml(parse_xml(data, source), source=source)


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
        return fromstring(data)
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

    def visit(element, parent_key: str | None) -> None:
        for child in element:
            if _local(child.tag) != "Code":
                continue
            name = (child.get("name") or "").strip()
            guid = child.get("guid")
            if not name:
                raise InputError(f"{source}: a <Code> (guid {guid or 'none'}) has no name; name it in your QDA program")
            description = next((d for d in child if _local(d.tag) == "Description"), None)
            key = guid or f"#{len(keys)}"
            keys.append(key)
            text = " ".join((description.text or "").split()) if description is not None else ""
            found.append((CodeDefinition(name, text, None, guid), parent_key))
            visit(child, key)

    visit(codes_element, None)
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


CODEBOOK_READERS: dict[str, Callable[[Path], Codebook]] = {
    ".csv": _read_csv,
    ".tsv": _read_csv,
    ".txt": _read_csv,
    ".qdc": _read_refi_xml,
    ".qde": _read_refi_xml,
    ".qdpx": _read_qdpx,
}
"""File suffix → codebook reader."""
