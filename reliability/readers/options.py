"""Options every reader shares."""

from __future__ import annotations

from dataclasses import dataclass

COLUMN_NAMES = {
    "unit": ("unit", "unit_id", "segment", "segment_id", "section", "section_id", "excerpt", "excerpt_id", "item", "id"),
    "coder": ("coder", "rater", "annotator", "user", "coder_id", "rater_id", "annotator_id"),
    "code": ("code", "codes", "category", "categories", "label", "labels"),
    "text": ("text", "segment_text", "excerpt_text"),
    "note": ("note", "notes", "memo", "memos", "comment", "comments"),
}
"""Column names recognised for each role, in order of preference (compared case-insensitively)."""


UNIT_MODES = ("segments", "paragraphs", "sentences", "characters")
"""How coded spans of a document become units (``--units``)."""


@dataclass(frozen=True)
class ReadOptions:
    """How to read coders' exports.

    Parameters
    ----------
    unit_col, coder_col, code_col, text_col, note_col : str or None
        Column names; None to detect from ``COLUMN_NAMES``.
    code_sep : str
        Separator of several codes in one cell.
    encoding : str or None
        Text encoding; None reads UTF-8 (with or without BOM) and BOM-marked UTF-16.
    ignore_case : bool
        Fold the case of codes, so 'Hierarchy' and 'hierarchy' are one code.
    units : str or None
        For span exports (QDA programs): how spans become units, one of ``UNIT_MODES``;
        None when the input has unit ids.
    min_overlap : float
        With ``units="segments"``: share of the longer span two spans must share to match.
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

    def named(self, role: str) -> str | None:
        """The column the user named for a role, if any."""
        return getattr(self, f"{role}_col")
