"""The report as text tables (terminal) or Markdown, built with tabulate.

Numbers read one way everywhere (:mod:`reliability.render.cells`): shares as
percentages with one decimal, coefficients with three, counts with thousands
separators, intervals as ``[low, high]``; n/a and figures to read with care carry
a numbered footnote under their table.
"""

from __future__ import annotations

from ..figures.registry import BY_KEY, Scope, interpret, keys, title
from ..report import FEW_UNITS, WORST_FIRST_BY, Report
from . import disagreements as where
from .cells import Footnotes, cell, count, interval, percent, plain, plural, visible
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
        Which sections on disagreements to add, and the terminal width to fit;
        by default one line says how to see the disagreements and tables keep
        their natural width.
    """
    display = display or Display()
    style = Style.of(markdown, display)
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
    codes = plural(len(i.codes), "code")
    if report.revision is not None:
        codes += f" ({count(len(report.codes))} after the revision)"
    who = "rounds of one coder" if report.settings.rounds else "coders"
    lines = [f"{plural(i.units, 'unit')}, {count(len(i.coders))} {who} ({', '.join(i.coders)}), {codes}, {kind}"]
    scale = report.settings.scale
    if scale is not None:
        lines.append(
            f"{scale.level} scale ({', '.join(scale.codes)}; order from {scale.source}); "
            f"AC2 and Conger's κ with {scale.weights} weights"
        )
    if report.codebook is not None:
        lines.append(f"codebook: {report.codebook.source}, {plural(len(report.codebook.codes), 'code')}")
    boot = report.settings.bootstrap
    if boot is not None:
        lines.append(
            f"intervals: {percent(boot.confidence)} percentile bootstrap, {plural(boot.n_resamples, 'resample')}; "
            f"resampling unit: the unit (all its codings together); seed {boot.seed}"
        )
    return style.lines(lines)


def _with_notes(style: Style, table: str, notes: Footnotes, legend: list[str] | None = None) -> str:
    """A table, then its legend and footnotes."""
    below = (legend or []) + notes.lines()
    return table + ("\n\n" + style.lines(below) if below else "")


def _few(n_units: int, notes: Footnotes) -> str:
    """A count of units, marked when a figure resting on so few needs care."""
    if n_units >= FEW_UNITS:
        return count(n_units)
    return f"{count(n_units)} {notes.mark(f'fewer than {FEW_UNITS} units: read the figures with care')}"


def _pairs(report: Report, style: Style) -> str:
    with_ci = report.settings.bootstrap is not None
    names = keys(Scope.PAIR, ordered_scale=report.settings.scale is not None)
    notes = Footnotes()
    rows = [
        [f"{p.coders[0]} – {p.coders[1]}", _few(p.n_units, notes)] + [cell(n, p.figures.get(n), with_ci, notes) for n in names]
        for p in report.pairs
    ]
    headers = ["Pair", "Units"] + [title(n) for n in names]
    secondary = tuple((names.index(n) + 2,) for n in ("jaccard", "pooled_kappa", "percent_agreement") if n in names)
    return _with_notes(style, style.table(rows, headers, secondary=secondary), notes)


def _overall(report: Report, style: Style) -> str:
    o = report.overall
    with_ci = report.settings.bootstrap is not None
    notes = Footnotes()
    rows = [
        ["Identical sets (all coders)", cell("percent_agreement", o.figures["percent_agreement"], with_ci, notes), count(o.figures["percent_agreement"].n_units)],
        ["≥1 code shared by all coders", cell("shared_agreement", o.figures["shared_agreement"], with_ci, notes), count(o.figures["shared_agreement"].n_units)],
    ]
    n = len(report.input.coders)
    for k, figure in o.at_least_k.items():
        if k == n:
            continue  # the same units and the same test as "shared by all coders"
        rows.append([f"≥1 code shared by at least {k} of {n} coders", cell("at_least_k", figure, with_ci, notes), count(figure.n_units)])
    return _with_notes(style, style.table(rows, ["Agreement", "Value", "Units"]), notes)


def _coefficients(report: Report, style: Style) -> str:
    with_ci = report.settings.bootstrap is not None
    notes = Footnotes()
    rows = []
    for name, figure in report.overall.figures.items():
        if figure.p_e is None and figure.p_o is None and name in ("percent_agreement", "shared_agreement"):
            continue
        rows.append(
            [
                _title(report, name),
                cell(name, figure, notes=notes),
                interval(name, *figure.ci) if figure.ci is not None else "",
                plain(name, figure.se),
                plain(name, figure.p_o),
                plain(name, figure.p_e),
                count(figure.n_units),
                interpret(name, figure.value),
            ]
        )
    headers = ["Coefficient", "Value", "Interval", "SE", "p_o", "p_e", "Units", "Reading"]
    if not with_ci:
        headers.pop(2)
        rows = [r[:2] + r[3:] for r in rows]
    secondary = tuple((headers.index(h),) for h in ("p_e", "p_o", "SE"))
    legend = ["p_o: observed agreement; p_e: agreement expected by chance; SE: standard error."]
    return _with_notes(style, style.table(rows, headers, secondary=secondary), notes, legend)


def _title(report: Report, name: str) -> str:
    """A figure's title; on an ordered scale, alpha says its level and AC2/Conger their weights."""
    scale = report.settings.scale
    if scale is not None and name == "krippendorff_alpha":
        return f"{title(name)} ({scale.level})"
    if scale is not None and name in ("gwet_ac2", "conger_kappa"):
        return f"{title(name)} ({scale.weights} weights)"
    return title(name)


def _codes(report: Report, style: Style) -> str:
    coders = list(report.input.coders)
    with_ci = report.settings.bootstrap is not None
    figures = keys(Scope.CODE)
    notes = Footnotes()
    rows = []
    for code in report.codes_worst_first():
        ordering = code.figures[WORST_FIRST_BY]
        # Footnotes name no code: the mark sits on the code's row, and codes with the same caveat share one.
        caveats = "".join(" " + notes.mark(caveat) for caveat in code.caveats())
        rows.append(
            [code.code]
            + [count(code.applied[c]) for c in coders]
            + [
                percent(code.prevalence),
                count(code.n_units),
                *(cell(key, code.figures[key], with_ci, notes) + (caveats if key == WORST_FIRST_BY else "") for key in figures),
                interpret(WORST_FIRST_BY, ordering.value),
            ]
        )
    reading = f"Reading ({BY_KEY[WORST_FIRST_BY].short})"
    headers = ["Code"] + [f"× {c}" for c in coders] + ["Prevalence", "Units", *(BY_KEY[key].short for key in figures), reading]
    column = {h: i for i, h in enumerate(headers)}
    secondary = (
        tuple(column[BY_KEY[key].short] for key in figures if key not in (WORST_FIRST_BY, "positive_agreement")),
        tuple(column[f"× {c}"] for c in coders),
        (column["Prevalence"],),
        (column[BY_KEY["positive_agreement"].short],),
    )
    legend = [
        "× CODER: units the coder applied the code to. Prevalence: share of all ratings (unit × coder) that "
        f"apply the code. Units: units coded by at least two coders, behind every figure of the row. "
        f"{', '.join(f'{BY_KEY[key].short}: {BY_KEY[key].title}' for key in figures if BY_KEY[key].short != BY_KEY[key].title)}. "
        f"Reading: the Landis & Koch (1977) band of {BY_KEY[WORST_FIRST_BY].title}, which also orders the codes."
    ]
    return _with_notes(style, style.table(rows, headers, secondary=secondary), notes, legend)


def _reporting(report: Report, style: Style) -> list[str]:
    """The methods-section paragraph (Markdown only: it is for pasting into a paper)."""
    from .reporting import STILL_TO_REPORT, paragraph

    return [style.heading("Reporting"), style.escape(paragraph(report)), "_" + style.escape(STILL_TO_REPORT) + "_"]


def _input(report: Report, style: Style) -> str:
    i = report.input
    ignored = i.rows_read - i.rows_used
    lines = [f"{plural(i.rows_read, 'row')} read, {count(i.rows_used)} used, {count(ignored)} ignored"]
    lines += i.warnings()
    for source in i.sources:
        used = "; ".join(f"{role}: {column}" for role, column in source.roles().items() if column)
        lines.append(f"{source.path}: {source.shape}, {plural(source.rows, 'row')}" + (f" ({used})" if used else ""))
    return style.lines(lines)
