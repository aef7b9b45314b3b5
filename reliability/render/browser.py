"""The disagreement browser's data: each disagreeing unit with what the page's filters need.

The page lists the units; its script filters them by disputed code, by a pair of
coders who differ, by coder and by text. So that the script only compares
strings, each unit carries its disputed codes, the pairs of coders whose sets
differ, and those coders.
"""

from __future__ import annotations

from typing import Any

from ..codings.model import UNCODED
from ..report import Report
from .disagreements import MISSING


def browser(report: Report, limit: int) -> dict[str, Any]:
    """The disagreeing units with what the page's filters need: disputed codes, differing pairs and coders."""
    d = report.disagreements
    coders = list(report.input.coders)
    if d is None:
        return {"units": [], "total": 0, "listed": 0, "codes": [], "pairs": [], "coders": coders}
    rows = d.rows(limit or None)
    units = []
    for row in rows:
        differing = _differing_pairs(row.codings)
        units.append(
            {
                "id": row.unit,
                "text": row.text or "",
                "contest": f"{row.contest:.2f}",
                "disputed": list(row.disputed),
                "agreed": list(row.agreed),
                "pairs": [f"{a}|{b}" for a, b in differing],
                "coders": sorted({c for pair in differing for c in pair}, key=coders.index),
                "codings": [
                    {
                        "coder": c.coder,
                        "codes": [(code, code in row.disputed) for code in c.codes] if c.codes else [],
                        "state": "missing" if c.codes is None else "uncoded" if not c.codes else "coded",
                        "uncoded_disputed": UNCODED in row.disputed,
                        "note": c.note or "",
                    }
                    for c in row.codings
                ],
            }
        )
    disputed_codes = sorted({code for u in units for code in u["disputed"]}, key=lambda c: (c == UNCODED, c.casefold()))
    pairs = sorted({p for u in units for p in u["pairs"]}, key=lambda p: [coders.index(c) for c in p.split("|")])
    return {
        "units": units,
        "total": d.total,
        "listed": len(d),
        "codes": disputed_codes,
        "pairs": [(p, p.replace("|", " – ")) for p in pairs],
        "coders": coders,
        "filter": {"code": d.code, "pair": d.pair},
        "missing": MISSING,
        "uncoded": UNCODED,
    }


def _differing_pairs(codings) -> list[tuple[str, str]]:
    """Pairs of coders who both coded the unit and whose code sets differ."""
    coded = [c for c in codings if c.codes is not None]
    return [
        (a.coder, b.coder)
        for k, a in enumerate(coded)
        for b in coded[k + 1:]
        if set(a.codes) != set(b.codes)
    ]
