"""Exports of QDA programs: REFI-QDA projects, QualCoder, Dedoose, MAXQDA, span files, workbooks.

The fixtures are in tests/fixtures/qda (hand-made; the REFI-QDA project's offsets
were counted on its text, whose first document has \\r\\n line breaks, non-ASCII
letters and an emoji). Every expected figure below is computed by hand in the
comment beside it.
"""

import csv
import json
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from reliability.cli import main
from reliability.errors import InputError, UsageError
from reliability.readers import ReadOptions, load, refi
from reliability.report import compare

from paths import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "qda"
PROJECT = FIXTURES / "refi_project"


def sets(codings):
    """{unit: {coder: sorted codes, or None when missing}}."""
    return {
        unit: {
            coder: None if codings.code_set(u, c) is None else sorted(codings.code_set(u, c))
            for c, coder in enumerate(codings.coders)
        }
        for u, unit in enumerate(codings.units)
    }


def pair(report, a, b):
    return next(p for p in report.pairs if p.coders == (a, b)).figures


def value(report, a, b, figure):
    return pair(report, a, b)[figure].value


def qdpx(tmp_path, name="clinic.qdpx"):
    """The fixture project as a .qdpx archive: project.qde and sources/."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(PROJECT / "project.qde", "project.qde")
        for source in (PROJECT / "sources").iterdir():
            archive.write(source, f"sources/{source.name}")
    return path


def to_xlsx(csv_path, xlsx_path, extra_sheet=False):
    """The CSV fixture as a workbook, numbers stored as numbers (as the programs write them)."""
    book = openpyxl.Workbook()
    sheet = book.active
    with open(csv_path, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append([int(cell) if cell.lstrip("-").isdigit() else cell for cell in row])
    if extra_sheet:
        book.create_sheet("Codes")
    book.save(xlsx_path)
    return xlsx_path


def notices(codings):
    return "\n".join(codings.accounting.notices)


# --- REFI-QDA -----------------------------------------------------------------------------------


def test_refi_project_three_coders_segments(tmp_path):
    codings = load([qdpx(tmp_path)])
    assert codings.coders == ("ana", "ben", "cleo")  # dan coded nothing
    assert codings.codes == ("Access", "Cost", "Trust", "Waiting times")  # the nested code keeps its name
    # By hand (overlap ≥ 0.5 of the shorter span joins): ana's and cleo's whole paragraph 2, and ben's two
    # pieces inside it, are one segment. ana's "Ich vertraue dem Team." lies inside ben's paragraph 4: one
    # segment. In Interview 2, ana's 18 characters lie inside ben's 32. Every coder coded both documents, so
    # a coder with no span in a segment has the empty set there (an omission), never missing.
    assert sets(codings) == {
        "Interview 1:39-86": {"ana": ["Cost", "Waiting times"], "ben": ["Cost", "Waiting times"], "cleo": ["Access"]},
        "Interview 1:90-128": {"ana": ["Trust"], "ben": ["Trust"], "cleo": []},
        "Interview 2:0-27": {"ana": [], "ben": [], "cleo": ["Access"]},
        "Interview 2:35-67": {"ana": ["Cost"], "ben": ["Cost"], "cleo": []},
    }
    assert codings.texts["Interview 1:39-86"] == "Patient: Über drei Stunden, das Taxi war teuer."
    assert codings.texts["Interview 2:0-27"] == "Nurse: The wait 😀 was fine."  # the emoji is one code point
    assert dict(codings.notes) == {("Interview 1:39-86", "ana"): "long wait, and the taxi cost"}
    accounting = codings.accounting
    # 10 codings (one selection has two) and 1 selection with no coding.
    assert (accounting.rows_read, accounting.rows_used) == (11, 10)
    assert [(i.reason, i.rows) for i in accounting.ignored] == [("selection with no code (an annotation or memo)", 1)]
    assert accounting.sources[0].shape == "REFI-QDA project (2 coded documents, 3 coders); units: segments"
    text = notices(codings)
    assert "dan made no coding in the project and is not counted as a coder" in text
    assert "10 codings made 9 spans (1 shared the document, coder and range" in text
    assert "making 4 units; in 1 of them only one coder made a span" in text
    assert "Interview 1: 2 units; coded by ana 2, ben 2, cleo 1" in text
    report = compare(codings)
    # By hand: ana and ben agree on all 4 units; ana and cleo on none (cleo's omissions count).
    assert value(report, "ana", "ben", "percent_agreement") == 1.0
    assert value(report, "ana", "cleo", "percent_agreement") == 0.0
    assert pair(report, "ana", "cleo")["percent_agreement"].n_units == 4


def test_refi_project_paragraphs(tmp_path):
    codings = load([qdpx(tmp_path)], ReadOptions(units="paragraphs"))
    assert sets(codings) == {
        "Interview 1:p1": {"ana": [], "ben": [], "cleo": []},  # cleo's uncoded selection is not a coding
        "Interview 1:p2": {"ana": ["Cost", "Waiting times"], "ben": ["Cost", "Waiting times"], "cleo": ["Access"]},
        "Interview 1:p4": {"ana": ["Trust"], "ben": ["Trust"], "cleo": []},
        "Interview 2:p1": {"ana": [], "ben": [], "cleo": ["Access"]},
        "Interview 2:p2": {"ana": ["Cost"], "ben": ["Cost"], "cleo": []},
    }
    report = compare(codings)
    assert value(report, "ana", "ben", "percent_agreement") == 1.0
    # By hand, ana–cleo: identical only on Interview 1:p1 (both empty): 1/5.
    assert value(report, "ana", "cleo", "percent_agreement") == pytest.approx(0.2)
    # By hand, Cohen's kappa ana–cleo over the sets as labels: ana ∅ ∅ {C,W} {T} {C} → ∅ 2/5, three sets 1/5 each;
    # cleo ∅ 3/5, {A} 2/5; p_e = 2/5 · 3/5 = 0.24, p_o = 0.2, kappa = (0.2 − 0.24) / 0.76 = −1/19.
    assert value(report, "ana", "cleo", "cohen_kappa") == pytest.approx(-1 / 19)
    assert report.overall.figures["percent_agreement"].value == pytest.approx(0.2)


def test_refi_project_sentences(tmp_path):
    codings = load([qdpx(tmp_path)], ReadOptions(units="sentences"))
    # Paragraph 4 is two sentences; ana coded only the first, ben all of it.
    assert codings.texts["Interview 1:s4"] == "Danke!"
    assert sets(codings)["Interview 1:s4"] == {"ana": [], "ben": ["Trust"], "cleo": []}


def test_refi_project_characters(tmp_path):
    codings = load([qdpx(tmp_path)], ReadOptions(units="characters"))
    # By hand: Interview 1 has 37 + 2 + 47 + 2 + 2 + 38 + 2 = 130 code points (\r\n as two), Interview 2 has 68.
    assert codings.n_units == 198
    u = codings.units.index("Interview 1:c48")  # the Ü of "Über": ana W+C, ben W, cleo A
    assert [sorted(codings.code_set(u, c)) for c in range(3)] == [["Cost", "Waiting times"], ["Waiting times"], ["Access"]]


def test_bare_qde_reads_sources_beside_it():
    codings = load([PROJECT / "project.qde"], ReadOptions(units="paragraphs"))
    assert codings.n_units == 5
    assert codings.texts["Interview 1:p2"] == "Patient: Über drei Stunden, das Taxi war teuer."


def test_project_codebook_is_read_by_the_codebook_reader(tmp_path):
    from reliability.readers.codebook import read_codebook

    book = read_codebook(qdpx(tmp_path))
    assert book.definition("Waiting times") == "Time spent waiting for care"
    assert book.roll_up(1) == {"Waiting times": "Access"}


def mini_project(tmp_path, text, selections, origin="", users=("ana", "ben"), codes=("x",)):
    """A bare .qde with one text source in sources/; selections are (start, end, user, code, name)."""
    (tmp_path / "sources").mkdir(exist_ok=True)
    (tmp_path / "sources" / "t.txt").write_bytes(text.encode("utf-8"))
    user_xml = "".join(f'<User guid="U-{u}" name="{u}"/>' for u in users)
    code_xml = "".join(f'<Code guid="C-{c}" name="{c}" isCodable="true"/>' for c in codes)
    parts = []
    for i, (start, end, user, code, name) in enumerate(selections):
        coding = "" if code is None else f'<Coding guid="K{i}" creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding>'
        parts.append(f'<PlainTextSelection guid="S{i}" name="{name}" startPosition="{start}" endPosition="{end}">{coding}</PlainTextSelection>')
    xml = (
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}"><Users>{user_xml}</Users>'
        f"<CodeBook><Codes>{code_xml}</Codes></CodeBook><Sources>"
        f'<TextSource guid="T" name="doc" plainTextPath="internal://t.txt">{"".join(parts)}</TextSource></Sources></Project>'
    )
    path = tmp_path / "p.qde"
    path.write_text(xml, encoding="utf-8")
    return path


CRLF_TEXT = "Hallo.\r\nZweite Zeile hier.\r\n"
# "Zweite Zeile hier." starts at 7 when \r\n counts as one character (at 8 when it counts as two).


def test_atlas_counts_crlf_as_one_character(tmp_path):
    path = mini_project(tmp_path, CRLF_TEXT, [(7, 25, "U-ana", "C-x", ""), (7, 25, "U-ben", "C-x", "")], origin="ATLAS.ti 23")
    codings = load([path], ReadOptions(units="segments"))
    assert codings.texts == {"doc:7-25": "Zweite Zeile hier."}
    assert "Windows line breaks (\\r\\n) counted as one character, as ATLAS.ti 23 counts them" in notices(codings)


def test_crlf_can_be_forced(tmp_path):
    path = mini_project(tmp_path, CRLF_TEXT, [(7, 25, "U-ana", "C-x", ""), (7, 25, "U-ben", "C-x", "")], origin="ATLAS.ti 23")
    codings = load([path], ReadOptions(units="segments", crlf="two"))
    assert codings.texts == {"doc:7-25": "Zweite Zeile hier"}  # shifted by one: the wrong convention
    assert "counted as two characters, as asked" in notices(codings)


def test_crlf_convention_from_selection_names(tmp_path):
    name = "Zweite Zeile hier."
    path = mini_project(tmp_path, CRLF_TEXT, [(7, 25, "U-ana", "C-x", name), (7, 25, "U-ben", "C-x", name)])
    codings = load([path], ReadOptions(units="segments"))
    assert codings.texts == {"doc:7-25": "Zweite Zeile hier."}
    assert "counted as one character, so the selections' names match the text (2 of 2 do)" in notices(codings)


def test_crlf_defaults_to_two_characters_as_the_standard(tmp_path):
    path = mini_project(tmp_path, CRLF_TEXT, [(8, 26, "U-ana", "C-x", ""), (8, 26, "U-ben", "C-x", "")])
    codings = load([path], ReadOptions(units="segments"))
    assert codings.texts == {"doc:8-26": "Zweite Zeile hier."}
    assert "counted as two characters, as the REFI-QDA standard counts code points; if excerpts look shifted, count them as one (--crlf one)" in notices(codings)


def test_crlf_option_must_be_known(tmp_path):
    with pytest.raises(UsageError, match=r"crlf must be one of auto, one, two, not 'three'"):
        load([PROJECT / "project.qde"], ReadOptions(crlf="three"))


def test_refi_codings_that_cannot_be_spans_are_counted(tmp_path):
    selections = [
        (0, 5, "U-ana", "C-x", ""),
        (0, 5, "U-ben", "C-x", ""),
        (0, 5, "U-ben", "C-unknown", ""),  # not in the codebook
        (0, 5, "", "C-x", ""),  # no user
        (5, 5, "U-ana", "C-x", ""),  # empty
        ("a", 5, "U-ana", "C-x", ""),  # not a number
        (0, 500, "U-ana", "C-x", ""),  # past the end of the text
        (0, 5, "U-eve", "C-x", ""),  # a user missing from <Users>
    ]
    codings = load([mini_project(tmp_path, "Hello world", selections)], ReadOptions(units="segments"))
    ignored = {i.reason: i.rows for i in codings.accounting.ignored}
    assert ignored == {
        "coding that names no user (creatingUser), so its coder is unknown": 1,
        "coding of a code that is not in the project's codebook": 1,
        "selection whose startPosition or endPosition is not a whole number": 1,
        "selection whose end is not after its start": 1,
        "selection that reaches past the end of its document's text": 1,
    }
    assert codings.coders == ("ana", "ben", "U-eve")
    assert "codings by users missing from <Users> are counted under their GUID: U-eve" in notices(codings)


def test_refi_text_stored_outside_the_project(tmp_path):
    path = mini_project(tmp_path, "Hello", [(0, 5, "U-ana", "C-x", ""), (0, 5, "U-ben", "C-x", "")])
    path.write_text(path.read_text().replace("internal://t.txt", "absolute:///home/someone/t.txt"))
    codings = load([path], ReadOptions(units="segments"))
    assert "the text of doc is not in the project, so no excerpts are shown for it" in notices(codings)
    with pytest.raises(UsageError, match=r"--units paragraphs needs the documents' text"):
        load([path], ReadOptions(units="paragraphs"))


def test_refi_selections_that_are_not_text_are_named(tmp_path):
    path = mini_project(tmp_path, "Hello", [(0, 5, "U-ana", "C-x", ""), (0, 5, "U-ben", "C-x", "")])
    picture = '<PictureSource guid="P" name="photo"><PictureSelection guid="PS" firstX="0" firstY="0" secondX="5" secondY="5"/></PictureSource>'
    path.write_text(path.read_text().replace("</Sources>", picture + "</Sources>"))
    codings = load([path], ReadOptions(units="segments"))
    assert "1 selection in pictures, audio, video or PDF pages was not read; only coded text is compared" in notices(codings)


def test_refi_without_codings(tmp_path):
    path = mini_project(tmp_path, "Hello", [(0, 5, "U-ana", None, "")])  # one selection, never coded
    with pytest.raises(InputError, match=r"p.qde holds no coded text selections; code the documents"):
        load([path])


def test_refi_not_a_zip(tmp_path):
    path = tmp_path / "x.qdpx"
    path.write_text("not a zip")
    with pytest.raises(InputError, match=r"x.qdpx is not a REFI-QDA project archive \(not a zip file\)"):
        load([path])


def test_refi_zip_without_project(tmp_path):
    path = tmp_path / "x.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hi")
    with pytest.raises(InputError, match=r"x.qdpx holds no project.qde, so it is not a REFI-QDA project"):
        load([path])


def test_refi_malformed_xml(tmp_path):
    path = tmp_path / "x.qde"
    path.write_text("<Project><Users></Project>")
    with pytest.raises(InputError, match=r"x.qde is not well-formed XML"):
        load([path])


def test_refi_xml_entities_are_refused(tmp_path):
    path = tmp_path / "x.qde"
    path.write_text('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e "boom">]><Project>&e;</Project>')
    with pytest.raises(InputError, match=r"x.qde was refused: it uses XML entities or a DTD"):
        load([path])


def test_refi_archive_members_have_a_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(refi, "MAX_MEMBER_BYTES", 100)
    with pytest.raises(InputError, match=r"project.qde would unpack to [\d,]+ bytes, more than the 100 allowed"):
        load([qdpx(tmp_path)])


def test_refi_source_must_be_utf8(tmp_path):
    path = mini_project(tmp_path, "Hello", [(0, 5, "U-ana", "C-x", ""), (0, 5, "U-ben", "C-x", "")])
    (tmp_path / "sources" / "t.txt").write_bytes("Grüße".encode("latin-1"))
    with pytest.raises(InputError, match=r"sources/t.txt is not UTF-8 text \(byte 0xfc at position 2\)"):
        load([path])


def test_two_projects_one_per_coder(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    a = mini_project(first, "Hello world", [(0, 5, "U-ana", "C-x", "")], users=("ana",))
    b = mini_project(second, "Hello world", [(0, 11, "U-ben", "C-x", "")], users=("ben",))
    codings = load([a, b], ReadOptions(units="segments"))
    # By hand: ana's 5 characters lie inside ben's 11 (5/5 of the shorter span): one segment.
    assert codings.units == ("doc:0-11",)
    # At --min-overlap 1 too; two spans that share less than the threshold stay two segments, each coder
    # having the empty set on the other's (both coded the document), never dropped.
    c = mini_project(first, "Hello world", [(0, 5, "U-ana", "C-x", "")], users=("ana",))
    d = mini_project(second, "Hello world", [(3, 11, "U-ben", "C-x", "")], users=("ben",))
    codings = load([c, d], ReadOptions(units="segments"))
    assert sets(codings) == {"doc:0-5": {"ana": ["x"], "ben": []}, "doc:3-11": {"ana": [], "ben": ["x"]}}


# --- QualCoder ----------------------------------------------------------------------------------


def check_qualcoder(codings):
    assert sets(codings) == {
        "Interview A.txt:0-40": {"ana": ["Access"], "ben": ["Access", "Trust"]},  # 35/40 overlap
        "Interview A.txt:100-200": {"ana": ["Cost"], "ben": ["Cost"]},  # 30 of ana's 50: joined
        "Interview A.txt:200-230": {"ana": ["Trust"], "ben": ["Trust"]},
        "Interview B.txt:0-10": {"ana": ["Cost"], "ben": ["Cost"]},  # ben's row appears once per case: merged
    }
    report = compare(codings)
    # By hand over the 4 units: identical 3/4; ≥1 shared 4/4; Jaccard (1/2 + 1 + 1 + 1)/4; kappa:
    # p_o = 3/4, ana {A},{C},{T},{C} and ben {A,T},{C},{T},{C} give p_e = 2/4·2/4 + 1/4·1/4 = 5/16,
    # (3/4 − 5/16)/(11/16) = 7/11.
    assert value(report, "ana", "ben", "percent_agreement") == pytest.approx(3 / 4)
    assert value(report, "ana", "ben", "shared_agreement") == 1.0
    assert value(report, "ana", "ben", "jaccard") == pytest.approx(3.5 / 4)
    assert value(report, "ana", "ben", "cohen_kappa") == pytest.approx(7 / 11)


def test_qualcoder_codes_by_segments():
    codings = load([FIXTURES / "qualcoder"])
    check_qualcoder(codings)
    assert codings.accounting.sources[0].shape == "QualCoder codes by segments; units: segments"
    assert (codings.accounting.rows_read, codings.accounting.rows_used) == (9, 9)
    assert codings.texts["Interview A.txt:0-40"] == "Ärztin: Wie lange haben Sie gewartet? Lange."


def test_qualcoder_workbooks(tmp_path):
    files = [to_xlsx(FIXTURES / "qualcoder" / f"{coder}.csv", tmp_path / f"{coder}.xlsx") for coder in ("ana", "ben")]
    check_qualcoder(load(files))


def test_qualcoder_bad_presence_value(write):
    path = write("ana.csv", "fileid,file name,pos0,pos1,text,Access\n1,a.txt,0,5,hello,maybe\n")
    with pytest.raises(InputError, match=r"ana.csv, row 2, column 'Access': 'maybe' is not a presence value"):
        load([path])


def test_qualcoder_without_code_columns(write):
    path = write("ana.csv", "fileid,file name,pos0,pos1,text\n1,a.txt,0,5,hello\n")
    with pytest.raises(InputError, match=r"ana.csv looks like QualCoder's codes-by-segments export but has no code columns"):
        load([path])


# --- Dedoose ------------------------------------------------------------------------------------


def test_dedoose_excerpts_are_units():
    codings = load([FIXTURES / "dedoose_excerpts.csv"])
    assert sets(codings) == {
        "Interview A 0-40": {"ana": ["Access"], "ben": ["Access", "Trust"], "cleo": ["Cost"]},
        "Interview A 100-150": {"ana": ["Cost"], "ben": ["Cost"], "cleo": []},
        "Interview B 5-60": {"ana": ["Trust"], "ben": None, "cleo": None},
    }
    report = compare(codings)
    # By hand: ana–ben on 2 excerpts: identical 1/2, ≥1 shared 2/2; ana–cleo: neither.
    assert value(report, "ana", "ben", "percent_agreement") == 0.5
    assert value(report, "ana", "ben", "shared_agreement") == 1.0
    assert value(report, "ana", "cleo", "shared_agreement") == 0.0
    assert "1 of 3 excerpts were made by one coder only" in notices(codings)
    assert codings.texts["Interview A 0-40"] == "Über drei Stunden gewartet"


def test_dedoose_excerpts_as_segments(write):
    path = write(
        "dedoose.csv",
        "Media Title,Excerpt Range,Excerpt Creator,Code: Trust Applied\n"
        "A,0-40,ana,True\nA,2-40,ben,True\nA,no range,ben,True\n",
    )
    codings = load([path], ReadOptions(units="segments"))
    assert sets(codings) == {"A:0-40": {"ana": ["Trust"], "ben": ["Trust"]}}
    assert [(i.reason, i.rows) for i in codings.accounting.ignored] == [("excerpt range is not 'start-end' in characters", 1)]


def test_dedoose_combined_codes_when_there_are_no_code_columns(write):
    path = write("dedoose.csv", "Media Title,Excerpt Range,Excerpt Creator,Codes Applied Combined\nA,0-4,ana,x; y\nA,0-4,ben,x\n")
    assert sets(load([path])) == {"A 0-4": {"ana": ["x", "y"], "ben": ["x"]}}


def test_dedoose_without_codes(write):
    path = write("dedoose.csv", "Media Title,Excerpt Range,Excerpt Creator\nA,0-4,ana\n")
    with pytest.raises(InputError, match=r"dedoose.csv looks like a Dedoose excerpt export but has no 'Code: … Applied' columns"):
        load([path])


# --- MAXQDA -------------------------------------------------------------------------------------


def check_maxqda(codings):
    assert sets(codings) == {
        "Interview 1:p2": {"ana": ["Access\\Waiting times", "Cost"], "ben": ["Access\\Waiting times"], "cleo": ["Cost"]},
        "Interview 1:p3": {"ana": ["Cost"], "ben": ["Cost"], "cleo": []},
        "Interview 1:p5": {"ana": [], "ben": [], "cleo": ["Trust"]},
    }
    report = compare(codings)
    # By hand: ana–ben identical on p3 and p5 (both empty): 2/3; sharing ≥1 code (empty sets share "(uncoded)"):
    # 3/3. ana–cleo: identical 0/3, shared only p2 (Cost): 1/3.
    assert value(report, "ana", "ben", "percent_agreement") == pytest.approx(2 / 3)
    assert value(report, "ana", "ben", "shared_agreement") == 1.0
    assert value(report, "ana", "cleo", "percent_agreement") == 0.0
    assert value(report, "ana", "cleo", "shared_agreement") == pytest.approx(1 / 3)
    assert [(i.reason, i.rows) for i in codings.accounting.ignored] == [
        ("Begin or End is not a paragraph number (not a text document)", 1)
    ]


def test_maxqda_coded_segments_are_paragraphs():
    codings = load([FIXTURES / "maxqda_coded_segments.csv"])
    check_maxqda(codings)
    assert codings.texts["Interview 1:p3"] == "Ich vertraue dem Team."  # from ben's one-paragraph segment
    assert dict(codings.notes) == {("Interview 1:p2", "cleo"): "taxi fare"}
    assert codings.accounting.sources[0].shape == "MAXQDA coded segments (positions are paragraphs); units: paragraphs"


def test_maxqda_workbook(tmp_path):
    check_maxqda(load([to_xlsx(FIXTURES / "maxqda_coded_segments.csv", tmp_path / "segments.xlsx")]))


def test_maxqda_refuses_characters():
    with pytest.raises(UsageError, match=r"but MAXQDA's Begin and End count paragraphs; use --units paragraphs"):
        load([FIXTURES / "maxqda_coded_segments.csv"], ReadOptions(units="characters"))


def test_maxqda_end_before_begin(write):
    path = write("m.csv", "Document name,Code,Begin,End,Created by\nd,x,3,2,ana\nd,x,1,1,ana\nd,x,1,1,ben\n")
    codings = load([path])
    assert [(i.reason, i.rows) for i in codings.accounting.ignored] == [("End is before Begin", 1)]


# --- span files and coded text ------------------------------------------------------------------


def test_span_file_characters():
    codings = load([FIXTURES / "spans.csv"], ReadOptions(units="characters"))
    a_b = pair(compare(codings), "A", "B")
    # By hand (see test_spans): A–B agree on 8 of 12 characters.
    assert a_b["percent_agreement"].value == pytest.approx(8 / 12)
    assert codings.units[0] == "Entretien é:c0"


def test_span_file_rows_that_are_not_spans(write):
    path = write(
        "s.csv",
        "document,start,end,code,coder\nd,0,5,x,A\nd,0,5,x,B\nd,x,5,x,A\nd,5,5,x,B\n\n,0,5,x,A\nd,0,5,x,\n",
    )
    accounting = load([path]).accounting
    assert {i.reason: i.rows for i in accounting.ignored} == {
        "blank line": 1,
        "no document name": 1,
        "no coder name": 1,
        "start or end is not a whole number of characters": 1,
        "end is not after start": 1,
    }
    assert (accounting.rows_read, accounting.rows_used) == (7, 2)


def test_span_file_codes_in_one_cell_and_coder_from_file_name(write):
    a = write("ana.csv", "document,start,end,codes\nd,0,5,x;y\n")
    b = write("ben.csv", "document,start,end,codes\nd,0,5,x\n")
    assert sets(load([a, b])) == {"d:0-5": {"ana": ["x", "y"], "ben": ["x"]}}


def test_span_file_without_code_column(write):
    path = write("s.csv", "document,start,end,coder\nd,0,5,A\n")
    with pytest.raises(InputError, match=r"s.csv has document, start and end columns but no code column"):
        load([path])


def test_named_coder_column_must_exist(write):
    path = write("s.csv", "document,start,end,code\nd,0,5,x\n")
    with pytest.raises(InputError, match=r"s.csv has no column 'rater' \(--coder-col\)"):
        load([path], ReadOptions(coder_col="rater"))


def test_coded_text_without_positions():
    codings = load([FIXTURES / "coded_text.csv"])
    assert sets(codings) == {
        "Interview A: Über drei Stunden": {"ana": ["Access"], "ben": ["Access"]},  # spaces do not matter
        # Both coded Interview A: a passage only one highlighted is the empty set for the other.
        "Interview A: das Taxi war teuer": {"ana": [], "ben": ["Cost"]},
        "Interview A: das Taxi war teuer.": {"ana": ["Cost"], "ben": []},
    }
    assert "units are matched by document and identical coded text" in notices(codings)


def test_named_unit_column_reads_a_plain_table(write):
    path = write("s.csv", "id,document,start,end,code,coder\n1,d,0,5,x,A\n1,d,0,5,x,B\n")
    codings = load([path], ReadOptions(unit_col="id"))
    assert codings.units == ("1",)


# --- workbooks, folders, mixing -----------------------------------------------------------------


def test_workbook_that_is_not_one(tmp_path):
    path = tmp_path / "s.xlsx"
    path.write_text("plain text")
    with pytest.raises(InputError, match=r"s.xlsx is not an Excel workbook \(.xlsx\)"):
        load([path])


def test_workbook_that_is_not_an_export_fails_as_the_same_csv_does(tmp_path):
    path = to_xlsx(FIXTURES / "coded_text.csv", tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.delete_cols(1)  # no document column left: no QDA export, and no unit column
    book.save(path)
    with (tmp_path / "w.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(book.active.values)
    with pytest.raises(InputError) as from_csv:
        load([tmp_path / "w.csv"])
    with pytest.raises(InputError) as from_sheet:
        load([path])
    assert "has no unit column" in str(from_sheet.value)
    assert str(from_sheet.value) == str(from_csv.value).replace("w.csv", "w.xlsx")


def test_workbook_with_an_empty_first_sheet(tmp_path):
    path = tmp_path / "e.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(InputError, match=r"e.xlsx: the first sheet \('Sheet'\) is empty"):
        load([path])


def test_workbook_reads_the_first_sheet_and_says_so(tmp_path):
    path = to_xlsx(FIXTURES / "spans.csv", tmp_path / "s.xlsx", extra_sheet=True)
    codings = load([path])
    assert "read the first sheet 'Sheet' only; the others ('Codes') were not read" in notices(codings)


def test_folder_reads_projects_and_workbooks(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    qdpx(folder)
    (folder / "notes.docx").write_text("x")
    codings = load([folder])
    assert codings.coders == ("ana", "ben", "cleo")
    assert "skipped files that are not .csv/.tsv/.txt/.xlsx/.qdpx/.qde/.sqlite3/.qda: notes.docx" in notices(codings)


def test_spans_and_unit_ids_do_not_mix(write):
    table = write("units.csv", "unit,coder,code\nu1,A,x\nu1,B,x\n")
    with pytest.raises(UsageError, match=r"holds coded spans of a QDA program and .*units.csv holds units with ids"):
        load([FIXTURES / "spans.csv", table])


def test_units_option_is_not_used_for_unit_ids(write):
    table = write("units.csv", "unit,coder,code\nu1,A,x\nu1,B,x\n")
    codings = load([table], ReadOptions(units="paragraphs"))
    assert "--units paragraphs was not used: it applies to coded spans, and the inputs have unit ids" in notices(codings)


# --- the command line ---------------------------------------------------------------------------


def test_compare_a_refi_project(tmp_path):
    result = CliRunner().invoke(main, ["compare", str(qdpx(tmp_path)), "--units", "paragraphs", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["input"]["coders"] == ["ana", "ben", "cleo"]
    assert report["input"]["sources"][0]["shape"] == "REFI-QDA project (2 coded documents, 3 coders); units: paragraphs"
    ana_cleo = next(p for p in report["pairs"] if p["coders"] == ["ana", "cleo"])
    assert ana_cleo["cohen_kappa"]["value"] == pytest.approx(-1 / 19)  # by hand, see test_refi_project_paragraphs
    assert "warning: paragraphs: 5 units in 2 documents" in result.stderr
    assert "dan made no coding" in result.stderr


def test_compare_min_overlap_from_the_command_line():
    result = CliRunner().invoke(main, ["compare", str(FIXTURES / "qualcoder"), "--min-overlap", "0.3", "--format", "json"])
    assert result.exit_code == 0, result.output
    # By hand: at 0.3, ana's [100,150) and ben's [120,200) (30/80 = 0.375) match too: 4 units.
    assert json.loads(result.stdout)["input"]["units"] == 4


def test_compare_refuses_a_mode_the_export_cannot_give():
    result = CliRunner().invoke(main, ["compare", str(FIXTURES / "maxqda_coded_segments.csv"), "--units", "sentences"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--units sentences needs character positions, but MAXQDA's Begin and End count paragraphs" in result.stderr


def test_check_gates_a_qda_export(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no settings file here
    result = CliRunner().invoke(main, ["check", str(FIXTURES / "maxqda_coded_segments.csv"), "--min", "pairs.shared_agreement=0.9"])
    # By hand (see check_maxqda): ana–cleo share a code on 1 of 3 paragraphs, ben–cleo on none.
    assert result.exit_code == 1
    assert "pair ana–cleo shared_agreement" in result.stdout and "33.3 %" in result.stdout
    assert "warning: paragraphs: 3 units" in result.stderr


def test_refi_spans_that_overlap_little_are_kept_not_dropped(tmp_path):
    # Issue #12: ana coded 37–63 and ben 37–92 "Waiting" (26 characters shared: 0.47 of the longer span,
    # all of the shorter). Both spans used to vanish and "Waiting" read κ 1.000. Now they join one segment;
    # and spans that share less than --min-overlap of the shorter one stay two segments, each an omission
    # of the other coder, so "Waiting" shows the disagreement.
    text = "x" * 120
    joined = mini_project(tmp_path, text, [(37, 63, "U-ana", "C-Waiting", ""), (37, 92, "U-ben", "C-Waiting", "")], codes=("Waiting",))
    assert sets(load([joined])) == {"doc:37-92": {"ana": ["Waiting"], "ben": ["Waiting"]}}
    apart = mini_project(tmp_path, text, [(37, 63, "U-ana", "C-Waiting", ""), (55, 92, "U-ben", "C-Waiting", "")], codes=("Waiting",))
    codings = load([apart])  # 8 shared characters: 8/26 of the shorter span, below 0.5
    assert sets(codings) == {"doc:37-63": {"ana": ["Waiting"], "ben": []}, "doc:55-92": {"ana": [], "ben": ["Waiting"]}}
    waiting = compare(codings).codes[0]
    assert waiting.figures["positive_agreement"].value == 0.0
    assert waiting.figures["fleiss_kappa"].value is None or waiting.figures["fleiss_kappa"].value < 0
    assert waiting.figures["unitizing_alpha"].value < 0.667
