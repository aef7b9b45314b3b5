"""How a text report is laid out: :class:`Style` (terminal or Markdown) and
:class:`Display` (which sections besides the figures). Every text renderer takes both."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tabulate import tabulate

if TYPE_CHECKING:
    from ..gate.diff import ReportDiff

SHOWN_UNITS = 25
"""Disagreeing units shown in a table or Markdown report unless ``--limit`` says otherwise."""


@dataclass(frozen=True)
class Display:
    """What a text or Markdown report shows besides the figures.

    Parameters
    ----------
    disagreements : bool
        Add where and why coders disagree: the units, confusions, bias and gaps.
    matrix : bool
        Add the code × code confusion matrix.
    limit : int
        Disagreeing units shown; 0 shows every one.
    what_if : ReportDiff, optional
        The figures before and after a codebook revision, for the HTML page's what-if comparison.
    """

    disagreements: bool = False
    matrix: bool = False
    limit: int = SHOWN_UNITS
    what_if: "ReportDiff | None" = None


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
