"""Load the known-answer data in tests/reference/ (see its README.md) for tests."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from reliability.codings.model import Codings, from_sets

REFERENCE = Path(__file__).parent / "reference"


def load(name: str) -> Codings:
    """A long ``unit,coder,code`` CSV as Codings.

    An empty code means the coder coded the unit and applied no code (the empty
    set); a unit without a row for a coder is missing for that coder.
    """
    rows = pd.read_csv(REFERENCE / name, dtype=str, keep_default_na=False)
    data: dict[str, dict[str, set[str]]] = {}
    for unit, coder, code in rows[["unit", "coder", "code"]].itertuples(index=False):
        codes = data.setdefault(coder, {}).setdefault(unit, set())
        if code:
            codes.add(code)
    return from_sets(data)


def expected(name: str) -> dict:
    """The expected figures for one file, from expected.json."""
    return json.loads((REFERENCE / "expected.json").read_text())[name]
