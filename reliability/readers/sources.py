"""What the readers used from each file, and checks that the files' units are the same units.

* Every source in the report names the column (or element) it took the unit, the
  coder, the code and the text from (DESIGN §2: the report always says so).
* When under half of the units were coded by two coders or more, the coders' unit
  ids are probably not the same units (per-file highlight or row numbers, ids
  spelled differently): a notice says so, since most figures then rest on few units.
* A codebook among the coders' files (Taguette's ``codebook.csv`` downloaded into
  the same folder, a ``code,definition`` table) is set aside with a notice that
  points to ``--codebook``; it is never read as a coder.
"""

from __future__ import annotations

from dataclasses import replace

from ..codings.model import Accounting, Codings
from ..errors import CodebookAmongInputs
from .delimited import column_key
from .options import CODE_COLUMNS, COLUMN_NAMES, DEFINITION_COLUMNS

DOCUMENT_COLUMNS = ("document", "document_name", "file", "file_name", "filename", "media_title", "fileid")

SHARED_AT_LEAST = 0.5
"""Below this share of units coded by two coders or more, the units probably do not match."""

def is_codebook(columns: list[str]) -> bool:
    """A header that describes codes rather than codings: a code and a definition column, no unit or document.

    >>> is_codebook(["tag", "description", "number of highlights", "number of documents"])
    True
    >>> is_codebook(["code", "definition"]), is_codebook(["unit", "code", "memo"])
    (True, False)
    """
    keys = {column_key(str(c)) for c in columns}
    return (
        not keys.isdisjoint(CODE_COLUMNS)
        and not keys.isdisjoint(DEFINITION_COLUMNS)
        and keys.isdisjoint(COLUMN_NAMES["unit"])
        and keys.isdisjoint(DOCUMENT_COLUMNS)
    )


def refuse_codebook(table, options) -> None:
    """Raise :class:`CodebookAmongInputs` for a codebook found among coders' exports."""
    raise CodebookAmongInputs(
        f"{table.source} is a codebook (codes and their descriptions), not a coder's export, so it was not read "
        f"as a coder; a codebook is given with --codebook {table.source}"
    )


def with_sources(accounting: Accounting, inputs: list) -> Accounting:
    """``accounting`` with each source naming what it used as unit, coder, code and text.

    Parameters
    ----------
    accounting : Accounting
    inputs : list of Rows or SpanTable
        What each file held (their ``used`` says which columns or elements gave each role).
    """
    used = {str(table.source): tuple(getattr(table, "used", ())) for table in inputs}
    return replace(accounting, sources=tuple(replace(s, used=used.get(s.path) or s.used) for s in accounting.sources))


def overlap_notice(codings: Codings, inputs: list) -> str | None:
    """A warning when under half of the units were coded by two coders or more.

    Units made from spans are matched by position, so the check is for unit ids
    read from the files. The notice names the unit columns used and the likely cause.

    >>> import numpy as np
    >>> from reliability.codings.model import Codings
    >>> seen = np.array([[1, 0], [0, 1], [1, 1]], dtype=bool)
    >>> c = Codings(("1", "2", "3"), ("a", "b"), ("x",), np.zeros((3, 2, 1), bool), seen)
    >>> print(overlap_notice(c, []))
    only 1 of 3 units (33%) were coded by two coders or more: the coders' unit ids are probably not the same units (e.g. numbers each file counts from 1, such as highlight or row numbers, or ids spelled differently), and most figures rest on the few shared ones; check that one id names the same passage in every file
    """
    if codings.n_units == 0 or codings.n_coders < 2:
        return None
    shared = int((codings.seen.sum(axis=1) >= 2).sum())
    if shared >= SHARED_AT_LEAST * codings.n_units:
        return None
    columns = sorted({column for table in inputs for role, column in getattr(table, "used", ()) if role == "unit"})
    named = f" (unit column: {', '.join(repr(c) for c in columns)})" if columns else ""
    return (
        f"only {shared} of {codings.n_units} units ({shared / codings.n_units:.0%}) were coded by two coders or "
        f"more{named}: the coders' unit ids are probably not the same units (e.g. numbers each file counts from 1, "
        "such as highlight or row numbers, or ids spelled differently), and most figures rest on the few shared "
        "ones; check that one id names the same passage in every file"
    )


def with_notice(accounting: Accounting, notice: str | None) -> Accounting:
    """``accounting`` with one more notice (unchanged when ``notice`` is None)."""
    return accounting if notice is None else replace(accounting, notices=(*accounting.notices, notice))
