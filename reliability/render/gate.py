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
from ..figures.registry import is_proportion, title
from .cells import coefficient, number, percent, visible
from .machine import dump_json, write_csv
from .style import Style
from .tables import render_text

CHECK_CSV_COLUMNS = [
    "name", "kind", "section", "subject", "figure", "threshold", "value", "passed", "reason",
    "lower_bound", "baseline", "max_drop",
]
DIFF_CSV_COLUMNS = ["section", "subject", "figure", "before", "after", "change", "note"]

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, even escaped (a code name may contain them)."""


def render_checks(report: Report, checks: Sequence[Check], fmt: str) -> str:
    """The checks in one of the formats of ``CHECK_RENDERERS``."""
    try:
        renderer = CHECK_RENDERERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(CHECK_RENDERERS)}") from None
    return renderer(report, checks)


def checks_text(report: Report, checks: Sequence[Check], markdown: bool = False) -> str:
    """A verdict line and a table of checks; in Markdown, the full report follows, folded."""
    style = Style(markdown)
    bad = failed(checks)
    if bad:
        verdict = f"Reliability check failed: {len(bad)} of {_count(checks)} failed"
    else:
        verdict = f"Reliability check passed: {_count(checks)}"
    if markdown:
        verdict = ("❌ " if bad else "✅ ") + verdict
    rows = [[_subject(c), _threshold(c), _value(c), _verdict(c)] for c in checks]
    parts = [style.heading(verdict), style.table(rows, ["Check", "Threshold", "Value", "Verdict"])]
    if bad:
        parts.append(style.escape("Failed: " + "; ".join(c.subject for c in bad)))
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
        return f"{shown} dropped more than {_amount(check, check.max_drop or 0.0)} below the baseline {_number(check, check.baseline or 0.0)}"
    return f"{shown} is below the minimum {_number(check, check.threshold)}"


def _xml_text(text: str) -> str:
    return NOT_IN_XML.sub("\ufffd", text)


def _count(checks: Sequence[Check]) -> str:
    return f"{len(checks)} check{'s' if len(checks) != 1 else ''}"


def _subject(check: Check) -> str:
    return check.subject + (" (lower bound)" if check.lower_bound else "")


def _threshold(check: Check) -> str:
    text = f"≥ {_number(check, check.threshold)}"
    if check.kind == "baseline" and check.baseline is not None and check.max_drop is not None:
        text += f" (was {_number(check, check.baseline)}, may drop {_amount(check, check.max_drop)})"
    return text


def _value(check: Check) -> str:
    return "n/a" if check.value is None else _number(check, check.value)


def _verdict(check: Check) -> str:
    verdict = "pass" if check.passed else "FAIL"
    return f"{verdict}: {check.reason}" if check.reason else verdict


def _number(check: Check, value: float) -> str:
    return number(check.figure, value)


def _amount(check: Check, amount: float) -> str:
    """A difference in the figure's units: percentage points for shares."""
    return _points(amount) if is_proportion(check.figure) else coefficient(amount)


def _points(amount: float) -> str:
    """A difference of shares in percentage points: 0.18 → '18 points'."""
    return percent(amount).removesuffix(" %") + " points"


def render_diff(diff: ReportDiff, fmt: str) -> str:
    """A report diff in one of the formats of ``DIFF_RENDERERS``."""
    try:
        renderer = DIFF_RENDERERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(DIFF_RENDERERS)}") from None
    return renderer(diff)


def diff_text(diff: ReportDiff, markdown: bool = False) -> str:
    """Before/after tables: overall, per pair, per code."""
    style = Style(markdown)
    old, new = diff.old_input, diff.new_input
    parts = [
        style.heading(f"Before and after: {diff.old_name} → {diff.new_name}", 1),
        style.escape(
            f"before: {old['units']} units, {len(old['coders'])} coders, {len(old['codes'])} codes; "
            f"after: {new['units']} units, {len(new['coders'])} coders, {len(new['codes'])} codes"
        ),
    ]
    if diff.mapping:
        parts += [style.heading("Codes matched through the revision"), style.lines(_revision_lines(diff.mapping))]
    headings = {"overall": "All coders", "pair": "Pairs of coders", "code": "Per code"}
    firsts = {"overall": None, "pair": "Pair", "code": "Code"}
    for section, heading in headings.items():
        changes = diff.section(section)
        if not changes:
            continue
        first = firsts[section]
        rows = [([c.subject] if first else []) + [title(c.figure), *_before_after(c), c.note or ""] for c in changes]
        headers = ([first] if first else []) + ["Figure", "Before", "After", "Change", "Note"]
        parts += [style.heading(heading), style.table(rows, headers)]
    return visible("\n\n".join(parts) + "\n")


def _revision_lines(mapping: Mapping[str, str | None]) -> list[str]:
    """``New ← A + B`` for each new code, then the dropped codes."""
    sources: dict[str, list[str]] = {}
    for code, target in mapping.items():
        if target is not None:
            sources.setdefault(target, []).append(code)
    lines = [f"{target} ← {' + '.join(codes)}" for target, codes in sources.items()]
    return lines + [f"{code} dropped" for code, target in mapping.items() if target is None]


def _before_after(change: FigureChange) -> list[str]:
    shown = [number(change.figure, v) if v is not None else "n/a" for v in (change.before, change.after)]
    difference = change.change
    if difference is None:
        return shown + [""]
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    size = _points(abs(difference)) if is_proportion(change.figure) else coefficient(abs(difference))
    return shown + [f"{sign}{size}"]


def diff_json(diff: ReportDiff) -> str:
    return dump_json(diff.to_dict())


def diff_csv(diff: ReportDiff) -> str:
    rows = [[c.section, c.subject, c.figure, c.before, c.after, c.change, c.note] for c in diff.changes]
    return write_csv(DIFF_CSV_COLUMNS, rows)


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
