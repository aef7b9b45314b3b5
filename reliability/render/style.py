"""How a text report is laid out: :class:`Style` (terminal or Markdown) and
:class:`Display` (which sections besides the figures). Every text renderer takes both."""

from __future__ import annotations

import contextlib
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator


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
    width : int or None
        Columns of the terminal the text must fit: wide tables leave out their
        secondary columns (and say which) or wrap, prose wraps. None (the default,
        and what the command line passes for piped output without ``COLUMNS`` or
        with ``--wide``) lays tables out at their natural width.
    """

    disagreements: bool = False
    matrix: bool = False
    limit: int = SHOWN_UNITS
    what_if: "ReportDiff | None" = None
    width: int | None = None


PROSE_WIDTH = 100
"""Where prose (suggestions, quotes) wraps when no terminal width is given."""
NARROWEST_COLUMN = 8
"""A table column is never wrapped narrower than this to fit the terminal."""


class Style:
    """Plain text or Markdown: headings, tables and escaping differ, nothing else.

    Parameters
    ----------
    markdown : bool
    width : int or None
        The terminal's width in columns (plain text only); None: no limit.
    """

    def __init__(self, markdown: bool, width: int | None = None) -> None:
        self.markdown = markdown
        self.width = None if markdown else width

    @classmethod
    def of(cls, markdown: bool, display: Display | None) -> "Style":
        """The style a report's ``display`` asks for."""
        return cls(markdown, display.width if display is not None else None)

    @property
    def prose_width(self) -> int:
        return self.width or PROSE_WIDTH

    def heading(self, text: str, level: int = 2) -> str:
        if self.markdown:
            return "#" * level + " " + self.escape(text)
        lines = textwrap.wrap(text, self.width, break_on_hyphens=False) if self.width is not None else [text]
        if level > 2:
            return "\n".join(lines)
        return "\n".join(lines) + "\n" + ("=" if level == 1 else "-") * max(len(line) for line in lines)

    def table(
        self,
        rows: list[list[str]],
        headers: list[str],
        widths: list[int | None] | None = None,
        secondary: tuple[tuple[int, ...], ...] = (),
    ) -> str:
        """A table; in the terminal, columns with a width wrap at it, and the table fits :attr:`width`.

        Parameters
        ----------
        rows : list of list of str
        headers : list of str
        widths : list of int or None, optional
            Per column, the width at which its cells wrap in the terminal.
        secondary : tuple of tuple of int
            Groups of column indices the terminal may leave out, first group first,
            when the table is wider than :attr:`width`; a line under the table names
            what was left out. Columns then wrap, widest first, down to
            ``NARROWEST_COLUMN``.
        """
        if self.markdown:
            rows = [[self.escape(c) for c in row] for row in rows]
            headers = [self.escape(h) for h in headers]
            from tabulate import tabulate  # here: JSON and CSV output never load it

            return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)
        widths = list(widths) if widths is not None else [None] * len(headers)
        text = self._simple(rows, headers, widths)
        if self.width is None or _widest(text) <= self.width:
            return text
        kept = list(range(len(headers)))
        left_out: list[str] = []
        for group in secondary:
            kept = [i for i in kept if i not in group]
            left_out += [headers[i] for i in group]
            text = self._simple([[row[i] for i in kept] for row in rows], [headers[i] for i in kept], [widths[i] for i in kept])
            if _widest(text) <= self.width:
                break
        rows = [[row[i] for i in kept] for row in rows]
        headers = [headers[i] for i in kept]
        text = self._wrapped(rows, headers, [widths[i] for i in kept], self.width)
        if left_out:
            text += "\n" + self.wrap(f"Left out to fit {self.width} columns: {', '.join(left_out)}; --wide shows them.")
        return text

    def _simple(self, rows: list[list[str]], headers: list[str], widths: list[int | None]) -> str:
        import tabulate as tabulate_module
        from tabulate import tabulate

        maxcolwidths = widths if any(w is not None for w in widths) else None
        with _header_padding(0 if self.width is not None else tabulate_module.MIN_PADDING):
            return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True, maxcolwidths=maxcolwidths)

    def _wrapped(self, rows: list[list[str]], headers: list[str], widths: list[int | None], limit: int) -> str:
        """The table with its widest columns wrapped until it fits, as far as ``NARROWEST_COLUMN`` allows."""
        natural = [
            max([len(line) for cell in [h, *(row[i] for row in rows)] for line in str(cell).splitlines()] or [0])
            for i, h in enumerate(headers)
        ]
        widths = [min(w, n) if w is not None else n for w, n in zip(widths, natural)]
        text = self._simple(rows, headers, widths)
        while _widest(text) > limit:
            widest = max(range(len(widths)), key=lambda i: widths[i])
            if widths[widest] <= NARROWEST_COLUMN:
                break
            widths[widest] = max(NARROWEST_COLUMN, widths[widest] - (_widest(text) - limit))
            text = self._simple(rows, headers, widths)
        return text

    def wrap(self, text: str, indent: str = "", subsequent: str | None = None) -> str:
        """Prose wrapped at the terminal's width (unwrapped when there is none)."""
        if self.width is None:
            return indent + text
        return textwrap.fill(
            text, width=self.width, initial_indent=indent,
            subsequent_indent=indent + "  " if subsequent is None else subsequent,
            break_on_hyphens=False,
        )

    def quote(self, text: str) -> str:
        """A passage of the data (a unit's text), set off from the report's own words."""
        if self.markdown:
            return "> " + self.escape(text)
        return textwrap.fill(f"“{text}”", width=self.prose_width, initial_indent="  ", subsequent_indent="  ")

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
                width = self.prose_width
                out.append(textwrap.fill(text, width=width, initial_indent="  ", subsequent_indent="    "))
                out += [textwrap.fill(sub, width=width, initial_indent="      ", subsequent_indent="        ") for sub in subitems]
        return "\n".join(out)

    def lines(self, items: list[str]) -> str:
        """One line per item (a Markdown list); in the terminal, long items wrap at :attr:`width`."""
        if self.markdown:
            return "\n".join("- " + self.escape(i) for i in items)
        return "\n".join(self.wrap(i, "  ", "    ") for i in items)


@contextlib.contextmanager
def _header_padding(padding: int) -> Iterator[None]:
    """tabulate widens every column to its header plus ``MIN_PADDING`` (2) spaces; a
    terminal that must fit keeps those columns, so the padding goes while fitting.
    tabulate has only the module setting for it, hence set and restored here."""
    import tabulate as tabulate_module

    before = tabulate_module.MIN_PADDING
    tabulate_module.MIN_PADDING = padding
    try:
        yield
    finally:
        tabulate_module.MIN_PADDING = before


def _widest(text: str) -> int:
    """The longest line of a text, in characters."""
    return max((len(line) for line in text.splitlines()), default=0)
