"""Taguette's real exports (tests/fixtures/taguette, made by make_fixtures.py with Taguette 1.5.2).

Expected figures are the hand count in tests/fixtures/taguette/README.md.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import stat
from fractions import Fraction

import pytest
from click.testing import CliRunner

from reliability.cli import main
from reliability.readers.codebook import read_codebook
from reliability.errors import UsageError
from reliability.readers import ReadOptions, load
from reliability.readers.taguette import read_project

from paths import ROOT

TAGUETTE = ROOT / "tests" / "fixtures" / "taguette"
CSVS, XLSXS, PROJECTS, CODEBOOK = (TAGUETTE / f for f in ("highlights_csv", "highlights_xlsx", "projects", "codebook"))
CODERS = ("alice", "bob", "carol")


def run(*args):
    result = CliRunner().invoke(main, ["compare", *map(str, args)])
    return result


def report(*args) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def pairs(data: dict) -> dict:
    return {tuple(p["coders"]): p for p in data["pairs"]}


def assert_highlight_figures(data: dict) -> None:
    """The hand count of README.md, "Highlight tables"."""
    by_pair = pairs(data)
    assert data["input"]["units"] == 8  # P1–P4, S1, Q1–Q3
    ab = by_pair[("alice", "bob")]
    assert ab["n_units"] == 8
    assert ab["percent_agreement"]["value"] == pytest.approx(3 / 8)  # README: P1, S1, Q1 identical
    assert ab["shared_agreement"]["value"] == pytest.approx(4 / 8)  # README: … and P2 (workload)
    assert ab["cohen_kappa"]["value"] == pytest.approx(9 / 49)  # README: (3/8 − 15/64) / (1 − 15/64)
    assert ab["cohen_kappa"]["p_e"] == pytest.approx(15 / 64)
    for other in (("alice", "carol"), ("bob", "carol")):
        assert by_pair[other]["n_units"] == 5  # carol was given Interview 1 only: missing on Q1–Q3
        assert by_pair[other]["percent_agreement"]["value"] == pytest.approx(1 / 5)  # README: P3 / P4 only
    assert data["overall"]["percent_agreement"]["value"] == 0  # README: no unit identical for all three
    assert data["overall"]["percent_agreement"]["n_units"] == 5


def test_highlight_csvs_give_the_hand_counted_figures():
    data = report(CSVS)
    assert_highlight_figures(data)
    assert data["input"]["coders"] == list(CODERS)  # from the file names
    assert data["input"]["codes"] == ["access", "teamwork", "workload"]  # tags


def test_highlight_workbooks_read_exactly_as_the_csvs():
    from_csv, from_xlsx = report(CSVS), report(XLSXS)
    assert_highlight_figures(from_xlsx)
    assert from_xlsx["pairs"] == from_csv["pairs"] and from_xlsx["overall"] == from_csv["overall"]


def test_omission_is_the_empty_set_and_an_unread_document_is_missing():
    codings = load([CSVS])
    unit = {u.split(": ", 1)[1][:20]: i for i, u in enumerate(codings.units)}
    alice, bob, carol = (codings.coders.index(c) for c in CODERS)
    p3 = unit["Patients wait hours "]
    assert codings.code_set(p3, bob) == {"access"}
    assert codings.code_set(p3, alice) == frozenset()  # alice coded Interview 1 but not P3: ∅
    assert codings.code_set(p3, carol) == frozenset()
    q2 = unit["Paperwork takes up h"]
    assert codings.code_set(q2, carol) is None  # carol never coded Interview 2: missing
    assert any("omission is a disagreement" in n for n in codings.accounting.notices)


def test_taguette_ids_are_never_the_unit():
    codings = load([CSVS])
    assert all(not u.isdigit() for u in codings.units)
    # Same id, unrelated passages: alice's highlight 3 is P4, bob's is P3 (README).
    rows = {c: list(csv.DictReader((CSVS / f"{c}.csv").open(encoding="utf-8"))) for c in ("alice", "bob")}
    alice3 = next(r["content"] for r in rows["alice"] if r["id"] == "3")
    bob3 = next(r["content"] for r in rows["bob"] if r["id"] == "3")
    assert alice3 != bob3
    with pytest.raises(UsageError, match="'id' numbers each coder's highlights from 1"):
        load([CSVS], ReadOptions(unit_col="id"))
    with pytest.raises(UsageError, match="'id' numbers each coder's highlights from 1"):
        load([XLSXS], ReadOptions(unit_col="id"))


def test_every_hint_the_tool_prints_keeps_the_figures(tmp_path):
    """Following a hint never pairs unrelated units: each hinted option gives the hand-counted figures."""
    downloads = tmp_path / "downloads"
    shutil.copytree(CSVS, downloads)
    shutil.copy(CODEBOOK / "codebook.csv", downloads)
    first = run(downloads)
    assert first.exit_code == 0, first.output
    hints = set(re.findall(r"(--[a-z-]+)(?: ([^\s;,)]+))?", first.stderr + first.stdout))
    assert ("--codebook", str(downloads / "codebook.csv")) in hints
    assert not any(option in ("--code-col", "--unit-col") for option, _ in hints)
    options = {name: p for p in main.commands["compare"].params for name in p.opts}
    followed = 0
    for option, value in hints:
        if option not in options or option in ("--units", "--min-overlap"):  # no --units for tables of text
            continue
        args = [option] if getattr(options[option], "is_flag", False) else [option, value]
        result = run(downloads, *args, "--format", "json")
        assert result.exit_code == 0, (args, result.output)
        assert_highlight_figures(json.loads(result.stdout))
        followed += 1
    assert followed >= 2  # --codebook and --disagreements at least


def test_codebook_among_the_coders_files_is_set_aside(tmp_path):
    shutil.copytree(CSVS, tmp_path / "d")
    shutil.copy(CODEBOOK / "codebook.csv", tmp_path / "d")
    codings = load([tmp_path / "d"])
    assert codings.coders == CODERS
    assert any("codebook.csv is a codebook" in n and "--codebook" in n for n in codings.accounting.notices)
    only_codebook = run(CODEBOOK / "codebook.csv")
    assert only_codebook.exit_code == 2 and "--codebook" in only_codebook.stderr


@pytest.mark.parametrize("name", ["codebook.csv", "codebook.xlsx"])
def test_taguette_codebook_exports_give_definitions(name):
    codebook = read_codebook(CODEBOOK / name)
    assert codebook.names == ("interesting", "access", "workload", "teamwork")
    assert codebook.definition("workload") == "How much work there is for the staff on shift."


def test_taguette_qdc_and_project_file_as_codebook():
    assert read_codebook(CODEBOOK / "codebook.qdc").names == ("interesting", "access", "workload", "teamwork")
    project = read_codebook(PROJECTS / "alice.sqlite3")
    assert project.definition("access") == "Getting patients to the care they need: beds, transfers, waiting."


def test_codebook_definitions_reach_the_report():
    data = report(CSVS, "--codebook", CODEBOOK / "codebook.xlsx", "--disagreements")
    assert "interesting" in json.dumps(data)  # a tag nobody used: a codebook gap


# --- project files ------------------------------------------------------------------------------


def test_project_positions_hold_the_highlighted_text():
    """Byte offsets into the HTML become characters of the plain text: each span's text is the CSV's content."""
    for coder in CODERS:
        table, _ = read_project(PROJECTS / f"{coder}.sqlite3", ReadOptions())
        from_spans = {
            (row.document, table.texts[row.document][row.start : row.end], row.code) for row in table.spans.itertuples()
        }
        with (CSVS / f"{coder}.csv").open(encoding="utf-8") as handle:
            from_csv = {(r["document"], r["content"], r["tag"]) for r in csv.DictReader(handle)}
        assert from_spans == from_csv


def test_project_texts_are_the_paragraphs_joined_by_line_breaks():
    table, _ = read_project(PROJECTS / "alice.sqlite3", ReadOptions())
    assert {name: len(text) for name, text in table.texts.items()} == {"Interview 1": 238, "Interview 2": 166}  # README
    assert table.texts["Interview 2"].split("\n")[0] == "Renée said the team — nurses & porters — trusts each other’s judgement."


def test_project_files_by_characters_give_the_hand_counted_figures(tmp_path):
    """alice and bob: README "Project files" (carol's figures need the omission rule for spans, DESIGN §2)."""
    for coder in ("alice", "bob"):
        (tmp_path / "p").mkdir(exist_ok=True)
        shutil.copy(PROJECTS / f"{coder}.sqlite3", tmp_path / "p")
    ab = pairs(report(tmp_path / "p", "--units", "characters"))[("alice", "bob")]
    assert ab["n_units"] == 404  # 238 + 166 characters
    assert ab["percent_agreement"]["value"] == pytest.approx(122 / 404)  # P1, Q1 and 5 line breaks
    assert ab["shared_agreement"]["value"] == pytest.approx(198 / 404)  # … and P2
    assert ab["cohen_kappa"]["value"] == pytest.approx(float(Fraction(18400, 132328)))
    assert ab["cohen_kappa"]["p_e"] == pytest.approx(30888 / 163216)


def test_all_project_files_by_characters():
    """README "Project files": carol coded Interview 1 only, so her pairs count its 238 characters."""
    by_pair = pairs(report(PROJECTS, "--units", "characters"))
    assert by_pair[("alice", "bob")]["percent_agreement"]["value"] == pytest.approx(122 / 404)
    assert by_pair[("alice", "carol")]["n_units"] == 238
    assert by_pair[("alice", "carol")]["percent_agreement"]["value"] == pytest.approx(59 / 238)  # P3 + 3 breaks
    assert by_pair[("bob", "carol")]["percent_agreement"]["value"] == pytest.approx(94 / 238)  # S1 + P4 + 3 breaks


@pytest.mark.parametrize("units", ["segments", "paragraphs", "sentences", "characters", "coded-characters"])
def test_project_files_work_in_every_unit_mode(units):
    data = report(PROJECTS, "--units", units)
    assert data["input"]["coders"] == list(CODERS)
    assert data["input"]["units"] > 0


def test_project_file_is_opened_read_only(tmp_path):
    copy = tmp_path / "alice.sqlite3"
    shutil.copy(PROJECTS / "alice.sqlite3", copy)
    before = copy.read_bytes()
    os.chmod(copy, stat.S_IRUSR)
    os.chmod(tmp_path, stat.S_IRUSR | stat.S_IXUSR)  # no journal could be made beside it
    try:
        table, _ = read_project(copy, ReadOptions())
    finally:
        os.chmod(tmp_path, stat.S_IRWXU)
    assert len(table.spans) == 6
    assert copy.read_bytes() == before


def test_sqlite_file_that_is_not_a_taguette_project(tmp_path):
    import sqlite3

    other = tmp_path / "x.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (a)").connection.commit()
    result = run(other, PROJECTS / "alice.sqlite3")
    assert result.exit_code == 2
    assert "is an SQLite database but not a Taguette project" in result.stderr
    (tmp_path / "y.sqlite3").write_text("not a database")
    result = run(tmp_path / "y.sqlite3", PROJECTS / "alice.sqlite3")
    assert result.exit_code == 2 and "cannot be read as an SQLite database" in result.stderr


def test_input_sources_name_what_was_used():
    sources = report(CSVS)["input"]["sources"]
    assert [s["file"].rsplit("/", 1)[1] for s in sources] == ["alice.csv", "bob.csv", "carol.csv"]
    assert sources[0]["format"].startswith("Taguette highlights")
    assert sources[0]["unit"] == "document + content (exact text)"
    assert (sources[0]["coder"], sources[0]["code"], sources[0]["text"]) == ("file name", "tag", "content")
    projects = report(PROJECTS, "--units", "characters")["input"]["sources"]
    assert projects[0]["code"] == "tags.path" and projects[0]["unit"].startswith("highlights.start_offset/end_offset")
    table = run(CSVS).stdout
    assert "unit: document + content (exact text); coder: file name; code: tag; text: content" in table


def test_plain_text_breaks_blocks_not_inline_elements():
    import numpy as np

    from reliability.readers.taguette import PlainText

    doc = PlainText("<h1>Title</h1><p>a <b>bold</b> word<br>next</p><ul><li>x</li><li>y</li></ul>\n<p>end</p>")
    assert doc.text == "Title\na bold word\nnext\nx\ny\nend"
    # Taguette's offsets skip the added breaks: byte 5 is "a", byte 16 is "n" of "next".
    assert doc.position(np.array([5, 16]), at_start=True).tolist() == [6, 18]
    assert doc.position(np.array([5]), at_start=False).tolist() == [5]  # an end before a break stays before it
