"""Readers: every supported input → the canonical table (:class:`reliability.codings.model.Codings`)."""

from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path

from typing import TYPE_CHECKING, Callable

from ..codings.options import ReadOptions
from ..errors import CodebookAmongInputs, InputError, UsageError
from ..files import unusable

if TYPE_CHECKING:
    from ..codings.model import Codings
    from ..progress import Progress

TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
INPUT_SUFFIXES = (*TABLE_SUFFIXES, ".xlsx", ".qdpx", ".qde", ".sqlite3", ".qda")
"""Files read from a folder: delimited tables, Excel workbooks, REFI-QDA projects, Taguette and QualCoder projects."""


def load(inputs: list[str | Path], options: ReadOptions | None = None, progress: Progress | None = None) -> Codings:
    """Read coders' exports (files or folders of them) into one :class:`Codings`.

    Parameters
    ----------
    inputs : list of path
        Files, one per coder or one long file with a coder column, or folders whose
        .csv/.tsv/.txt/.xlsx/.qdpx/.qde/.sqlite3/.qda files are read; a QualCoder project
        folder (holding ``data.qda``). Exports of QDA programs (REFI-QDA projects,
        QualCoder, Taguette, Dedoose, MAXQDA, span files) are recognised by suffix and
        columns; their coded spans become units as ``options.units`` says. A codebook
        among the files is set aside with a notice (give it with ``--codebook``).
    options : ReadOptions, optional
        Column names, code separator, encoding, case folding, unit mode.
    progress : callable, optional
        Told the ``"reading"`` stage's progress (see :mod:`reliability.progress`):
        the bytes parsed, then building the table, which costs about as much.

    Raises
    ------
    InputError
        With a message naming the file, row or column and how to fix it.
    UsageError
        Span exports are mixed with tables of unit ids, or the unit mode does not suit them.
    """
    # Imported here so that the command line can read ReadOptions without pandas.
    from .build import build_codings
    from ..progress import Stage
    from .rows import Rows
    from .sources import overlap_notice, with_notice, with_sources

    options = options or ReadOptions()
    files, notices = expand_inputs([Path(p) for p in inputs])
    sizes = [path.stat().st_size for path in files]
    # Parsing the bytes is the first half; building the table from the rows costs about as much.
    stage = Stage(progress, "reading", 2 * sum(sizes))
    tables, span_tables = [], []
    for path, size in zip(files, sizes):
        done = stage.part(size)
        try:
            read, more = read_input(path, options, done)
        except CodebookAmongInputs as exc:
            notices.append(str(exc))
            continue
        done(1.0)  # readers that cannot tell their progress jump here
        notices.extend(n for n in more if n not in notices)
        (tables if isinstance(read, Rows) else span_tables).append(read)
    if not tables and not span_tables:
        raise InputError(f"no coder's export among the inputs: {notices[-1]}")
    _check_stems([*tables, *span_tables])
    if span_tables and tables:
        raise UsageError(
            f"{span_tables[0].source} holds coded spans of a QDA program and {tables[0].source} holds units with "
            "ids; they cannot be compared together: give the exports of one program (or tables of unit ids) only"
        )
    if span_tables:
        from .spans import codings_from_spans  # the span machinery loads only when a file holds spans

        codings = codings_from_spans(span_tables, options, notices)
        accounting = with_sources(codings.accounting, span_tables)
    else:
        if options.units is not None:
            notices.append(f"--units {options.units} was not used: it applies to coded spans, and the inputs have unit ids")
        codings = build_codings(
            tables, ignore_case=options.ignore_case, notices=notices, built=lambda share: stage.reach(0.5 + share / 2)
        )
        accounting = with_notice(with_sources(codings.accounting, tables), overlap_notice(codings, tables))
    stage.finish()
    # Replaced once: every replace checks the whole table again (Codings.__post_init__).
    return replace(codings, accounting=accounting, read=options)


def read_input(path: Path, options: ReadOptions, done: Callable[[float], None] | None = None):
    """Read one file: REFI-QDA projects and workbooks by suffix, delimited files by their header.

    ``done``, when given, is told the share of a delimited file's reading done (0 to 1).

    Returns
    -------
    Rows or SpanTable
        Rows for tables of units with ids; a SpanTable for exports of coded spans.
    list of str
        Notices about the file.
    """
    from .delimited import read_delimited
    from .qda import csv_table, read_export, sniff_shape
    from .qualcoder_project import is_project_folder
    from .taguette import refuse_id_as_unit

    if is_project_folder(path):
        return _reader(".qda")(path, options)
    if path.suffix.lower() in _BY_SUFFIX:
        return _reader(path.suffix.lower())(path, options)
    shape = sniff_shape(path, replace(options, unit_col=None))
    if shape == "taguette":
        refuse_id_as_unit(path, options)
    if shape is not None and (options.unit_col is None or shape == "codebook"):
        return read_export(csv_table(path, options), shape, options)
    return read_delimited(path, options, done=done), []


_BY_SUFFIX = {
    ".qdpx": ("refi", "read_refi"),
    ".qde": ("refi", "read_refi"),
    ".xlsx": ("excel", "read_workbook"),
    ".sqlite3": ("taguette", "read_project"),
    ".qda": ("qualcoder_project", "read_project"),
}
"""The reader of each file kind known by its suffix, as (module, function): a module is
imported only when a file of its kind is read."""


def _reader(suffix: str) -> Callable:
    module, function = _BY_SUFFIX[suffix]
    return getattr(importlib.import_module(f".{module}", __package__), function)


def expand_inputs(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The files to read, folders expanded; and notices of files skipped in folders."""
    if not paths:
        raise InputError("no input given; name the coders' files or a folder of them")
    from .qualcoder_project import is_project_folder

    files: list[Path] = []
    notices: list[str] = []
    for path in paths:
        if path.is_dir() and not is_project_folder(path):
            entries = sorted(p for p in path.iterdir() if not p.name.startswith("."))
            problems = {p: unusable(p) for p in entries}
            inside = [p for p in entries if problems[p] is None or is_project_folder(p)]
            tables = [p for p in inside if p.suffix.lower() in INPUT_SUFFIXES or p.is_dir()]
            skipped = [p.name for p in inside if p not in tables]
            if skipped:
                kinds = "/".join(INPUT_SUFFIXES)
                notices.append(f"{path}: skipped files that are not {kinds}: {', '.join(skipped)}")
            # Sub-folders that are not QualCoder projects are not read (nor said to be); the rest is.
            broken = [f"{p.name} ({why})" for p, why in problems.items() if why not in (None, "a folder")]
            if broken:
                notices.append(f"{path}: skipped entries that cannot be read: {', '.join(broken)}")
            notices.extend(
                f"{p}: a REFI-QDA codebook, not a coder's export; a codebook is given with --codebook {p}"
                for p in inside
                if p.suffix.lower() == ".qdc"
            )
            if not tables:
                raise InputError(
                    f"{path} holds no .csv, .tsv or .txt files (nor .xlsx workbooks, .qdpx/.qde projects, "
                    "Taguette .sqlite3 or QualCoder .qda projects); export the codings as CSV into it"
                )
            files.extend(tables)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder; check the path")
    seen: dict[Path, Path] = {}
    for path in files:
        resolved = path.resolve()
        if resolved in seen:
            raise InputError(f"{path} is given twice (also as {seen[resolved]}); give each file once")
        seen[resolved] = path
    return files, notices


def _check_stems(inputs) -> None:
    """Two files without a coder column must not name the same coder by their stem."""
    from .rows import Rows

    by_coder: dict[str, str] = {}
    for r in inputs:
        if not r.coder_from_file_name:
            continue
        coders = (r.records if isinstance(r, Rows) else r.spans)["coder"].unique()
        for coder in coders:
            if coder in by_coder and by_coder[coder] != r.source:
                raise InputError(
                    f"{r.source} and {by_coder[coder]} both hold coder '{coder}'; rename one file "
                    "(the file name is the coder's name) or add a coder column"
                )
            by_coder[coder] = r.source


__all__ = ["ReadOptions", "load"]
