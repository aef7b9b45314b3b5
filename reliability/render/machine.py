"""The report for machines: JSON (the DESIGN §4 contract) and a tidy CSV."""

from __future__ import annotations

import csv
import io
import json

from ..figure import Figure
from ..report import Report

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_json(report: Report) -> str:
    """The report as JSON, keys in contract order, ending with a newline."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


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
        add("overall", everyone, "", f"at_least_{k}", figure)
    for code in report.codes:
        for name, figure in code.figures.items():
            add("code", everyone, code.code, name, figure)
        for pair in code.pairs:
            for name, figure in pair.figures.items():
                add("code pair", pair.coders, code.code, name, figure)
    return write_csv(CSV_COLUMNS, rows)


def write_csv(header: list[str], rows: list[list]) -> str:
    """CSV text with every text cell neutralised against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
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
