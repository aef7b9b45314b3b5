"""``reliability diff``: figures of two reports matched, codes through a revision."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability.cli import main
from reliability.gate.diff import diff_reports
from reliability.render.gate import render_diff

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "check"
GILLARD = ROOT / "sample_data" / "gillard"


def figure(value, note=None):
    return {"value": value, "note": note}


def make_report(overall, pairs, codes):
    return {
        "input": {"units": 4, "coders": ["a", "b"], "codes": [c["code"] for c in codes]},
        "overall": overall,
        "pairs": [{"coders": list(names), **figs} for names, figs in pairs.items()],
        "codes": [{**c, "pairs": []} for c in codes],
    }


OLD = make_report(
    {"percent_agreement": figure(0.5), "fleiss_kappa": figure(None, "one category"), "at_least_k": {"2": figure(0.5)}},
    {("a", "b"): {"cohen_kappa": figure(0.2)}, ("a", "c"): {"cohen_kappa": figure(0.1)}},
    [
        {"code": "hierarchy", "fleiss_kappa": figure(0.1)},
        {"code": "team", "fleiss_kappa": figure(0.3)},
        {"code": "misc", "fleiss_kappa": figure(0.0)},
        {"code": "pay", "fleiss_kappa": figure(0.8)},
    ],
)
NEW = make_report(
    {"percent_agreement": figure(0.75), "fleiss_kappa": figure(0.4), "at_least_k": {"2": figure(1.0)}},
    {("b", "a"): {"cohen_kappa": figure(0.5)}, ("b", "c"): {"cohen_kappa": figure(0.6)}},
    [
        {"code": "pay", "fleiss_kappa": figure(0.7)},
        {"code": "team and power", "fleiss_kappa": figure(0.6)},
        {"code": "wellbeing", "fleiss_kappa": figure(0.9)},
    ],
)
REVISION = {"hierarchy": "team and power", "team": "team and power", "misc": None}


def rows(diff, section):
    return [(c.subject, c.figure, c.before, c.after, c.note) for c in diff.section(section)]


class TestDiffReports:
    def test_overall_figures_with_k_of_n_and_undefined_before(self):
        diff = diff_reports(OLD, NEW)
        assert rows(diff, "overall") == [
            ("all coders", "percent_agreement", 0.5, 0.75, None),
            ("all coders", "fleiss_kappa", None, 0.4, "undefined before: one category"),
            ("all coders", "at_least_2", 0.5, 1.0, None),
        ]
        assert [c.change for c in diff.section("overall")] == [0.25, None, 0.5]

    def test_pairs_match_whatever_the_order_of_names(self):
        assert rows(diff_reports(OLD, NEW), "pair") == [
            ("b–a", "cohen_kappa", 0.2, 0.5, None),
            ("b–c", "cohen_kappa", None, 0.6, "pair not in the old report"),
            ("a–c", "cohen_kappa", 0.1, None, "pair not in the new report"),
        ]

    def test_codes_matched_by_name_without_a_revision(self):
        assert rows(diff_reports(OLD, NEW), "code") == [
            ("pay", "fleiss_kappa", 0.8, 0.7, None),
            ("team and power", "fleiss_kappa", None, 0.6, "code not in the old report"),
            ("wellbeing", "fleiss_kappa", None, 0.9, "code not in the old report"),
            ("hierarchy", "fleiss_kappa", 0.1, None, "code not in the new report"),
            ("team", "fleiss_kappa", 0.3, None, "code not in the new report"),
            ("misc", "fleiss_kappa", 0.0, None, "code not in the new report"),
        ]

    def test_codes_merged_and_dropped_through_the_revision(self):
        diff = diff_reports(OLD, NEW, REVISION)
        assert rows(diff, "code") == [
            ("pay", "fleiss_kappa", 0.8, 0.7, None),
            ("hierarchy → team and power", "fleiss_kappa", 0.1, 0.6, None),
            ("team → team and power", "fleiss_kappa", 0.3, 0.6, None),
            ("wellbeing", "fleiss_kappa", None, 0.9, "code not in the old report"),
            ("misc", "fleiss_kappa", 0.0, None, "dropped by the revision"),
        ]

    def test_code_mapped_to_a_code_not_in_the_new_report(self):
        diff = diff_reports(OLD, NEW, {"misc": "other"})
        assert ("misc", "fleiss_kappa", 0.0, None, "code not in the new report (mapped to 'other')") in rows(diff, "code")

    def test_unknown_section(self):
        with pytest.raises(ValueError, match="unknown section 'codes'; choose one of overall, pair, code"):
            diff_reports(OLD, NEW).section("codes")


class TestRenderDiff:
    def test_table_shows_changes_in_points_for_shares(self):
        text = render_diff(diff_reports(OLD, NEW, REVISION, "v1.json", "v2.json"), "table")
        assert text.startswith("Before and after: v1.json → v2.json\n")
        assert "team and power ← hierarchy + team" in text
        assert "misc dropped" in text
        # Figures are labelled with the registry's titles, as compare labels them.
        assert _row(text, "Identical sets") == ["Identical", "sets", "50.0", "%", "75.0", "%", "+25.0", "points"]
        assert _row(text, "hierarchy → team and power") == ["hierarchy", "→", "team", "and", "power", "Fleiss'", "κ", "0.100", "0.600", "+0.500"]

    def test_markdown_labels_figures_with_titles(self):
        text = render_diff(diff_reports(OLD, NEW), "markdown")
        assert "| Identical sets " in text and "percent_agreement" not in text

    def test_json_has_every_change(self):
        document = json.loads(render_diff(diff_reports(OLD, NEW, REVISION), "json"))
        assert document["schema_version"] == 1
        assert document["mapping"] == REVISION
        assert document["changes"][0] == {
            "section": "overall", "figure": "percent_agreement", "coders": None, "old_code": None,
            "new_code": None, "before": 0.5, "after": 0.75, "change": 0.25, "note": None,
        }

    def test_csv_one_row_per_change(self):
        diff = diff_reports(OLD, NEW, REVISION)
        table = list(csv.reader(io.StringIO(render_diff(diff, "csv"))))
        assert table[0] == ["section", "subject", "figure", "title", "before", "after", "change", "note"]
        assert len(table) == 1 + len(diff.changes)
        assert table[1][2:4] == ["percent_agreement", "Identical sets"]

    def test_csv_has_no_float_noise(self):
        # 0.1 → 0.08 is a change of −0.02, which floating point computes as −0.020000000000000004.
        old = {**OLD, "overall": {"jaccard": {"value": 0.1, "note": None}}}
        new = {**NEW, "overall": {"jaccard": {"value": 0.08, "note": None}}}
        assert 0.08 - 0.1 == -0.020000000000000004
        rows = list(csv.DictReader(io.StringIO(render_diff(diff_reports(old, new), "csv"))))
        assert rows[0]["change"] == "-0.02"

    def test_warns_when_coders_or_units_differ(self):
        other = {**NEW, "input": {**NEW["input"], "units": NEW["input"]["units"] + 1, "coders": ["x", "y"]}}
        diff = diff_reports(OLD, other, {}, "v1.json", "other.json")
        text = render_diff(diff, "table")
        assert "warning: the coders differ (only in v1.json: " in text
        assert "warning: the number of units differs" in text
        assert json.loads(render_diff(diff, "json"))["warnings"] == diff.warnings()
        assert diff_reports(OLD, NEW).warnings() == []


def _row(text: str, start: str) -> list[str]:
    """The cells of the table row that begins with ``start`` (cells split on spaces)."""
    return next(line.split() for line in text.splitlines() if line.split()[: len(start.split())] == start.split())


class TestCommand:
    def test_two_json_reports(self, tmp_path):
        runner = CliRunner()
        for name in ("v1", "v3_disagree"):
            result = runner.invoke(main, ["compare", str(FIXTURES / name), "--format", "json", "-o", str(tmp_path / f"{name}.json")])
            assert result.exit_code == 0, result.output
        result = runner.invoke(main, ["diff", str(tmp_path / "v1.json"), str(tmp_path / "v3_disagree.json"), "--format", "json"])
        assert (result.exit_code, result.stderr) == (0, "")
        changes = {(c["section"], c["figure"]): c for c in json.loads(result.stdout)["changes"]}
        # By hand (tests/fixtures/check/README.md): agreement 3/4 → 1/4, Cohen's kappa 0.5 → −0.5.
        assert (changes["pair", "percent_agreement"]["before"], changes["pair", "percent_agreement"]["after"]) == (0.75, 0.25)
        assert changes["pair", "cohen_kappa"]["change"] == pytest.approx(-1.0)

    def test_two_sets_of_inputs_through_a_recode_file(self):
        result = CliRunner().invoke(main, [
            "diff", str(GILLARD / "coders"), str(FIXTURES / "gillard_revised"),
            "--reference", "lead", "--recode", str(GILLARD / "revision.csv"), "--format", "json",
        ])
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        shared = {tuple(c["coders"]): (c["before"], c["after"]) for c in document["changes"]
                  if c["section"] == "pair" and c["figure"] == "shared_agreement"}
        # sample_data/README.md: 74 % → 92 % and 70 % → 90 %.
        assert shared == {("lead", "KO"): (0.74, 0.92), ("lead", "SLG"): (0.70, 0.90)}
        merged = {c["old_code"] for c in document["changes"] if c["new_code"] == "Team relationships and power"}
        assert merged == {"Hierarchy and power", "Team integration"}
        assert not any(c["note"] for c in document["changes"] if c["section"] == "code")

    def test_json_and_inputs_mixed(self, tmp_path):
        runner = CliRunner()
        runner.invoke(main, ["compare", str(FIXTURES / "v1"), "--format", "json", "-o", str(tmp_path / "v1.json")])
        result = runner.invoke(main, ["diff", str(tmp_path / "v1.json"), str(FIXTURES / "v2_agree")])
        assert result.exit_code == 0, result.output
        assert _row(result.stdout, "ann–bob Cohen's κ") == ["ann–bob", "Cohen's", "κ", "0.500", "1.000", "+0.500"]

    def test_needs_exactly_two_inputs(self):
        result = CliRunner().invoke(main, ["diff", str(FIXTURES / "v1")])
        assert (result.exit_code, result.stdout) == (2, "")
        assert "Missing argument 'NEW'." in result.stderr
        assert "Usage: main diff [OPTIONS] OLD NEW" in result.stderr

    def test_unreadable_report(self, tmp_path):
        (tmp_path / "old.json").write_text("[]", encoding="utf-8")
        result = CliRunner().invoke(main, ["diff", str(tmp_path / "old.json"), str(FIXTURES / "v1")])
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: {tmp_path / 'old.json'} is not a JSON report of reliability; make it with")
