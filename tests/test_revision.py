"""A codebook revision: --merge, --recode and --level as one mapping, and what it does to codings."""

from pathlib import Path

import numpy as np
import pytest

from reliability.readers.codebook import read_codebook
from reliability.codings.model import from_sets
from reliability.errors import InputError, UsageError
from reliability.codings.revision import Revision, build_revision, parse_merge
from reliability.readers.recode import read_recode

from paths import SAMPLE

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "codebooks"
GILLARD_CODES = (
    "Boundaries and disclosure", "Hierarchy and power", "Lived experience as expertise", "Organisational culture",
    "Pay and conditions", "Recruitment", "Role definition", "Service user relationships", "Supervision",
    "Team integration", "Training and support", "Wellbeing of peer workers",
)  # fmt: skip


def test_parse_merge():
    assert parse_merge("A+B=C") == (("A", "B"), "C")
    assert parse_merge(" A + B + D = New name ") == (("A", "B", "D"), "New name")
    assert parse_merge("Old=New") == (("Old",), "New")


@pytest.mark.parametrize("text", ["A+B", "A+B=", "=C", "A++B=C"])
def test_malformed_merge(text):
    with pytest.raises(UsageError, match=r'is not of the form "A\+B=New"'):
        parse_merge(text)


def test_merge_naming_a_code_twice():
    with pytest.raises(UsageError, match=r"names a code twice"):
        parse_merge("A+A=B")


def test_read_recode_blank_new_drops(write):
    path = write("map.csv", "old,new\nA,X\nB,X\nC,\n\nD,D\nA,X\n")
    assert read_recode(path).mapping == {"A": "X", "B": "X", "C": None, "D": "D"}


def test_read_recode_with_old_mac_line_endings(write):
    assert read_recode(write("map.csv", "old,new\rA,X\rB,\r")).mapping == {"A": "X", "B": None}


def test_recode_that_is_not_well_formed(write):
    with pytest.raises(InputError, match=r"recode file .*map.csv is not a well-formed CSV file"):
        read_recode(write("map.csv", 'old,new\nA,"' + "x" * 200_000 + '"\n'))


def test_read_gillard_revision():
    mapping = read_recode(SAMPLE / "gillard" / "revision.csv").mapping
    assert set(mapping) == set(GILLARD_CODES)
    assert len(set(mapping.values())) == 8


def test_recode_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"recode file .*map.csv does not exist; give a CSV file with columns old,new"):
        read_recode(tmp_path / "map.csv")


def test_recode_without_header(write):
    with pytest.raises(InputError, match=r"needs a header row 'old,new'; its first row is: 'A', 'X'"):
        read_recode(write("map.csv", "A,X\nB,X\n"))


def test_recode_row_without_old(write):
    with pytest.raises(InputError, match=r"row 3: no old code; fill in column 'old'"):
        read_recode(write("map.csv", "old,new\nA,X\n,Y\n"))


def test_recode_conflicting_rows(write):
    with pytest.raises(InputError, match=r"row 3: 'A' is mapped to '\(dropped\)' here but to 'X' on row 2"):
        read_recode(write("map.csv", "old,new\nA,X\nA,\n"))


def test_no_options_no_revision():
    assert build_revision(["A"]) is None


def test_steps_apply_in_order(write):
    # --level first (child → parent), then --recode on the rolled-up names, then --merge on the result.
    book = read_codebook(FIXTURES / "gillard_hierarchy.csv")
    recode = read_recode(write("map.csv", "old,new\nTeam relationships and power,Team\nRecruitment,unused\n"))
    revision = build_revision(
        GILLARD_CODES, codebook=book, level=1, recode=recode, merges=["Team+Role definition=Roles and team"]
    )
    assert revision.new_name("Hierarchy and power") == "Roles and team"
    assert revision.new_name("Role definition") == "Roles and team"
    assert revision.new_name("Supervision") == "Training and supervision"
    assert revision.new_name("Organisational culture") == "Organisational culture"
    assert revision.steps == ("--level 1", f"--recode {recode.source}", '--merge "Team+Role definition=Roles and team"')
    assert revision.notices[0] == f"{recode.source} maps codes no coder used: Recruitment"
    assert revision.notices[1].startswith(f"codes not in {recode.source} keep their names: Using lived experience, ")


def test_revision_summaries():
    revision = build_revision(["A", "B", "C", "D"], merges=["A+B=AB", "C=Cee"])
    assert revision.merged() == {"AB": ("A", "B")}
    assert revision.renamed() == {"C": "Cee"}
    assert revision.codes_after() == ("AB", "Cee", "D")
    assert revision.describe() == ["AB ← A + B", "Cee ← C (renamed)"]
    assert revision.to_dict()["mapping"] == {"A": "AB", "B": "AB", "C": "Cee"}


def test_merge_into_an_existing_code():
    revision = build_revision(["A", "B"], merges=["A=B"])
    assert revision.merged() == {"B": ("A", "B")}


def test_merge_of_an_unknown_code_suggests_the_name():
    with pytest.raises(UsageError, match=r"no coder used the code 'Hierarchy'; did you mean 'Hierarchy and power'\?"):
        build_revision(GILLARD_CODES, merges=["Hierarchy+Team integration=Team"])


def test_merge_of_an_unknown_code_lists_the_codes():
    with pytest.raises(UsageError, match=r"no coder used the code 'Budget'; the codes are: A, B"):
        build_revision(["A", "B"], merges=["Budget+A=C"])


def test_level_needs_a_codebook():
    with pytest.raises(UsageError, match=r"--level 1 needs a codebook with a hierarchy; give it with --codebook FILE"):
        build_revision(GILLARD_CODES, level=1)


def test_level_needs_a_hierarchy():
    book = read_codebook(SAMPLE / "gillard" / "codebook.csv")
    with pytest.raises(UsageError, match=r"has no hierarchy \(no parent column, no nested codes\)"):
        build_revision(GILLARD_CODES, codebook=book, level=1)


def test_level_notice_for_codes_outside_the_codebook():
    book = read_codebook(FIXTURES / "gillard_hierarchy.csv")
    revision = build_revision(["Supervision", "Peer suport"], codebook=book, level=1)
    assert revision.notices == ("--level 1: codes not in the codebook stay as they are: Peer suport",)


def test_dropping_every_code(write):
    with pytest.raises(UsageError, match=r"drops every code; keep at least one code"):
        build_revision(["A"], recode=read_recode(write("map.csv", "old,new\nA,\n")))


def test_apply_merges_and_drops_by_hand():
    codings = from_sets(
        {
            "A": {"u1": {"x"}, "u2": {"x", "y"}, "u3": {"z"}},
            "B": {"u1": {"y"}, "u2": {"y"}, "u3": set()},
        }
    )
    revised = Revision(codings.codes, {"x": "xy", "y": "xy", "z": None}, ("test",)).apply(codings)
    # By hand: u1 {xy} vs {xy}; u2 {xy} vs {xy} (x and y merge to one code); u3 z dropped → both empty.
    assert revised.codes == ("xy",)
    assert revised.applied[:, :, 0].tolist() == [[True, True], [True, True], [False, False]]
    assert np.array_equal(revised.seen, codings.seen)
