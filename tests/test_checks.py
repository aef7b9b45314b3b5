"""The gate's core: figure names, minimums and baselines tested on hand-made reports."""

from __future__ import annotations

import json

import pytest

from reliability.gate.thresholds import (
    Gate,
    baseline_checks,
    baseline_warnings,
    evaluate,
    failed,
    figures_of,
    minimums,
    parse_minimum,
    read_report,
)
from reliability.errors import InputError, UsageError


def figure(value, ci=None, note=None):
    return {"value": value, "p_o": None, "p_e": None, "n_units": 10, "ci": ci, "se": None, "note": note}


def make_report(overall=None, pairs=None, codes=None, coders=("lead", "KO", "SLG"), reference=None):
    """A report in its JSON form with only the figures a test needs."""
    return {
        "schema_version": 1,
        "input": {"units": 10, "coders": list(coders), "codes": [c["code"] for c in codes or []]},
        "settings": {"reference": reference},
        "overall": {"n_units": 10, **(overall or {})},
        "pairs": [{"coders": list(names), "n_units": 10, **figs} for names, figs in (pairs or {}).items()],
        "codes": codes or [],
    }


def code(name, pairs=None, **figures):
    return {
        "code": name,
        "applied": {},
        "prevalence": 0.5,
        **figures,
        "pairs": [{"coders": list(names), "n_units": 10, **figs} for names, figs in (pairs or {}).items()],
    }


GILLARD_LIKE = make_report(
    overall={"shared_agreement": figure(0.56), "krippendorff_alpha": figure(0.70), "at_least_k": {"2": figure(0.9), "3": figure(0.56)}},
    pairs={
        ("lead", "KO"): {"shared_agreement": figure(0.74), "cohen_kappa": figure(0.30)},
        ("lead", "SLG"): {"shared_agreement": figure(0.70), "cohen_kappa": figure(0.25)},
    },
)


class TestParseMinimum:
    def test_splits_name_and_value(self):
        assert parse_minimum(" cohen_kappa = -0.2 ", "--min") == ("cohen_kappa", -0.2)

    def test_without_equals_sign(self):
        with pytest.raises(UsageError, match=r"--min 'cohen_kappa': write FIGURE=VALUE"):
            parse_minimum("cohen_kappa", "--min")

    def test_value_not_a_number(self):
        with pytest.raises(UsageError, match=r"'high' is not a number; write e.g. cohen_kappa=0.7"):
            parse_minimum("cohen_kappa=high", "--min")


class TestMinimums:
    def test_bare_name_is_tested_overall_and_for_pairs(self):
        assert minimums([("shared_agreement", 0.7)], "report", "--min") == {
            ("overall", "shared_agreement"): 0.7,
            ("pairs", "shared_agreement"): 0.7,
        }

    def test_pair_only_figure_is_tested_for_pairs(self):
        assert minimums([("cohen_kappa", 0.6)], "report", "--min") == {("pairs", "cohen_kappa"): 0.6}

    def test_scoped_name_is_tested_there_only(self):
        assert minimums([("overall.shared_agreement", 0.5)], "report", "--min") == {("overall", "shared_agreement"): 0.5}

    def test_names_are_forgiving_about_case_and_dashes(self):
        assert minimums([("Pairs.Cohen-Kappa", 0.6)], "report", "--min") == {("pairs", "cohen_kappa"): 0.6}

    def test_k_of_n_by_csv_name_or_json_path(self):
        found = minimums([("at_least_2", 0.8), ("at_least_k.3", 0.5)], "report", "--min")
        assert found == {("overall", "at_least_2"): 0.8, ("overall", "at_least_3"): 0.5}

    def test_later_minimum_replaces_earlier(self):
        assert minimums([("cohen_kappa", 0.6), ("cohen_kappa", 0.4)], "report", "--min") == {("pairs", "cohen_kappa"): 0.4}

    def test_code_level(self):
        found = minimums([("positive_agreement", 0.5), ("cohen_kappa", 0.4)], "code", "--min-code")
        assert found == {
            ("overall", "positive_agreement"): 0.5,
            ("pairs", "positive_agreement"): 0.5,
            ("pairs", "cohen_kappa"): 0.4,
        }

    def test_unknown_figure_names_it_and_suggests(self):
        with pytest.raises(UsageError, match=r"^--min: unknown figure 'krippendorf_alpha' \(did you mean krippendorff_alpha\?\); the figures are overall: "):
            minimums([("krippendorf_alpha", 0.6)], "report", "--min")

    def test_code_figure_is_unknown_to_min(self):
        with pytest.raises(UsageError, match="unknown figure 'positive_agreement'"):
            minimums([("positive_agreement", 0.6)], "report", "--min")

    def test_figure_in_the_wrong_scope(self):
        with pytest.raises(UsageError, match=r"cohen_kappa is not a figure of overall, only of pairs: write pairs.cohen_kappa"):
            minimums([("overall.cohen_kappa", 0.6)], "report", "--min")

    def test_at_least_one_is_no_figure(self):
        with pytest.raises(UsageError, match="unknown figure 'at_least_1'"):
            minimums([("at_least_1", 0.6)], "report", "--min")

    @pytest.mark.parametrize("value", [float("nan"), True, "0.7"])
    def test_minimum_must_be_a_finite_number(self, value):
        with pytest.raises(UsageError, match=r"\[min\]: the minimum of 'jaccard' must be a number"):
            minimums([("jaccard", value)], "report", "[min]")


class TestEvaluateMinimums:
    def test_pairwise_minimum_must_hold_for_every_pair(self):
        gate = Gate(minimum=minimums([("shared_agreement", 0.72)], "report", "--min"))
        checks = evaluate(GILLARD_LIKE, gate)
        assert [(c.name, c.value, c.passed) for c in checks] == [
            ("overall.shared_agreement >= 0.72", 0.56, False),
            ("pair lead–KO shared_agreement >= 0.72", 0.74, True),
            ("pair lead–SLG shared_agreement >= 0.72", 0.70, False),
        ]
        assert [c.section for c in checks] == ["overall", "pair", "pair"]

    def test_value_equal_to_minimum_passes(self):
        gate = Gate(minimum={("pairs", "shared_agreement"): 0.7})
        assert [c.passed for c in evaluate(GILLARD_LIKE, gate)] == [True, True]

    def test_floating_point_hair_below_minimum_passes(self):
        # 2/3 computed in floating point is 0.666…; the minimum 0.6666666667 was meant as 2/3.
        report = make_report(overall={"krippendorff_alpha": figure(2 / 3)})
        check, = evaluate(report, Gate(minimum={("overall", "krippendorff_alpha"): 0.6666666667}))
        assert check.passed

    def test_k_of_n_share(self):
        check, = evaluate(GILLARD_LIKE, Gate(minimum={("overall", "at_least_3"): 0.6}))
        assert (check.name, check.value, check.passed) == ("overall.at_least_3 >= 0.6", 0.56, False)

    def test_k_beyond_the_number_of_coders(self):
        with pytest.raises(UsageError, match=r"at_least_4 needs at least 4 coders; this coding has 3: use at_least_2 … at_least_3"):
            evaluate(GILLARD_LIKE, Gate(minimum={("overall", "at_least_4"): 0.6}))

    def test_undefined_figure_fails_with_its_note(self):
        report = make_report(overall={"fleiss_kappa": figure(None, note="every coder used one category")})
        check, = evaluate(report, Gate(minimum={("overall", "fleiss_kappa"): 0.0}))
        assert (check.value, check.passed) == (None, False)
        assert check.reason == "undefined: every coder used one category"

    def test_figure_missing_from_report_fails(self):
        check, = evaluate(make_report(), Gate(minimum={("overall", "gwet_ac1"): 0.0}))
        assert (check.passed, check.reason) == (False, "not in this report")

    def test_lower_bound_is_tested_instead_of_value(self):
        report = make_report(overall={"krippendorff_alpha": figure(0.70, ci=(0.61, 0.78))})
        check, = evaluate(report, Gate(minimum={("overall", "krippendorff_alpha"): 0.667}, use_lower_bound=True))
        assert (check.name, check.value, check.passed, check.lower_bound) == (
            "overall.krippendorff_alpha lower bound >= 0.667", 0.61, False, True,
        )

    def test_lower_bound_without_interval_fails(self):
        report = make_report(overall={"krippendorff_alpha": figure(0.70)})
        check, = evaluate(report, Gate(minimum={("overall", "krippendorff_alpha"): 0.5}, use_lower_bound=True))
        assert not check.passed
        assert check.reason.startswith("no interval")


class TestEvaluateCodes:
    REPORT = make_report(
        coders=("a", "b"),
        codes=[
            code("access", fleiss_kappa=figure(0.8), pairs={("a", "b"): {"cohen_kappa": figure(0.81)}}),
            code("cost", fleiss_kappa=figure(0.3), pairs={("a", "b"): {"cohen_kappa": figure(0.31)}}),
        ],
    )

    def test_every_code_is_tested(self):
        checks = evaluate(self.REPORT, Gate(code_minimum=minimums([("fleiss_kappa", 0.5)], "code", "--min-code")))
        assert [(c.name, c.passed) for c in checks] == [
            ("code 'access' fleiss_kappa >= 0.5", True),
            ("code 'cost' fleiss_kappa >= 0.5", False),
        ]

    def test_per_code_override_replaces_the_default(self):
        gate = Gate(
            code_minimum={("overall", "fleiss_kappa"): 0.5},
            code_overrides={"cost": {("overall", "fleiss_kappa"): 0.2, ("pairs", "cohen_kappa"): 0.3}},
        )
        checks = evaluate(self.REPORT, gate)
        assert [(c.name, c.section, c.passed) for c in checks] == [
            ("code 'access' fleiss_kappa >= 0.5", "code", True),
            ("code 'cost' fleiss_kappa >= 0.2", "code", True),
            ("code 'cost' pair a–b cohen_kappa >= 0.3", "code pair", True),
        ]

    def test_override_of_unknown_code(self):
        gate = Gate(code_overrides={"acess": {("overall", "fleiss_kappa"): 0.2}})
        with pytest.raises(UsageError, match=r"per-code minimums name 'acess', which is not a code in the coding \(did you mean 'access'\?\); the codes are: access, cost"):
            evaluate(self.REPORT, gate)


class TestBaseline:
    def test_drop_within_allowance_passes_beyond_fails(self):
        # Baseline kappa 0.30 and 0.25; now 0.26 (drop 0.04) and 0.19 (drop 0.06); allowed 0.05.
        now = make_report(pairs={
            ("lead", "KO"): {"cohen_kappa": figure(0.26)},
            ("lead", "SLG"): {"cohen_kappa": figure(0.19)},
        })
        before = make_report(pairs={
            ("lead", "KO"): {"cohen_kappa": figure(0.30)},
            ("lead", "SLG"): {"cohen_kappa": figure(0.25)},
        })
        checks = baseline_checks(now, before, 0.05)
        assert [(c.name, c.passed) for c in checks] == [
            ("baseline pair lead–KO cohen_kappa drop <= 0.05", True),
            ("baseline pair lead–SLG cohen_kappa drop <= 0.05", False),
        ]
        assert checks[1].threshold == pytest.approx(0.20)
        assert (checks[1].baseline, checks[1].max_drop, checks[1].kind) == (0.25, 0.05, "baseline")

    def test_every_overall_figure_including_k_of_n(self):
        checks = baseline_checks(GILLARD_LIKE, GILLARD_LIKE, 0.05)
        assert [c.subject for c in checks if c.section == "overall"] == [
            "baseline overall.shared_agreement",
            "baseline overall.krippendorff_alpha",
            "baseline overall.at_least_2",
            "baseline overall.at_least_3",
        ]
        assert all(c.passed for c in checks)

    def test_pairs_match_whatever_the_order_of_names(self):
        before = make_report(pairs={("KO", "lead"): {"jaccard": figure(0.5)}})
        now = make_report(pairs={("lead", "KO"): {"jaccard": figure(0.5)}})
        check, = baseline_checks(now, before, 0.0)
        assert check.passed

    def test_pair_gone_from_the_report_fails(self):
        before = make_report(pairs={("lead", "KO"): {"jaccard": figure(0.5)}})
        check, = baseline_checks(make_report(), before, 0.05)
        assert (check.passed, check.reason) == (False, "the pair lead–KO is not in this report")

    def test_figure_undefined_in_baseline_is_not_checked(self):
        before = make_report(overall={"fleiss_kappa": figure(None, note="one category")})
        assert baseline_checks(make_report(overall={"fleiss_kappa": figure(0.1)}), before, 0.05) == []

    def test_figure_undefined_now_fails(self):
        before = make_report(overall={"fleiss_kappa": figure(0.4)})
        now = make_report(overall={"fleiss_kappa": figure(None, note="one category")})
        check, = baseline_checks(now, before, 0.05)
        assert (check.passed, check.reason) == (False, "undefined: one category")

    def test_gate_runs_minimums_then_codes_then_baseline(self):
        gate = Gate(minimum={("overall", "shared_agreement"): 0.5}, baseline=GILLARD_LIKE)
        checks = evaluate(GILLARD_LIKE, gate)
        assert [c.kind for c in checks] == ["minimum"] + ["baseline"] * 8
        assert failed(checks) == []

    def test_warnings_name_changed_reference_and_coders(self):
        before = make_report(coders=("lead", "KO"), reference=None)
        now = make_report(coders=("lead", "SLG"), reference="lead")
        assert baseline_warnings(now, before, "b.json") == [
            "the baseline b.json compares every pair of coders, this report each coder with lead; "
            "pairs of coders differ, so regenerate the baseline with the same --reference",
            "the coders changed since the baseline b.json (added SLG; removed KO)",
        ]


class TestReadReport:
    def test_reads_a_report(self, tmp_path):
        path = tmp_path / "r.json"
        path.write_text(json.dumps(GILLARD_LIKE), encoding="utf-8")
        assert read_report(path) == GILLARD_LIKE

    def test_missing_file(self, tmp_path):
        with pytest.raises(InputError, match=r"b.json: no such file; make it with: reliability compare INPUTS --format json -o .*b.json"):
            read_report(tmp_path / "b.json")

    def test_not_json(self, tmp_path):
        path = tmp_path / "b.json"
        path.write_text("{oops", encoding="utf-8")
        with pytest.raises(InputError, match=r"b.json: not valid JSON \(line 1, column 2"):
            read_report(path)

    def test_json_that_is_no_report(self, tmp_path):
        path = tmp_path / "b.json"
        path.write_text('{"a": 1}', encoding="utf-8")
        with pytest.raises(InputError, match=r"b.json is not a JSON report of reliability"):
            read_report(path)

    def test_other_schema_version(self, tmp_path):
        path = tmp_path / "b.json"
        path.write_text(json.dumps({**GILLARD_LIKE, "schema_version": 2}), encoding="utf-8")
        with pytest.raises(InputError, match=r"b.json has schema_version 2; this version of reliability reads 1"):
            read_report(path)


def test_figures_of_skips_counts_and_lists():
    assert list(figures_of(GILLARD_LIKE["pairs"][0])) == ["shared_agreement", "cohen_kappa"]


def test_check_to_dict_has_stable_keys():
    check, = evaluate(GILLARD_LIKE, Gate(minimum={("overall", "shared_agreement"): 0.5}))
    assert check.to_dict() == {
        "name": "overall.shared_agreement >= 0.5",
        "kind": "minimum",
        "section": "overall",
        "subject": "overall.shared_agreement",
        "figure": "shared_agreement",
        "threshold": 0.5,
        "value": 0.56,
        "passed": True,
        "reason": None,
        "lower_bound": False,
        "baseline": None,
        "max_drop": None,
    }
