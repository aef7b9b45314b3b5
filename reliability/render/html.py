"""The report as one self-contained HTML page, and a revision's before/after as another.

The page works offline: its stylesheet, its small script and its charts (SVG
from :mod:`reliability.render.charts`) are inline; no CDN, no web font. Jinja2
renders it with autoescaping on, so code names, notes and texts from the data
(which are untrusted) always show as text. Every chart has a table next to it or
folded under it, for readers who cannot see it and for copying numbers.

Jinja2 and matplotlib are imported only when a page or a figure is made, so
``reliability --help`` and the other formats stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..figures.figure import Figure
from ..figures.registry import BY_KEY, Band, Scope, interpret, keys, title
from ..gate.diff import FigureChange, ReportDiff
from ..report import WORST_FIRST_BY, Report
from ..version import __version__
from . import charts, reporting
from .reporting import level
from .cells import cell, difference, interval, number, percent, revision_lines
from .browser import browser
from .gold import SCORES, score
from .style import Display

TEMPLATES = Path(__file__).parent / "templates"
HTML_UNITS = 2000
"""Disagreeing units the page lists unless ``--limit`` says otherwise; each one is a few hundred bytes."""
SHOWN_CONFUSIONS = 10
"""Confused pairs of codes the page ranks; JSON lists every pair."""
FOREST_CODES = 40
"""Codes in the forest plot, worst first; the table under it lists every code."""
CONFUSION_CODES = 30
"""Codes in the confusion heatmap: those confused in the most units; the ranking and JSON cover all."""
BAND_NOTES = {Band.LANDIS_KOCH: "Landis & Koch (1977) bands", Band.KRIPPENDORFF: "Krippendorff's (2004) bands for α"}
"""How the forest plot's caption names each band it shades."""


def band_scheme(name: str) -> str | None:
    """The registry's band of a figure, as a key of :data:`charts.BANDS`; None when it has none."""
    info = BY_KEY.get(name)
    return None if info is None or info.band is Band.NONE else info.band.value


def band(name: str, figure: Figure) -> str:
    """The word for a figure's value in its band ("fair", "tentative"); "" when it has none."""
    return interpret(name, figure.value)


@dataclass(frozen=True)
class Chart:
    """A chart inlined in the page: its SVG and the sentence that describes it."""

    key: str
    label: str
    svg: str
    description: str


def render_html(report: Report, display: Display | None = None) -> str:
    """The whole report as one HTML page.

    Parameters
    ----------
    report : Report
    display : Display, optional
        ``limit`` caps the disagreeing units listed (0: all; default :data:`HTML_UNITS`); ``what_if``,
        the figures before and after a ``--merge``/``--recode`` revision, for the Codebook section.
    """
    display = display or Display(limit=HTML_UNITS)
    context = {
        "report": report,
        "overview": overview(report),
        "figures_table": overall_rows(report),
        "pairs_table": pair_rows(report),
        "codes_table": code_rows(report),
        "forest": forest_chart(report),
        "pair_heatmaps": pair_heatmaps(report),
        "confusion_heatmap": confusion_heatmap(report),
        "confusions": confusion_rows(report),
        "browser": browser(report, display.limit),
        "codebook": codebook_rows(report),
        "gold": gold_rows(report),
        "what_if": diff_view(display.what_if) if display.what_if is not None else None,
        "reporting": reporting.paragraph(report),
        "still_to_report": reporting.STILL_TO_REPORT,
        "references": reporting.REFERENCES,
        "version": __version__,
    }
    return _environment().get_template("report.html.j2").render(**context)


def render_diff_html(diff: ReportDiff) -> str:
    """A revision's every figure before and after, per section, as one HTML page."""
    view = diff_view(diff)
    return _environment().get_template("diff.html.j2").render(diff=view, what_if=view, version=__version__)


def overview(report: Report) -> dict[str, Any]:
    """The headline: dimensions, the lead figures with interval and band, units, accounting."""
    i = report.input
    agreement, alpha = reporting.headline_names(report)
    cards = [
        _card(f"{p.coders[0]} – {p.coders[1]}", title(agreement), agreement, p.figures[agreement])
        for p in report.pairs
        if agreement in p.figures
    ]
    cards.append(_card("All coders", title(agreement), agreement, report.overall.figures[agreement]))
    for name in (alpha, "fleiss_kappa"):
        if name in report.overall.figures:
            cards.append(_card("All coders", title(name), name, report.overall.figures[name]))
    return {
        "units": i.units,
        "coders": i.coders,
        "codes": len(report.codes),
        "codes_read": len(i.codes),
        "multi_label": i.multi_label,
        "cards": cards,
        "units_formed": reporting.units_formed(report),
        "accounting": [f"{i.rows_read} rows read, {i.rows_used} used, {i.rows_read - i.rows_used} ignored"] + i.warnings(),
        "sources": i.sources,
        "with_ci": report.settings.bootstrap is not None,
        "confidence": level(report.settings.bootstrap.confidence) if report.settings.bootstrap else None,
        "disagreeing": report.disagreements.total if report.disagreements else 0,
        "version": __version__,
    }


def _card(subject: str, heading: str, name: str, figure: Figure) -> dict[str, Any]:
    return {
        "subject": subject,
        "title": heading,
        "value": cell(name, figure),
        "interval": _interval(name, figure),
        "band": band(name, figure),
        "band_class": _band_class(name, figure),
        "n_units": figure.n_units,
    }


def _interval(name: str, figure: Figure) -> str:
    return "" if figure.ci is None else interval(name, *figure.ci)


def _band_class(name: str, figure: Figure) -> str:
    """A CSS class for a value's band: good, middling or poor (for colour, always with the band's word)."""
    reading = band(name, figure)
    if reading in ("reliable", "almost perfect", "substantial"):
        return "good"
    if reading in ("tentative", "moderate"):
        return "middling"
    return "poor" if reading else ""


def overall_rows(report: Report) -> list[dict[str, Any]]:
    """Every all-coder figure: value, interval, SE, p_o, p_e, units, band."""
    rows = [
        _figure_row(title(name), name, figure)
        for name, figure in report.overall.figures.items()
    ]
    n = len(report.input.coders)
    rows += [
        _figure_row(f"≥1 code shared by at least {k} of {n} coders", "at_least_k", figure)
        for k, figure in report.overall.at_least_k.items()
        if k != n  # the same units and the same test as "shared by all coders", as the text tables say
    ]
    return rows


def _figure_row(label: str, name: str, figure: Figure) -> dict[str, Any]:
    return {
        "label": label,
        "value": cell(name, figure),
        "interval": _interval(name, figure),
        "se": "" if figure.se is None else number(name, figure.se),
        "p_o": "" if figure.p_o is None else number(name, figure.p_o),
        "p_e": "" if figure.p_e is None else number(name, figure.p_e),
        "n_units": figure.n_units,
        "band": band(name, figure),
        "band_class": _band_class(name, figure),
    }


def pair_rows(report: Report) -> dict[str, Any]:
    """Each pair's figures: the pairwise heatmaps' text alternative."""
    names = [n for n in keys(Scope.PAIR, ordered_scale=True) if any(n in p.figures for p in report.pairs)]
    return {
        "headers": [title(n) for n in names],
        "rows": [
            {"pair": f"{p.coders[0]} – {p.coders[1]}", "n_units": p.n_units,
             "cells": [_value_and_interval(n, p.figures.get(n)) for n in names]}
            for p in report.pairs
        ],
    }


def _value_and_interval(name: str, figure: Figure | None) -> tuple[str, str]:
    if figure is None:
        return "", ""
    return cell(name, figure), _interval(name, figure)


def code_rows(report: Report) -> dict[str, Any]:
    """Each code, worst first: applications per coder, prevalence, every figure with its interval, band."""
    coders = list(report.input.coders)
    names = _code_figures(report)
    return {
        "coders": coders,
        "headers": [title(n) for n in names],
        "reading": title(WORST_FIRST_BY),
        "rows": [
            {
                "code": code.code,
                "applied": [code.applied[c] for c in coders],
                "prevalence": percent(code.prevalence),
                "cells": [_value_and_interval(n, code.figures.get(n)) for n in names],
                "band": band(WORST_FIRST_BY, code.figures[WORST_FIRST_BY]),
                "band_class": _band_class(WORST_FIRST_BY, code.figures[WORST_FIRST_BY]),
            }
            for code in report.codes_worst_first()
        ],
    }


def _code_figures(report: Report) -> list[str]:
    """The per-code figures the report holds, in registry order."""
    names = keys(Scope.CODE, ordered_scale=True) + keys(Scope.SPANS_CODE)
    return [n for n in dict.fromkeys(names) if any(n in code.figures for code in report.codes)]


def forest_figure(report: Report):
    """The per-code forest plot as a matplotlib figure (for the page and ``--figures``)."""
    codes = report.codes_worst_first()[:FOREST_CODES]
    series = []
    names = _code_figures(report)
    for name in names:
        figures = [code.figures.get(name) or Figure.undefined(0, "not computed") for code in codes]
        series.append(
            charts.Series(
                title=title(name),
                values=[f.value for f in figures],
                lows=[f.ci[0] if f.ci else None for f in figures],
                highs=[f.ci[1] if f.ci else None for f in figures],
                bands=band_scheme(name),
            )
        )
    boot = report.settings.bootstrap
    shown = f"The {len(codes)} worst of {len(report.codes)} codes. " if len(codes) < len(report.codes) else ""
    intervals = (
        f"Lines: {level(boot.confidence)} bootstrap intervals ({boot.n_resamples:,} resamples). "
        if boot else "No intervals: add --ci. "
    )
    schemes = {BY_KEY[n].band for n in names} - {Band.NONE}
    shading = "Shading: " + "; ".join(BAND_NOTES[b] for b in Band if b in schemes) + "." if schemes else ""
    note = shown + intervals + shading
    return charts.forest([code.code for code in codes], series, note)


def forest_chart(report: Report) -> Chart | None:
    if not report.codes:
        return None
    return Chart(
        "forest",
        "Forest plot",
        charts.svg(forest_figure(report), "forest"),
        "Forest plot: each code's presence/absence coefficients, worst code first; the table below gives the same values.",
    )


def pair_heatmap_figures(report: Report) -> list[tuple[str, Any]]:
    """One coder × coder heatmap per pair figure: (figure name, matplotlib figure)."""
    coders = list(report.input.coders)
    index = {c: k for k, c in enumerate(coders)}
    out = []
    for name in keys(Scope.PAIR, ordered_scale=True):
        pairs = [p for p in report.pairs if name in p.figures]
        if not pairs:
            continue
        matrix = np.full((len(coders), len(coders)), np.nan)
        labels = [["" for _ in coders] for _ in coders]
        for p in pairs:
            a, b = index[p.coders[0]], index[p.coders[1]]
            figure = p.figures[name]
            text = cell(name, figure) if figure.value is not None else "n/a"
            for x, y in ((a, b), (b, a)):
                matrix[x, y] = np.nan if figure.value is None else figure.value
                labels[x][y] = text
        for k in range(len(coders)):
            labels[k][k] = "—"
        low = min(0.0, float(np.nanmin(matrix))) if np.isfinite(matrix).any() else 0.0
        out.append((name, charts.heatmap(matrix, coders, coders, title(name), labels, low=low, high=1.0)))
    return out


def pair_heatmaps(report: Report) -> list[Chart]:
    return [
        Chart(name, title(name), charts.svg(fig, f"pairs-{name}"), f"{title(name)} for each pair of coders; blank: pair not compared.")
        for name, fig in pair_heatmap_figures(report)
    ]


def confusion_figure(report: Report):
    """The code × code confusion heatmap, or None when no two codes were confused."""
    c = report.confusions
    if c is None or not c.pairs:
        return None
    confused = c.matrix.sum(axis=1)
    kept = np.sort(np.argsort(-confused, kind="stable")[:CONFUSION_CODES])
    kept = kept[confused[kept] > 0]
    counts = c.matrix[np.ix_(kept, kept)]
    n = len(kept)
    matrix = counts.astype(float)
    matrix[matrix == 0] = np.nan  # blank: never confused (and the diagonal)
    labels = [[str(int(counts[x, y])) if counts[x, y] else "" for y in range(n)] for x in range(n)]
    rows = [f"{k} {c.codes[code]}" for k, code in enumerate(kept, start=1)]
    columns = [str(k) for k in range(1, n + 1)]
    heading = "Units where two codes stood in for each other"
    if n < len(c.codes):
        heading += f" (the {n} most confused of {len(c.codes)} codes)"
    return charts.heatmap(matrix, rows, columns, heading, labels, low=0.0, high=max(float(np.nanmax(matrix)), 1.0),
                          colours="Oranges")


def confusion_heatmap(report: Report) -> Chart | None:
    fig = confusion_figure(report)
    if fig is None:
        return None
    return Chart("confusions", "Code confusions", charts.svg(fig, "confusions"),
                 "Code × code: units where one coder applied the row's code and another the column's; columns numbered as rows.")


def confusion_rows(report: Report) -> dict[str, Any]:
    """The ranked confusions and the suggestions with the definitions they rest on."""
    c = report.confusions
    if c is None:
        return {"rows": [], "suggestions": [], "total": 0}
    return {
        "total": len(c.pairs),
        "rows": [
            {
                "codes": p.codes,
                "n_units": p.n_units,
                "share": percent(p.share),
                "units": p.units,
                "coders": f"{p.by_coders[0].first} ↔ {p.by_coders[0].second} ({p.by_coders[0].n_units})" if p.by_coders else "",
            }
            for p in c.pairs[:SHOWN_CONFUSIONS]
        ],
        "suggestions": [
            {"text": p.suggestion, "definitions": list(zip(p.codes, p.definitions or ("", "")))}
            for p in c.suggestions()
        ],
    }



def gold_rows(report: Report) -> dict[str, Any] | None:
    """Each coder against the answer key (``--gold``): micro and macro scores, then every code."""
    gold = report.gold
    if gold is None:
        return None

    def scores(s) -> list[str]:
        return [score(getattr(s, name)) for name in SCORES]

    return {
        "key": gold.coder,
        "coders": [
            {"coder": c.coder, "n_units": c.n_units, "micro": scores(c.micro), "macro": scores(c.macro), "note": c.note or "",
             "codes": [{"code": k.code, "scores": scores(k.scores), "support": k.scores.support} for k in c.codes]}
            for c in gold.coders
        ],
    }


def codebook_rows(report: Report) -> dict[str, Any]:
    """Definitions with each code's use, the gaps and the coder bias."""
    book = report.codebook
    applied = {code.code: sum(code.applied.values()) for code in report.codes}
    definitions = []
    if book is not None:
        definitions = [
            {"code": d.name, "definition": d.definition, "parent": d.parent or "", "applied": applied.get(d.name)}
            for d in book.codes
        ]
    b = report.bias
    return {
        "source": book.source if book is not None else None,
        "definitions": definitions,
        "gaps": report.gaps.findings() if report.gaps is not None else [],
        "bias_flags": [flag.text for flag in b.flags] if b is not None else [],
        "stuart_maxwell": [
            {
                "pair": f"{t.coders[0]} – {t.coders[1]}",
                "n_units": t.n_units,
                "statistic": "n/a" if t.statistic is None else f"{t.statistic:.2f}",
                "df": t.df,
                "p": f"n/a ({t.note})" if t.p_value is None else f"{t.p_value:.3f}",
            }
            for t in (b.stuart_maxwell if b is not None else ())
        ],
        "revision": report.revision.describe() if report.revision is not None else [],
        "revision_steps": "; ".join(report.revision.steps) if report.revision is not None else "",
    }


def diff_view(diff: ReportDiff) -> dict[str, Any]:
    """Every figure before and after, grouped by section, with a direction for the arrow and colour."""
    sections = []
    for section, heading in (("overall", "All coders"), ("pair", "Pairs of coders"), ("code", "Per code")):
        changes = diff.section(section)
        if changes:
            sections.append({"key": section, "title": heading, "rows": [_change_row(c) for c in changes]})
    code_changes = diff.section("code")
    return {
        "old": diff.old_name,
        "new": diff.new_name,
        "codes_before": len({c.old_code for c in code_changes if c.old_code is not None}),
        "codes_after": len({c.new_code for c in code_changes if c.new_code is not None}),
        "old_input": diff.old_input,
        "new_input": diff.new_input,
        "mapping": revision_lines(diff.mapping),
        "sections": sections,
        "charts": _diff_charts(diff),
    }


def _change_row(change: FigureChange) -> dict[str, Any]:
    before = "n/a" if change.before is None else number(change.figure, change.before)
    after = "n/a" if change.after is None else number(change.figure, change.after)
    moved = change.change
    if moved is None:
        direction, amount = "none", ""
    else:
        direction = "up" if moved > 0 else "down" if moved < 0 else "same"
        amount = difference(change.figure, abs(moved))
    return {
        "subject": change.subject,
        "figure": title(change.figure),
        "before": before,
        "after": after,
        "direction": direction,
        "amount": amount,
        "note": change.note or "",
    }


def diff_figures(diff: ReportDiff) -> list[tuple[str, Any]]:
    """One before/after chart per per-code figure: (figure name, matplotlib figure)."""
    out = []
    changes = diff.section("code")
    for name in dict.fromkeys(c.figure for c in changes):
        rows = [c for c in changes if c.figure == name]
        out.append((name, charts.before_after([c.subject for c in rows], [c.before for c in rows],
                                              [c.after for c in rows], title(name), band_scheme(name))))
    return out


def _diff_charts(diff: ReportDiff) -> list[Chart]:
    return [
        Chart(name, title(name), charts.svg(fig, f"diff-{name}"),
              f"{title(name)} per code before (hollow) and after (filled) the revision; the table gives the values.")
        for name, fig in diff_figures(diff)
    ]


def write_figures(report: Report, folder: Path) -> list[Path]:
    """Write the forest plot and the heatmaps as SVG and PNG into ``folder`` (created if needed).

    Returns
    -------
    list of Path
        The files written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if report.codes:
        written += charts.write(forest_figure(report), folder / "forest", "forest")
    for name, fig in pair_heatmap_figures(report):
        written += charts.write(fig, folder / f"pairs-{name}", f"pairs-{name}")
    confusion = confusion_figure(report)
    if confusion is not None:
        written += charts.write(confusion, folder / "confusions", "confusions")
    return written


def _environment():
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["svg"] = Markup  # matplotlib's own SVG output, which escapes the labels it holds
    return env
