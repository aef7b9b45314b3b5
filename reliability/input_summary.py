"""What a report says about its input: dimensions, and where every input row went.

Nothing is dropped silently (DESIGN §2): every row read is used or counted as
ignored with a reason, located by file and row where the reader knows them, and
each file names the column or element used as unit, coder, code and text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .codings.model import Codings, Source

MISSING_SHOWN = 5
"""How many missing units a report names per coder."""


@dataclass(frozen=True)
class InputSummary:
    """What was read: the table's dimensions and where every row went."""

    units: int
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    multi_label: bool
    rows_read: int
    rows_used: int
    ignored: tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...]
    """(reason, rows, the first few as (file, row)) per reason rows were ignored."""
    missing: dict[str, tuple[int, tuple[str, ...]]]
    """Per coder: how many units the coder never coded, and the first few."""
    sources: tuple[Source, ...]
    """Each file: how it was read, its rows, and the column or element used as unit, coder, code and text."""
    notices: tuple[str, ...]

    def warnings(self) -> list[str]:
        """What a user must know about the input: ignored rows, missing units, notices."""
        lines = [f"ignored {n:,} row{'s' if n != 1 else ''}: {reason}{_located(n, at)}" for reason, n, at in self.ignored]
        for coder, (count, first) in self.missing.items():
            more = ", …" if count > len(first) else ""
            lines.append(
                f"{coder} did not code {count:,} of {self.units:,} unit{'s' if self.units != 1 else ''}: "
                f"{', '.join(first)}{more}"
            )
        return lines + list(self.notices)

    def to_dict(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "coders": list(self.coders),
            "codes": list(self.codes),
            "multi_label": self.multi_label,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "ignored": [
                {"reason": r, "rows": n, "rows_at": [{"file": f, "row": row} for f, row in at]} for r, n, at in self.ignored
            ],
            "missing": {c: {"count": n, "first": list(first)} for c, (n, first) in self.missing.items()},
            "sources": [
                {"file": s.path, "shape": s.shape, "rows": s.rows, "format": s.shape, **s.roles()}
                for s in self.sources
            ],
            "notices": list(self.notices),
        }


def summarise_input(codings: Codings) -> InputSummary:
    """Dimensions, accounting and missing units of a coding."""
    acc = codings.accounting
    not_coded = ~codings.seen
    counts = not_coded.sum(axis=0)
    # Only the first few units are named: no tuple of every missing unit's name per coder.
    missing = {
        coder: (int(counts[c]), tuple(codings.units[u] for u in np.flatnonzero(not_coded[:, c])[:MISSING_SHOWN]))
        for c, coder in enumerate(codings.coders)
        if counts[c]
    }
    return InputSummary(
        units=codings.n_units,
        coders=codings.coders,
        codes=codings.codes,
        multi_label=codings.multi_label,
        rows_read=acc.rows_read,
        rows_used=acc.rows_used,
        ignored=tuple((i.reason, i.rows, i.rows_at) for i in acc.ignored),
        missing=missing,
        sources=acc.sources,
        notices=acc.notices,
    )


def _located(n: int, at: tuple[tuple[str, int], ...]) -> str:
    """Where ignored rows are: `` (KO.csv row 4, 9; lead.csv row 2, …)``; empty when not located."""
    if not at:
        return ""
    by_file: dict[str, list[str]] = {}
    for path, row in at:
        by_file.setdefault(path, []).append(str(row))
    where = "; ".join(f"{path} row{'s' if len(rows) > 1 else ''} {', '.join(rows)}" for path, rows in by_file.items())
    return f" ({where}{', …' if n > len(at) else ''})"
