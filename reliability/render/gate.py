"""The CI gate's results as text, Markdown, JSON, CSV and JUnit XML; and report diffs.

Renderers only format: the checks come from :func:`reliability.gate.thresholds.evaluate`,
the diffs from :func:`reliability.gate.diff.diff_reports`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Callable, Mapping, Sequence

from ..gate.thresholds import Check, failed
from ..gate.diff import FigureChange, ReportDiff
from ..errors import UsageError
from ..report import Report
from ..figures.registry import title
from .cells import Footnotes, difference, number, plural, revision_lines, visible
from .machine import dump_json, write_csv
from .style import Style
from .tables import render_text

CHECK_CSV_COLUMNS = [
    "name", "kind", "section", "subject", "figure", "threshold", "value", "passed", "reason",
    "lower_bound", "baseline", "max_drop",
]
DIFF_CSV_COLUMNS = ["section", "subject", "figure", "title", "before", "after", "change", "note"]
DIFF_DECIMALS = 6
"""Decimals of the diff CSV's numbers: past float noise (0.1 − 0.12 = −0.020000000000000004), well past any shown figure."""

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, even escaped (a code name may contain them)."""


def render_checks(report: Report, checks: Sequence[Check], fmt: str, width: int | None = None) -> str:
    """The checks in one of the formats of ``CHECK_RENDERERS``; text fits ``width`` columns when given."""
    if fmt == "table":
        return checks_text(report, checks, width=width)
    try:
        renderer = CHECK_RENDERERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(CHECK_RENDERERS)}") from None
    return renderer(report, checks)


def checks_text(report: Report, checks: Sequence[Check], markdown: bool = False, width: int | None = None) -> str:
    """A verdict line and a table of checks; in Markdown, the full report follows, folded.

    Why a value is missing goes to a numbered footnote; the baseline a check
    compares with has its own column, the first to go in a narrow terminal.
    """
    style = Style(markdown, width)
    bad = failed(checks)
    if bad:
        verdict = f"Reliability check failed: {len(bad)} of {_count(checks)} failed"
    else:
        verdict = f"Reliability check passed: {_count(checks)}"
    if markdown:
        verdict = ("❌ " if bad else "✅ ") + verdict
    notes = Footnotes()
    rows = [[_subject(c), _threshold(c), _value(c), _verdict(c, notes), _baseline(c)] for c in checks]
    headers = ["Check", "Minimum", "Value", "Verdict", "Baseline"]
    if not any(row[-1] for row in rows):
        headers.pop()
        rows = [row[:-1] for row in rows]
    secondary = ((4,),) if len(headers) == 5 else ()
    parts = [style.heading(verdict), style.table(rows, headers, secondary=secondary)]
    below = notes.lines()
    if len(headers) == 5:
        below.insert(0, "Baseline: the figure in the baseline report, and the drop allowed below it.")
    if below:
        parts.append(style.lines(below))
    if bad:
        failed_line = "Failed: " + "; ".join(c.subject for c in bad)
        parts.append(style.escape(failed_line) if markdown else style.wrap(failed_line))
    if markdown:
        parts.append("<details><summary>Full report</summary>\n\n" + render_text(report, markdown=True) + "\n</details>")
    return visible("\n\n".join(parts) + "\n")


def checks_json(report: Report, checks: Sequence[Check]) -> str:
    """The report's JSON document (DESIGN §4) with its ``checks`` section filled in."""
    return dump_json({**report.to_dict(), "checks": [c.to_dict() for c in checks]})


def checks_csv(report: Report, checks: Sequence[Check]) -> str:
    """One row per check, safe to open in a spreadsheet."""
    return write_csv(CHECK_CSV_COLUMNS, [[c.to_dict()[column] for column in CHECK_CSV_COLUMNS] for c in checks])


CHECK_RENDERERS: dict[str, Callable[[Report, Sequence[Check]], str]] = {
    "table": checks_text,
    "markdown": lambda report, checks: checks_text(report, checks, markdown=True),
    "json": checks_json,
    "csv": checks_csv,
}
"""Output format name → function from report and checks to text."""


def render_junit(checks: Sequence[Check], suite: str = "reliability check") -> str:
    """JUnit XML: one test case per check, a failure element for each failed one.

    >>> from reliability.gate.thresholds import Check
    >>> check = Check(name="overall.jaccard >= 0.5", kind="minimum", section="overall", subject="overall.jaccard",
    ...               figure="jaccard", threshold=0.5, value=0.4, passed=False)
    >>> xml = render_junit([check])
    >>> '<failure message="0.400 is below the minimum 0.500"' in xml
    True
    """
    bad = len(failed(checks))
    counts = {"tests": str(len(checks)), "failures": str(bad), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": "reliability", **counts})
    suite_element = ET.SubElement(root, "testsuite", {"name": suite, **counts})
    for check in checks:
        case = ET.SubElement(
            suite_element,
            "testcase",
            {"classname": f"reliability.{check.kind}.{check.section.replace(' ', '_')}", "name": _xml_text(check.name)},
        )
        if not check.passed:
            message = _xml_text(_failure(check))
            failure = ET.SubElement(case, "failure", {"message": message, "type": check.kind})
            failure.text = message
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _failure(check: Check) -> str:
    """Why a check failed, in one line."""
    if check.value is None:
        return check.reason or "no value"
    shown = _number(check, check.value)
    if check.kind == "baseline":
        return f"{shown} dropped more than {difference(check.figure, check.max_drop or 0.0)} below the baseline {_number(check, check.baseline or 0.0)}"
    return f"{shown} is below the minimum {_number(check, check.threshold)}"


def _xml_text(text: str) -> str:
    return NOT_IN_XML.sub("\ufffd", text)


def _count(checks: Sequence[Check]) -> str:
    return plural(len(checks), "check")


def _subject(check: Check) -> str:
    return check.subject + (" (lower bound)" if check.lower_bound else "")


def _threshold(check: Check) -> str:
    return f"≥ {_number(check, check.threshold)}"


def _baseline(check: Check) -> str:
    """For a baseline check: the old value and the drop allowed below it."""
    if check.kind != "baseline" or check.baseline is None or check.max_drop is None:
        return ""
    return f"{_number(check, check.baseline)} − {difference(check.figure, check.max_drop)}"


def _value(check: Check) -> str:
    return "n/a" if check.value is None else _number(check, check.value)


def _verdict(check: Check, notes: Footnotes) -> str:
    verdict = "pass" if check.passed else "FAIL"
    return f"{verdict} {notes.mark(check.reason)}" if check.reason else verdict


def _number(check: Check, value: float) -> str:
    return number(check.figure, value)


def render_diff(diff: ReportDiff, fmt: str, width: int | None = None) -> str:
    """A report diff in one of the formats of ``DIFF_RENDERERS``; text fits ``width`` columns when given."""
    if fmt == "table":
        return diff_text(diff, width=width)
    try:
        renderer = DIFF_RENDERERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(DIFF_RENDERERS)}") from None
    return renderer(diff)


def diff_text(diff: ReportDiff, markdown: bool = False, width: int | None = None) -> str:
    """Before/after tables: overall, per pair, per code; the warnings first."""
    style = Style(markdown, width)
    old, new = diff.old_input, diff.new_input
    parts = [
        style.heading(f"Before and after: {diff.old_name} → {diff.new_name}", 1),
        style.lines([
            f"before: {_sizes(old)}; after: {_sizes(new)}",
            *(f"warning: {line}" for line in diff.warnings()),
        ]),
    ]
    if diff.mapping:
        parts += [style.heading("Codes matched through the revision"), style.lines(revision_lines(diff.mapping))]
    headings = {"overall": "All coders", "pair": "Pairs of coders", "code": "Per code"}
    firsts = {"overall": None, "pair": "Pair", "code": "Code"}
    for section, heading in headings.items():
        changes = diff.section(section)
        if not changes:
            continue
        first = firsts[section]
        notes = Footnotes()
        rows = [
            ([c.subject] if first else []) + [title(c.figure), *_before_after(c), notes.mark(c.note) if c.note else ""]
            for c in changes
        ]
        headers = ([first] if first else []) + ["Figure", "Before", "After", "Change", "Note"]
        parts += [style.heading(heading), style.table(rows, headers)]
        if notes.lines():
            parts.append(style.lines(notes.lines()))
    return visible("\n\n".join(parts) + "\n")


def _sizes(side: Mapping) -> str:
    return (
        f"{plural(side['units'] or 0, 'unit')}, {plural(len(side['coders']), 'coder')}, "
        f"{plural(len(side['codes']), 'code')}"
    )


def _before_after(change: FigureChange) -> list[str]:
    shown = [number(change.figure, v) if v is not None else "n/a" for v in (change.before, change.after)]
    moved = change.change
    if moved is None:
        return shown + [""]
    sign = "+" if moved > 0 else "−" if moved < 0 else "±"
    return shown + [f"{sign}{difference(change.figure, abs(moved))}"]


def diff_json(diff: ReportDiff) -> str:
    return dump_json(diff.to_dict())


def diff_csv(diff: ReportDiff) -> str:
    """One row per figure: the JSON name and the title, values rounded to ``DIFF_DECIMALS``."""
    rows = [
        [c.section, c.subject, c.figure, title(c.figure), _rounded(c.before), _rounded(c.after), _rounded(c.change), c.note]
        for c in diff.changes
    ]
    return write_csv(DIFF_CSV_COLUMNS, rows)


def _rounded(value: float | None) -> float | None:
    """A value without float noise: ``-0.020000000000000004`` → ``-0.02``.

    >>> _rounded(0.1 - 0.12), _rounded(None)
    (-0.02, None)
    """
    return None if value is None else round(value, DIFF_DECIMALS) + 0.0  # + 0.0: no "-0.0" in the file


def diff_html(diff: ReportDiff) -> str:
    from .html import render_diff_html  # Jinja2 and matplotlib load only for the page

    return render_diff_html(diff)


DIFF_RENDERERS: dict[str, Callable[[ReportDiff], str]] = {
    "table": diff_text,
    "markdown": lambda diff: diff_text(diff, markdown=True),
    "json": diff_json,
    "csv": diff_csv,
    "html": diff_html,
}
"""Output format name → function from diff to text."""
