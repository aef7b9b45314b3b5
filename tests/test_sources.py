"""What the report says it used, unit ids that barely overlap, and plain tables in workbooks."""

from __future__ import annotations

import csv
import json

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from reliability.cli import main
from reliability.readers import ReadOptions, load

from paths import GILLARD_CODERS


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def csv_rows(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_plain_workbooks_read_exactly_as_the_same_csvs(tmp_path):
    """Gillard's per-coder section,codes tables, saved as .xlsx, give the same table as the CSVs."""
    (tmp_path / "xlsx").mkdir()
    for path in sorted(GILLARD_CODERS.glob("*.csv")):
        write_xlsx(tmp_path / "xlsx" / f"{path.stem}.xlsx", csv_rows(path))
    from_csv, from_xlsx = load([GILLARD_CODERS]), load([tmp_path / "xlsx"])
    assert from_xlsx.units == from_csv.units and from_xlsx.coders == from_csv.coders
    assert from_xlsx.codes == from_csv.codes
    assert np.array_equal(from_xlsx.applied, from_csv.applied) and np.array_equal(from_xlsx.seen, from_csv.seen)
    assert from_xlsx.accounting.rows_read == from_csv.accounting.rows_read


def test_workbook_keeps_row_numbers_in_messages(tmp_path):
    rows = [["unit", "code"], ["1", "a"], [None, None], ["", "b"]]
    book = write_xlsx(tmp_path / "ana.xlsx", rows)
    same = write_csv(tmp_path / "ana.csv", [[c or "" for c in r] for r in rows])
    a = load([book, write_csv(tmp_path / "ben.csv", [["unit", "code"], ["1", "a"]])])
    b = load([same, tmp_path / "ben.csv"])
    def located(codings):  # the file names differ (ana.xlsx, ana.csv); reasons, counts and rows must not
        return [(i.reason, i.rows, [row for _, row in i.rows_at]) for i in codings.accounting.ignored]

    assert located(a) == located(b)
    assert ("no unit id", 1, [4]) in located(a)  # the spreadsheet's row 4 (header = row 1)


def test_unit_ids_that_barely_overlap_are_warned(tmp_path):
    """Per-file numbers: each coder's highlights numbered in their own file, few ids shared."""
    write_csv(tmp_path / "ana.csv", [["id", "code"], ["1", "a"], ["2", "b"], ["3", "a"]])
    write_csv(tmp_path / "ben.csv", [["id", "code"], ["3", "a"], ["4", "b"], ["5", "b"]])
    codings = load([tmp_path])
    warning = next(n for n in codings.accounting.notices if "probably not the same units" in n)
    assert warning.startswith("only 1 of 5 units (20%) were coded by two coders or more (unit column: 'id')")
    assert "highlight or row numbers" in warning


def test_shared_units_give_no_overlap_warning():
    codings = load([GILLARD_CODERS])
    assert not any("probably not the same units" in n for n in codings.accounting.notices)


def test_sources_name_columns_in_json_and_table(tmp_path):
    write_csv(tmp_path / "ana.csv", [["segment", "codes", "text"], ["s1", "a", "t"]])
    write_csv(tmp_path / "ben.csv", [["segment", "codes", "text"], ["s1", "b", "t"]])
    result = CliRunner().invoke(main, ["compare", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    source = json.loads(result.stdout)["input"]["sources"][0]
    assert {k: source[k] for k in ("format", "unit", "coder", "code", "text")} == {
        "format": "codes per unit",
        "unit": "segment",
        "coder": "file name",
        "code": "codes",
        "text": "text",
    }
    table = CliRunner().invoke(main, ["compare", str(tmp_path)]).stdout
    assert "unit: segment; coder: file name; code: codes; text: text" in table


def test_long_file_names_its_coder_column(tmp_path):
    write_csv(tmp_path / "all.csv", [["unit", "rater", "label"], ["u1", "ana", "a"], ["u1", "ben", "a"]])
    (source,) = load([tmp_path / "all.csv"]).accounting.sources
    assert source.roles() == {"unit": "unit", "coder": "rater", "code": "label", "text": None}


@pytest.mark.parametrize("header", [["code", "definition"], ["Tag", "Description", "Number of highlights"]])
def test_a_codebook_alone_is_not_read_as_a_coder(tmp_path, header):
    write_csv(tmp_path / "codes.csv", [header, ["a", "the a code"]])
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "codes.csv")])
    assert result.exit_code == 2
    assert "is a codebook" in result.stderr and "--codebook" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("header", [["code_name", "description"], ["code", "desc"]])
def test_every_header_taken_for_a_codebook_among_inputs_reads_with_the_codebook_option(tmp_path, header):
    # The hint "give it with --codebook" must lead somewhere: --codebook reads what was set aside.
    write_csv(tmp_path / "codes.csv", [header, ["a", "the a code"]])
    hinted = CliRunner().invoke(main, ["compare", str(tmp_path / "codes.csv")])
    assert hinted.exit_code == 2 and "--codebook" in hinted.stderr
    write_csv(tmp_path / "ann.csv", [["unit", "code"], ["U1", "a"]])
    write_csv(tmp_path / "bob.csv", [["unit", "code"], ["U1", "a"]])
    followed = CliRunner().invoke(
        main, ["compare", str(tmp_path / "ann.csv"), str(tmp_path / "bob.csv"), "--codebook", str(tmp_path / "codes.csv")]
    )
    assert followed.exit_code == 0, followed.stderr


def test_unit_col_on_a_workbook_reads_it_as_a_plain_table(tmp_path):
    rows = [["Document name", "Code", "Begin", "End"], ["d", "a", "1", "2"]]
    write_xlsx(tmp_path / "ana.xlsx", rows)
    write_xlsx(tmp_path / "ben.xlsx", rows)
    codings = load([tmp_path], ReadOptions(unit_col="Begin"))
    assert codings.units == ("1",) and codings.coders == ("ana", "ben")
