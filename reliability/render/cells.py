"""How one figure reads in a table cell: percentages, coefficients, n/a with the reason."""

from __future__ import annotations

import re

from ..figures.figure import Figure
from ..figures.registry import is_proportion

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

def percent(value: float) -> str:
    """A share as a percentage with at most one decimal: 0.74 → '74 %', 0.655 → '65.5 %'."""
    text = f"{value * 100:.1f}".removesuffix(".0")
    return f"{text} %"


def coefficient(value: float) -> str:
    """A chance-corrected coefficient with three decimals."""
    return f"{value:.3f}"


def number(name: str, value: float) -> str:
    """A value formatted as its figure is read."""
    return percent(value) if is_proportion(name) else coefficient(value)


def cell(name: str, figure: Figure | None, with_ci: bool = False) -> str:
    """A figure as a table cell: the value, its interval if asked, or 'n/a (reason)'."""
    if figure is None:
        return ""
    if figure.value is None:
        return f"n/a ({figure.note})" if figure.note else "n/a"
    text = number(name, figure.value)
    if with_ci and figure.ci is not None:
        text += f" [{number(name, figure.ci[0])}, {number(name, figure.ci[1])}]"
    return text


def plain(name: str, value: float | None) -> str:
    """An optional number (p_o, p_e, se) as a cell; empty when absent."""
    return "" if value is None else number(name, value)


def visible(text: str) -> str:
    r"""Text fit for a terminal: control characters in the data shown as ``\xNN``, not obeyed.

    A note could otherwise set the terminal's title or clear the screen.

    >>> visible("note \x1b[2J end")
    'note \\x1b[2J end'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
