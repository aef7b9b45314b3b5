"""QualCoder projects: the project folder (``<name>.qda/``) or its SQLite file ``data.qda``.

QualCoder keeps every coder's work in one project: each coding row carries its
``owner`` (the coder's name as set in QualCoder's settings). The tables used are
those QualCoder creates for a new project (``src/qualcoder/__main__.py`` in
QualCoder's repository, the ``CREATE TABLE`` statements of a new project):

* ``source(id, name, fulltext, …)``: each document and its text;
* ``code_text(ctid, cid, fid, seltext, pos0, pos1, owner, date, memo, …)``: one row per
  coded stretch of text; ``pos0``/``pos1`` are character positions in
  ``source.fulltext``, end exclusive; ``seltext`` is the coded text;
* ``code_name(cid, name, memo, …, supercid)``: the codes, ``memo`` their description.

Every owner is a coder; spans come with their text, so every ``--units`` mode
works. Images and audio/video codings (``code_image``, ``code_av``) have no text
positions and are counted in a notice, not read. The file is opened read-only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..codings.options import ReadOptions

DATA_FILE = "data.qda"
PROJECT_TABLES = frozenset({"source", "code_text", "code_name"})

NO_OWNER = "coding has no owner (coder)"
NOT_TEXT = "coding points to a source without text"
BAD_POSITION = "pos0/pos1 are not positions in the source's text"


def is_project_folder(path: Path) -> bool:
    """True for a QualCoder project folder: a folder holding ``data.qda``."""
    return path.is_dir() and (path / DATA_FILE).is_file()


def project_file(path: Path) -> Path:
    """The SQLite file of a project given as its folder or as the file itself."""
    return path / DATA_FILE if path.is_dir() else path


def read_project(path: Path, options: ReadOptions):
    """Every owner's text codings in a QualCoder project, as coded spans with the documents' text.

    Returns
    -------
    SpanTable
        One span per ``code_text`` row; ``texts`` holds each text source's ``fulltext``.
    list of str
        Notices (codings whose ``seltext`` differs from the text at their positions,
        image and audio/video codings that were not read).

    Raises
    ------
    InputError
        The file is not a QualCoder project.
    """
    from .spans import SpanTable, span_frame
    from .sqlite import open_read_only, table_names

    database = project_file(path)
    with open_read_only(database) as connection:
        tables = table_names(connection)
        if not PROJECT_TABLES <= tables:
            raise InputError(
                f"{database} is not a QualCoder project (no {', '.join(sorted(PROJECT_TABLES - tables))} table); "
                "give the project folder (<name>.qda) or the data.qda file inside it"
            )
        sources = pd.read_sql_query("SELECT id, name, fulltext FROM source", connection)
        codings = pd.read_sql_query(
            "SELECT ct.fid, ct.pos0, ct.pos1, COALESCE(ct.owner, '') AS owner, COALESCE(cn.name, '') AS code, "
            "COALESCE(ct.seltext, '') AS seltext, COALESCE(ct.memo, '') AS memo "
            "FROM code_text ct LEFT JOIN code_name cn ON cn.cid = ct.cid ORDER BY ct.fid, ct.pos0, ct.pos1, ct.owner",
            connection,
        )
        media = [t for t in ("code_image", "code_av") if t in tables]
        other = {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in media}
    texts = {name: text for name, text in zip(sources["name"], sources["fulltext"]) if isinstance(text, str)}
    name_of = dict(zip(sources["id"], sources["name"]))
    document = codings["fid"].map(name_of)
    length = document.map(lambda d: len(texts[d]) if d in texts else -1).to_numpy(dtype=np.int64)
    start = pd.to_numeric(codings["pos0"], errors="coerce").to_numpy(dtype=float)
    end = pd.to_numeric(codings["pos1"], errors="coerce").to_numpy(dtype=float)
    owner = codings["owner"].astype(str).str.strip().to_numpy(dtype=object)
    no_owner = owner == ""
    not_text = ~no_owner & (length < 0)
    bad = ~no_owner & ~not_text & ~((start >= 0) & (end > start) & (end <= length))
    kept = ~(no_owner | not_text | bad)
    first, last = start[kept].astype(np.int64), end[kept].astype(np.int64)
    names = document[kept].to_numpy(dtype=object)
    selected = np.array([texts[d][s:e] for d, s, e in zip(names, first, last)], dtype=object)
    notices = []
    differs = int((selected != codings["seltext"].to_numpy(dtype=object)[kept]).sum())
    if differs:
        notices.append(
            f"{database}: {differs} coding(s) hold a coded text (seltext) that differs from the document's text at "
            "their positions; positions were used (the document may have been edited after coding)"
        )
    for table, n in other.items():
        if n:
            notices.append(
                f"{database}: {n} {table} codings (images, audio or video) have no text positions and were not read"
            )
    table = SpanTable(
        source=str(path),
        shape="QualCoder project (code_text rows: owner as coder, pos0/pos1 in source.fulltext)",
        rows_read=len(codings),
        spans=span_frame(
            document=names,
            coder=owner[kept],
            start=first,
            end=last,
            code=codings["code"].to_numpy(dtype=object)[kept],
            text=selected,
            note=codings["memo"].to_numpy(dtype=object)[kept],
        ),
        ignored={
            reason: int(n)
            for reason, n in ((NO_OWNER, no_owner.sum()), (NOT_TEXT, not_text.sum()), (BAD_POSITION, bad.sum()))
            if n
        },
        texts=texts,
        used=(
            ("unit", "code_text.pos0/pos1 in source.fulltext"),
            ("coder", "code_text.owner"),
            ("code", "code_name.name"),
            ("text", "source.fulltext"),
            ("note", "code_text.memo"),
        ),
    )
    return table, notices


def read_codebook(path: Path):
    """The codes of a QualCoder project, ``code_name.memo`` as definitions, sub-codes under their parent code.

    Returns
    -------
    Codebook
    """
    from ..codings.codebook import Codebook, CodeDefinition
    from .sqlite import open_read_only

    database = project_file(path)
    with open_read_only(database) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(code_name)")}
        if "name" not in columns:
            raise InputError(f"codebook {database} is not a QualCoder project (no code_name table)")
        parent = "supercid" if "supercid" in columns else "NULL"
        query = f"SELECT cid, name, COALESCE(memo, ''), {parent} FROM code_name ORDER BY cid"
        rows = connection.execute(query).fetchall()
    names = {cid: name for cid, name, _, _ in rows}
    codes = tuple(CodeDefinition(name, memo.strip(), names.get(up)) for _, name, memo, up in rows)
    if not codes:
        raise InputError(f"codebook {database} holds no codes; create the codes in QualCoder first")
    return Codebook(codes, source=str(path))
