"""Codebooks that QDA programs keep or export, for ``--codebook``.

* A Taguette project (``.sqlite3``): its tags, ``description`` as the definition.
* A QualCoder project (its folder or ``data.qda``): ``code_name``, ``memo`` as the
  definition (see :mod:`.qualcoder_project`).

Tables of codes (CSV, or an Excel sheet such as Taguette's ``codebook.xlsx``) and
REFI-QDA codebooks (``.qdc``, Taguette's included) are read by :mod:`.codebook`
itself, which calls this module first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import InputError


def special_codebook_reader(path: Path) -> Callable | None:
    """The reader for a codebook kept by a QDA program at ``path``, or None for the other kinds."""
    from .qualcoder_project import is_project_folder, read_codebook as read_qualcoder

    if is_project_folder(path):
        return read_qualcoder
    if not path.is_file():
        return None
    return {".sqlite3": read_taguette, ".qda": read_qualcoder}.get(path.suffix.lower())


def read_taguette(path: Path):
    """The tags of a Taguette project file, with their descriptions as definitions."""
    from ..codings.codebook import Codebook, CodeDefinition
    from .sqlite import open_read_only, table_names

    with open_read_only(path) as connection:
        tables = table_names(connection)
        if "tags" not in tables:
            raise InputError(
                f"codebook {path} is not a Taguette project (no tags table); give Taguette's codebook export"
            )
        rows = connection.execute("SELECT path, description FROM tags ORDER BY id").fetchall()
    if not rows:
        raise InputError(f"codebook {path} holds no tags; create the tags in Taguette first")
    codes = tuple(CodeDefinition(name, (description or "").strip()) for name, description in rows)
    return Codebook(codes, source=str(path))
