"""QualCoder projects (tests/fixtures/qualcoder/ward_study.qda, built by make_fixture.py from QualCoder's schema).

alice and bob code the Taguette fixture's documents exactly as there, so the figures
are the hand count of tests/fixtures/taguette/README.md ("Project files", alice–bob).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from fractions import Fraction

import pytest
from click.testing import CliRunner

from reliability.cli import main
from reliability.readers.codebook import read_codebook
from reliability.errors import InputError
from reliability.readers import ReadOptions, load
from reliability.readers.qualcoder_project import read_project

from paths import ROOT

PROJECT = ROOT / "tests" / "fixtures" / "qualcoder" / "ward_study.qda"


def report(*args) -> dict:
    result = CliRunner().invoke(main, ["compare", *map(str, args), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("given", [PROJECT, PROJECT / "data.qda"])
def test_project_by_characters_gives_the_hand_counted_figures(given):
    data = report(given, "--units", "characters")
    assert data["input"]["coders"] == ["alice", "bob"]  # every owner is a coder
    (ab,) = data["pairs"]
    assert ab["n_units"] == 404  # Taguette README: 238 + 166 characters
    assert ab["percent_agreement"]["value"] == pytest.approx(122 / 404)
    assert ab["shared_agreement"]["value"] == pytest.approx(198 / 404)
    assert ab["cohen_kappa"]["value"] == pytest.approx(float(Fraction(18400, 132328)))


def test_spans_carry_their_text_and_owner():
    table, notices = read_project(PROJECT, ReadOptions())
    assert notices == []  # every seltext is the text at its positions
    assert set(table.spans["coder"]) == {"alice", "bob"}
    first = table.spans.iloc[0]
    assert first["text"] == table.texts[first["document"]][first["start"] : first["end"]]
    assert table.texts["Interview 1"].startswith("We never know which ward")


@pytest.mark.parametrize("units", ["segments", "paragraphs", "sentences", "coded-characters"])
def test_every_unit_mode_works(units):
    assert report(PROJECT, "--units", units)["input"]["units"] > 0


def test_project_in_a_folder_of_inputs(tmp_path):
    shutil.copytree(PROJECT, tmp_path / "exports" / "ward_study.qda")
    codings = load([tmp_path / "exports"], ReadOptions(units="paragraphs"))
    assert codings.coders == ("alice", "bob")


def test_codes_with_descriptions_as_codebook():
    codebook = read_codebook(PROJECT)
    assert codebook.names == ("access", "workload", "teamwork")
    assert codebook.definition("teamwork") == "Staff working together, trusting and informing each other."
    assert read_codebook(PROJECT / "data.qda").names == codebook.names


def test_edited_text_and_media_codings_are_told(tmp_path):
    copy = tmp_path / "p.qda"
    shutil.copytree(PROJECT, copy)
    with sqlite3.connect(copy / "data.qda") as connection:
        connection.execute("UPDATE code_text SET seltext = 'something else' WHERE ctid = 1")
        connection.execute("INSERT INTO code_av (id, pos0, pos1, cid, owner) VALUES (9, 0, 10, 1, 'alice')")
        connection.execute("INSERT INTO code_text (cid, fid, seltext, pos0, pos1, owner) VALUES (1, 1, 'x', 5, 9999, 'bob')")
    table, notices = read_project(copy, ReadOptions())
    assert any("1 coding(s) hold a coded text" in n for n in notices)
    assert any("1 code_av codings" in n for n in notices)
    assert table.ignored == {"pos0/pos1 are not positions in the source's text": 1}


def test_sqlite_file_that_is_not_a_qualcoder_project(tmp_path):
    other = tmp_path / "data.qda"
    sqlite3.connect(other).execute("CREATE TABLE t (a)").connection.commit()
    with pytest.raises(InputError, match="is not a QualCoder project"):
        load([tmp_path])
