"""Readers' round trip: any coding, written in every CSV shape, reads back as the same table.

Hypothesis draws codings (coders, units, code sets including empty ones, missing
units, texts and notes) made of awkward strings: commas, quotes, semicolons, tabs,
non-ASCII letters, emoji, formula-like and number-like text ("007", "nan", "=1+1").
Each is written as one file per coder, as one long file and as one wide file, with
a drawn delimiter, encoding and row order, and :func:`reliability.load` must give
back exactly the same units, coders, codes, code sets, texts and notes, with every
row used.

What a shape cannot hold is left out of the strategies, each for a stated reason:

* no id, name or code starts or ends with white space: the readers trim cells
  (README), so ``" a"`` reads back as ``"a"`` by design;
* no id, name or code holds a control character or a line break: the readers
  refuse them (they mean a stray quote or a wrong encoding, and would garble
  tables on a terminal); texts and notes may hold tabs and line breaks;
* no code holds ``;``: it separates the codes of one cell (``--code-sep``), in
  every shape but wide;
* in the wide shape a code is a column name, so it may not be a name the reader
  takes for the unit, coder, text or note column (``id``, ``Label``, …);
* for one file per coder the coder is the file's name, so those names are plain
  letters and digits, distinct ignoring case (case-insensitive file systems);
* texts and notes hold no control characters but tab and line breaks: the
  others, and NUL above all, mark a file as binary.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability.readers import load
from reliability.readers.natural import natural_sorted
from reliability.readers.delimited import column_key
from reliability.readers.options import COLUMN_NAMES

AWKWARD = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
    blacklist_characters=";",
) | st.sampled_from(list(',"\'=+-@|*_#0 é中🙂')) 
"""Characters of ids and codes: any printable character, often the troublesome ones."""

TEXT_CHARACTERS = AWKWARD | st.sampled_from(list(";\n\t\r"))

ROLE_NAMES = {name for names in COLUMN_NAMES.values() for name in names}


def _clean(text: str) -> bool:
    return text != "" and text == text.strip()


IDS = st.text(AWKWARD, min_size=1, max_size=6).filter(_clean)
CODES = IDS
FILE_NAMES = st.text(st.sampled_from("abcdefghijKLMNOPQ0123456789_é"), min_size=1, max_size=5)
TEXTS = st.text(TEXT_CHARACTERS, max_size=12).filter(lambda t: t == t.strip())


@dataclass(frozen=True)
class Coding:
    """A drawn coding, as plain Python."""

    sets: dict[str, dict[str, frozenset[str] | None]]
    """{coder: {unit: codes, or None where the coder did not code the unit}}"""
    texts: dict[str, str]
    notes: dict[tuple[str, str], str]
    codes: list[str]
    """The code list, including codes nobody applied (a wide file has a column for each)."""


@st.composite
def codings(draw, coder_names=IDS, wide: bool = False) -> Coding:
    """Codings in which every coder codes at least one unit and every unit is coded by some coder.

    (A coder or unit with no row in any file cannot be read back.)
    """
    coders = draw(st.lists(coder_names, min_size=2, max_size=4, unique_by=str.casefold))
    units = draw(st.lists(IDS, min_size=1, max_size=7, unique=True))
    code_names = CODES.filter(lambda c: column_key(c) not in ROLE_NAMES) if wide else CODES
    codes = draw(st.lists(code_names, min_size=1, max_size=5, unique=True))
    code_set = st.frozensets(st.sampled_from(codes), max_size=len(codes))
    sets = {coder: {unit: draw(st.none() | code_set) for unit in units} for coder in coders}
    for coder in coders:  # each coder codes something
        if all(value is None for value in sets[coder].values()):
            sets[coder][draw(st.sampled_from(units))] = draw(code_set)
    for unit in units:  # each unit is coded by someone
        if all(sets[coder][unit] is None for coder in coders):
            sets[draw(st.sampled_from(coders))][unit] = draw(code_set)
    texts = {unit: draw(TEXTS) for unit in units}
    notes = {(unit, coder): draw(TEXTS) for coder in coders for unit in units if sets[coder][unit] is not None}
    return Coding(sets, texts, notes, codes)


FORMATS = st.fixed_dictionaries(
    {
        "delimiter": st.sampled_from([",", ";", "\t"]),
        "encoding": st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
        "seed": st.randoms(use_true_random=False),
    }
)


def write(path: Path, header: list[str], rows: list[list[str]], fmt) -> Path:
    """A CSV file as a spreadsheet would save it, rows in a drawn order."""
    rows = list(rows)
    fmt["seed"].shuffle(rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=fmt["delimiter"], lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(fmt["encoding"]))
    return path


def per_coder_files(folder: Path, coding: Coding, fmt) -> list[Path]:
    """One file per coder (named after the coder), codes of a unit joined by ';' in one cell."""
    paths = []
    for coder, by_unit in coding.sets.items():
        rows = [
            [unit, ";".join(sorted(codes)), coding.texts[unit], coding.notes[unit, coder]]
            for unit, codes in by_unit.items()
            if codes is not None
        ]
        paths.append(write(folder / f"{coder}.csv", ["unit", "codes", "text", "note"], rows, fmt))
    return paths


def long_file(folder: Path, coding: Coding, fmt) -> list[Path]:
    """One row per applied code; a unit coded with no code gets one row with an empty code."""
    rows = []
    for coder, by_unit in coding.sets.items():
        for unit, codes in by_unit.items():
            if codes is not None:
                for code in sorted(codes) or [""]:
                    rows.append([unit, coder, code, coding.texts[unit], coding.notes[unit, coder]])
    return [write(folder / "long.csv", ["unit", "coder", "code", "text", "note"], rows, fmt)]


def wide_file(folder: Path, coding: Coding, fmt) -> list[Path]:
    """One row per coded (unit, coder), one presence column per code (1/0, x/blank, …)."""
    yes, no = fmt["seed"].choice([("1", "0"), ("x", ""), ("TRUE", "FALSE"), ("yes", "no")])
    rows = [
        [unit, coder, coding.texts[unit], coding.notes[unit, coder], *(yes if code in codes else no for code in coding.codes)]
        for coder, by_unit in coding.sets.items()
        for unit, codes in by_unit.items()
        if codes is not None
    ]
    return [write(folder / "wide.csv", ["unit", "coder", "text", "note", *coding.codes], rows, fmt)]


def assert_same_table(paths: list[Path], coding: Coding) -> None:
    codings = load(paths)
    units = list(next(iter(coding.sets.values())))
    applied = {code for by_unit in coding.sets.values() for codes in by_unit.values() if codes for code in codes}
    assert codings.units == tuple(natural_sorted(units))
    assert codings.coders == tuple(natural_sorted(coding.sets))
    assert codings.codes == tuple(natural_sorted(applied))
    read = {
        coder: {unit: codings.code_set(u, c) for u, unit in enumerate(codings.units)}
        for c, coder in enumerate(codings.coders)
    }
    assert read == coding.sets
    assert codings.texts == {unit: text for unit, text in coding.texts.items() if text}
    assert codings.notes == {key: note for key, note in coding.notes.items() if note}
    accounting = codings.accounting
    assert accounting.rows_read == accounting.rows_used and accounting.ignored == ()


ROUND_TRIP = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@ROUND_TRIP
@given(coding=codings(coder_names=FILE_NAMES), fmt=FORMATS)
def test_one_file_per_coder(tmp_path_factory, coding, fmt):
    folder = tmp_path_factory.mktemp("per_coder")
    assert_same_table(per_coder_files(folder, coding, fmt), coding)


@ROUND_TRIP
@given(coding=codings(), fmt=FORMATS)
def test_long_file(tmp_path_factory, coding, fmt):
    folder = tmp_path_factory.mktemp("long")
    assert_same_table(long_file(folder, coding, fmt), coding)


@ROUND_TRIP
@given(coding=codings(wide=True), fmt=FORMATS)
def test_wide_file(tmp_path_factory, coding, fmt):
    folder = tmp_path_factory.mktemp("wide")
    assert_same_table(wide_file(folder, coding, fmt), coding)
