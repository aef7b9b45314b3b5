"""Opening the files the tool reads and writes, safely.

Every file the tool reads (inputs, projects, workbooks, codebook, recode file,
baseline, settings) goes through :func:`read_regular`: it must be a regular file
(a pipe would hang, ``/dev/zero`` would never end) and is read with a size cap.
Zip archives (``.qdpx`` projects, ``.xlsx`` workbooks) go through :class:`SafeZip`,
which checks member sizes and compression ratios in the archive's directory and
again while unpacking (a directory's declared sizes can lie). Reports are written
by :func:`write_atomic`, so a failed write leaves the earlier file as it was.
The limits are in :mod:`reliability.limits`.
"""

from __future__ import annotations

import contextlib
import errno
import io
import lzma
import os
import re
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import InputError, UsageError
from .limits import (
    MAX_ARCHIVE_UNPACKED_BYTES,
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_NESTING,
    MAX_SETTINGS_BYTES,
    RATIO_CHECKED_FROM_BYTES,
    size_text,
)

_CHUNK = 1024 * 1024
"""Bytes read or unpacked at a time, so a cap is enforced before memory is spent."""

_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
"""Compression methods Python's zipfile can unpack."""


def read_regular(
    path: Path,
    label: str | None = None,
    limit: int = MAX_FILE_BYTES,
    *,
    folder_fix: str = "give a file",
    size_fix: str = "split it into several files (e.g. one per coder)",
    missing_fix: str = "check the path",
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    The file is opened without blocking and checked with ``fstat`` on the open
    descriptor (so a pipe, device, socket or folder is refused, never read), then
    read in chunks that stop one byte past the limit (a file can grow after the check).

    Parameters
    ----------
    path : Path
    label : str, optional
        How messages name the file (default: the path), e.g. ``"codebook c.csv"``.
    limit : int
        Most bytes accepted; default :data:`~reliability.limits.MAX_FILE_BYTES`.
    folder_fix, size_fix, missing_fix : str
        The advice given when the path is a folder, the file is too large, or there is no such file.

    Raises
    ------
    InputError
        Missing, a folder, not a regular file, unreadable, or larger than ``limit``.
    """
    name = label or str(path)
    with _open_regular(path, name, folder_fix, missing_fix) as (handle, size):
        if size > limit:
            raise _too_big(name, size, limit, size_fix)
        chunks, total = [], 0
        try:
            # All of it at once when the size is known (chunks joined are copied again), then chunks if it grew.
            while chunk := handle.read(min(max(_CHUNK, size + 1 - total), limit + 1 - total)):
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:
                    raise _too_big(name, total, limit, size_fix)
        except OSError as exc:
            raise InputError(f"{name}: cannot be read ({exc.strerror}); check the file") from None
    return b"".join(chunks)


def require_regular(path: Path, label: str | None = None, limit: int = MAX_FILE_BYTES) -> None:
    """Check, without reading it, that ``path`` is a regular file within ``limit`` bytes.

    For files a library opens itself (SQLite projects): a pipe would hang it.

    Raises
    ------
    InputError
        As :func:`read_regular`.
    """
    name = label or str(path)
    with _open_regular(path, name, "give the file", "check the path") as (_, size):
        if size > limit:
            raise _too_big(name, size, limit, "export a smaller project")


def peek_regular(path: Path, n_bytes: int) -> bytes | None:
    """The first ``n_bytes`` of a regular file; None when it is not one or cannot be read.

    For a look at a header before the file is read in full by :func:`read_regular`,
    which names the problem.
    """
    try:
        with _open_regular(path, str(path), "") as (handle, _):
            return handle.read(n_bytes)
    except (InputError, OSError):
        return None


@contextlib.contextmanager
def _open_regular(path: Path, name: str, folder_fix: str, missing_fix: str = "") -> Iterator[tuple[BinaryIO, int]]:
    """An unbuffered handle on a regular file and its size; opening never blocks (a pipe would)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _open_error(exc, name, folder_fix, missing_fix) from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{name} is a folder; {folder_fix}")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{name} is not a regular file (a device, pipe or socket); save it to a file and give that")
    except BaseException:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        yield handle, info.st_size


def unusable(path: Path) -> str | None:
    """Why a folder's entry cannot be read as an input file; None when it can.

    Returns
    -------
    str or None
        "a broken link", "a link that leads round in a loop", "cannot be read
        (Permission denied)", "a folder" or "a pipe, device or socket, not a regular file".
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return "a broken link"
        if exc.errno == errno.ELOOP:
            return "a link that leads round in a loop"
        return f"cannot be read ({exc.strerror})"
    try:
        mode = os.fstat(descriptor).st_mode
    finally:
        os.close(descriptor)
    if stat.S_ISDIR(mode):
        return "a folder"
    return None if stat.S_ISREG(mode) else "a pipe, device or socket, not a regular file"


def _open_error(exc: OSError, name: str, folder_fix: str, missing_fix: str) -> InputError:
    if exc.errno == errno.ENOENT:
        return InputError(f"{name}: no such file; {missing_fix}")
    if exc.errno == errno.EISDIR:
        return InputError(f"{name} is a folder; {folder_fix}")
    if exc.errno == errno.ELOOP:
        return InputError(f"{name}: a symbolic link that leads round in a loop; give the file itself")
    return InputError(f"{name}: cannot be read ({exc.strerror}); check the file's permissions")


def _too_big(name: str, size: int, limit: int, fix: str) -> InputError:
    return InputError(f"{name} is {size_text(size)}, more than the {size_text(limit)} one input file may have; {fix}")


def load_json(path: Path, label: str, fix: str) -> object:
    """A JSON document from a regular file within the size cap and ``MAX_NESTING`` levels.

    Raises
    ------
    InputError
        Unreadable, not UTF-8, not JSON, or nested too deeply; ``fix`` ends the message.
    """
    import json

    data = read_regular(path, label, folder_fix=fix, missing_fix=fix)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: not UTF-8 text (byte {data[exc.start]:#04x}); {fix}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{label}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); {fix}") from None
    except RecursionError:
        raise _too_deep(label, fix) from None
    except ValueError as exc:  # an integer of more than 4,300 digits (Python's limit)
        raise InputError(f"{label}: not a valid JSON report ({_reason(exc)}); {fix}") from None
    if nesting(document) > MAX_NESTING:
        raise _too_deep(label, fix)
    return document


def load_toml(path: Path, label: str, fix: str) -> dict:
    """A TOML document from a regular file within the size cap and ``MAX_NESTING`` levels.

    Raises
    ------
    InputError
        Unreadable, not UTF-8, not TOML, or nested too deeply; ``fix`` ends the message.
    """
    import tomllib

    data = read_regular(path, label, MAX_SETTINGS_BYTES, folder_fix=fix, size_fix=fix)
    try:
        text = data.decode("utf-8")
        # tomllib spends memory quadratic in a dotted key's length (a.b.c… = 1): refuse long ones first.
        if any(_DOTTED.sub("", _STRINGS.sub("", line)).count(".") > MAX_NESTING for line in text.splitlines()):
            raise _too_deep(label, fix)
        document = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: not UTF-8 text (byte {data[exc.start]:#04x}); {fix}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{label}: not valid TOML ({exc}); {fix}") from None
    except RecursionError:
        raise _too_deep(label, fix) from None
    if nesting(document) > MAX_NESTING:
        raise _too_deep(label, fix)
    return document


_STRINGS = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")
"""TOML strings on one line, whose dots are not key separators."""

_DOTTED = re.compile(r"\d\.\d")
"""The dot of a number (0.7), not a key separator."""


def nesting(document: object) -> int:
    """How many levels of tables and lists a parsed document has (counted without recursion).

    >>> nesting({"a": [1, {"b": 2}]}), nesting(3)
    (3, 0)
    """
    deepest = 0
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            break  # deep enough to refuse: no need to walk the rest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep(label: str, fix: str) -> InputError:
    return InputError(f"{label}: tables or lists nested more than {MAX_NESTING} levels deep; {fix}")


class SafeZip:
    """A zip archive read from memory, unpacked within limits.

    Parameters
    ----------
    data : bytes
        The archive (read with :func:`read_regular`).
    label : str
        How messages name the archive.
    fix : str
        The advice for a damaged or refused archive (e.g. "export the project again").
    kind : str
        What the archive should be, for the message when it is not a zip file.
    budget : int, optional
        Most bytes unpacked in all, over every member read
        (default :data:`~reliability.limits.MAX_ARCHIVE_UNPACKED_BYTES`).

    Raises
    ------
    InputError
        The data is not a zip archive.
    """

    def __init__(self, data: bytes, label: str, fix: str, kind: str = "a zip archive", budget: int | None = None) -> None:
        self.label, self.fix = label, fix
        self.allowed = MAX_ARCHIVE_UNPACKED_BYTES if budget is None else budget
        self.budget = self.allowed
        self.data = data
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError):
            raise InputError(f"{label} is not {kind} (not a zip file); {fix}") from None
        self.members = {info.filename: info for info in self.archive.infolist()}

    def check(self, info: zipfile.ZipInfo) -> None:
        """Refuse a member by its directory entry: encrypted, unknown method, too large or too compressed."""
        where = f"{self.label}: {info.filename}"
        if info.flag_bits & 0x1:
            raise InputError(f"{where} is encrypted; remove the password and {self.fix}")
        if info.compress_type not in _ZIP_METHODS:
            raise InputError(f"{where} uses a compression method that cannot be read (number {info.compress_type}); {self.fix}")
        if info.file_size > self.budget:
            raise self._past_budget(info)
        if info.file_size > RATIO_CHECKED_FROM_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise InputError(
                f"{where} is compressed {info.file_size // max(info.compress_size, 1):,} to 1, more than the "
                f"{MAX_COMPRESSION_RATIO} to 1 of real files (a zip bomb?); {self.fix}"
            )

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """A member's bytes, unpacked in chunks within what is left of the budget.

        Raises
        ------
        InputError
            The member is refused by :meth:`check`, is damaged (bad CRC, broken
            compressed data), or unpacks past the budget.
        """
        self.check(info)
        chunks, total = [], 0
        try:
            with self.archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > self.budget:
                        raise self._past_budget(info)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, RuntimeError, NotImplementedError, ValueError) as exc:
            raise InputError(f"{self.label}: {info.filename} is damaged ({_reason(exc)}); {self.fix}") from None
        self.budget -= total
        return b"".join(chunks)

    def _past_budget(self, info: zipfile.ZipInfo) -> InputError:
        return InputError(
            f"{self.label}: unpacking {info.filename} goes past the {size_text(self.allowed)} allowed for one "
            f"archive in all (a zip bomb?); {self.fix}"
        )

    def verified(self) -> io.BytesIO:
        """The whole archive, every member checked and unpacked once within the limits, for a library to open."""
        for info in self.members.values():
            self.read(info)
        return io.BytesIO(self.data)


def _reason(exc: BaseException) -> str:
    """An exception's message, made one line and short (it names no file content)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8; or bytes as they are) to ``path`` through a temporary file in the same folder.

    The temporary file is flushed to disk and renamed over ``path``, so a failed
    or interrupted write (a full disk) leaves the earlier file whole; the
    temporary file is removed on failure. A new file gets the usual permissions
    (0666 less the umask), an existing one keeps its mode.

    Raises
    ------
    OSError
        The folder is missing or not writable, or the disk is full.
    """
    path = Path(path)
    folder = path.parent
    handle = tempfile.NamedTemporaryFile("wb", dir=folder, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, _mode_for(path))
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the first error is the one to report
            os.unlink(handle.name)
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask



def refuse_overwriting(
    outputs: dict[str, Path | None], inputs: dict[str, list[Path]], read_suffixes: tuple[str, ...] = ()
) -> None:
    """Refuse outputs that are one of the inputs, that two outputs share, or that the next run would read.

    Called before anything is read or written. Paths are compared by the file
    they lead to (symbolic links followed, hard links by device and inode); an
    input folder stands for every file in it, and a new file written into it
    with a suffix the readers take (``read_suffixes``) would be read as one
    more coder's file by the next run of the same command.

    Parameters
    ----------
    outputs : dict option -> Path or None
        The files the command will write, by the option that names them (None: not written).
    inputs : dict option -> list of Path
        The files and folders the command will read, by the option that names them.
    read_suffixes : tuple of str, default ()
        Lower-case suffixes of the files read from an input folder.

    Raises
    ------
    UsageError
        Naming the output, the input it would overwrite, and the fix.
    """
    written: dict[object, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        identity = _identity(path)
        if identity in written:
            raise UsageError(
                f"{option} {path} is also the file of {written[identity]}; write each output to its own file"
            )
        written[identity] = option
    if not written:
        return
    for option, paths in inputs.items():
        for path in paths:
            for member in _files_of(path):
                identity = _identity(member)
                if identity in written:
                    raise UsageError(
                        f"{written[identity]} {member} is an input ({option}); writing there would destroy it: "
                        "give another output file"
                    )
            if path.is_dir():
                _refuse_writing_into(path, option, outputs, read_suffixes)


def _refuse_writing_into(
    folder: Path, option: str, outputs: dict[str, Path | None], read_suffixes: tuple[str, ...]
) -> None:
    """Refuse a new output inside an input folder that the folder's reader would take as an input."""
    for written, path in outputs.items():
        if path is None or path.suffix.lower() not in read_suffixes:
            continue
        if _identity(path.parent) == _identity(folder):
            raise UsageError(
                f"{written} {path} is inside the input folder {folder} ({option}), so the next run would read it "
                "as one more coder's file; write it outside that folder"
            )


def _files_of(path: Path) -> list[Path]:
    """A path, or the entries of a folder (not recursively: folders are read one level deep)."""
    try:
        return [path, *path.iterdir()] if path.is_dir() else [path]
    except OSError:  # the reader reports the folder it cannot list
        return [path]


def _identity(path: Path) -> object:
    """What makes two paths the same file: device and inode if it exists, else the resolved path."""
    try:
        info = os.stat(path)
        return (info.st_dev, info.st_ino)
    except (OSError, ValueError):
        try:
            return str(Path(path).resolve())
        except (OSError, RuntimeError):
            return str(Path(path).absolute())
