"""Renderers: they only format what the report holds.

JSON always holds every section. Text and Markdown add the sections that
:class:`~reliability.render.style.Display` asks for. CSV writes one table:
the figures, the disagreement list (``--disagreements``) or the confusion matrix
(``--matrix``).
"""

from __future__ import annotations

from typing import Callable

from ..errors import UsageError
from ..report import Report
from .style import Display


def _csv(report: Report, display: Display) -> str:
    from .machine import render_csv, render_disagreements_csv, render_matrix_csv

    if display.disagreements and display.matrix:
        raise UsageError("--format csv writes one table: give --disagreements or --matrix, not both")
    if display.disagreements:
        return render_disagreements_csv(report)
    if display.matrix:
        return render_matrix_csv(report)
    return render_csv(report)


def _text(report: Report, display: Display, markdown: bool = False) -> str:
    from .tables import render_text  # here: JSON and CSV output need none of the tables' modules

    return render_text(report, markdown=markdown, display=display)


def _json(report: Report, display: Display) -> str:
    from .machine import render_json  # here: the tables need none of the machine formats

    return render_json(report)


def _html(report: Report, display: Display) -> str:
    from .html import render_html  # Jinja2 and matplotlib load only for the page

    return render_html(report, display)


RENDERERS: dict[str, Callable[[Report, Display], str]] = {
    "table": _text,
    "markdown": lambda report, display: _text(report, display, markdown=True),
    "json": _json,
    "csv": _csv,
    "html": _html,
}
"""Output format name → function from report and display choices to text."""


def render(report: Report, fmt: str, display: Display | None = None) -> str:
    """The report in one of ``RENDERERS``' formats, with the sections ``display`` asks for.

    Raises
    ------
    UsageError
        An unknown format, or CSV asked for both the disagreement list and the matrix.
    """
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(RENDERERS)}") from None
    return renderer(report, display or Display())
