r"""REFI-QDA projects: ``.qdpx`` archives and bare ``.qde`` project files.

What is read:

* ``<Users>``: every user who made a coding is a coder, by name (a user who
  coded nothing is not a coder; the report names them).
* ``<CodeBook>``: code names by GUID, through
  :func:`reliability.readers.codebook.codebook_from_refi_xml` (nested codes keep their own
  name; two codes that share one are told apart by their parent's).
* Each ``<TextSource>``, and the text ``<Representation>`` of each
  ``<PDFSource>``: every ``<PlainTextSelection>`` (``startPosition``,
  ``endPosition``) with a ``<Coding>``/``<CodeRef>`` is a coded span of the user
  in the coding's ``creatingUser`` (else the selection's); the selection's
  ``<Description>`` is that coder's note. A selection with no coding is an
  annotation or memo: it is set aside, and the report counts it.
* The source text, from ``<PlainTextContent>`` or from the archive's
  ``sources/`` folder (``internal://`` paths; for a bare ``.qde``, a ``sources``
  folder beside it), for excerpts and for ``--units paragraphs``, ``sentences``
  and ``characters``. Texts stored outside the project are not read.

Positions count Unicode code points of the plain text from 0, start inclusive,
end exclusive (so an emoji is one character, as in Python, not two as in UTF-16).

Windows line breaks (``\r\n``): the standard counts code points, so ``\r\n`` is
two characters, but ATLAS.ti counts it as one. With ``crlf="auto"`` the
convention is chosen, for documents that have ``\r\n``, by which one makes the
selections' names (which many programs fill with the start of the selected
text) match the text; without that evidence, one character when the project's
``origin`` is ATLAS.ti, else two. The report says which was used.

XML is parsed with defusedxml, which refuses entity tricks.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Callable

from .codebook import codebook_from_refi_xml, parse_xml
from ..errors import InputError, UsageError
from ..codings.options import CRLF_MODES, ReadOptions
from .spans import SpanTable, span_frame

NO_CODING = "selection with no code (an annotation or memo)"
UNKNOWN_CODE = "coding of a code that is not in the project's codebook"
NO_USER = "coding that names no user (creatingUser), so its coder is unknown"
BAD_POSITION = "selection whose startPosition or endPosition is not a whole number"
EMPTY = "selection whose end is not after its start"
OUTSIDE = "selection that reaches past the end of its document's text"
"""Reasons for codings set aside, as the report shows them."""

MAX_MEMBER_BYTES = 200 * 1024 * 1024
"""Largest file read from a project archive (a guard against zip bombs)."""


def read_refi(path: Path, options: ReadOptions) -> tuple[SpanTable, list[str]]:
    """Read the coded text selections of a REFI-QDA project.

    Parameters
    ----------
    path : Path
        A ``.qdpx`` archive or a ``.qde`` project file.
    options : ReadOptions
        ``crlf`` says how positions count a Windows line break.

    Returns
    -------
    SpanTable
        One span per coding; texts of the documents whose text the project holds.
    list of str
        Notices: line-break convention, users who coded nothing, texts not found.

    Raises
    ------
    InputError
        The file is not a REFI-QDA project, or holds no coded text.
    """
    if options.crlf not in CRLF_MODES:
        raise UsageError(f"crlf must be one of {', '.join(CRLF_MODES)}, not '{options.crlf}'")
    data, read_source, label = _open_project(path)
    root = parse_xml(data, label)
    code_names = {code.guid: code.name for code in codebook_from_refi_xml(root, label).codes if code.guid}
    users = _users(root)
    notices: list[str] = []
    texts, missing = {}, []
    rows: list[tuple] = []  # (document, user guid, start, end, code guid or None, note, selection name)
    for name, element in _text_sources(root):
        text = _source_text(element, read_source)
        if text is None:
            missing.append(name)
        else:
            texts[name] = text
        for selection in element.iterfind("{*}PlainTextSelection"):
            note = " ".join((selection.findtext("{*}Description") or "").split())
            codings = selection.findall("{*}Coding")
            place = (name, selection.get("creatingUser"), selection.get("startPosition"), selection.get("endPosition"))
            if not codings:
                rows.append((*place, None, note, ""))
            for coding in codings:
                reference = coding.find("{*}CodeRef")
                rows.append(
                    (
                        name,
                        coding.get("creatingUser") or place[1],
                        place[2],
                        place[3],
                        "" if reference is None else reference.get("targetGUID", ""),
                        note,
                        selection.get("name") or "",
                    )
                )
    if all(row[4] is None for row in rows):
        raise InputError(f"{path} holds no coded text selections; code the documents, or export the project again")

    one_char, why = _crlf_convention(options.crlf, root.get("origin") or "", texts, rows)
    if one_char:
        texts = {name: text.replace("\r\n", "\n") for name, text in texts.items()}
    if why:
        notices.append(f"{path}: {why}")
    table = _spans(path, rows, code_names, users, texts)
    coders = set(table.spans["coder"])
    idle = [name for name in users.values() if name not in coders]
    if idle:
        verb = "is" if len(idle) == 1 else "are"
        notices.append(f"{path}: {', '.join(idle)} made no coding in the project and {verb} not counted as a coder")
    unnamed = sorted(coders - set(users.values()))
    if unnamed:
        notices.append(
            f"{path}: codings by users missing from <Users> are counted under their GUID: {', '.join(unnamed)}"
        )
    if missing:
        notices.append(
            f"{path}: the text of {', '.join(missing)} is not in the project, so no excerpts are shown for it and "
            "--units paragraphs, sentences and characters cannot use it"
        )
    selections = sum(1 for e in root.iterfind(".//{*}Sources//*") if e.tag.endswith("Selection"))
    text_selections = sum(1 for _, element in _text_sources(root) for _ in element.iterfind("{*}PlainTextSelection"))
    other = selections - text_selections
    if other:
        notices.append(
            f"{path}: {other} selection{'s' if other != 1 else ''} in pictures, audio, video or PDF pages "
            f"{'were' if other != 1 else 'was'} not read; only coded text is compared"
        )
    return table, notices


def _open_project(path: Path) -> tuple[bytes, Callable[[str], str | None], str]:
    """The project XML, a reader of ``internal://`` source files, and a label for messages."""
    if path.suffix.lower() == ".qde":
        folder = path.parent

        def read_beside(name: str) -> str | None:
            for sources in ("sources", "Sources"):
                candidate = folder / sources / name
                if candidate.is_file():
                    return _decode(candidate.read_bytes(), str(candidate))
            return None

        try:
            return path.read_bytes(), read_beside, str(path)
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(
            f"{path} is not a REFI-QDA project archive (not a zip file); export the project again as .qdpx"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        top_level = [n for n in members if n.lower().endswith(".qde") and "/" not in n]
        projects = sorted(top_level, key=lambda n: n != "project.qde")
        if not projects:
            raise InputError(
                f"{path} holds no project.qde, so it is not a REFI-QDA project; export the project again as .qdpx"
            )
        data = _member(archive, members[projects[0]], path)
    sources = {n.split("/", 1)[1]: info for n, info in members.items() if n.lower().startswith("sources/")}

    def read_member(name: str) -> str | None:
        # Only the plain texts are read: a project's sources may also hold large media files.
        info = sources.get(name)
        if info is None:
            return None
        with zipfile.ZipFile(path) as archive:
            return _decode(_member(archive, info, path), f"{path}:sources/{name}")

    return data, read_member, f"{path}:{projects[0]}"


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    if info.file_size > MAX_MEMBER_BYTES:
        raise InputError(
            f"{path}: {info.filename} would unpack to {info.file_size:,} bytes, more than the "
            f"{MAX_MEMBER_BYTES:,} allowed; check the archive"
        )
    return archive.read(info)


def _decode(raw: bytes, label: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{label} is not UTF-8 text (byte {raw[exc.start]:#04x} at position {exc.start}); export the project again"
        ) from None


def _users(root) -> dict[str, str]:
    """User GUID → name; a name two users share gets the start of the GUID added."""
    found = [
        (user.get("guid", ""), (user.get("name") or user.get("guid") or "").strip())
        for user in root.iterfind(".//{*}Users/{*}User")
    ]
    names = [name for _, name in found]
    return {guid: name if names.count(name) == 1 else f"{name} ({guid[:8]})" for guid, name in found}


def _text_sources(root):
    """(document name, element holding its PlainTextSelections) in document order; names made unique."""
    used: dict[str, int] = {}
    for source in root.iterfind(".//{*}Sources/*"):
        kind = source.tag.rsplit("}", 1)[-1]
        if kind == "TextSource":
            element = source
        elif kind == "PDFSource":
            element = source.find("{*}Representation")
            if element is None:
                continue
        else:
            continue
        name = (source.get("name") or source.get("guid") or "document").strip()
        used[name] = used.get(name, 0) + 1
        yield (name if used[name] == 1 else f"{name} ({used[name]})"), element


def _source_text(element, read_source: Callable[[str], str | None]) -> str | None:
    """The plain text of a source: inline, or from the project's sources folder; None if not there."""
    inline = element.find("{*}PlainTextContent")
    if inline is not None:
        return inline.text or ""
    location = element.get("plainTextPath") or ""
    if location.startswith("internal://"):
        return read_source(location[len("internal://"):])
    return None


def _crlf_convention(option: str, origin: str, texts: dict[str, str], rows: list[tuple]) -> tuple[bool, str]:
    r"""Whether positions count ``\r\n`` as one character, and the notice that says so (empty if moot).

    >>> text = {"d": "one\r\ntwo"}
    >>> _crlf_convention("auto", "", text, [("d", "u", "4", "7", "g", "", "two")])[0]  # 'two' at 4: one character
    True
    >>> _crlf_convention("auto", "", text, [("d", "u", "5", "8", "g", "", "two")])[0]  # at 5: two characters
    False
    """
    with_crlf = {name for name, text in texts.items() if "\r\n" in text}
    if not with_crlf:
        return False, ""
    if option != "auto":
        one = option == "one"
        return one, f"Windows line breaks (\\r\\n) counted as {'one character' if one else 'two characters'}, as asked"
    evidence = [(texts[r[0]], r[2], r[6]) for r in rows if r[0] in with_crlf and len(_squash(r[6]).strip()) >= 3]
    as_two = sum(_names_at(text, start, name) for text, start, name in evidence)
    as_one = sum(_names_at(text.replace("\r\n", "\n"), start, name) for text, start, name in evidence)
    if as_one != as_two:
        one = as_one > as_two
        reason = f"so the selections' names match the text ({max(as_one, as_two)} of {len(evidence)} do)"
    elif "atlas" in origin.lower():
        one, reason = True, f"as {origin} counts them"
    else:
        one = False
        reason = "as the REFI-QDA standard counts code points; if excerpts look shifted, count them as one (--crlf one)"
    return one, f"Windows line breaks (\\r\\n) counted as {'one character' if one else 'two characters'}, {reason}"


def _names_at(text: str, start: str, name: str) -> bool:
    """Does the selection's name (the start of its text, maybe cut with '…') appear at its start position?"""
    if not start.isdigit():
        return False
    probe = _squash(name.rstrip(".…")).strip()
    at = int(start)
    return _squash(text[at : at + 2 * len(name) + 8]).startswith(probe)


def _squash(text: str) -> str:
    """Runs of white space as one space (line breaks in a name are often spaces)."""
    return re.sub(r"\s+", " ", text)


def _spans(
    path: Path, rows: list[tuple], code_names: dict[str, str], users: dict[str, str], texts: dict[str, str]
) -> SpanTable:
    """The coded spans of the rows; rows that cannot be spans are counted by reason."""
    ignored = dict.fromkeys((NO_CODING, NO_USER, UNKNOWN_CODE, BAD_POSITION, EMPTY, OUTSIDE), 0)
    kept: list[tuple] = []
    for document, user, start, end, code, note, _ in rows:
        reason = None
        if code is None:
            reason = NO_CODING
        elif not user:
            reason = NO_USER
        elif code not in code_names:
            reason = UNKNOWN_CODE
        elif not (start or "").isdigit() or not (end or "").isdigit():
            reason = BAD_POSITION
        elif int(end) <= int(start):
            reason = EMPTY
        elif document in texts and int(end) > len(texts[document]):
            reason = OUTSIDE
        if reason:
            ignored[reason] += 1
        else:
            kept.append((document, users.get(user, user), int(start), int(end), code_names[code], note))
    columns = list(zip(*kept)) if kept else [[]] * 6
    spans = span_frame(
        document=columns[0], coder=columns[1], start=columns[2], end=columns[3], code=columns[4], note=columns[5]
    )
    return SpanTable(
        source=str(path),
        shape=f"REFI-QDA project ({len(set(columns[0]))} coded documents, {len(set(columns[1]))} coders)",
        rows_read=len(rows),
        spans=spans,
        ignored={reason: n for reason, n in ignored.items() if n},
        texts=texts,
        used=(
            ("unit", "PlainTextSelection startPosition/endPosition"),
            ("coder", "Coding creatingUser (User name)"),
            ("code", "CodeRef → Code name"),
            ("text", "TextSource plain text"),
            ("note", "PlainTextSelection Description"),
        ),
    )
