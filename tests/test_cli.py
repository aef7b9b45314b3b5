"""The command line: exit codes, stdout and stderr apart, JSON contract, help texts."""

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from reliability import __version__
from reliability.cli import main

from paths import GILLARD_CODERS, SAMPLE

FIGURE_KEYS = {"value", "p_o", "p_e", "n_units", "ci", "se", "note"}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"reliability, version {__version__}\n"


def _commands(group: click.Group):
    for name, command in group.commands.items():
        yield name, command
        if isinstance(command, click.Group):
            yield from _commands(command)


def test_every_command_has_help_text():
    assert main.help
    for name, command in _commands(main):
        assert command.help, f"command {name} has no help text"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts} has no help text"


def test_help_does_not_import_pandas_or_sklearn():
    code = (
        "import sys; from click.testing import CliRunner; from reliability.cli import main; "
        "CliRunner().invoke(main, ['compare', '--help']); "
        "print(sorted(m for m in ('pandas', 'sklearn', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_small_compare_imports_neither_scipy_nor_sklearn():
    # DESIGN §6: a small run costs at most 1.5 × `import pandas`; scipy alone would add a fifth.
    code = (
        "import sys; from click.testing import CliRunner; from reliability.cli import main; "
        f"result = CliRunner().invoke(main, ['compare', {str(GILLARD_CODERS)!r}]); assert result.exit_code == 0; "
        "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_compare_of_tables_loads_no_span_or_project_reader():
    # The readers of coded spans, workbooks and QDA projects (and sqlite3) load only for such files.
    code = (
        "import sys; from click.testing import CliRunner; from reliability.cli import main; "
        f"result = CliRunner().invoke(main, ['compare', {str(GILLARD_CODERS)!r}]); assert result.exit_code == 0; "
        "print(sorted(m for m in ('reliability.readers.spans', 'reliability.readers.excel', "
        "'reliability.readers.refi', 'sqlite3') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_gillard_figures_in_the_table():
    result = run("compare", GILLARD_CODERS, "--reference", "lead")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # Gillard et al. (2013): lead vs KO 74 %, lead vs SLG 70 %, all three 56 % (at least one shared category)
    assert any(line.startswith("lead – KO") and " 74.0 % " in line for line in lines)
    assert any(line.startswith("lead – SLG") and " 70.0 % " in line for line in lines)
    assert any(line.startswith("≥1 code shared by all coders") and " 56.0 % " in line for line in lines)
    assert result.stderr == ""


def test_json_has_the_contract_keys():
    result = run("compare", GILLARD_CODERS, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "reliability", "version": __version__}
    assert {"units", "coders", "codes", "multi_label", "rows_read", "rows_used", "ignored"} <= set(doc["input"])
    assert {"pairs", "overall", "codes", "settings"} <= set(doc)
    pair = doc["pairs"][0]
    assert {"coders", "n_units", "percent_agreement", "shared_agreement", "jaccard", "cohen_kappa", "pooled_kappa"} <= set(pair)
    assert set(pair["shared_agreement"]) == FIGURE_KEYS
    overall = doc["overall"]
    for key in (
        "percent_agreement", "shared_agreement", "fleiss_kappa", "krippendorff_alpha",
        "krippendorff_alpha_masi", "krippendorff_alpha_jaccard", "gwet_ac1", "brennan_prediger",
    ):
        assert set(overall[key]) == FIGURE_KEYS, key
    assert set(overall["at_least_k"]) == {"2", "3"}
    code = doc["codes"][0]
    assert {"code", "applied", "prevalence", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "positive_agreement", "pairs"} <= set(code)
    assert {"coders", "cohen_kappa", "positive_agreement"} <= set(code["pairs"][0])
    assert doc["input"]["rows_read"] == doc["input"]["rows_used"] + sum(i["rows"] for i in doc["input"]["ignored"])


def test_reference_json_pairs():
    doc = json.loads(run("compare", GILLARD_CODERS, "--reference", "lead", "--format", "json").stdout)
    shared = {tuple(p["coders"]): p["shared_agreement"]["value"] for p in doc["pairs"]}
    # Gillard et al. (2013): 74 % and 70 %
    assert shared == {("lead", "KO"): pytest.approx(0.74), ("lead", "SLG"): pytest.approx(0.70)}
    assert doc["overall"]["shared_agreement"]["value"] == pytest.approx(0.56)
    assert doc["settings"]["reference"] == "lead"


def test_output_file(tmp_path):
    out = tmp_path / "report.json"
    result = run("compare", GILLARD_CODERS, "--format", "json", "--output", out)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text())["schema_version"] == 1


@pytest.mark.parametrize("fmt", ["markdown", "csv"])
def test_other_formats(fmt):
    result = run("compare", SAMPLE / "long_example.csv", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "markdown":
        assert result.stdout.startswith("# Inter-coder reliability")
        assert "| amira – ben " in result.stdout
    else:
        assert result.stdout.splitlines()[0].startswith("section,coders,code,figure,value")


def test_warnings_go_to_stderr_not_into_the_report():
    result = run("compare", SAMPLE / "long_example.csv", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == "warning: chen did not code 1 of 8 units: U6\n"
    json.loads(result.stdout)


def test_ci_is_deterministic_for_a_seed():
    args = ("compare", SAMPLE / "long_example.csv", "--ci", "--bootstrap", "200", "--seed", "3", "--format", "json")
    first, second = run(*args), run(*args)
    assert first.exit_code == 0
    assert first.stdout == second.stdout
    # No progress bar when stderr is not a terminal: only the missing-unit warning.
    assert first.stderr == "warning: chen did not code 1 of 8 units: U6\n"
    doc = json.loads(first.stdout)
    assert doc["pairs"][0]["shared_agreement"]["ci"] is not None
    assert doc["settings"]["seed"] == 3 and doc["settings"]["bootstrap"] == 200


def test_input_error_is_one_line_and_exit_2(tmp_path):
    result = run("compare", tmp_path / "missing.csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {tmp_path / 'missing.csv'}: no such file or folder; check the path\n"


def test_unknown_reference_coder_is_exit_2():
    result = run("compare", GILLARD_CODERS, "--reference", "boss")
    assert result.exit_code == 2
    assert "there is no coder 'boss'; the coders are: KO, lead, SLG" in result.stderr
    assert "Traceback" not in result.output


def test_no_inputs_is_a_usage_error():
    result = run("compare")
    assert result.exit_code == 2
    assert "Missing argument 'INPUTS...'" in result.stderr


def test_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "reliability", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"reliability, version {__version__}"
