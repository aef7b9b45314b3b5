"""Output that fits the terminal, one number style, located ignored rows, and the gate on every code (issue 19).

The width tests run the command in a real pseudo-terminal (pexpect) at 80 and
120 columns, and with ``COLUMNS`` set on piped output; piped output without
``COLUMNS`` keeps every column.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from reliability.cli import main
from reliability.render.cells import Footnotes, percent, plural
from reliability.render.style import Style

ROOT = Path(__file__).resolve().parents[1]
GILLARD = ROOT / "sample_data" / "gillard"
CODERS = str(GILLARD / "coders")
EXECUTABLE = str(Path(sys.executable).parent / "reliability")
COMMANDS = {
    "compare": ["compare", CODERS, "--reference", "lead"],
    "compare --disagreements": ["compare", CODERS, "--reference", "lead", "--disagreements", "--matrix",
                                "--codebook", str(GILLARD / "codebook.csv")],
    "compare --ci": ["compare", CODERS, "--reference", "lead", "--ci", "--bootstrap", "20"],
    "check": ["check", CODERS, "--reference", "lead", "--min", "shared_agreement=0.7",
              "--min-code", "positive_agreement=0.5", "--min-code", "pairs.cohen_kappa=0.3"],
    "diff": ["diff", CODERS, str(ROOT / "tests" / "fixtures" / "check" / "gillard_revised"), "--reference", "lead"],
}


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def in_terminal(args: list[str], columns: int, cwd: Path = ROOT) -> str:
    """The command's output as a terminal of ``columns`` columns shows it (COLUMNS unset)."""
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    child = pexpect.spawn(EXECUTABLE, args, cwd=str(cwd), env=env, dimensions=(50, columns), encoding="utf-8",
                          timeout=120)
    output = child.read()
    child.close()
    assert child.exitstatus in (0, 1), output
    return output.replace("\r\n", "\n")


def piped(args: list[str], columns: int | None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run([EXECUTABLE, *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_line_wider_than_the_terminal(name, columns):
    output = in_terminal(COMMANDS[name], columns)
    assert any(title in output for title in ("Inter-coder reliability", "Reliability check", "Before and after"))
    assert widest(output) <= columns, max(output.splitlines(), key=len)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_columns_fits_piped_output_too(name):
    done = piped(COMMANDS[name], 80)
    assert widest(done.stdout) <= 80
    assert widest(done.stderr or " ") <= 200  # warnings are lines of the log, not fitted


def test_piped_output_without_columns_keeps_every_column():
    done = piped(COMMANDS["compare"], None)
    header = next(line for line in done.stdout.splitlines() if line.startswith("Code "))
    assert all(column in header for column in ("× KO", "Prevalence", "Units", "α", "AC1", "Pos. agr.", "Reading (Fleiss' κ)"))
    assert "Left out" not in done.stdout
    assert widest(done.stdout) > 120  # the per-code table at its natural width


def test_narrow_terminal_leaves_out_secondary_columns_and_says_which():
    output = in_terminal(COMMANDS["compare"], 80)
    header = next(line for line in output.splitlines() if line.startswith("Code "))
    for kept in ("Units", "Fleiss' κ", "Reading (Fleiss' κ)"):
        assert kept in header
    assert "× KO" not in header
    hint = re.search(r"Left out to fit 80 columns: (.*?); --wide shows them", " ".join(output.split()))
    assert hint and "× KO" in hint.group(1) and "AC1" in hint.group(1)
    wider = in_terminal(COMMANDS["compare"], 120)
    wide_header = next(line for line in wider.splitlines() if line.startswith("Code "))
    assert len(wide_header.split("  ")) > len(header.split("  "))  # more columns at 120 than at 80


def test_wide_shows_every_column_in_a_narrow_terminal():
    output = in_terminal([*COMMANDS["compare"], "--wide"], 80)
    assert "Left out" not in output
    assert "Pos. agr." in next(line for line in output.splitlines() if line.startswith("Code "))


def test_a_table_that_cannot_lose_columns_wraps():
    style = Style(markdown=False, width=30)
    text = style.table([["a long name of a code that goes on", "0.5"]], ["Code", "Value"])
    assert widest(text) <= 30 and "goes on" in text


# --- one number style --------------------------------------------------------------


def test_percentages_have_one_decimal_and_counts_separators():
    assert [percent(v) for v in (0.16, 0.147, 0.526, 1.0)] == ["16.0 %", "14.7 %", "52.6 %", "100.0 %"]
    assert plural(1, "unit") == "1 unit" and plural(1, "code") == "1 code" and plural(100000, "unit") == "100,000 units"


def test_intervals_in_one_notation_everywhere():
    result = CliRunner().invoke(main, [*COMMANDS["compare --ci"], "--wide"])
    assert result.exit_code == 0, result.output
    assert " – " not in re.sub(r"^\S+ – \S+ .*$", "", result.stdout, flags=re.MULTILINE)  # pairs are "A – B"
    assert re.search(r"0\.\d{3} \[-?0\.\d{3}, -?\d\.\d{3}\]", result.stdout)
    assert re.search(r"\d+\.\d % \[\d+\.\d %, \d+\.\d %\]", result.stdout)


def test_at_least_all_coders_is_not_repeated():
    result = CliRunner().invoke(main, COMMANDS["compare"])
    assert "at least 3 of 3 coders" not in result.stdout
    assert "≥1 code shared by all coders" in result.stdout and "at least 2 of 3 coders" in result.stdout


def test_every_header_of_the_per_code_table_is_explained():
    result = CliRunner().invoke(main, COMMANDS["compare"])
    legend = result.stdout[result.stdout.index("× CODER:"):]
    for term in ("× CODER", "Prevalence", "Units", "α", "AC1", "Pos. agr.", "Reading: the Landis & Koch (1977) band of Fleiss' κ"):
        assert term in legend
    assert "Contest: 1 − mean Jaccard" in CliRunner().invoke(main, COMMANDS["compare --disagreements"]).stdout


def test_one_unit_one_code_in_the_singular(write):
    path = write("one.csv", "unit,coder,code\nu1,a,x\nu1,b,x\n")
    result = CliRunner().invoke(main, ["compare", str(path)])
    assert "1 unit, 2 coders (a, b), 1 code," in result.stdout


# --- footnotes: n/a reasons and figures to read with care --------------------------


def test_na_reasons_are_numbered_footnotes():
    notes = Footnotes()
    assert [notes.mark("no variation"), notes.mark("3 units"), notes.mark("no variation")] == ["[1]", "[2]", "[1]"]
    result = CliRunner().invoke(main, ["compare", str(ROOT / "tests" / "fixtures" / "check" / "one_code")])
    assert result.exit_code == 0, result.output
    assert "n/a (" not in result.stdout
    mark = re.search(r"n/a (\[\d+\])", result.stdout).group(1)
    assert re.search(rf"^  {re.escape(mark)} \S", result.stdout, re.MULTILINE)


def test_per_code_figures_on_few_units_or_no_shared_application_are_marked(write):
    # 4 units: every code rests on fewer than 10; "y" is applied by a only, "z" by a and b on different units.
    path = write("small.csv", "unit,coder,code\n" + "".join(
        f"u{u},{c},{code}\n" for u, c, code in [
            (1, "a", "x"), (1, "b", "x"), (2, "a", "x;y"), (2, "b", "x"), (3, "a", "z"), (3, "b", "w"),
            (4, "a", "w"), (4, "b", "z;w"),
        ]
    ))
    result = CliRunner().invoke(main, ["compare", str(path), "--format", "json"])
    codes = {c["code"]: c for c in json.loads(result.stdout)["codes"]}
    assert codes["x"]["caveats"] == ["rests on 4 units, fewer than 10"]
    assert "no two coders applied the code to the same unit" in codes["z"]["caveats"][1]
    text = CliRunner().invoke(main, ["compare", str(path)]).stdout
    marks = re.search(r"^z\b.*?(\[\d+\]) (\[\d+\])", text, re.MULTILINE).groups()
    notes = dict(re.findall(r"^  (\[\d+\]) (.*)$", text, re.MULTILINE))
    assert notes[marks[0]] == "rests on 4 units, fewer than 10"  # one footnote for every code on 4 units
    assert notes[marks[1]].startswith("no two coders applied the code to the same unit")


# --- ignored rows, located -----------------------------------------------------------


def test_ignored_rows_name_file_and_row(write):
    path = write("long.csv", "unit,coder,code\nu1,a,x\nu1,b,x\n,a,y\nu2,a,x\nu2,a,x\nu2,b,y\n")
    result = CliRunner().invoke(main, ["compare", str(path), "--format", "json"])
    ignored = {i["reason"]: i for i in json.loads(result.stdout)["input"]["ignored"]}
    # Spreadsheet rows: header = 1, so the row without a unit is row 4 and the second copy row 6.
    assert [at["row"] for i in ignored.values() for at in i["rows_at"]] == [4, 6]
    assert all(at["file"] == str(path) for i in ignored.values() for at in i["rows_at"])
    text = CliRunner().invoke(main, ["compare", str(path)]).stdout
    assert f"({path} row 4)" in text and f"({path} row 6)" in text


# --- the gate ------------------------------------------------------------------------


def move_recruitment(coders: Path) -> None:
    """A revision of SLG's coding: Recruitment moves from S14 (shared by all three) to S36
    (lead's alone). Recruitment's positive agreement falls from 60 % to 40 %; overall
    figures barely move."""
    path = coders / "SLG.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        codes = [c.strip() for c in row["codes"].split(";") if c.strip()]
        if row["section"] == "S14":
            codes.remove("Recruitment")
        if row["section"] == "S36":
            codes.append("Recruitment")
        row["codes"] = "; ".join(codes)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture()
def study(tmp_path, monkeypatch):
    shutil.copytree(GILLARD / "coders", tmp_path / "coders")
    monkeypatch.chdir(tmp_path)
    made = CliRunner().invoke(main, ["init", "coders", "--reference", "lead"])
    assert made.exit_code == 0, made.output
    # init sets one minimum (α MASI ≥ 0.667), which Gillard's coders do not reach; these tests are about the baseline.
    settings = tmp_path / "reliability.toml"
    text = settings.read_text(encoding="utf-8")
    assert "\nkrippendorff_alpha_masi = 0.667" in text
    settings.write_text(text.replace("\nkrippendorff_alpha_masi = 0.667", "\n# krippendorff_alpha_masi = 0.667"), encoding="utf-8")
    return tmp_path


def baseline_line(study: Path) -> str:
    """The baseline command init wrote into the settings, as a user copies it."""
    text = (study / "reliability.toml").read_text(encoding="utf-8")
    return re.search(r"^#\s+(reliability compare .*)$", text, re.MULTILINE).group(1)


def run_line(line: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(shlex.split(line), cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})


def test_init_writes_a_baseline_line_that_runs(study):
    line = baseline_line(study)
    assert line == "reliability compare coders --reference lead --format json -o baseline.json"
    done = run_line(line, study)
    assert done.returncode == 0, done.stderr
    assert json.loads((study / "baseline.json").read_text())["settings"]["reference"] == "lead"


def test_init_line_carries_merges_and_quotes_them(tmp_path, monkeypatch):
    shutil.copytree(GILLARD / "coders", tmp_path / "coders")
    monkeypatch.chdir(tmp_path)
    merge = "Hierarchy and power+Team integration=Team"
    result = CliRunner().invoke(main, ["init", "coders", "--reference", "lead", "--merge", merge])
    assert f"reliability compare coders --reference lead --merge '{merge}' --format json -o baseline.json" in result.stderr
    done = run_line(baseline_line(tmp_path), tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "baseline.json").read_text())["settings"]["revision"] == [f'--merge "{merge}"']


def test_missing_baseline_error_gives_the_line_for_this_configuration(study):
    result = CliRunner().invoke(main, ["check", "--baseline", "old.json"])
    assert result.exit_code == 2
    line = result.stderr.split("make it with: ")[1].strip()
    assert line == "reliability compare coders --reference lead --format json -o old.json"
    assert run_line(line, study).returncode == 0
    assert CliRunner().invoke(main, ["check", "--baseline", "old.json"]).exit_code == 0


def test_baseline_guards_every_code(study):
    assert run_line(baseline_line(study), study).returncode == 0
    unchanged = CliRunner().invoke(main, ["check", "--baseline", "baseline.json"])
    assert unchanged.exit_code == 0, unchanged.output
    move_recruitment(study / "coders")
    moved = CliRunner().invoke(main, ["check", "--baseline", "baseline.json", "--format", "json"])
    assert moved.exit_code == 1
    failed = [c for c in json.loads(moved.stdout)["checks"] if not c["passed"]]
    assert failed and all(c["subject"].startswith("baseline code 'Recruitment'") for c in failed)
    positive = next(c for c in failed if c["subject"] == "baseline code 'Recruitment' positive_agreement")
    assert (positive["baseline"], round(positive["value"], 3)) == (0.6, 0.4)


def test_max_drop_per_code_is_configurable(study):
    assert run_line(baseline_line(study), study).returncode == 0
    move_recruitment(study / "coders")
    settings = study / "reliability.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + '\n[max-drop-per-code]\n"Recruitment" = 0.5\n', encoding="utf-8")
    assert CliRunner().invoke(main, ["check", "--baseline", "baseline.json"]).exit_code == 0
    # --max-drop-code applies to every code; the table still wins for Recruitment.
    assert CliRunner().invoke(main, ["check", "--baseline", "baseline.json", "--max-drop-code", "0.01"]).exit_code == 0
    settings.write_text(settings.read_text(encoding="utf-8").replace('"Recruitment" = 0.5', '"Recruitmnt" = 0.5'), encoding="utf-8")
    typo = CliRunner().invoke(main, ["check", "--baseline", "baseline.json"])
    assert typo.exit_code == 2 and "did you mean 'Recruitment'" in typo.stderr


def test_codes_gone_from_the_report_are_named_not_silently_skipped(study):
    assert run_line(baseline_line(study), study).returncode == 0
    result = CliRunner().invoke(main, ["check", "--baseline", "baseline.json", "--merge", "Recruitment+Supervision=Staffing"])
    assert "2 codes of the baseline baseline.json are not in this report, so not guarded against a drop: " in result.stderr


def test_check_help_shows_inputs_as_optional():
    result = CliRunner().invoke(main, ["check", "--help"], prog_name="reliability")
    assert "Usage: reliability check [OPTIONS] [INPUTS]..." in result.stdout
    no_inputs = CliRunner().invoke(main, ["check", "--min", "jaccard=0.5"])
    assert no_inputs.exit_code == 2 and "no inputs" in no_inputs.stderr


def test_warnings_wrap_at_words_to_the_width(tmp_path):
    # stderr at 80 columns: a long warning (units a coder did not code) wraps between words, indented.
    rows = ["unit,coder,code"] + [f"unit-number-{u},{c},x" for u in range(40) for c in ("a", "b") if c == "b" or u % 2]
    (tmp_path / "long.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "long.csv")], env={"COLUMNS": "60"})
    warning = [line for line in result.stderr.splitlines() if line.startswith("warning:") or line.startswith("  ")]
    assert warning[0].startswith("warning: a did not code 20 of 40 units") and len(warning) >= 2
    assert all(len(line) <= 60 for line in result.stderr.splitlines())
    assert " ".join(line.strip() for line in warning).count("unit-number-") == 5  # no id cut in two
