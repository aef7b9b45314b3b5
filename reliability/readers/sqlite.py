"""Project files that QDA programs keep as SQLite databases (Taguette, QualCoder), opened read-only."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from ..errors import InputError


def open_read_only(path: Path) -> contextlib.closing:
    """A connection to ``path`` that cannot change the file (``mode=ro``), closed at the end of a ``with`` block.

    Raises
    ------
    InputError
        The file is not an SQLite database.
    """
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputError(f"{path} cannot be opened ({exc}); check the path and that the file can be read") from None
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise InputError(f"{path} cannot be read as an SQLite database ({exc}); export the project again") from None
    return contextlib.closing(connection)


def table_names(connection: sqlite3.Connection) -> set[str]:
    """The names of the database's tables."""
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
