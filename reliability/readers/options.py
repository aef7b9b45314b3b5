"""Column names every table reader recognises. The options themselves are
:class:`reliability.codings.options.ReadOptions`: the report records them."""

from __future__ import annotations


COLUMN_NAMES = {
    "unit": ("unit", "unit_id", "segment", "segment_id", "section", "section_id", "excerpt", "excerpt_id", "item", "id",
             "subject", "subject_id"),  # irr / irrCAC call units subjects
    "coder": ("coder", "rater", "annotator", "user", "coder_id", "rater_id", "annotator_id"),
    "code": ("code", "codes", "category", "categories", "label", "labels", "rating", "ratings", "diagnosis"),
    "text": ("text", "segment_text", "excerpt_text"),
    "note": ("note", "notes", "memo", "memos", "comment", "comments"),
}
"""Column names recognised for each role, in order of preference (compared case-insensitively)."""

CODE_COLUMNS = ("code", "name", "category", "label", "codes", "tag", "code_name")
DEFINITION_COLUMNS = ("definition", "description", "meaning", "memo", "desc")
"""A codebook table's code and definition columns, in order of preference: what ``--codebook``
reads, and what marks a table among the inputs as a codebook rather than a coder's file."""
