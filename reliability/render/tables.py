"""The report as text tables (terminal) or Markdown, built with tabulate."""

from __future__ import annotations

import textwrap

from tabulate import tabulate

from ..report import Report, band
from . import disagreements as where
from .cells import cell, percent, plain, visible

TITLES = {
    "percent_agreement": "Identical sets",
    "shared_agreement": "≥1 shared code",
    "jaccard": "Jaccard",
    "cohen_kappa": "Cohen's κ",
    "pooled_kappa": "Pooled κ",
    "fleiss_kappa": "Fleiss' κ",
    "krippendorff_alpha": "Krippendorff's α",
    "krippendorff_alpha_masi": "Krippendorff's α (MASI)",
    "krippendorff_alpha_jaccard": "Krippendorff's α (Jaccard)",
    "gwet_ac1": "Gwet's AC1",
    "brennan_prediger": "Brennan–Prediger",
    "positive_agreement": "Positive agreement",
}


def render_text(report: Report, markdown: bool = False, display: where.Display | None = None) -> str:
    """The whole report as plain-text tables, or as Markdown when ``markdown``.

    Parameters
    ----------
    report : Report
    markdown : bool
        Markdown (for a codebook meeting's handout) instead of terminal text.
    display : Display, optional
        Which sections on disagreements to add; by default one line says how to see them.
    """
    style = Style(markdown)
    display = display or where.Display()
    parts = [
        style.heading("Inter-coder reliability", 1),
        _header(report, style),
        style.heading("Codebook revision in force") if report.revision else "",
        where.revision(report, style),
        style.heading("Pairs of coders" if report.settings.reference is None else f"Each coder against {report.settings.reference}"),
        _pairs(report, style),
        style.heading("All coders"),
        _overall(report, style),
        style.heading("Chance-corrected coefficients (all coders)"),
        _coefficients(report, style),
        style.heading("Per code, worst first"),
        _codes(report, style),
        style.heading("Input"),
        _input(report, style),
        *(_reporting(report, style) if markdown else ()),
        *where.where_and_why(report, style, display),
        "" if display.disagreements else where.hint(report, style),
    ]
    return visible("\n\n".join(p for p in parts if p) + "\n")


class Style:
    """Plain text or Markdown: headings, tables and escaping differ, nothing else."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown

    def heading(self, text: str, level: int = 2) -> str:
        if self.markdown:
            return "#" * level + " " + self.escape(text)
        if level > 2:
            return text
        return f"{text}\n{('=' if level == 1 else '-') * len(text)}"

    def table(self, rows: list[list[str]], headers: list[str], widths: list[int | None] | None = None) -> str:
        """A table; in the terminal, columns with a width wrap at it."""
        if self.markdown:
            rows = [[self.escape(c) for c in row] for row in rows]
            headers = [self.escape(h) for h in headers]
            return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)
        return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True, maxcolwidths=widths)

    def quote(self, text: str) -> str:
        """A passage of the data (a unit's text), set off from the report's own words."""
        if self.markdown:
            return "> " + self.escape(text)
        return textwrap.fill(f"“{text}”", width=100, initial_indent="  ", subsequent_indent="  ")

    def escape(self, text: str) -> str:
        """Neutralise Markdown markup and table pipes in data (codes, coder names, notes)."""
        if not self.markdown:
            return text
        for ch in "\\`*_[]<>|#":
            text = text.replace(ch, "\\" + ch)
        return text.replace("\n", " ")

    def bullets(self, items: list[tuple[str, list[str]]]) -> str:
        """Items with sub-items (e.g. a suggestion and the definitions it rests on); wrapped in the terminal."""
        out = []
        for text, subitems in items:
            if self.markdown:
                out.append("- " + self.escape(text))
                out += ["  - " + self.escape(sub) for sub in subitems]
            else:
                out.append(textwrap.fill(text, width=100, initial_indent="  ", subsequent_indent="    "))
                out += [textwrap.fill(sub, width=100, initial_indent="      ", subsequent_indent="        ") for sub in subitems]
        return "\n".join(out)

    def lines(self, items: list[str]) -> str:
        prefix = "- " if self.markdown else "  "
        return "\n".join(prefix + self.escape(i) for i in items)


def _header(report: Report, style: Style) -> str:
    i = report.input
    kind = "multi-label (a unit may get several codes)" if i.multi_label else "single-label"
    codes = f"{len(i.codes)} codes"
    if report.revision is not None:
        codes += f" ({len(report.codes)} after the revision)"
    lines = [f"{i.units} units, {len(i.coders)} coders ({', '.join(i.coders)}), {codes}, {kind}"]
    if report.codebook is not None:
        lines.append(f"codebook: {report.codebook.source}, {len(report.codebook.codes)} codes")
    return style.lines(lines)


def _pairs(report: Report, style: Style) -> str:
    with_ci = report.settings.bootstrap is not None
    names = ["percent_agreement", "shared_agreement", "jaccard", "cohen_kappa", "pooled_kappa"]
    rows = [
        [f"{p.coders[0]} – {p.coders[1]}", str(p.n_units)] + [cell(n, p.figures.get(n), with_ci) for n in names]
        for p in report.pairs
    ]
    return style.table(rows, ["Pair", "Units"] + [TITLES[n] for n in names])


def _overall(report: Report, style: Style) -> str:
    o = report.overall
    with_ci = report.settings.bootstrap is not None
    rows = [
        ["Identical sets (all coders)", cell("percent_agreement", o.figures["percent_agreement"], with_ci), str(o.figures["percent_agreement"].n_units)],
        ["≥1 code shared by all coders", cell("shared_agreement", o.figures["shared_agreement"], with_ci), str(o.figures["shared_agreement"].n_units)],
    ]
    n = len(report.input.coders)
    for k, figure in o.at_least_k.items():
        rows.append([f"≥1 code shared by at least {k} of {n} coders", cell("at_least_k", figure, with_ci), str(figure.n_units)])
    return style.table(rows, ["Agreement", "Value", "Units"])


def _coefficients(report: Report, style: Style) -> str:
    with_ci = report.settings.bootstrap is not None
    rows = []
    for name, figure in report.overall.figures.items():
        if figure.p_e is None and figure.p_o is None and name in ("percent_agreement", "shared_agreement"):
            continue
        rows.append(
            [
                TITLES.get(name, name),
                cell(name, figure),
                _interval(name, figure) if with_ci else None,
                plain(name, figure.se),
                plain(name, figure.p_o),
                plain(name, figure.p_e),
                str(figure.n_units),
                band(name, figure),
            ]
        )
    headers = ["Coefficient", "Value", "Interval", "SE", "p_o", "p_e", "Units", "Reading"]
    if not with_ci:
        headers.pop(2)
        rows = [r[:2] + r[3:] for r in rows]
    return style.table(rows, headers)


def _interval(name: str, figure) -> str:
    if figure.ci is None:
        return ""
    return f"{plain(name, figure.ci[0])} – {plain(name, figure.ci[1])}"


def _codes(report: Report, style: Style) -> str:
    coders = list(report.input.coders)
    rows = []
    for code in report.codes_worst_first():
        rows.append(
            [code.code]
            + [str(code.applied[c]) for c in coders]
            + [
                percent(code.prevalence),
                cell("fleiss_kappa", code.figures["fleiss_kappa"]),
                cell("krippendorff_alpha", code.figures["krippendorff_alpha"]),
                cell("gwet_ac1", code.figures["gwet_ac1"]),
                cell("positive_agreement", code.figures["positive_agreement"]),
                band("fleiss_kappa", code.figures["fleiss_kappa"]),
            ]
        )
    headers = ["Code"] + [f"× {c}" for c in coders] + ["Prevalence", "Fleiss' κ", "α", "AC1", "Pos. agr.", "Reading"]
    return style.table(rows, headers)


def _reporting(report: Report, style: Style) -> list[str]:
    """The methods-section paragraph (Markdown only: it is for pasting into a paper)."""
    from .reporting import STILL_TO_REPORT, paragraph

    return [style.heading("Reporting"), style.escape(paragraph(report)), "_" + style.escape(STILL_TO_REPORT) + "_"]


def _input(report: Report, style: Style) -> str:
    i = report.input
    lines = [f"{i.rows_read} rows read, {i.rows_used} used, {i.rows_read - i.rows_used} ignored"]
    lines += i.warnings()
    lines += [f"{path}: {shape}, {rows} rows" for path, shape, rows in i.sources]
    return style.lines(lines)
