"""Renderers: they only format what the report holds."""

from __future__ import annotations

from typing import Callable

from ..errors import UsageError
from ..report import Report
from .machine import render_csv, render_json
from .tables import render_text

RENDERERS: dict[str, Callable[[Report], str]] = {
    "table": render_text,
    "markdown": lambda report: render_text(report, markdown=True),
    "json": render_json,
    "csv": render_csv,
}
"""Output format name → function from report to text."""


def render(report: Report, fmt: str) -> str:
    """The report in one of ``RENDERERS``' formats."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(RENDERERS)}") from None
    return renderer(report)
