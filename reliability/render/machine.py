"""The report for machines: JSON (the DESIGN §4 contract) and a tidy CSV."""

from __future__ import annotations

import csv
import io
import json

from ..codings.model import UNCODED
from ..figures.figure import Figure
from ..figures.registry import AT_LEAST
from ..findings.disagreements import EncodedUnits
from ..report import Report
from .gold import gold_csv_rows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NOT_CODED = "(not coded)"
"""A disagreement CSV cell for a coder who never coded the unit (unlike "(uncoded)": coded, no code)."""


LONG_LIST = 50
"""Top-level lists longer than this are written one compact item per line."""


def render_json(report: Report) -> str:
    """The report as JSON, keys in contract order, ending with a newline."""
    return dump_json(report.to_dict(encoded_units=True))


def dump_json(document: dict) -> str:
    """A JSON document indented for reading, except that each item of a long list
    (the disagreeing units, say) takes one compact line.

    Python's indenting encoder is pure Python and builds the whole text in pieces;
    with hundreds of thousands of disagreeing units it dominated the run and its
    memory, while the compact encoder is in C. Objects that hold a long list are
    written key by key, so the list may be found at any depth; a list of
    :class:`~reliability.findings.disagreements.EncodedUnits` is written as it is.

    >>> print(*dump_json({"a": 1, "b": [{"x": 1}] * 51}).splitlines()[:5], sep=chr(10))
    {
      "a": 1,
      "b": [
        {"x": 1},
        {"x": 1},
    """
    return _indented(document, "") + "\n"


def _indented(value, indent: str) -> str:
    """``value`` as JSON indented by two spaces a level, its first line after ``indent``."""
    if isinstance(value, EncodedUnits):
        if len(value) > LONG_LIST:
            return f"[\n{indent}  " + f",\n{indent}  ".join(value) + f"\n{indent}]"
        value = [json.loads(item) for item in value]  # short: written as any other list
    if isinstance(value, list) and len(value) > LONG_LIST:
        return f"[\n{indent}  " + f",\n{indent}  ".join(map(_compact, value)) + f"\n{indent}]"
    if isinstance(value, dict) and _holds_long_list(value):
        items = (f"{indent}  {json.dumps(key, ensure_ascii=False)}: {_indented(v, indent + '  ')}" for key, v in value.items())
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).replace("\n", "\n" + indent)


def _holds_long_list(value) -> bool:
    """Whether a list longer than ``LONG_LIST``, or encoded units, lie anywhere within ``value``."""
    if isinstance(value, EncodedUnits):
        return True
    if isinstance(value, list):
        return len(value) > LONG_LIST or any(_holds_long_list(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_long_list(item) for item in value.values())
    return False


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


CSV_COLUMNS = ["section", "coders", "code", "figure", "value", "p_o", "p_e", "n_units", "ci_low", "ci_high", "se", "note"]


def render_csv(report: Report) -> str:
    """Every figure as one row of a tidy CSV, safe to open in a spreadsheet."""
    rows: list[list] = []

    def add(section: str, coders: tuple[str, ...], code: str, name: str, figure: Figure) -> None:
        low, high = figure.ci if figure.ci else (None, None)
        rows.append(
            [section, " & ".join(coders), code, name, figure.value, figure.p_o, figure.p_e,
             figure.n_units, low, high, figure.se, figure.note]
        )

    for pair in report.pairs:
        for name, figure in pair.figures.items():
            add("pair", pair.coders, "", name, figure)
    everyone = tuple(report.input.coders)
    for name, figure in report.overall.figures.items():
        add("overall", everyone, "", name, figure)
    for k, figure in report.overall.at_least_k.items():
        add("overall", everyone, "", f"{AT_LEAST}{k}", figure)
    for code in report.codes:
        for name, figure in code.figures.items():
            add("code", everyone, code.code, name, figure)
        for pair in code.pairs:
            for name, figure in pair.figures.items():
                add("code pair", pair.coders, code.code, name, figure)
    rows += gold_csv_rows(report.gold)
    return write_csv(CSV_COLUMNS, rows)


def render_disagreements_csv(report: Report) -> str:
    """The disagreeing units, one row each, most contested first: every unit, full text and notes.

    Columns: unit, contest, disputed and agreed codes (joined by "; "), text, then
    each coder's codes and note. A coder who never coded the unit shows "(not coded)";
    one who found no code, "(uncoded)".
    """
    coders = list(report.input.coders)
    header = ["unit", "contest", "disputed", "agreed", "text"]
    for coder in coders:
        header += [f"{coder} codes", f"{coder} note"]
    rows = []
    for unit in report.disagreements.rows() if report.disagreements else ():
        row = [unit.unit, unit.contest, "; ".join(unit.disputed), "; ".join(unit.agreed), unit.text]
        for coding in unit.codings:
            row += [_codes_cell(coding.codes), coding.note]
        rows.append(row)
    return write_csv(header, rows)


def render_matrix_csv(report: Report) -> str:
    """The code × code confusion matrix: units where the row's and the column's code stood in for each other."""
    confusions = report.confusions
    if confusions is None:
        return write_csv(["code"], [])
    rows = [[code, *(int(n) for n in confusions.matrix[k])] for k, code in enumerate(confusions.codes)]
    return write_csv(["code", *confusions.codes], rows)


def _codes_cell(codes: tuple[str, ...] | None) -> str:
    if codes is None:
        return NOT_CODED
    return "; ".join(codes) if codes else UNCODED


def write_csv(header: list[str], rows: list[list]) -> str:
    """CSV text with every text cell, header included, neutralised against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    return out.getvalue()


def safe_cell(value) -> str:
    """A cell as text; text starting like a formula gets a leading apostrophe.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell(-0.25), safe_cell(None)
    ("'=HYPERLINK(1)", '-0.25', '')
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
