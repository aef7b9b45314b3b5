"""The report as text tables (terminal) or Markdown, built with tabulate."""

from __future__ import annotations

from ..figures.registry import BY_KEY, Scope, interpret, keys, title
from ..report import WORST_FIRST_BY, Report
from . import disagreements as where
from .cells import cell, percent, plain, visible
from .gold import gold_sections
from .style import Display, Style

def render_text(report: Report, markdown: bool = False, display: Display | None = None) -> str:
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
    display = display or Display()
    # Test–retest (--rounds): the "coders" are one coder's rounds, and the report says so.
    who = "rounds" if report.settings.rounds else "coders"
    parts = [
        style.heading("Intra-coder reliability (test–retest)" if report.settings.rounds else "Inter-coder reliability", 1),
        _header(report, style),
        style.heading("Codebook revision in force") if report.revision else "",
        where.revision(report, style),
        style.heading(f"Pairs of {who}" if report.settings.reference is None else f"Each {who[:-1]} against {report.settings.reference}"),
        _pairs(report, style),
        style.heading(f"All {who}"),
        _overall(report, style),
        style.heading(f"Chance-corrected coefficients (all {who})"),
        _coefficients(report, style),
        style.heading("Per code, worst first"),
        _codes(report, style),
        *gold_sections(report.gold, style),
        style.heading("Input"),
        _input(report, style),
        *(_reporting(report, style) if markdown else ()),
        *where.where_and_why(report, style, display),
        "" if display.disagreements else where.hint(report, style),
    ]
    return visible("\n\n".join(p for p in parts if p) + "\n")


def _header(report: Report, style: Style) -> str:
    i = report.input
    kind = "multi-label (a unit may get several codes)" if i.multi_label else "single-label"
    codes = f"{len(i.codes)} codes"
    if report.revision is not None:
        codes += f" ({len(report.codes)} after the revision)"
    who = "rounds of one coder" if report.settings.rounds else "coders"
    lines = [f"{i.units} units, {len(i.coders)} {who} ({', '.join(i.coders)}), {codes}, {kind}"]
    scale = report.settings.scale
    if scale is not None:
        lines.append(
            f"{scale.level} scale ({', '.join(scale.codes)}; order from {scale.source}); "
            f"AC2 and Conger's κ with {scale.weights} weights"
        )
    if report.codebook is not None:
        lines.append(f"codebook: {report.codebook.source}, {len(report.codebook.codes)} codes")
    return style.lines(lines)


def _pairs(report: Report, style: Style) -> str:
    with_ci = report.settings.bootstrap is not None
    names = keys(Scope.PAIR, ordered_scale=report.settings.scale is not None)
    rows = [
        [f"{p.coders[0]} – {p.coders[1]}", str(p.n_units)] + [cell(n, p.figures.get(n), with_ci) for n in names]
        for p in report.pairs
    ]
    return style.table(rows, ["Pair", "Units"] + [title(n) for n in names])


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
                _title(report, name),
                cell(name, figure),
                _interval(name, figure) if with_ci else None,
                plain(name, figure.se),
                plain(name, figure.p_o),
                plain(name, figure.p_e),
                str(figure.n_units),
                interpret(name, figure.value),
            ]
        )
    headers = ["Coefficient", "Value", "Interval", "SE", "p_o", "p_e", "Units", "Reading"]
    if not with_ci:
        headers.pop(2)
        rows = [r[:2] + r[3:] for r in rows]
    return style.table(rows, headers)


def _title(report: Report, name: str) -> str:
    """A figure's title; on an ordered scale, alpha says its level and AC2/Conger their weights."""
    scale = report.settings.scale
    if scale is not None and name == "krippendorff_alpha":
        return f"{title(name)} ({scale.level})"
    if scale is not None and name in ("gwet_ac2", "conger_kappa"):
        return f"{title(name)} ({scale.weights} weights)"
    return title(name)


def _interval(name: str, figure) -> str:
    if figure.ci is None:
        return ""
    return f"{plain(name, figure.ci[0])} – {plain(name, figure.ci[1])}"


def _codes(report: Report, style: Style) -> str:
    coders = list(report.input.coders)
    figures = keys(Scope.CODE)
    rows = []
    for code in report.codes_worst_first():
        rows.append(
            [code.code]
            + [str(code.applied[c]) for c in coders]
            + [
                percent(code.prevalence),
                *(cell(key, code.figures[key]) for key in figures),
                interpret(WORST_FIRST_BY, code.figures[WORST_FIRST_BY].value),
            ]
        )
    headers = ["Code"] + [f"× {c}" for c in coders] + ["Prevalence", *(BY_KEY[key].short for key in figures), "Reading"]
    return style.table(rows, headers)


def _reporting(report: Report, style: Style) -> list[str]:
    """The methods-section paragraph (Markdown only: it is for pasting into a paper)."""
    from .reporting import STILL_TO_REPORT, paragraph

    return [style.heading("Reporting"), style.escape(paragraph(report)), "_" + style.escape(STILL_TO_REPORT) + "_"]


def _input(report: Report, style: Style) -> str:
    i = report.input
    lines = [f"{i.rows_read} rows read, {i.rows_used} used, {i.rows_read - i.rows_used} ignored"]
    lines += i.warnings()
    for source in i.sources:
        used = "; ".join(f"{role}: {column}" for role, column in source.roles().items() if column)
        lines.append(f"{source.path}: {source.shape}, {source.rows} rows" + (f" ({used})" if used else ""))
    return style.lines(lines)
