"""``reliability check`` and ``reliability init`` from the command line, end to end.

The small fixtures' figures were worked out by hand (tests/fixtures/check/README.md):
``v1`` has percent agreement 3/4 and Cohen's kappa 0.5, ``v2_agree`` 1 and 1,
``v3_disagree`` 1/4 and -0.5.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "check"
GILLARD = ROOT / "sample_data" / "gillard"
V1, V2, V3 = (str(FIXTURES / name) for name in ("v1", "v2_agree", "v3_disagree"))


@pytest.fixture(autouse=True)
def no_step_summary(monkeypatch):
    """Tests run inside GitHub Actions too; only the tests that set it see a job summary file."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def run(*args: str):
    return CliRunner().invoke(main, ["check", *args])


def verdicts(stdout: str) -> dict[str, str]:
    """Check → verdict from the text table, a footnote's number replaced by its text ("FAIL: reason")."""
    notes = dict(re.findall(r"^  (\[\d+\]) (.*)$", stdout, flags=re.MULTILINE))
    found = {}
    for line in stdout.splitlines():
        match = re.match(r"^(\S.*?)\s{2,}(≥ .+?)\s{2,}(\S+(?: %)?)\s{2,}(pass|FAIL)(?: (\[\d+\]))?(?:\s{2,}.*)?$", line)
        if match:
            verdict, note = match.group(4), match.group(5)
            found[match.group(1)] = f"{verdict}: {notes[note]}" if note else verdict
    return found


class TestThresholds:
    def test_all_pass_exit_0(self):
        result = run(V1, "--min", "percent_agreement=0.75", "--min", "cohen_kappa=0.5")
        assert (result.exit_code, result.stderr) == (0, "")
        assert result.stdout.startswith("Reliability check passed: 3 checks\n")
        assert verdicts(result.stdout) == {
            "overall.percent_agreement": "pass",
            "pair ann–bob percent_agreement": "pass",
            "pair ann–bob cohen_kappa": "pass",
        }
        assert re.search(r"^pair ann–bob cohen_kappa +≥ 0\.500 +0\.500 +pass$", result.stdout, re.MULTILINE)

    def test_one_fails_exit_1_naming_it(self):
        result = run(V1, "--min", "cohen_kappa=0.6", "--min", "overall.shared_agreement=0.7")
        assert result.exit_code == 1
        assert result.stdout.startswith("Reliability check failed: 1 of 2 checks failed\n")
        assert verdicts(result.stdout)["pair ann–bob cohen_kappa"] == "FAIL"
        assert result.stdout.rstrip().endswith("Failed: pair ann–bob cohen_kappa")
        assert result.stderr == ""

    def test_per_code_minimum(self):
        result = run(V1, "--min-code", "positive_agreement=0.7")
        # By hand: code x, ann 2 units, bob 3, both 2 → 2·2/(2+3) = 0.8; code y: 2·1/(2+1) = 0.667.
        assert result.exit_code == 1
        assert verdicts(result.stdout) == {
            "code 'x' positive_agreement": "pass",
            "code 'x' pair ann–bob positive_agreement": "pass",
            "code 'y' positive_agreement": "FAIL",
            "code 'y' pair ann–bob positive_agreement": "FAIL",
        }

    def test_undefined_figure_fails_with_the_reason(self):
        # one_code: both coders give every unit code x, so chance agreement is 1 and kappa undefined.
        result = run(str(FIXTURES / "one_code"), "--min", "cohen_kappa=0", "--min", "percent_agreement=1")
        assert result.exit_code == 1
        found = verdicts(result.stdout)
        assert found["pair ann–bob percent_agreement"] == "pass"
        assert found["pair ann–bob cohen_kappa"].startswith("FAIL: undefined: ")

    def test_lower_bound_implies_intervals(self):
        result = run(str(GILLARD / "coders"), "--reference", "lead", "--min", "pairs.shared_agreement=0.7",
                     "--use-lower-bound", "--bootstrap", "200", "--format", "json")
        document = json.loads(result.stdout)
        assert (result.exit_code, document["settings"]["ci"]) == (1, True)
        assert [c["name"] for c in document["checks"]] == [
            "pair lead–KO shared_agreement lower bound >= 0.7", "pair lead–SLG shared_agreement lower bound >= 0.7",
        ]
        # The point values 74 % and 70 % pass; their lower bounds do not.
        lows = [pair["shared_agreement"]["ci"][0] for pair in document["pairs"]]
        assert [c["value"] for c in document["checks"]] == lows
        assert all(low < 0.7 for low in lows) and not any(c["passed"] for c in document["checks"])

    def test_unknown_figure_exit_2(self):
        result = run(V1, "--min", "kappa=0.5")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.startswith("Error: --min: unknown figure 'kappa' (did you mean cohen_kappa?); the figures are overall: percent_agreement,")

    def test_malformed_minimum_exit_2(self):
        result = run(V1, "--min-code", "fleiss_kappa")
        assert (result.exit_code, result.stderr) == (2, "Error: --min-code 'fleiss_kappa': write FIGURE=VALUE, e.g. --min-code krippendorff_alpha=0.667\n")

    def test_k_beyond_coders_exit_2(self):
        result = run(V1, "--min", "at_least_3=0.5")
        assert (result.exit_code, result.stderr) == (2, "Error: at_least_3 needs at least 3 coders; this coding has 2: use at_least_2 … at_least_2\n")

    def test_nothing_to_check_exit_2(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        result = run(V1)
        assert result.exit_code == 2
        assert result.stderr.startswith("Error: nothing to check: give a minimum (--min FIGURE=VALUE, --min-code FIGURE=VALUE)")

    def test_input_error_exit_2(self, tmp_path):
        result = run(str(tmp_path / "nowhere"), "--min", "jaccard=0.5")
        assert (result.exit_code, result.stderr) == (2, f"Error: {tmp_path / 'nowhere'}: no such file or folder; check the path\n")


class TestBaseline:
    @pytest.fixture()
    def baseline(self, tmp_path):
        path = tmp_path / "baseline.json"
        result = CliRunner().invoke(main, ["compare", V1, "--format", "json", "-o", str(path)])
        assert result.exit_code == 0, result.output
        return str(path)

    def test_revision_that_raises_agreement_passes(self, baseline):
        result = run(V2, "--baseline", baseline)
        assert result.exit_code == 0, result.output
        assert set(verdicts(result.stdout).values()) == {"pass"}

    def test_revision_that_lowers_agreement_fails_naming_the_figures(self, baseline):
        result = run(V3, "--baseline", baseline, "--format", "json")
        assert result.exit_code == 1
        failing = {c["subject"] for c in json.loads(result.stdout)["checks"] if not c["passed"]}
        assert {"baseline overall.percent_agreement", "baseline pair ann–bob cohen_kappa"} <= failing
        assert result.stderr == f"reliability check: {len(failing)} of {len(json.loads(result.stdout)['checks'])} checks failed\n"

    def test_drop_within_max_drop_passes(self, baseline):
        # v1 → v3: shares fall by at most 1 and kappa-type figures, from -1 to 1, by at most 2.
        assert run(V3, "--baseline", baseline, "--max-drop", "2").exit_code == 0

    def test_changed_reference_is_warned(self, baseline):
        result = run(V1, "--baseline", baseline, "--reference", "ann")
        assert result.exit_code == 0
        assert result.stderr == (
            f"warning: the baseline {baseline} compares every pair of coders, this report each coder with ann; "
            "pairs of coders differ, so regenerate the baseline with the same --reference\n"
        )

    def test_missing_baseline_exit_2(self, tmp_path):
        result = run(V1, "--baseline", str(tmp_path / "b.json"))
        assert result.exit_code == 2
        # The command line is built from the options in force, so it runs as shown (tests/test_terminal.py runs one).
        assert result.stderr == f"Error: {tmp_path / 'b.json'}: no such file; make it with: reliability compare {os.path.relpath(V1)} --format json -o {tmp_path / 'b.json'}\n"


class TestOutputs:
    ARGS = (V1, "--min", "percent_agreement=0.75", "--min", "cohen_kappa=0.6")

    def test_json_holds_the_report_and_the_checks(self):
        result = run(*self.ARGS, "--format", "json")
        document = json.loads(result.stdout)
        assert result.exit_code == 1
        assert document["schema_version"] == 1 and document["pairs"][0]["cohen_kappa"]["value"] == pytest.approx(0.5)
        assert [(c["name"], c["passed"]) for c in document["checks"]] == [
            ("overall.percent_agreement >= 0.75", True),
            ("pair ann–bob percent_agreement >= 0.75", True),
            ("pair ann–bob cohen_kappa >= 0.6", False),
        ]
        assert result.stderr == "reliability check: 1 of 3 checks failed\n"

    def test_csv_one_row_per_check(self):
        result = run(*self.ARGS, "--format", "csv")
        rows = list(csv.DictReader(result.stdout.splitlines()))
        assert [(r["subject"], r["passed"]) for r in rows] == [
            ("overall.percent_agreement", "True"), ("pair ann–bob percent_agreement", "True"), ("pair ann–bob cohen_kappa", "False"),
        ]

    def test_markdown_for_a_job_summary(self):
        result = run(*self.ARGS, "--format", "markdown")
        assert result.stdout.startswith("## ❌ Reliability check failed: 1 of 3 checks failed\n\n| Check ")
        assert "| pair ann–bob cohen\\_kappa " in result.stdout
        assert "<details><summary>Full report</summary>" in result.stdout

    def test_output_file(self, tmp_path):
        result = run(*self.ARGS, "-o", str(tmp_path / "checks.txt"))
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", "reliability check: 1 of 3 checks failed\n")
        assert "FAIL" in (tmp_path / "checks.txt").read_text(encoding="utf-8")

    def test_junit_one_case_per_check(self, tmp_path):
        junit = tmp_path / "junit.xml"
        result = run(*self.ARGS, "--min-code", "positive_agreement=0.5", "--junit", str(junit))
        assert result.exit_code == 1
        root = ET.parse(junit).getroot()
        cases = root.findall("./testsuite/testcase")
        assert len(cases) == 7 and root.get("tests") == "7" and root.get("failures") == "1"
        failed = [c for c in cases if c.find("failure") is not None]
        assert [c.get("name") for c in failed] == ["pair ann–bob cohen_kappa >= 0.6"]
        assert failed[0].find("failure").get("message") == "0.500 is below the minimum 0.600"
        assert [c.get("classname") for c in cases][:3] == ["reliability.minimum.overall", "reliability.minimum.pair", "reliability.minimum.pair"]

    def test_junit_unwritable_exit_2(self, tmp_path):
        target = tmp_path / "no" / "junit.xml"
        result = run(*self.ARGS, "--junit", str(target))
        assert result.exit_code == 2
        assert result.stderr == f"Error: cannot write {target} (No such file or directory); check the folder exists and is writable\n"

    def test_step_summary_is_appended(self, tmp_path, monkeypatch):
        summary = tmp_path / "summary.md"
        summary.write_text("earlier step\n", encoding="utf-8")
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        first, second = run(*self.ARGS), run(V2, "--min", "cohen_kappa=0.6")
        assert (first.exit_code, second.exit_code) == (1, 0)
        text = summary.read_text(encoding="utf-8")
        assert text.startswith("earlier step\n## ❌ Reliability check failed: 1 of 3 checks failed\n")
        assert "## ✅ Reliability check passed: 1 check\n" in text

    def test_step_summary_unwritable_is_a_warning(self, tmp_path, monkeypatch):
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no" / "summary.md"))
        result = run(V2, "--min", "cohen_kappa=0.6")
        assert result.exit_code == 0
        assert result.stderr == (
            f"warning: GITHUB_STEP_SUMMARY: cannot write {tmp_path / 'no' / 'summary.md'} (No such file or directory); "
            "check the folder exists and is writable\n"
        )


class TestSettings:
    @pytest.fixture()
    def project(self, tmp_path, monkeypatch):
        shutil.copytree(FIXTURES / "v1", tmp_path / "coders")
        monkeypatch.chdir(tmp_path)
        return tmp_path

    def test_pyproject_table(self, project):
        (project / "pyproject.toml").write_text(
            '[project]\nname = "study"\n\n[tool.reliability]\ninputs = ["coders"]\n\n[tool.reliability.min]\ncohen_kappa = 0.5\n',
            encoding="utf-8",
        )
        result = run()
        assert (result.exit_code, verdicts(result.stdout)) == (0, {"pair ann–bob cohen_kappa": "pass"})

    def test_command_line_overrides_settings(self, project):
        (project / "reliability.toml").write_text('inputs = ["coders"]\n[min]\ncohen_kappa = 0.5\njaccard = 0.5\n', encoding="utf-8")
        result = run("--min", "cohen_kappa=0.6")
        assert verdicts(result.stdout) == {"pair ann–bob cohen_kappa": "FAIL", "pair ann–bob jaccard": "pass"}
        result = run(V2)
        assert result.exit_code == 0
        assert "Reliability check passed: 2 checks" in result.stdout

    def test_named_settings_resolve_paths_from_their_folder(self, project, tmp_path, monkeypatch):
        (project / "ci").mkdir()
        (project / "ci" / "gate.toml").write_text('inputs = ["../coders"]\nreference = "bob"\n[min]\npercent_agreement = 0.75\n', encoding="utf-8")
        monkeypatch.chdir(tmp_path / "ci")
        result = CliRunner().invoke(main, ["check", "--config", "gate.toml"])
        assert result.exit_code == 0, result.output
        monkeypatch.chdir(project)
        result = CliRunner().invoke(main, ["check", "--config", "ci/gate.toml", "--format", "json"])
        assert json.loads(result.stdout)["settings"]["reference"] == "bob"

    def test_settings_of_every_kind(self, project):
        (project / "reliability.toml").write_text(
            'inputs = "coders"\ncode_sep = "|"\nignore-case = true\nseed = 3\nconfidence = 0.9\nformat = "json"\n[min]\njaccard = 0.5\n',
            encoding="utf-8",
        )
        result = run()
        settings = json.loads(result.stdout)["settings"]
        assert (result.exit_code, settings["code_sep"], settings["ignore_case"]) == (0, "|", True)

    @pytest.mark.parametrize(("text", "message"), [
        ('refrence = "ann"\n', "reliability.toml, key 'refrence' is not a setting (did you mean 'reference'?); the settings are: "),
        ("seed = \"3\"\n", "reliability.toml, key 'seed' must be a whole number, not \"3\""),
        ("ci = 1\n", "reliability.toml, key 'ci' must be true or false, not 1"),
        ("bootstrap = 3\n", "reliability.toml, key 'bootstrap': 3 is not in the range x>=10."),
        ('format = "html"\n', "reliability.toml, key 'format': 'html' is not one of 'table', 'json', 'markdown', 'csv'."),
        ("merge = [1]\n", "reliability.toml, key 'merge' must be text in quotes, or a list of them, not 1"),
        ("min = 0.7\n", "reliability.toml, key 'min' must be a table of figure = minimum, e.g. [min] then shared_agreement = 0.7 on the next line"),
        ("[min]\nkapa = 0.7\n", "reliability.toml [min]: unknown figure 'kapa'; the figures are overall: "),
        ('[min]\njaccard = "high"\n', "reliability.toml, key 'min.jaccard' must be a number (a minimum such as 0.7), not \"high\""),
        ('[min-code."z"]\nfleiss_kappa = 0.5\n', "the per-code minimums name 'z', which is not a code in the coding; the codes are: x, y"),
        ("[min\n", "reliability.toml: not valid TOML ("),
    ])
    def test_errors_exit_2_naming_the_key(self, project, text, message):
        (project / "reliability.toml").write_text('inputs = ["coders"]\n' + text, encoding="utf-8")
        result = run("--min", "jaccard=0")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.startswith("Error: " + message)
        assert result.stderr.count("\n") == 1

    def test_named_settings_missing_exit_2(self, project):
        result = run("--config", "nope.toml")
        assert (result.exit_code, result.stderr) == (2, "Error: nope.toml: no such file; check the path given to --config\n")

    def test_both_files_warns_which_is_used(self, project):
        (project / "reliability.toml").write_text('inputs = ["coders"]\n[min]\njaccard = 0.5\n', encoding="utf-8")
        (project / "pyproject.toml").write_text('[tool.reliability]\ninputs = ["elsewhere"]\n', encoding="utf-8")
        result = run()
        assert result.exit_code == 0
        assert result.stderr == "warning: using reliability.toml; the [tool.reliability] table of pyproject.toml is ignored\n"


class TestInit:
    def test_writes_a_starter_that_check_reads(self, tmp_path, monkeypatch):
        shutil.copytree(FIXTURES / "v1", tmp_path / "coders")
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(main, ["init", "coders", "--reference", "ann"])
        assert (result.exit_code, result.stdout) == (0, "")
        assert result.stderr.startswith("wrote reliability.toml; edit its minimums, then run: reliability check\n")
        assert "\n  reliability compare " in result.stderr and " --format json -o baseline.json\n" in result.stderr
        text = (tmp_path / "reliability.toml").read_text(encoding="utf-8")
        assert 'inputs = ["coders"]\nreference = "ann"\n' in text
        # Single-label data: nominal alpha, by hand 1 − 0.25 / (30/56) = 0.533, below 0.667.
        assert "krippendorff_alpha = 0.667  # now 0.533 all coders" in text
        check = CliRunner().invoke(main, ["check"])
        assert (check.exit_code, verdicts(check.stdout)) == (1, {"overall.krippendorff_alpha": "FAIL"})

    def test_paths_relative_to_the_written_file(self, tmp_path, monkeypatch):
        shutil.copytree(FIXTURES / "v1", tmp_path / "data" / "coders")
        (tmp_path / "ci").mkdir()
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(main, ["init", "data/coders", "-o", "ci/gate.toml"])
        assert result.exit_code == 0, result.output
        assert 'inputs = ["../data/coders"]' in (tmp_path / "ci" / "gate.toml").read_text(encoding="utf-8")
        assert CliRunner().invoke(main, ["check", "--config", "ci/gate.toml"]).exit_code == 1

    def test_refuses_to_overwrite(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        (tmp_path / "reliability.toml").write_text("# mine\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["init", V1])
        assert (result.exit_code, result.stderr) == (2, "Error: reliability.toml exists; edit it, or give --force to replace it\n")
        assert (tmp_path / "reliability.toml").read_text(encoding="utf-8") == "# mine\n"
        assert CliRunner().invoke(main, ["init", V1, "--force"]).exit_code == 0
        assert "[min]" in (tmp_path / "reliability.toml").read_text(encoding="utf-8")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.org", "-c", "commit.gpgsign=false", "-C", str(repo), *args],
        check=True, capture_output=True, text=True,
    )
    return done.stdout.strip()


def rotate_codes(folder: Path, coder: str) -> None:
    """A revision that breaks a coder's agreement: each section gets the next section's codes."""
    path = folder / f"{coder}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    codes = [row["codes"] for row in rows]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "codes": code} for row, code in zip(rows, codes[1:] + codes[:1]))


class TestInGitRepository:
    """The CI story: each codebook revision is a commit; CI checks a fresh clone of it."""

    SETTINGS = (
        'inputs = ["coders"]\nreference = "lead"\nbaseline = "baseline.json"\nmax-drop = 0.05\n\n'
        "[min]\npairs.shared_agreement = 0.7\n"
    )

    def ci(self, repo: Path, tmp_path: Path, monkeypatch, name: str):
        clone = tmp_path / name
        git(tmp_path, "clone", "-q", str(repo), str(clone))
        monkeypatch.chdir(clone)
        return CliRunner().invoke(main, ["check", "--junit", "junit.xml"]), clone

    def test_revisions(self, tmp_path, monkeypatch):
        repo = tmp_path / "study"
        shutil.copytree(GILLARD / "coders", repo / "coders")
        (repo / "reliability.toml").write_text(self.SETTINGS, encoding="utf-8")
        monkeypatch.chdir(repo)
        made = CliRunner().invoke(main, ["compare", "coders", "--reference", "lead", "--format", "json", "-o", "baseline.json"])
        assert made.exit_code == 0, made.output
        git(repo, "init", "-q")
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "Codebook v1: 12 categories")

        # v1 itself: lead–KO 74 %, lead–SLG 70 % shared (sample_data/README.md), at the baseline.
        result, _ = self.ci(repo, tmp_path, monkeypatch, "ci-v1")
        assert result.exit_code == 0, result.output

        # v2 merges four pairs of categories: shared agreement rises to 92 % and 90 %.
        shutil.rmtree(repo / "coders")
        shutil.copytree(FIXTURES / "gillard_revised", repo / "coders")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Codebook v2: 8 categories")
        result, clone = self.ci(repo, tmp_path, monkeypatch, "ci-v2")
        assert result.exit_code == 0, result.output
        # 22 overall and pairwise checks, and 32 per-code baseline checks: the 4 codes v2 kept,
        # each with 4 figures across coders and 2 figures for each of 2 pairs.
        assert result.stdout.startswith("Reliability check passed: 54 checks")
        assert verdicts(result.stdout)["pair lead–KO shared_agreement"] == "pass"

        # v3: KO's codes slip one section; agreement with KO collapses.
        rotate_codes(repo / "coders", "KO")
        git(repo, "commit", "-q", "-am", "Codebook v3: KO recoded")
        result, clone = self.ci(repo, tmp_path, monkeypatch, "ci-v3")
        assert result.exit_code == 1
        found = verdicts(result.stdout)
        assert found["pair lead–KO shared_agreement"] == "FAIL"
        assert found["baseline pair lead–KO cohen_kappa"] == "FAIL"
        assert found["pair lead–SLG shared_agreement"] == "pass"
        failed_line = result.stdout.rstrip().splitlines()[-1]
        assert failed_line.startswith("Failed: pair lead–KO shared_agreement; ")
        cases = ET.parse(clone / "junit.xml").getroot().findall("./testsuite/testcase")
        assert len(cases) == 54
        assert sum(c.find("failure") is not None for c in cases) == failed_line.count(";") + 1


def shipped_commands(path: Path, key: str) -> list[str]:
    """The one-line ``key:`` values of a YAML file that run reliability."""
    text = path.read_text(encoding="utf-8")
    return [m.group(1).strip() for m in re.finditer(rf"^\s*-?\s*{key}:\s*(reliability .+)$", text, re.MULTILINE)]


class TestShippedExamples:
    """docs/github-actions.yml and .pre-commit-hooks.yaml run as written on a study repository."""

    @pytest.fixture()
    def study(self, tmp_path):
        shutil.copytree(GILLARD / "coders", tmp_path / "coders")
        (tmp_path / "reliability.toml").write_text(TestInGitRepository.SETTINGS, encoding="utf-8")
        made = CliRunner().invoke(main, [
            "compare", str(tmp_path / "coders"), "--reference", "lead", "--format", "json", "-o", str(tmp_path / "baseline.json"),
        ])
        assert made.exit_code == 0, made.output
        return tmp_path

    def shell(self, command: str, cwd: Path, summary: Path) -> subprocess.CompletedProcess:
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               "GITHUB_STEP_SUMMARY": str(summary)}
        return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)

    def test_github_actions_workflow(self, study):
        commands = shipped_commands(ROOT / "docs" / "github-actions.yml", "run")
        assert [c.split()[:2] for c in commands] == [["reliability", "check"], ["reliability", "diff"]]
        summary = study / "summary.md"
        for command in commands:
            done = self.shell(command, study, summary)
            assert done.returncode == 0, done.stderr
        # 22 overall and pairwise checks, and 96 per-code baseline checks: 12 codes × (4 + 2 pairs × 2).
        assert len(ET.parse(study / "reliability-junit.xml").getroot().findall("./testsuite/testcase")) == 118
        text = summary.read_text(encoding="utf-8")
        assert "## ✅ Reliability check passed: 118 checks" in text and "# Before and after: baseline.json → coders" in text

    def test_ci_guide_shows_the_tested_workflow(self):
        readme = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
        workflow = (ROOT / "docs" / "github-actions.yml").read_text(encoding="utf-8")
        body = workflow[workflow.index("name: reliability"):]
        assert f"```yaml\n{body}```" in readme

    def test_pre_commit_hook(self, study):
        hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
        assert re.search(r"^\s*language: python$", hooks, re.MULTILINE)
        assert re.search(r"^\s*pass_filenames: false$", hooks, re.MULTILINE)
        entry, = shipped_commands(ROOT / ".pre-commit-hooks.yaml", "entry")
        done = self.shell(entry, study, study / "summary.md")
        assert done.returncode == 0, done.stderr
        rotate_codes(study / "coders", "KO")
        assert self.shell(entry, study, study / "summary.md").returncode == 1
