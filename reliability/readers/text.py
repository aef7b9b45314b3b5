"""Turning a file's bytes into text: encodings, binary files, files of the wrong kind.

Without ``--encoding``, a file must be UTF-8 (with or without the byte-order mark
Excel writes) or carry a UTF-16/UTF-32 byte-order mark (Excel's "Unicode text").
Nothing is guessed: a Latin-1 or Windows-1252 file is rejected with the option
that reads it, because a wrong guess would silently misspell codes.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import InputError
from ..files import read_regular

_SIGNATURES = {
    b"PK\x03\x04": "a zip archive or an Excel workbook (.xlsx; or an OpenDocument .ods)",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip-compressed file",
    b"{\\rtf": "a Word (RTF) document",
}
"""First bytes of files that people export by mistake, and what they are."""

_BOMS = (
    # UTF-32 first: its little-endian mark starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
"""Byte-order marks that name the encoding of the text after them."""

_PROBE = 4096
"""Bytes looked at to recognise UTF-16 without a byte-order mark, or binary data."""

_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1b")
"""Bytes that text hardly ever holds; many of them mean binary data."""


def read_text(path: Path, encoding: str | None = None) -> str:
    """The file's content as text, without a byte-order mark.

    Parameters
    ----------
    path : Path
    encoding : str, optional
        The file's encoding; None accepts UTF-8 and BOM-marked UTF-16/UTF-32.

    Raises
    ------
    InputError
        The file is missing, empty, too large, binary, or not in the expected encoding.
    """
    return read_utf8(path, encoding).decode("utf-8")


def read_utf8(path: Path, encoding: str | None = None) -> bytes:
    """The file's content as UTF-8 bytes without a byte-order mark, checked to be text.

    A UTF-8 file is returned as it is (after checking it decodes), so a parser can
    read the bytes without a second copy as ``str``.

    Raises
    ------
    InputError
        As :func:`read_text`.
    """
    return utf8_of(path, read_bytes(path), encoding)


def utf8_of(path: Path | str, raw: bytes, encoding: str | None = None) -> bytes:
    """The bytes of a file already read, as :func:`read_utf8` returns them.

    Raises
    ------
    InputError
        As :func:`read_text`; ``path`` names the file in messages (e.g. ``"recode file r.csv"``).
    """
    if encoding is not None:
        data = _decode(path, raw, encoding, hint="check --encoding").lstrip("\ufeff").encode("utf-8")
    elif raw.startswith(codecs.BOM_UTF8):
        data = _checked_utf8(path, raw[len(codecs.BOM_UTF8):])
    elif marked := next((codec for bom, codec in _BOMS if raw.startswith(bom)), None):
        data = _decode(path, raw, marked, hint="save it again as UTF-8").encode("utf-8")
    else:
        _refuse_other_kinds(path, raw)
        data = _checked_utf8(path, raw)
    if b"\x00" in data:
        raise InputError(f"{path} is not a text file (it holds binary data); export the coding as CSV")
    if not data or data.isspace():  # as ``not data.strip()``, without copying the data
        raise InputError(f"{path} is empty; export the coding again or leave the file out")
    return data


def read_bytes(path: Path) -> bytes:
    """The file's bytes, after checking it is a regular file within ``MAX_FILE_BYTES``.

    Raises
    ------
    InputError
        The path is missing, a folder, a device or pipe, too large, or unreadable.
    """
    return read_regular(path, folder_fix="give its files or the folder itself as input")


def _decode(path: Path, raw: bytes, encoding: str, hint: str) -> str:
    try:
        return raw.decode(encoding)
    except LookupError:
        raise InputError(f"'{encoding}' is not an encoding Python knows; try utf-8, cp1252 or latin-1") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not valid {encoding} (byte {raw[exc.start]:#04x} on line {_line(raw, exc.start)}); {hint}"
        ) from None
    except UnicodeError:  # codecs such as idna and punycode fail without saying where
        raise InputError(f"{path} is not valid {encoding}; {hint}") from None


def _checked_utf8(path: Path, raw: bytes) -> bytes:
    if raw.isascii():  # ASCII is UTF-8: no need to decode a copy to find out
        return raw
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        guess = detected_encoding(raw)
        name_it = f"name its encoding, e.g. --encoding {guess}" if guess else "name its encoding with --encoding"
        raise InputError(
            f"{path} is not UTF-8 (byte {raw[exc.start]:#04x} on line {_line(raw, exc.start)}); "
            f"save it as UTF-8 (Excel: 'CSV UTF-8'), or {name_it}"
        ) from None
    return raw


_DETECTION_SAMPLE = 256 * 1024
"""Bytes the encoding detector looks at."""

_CLOSE_CALL = 0.1
"""How much more "chaos" (charset-normalizer's measure of implausible text) than the best guess still counts as a fit."""


def detected_encoding(raw: bytes) -> str | None:
    r"""The encoding to suggest for bytes that are not UTF-8; None when no encoding fits.

    charset-normalizer ranks the encodings in which the bytes read as plausible
    text. Windows-1252 is suggested when it is among the close fits (short Western
    files fit many code pages equally; it is the one Excel writes); otherwise the
    best fit, e.g. gb18030 for Chinese text, never an encoding that would turn it
    into mojibake.

    >>> chinese = ["访谈记录", "医院管理", "患者体验", "护士沟通", "家属参与", "费用问题"]
    >>> detected_encoding("".join(f"U{i},{code}\n" for i, code in enumerate(chinese)).encode("gb18030"))
    'gb18030'
    >>> russian = ["Доступ к услугам", "Стоимость лечения", "Опыт пациентов", "Общение с персоналом"]
    >>> detected_encoding("".join(f"U{i},{code}\n" for i, code in enumerate(russian)).encode("cp1251"))
    'cp1251'
    >>> detected_encoding("unit,code\nU1,Cost €\nU2,“Access”\n".encode("cp1252"))
    'cp1252'
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw[:_DETECTION_SAMPLE]))
    if not matches:
        return None
    close = [m for m in matches if m.chaos <= matches[0].chaos + _CLOSE_CALL]
    if any("cp1252" in m.could_be_from_charset for m in close) and _decodes(raw, "cp1252"):
        return "cp1252"
    best = matches[0].encoding
    return best if _decodes(raw, best) else None


def _refuse_other_kinds(path: Path, raw: bytes) -> None:
    """Reject workbooks, PDFs, archives, UTF-16 without a byte-order mark, and binary data."""
    for signature, kind in _SIGNATURES.items():
        if raw.startswith(signature):
            raise InputError(f"{path} is {kind}, not a CSV file; save it as CSV (UTF-8) and try again")
    probe = raw[:_PROBE]
    # UTF-16 text that is mostly ASCII has a NUL in every other byte, on one side only.
    even, odd = probe[0::2].count(0), probe[1::2].count(0)
    for zeros, others, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if len(probe) >= 4 and zeros >= 0.4 * (len(probe) // 2) and others == 0:
            raise InputError(
                f"{path} looks like UTF-16 text without a byte-order mark; name its encoding with --encoding {name}"
            )
    if b"\x00" in raw or sum(probe.count(b) for b in _CONTROL_BYTES) > 0.1 * len(probe):
        raise InputError(f"{path} is not a text file (it holds binary data); export the coding as CSV")


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _line(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1
