"""Readers: every supported input → the canonical table (:class:`reliability.codings.Codings`)."""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from ..errors import InputError
from .options import ReadOptions

if TYPE_CHECKING:
    from ..codings import Codings

TABLE_SUFFIXES = (".csv", ".tsv", ".txt")


def load(inputs: list[str | Path], options: ReadOptions | None = None) -> Codings:
    """Read coders' exports (files or folders of them) into one :class:`Codings`.

    Parameters
    ----------
    inputs : list of path
        Files, one per coder or one long file with a coder column, or folders whose
        .csv/.tsv/.txt files are read.
    options : ReadOptions, optional
        Column names, code separator, encoding, case folding.

    Raises
    ------
    InputError
        With a message naming the file, row or column and how to fix it.
    """
    # Imported here so that the command line can read ReadOptions without pandas.
    from .build import build_codings
    from .delimited import read_delimited

    options = options or ReadOptions()
    files, notices = expand_inputs([Path(p) for p in inputs])
    rows = [read_delimited(path, options) for path in files]
    _check_stems(rows)
    return build_codings(rows, ignore_case=options.ignore_case, notices=notices)


def expand_inputs(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The files to read, folders expanded; and notices of files skipped in folders."""
    if not paths:
        raise InputError("no input given; name the coders' files or a folder of them")
    files: list[Path] = []
    notices: list[str] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            tables = [p for p in inside if p.suffix.lower() in TABLE_SUFFIXES]
            skipped = [p.name for p in inside if p.suffix.lower() not in TABLE_SUFFIXES]
            if skipped:
                notices.append(f"{path}: skipped files that are not .csv/.tsv/.txt: {', '.join(skipped)}")
            if not tables:
                raise InputError(f"{path} holds no .csv, .tsv or .txt files; export the codings as CSV into it")
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


def _check_stems(rows) -> None:
    """Two files without a coder column must not name the same coder by their stem."""
    by_coder: dict[str, str] = {}
    for r in rows:
        if not r.coder_from_file_name:
            continue
        coders = r.records["coder"].unique()
        for coder in coders:
            if coder in by_coder and by_coder[coder] != r.source:
                raise InputError(
                    f"{r.source} and {by_coder[coder]} both hold coder '{coder}'; rename one file "
                    "(the file name is the coder's name) or add a coder column"
                )
            by_coder[coder] = r.source


__all__ = ["ReadOptions", "load"]
