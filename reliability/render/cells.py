"""How one figure reads in a table cell: percentages, coefficients, n/a with the reason."""

from __future__ import annotations

import functools
import re
import unicodedata

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

    A note could otherwise set the terminal's title or clear the screen. Format
    characters (Unicode category Cf: zero-width spaces, bidirectional overrides)
    are shown as ``\\uXXXX`` too: they are invisible, or make text read backwards.

    >>> visible("note \x1b[2J end")
    'note \\x1b[2J end'
    >>> visible("a\u200bb \u202eevil")
    'a\\u200bb \\u202eevil'
    """
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if text.isascii():
        return text
    return _format_characters().sub(lambda m: _escaped(m.group()), text)


def _escaped(character: str) -> str:
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@functools.cache
def _format_characters() -> re.Pattern:
    """Every character of category Cf (and the line and paragraph separators), found once from Python's Unicode tables."""
    # Unicode puts format characters in planes 0, 1 and 14 only (the tags): look there.
    planes = (*range(0xA0, 0x20000), *range(0xE0000, 0xE1000))
    found = [chr(c) for c in planes if unicodedata.category(chr(c)) in ("Cf", "Zl", "Zp")]
    return re.compile("[" + "".join(re.escape(c) for c in found) + "]")
