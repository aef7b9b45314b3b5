"""Safe output: reports can be opened in a spreadsheet, pasted into Markdown and printed.

End to end through the command line, with codes, coder names, texts and notes
that try to be formulas (CSV), markup (Markdown) or terminal controls; and XML
inputs that try entity expansion or external entities (defusedxml refuses them).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability.cli import main
from reliability.render.machine import FORMULA_START, safe_cell

HOSTILE = (
    "unit,coder,code,text,note\n"
    'U1,@evil,=1+1,-starts with a minus,"=HYPERLINK(""http://x"",""click"")"\n'
    "U1,+plus,=1+1,-starts with a minus,\n"
    'U2,@evil,-2,"<script>alert(1)</script> | pipe",**bold** note\n'
    "U2,+plus,@SUM(A1),\"<script>alert(1)</script> | pipe\",\n"
    "U3,@evil,\"+cmd|' /C calc'!A0\",[link](http://evil.example),_under_\n"
    "U3,+plus,a|b `tick` #h <b>x</b>,[link](http://evil.example),\"evil \x1b]0;pwned\x07 \x1b[2J note\"\n"
)
"""Two coders whose names, codes, texts and notes are formulas, markup and a terminal escape."""


@pytest.fixture
def hostile(tmp_path) -> Path:
    path = tmp_path / "coding.csv"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


def report(path: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["compare", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("extra", [(), ("--disagreements",), ("--matrix",)], ids=["figures", "disagreements", "matrix"])
def test_csv_cells_never_start_like_a_formula(hostile, extra):
    cells = [cell for row in csv.reader(io.StringIO(report(hostile, "--format", "csv", *extra))) for cell in row]
    formula_like = [cell for cell in cells if cell.startswith(FORMULA_START) and not _is_number(cell)]
    assert formula_like == []
    assert any(cell.startswith("'=1+1") or cell.startswith("'+") or cell.startswith("'-2") for cell in cells)


def test_csv_keeps_the_neutralised_values_readable(hostile):
    rows = list(csv.DictReader(io.StringIO(report(hostile, "--format", "csv"))))
    assert {row["code"] for row in rows if row["section"] == "code"} == {
        "'+cmd|' /C calc'!A0", "'-2", "'@SUM(A1)", "a|b `tick` #h <b>x</b>", "'=1+1",
    }
    assert {row["coders"] for row in rows if row["section"] == "pair"} == {"'+plus & @evil"}
    assert any(_is_number(row["value"]) and row["value"].startswith("-") for row in rows)  # numbers stay numbers


@pytest.mark.parametrize("value", ["\tleading tab", "\rleading return", "=A1", "+1 and text", "-x", "@x"])
def test_safe_cell_neutralises_every_formula_start(value):
    # Tabs and carriage returns cannot reach the CSV through the readers (cells are
    # trimmed, control characters refused), so safe_cell is checked on its own too.
    assert safe_cell(value) == "'" + value


def _tables(markdown: str) -> list[list[str]]:
    tables, current = [], []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables + ([current] if current else [])


def test_markdown_escapes_pipes_and_markup(hostile):
    markdown = report(hostile, "--format", "markdown", "--disagreements", "--matrix")
    tables = _tables(markdown)
    assert len(tables) >= 5
    for table in tables:  # an unescaped pipe in a cell would add a column
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
        assert len(widths) == 1, table
    for raw in ("<script>", "<b>", "[link](", "*bold*", "_under_", "`tick`", "#h"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), markdown), raw
    for escaped in (r"\<script\>", r"\[link\](", r"\*\*bold\*\*", r"\_under\_", r"\`tick\`", r"\#h", r"a\|b"):
        assert escaped in markdown


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_terminal_controls_in_notes_are_not_printed(hostile, fmt):
    # The note sets the terminal's title (OSC … BEL) and clears the screen (CSI 2J).
    output = report(hostile, "--format", fmt, "--disagreements")
    assert "evil" in output
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", output)


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>\n'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>\n'
)


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["entity expansion", "external entity"])
@pytest.mark.parametrize("suffix", [".qde", ".qdpx"])
def test_xml_entities_are_refused(tmp_path, payload, suffix):
    path = tmp_path / f"project{suffix}"
    if suffix == ".qde":
        path.write_text(payload, encoding="utf-8")
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("project.qde", payload)
    result = CliRunner().invoke(main, ["compare", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "root:" not in result.output
    assert "was refused: it uses XML entities or a DTD" in result.stderr
    assert result.stdout == ""
