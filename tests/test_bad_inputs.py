"""Bad and awkward inputs: a clear answer for each, and no row lost (issue #7).

The corpus is ``tests/bad_inputs/`` (one folder per case; ``cases.toml`` says what
each must give). Inputs too large or too binary to keep in the repository are
made here at run time. Every case runs through the command line: no traceback,
the exit code, the message on stderr; for accepted inputs the figures, and the
accounting ``rows_read == rows_used + ignored`` in the JSON and in the table.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from click.testing import CliRunner

from reliability.cli import main
from reliability.errors import InputError
from reliability.limits import MAX_CODES, MAX_FIELD_CHARS, MAX_FILE_BYTES, MAX_TABLE_CELLS
from reliability.readers import ReadOptions, load
from reliability.readers.text import read_bytes, read_text

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]


OPTIONS = {"--encoding": "encoding", "--code-col": "code_col"}
"""The reader options the cases use, by command-line name."""


def run(inputs: list[Path], args: list[str], fmt: str):
    return CliRunner().invoke(main, ["compare", *map(str, inputs), *args, "--format", fmt])


def read_options(args: list[str]) -> ReadOptions:
    """The ReadOptions that the command-line options of a case stand for."""
    named = dict(zip(args[::2], args[1::2]))
    return ReadOptions(**{OPTIONS[option]: value for option, value in named.items()})


def check(inputs: list[Path], args: list[str], exit_code: int, fragments: list[str], expect: dict | None) -> None:
    """Run the command on the inputs and check everything the case promises."""
    result = run(inputs, args, "json")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == exit_code, result.output
    for fragment in fragments:
        assert fragment in result.stderr
    if exit_code == 2:
        assert result.stdout == ""
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
        return
    if not fragments:
        assert result.stderr == ""
    doc = json.loads(result.stdout)
    found = doc["input"]
    ignored = {i["reason"]: i["rows"] for i in found["ignored"]}
    assert found["rows_read"] == found["rows_used"] + sum(ignored.values())
    assert found["rows_read"] == expect["rows_read"] and found["rows_used"] == expect["rows_used"]
    assert ignored == expect["ignored"]
    assert found["units"] == len(expect["units"]) and found["coders"] == expect["coders"]
    assert found["codes"] == expect["codes"]
    assert list(load(inputs, read_options(args)).units) == expect["units"]
    assert doc["overall"]["percent_agreement"]["value"] == pytest.approx(expect["percent_agreement"], abs=1e-4)
    for name in expect.get("undefined", []):
        assert doc["overall"][name]["value"] is None and doc["overall"][name]["note"]

    table = run(inputs, args, "table")
    assert table.exit_code == 0
    assert f"{found['rows_read']} rows read, {found['rows_used']} used, {sum(ignored.values())} ignored" in table.stdout
    for reason, rows in ignored.items():
        assert f"ignored {rows} row{'s' if rows != 1 else ''}: {reason}" in table.stdout


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_corpus(case):
    folder = CORPUS / case["name"]
    check(
        [folder / name for name in case["inputs"]],
        case.get("args", []),
        case["exit"],
        case["stderr"],
        case.get("expect"),
    )


def test_corpus_has_at_least_thirty_files_and_every_folder_is_a_case():
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert folders <= {case["name"] for case in CASES}
    assert sum(1 for p in CORPUS.rglob("*") if p.is_file() and p.name != "cases.toml") >= 30


def test_leading_zero_ids_stay_apart_in_the_report():
    case = next(c for c in CASES if c["name"] == "leading_zeros")
    doc = json.loads(run([CORPUS / case["name"] / n for n in case["inputs"]], [], "json").stdout)
    # hand: a coded 007, 7, 010; b coded 7, 10, 007 → a lacks 10, b lacks 010
    assert doc["input"]["missing"] == {"a": {"count": 1, "first": ["10"]}, "b": {"count": 1, "first": ["010"]}}


# --- inputs made at run time ---------------------------------------------------------


def _other_coder(folder: Path) -> Path:
    path = folder / "b.csv"
    path.write_text("unit,code\nU1,x\n", encoding="utf-8")
    return path


def _binary(folder: Path) -> list[Path]:
    path = folder / "a.csv"
    path.write_bytes(np.random.default_rng(7).bytes(4096))
    return [path, _other_coder(folder)]


def _workbook(folder: Path) -> list[Path]:
    import openpyxl  # a test dependency

    book = openpyxl.Workbook()
    for row in (("unit", "code"), ("U1", "x")):
        book.active.append(row)
    path = folder / "a.csv"
    book.save(path)
    return [path, _other_coder(folder)]


def _long_text(length: int) -> Callable[[Path], list[Path]]:
    def make(folder: Path) -> list[Path]:
        path = folder / "a.csv"
        path.write_text(f"unit,code,text\nU1,x,{'é' * length}\nU2,y,short\n", encoding="utf-8")
        other = folder / "b.csv"
        other.write_text("unit,code\nU1,x\nU2,x\n", encoding="utf-8")
        return [path, other]

    return make


def _distinct_codes(n_units: int, n_codes: int) -> Callable[[Path], list[Path]]:
    """Two coders who give unit i the code c{i mod n_codes}."""

    def make(folder: Path) -> list[Path]:
        rows = "".join(f"U{i},c{i % n_codes}\n" for i in range(n_units))
        paths = [folder / "a.csv", folder / "b.csv"]
        for path in paths:
            path.write_text("unit,code\n" + rows, encoding="utf-8")
        return paths

    return make


def _sparse(folder: Path) -> list[Path]:
    path = folder / "a.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1024 * 1024)  # a hole: no disk space used
    return [path, _other_coder(folder)]


@dataclass(frozen=True)
class Made:
    name: str
    make: Callable[[Path], list[Path]]
    exit: int
    stderr: list[str]
    expect: dict | None = None
    args: list[str] = field(default_factory=list)


MADE = [
    Made("binary_data", _binary, 2, ["a.csv is not a text file (it holds binary data); export the coding as CSV"]),
    Made(
        "xlsx_renamed_to_csv", _workbook, 2, ["a.csv is a zip archive or an Excel workbook (.xlsx", "save it as CSV (UTF-8)"]
    ),
    Made(
        "cell_of_a_million_characters",
        _long_text(MAX_FIELD_CHARS),
        0,
        [],
        # hand: U1 x/x, U2 y/x
        dict(
            units=["U1", "U2"], coders=["a", "b"], codes=["x", "y"],
            rows_read=4, rows_used=4, ignored={}, percent_agreement=0.5,
        ),
    ),
    Made(
        "cell_past_the_limit",
        _long_text(MAX_FIELD_CHARS + 1),
        2,
        [
            f"a.csv, row 2, column 'text': a cell of {MAX_FIELD_CHARS + 1:,} characters, more than the {MAX_FIELD_CHARS:,}",
            "stray quote mark",
        ],
    ),
    Made(
        "hundreds_of_distinct_codes",
        _distinct_codes(300, 300),
        0,
        [],
        # hand: both coders give every unit the same single code
        dict(
            units=[f"U{i}" for i in range(300)], coders=["a", "b"], codes=[f"c{i}" for i in range(300)],
            rows_read=600, rows_used=600, ignored={}, percent_agreement=1.0,
        ),
    ),
    Made(
        "more_codes_than_the_limit",
        _distinct_codes(MAX_CODES + 1, MAX_CODES + 1),
        2,
        [f"the input has {MAX_CODES + 1:,} distinct codes, more than the {MAX_CODES:,} allowed", "--code-col"],
    ),
    Made(
        "table_past_the_limit",
        # 2 coders × 2,000 codes × just enough units to pass the limit
        _distinct_codes(MAX_TABLE_CELLS // (2 * 2000) + 1, 2000),
        2,
        [f"more than the {MAX_TABLE_CELLS:,} one comparison may have; compare fewer units or codes at a time"],
    ),
    Made("file_past_the_size_limit", _sparse, 2, ["a.csv is 513 MiB, more than the 512 MiB one input file may have"]),
]


@pytest.mark.parametrize("case", MADE, ids=[case.name for case in MADE])
def test_made_at_run_time(case, tmp_path):
    check(case.make(tmp_path), case.args, case.exit, case.stderr, case.expect)


def test_a_million_character_cell_is_read_whole(tmp_path):
    codings = load(_long_text(MAX_FIELD_CHARS)(tmp_path))
    assert codings.texts["U1"] == "é" * MAX_FIELD_CHARS and codings.texts["U2"] == "short"


def test_thousands_of_distinct_codes_are_read(tmp_path):
    """The readers take 5,000 codes in stride (the whole comparison is left to the CLI case above)."""
    codings = load(_distinct_codes(5000, 5000)(tmp_path))
    assert codings.codes[:3] == ("c0", "c1", "c2") and codings.codes[-1] == "c4999"  # natural order
    assert codings.applied.shape == (5000, 2, 5000)
    # hand: every unit has the same one code from both coders
    assert codings.applied.sum() == 10000 and (codings.applied[:, 0] == codings.applied[:, 1]).all()
    assert (codings.accounting.rows_read, codings.accounting.rows_used) == (10000, 10000)


# --- the text layer, below the command line -------------------------------------------


@pytest.mark.parametrize(
    "start, kind",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls)"),
        (b"\x1f\x8b\x08\x00", "a gzip-compressed file"),
        (b"{\\rtf1\\ansi", "a Word (RTF) document"),
    ],
)
def test_other_kinds_of_file_are_named(tmp_path, start, kind):
    path = tmp_path / "a.csv"
    path.write_bytes(start + b"unit,code\n")
    with pytest.raises(InputError, match=rf"a.csv is {kind.replace('(', '[(]').replace(')', '[)]')}, not a CSV file"):
        read_text(path)


def test_utf32_with_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("unit,code\nU1,café\n".encode("utf-32"))
    assert read_text(path) == "unit,code\nU1,café\n"


def test_broken_utf16_names_the_line(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("unit\tcode\nU1\tx\n".encode("utf-16") + b"\x00\xd8")  # a lone surrogate at the end
    with pytest.raises(InputError, match=r"a.txt is not valid utf-16 \(byte 0x00 on line 3\); save it again as UTF-8"):
        read_text(path)


def test_named_encoding_that_does_not_fit(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("unit,code\nU1,café\n".encode("utf-8"))
    with pytest.raises(InputError, match=r"a.csv is not valid ascii \(byte 0xc3 on line 2\); check --encoding"):
        read_text(path, "ascii")


def test_byte_order_mark_goes_with_a_named_encoding(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("unit,code\n".encode("utf-8-sig"))
    assert read_text(path, "utf-8") == "unit,code\n"


def test_a_pipe_is_not_read(tmp_path):
    pipe = tmp_path / "a.csv"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match=r"a.csv is not a regular file \(a device, pipe or socket\)"):
        read_bytes(pipe)


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(InputError, match=r"is a folder; give its files or the folder itself as input"):
        read_bytes(tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"a.csv: no such file; check the path"):
        read_bytes(tmp_path / "a.csv")
