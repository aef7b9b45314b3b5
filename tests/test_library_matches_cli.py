"""One ReadOptions from the command line to the report's settings: the library's
``compare()`` and ``reliability compare --format json`` give the same document."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import reliability
from paths import SAMPLE
from reliability.cli import main
from reliability.figures.intervals import BootstrapSettings


@pytest.mark.parametrize(
    ("arguments", "options", "reference"),
    [
        ([], reliability.ReadOptions(), None),
        (["--ignore-case", "--code-sep", ";", "--reference", "lead"], reliability.ReadOptions(ignore_case=True), "lead"),
    ],
)
def test_library_and_command_line_give_the_same_json(arguments, options, reference):
    inputs = str(SAMPLE / "gillard" / "coders")
    result = CliRunner().invoke(main, ["compare", inputs, "--format", "json", *arguments])
    assert result.exit_code == 0, result.output
    # Without --disagreements the command computes no section but the disagreement summary.
    report = reliability.compare(reliability.load([inputs], options), reference=reference, sections=())
    assert report.to_dict() == json.loads(result.stdout)


def test_with_every_section():
    inputs = str(SAMPLE / "gillard" / "coders")
    result = CliRunner().invoke(main, ["compare", inputs, "--format", "json", "--disagreements", "--matrix"])
    report = reliability.compare(reliability.load([inputs]))
    assert report.to_dict() == json.loads(result.stdout)


def test_with_intervals_too():
    inputs = str(SAMPLE / "gillard" / "coders")
    result = CliRunner().invoke(main, ["compare", inputs, "--format", "json", "--ci", "--bootstrap", "20", "--seed", "3"])
    report = reliability.compare(reliability.load([inputs]), bootstrap=BootstrapSettings(20, 3, 0.95), sections=())
    assert report.to_dict() == json.loads(result.stdout)


def test_settings_record_the_read_options():
    codings = reliability.from_sets({"A": {"u": {"x"}}, "B": {"u": {"x"}}})
    settings = reliability.compare(codings).to_dict()["settings"]
    assert (settings["code_sep"], settings["ignore_case"], settings["crlf"]) == (";", False, "auto")
