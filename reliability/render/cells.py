"""How one figure reads in a table cell: percentages, coefficients, n/a with the reason."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Mapping

from ..figures.figure import Figure
from ..figures.registry import is_proportion

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

def percent(value: float) -> str:
    """A share as a percentage with one decimal, always: 0.74 → '74.0 %', 0.655 → '65.5 %'.

    >>> percent(0.74), percent(0.6553), percent(1.0)
    ('74.0 %', '65.5 %', '100.0 %')
    """
    return f"{value * 100:.1f} %"


def points(amount: float) -> str:
    """A difference of shares in percentage points, one decimal: 0.18 → '18.0 points'.

    >>> points(0.18), points(0.001)
    ('18.0 points', '0.1 points')
    """
    return f"{amount * 100:.1f} points"


def difference(name: str, amount: float) -> str:
    """A difference of figure ``name`` in its units: percentage points for shares, else a coefficient.

    >>> difference("shared_agreement", 0.18), difference("fleiss_kappa", 0.05)
    ('18.0 points', '0.050')
    """
    return points(amount) if is_proportion(name) else coefficient(amount)


def count(n: int) -> str:
    """A count with thousands separators.

    >>> count(100000), count(7)
    ('100,000', '7')
    """
    return f"{n:,}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """A count and its noun, singular for one.

    >>> plural(1, "unit"), plural(1500, "code"), plural(2, "match", "matches")
    ('1 unit', '1,500 codes', '2 matches')
    """
    return f"{count(n)} {word if n == 1 else (many or word + 's')}"


def interval(name: str, low: float | None, high: float | None) -> str:
    """An interval in the report's one notation: ``[low, high]``.

    >>> interval("cohen_kappa", 0.1, 0.25), interval("percent_agreement", 0.52, 0.526)
    ('[0.100, 0.250]', '[52.0 %, 52.6 %]')
    """
    shown = ["n/a" if bound is None else number(name, bound) for bound in (low, high)]
    return f"[{shown[0]}, {shown[1]}]"


class Footnotes:
    """Numbered notes under a table: why a figure is n/a, or why to read it with care.

    The same text gets the same number, so a table of many undefined figures
    stays as narrow as its numbers.

    >>> notes = Footnotes()
    >>> notes.mark("no variation"), notes.mark("3 units"), notes.mark("no variation")
    ('[1]', '[2]', '[1]')
    >>> notes.lines()
    ['[1] no variation', '[2] 3 units']
    """

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def mark(self, text: str) -> str:
        number = self._numbers.setdefault(text, len(self._numbers) + 1)
        return f"[{number}]"

    def lines(self) -> list[str]:
        return [f"[{n}] {text}" for text, n in self._numbers.items()]


def coefficient(value: float) -> str:
    """A chance-corrected coefficient with three decimals."""
    return f"{value:.3f}"


def number(name: str, value: float) -> str:
    """A value formatted as its figure is read."""
    return percent(value) if is_proportion(name) else coefficient(value)


def cell(name: str, figure: Figure | None, with_ci: bool = False, notes: Footnotes | None = None) -> str:
    """A figure as a table cell: the value, its interval if asked, or n/a with the reason.

    With ``notes`` the reason is a numbered footnote (``n/a [1]``), else it stands in the cell.
    """
    if figure is None:
        return ""
    if figure.value is None:
        if not figure.note:
            return "n/a"
        return f"n/a {notes.mark(figure.note)}" if notes is not None else f"n/a ({figure.note})"
    text = number(name, figure.value)
    if with_ci and figure.ci is not None:
        text += " " + interval(name, *figure.ci)
    return text


def plain(name: str, value: float | None) -> str:
    """An optional number (p_o, p_e, se) as a cell; empty when absent."""
    return "" if value is None else number(name, value)


def visible(text: str) -> str:
    r"""Text fit for a terminal: control characters in the data shown as ``\xNN``, not obeyed.

    A note could otherwise set the terminal's title or clear the screen. Format
    characters (Unicode category Cf: zero-width spaces, bidirectional overrides)
    are shown as ``\\uXXXX`` too: they are invisible, or make text read backwards.

    >>> visible("note \x1b[2J end")
    'note \\x1b[2J end'
    >>> visible("a\u200bb \u202eevil")
    'a\\u200bb \\u202eevil'
    >>> visible("café, naïve …")
    'café, naïve …'
    """
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda m: _shown_character(m.group()), text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.cache
def _shown_character(character: str) -> str:
    """A non-ASCII character as shown: escaped when it is a format character (Unicode category
    Cf) or a line or paragraph separator, else itself. Looked up per character met, not by a
    scan of every code point, which costs tens of milliseconds at start."""
    if unicodedata.category(character) in ("Cf", "Zl", "Zp"):
        code = ord(character)
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return character


def revision_lines(mapping: Mapping[str, str | None]) -> list[str]:
    """``New ← A + B`` for each new code, then the dropped codes."""
    sources: dict[str, list[str]] = {}
    for code, target in mapping.items():
        if target is not None:
            sources.setdefault(target, []).append(code)
    lines = [f"{target} ← {' + '.join(codes)}" for target, codes in sources.items()]
    return lines + [f"{code} dropped" for code, target in mapping.items() if target is None]
