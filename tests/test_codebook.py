"""Reading codebooks: CSV and REFI-QDA (.qdc, .qde, .qdpx), hierarchy, revision, errors."""

import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reliability.codings.codebook import CodeDefinition, Codebook, did_you_mean
from reliability.readers.codebook import codebook_from_refi_xml, read_codebook
from reliability.errors import InputError

from paths import SAMPLE

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "codebooks"
GILLARD_CODES = 12


def test_gillard_csv_codebook():
    book = read_codebook(SAMPLE / "gillard" / "codebook.csv")
    assert len(book.codes) == GILLARD_CODES
    assert book.names[0] == "Role definition"
    assert book.definition("Supervision").startswith("Formal line management")
    assert not book.has_hierarchy


def test_csv_with_parents_rolls_up():
    book = read_codebook(FIXTURES / "gillard_hierarchy.csv")
    assert book.has_hierarchy
    assert book.depth("Team integration") == 2 and book.depth("Role definition") == 1
    # Every child of the fixture maps to its parent; top-level codes stay.
    assert book.roll_up(1) == {
        "Team integration": "Team relationships and power",
        "Hierarchy and power": "Team relationships and power",
        "Lived experience as expertise": "Using lived experience",
        "Boundaries and disclosure": "Using lived experience",
        "Training and support": "Training and supervision",
        "Supervision": "Training and supervision",
        "Recruitment": "Employment and pay",
        "Pay and conditions": "Employment and pay",
    }
    assert book.roll_up(2) == {}


def test_roll_up_of_three_levels():
    book = Codebook((CodeDefinition("A"), CodeDefinition("B", parent="A"), CodeDefinition("C", parent="B")))
    assert book.roll_up(1) == {"B": "A", "C": "A"}
    assert book.roll_up(2) == {"C": "B"}


def test_csv_other_column_names_delimiter_and_bom(write):
    path = write("book.csv", "\ufeffName;Description\nAccess;Getting an appointment\nCost;\n")
    book = read_codebook(path)
    assert book.names == ("Access", "Cost")
    assert book.definition("Access") == "Getting an appointment" and book.definition("Cost") == ""


def test_csv_with_old_mac_line_endings(write):
    book = read_codebook(write("book.csv", "code,definition\rAccess,Getting in\rCost,Paying\r"))
    assert book.names == ("Access", "Cost") and book.definition("Cost") == "Paying"


def test_refi_codebook_file_matches_the_csv():
    from_xml = read_codebook(FIXTURES / "gillard_hierarchy.qdc")
    from_csv = read_codebook(FIXTURES / "gillard_hierarchy.csv")
    assert [(c.name, c.definition, c.parent) for c in from_xml.codes] == [
        (c.name, c.definition, c.parent) for c in from_csv.codes
    ]
    assert from_xml.codes[0].guid == "00000000-0000-4000-8000-000000000001"


def test_refi_project_qualifies_shared_names():
    book = read_codebook(FIXTURES / "project.qde")
    assert book.names == ("Staff", "Staff / Other", "Services", "Services / Other")
    assert book.codes[1].parent == "Staff" and book.codes[3].parent == "Services"
    assert book.definition("Services / Other") == "Any other service."
    assert book.notices == (
        "two codes are called 'Other'; the one under 'Staff' is listed as 'Staff / Other'",
        "two codes are called 'Other'; the one under 'Services' is listed as 'Services / Other'",
    )


def test_refi_project_archive(tmp_path):
    archive = tmp_path / "project.qdpx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURES / "project.qde", "project.qde")
        zf.writestr("sources/readme.txt", "a source")
    book = read_codebook(archive)
    assert book.names[0] == "Staff"
    assert book.source == f"{archive}:project.qde"


def test_refi_xml_element_for_other_readers():
    # What a QDA-project reader passes: the parsed <Project> root, plain ElementTree.
    root = ET.parse(FIXTURES / "project.qde").getroot()
    book = codebook_from_refi_xml(root, source="project.qde")
    guids = {c.guid: c.name for c in book.codes}
    assert guids["20000000-0000-4000-8000-000000000004"] == "Services / Other"


def test_revised_codebook_merges_definitions():
    book = read_codebook(SAMPLE / "gillard" / "codebook.csv")
    revised = book.revised({"Hierarchy and power": "Team", "Team integration": "Team", "Recruitment": None})
    assert "Recruitment" not in revised and "Team" in revised
    assert len(revised.codes) == GILLARD_CODES - 2
    assert revised.definition("Team").startswith("Team integration: How far")
    assert " / Hierarchy and power: Status" in revised.definition("Team")


def test_revised_roll_up_keeps_the_parents_definition():
    book = read_codebook(FIXTURES / "gillard_hierarchy.csv")
    revised = book.revised(book.roll_up(1))
    assert revised.definition("Employment and pay") == "Recruitment, checks, pay and conditions."
    assert not revised.has_hierarchy


def test_did_you_mean():
    names = ["Peer support", "Pay and conditions"]
    assert did_you_mean("Peer suport", names) == "Peer support"
    assert did_you_mean("PEER SUPPORT", names) == "Peer support"
    assert did_you_mean("Pa", names) is None  # too short to complete
    assert did_you_mean("Budget", names) is None


# One test per error message.


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"codebook .*nothere.csv does not exist; give the codebook file"):
        read_codebook(tmp_path / "nothere.csv")


def test_empty_file(write):
    with pytest.raises(InputError, match=r"is empty; save the codebook into it"):
        read_codebook(write("book.csv", ""))


def test_unknown_suffix(write):
    with pytest.raises(InputError, match=r"cannot read '\.docx' files; give a \.csv, .*\.qdpx file"):
        read_codebook(write("book.docx", "x"))


def test_csv_without_code_column(write):
    with pytest.raises(InputError, match=r"has no code column .*its columns are: 'term', 'meaning'"):
        read_codebook(write("book.csv", "term,meaning\nA,b\n"))


def test_csv_that_is_not_well_formed(write):
    huge = "x" * 200_000  # longer than Python's csv field limit: a stray quote swallowing the file looks like this
    with pytest.raises(InputError, match=r"codebook .*book.csv is not a well-formed CSV file \(field larger"):
        read_codebook(write("book.csv", f'code,definition\nA,"{huge}"\n'))


def test_csv_without_rows(write):
    with pytest.raises(InputError, match=r"has a header but no codes"):
        read_codebook(write("book.csv", "code,definition\n\n"))


def test_csv_row_without_code(write):
    with pytest.raises(InputError, match=r"row 3: no code name in column 'code'"):
        read_codebook(write("book.csv", "code,definition\nA,a\n,orphan definition\n"))


def test_csv_duplicate_code(write):
    with pytest.raises(InputError, match=r"row 4: the code 'A' is already defined on row 2"):
        read_codebook(write("book.csv", "code,definition\nA,a\nB,b\nA,again\n"))


def test_unknown_parent(write):
    with pytest.raises(InputError, match=r"the parent 'Staf' of 'Nurses' is not a code of the codebook"):
        read_codebook(write("book.csv", "code,parent\nStaff,\nNurses,Staf\n"))


def test_parent_cycle(write):
    with pytest.raises(InputError, match=r"the parents of 'A' go round in a circle \(A → B → A\)"):
        read_codebook(write("book.csv", "code,parent\nA,B\nB,A\n"))


def test_duplicate_name_in_model():
    with pytest.raises(InputError, match=r"the code 'A' is defined twice"):
        Codebook((CodeDefinition("A"), CodeDefinition("A")))


def test_malformed_xml(write):
    with pytest.raises(InputError, match=r"book.qdc is not well-formed XML \(.*line 1"):
        read_codebook(write("book.qdc", "<CodeBook><Codes></CodeBook>"))


def test_xml_entities_are_refused(write):
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CodeBook><Codes>&a;</Codes></CodeBook>'
    with pytest.raises(InputError, match=r"was refused: it uses XML entities or a DTD"):
        read_codebook(write("book.qdc", bomb))


def test_xml_without_codes(write):
    with pytest.raises(InputError, match=r"has no <CodeBook> with <Codes>"):
        read_codebook(write("book.qde", '<Project xmlns="urn:QDA-XML:project:1.0"><Sources/></Project>'))


def test_xml_code_without_name(write):
    xml = '<CodeBook><Codes><Code guid="g7" isCodable="true"/></Codes></CodeBook>'
    with pytest.raises(InputError, match=r"a <Code> \(guid g7\) has no name"):
        read_codebook(write("book.qdc", xml))


def test_archive_that_is_not_a_zip(write):
    with pytest.raises(InputError, match=r"is not a REFI-QDA archive \(not a zip file\)"):
        read_codebook(write("project.qdpx", "not a zip"))


def test_archive_without_project(tmp_path):
    archive = tmp_path / "project.qdpx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("sources/readme.txt", "a source")
    with pytest.raises(InputError, match=r"holds no project.qde"):
        read_codebook(archive)
