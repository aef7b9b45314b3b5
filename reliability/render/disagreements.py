"""Where and why coders disagree, as text or Markdown sections: what a codebook meeting needs.

The sections only format what the report holds: the disagreeing units (text,
each coder's codes and notes), the codes coders confuse with the suggestions,
coder bias, codebook gaps, the code × code matrix, and the revision in force.
They take the table style of :mod:`reliability.render.style`, so one function
writes both the terminal and the Markdown form.
"""

from __future__ import annotations

from ..codings.model import UNCODED
from ..findings.disagreements import DisagreeingUnit
from ..report import Report
from .cells import percent
from .style import Display, Style

SHOWN_CONFUSIONS = 10
"""Confused pairs of codes shown in the ranking; JSON lists every pair."""
TEXT_CHARS = {False: 160, True: 400}
"""A unit's text is trimmed to this many characters: terminal, Markdown."""
NOTE_WIDTH = 60
"""Terminal column width at which notes wrap."""
MISSING = "—"
"""How a coder who never coded a unit shows in a table."""


def where_and_why(report: Report, style: Style, display: Display) -> list[str]:
    """The sections a codebook meeting works from, in reading order."""
    parts: list[str] = []
    if display.disagreements:
        parts += [
            style.heading("Where and why coders disagree", 1),
            style.heading("Disagreeing units, most contested first"),
            disagreeing_units(report, style, display.limit),
            style.heading("Codes that stand in for each other"),
            confusions(report, style),
            style.heading("Coder bias"),
            bias(report, style),
            style.heading("Codebook gaps"),
            gaps(report, style),
        ]
    if display.matrix:
        parts += [style.heading("Code confusion matrix"), matrix(report, style)]
    return parts


def revision(report: Report, style: Style) -> str:
    """The mapping in force, so nobody mistakes revised figures for the coders' own."""
    r = report.revision
    if r is None:
        return ""
    lines = [
        f"Every figure is computed as if the codebook had been revised ({'; '.join(r.steps)}): "
        f"{len(r.codes_before)} codes → {len(r.codes_after())}."
    ]
    return style.lines(lines + r.describe())


def hint(report: Report, style: Style) -> str:
    """One line that says how many units disagree and how to see them."""
    summary = report.disagreement_summary()
    if not summary["units"]:
        return ""
    return style.lines(
        [f"{summary['units']} of {summary['of_units']} units disagree; add --disagreements to see where and why (units, confused codes, bias, gaps)."]
    )


def disagreeing_units(report: Report, style: Style, limit: int) -> str:
    d = report.disagreements
    if d is None or len(d) == 0:
        return style.lines(["No disagreeing unit matches the filter." if d is not None and d.total else "The coders agree on every unit."])
    rows = d.rows(limit or None)
    summary = d.summary()
    intro = [f"{d.total} of {summary['of_units']} units disagree (the coders' code sets are not all identical)."]
    filters = []
    if d.code:
        filters.append(f"'{d.code}' is disputed")
    if d.pair:
        filters.append(f"{d.pair[0]} and {d.pair[1]} differ")
    if filters:
        intro.append(f"Listing the {len(d)} where {' and '.join(filters)}.")
    if len(rows) < len(d):
        intro.append(
            f"Showing the {len(rows)} most contested of {len(d)}; --limit 0 shows all, --format csv or json lists all."
        )
    intro.append("Contest: 1 − mean Jaccard similarity of the coders' code sets (1: no two coders share a code).")
    return "\n\n".join([style.lines(intro)] + [_unit(row, style) for row in rows])


def _unit(row: DisagreeingUnit, style: Style) -> str:
    table = style.table(
        [[c.coder, _codes(c.codes), c.note or ""] for c in row.codings],
        ["Coder", "Codes", "Note"],
        widths=[None, None, NOTE_WIDTH],
    )
    parts = [
        style.heading(f"{row.unit} · contest {row.contest:.2f}", 3),
        style.lines([f"Disputed: {', '.join(row.disputed)}"]),
    ]
    if row.text:
        parts.append(style.quote(trim(row.text, TEXT_CHARS[style.markdown])))
    parts.append(table)
    return "\n\n".join(parts) if style.markdown else "\n".join(parts)


def confusions(report: Report, style: Style) -> str:
    c = report.confusions
    if c is None or not c.pairs:
        return style.lines(["No two codes were used in place of each other."])
    shown = c.pairs[:SHOWN_CONFUSIONS]
    rows = [
        [
            str(rank),
            f"{p.codes[0]} ↔ {p.codes[1]}",
            str(p.n_units),
            percent(p.share),
            _examples(p.units, p.n_units),
            f"{p.by_coders[0].first} ↔ {p.by_coders[0].second} ({p.by_coders[0].n_units})" if p.by_coders else "",
        ]
        for rank, p in enumerate(shown, start=1)
    ]
    parts = [
        style.lines(
            [
                "Units where one coder applied the first code and not the second while another applied "
                "the second and not the first; share: of the units where anyone applied either code."
            ]
            + ([f"The {len(shown)} most confused of {len(c.pairs)} pairs; JSON lists all."] if len(shown) < len(c.pairs) else [])
        ),
        # In a narrow terminal the example units and the dominant pair of coders go
        # first: the suggestions below name both.
        style.table(rows, ["#", "Codes", "Units", "Share", "Where", "Mostly (coders)"], secondary=((4,), (5,))),
    ]
    suggestions = c.suggestions()
    if suggestions:
        parts.append(style.heading("Suggestions", 3))
        parts.append(
            style.bullets(
                [
                    (
                        pair.suggestion or "",
                        [f"{code}: {text or '(no definition)'}" for code, text in zip(pair.codes, pair.definitions or ())],
                    )
                    for pair in suggestions
                ]
            )
        )
    return "\n\n".join(parts)


def bias(report: Report, style: Style) -> str:
    b = report.bias
    if b is None:
        return ""
    lines = [flag.text for flag in b.flags] or ["No coder applies a code far more or far less often than the others."]
    lines.append(
        "Flagged: the highest (or lowest) rate of all coders, at least twice (or at most half) the others', "
        "and McNemar's exact test significant (p < 0.05) against some other coder."
    )
    parts = [style.lines(lines)]
    if b.stuart_maxwell:
        rows = [
            [
                f"{t.coders[0]} – {t.coders[1]}",
                str(t.n_units),
                "n/a" if t.statistic is None else f"{t.statistic:.2f}",
                str(t.df),
                f"n/a ({t.note})" if t.p_value is None else f"{t.p_value:.3f}",
            ]
            for t in b.stuart_maxwell
        ]
        parts.append(style.lines(["Stuart–Maxwell test: do the two coders use the codes in the same proportions?"]))
        parts.append(style.table(rows, ["Pair", "Units", "χ²", "df", "p"]))
    return "\n\n".join(parts)


def gaps(report: Report, style: Style) -> str:
    g = report.gaps
    if g is None:
        return ""
    return style.lines(g.findings() or ["No gaps: every unit got a code and every code was used by several coders."])


def matrix(report: Report, style: Style) -> str:
    c = report.confusions
    if c is None or not c.codes:
        return ""
    numbers = [str(i) for i in range(1, len(c.codes) + 1)]
    rows = [
        [f"{numbers[x]} {code}"]
        + ["·" if x == y else (str(int(c.matrix[x, y])) if c.matrix[x, y] else "") for y in range(len(c.codes))]
        for x, code in enumerate(c.codes)
    ]
    legend = style.lines(["Units where the row's code and the column's stood in for each other; columns are numbered as the rows."])
    return legend + "\n\n" + style.table(rows, ["Code"] + numbers)


def trim(text: str, limit: int) -> str:
    """Text cut at a word boundary before ``limit`` characters, with an ellipsis when cut.

    >>> trim("Decisions are made in the meeting", 20)
    'Decisions are made …'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + " …"


def _codes(codes: tuple[str, ...] | None) -> str:
    if codes is None:
        return MISSING
    return "; ".join(codes) if codes else UNCODED


def _examples(units: tuple[str, ...], total: int, shown: int = 6) -> str:
    more = ", …" if total > min(shown, len(units)) else ""
    return ", ".join(units[:shown]) + more
