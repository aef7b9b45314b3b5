"""How coders' exports were read: one frozen :class:`ReadOptions`, from the command
line (or a library call) through the readers to the report's settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UNIT_MODES = ("segments", "paragraphs", "sentences", "characters", "coded-characters")
"""How coded spans of a document become units (``--units``).

* ``segments``: spans that overlap enough (``min_overlap`` of the shorter) join one unit (connected components);
* ``paragraphs`` / ``sentences``: each paragraph or sentence of the source text is a unit;
* ``characters``: each character of the documents is a unit (NVivo/QualCoder style);
* ``coded-characters``: each character that some coder coded is a unit.
"""

CRLF_MODES = ("auto", "one", "two")
"""How a REFI-QDA project's positions count a Windows line break (``\\r\\n``).

``two``: as two characters, as the REFI-QDA standard counts code points; ``one``: as
one character, as ATLAS.ti does; ``auto``: decided from the project (see
:mod:`reliability.readers.refi`).
"""


@dataclass(frozen=True)
class ReadOptions:
    """How to read coders' exports.

    Parameters
    ----------
    unit_col, coder_col, code_col, text_col, note_col : str or None
        Column names; None to detect them (``reliability.readers.options.COLUMN_NAMES``).
    code_sep : str
        Separator of several codes in one cell.
    encoding : str or None
        Text encoding; None reads UTF-8 (with or without BOM) and BOM-marked UTF-16.
    ignore_case : bool
        Fold the case of codes, so 'Hierarchy' and 'hierarchy' are one code.
    units : str or None
        For span exports (QDA programs): how spans become units, one of ``UNIT_MODES``.
        None: ``segments`` (``paragraphs`` for MAXQDA, whose positions are paragraphs).
        Inputs with unit ids (Dedoose excerpts, unit-id tables) need none.
    min_overlap : float
        With ``units="segments"``: share of the shorter span two spans must share to join one segment,
        in (0, 1]; default 0.5.
    crlf : str
        How REFI-QDA positions count a ``\\r\\n`` line break, one of ``CRLF_MODES``.
    """

    unit_col: str | None = None
    coder_col: str | None = None
    code_col: str | None = None
    text_col: str | None = None
    note_col: str | None = None
    code_sep: str = ";"
    encoding: str | None = None
    ignore_case: bool = False
    units: str | None = None
    min_overlap: float = 0.5
    crlf: str = "auto"

    def named(self, role: str) -> str | None:
        """The column the user named for a role, if any."""
        return getattr(self, f"{role}_col")

    def settings(self) -> dict[str, Any]:
        """The options that change what the figures are computed on, as the report's settings record them."""
        return {
            "code_sep": self.code_sep,
            "ignore_case": self.ignore_case,
            "units": self.units,
            "min_overlap": self.min_overlap,
            "crlf": self.crlf,
        }
