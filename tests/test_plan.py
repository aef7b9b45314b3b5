"""``reliability plan``: Krippendorff's minimum sample size and planning from a pilot."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from reliability.cli import main
from reliability.errors import InputError, UsageError
from reliability.figures.plan import PilotFigure, minimum_sample_size, pilot_figure, units_from_pilot

from paths import GILLARD_CODERS


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_reproduces_published_entries_of_krippendorffs_table():
    # Krippendorff (2004), Content Analysis, §11.4, Table 11.4, as reproduced in the ATLAS.ti 22
    # manual, "Sample Size and Decision Rules" (doc.atlasti.com/ManualWin.v22/ICA/
    # ICASampleSizeAndDecisionRules.html): four equally distributed codes (p_c = .25), p = .05:
    # "a minimum of 139 codings" for alpha_min = .800 and "a minimum of 81" for .667.
    assert minimum_sample_size(0.800, 0.05, 0.25) == 139
    assert minimum_sample_size(0.667, 0.05, 0.25) == 81


def test_sample_size_grows_with_demands():
    base = minimum_sample_size(0.8, 0.05, 0.25)
    assert minimum_sample_size(0.9, 0.05, 0.25) > base  # a higher alpha to show
    assert minimum_sample_size(0.8, 0.01, 0.25) > base  # a stricter level
    assert minimum_sample_size(0.8, 0.05, 0.05) > base  # a rarer category
    assert minimum_sample_size(0.8, 0.05, 0.5) < base


@pytest.mark.parametrize("args", [(1.0, 0.05, 0.25), (0.8, 0.6, 0.25), (0.8, 0.05, 0.0), (0.8, 0.05, 0.7)])
def test_sample_size_refuses_impossible_inputs(args):
    with pytest.raises(UsageError):
        minimum_sample_size(*args)


def test_pilot_plan_scales_with_the_square_of_the_width():
    pilot = PilotFigure("krippendorff_alpha", 0.7, 50, 0.2, from_se=False)
    assert units_from_pilot(pilot, 0.1).units == 200
    assert units_from_pilot(pilot, 0.05).units == 800
    assert units_from_pilot(pilot, 0.4).units == 50  # already narrow enough: no fewer than the pilot
    assert units_from_pilot(pilot, 0.4).more == 0


def test_pilot_half_width_takes_the_wider_side_of_the_interval():
    report = {"settings": {"confidence": 0.95},
              "overall": {"gwet_ac1": {"value": 0.8, "n_units": 40, "ci": [0.5, 0.9], "se": 0.1}}}
    assert pilot_figure(report, "gwet_ac1").half_width == pytest.approx(0.3)
    report["overall"]["gwet_ac1"]["ci"] = None
    figure = pilot_figure(report, "gwet_ac1")
    assert figure.from_se and figure.half_width == pytest.approx(0.196, abs=1e-3)
    report["overall"]["gwet_ac1"]["se"] = None
    with pytest.raises(InputError, match="--ci"):
        pilot_figure(report, "gwet_ac1")
    with pytest.raises(UsageError, match="it has: gwet_ac1"):
        pilot_figure(report, "nope")


def test_cli_before_coding_says_what_to_do():
    result = run("plan", "--rarest", "0.25", "--units", "400")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "Plan: double-code at least 139 units (34.8 % of your 400)."
    result = run("plan", "--categories", "4", "--alpha-min", "0.667", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["plan"]["units"] == 81


@pytest.mark.parametrize(
    "args,message",
    [
        ((), "--rarest"),
        (("--rarest", "0.1", "--categories", "3"), "not both"),
        (("--rarest", "0.9"), "outside (0, 0.5]"),
        (("--from", "missing.json"), "cannot read"),
        (("--from", "x.json", "--rarest", "0.1"), "give one or the other"),
    ],
)
def test_cli_usage_errors_exit_2(args, message):
    result = run("plan", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_from_a_real_pilot(tmp_path):
    pilot = tmp_path / "pilot.json"
    made = run("compare", GILLARD_CODERS, "--ci", "--bootstrap", "200", "--format", "json", "-o", pilot)
    assert made.exit_code == 0
    report = json.loads(pilot.read_text(encoding="utf-8"))
    alpha = report["overall"]["krippendorff_alpha"]
    half = max(alpha["value"] - alpha["ci"][0], alpha["ci"][1] - alpha["value"])
    expected = max(alpha["n_units"], -(-alpha["n_units"] * half**2 // 0.1**2))
    result = run("plan", "--from", pilot, "--units", "400", "--format", "json")
    assert result.exit_code == 0
    planned = json.loads(result.stdout)["plan"]
    assert planned["units"] == pytest.approx(expected, abs=1)
    assert planned["advice"].startswith(f"double-code at least {planned['units']:,} units (")
    not_json = tmp_path / "bad.json"
    not_json.write_text("{oops", encoding="utf-8")
    bad = run("plan", "--from", not_json)
    assert bad.exit_code == 2 and "not JSON" in bad.output


def test_a_plan_larger_than_the_study_says_so():
    from reliability.figures.plan import units_before_coding

    plan = units_before_coding(0.9, 0.005, 0.05, total_units=100)
    assert plan.units > 100
    assert plan.advice().endswith("that is more than your 100 units, so double-code all of them and report the wider interval")
