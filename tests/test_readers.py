"""Readers: each shape, each detection rule, each error message of the foundation."""

import pytest

from reliability.errors import InputError
from reliability.readers import ReadOptions, load


def sets(codings):
    """{coder: {unit: set or None}} for easy comparison."""
    return {
        coder: {unit: codings.code_set(u, c) for u, unit in enumerate(codings.units)}
        for c, coder in enumerate(codings.coders)
    }


def test_one_file_per_coder_with_codes_in_one_cell(write):
    a = write("lead.csv", "section,codes\nS1,Role; Team\nS2,\nS10,Team\n")
    b = write("KO.csv", "section,codes\nS1,Role\nS2,Hierarchy\n")
    c = load([a, b])
    assert c.coders == ("KO", "lead")  # natural order, case-insensitive
    assert c.units == ("S1", "S2", "S10")  # natural order: S2 before S10
    assert sets(c) == {
        "KO": {"S1": {"Role"}, "S2": {"Hierarchy"}, "S10": None},
        "lead": {"S1": {"Role", "Team"}, "S2": set(), "S10": {"Team"}},
    }


def test_several_rows_for_one_unit_are_one_set(write):
    a = write("a.csv", "unit,code\nu1,x\nu1,y\n")
    b = write("b.csv", "unit,code\nu1,x\n")
    assert sets(load([a, b]))["a"] == {"u1": {"x", "y"}}


def test_long_file_with_coder_column(write):
    f = write("all.csv", "unit,coder,code\nu1,A,x\nu1,B,x\nu1,B,y\nu2,A,\nu2,B,z\n")
    c = load([f])
    assert sets(c) == {"A": {"u1": {"x"}, "u2": set()}, "B": {"u1": {"x", "y"}, "u2": {"z"}}}
    assert c.accounting.sources[0].shape == "long"


@pytest.mark.parametrize(
    "yes, no",
    [("1", "0"), ("yes", "no"), ("TRUE", "false"), ("x", ""), ("Y", "N")],
)
def test_wide_presence_absence(write, yes, no):
    f = write("wide.csv", f"unit,coder,access,cost\nu1,A,{yes},{no}\nu1,B,{yes},{yes}\nu2,A,{no},{no}\nu2,B,{no},{yes}\n")
    c = load([f])
    assert c.accounting.sources[0].shape == "wide"
    assert sets(c) == {"A": {"u1": {"access"}, "u2": set()}, "B": {"u1": {"access", "cost"}, "u2": {"cost"}}}


def test_wide_file_per_coder(write):
    a = write("amira.csv", "id,access,cost\n1,1,0\n")
    b = write("ben.csv", "id,access,cost\n1,1,1\n")
    assert sets(load([a, b])) == {"amira": {"1": {"access"}}, "ben": {"1": {"access", "cost"}}}


def test_folder_reads_every_table(tmp_path, write):
    write("coders/a.csv", "unit,code\nu1,x\n")
    write("coders/b.tsv", "unit\tcode\nu1\tx\n")
    write("coders/readme.md", "not data")
    c = load([tmp_path / "coders"])
    assert c.coders == ("a", "b")
    assert any("readme.md" in n for n in c.accounting.notices)


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_delimiter_is_sniffed(write, sep):
    a = write("a.txt", f"unit{sep}code\nu1{sep}x\nu2{sep}y\n")
    b = write("b.txt", f"unit{sep}code\nu1{sep}x\nu2{sep}x\n")
    assert sets(load([a, b]))["a"] == {"u1": {"x"}, "u2": {"y"}}


def test_columns_are_found_case_insensitively(write):
    a = write("a.csv", "Segment,Category,Memo,Text\ns1,x,why,hello\n")
    b = write("b.csv", "SEGMENT,CATEGORY\ns1,x\n")
    c = load([a, b])
    assert c.notes == {("s1", "a"): "why"}
    assert c.texts == {"s1": "hello"}


def test_named_columns_override_detection(write):
    a = write("a.csv", "para,tag,code\np1,x,ignored\n")
    b = write("b.csv", "para,tag,code\np1,y,ignored\n")
    c = load([a, b], ReadOptions(unit_col="para", code_col="tag"))
    assert sets(c) == {"a": {"p1": {"x"}}, "b": {"p1": {"y"}}}


def test_code_separator_option(write):
    a = write("a.csv", "unit,codes\nu1,x|y\n")
    b = write("b.csv", "unit,codes\nu1,x\n")
    assert sets(load([a, b], ReadOptions(code_sep="|")))["a"] == {"u1": {"x", "y"}}


def test_codes_are_trimmed_and_case_folding_is_reported(write):
    a = write("a.csv", "unit,codes\nu1, Peer support ;x\n")
    b = write("b.csv", "unit,codes\nu1,peer support\n")
    assert load([a, b]).codes == ("Peer support", "peer support", "x")
    folded = load([a, b], ReadOptions(ignore_case=True))
    assert folded.codes == ("Peer support", "x")
    assert any("'Peer support' + 'peer support'" in n for n in folded.accounting.notices)


def test_ids_are_text_so_leading_zeros_survive(write):
    a = write("a.csv", "unit,code\n007,x\n7,y\n")
    b = write("b.csv", "unit,code\n007,x\n7,y\n")
    assert sorted(load([a, b]).units) == ["007", "7"]


def test_utf8_bom_and_utf16_are_read(write, tmp_path):
    a = write("a.csv", "\ufeffunit,code\nu1,café\n")
    b = tmp_path / "b.csv"
    b.write_bytes("unit\tcode\nu1\tcafé\n".encode("utf-16"))
    assert load([a, b]).codes == ("café",)


def test_other_encodings_need_to_be_named(tmp_path, write):
    a = tmp_path / "a.csv"
    a.write_bytes("unit,code\nu1,café\n".encode("cp1252"))
    b = write("b.csv", "unit,code\nu1,café\n")
    with pytest.raises(InputError, match=r"a.csv is not UTF-8 .*--encoding cp1252"):
        load([a, b])
    b_cp = tmp_path / "b_cp.csv"
    b_cp.write_bytes("unit,code\nu1,café\n".encode("cp1252"))
    assert load([a, b_cp], ReadOptions(encoding="cp1252")).codes == ("café",)


def test_missing_units_are_reported(write):
    a = write("a.csv", "unit,code\nu1,x\nu2,x\nu3,y\n")
    b = write("b.csv", "unit,code\nu1,x\n")
    assert load([a, b]).missing_units() == {"a": (), "b": ("u2", "u3")}


def test_text_and_notes_travel_with_the_table(write):
    a = write("a.csv", "unit,text,code,note\nu1,Hello there,x,boundary unclear\n")
    b = write("b.csv", "unit,code,note\nu1,y,\n")
    c = load([a, b])
    assert c.texts == {"u1": "Hello there"}
    assert c.notes == {("u1", "a"): "boundary unclear"}


# --- accounting -----------------------------------------------------------------


def test_duplicates_and_blank_lines_are_counted_as_ignored(write):
    f = write("all.csv", "unit,coder,code\nu1,A,x\nu1,A,x\n\nu1,B,x\n,B,y\nu2,A,\nu2,A,z\nu2,B,\n")
    c = load([f])
    ignored = {i.reason: i.rows for i in c.accounting.ignored}
    assert ignored == {
        "blank line": 1,
        "no unit id": 1,
        "duplicate of an earlier row (same unit, coder and codes)": 1,
        "no code, but the coder applied codes to this unit in another row": 1,
    }
    assert c.accounting.rows_read == 8
    assert c.accounting.rows_used == 4
    assert c.code_set(1, 0) == frozenset({"z"})


def test_duplicates_are_the_later_copies_when_every_row_is_kept(write):
    # No row lacks a unit or coder, so the table is built from the rows as read (no subset taken);
    # copies need not be neighbours, and the copy named as ignored is always the later one.
    f = write("kept.csv", "unit,coder,code\nu1,A,x\nu2,A,y\nu1,A,x\nu1,B,x\nu2,A,y\nu2,B,\n")
    c = load([f])
    (duplicates,) = c.accounting.ignored
    assert duplicates.reason == "duplicate of an earlier row (same unit, coder and codes)"
    assert duplicates.rows == 2
    assert [row for _, row in duplicates.rows_at] == [4, 6]
    assert c.accounting.rows_used == 4


# --- errors: one message each ---------------------------------------------------


def test_no_such_file(tmp_path):
    with pytest.raises(InputError, match=r"nope.csv: no such file or folder; check the path"):
        load([tmp_path / "nope.csv"])


def test_empty_file(write):
    f = write("a.csv", "")
    with pytest.raises(InputError, match=r"a.csv is empty; export the coding again or leave the file out"):
        load([f, write("b.csv", "unit,code\nu,x\n")])


def test_header_only(write):
    f = write("a.csv", "unit,code\n")
    with pytest.raises(InputError, match=r"a.csv has a header but no rows"):
        load([f])


def test_no_unit_column_lists_columns_and_option(write):
    f = write("a.csv", "paragraph,code\np1,x\n")
    with pytest.raises(InputError, match=r"a.csv has no unit column .* its columns are: 'paragraph', 'code'; name the unit column with --unit-col"):
        load([f])


def test_named_column_that_does_not_exist(write):
    f = write("a.csv", "unit,code\nu,x\n")
    with pytest.raises(InputError, match=r"a.csv has no column 'tag' \(--code-col\); its columns are: 'unit', 'code'"):
        load([f], ReadOptions(code_col="tag"))


def test_bad_presence_value_names_row_and_column(write):
    f = write("w.csv", "unit,coder,access\nu1,A,1\nu1,B,maybe\n")
    with pytest.raises(InputError, match=r"w.csv, row 3, column 'access': 'maybe' is not a presence value"):
        load([f])


def test_coder_with_no_rows(write):
    a = write("a.csv", "unit,code\n,x\n")
    b = write("b.csv", "unit,code\nu1,x\n")
    with pytest.raises(InputError, match=r"a.csv has no usable rows"):
        load([a, b])


def test_only_one_coder(write):
    f = write("a.csv", "unit,code\nu1,x\n")
    with pytest.raises(InputError, match=r"only one coder \(a\) found; agreement needs at least two"):
        load([f])


def test_same_file_twice(write):
    f = write("a.csv", "unit,code\nu1,x\n")
    with pytest.raises(InputError, match=r"a.csv is given twice"):
        load([f, f])


def test_same_coder_name_in_two_files(tmp_path, write):
    a = write("one/lead.csv", "unit,code\nu1,x\n")
    b = write("two/lead.csv", "unit,code\nu1,y\n")
    with pytest.raises(InputError, match=r"both hold coder 'lead'; rename one file"):
        load([a, b])


def test_binary_and_workbooks_are_named(tmp_path):
    xlsx = tmp_path / "a.csv"
    xlsx.write_bytes(b"PK\x03\x04rest-of-zip")
    with pytest.raises(InputError, match=r"a.csv is a zip archive or an Excel workbook"):
        load([xlsx])
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(InputError, match=r"b.csv is not a text file"):
        load([binary])


def test_folder_without_tables(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"holds no .csv, .tsv or .txt files"):
        load([tmp_path / "empty"])
