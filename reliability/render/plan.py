"""The double-coding plan as text, Markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io

from ..figures.plan import Plan
from ..version import __version__
from .machine import dump_json


def render_plan(plan: Plan, fmt: str) -> str:
    """The plan: its advice first, then why, in the chosen format.

    Examples
    --------
    >>> from reliability.figures.plan import units_before_coding
    >>> print(render_plan(units_before_coding(0.8, 0.05, 0.25, 400), "table"), end="")
    Plan: double-code at least 139 units (34.8 % of your 400).
    Why: to show alpha >= 0.8 at p = 0.05 when the rarest category has probability 0.25 (Krippendorff, 2004, §11.4; Bloch & Kraemer, 1989).
    """
    if fmt == "json":
        return dump_json({"schema_version": 1, "tool": {"name": "reliability", "version": __version__},
                          "plan": plan.to_dict()})
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["units", "more", "total_units", "share", "method", "advice", "reason"])
        writer.writerow([plan.units, "" if plan.more is None else plan.more, plan.total_units or "",
                         "" if plan.share is None else f"{plan.share:.4f}", plan.method, plan.advice(), plan.reason])
        return buffer.getvalue()
    if fmt == "markdown":
        return f"**Plan:** {plan.advice()}.\n\n**Why:** {plan.reason}.\n"
    return f"Plan: {plan.advice()}.\nWhy: {plan.reason}.\n"
