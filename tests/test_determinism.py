"""Determinism: the same input gives byte-identical output, whatever the order of files and rows.

The ordering rules (module docstring of :mod:`reliability.readers.build`, README
"Inputs"): units, coders and codes in natural order; duplicates counted, not
picked by position; a unit's text and a coder's notes chosen by coder order and
the text itself; files and notices sorted. The data below exercises each rule:
several files, one coder in two files, duplicates, an empty row beside coded
ones, blank lines, texts and notes, ids differing in case, spaces and leading
zeros, multi-label cells.
"""

from __future__ import annotations

import csv
import json
import io
import random
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability.cli import main
from reliability.readers.natural import natural_key, natural_order, natural_sorted

FILES = {
    "lead.csv": [
        ["section", "codes", "text", "note"],
        ["S1", "Role; Team", "Text one", "boundary unclear"],
        ["S2", "Access", "Text two", ""],
        ["S10", "", "Text ten", ""],
        ["S3", "Team;Access", "Text three", "second thoughts"],
        ["S3", "Role", "Text three", "on reflection"],
        [" S4 ", "Cost", "Text four", ""],
        ["007", "Access", "", ""],
        ["", "", "", ""],
        ["S2", "Access", "Text two", ""],
    ],
    "KO.csv": [
        ["section", "codes", "text", "note"],
        ["S1", "Role", "Text one, again", ""],
        ["S2", "Cost", "Text two", "unsure"],
        ["S10", "Team", "", ""],
        ["S3", "Access", "", ""],
        ["S4", "Cost; Role", "", ""],
        ["7", "Access", "", ""],
        ["s1", "Team", "", ""],
    ],
    "batch.csv": [
        ["unit", "coder", "code", "note"],
        ["S1", "SLG", "Role", "looks like Team too"],
        ["S1", "SLG", "Team", "looks like Team too"],
        ["S2", "SLG", "", ""],
        ["S2", "SLG", "Access", ""],
        ["S3", "SLG", "Access", ""],
        ["S3", "SLG", "Access", ""],
        ["S10", "SLG", "Team", ""],
        ["S4", "lead", "Waiting", ""],
    ],
}
"""Three files: two per-coder files and a long file that adds SLG and more codes for lead."""


def write(folder: Path, shuffle: random.Random | None) -> list[Path]:
    """The files, rows shuffled (header first) when asked; returned in file-name order."""
    paths = []
    for name, (header, *rows) in FILES.items():
        rows = list(rows)
        if shuffle is not None:
            shuffle.shuffle(rows)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([header, *rows])
        path = folder / name
        path.write_text(out.getvalue(), encoding="utf-8")
        paths.append(path)
    return sorted(paths)


INTERVALS = ("--ci", "--bootstrap", "20", "--seed", "3")
OUTPUTS = [
    *((fmt, extra) for fmt in ("table", "json", "markdown") for extra in ((), ("--disagreements", "--matrix", *INTERVALS))),
    ("csv", ()),
    ("csv", ("--disagreements", *INTERVALS)),  # with --format csv, the disagreement list
    ("csv", ("--matrix",)),  # … or the confusion matrix
]


LOCATED = re.compile(r" \([^()]* rows? \d[^()]*\)$", re.MULTILINE)
"""Where ignored rows are (`` (lead.csv row 9; …)``): row numbers are positions, which shuffling moves."""


def without_row_numbers(text: str, fmt: str) -> str:
    """The output less the one thing that must follow the rows' order: the ignored rows' numbers."""
    if fmt != "json":
        return LOCATED.sub("", text)
    document = json.loads(text)
    for ignored in document["input"]["ignored"]:
        ignored.pop("rows_at")
    return json.dumps(document)


@pytest.mark.parametrize("fmt, extra", OUTPUTS, ids=[f"{fmt} {' '.join(extra[:2])}".strip() for fmt, extra in OUTPUTS])
def test_same_input_same_bytes_whatever_the_order(tmp_path, fmt, extra):
    def report(paths: list[Path]) -> str:
        result = CliRunner().invoke(main, ["compare", *map(str, paths), "--format", fmt, *extra])
        assert result.exit_code == 0, result.output
        return without_row_numbers(result.stdout, fmt)

    first = report(write(tmp_path, shuffle=None))
    for seed in (1, 2):
        paths = write(tmp_path, shuffle=random.Random(seed))  # same names, rows in another order
        assert report(paths[::-1]) == first
        assert report(paths[1:] + paths[:1]) == first


def test_ignored_rows_are_named_the_same_whatever_the_order_of_files(tmp_path):
    """Rows in place, files in another order: the same rows are named as ignored (file, then row)."""
    def located(paths: list[Path]) -> list:
        result = CliRunner().invoke(main, ["compare", *map(str, paths), "--format", "json"])
        return [i["rows_at"] for i in json.loads(result.stdout)["input"]["ignored"]]

    paths = write(tmp_path, shuffle=None)
    first = located(paths)
    assert any(first)
    assert located(paths[::-1]) == first == located(paths[1:] + paths[:1])


def test_the_data_exercises_every_ordering_rule(tmp_path):
    """The test above would prove little if the data had no duplicates, notices, texts or notes."""
    result = CliRunner().invoke(main, ["compare", *map(str, write(tmp_path, None)), "--format", "json"])
    doc = json.loads(result.stdout)
    reasons = {i["reason"] for i in doc["input"]["ignored"]}
    assert {"blank line", "no code, but the coder applied codes to this unit in another row"} <= reasons
    assert any(r.startswith("duplicate") for r in reasons)
    notices = "\n".join(doc["input"]["notices"])
    for fragment in ("surrounding spaces", "case or leading zeros", "coder 'lead' is in 2 files"):
        assert fragment in notices
    assert doc["input"]["multi_label"] is True


# --- natural order ------------------------------------------------------------------

NAMES = st.text(st.sampled_from(list("aAbB_ -.0123456789é٣")), max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, unique=True, max_size=40))
def test_natural_order_is_the_order_of_natural_key(values):
    order = natural_order(np.array(values, dtype=object))
    assert [values[i] for i in order] == sorted(values, key=natural_key)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(st.sampled_from(list("a1.")), min_size=45, max_size=60), unique=True, min_size=2, max_size=8))
def test_natural_order_of_values_with_many_numbers(values):
    """Values with more numbers than are ranked column-wise (e.g. '1.1.1.…') are ranked one by one."""
    assert natural_sorted(values) == sorted(values, key=natural_key)


def test_natural_order_by_hand():
    # hand: numbers by value, text without case, then spelling: '007' before '7', 'S2' before 's2'
    assert natural_sorted(["S10", "s2", "7", "S2", "007", "S1b", "S1a", "10", "S1"]) == [
        "007", "7", "10", "S1", "S1a", "S1b", "S2", "s2", "S10",
    ]


def test_seeded_intervals_on_an_ordered_scale_are_the_same_bytes_run_to_run(tmp_path):
    # The ordered-scale figures take their resamples from the draw every figure shares; rows in
    # another order still give the same units, the same draws and the same bytes.
    from paths import REFERENCE

    source = (REFERENCE / "krippendorff_c.csv").read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "shuffled.csv"
    body = source[1:]
    random.Random(5).shuffle(body)
    shuffled.write_text("\n".join([source[0], *body]) + "\n", encoding="utf-8")

    def report(path: Path, seed: str) -> str:
        args = ["compare", str(path), "--scale", "ordinal", "--ci", "--bootstrap", "200", "--seed", seed, "--format", "json"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        return result.stdout

    def figures(text: str) -> str:  # the input's file name aside
        document = json.loads(text)
        return json.dumps([document["overall"], document["pairs"], document["codes"]])

    first = report(REFERENCE / "krippendorff_c.csv", "3")
    assert first == report(REFERENCE / "krippendorff_c.csv", "3")
    assert figures(first) == figures(report(shuffled, "3"))
    assert json.loads(first)["overall"]["gwet_ac2"]["ci"] != json.loads(report(shuffled, "4"))["overall"]["gwet_ac2"]["ci"]
