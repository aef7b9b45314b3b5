"""Turning a file's bytes into text: encodings, binary files, files of the wrong kind."""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import InputError

_SIGNATURES = {
    b"PK\x03\x04": "a zip archive or an Excel workbook (.xlsx)",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF document",
}


def read_text(path: Path, encoding: str | None = None) -> str:
    """The file's content as text.

    UTF-8 with or without a byte-order mark, and UTF-16 with one (Excel's
    "Unicode text"), are read as they are; any other encoding must be named.

    Raises
    ------
    InputError
        The file is missing, empty, binary, or not in the expected encoding.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder; give its files or the folder itself as input") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if not raw.strip():
        raise InputError(f"{path} is empty; export the coding again or leave the file out")
    if encoding is not None:
        try:
            return raw.decode(encoding)
        except LookupError:
            raise InputError(f"'{encoding}' is not an encoding Python knows; try utf-8, cp1252 or latin-1") from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path} is not valid {encoding} (byte {raw[exc.start]:#04x} at position {exc.start}); "
                "check --encoding"
            ) from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    for signature, kind in _SIGNATURES.items():
        if raw.startswith(signature):
            raise InputError(f"{path} is {kind}, not a CSV file; save it as CSV (UTF-8) and try again")
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path} is not a text file (it holds binary data); export the coding as CSV")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 (byte {raw[exc.start]:#04x} at position {exc.start}); "
            "save it as UTF-8, or name its encoding with --encoding (e.g. --encoding cp1252)"
        ) from None
