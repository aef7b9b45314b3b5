"""compare --scale/--order, --gold and --rounds from the command line: figures, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score

from reliability.cli import main

ORDER = ["low", "medium", "high"]
RATINGS = {  # unit -> coder -> rating
    "1": {"A": "low", "B": "low", "C": "medium"},
    "2": {"A": "high", "B": "high", "C": "high"},
    "3": {"A": "medium", "B": "low", "C": "medium"},
    "4": {"A": "low", "B": "low"},
    "5": {"A": "high", "B": "medium", "C": "high"},
    "6": {"A": "medium", "B": "medium", "C": "medium"},
    "7": {"A": "high", "B": "high", "C": "medium"},
    "8": {"A": "low", "B": "medium", "C": "low"},
}
CODERS = ["A", "B", "C"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def ratings_file(tmp_path):
    path = tmp_path / "ratings.csv"
    rows = ["unit,coder,code"] + [f"{u},{c},{v}" for u, by in RATINGS.items() for c, v in by.items()]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _matrix(values=None):
    """Coders × units of positions (or the given values), NaN where missing, for the krippendorff package."""
    values = values or {code: k for k, code in enumerate(ORDER)}
    return np.array([[values[RATINGS[u][c]] if c in RATINGS[u] else np.nan for u in RATINGS] for c in CODERS], dtype=float)


def test_ordinal_json_figures_equal_their_peers(ratings_file):
    result = run("compare", ratings_file, "--scale", "ordinal", "--order", ",".join(ORDER), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    overall = report["overall"]
    expected = krippendorff.alpha(reliability_data=_matrix(), level_of_measurement="ordinal", value_domain=[0, 1, 2])
    assert overall["krippendorff_alpha"]["value"] == pytest.approx(expected, abs=1e-12)
    for name in ("gwet_ac2", "conger_kappa"):
        assert overall[name]["value"] is not None and overall[name]["se"] > 0
    pair = next(p for p in report["pairs"] if p["coders"] == ["A", "B"])
    a = [ORDER.index(RATINGS[u]["A"]) for u in RATINGS]
    b = [ORDER.index(RATINGS[u]["B"]) for u in RATINGS]
    for weights in ("linear", "quadratic"):
        sklearn_kappa = cohen_kappa_score(a, b, labels=[0, 1, 2], weights=weights)
        assert pair[f"cohen_kappa_{weights}"]["value"] == pytest.approx(sklearn_kappa, abs=1e-12)
    assert report["settings"]["scale"] == {"level": "ordinal", "order": ORDER, "order_from": "--order", "weights": "ordinal"}


def test_interval_and_ratio_use_the_numbers_of_numeric_codes(tmp_path):
    numbers = {"low": "1", "medium": "2", "high": "10"}  # "10" sorts before "2" as text
    path = tmp_path / "numbers.csv"
    rows = ["unit,coder,code"] + [f"{u},{c},{numbers[v]}" for u, by in RATINGS.items() for c, v in by.items()]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    for level in ("interval", "ratio"):
        report = json.loads(run("compare", path, "--scale", level, "--format", "json").stdout)
        expected = krippendorff.alpha(reliability_data=_matrix({"low": 1, "medium": 2, "high": 10}),
                                      level_of_measurement=level)
        assert report["overall"]["krippendorff_alpha"]["value"] == pytest.approx(expected, abs=1e-12)
        assert report["settings"]["scale"]["order"] == ["1", "2", "10"]


def test_order_from_the_codebook(ratings_file, tmp_path):
    codebook = tmp_path / "codebook.csv"
    codebook.write_text("code,definition\nlow,a little\nmedium,some\nhigh,a lot\n", encoding="utf-8")
    report = json.loads(run("compare", ratings_file, "--scale", "ordinal", "--codebook", codebook, "--format", "json").stdout)
    assert report["settings"]["scale"]["order"] == ORDER
    assert report["settings"]["scale"]["order_from"] == "codebook"


def test_intervals_on_every_new_figure(ratings_file):
    report = json.loads(run("compare", ratings_file, "--scale", "interval", "--order", ",".join(ORDER),
                            "--ci", "--bootstrap", "200", "--format", "json").stdout)
    for name in ("krippendorff_alpha", "gwet_ac2", "conger_kappa"):
        assert report["overall"][name]["ci"] is not None
    assert all(p["cohen_kappa_quadratic"]["ci"] is not None for p in report["pairs"])


@pytest.mark.parametrize(
    "args,message",
    [
        (("--scale", "ordinal", "--order", "low,high"), "code 'medium' is not in --order"),
        (("--scale", "ordinal"), "needs the order of the codes"),
        (("--order", "low,medium,high"), "add --scale ordinal"),
        (("--scale", "ratio", "--order", "low,medium,high"), "--scale ratio needs numeric codes"),
        (("--scale", "ordinal", "--order", "low,low,high"), "more than once"),
        (("--gold", "nobody"), "there is no coder 'nobody'"),
    ],
)
def test_usage_errors_exit_2(ratings_file, args, message):
    result = run("compare", ratings_file, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_multi_label_data_refuses_an_ordered_scale(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('unit,coder,code\n1,A,"low;high"\n1,B,low\n', encoding="utf-8")
    result = run("compare", path, "--scale", "ordinal", "--order", "low,high")
    assert result.exit_code == 2
    assert "needs one code per unit and coder, but A gave unit 1 2 codes" in result.output


def test_an_empty_coding_needs_a_place_on_the_scale(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("unit,coder,code\n1,A,low\n1,B,\n2,A,high\n2,B,high\n", encoding="utf-8")
    refused = run("compare", path, "--scale", "ordinal", "--order", "low,high")
    assert refused.exit_code == 2 and "(uncoded)" in refused.output
    placed = run("compare", path, "--scale", "ordinal", "--order", "(uncoded),low,high", "--format", "json")
    assert placed.exit_code == 0, placed.output


def test_nominal_reports_have_no_new_keys(ratings_file):
    report = json.loads(run("compare", ratings_file, "--format", "json").stdout)
    assert "gwet_ac2" not in report["overall"] and "conger_kappa" not in report["overall"]
    assert not {"scale", "gold", "rounds"} & set(report["settings"])
    assert "gold" not in report
    assert all("cohen_kappa_linear" not in p for p in report["pairs"])


def test_gold_in_every_format(ratings_file):
    report = json.loads(run("compare", ratings_file, "--gold", "A", "--format", "json").stdout)
    gold = report["gold"]
    assert gold["coder"] == "A" and [c["coder"] for c in gold["coders"]] == ["B", "C"]
    b = gold["coders"][0]
    assert set(b) >= {"coder", "micro", "macro", "codes"}
    truth = [RATINGS[u]["A"] for u in RATINGS]
    guess = [RATINGS[u]["B"] for u in RATINGS]
    assert b["micro"]["f1"] == pytest.approx(np.mean(np.array(truth) == np.array(guess)))
    assert b["confusion_matrix"]["labels"] == ["high", "low", "medium"]
    table = run("compare", ratings_file, "--gold", "A").stdout
    assert "Against the answer key: A" in table and "B against A" in table
    markdown = run("compare", ratings_file, "--gold", "A", "--format", "markdown").stdout
    assert "## Against the answer key: A" in markdown
    rows = list(csv.DictReader(io.StringIO(run("compare", ratings_file, "--gold", "A", "--format", "csv").stdout)))
    gold_rows = [r for r in rows if r["section"] == "gold"]
    micro_f1 = next(r for r in gold_rows if r["coders"] == "B & A" and r["code"] == "(micro average)" and r["figure"] == "f1")
    assert float(micro_f1["value"]) == pytest.approx(b["micro"]["f1"])


def test_rounds_are_labelled_as_rounds(tmp_path):
    first, second = tmp_path / "anna_round1.csv", tmp_path / "anna_round2.csv"
    first.write_text("unit,code\n1,x\n2,y\n3,x\n", encoding="utf-8")
    second.write_text("unit,code\n1,x\n2,x\n3,x\n", encoding="utf-8")
    text = run("compare", first, second, "--rounds").stdout
    assert text.startswith("Intra-coder reliability (test–retest)")
    assert "2 rounds of one coder (anna_round1, anna_round2)" in text
    assert "Pairs of rounds" in text and "Pairs of coders" not in text
    report = json.loads(run("compare", first, second, "--rounds", "--format", "json").stdout)
    assert report["settings"]["rounds"] is True


def test_check_gates_ordered_scale_figures(ratings_file, tmp_path, monkeypatch):
    order = ",".join(ORDER)
    passed = run("check", ratings_file, "--scale", "ordinal", "--order", order, "--min", "gwet_ac2=0.1",
                 "--min", "cohen_kappa_linear=-1")
    assert passed.exit_code == 0, passed.output
    failed = run("check", ratings_file, "--scale", "ordinal", "--order", order, "--min", "conger_kappa=0.99")
    assert failed.exit_code == 1 and "overall.conger_kappa" in failed.stdout
    unscaled = run("check", ratings_file, "--min", "gwet_ac2=0.1")
    assert unscaled.exit_code == 2
    assert "gwet_ac2 is reported only for codes on an ordered scale" in unscaled.output
    # The scale and its order can live in the settings file, like every option of check.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reliability.toml").write_text(
        f'inputs = ["{ratings_file.name}"]\nscale = "ordinal"\norder = "{order}"\n\n[min]\ngwet_ac2 = 0.1\n',
        encoding="utf-8",
    )
    from_file = run("check")
    assert from_file.exit_code == 0, from_file.output
    assert "overall.gwet_ac2" in from_file.stdout
