"""``reliability compare`` on disagreements: the refinement loop from the command line."""

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability.cli import main

from paths import GILLARD_CODERS, SAMPLE

CODEBOOK = SAMPLE / "gillard" / "codebook.csv"
REVISION = SAMPLE / "gillard" / "revision.csv"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "codebooks"


def run(*args):
    return CliRunner().invoke(main, ["compare", *(str(a) for a in args)])


def test_default_table_points_to_the_disagreements():
    result = run(GILLARD_CODERS, "--reference", "lead")
    assert result.exit_code == 0
    assert "46 of 50 units disagree; add --disagreements to see where and why" in result.stdout
    assert "Where and why coders disagree" not in result.stdout


def test_disagreement_report_on_gillard():
    result = run(GILLARD_CODERS, "--reference", "lead", "--codebook", CODEBOOK, "--disagreements")
    assert result.exit_code == 0
    assert result.stderr == ""
    out = result.stdout
    # The most contested sections come first, with text and each coder's codes and notes.
    assert "S22 · contest 1.00" in out
    assert "I said in a team meeting that I'd once been on the same ward" in out
    assert "Team norms about what she can say - integration." in out
    assert "Showing the 25 most contested of 46; --limit 0 shows all" in out
    # Ranked confusions with suggestions and definitions; bias; gaps.
    assert "1    Boundaries and disclosure ↔ Lived experience as expertise   8" in out
    assert "'Hierarchy and power' and 'Team integration' stand in for each other in 7 units" in out
    assert "Hierarchy and power: Status, authority and who decides" in out
    assert "SLG applies 'Organisational culture' far more often than the others: 36.0 % of units against 6.0 %" in out
    assert "No coder found a code for unit S17; a category may be missing." in out
    assert "Rarely used: 'Recruitment', 5 applications" in out


def test_code_filter():
    result = run(GILLARD_CODERS, "--code", "Hierarchy and power", "--limit", "0")
    assert result.exit_code == 0
    assert "Listing the 8 where 'Hierarchy and power' is disputed." in result.stdout
    listed = [line.split(" · ")[0] for line in result.stdout.splitlines() if " · contest " in line]
    assert sorted(listed) == ["S03", "S09", "S20", "S22", "S26", "S35", "S38", "S42"]


def test_pair_filter_in_json():
    result = run(GILLARD_CODERS, "--pair", "lead,KO", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    # lead and KO have identical sets in 16 of 50 sections (sample_data/README.md): 34 differ.
    assert report["disagreement_summary"] == {"units": 46, "listed": 34, "of_units": 50, "code": None, "pair": ["lead", "KO"]}
    assert all(unit["codes"]["lead"] != unit["codes"]["KO"] for unit in report["disagreements"])


def test_default_json_holds_the_summary_alone():
    # DESIGN §4: the units are listed only with --disagreements; the summary is always there.
    report = json.loads(run(GILLARD_CODERS, "--format", "json").stdout)
    assert report["disagreement_summary"] == {"units": 46, "listed": 0, "of_units": 50, "code": None, "pair": None}
    assert report["sections"] == []
    assert report["disagreements"] == [] and report["confusions"] == []
    assert report["confusion_matrix"] is None and report["bias"] is None and report["gaps"] is None


def test_json_with_a_codebook_holds_the_gaps_for_its_warning():
    result = run(GILLARD_CODERS, "--codebook", CODEBOOK, "--format", "json")
    report = json.loads(result.stdout)
    assert report["sections"] == ["gaps"] and report["disagreements"] == []
    assert [u["unit"] for u in report["gaps"]["uncoded"]] == ["S11", "S17", "S24", "S30"]


def test_json_holds_every_section_when_asked():
    result = run(GILLARD_CODERS, "--codebook", CODEBOOK, "--format", "json", "--disagreements", "--matrix")
    report = json.loads(result.stdout)
    assert report["sections"] == ["disagreements", "confusions", "bias", "gaps", "matrix"]
    assert report["disagreement_summary"]["listed"] == 46
    assert len(report["disagreements"]) == 46
    s22 = next(u for u in report["disagreements"] if u["unit"] == "S22")
    assert s22["notes"]["SLG"] == "Clearly about disclosure - what she can say and to whom."
    assert s22["codes"]["KO"] == ["Team integration"]
    assert report["confusions"][0]["codes"] == ["Boundaries and disclosure", "Lived experience as expertise"]
    assert report["confusion_matrix"]["units"][1][9] == 7  # Hierarchy and power × Team integration
    assert report["bias"]["flags"][0]["coder"] == "SLG"
    assert [u["unit"] for u in report["gaps"]["uncoded"]] == ["S11", "S17", "S24", "S30"]
    assert report["codebook"]["codes"][0]["code"] == "Role definition"
    assert report["revision"] is None and report["settings"]["codebook"] == str(CODEBOOK)


def test_recode_reproduces_the_revised_figures():
    result = run(GILLARD_CODERS, "--reference", "lead", "--recode", REVISION, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    shared = {tuple(p["coders"]): p["shared_agreement"]["value"] for p in report["pairs"]}
    # sample_data/README.md, figures after revision: 92 %, 90 %, all three 76 %.
    assert shared == {("lead", "KO"): pytest.approx(0.92), ("lead", "SLG"): pytest.approx(0.90)}
    assert report["overall"]["shared_agreement"]["value"] == pytest.approx(0.76)
    assert report["revision"]["codes_before"] == 12 and report["revision"]["codes_after"] == 8
    assert report["settings"]["revision"] == [f"--recode {REVISION}"]
    assert len(report["codes"]) == 8 and len(report["input"]["codes"]) == 12


def test_merge_states_the_mapping_in_the_table():
    result = run(GILLARD_CODERS, "--merge", "Hierarchy and power+Team integration=Team relationships")
    assert result.exit_code == 0
    assert "Codebook revision in force" in result.stdout
    assert "Team relationships ← Hierarchy and power + Team integration" in result.stdout
    assert "12 codes (11 after the revision)" in result.stdout


def test_level_with_a_refi_codebook():
    result = run(GILLARD_CODERS, "--reference", "lead", "--codebook", FIXTURES / "gillard_hierarchy.qdc", "--level", "1", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["overall"]["shared_agreement"]["value"] == pytest.approx(0.76)  # as revision.csv
    assert report["settings"]["revision"] == ["--level 1"]


def test_markdown_handout():
    result = run(GILLARD_CODERS, "--codebook", CODEBOOK, "--disagreements", "--limit", "2", "--format", "markdown")
    assert result.exit_code == 0
    out = result.stdout
    assert "# Where and why coders disagree" in out
    assert "### S22 · contest 1.00" in out
    assert "> Peer worker: I said in a team meeting" in out
    assert "| KO      | Team integration" in out
    assert "  - Hierarchy and power: Status, authority and who decides" in out


def test_disagreement_csv_lists_all_units():
    result = run(GILLARD_CODERS, "--disagreements", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 46
    s11 = next(r for r in rows if r["unit"] == "S11")
    assert (s11["lead codes"], s11["SLG codes"]) == ("(uncoded)", "Organisational culture")
    with open(SAMPLE / "gillard" / "sections.csv", encoding="utf-8") as f:
        full_text = next(r["text"] for r in csv.DictReader(f) if r["section"] == "S11")
    assert s11["text"] == full_text  # the full text, not trimmed as in the table
    assert s11["SLG note"] and s11["contest"] == "0.6666666666666667"


def test_csv_is_safe_in_a_spreadsheet(write):
    path = write(
        "coding.csv",
        "unit,coder,code,note,text\n"
        'u1,ann,=HYPERLINK("x"),+1 note,@text\n'
        "u1,bob,-minus,,@text\n",
    )
    result = run(path, "--disagreements", "--format", "csv")
    assert result.exit_code == 0
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["ann codes"] == "'=HYPERLINK(\"x\")" and row["ann note"] == "'+1 note"
    assert row["bob codes"] == "'-minus" and row["text"] == "'@text"
    matrix = run(path, "--matrix", "--format", "csv")
    assert next(csv.reader(io.StringIO(matrix.stdout))) == ["code", "'-minus", "'=HYPERLINK(\"x\")"]


def test_matrix_table():
    result = run(GILLARD_CODERS, "--matrix")
    assert result.exit_code == 0
    assert "Code confusion matrix" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("2 Hierarchy and power"))
    # Hierarchy and power is confused with Boundaries (1), Organisational culture (2), Role definition (1)
    # and Team integration (7); its own column shows "·".
    assert row.split() == ["2", "Hierarchy", "and", "power", "1", "·", "2", "1", "7"]


def test_no_codes_at_all(write):
    a = write("a.csv", "unit,code\nU1,\nU2,\n")
    b = write("b.csv", "unit,code\nU1,\nU2,\n")
    result = run(a, b, "--disagreements", "--matrix")
    assert result.exit_code == 0
    assert "The coders agree on every unit." in result.stdout
    assert "No coder found a code for units U1, U2; a category may be missing." in result.stdout


def test_codebook_warning_names_the_close_code(write):
    book = write("book.csv", "code,definition\nRole definition,x\nTeam integrations,y\n")
    result = run(GILLARD_CODERS, "--codebook", book)
    assert result.exit_code == 0
    assert "warning: the code 'Team integration' is not in the codebook (did you mean 'Team integrations'?)" in result.stderr
    assert "warning:" not in result.stdout


# One test per error message: exit code 2, one line on stderr, nothing on stdout.


@pytest.mark.parametrize(
    "args, message",
    [
        (("--code", "Hierarchy"), "--code 'Hierarchy': no coder used that code; did you mean 'Hierarchy and power'?"),
        (("--pair", "lead"), "'lead' is not two coders; write it as A,B (e.g. --pair lead,KO)"),
        (("--pair", "lead,Ann"), "there is no coder 'Ann'; the coders are: KO, lead, SLG"),
        (("--pair", "lead,lead"), "--pair lead,lead names one coder twice"),
        (("--disagreements", "--matrix", "--format", "csv"), "--format csv writes one table: give --disagreements or --matrix, not both"),
        (("--merge", "Hierarchy and power"), 'is not of the form "A+B=New"'),
        (("--merge", "Hierarchy+Team integration=T"), "no coder used the code 'Hierarchy'; did you mean 'Hierarchy and power'?"),
        (("--level", "1"), "--level 1 needs a codebook with a hierarchy; give it with --codebook FILE"),
        (("--level", "1", "--codebook", CODEBOOK), "has no hierarchy (no parent column, no nested codes)"),
        (("--codebook", "nothere.csv"), "codebook nothere.csv does not exist"),
        (("--recode", "nothere.csv"), "recode file nothere.csv does not exist"),
        (("--level", "0"), "0 is not in the range x>=1"),
    ],
)
def test_errors(args, message):
    result = run(GILLARD_CODERS, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
