"""Notices about the combined table: what the report should say about names and rows it combined.

* names that trimming or Unicode composition made one (``'U1'`` and ``' U1'``);
* names kept apart that differ only in case or leading zeros (``U1``/``u1``, ``007``/``7``);
* a coder found in several files, whose rows were combined;
* a wide file giving one coder several different rows for one unit.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from .natural import natural_key, natural_sorted
from .rows import Rows

SHOWN = 3
"""How many examples a notice names."""


def _count(n: int, noun: str) -> str:
    """``1 unit``, ``2 units``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _examples(groups: list[str]) -> str:
    more = f" (and {len(groups) - SHOWN} more)" if len(groups) > SHOWN else ""
    return ", ".join(groups[:SHOWN]) + more


def respelling_notices(inputs: list[Rows]) -> list[str]:
    """Names that trimming made one: ``'U1'`` and ``' U1'`` in the files are one unit."""
    notices = []
    for role, what in (("unit", "unit ids"), ("coder", "coder names"), ("code", "codes")):
        spellings: dict[str, set[str]] = {}
        for rows in inputs:
            mine = rows.respellings[rows.respellings["role"] == role]
            for value, raw in zip(mine["value"], mine["raw"]):
                spellings.setdefault(value, set()).add(raw)
        if not spellings:
            continue
        # A file without respellings of a value writes it as it is.
        for rows in inputs:
            respelled_here = set(rows.respellings.loc[rows.respellings["role"] == role, "value"])
            for value in set(spellings).intersection(_names_in(rows, role)) - respelled_here:
                spellings[value].add(value)
        merged = [
            " = ".join(_spelling(s) for s in sorted(spellings[value]))
            for value in natural_sorted(spellings)
            if len(spellings[value]) > 1
        ]
        if merged:
            notices.append(
                f"{what} that differ only in surrounding spaces or in their Unicode form (composed to NFC) "
                f"were taken as one: {_examples(merged)}"
            )
    return notices


def _spelling(value: str) -> str:
    """A spelling quoted so that two Unicode forms of one name look different (``'Cafe\\u0301'``)."""
    return repr(value) if unicodedata.is_normalized("NFC", value) else ascii(value)


def _names_in(rows: Rows, role: str) -> set[str]:
    """The (trimmed) unit ids, coder names or codes a file holds."""
    if role == "code":
        return {code for codeset in rows.codesets for code in codeset}
    return set(rows.records[role].cat.categories)


def lookalike_notices(what: str, names: list[str], alike: np.ndarray, consequence: str) -> list[str]:
    """Names that differ only in case or leading zeros (``U1``/``u1``, ``007``/``7``) are kept apart; say so."""
    counts = np.bincount(alike) if len(alike) else np.zeros(0, dtype=np.int64)
    groups = np.flatnonzero(counts > 1)
    if not len(groups):
        return []
    shown = [" / ".join(repr(names[i]) for i in np.flatnonzero(alike == g)) for g in groups[:SHOWN]]
    more = f" (and {len(groups) - SHOWN} more)" if len(groups) > SHOWN else ""
    return [f"{what} that differ only in case or leading zeros: {', '.join(shown)}{more}; {consequence}"]


def shared_coder_notices(inputs: list[Rows], source: np.ndarray, cell: np.ndarray, coders: list[str]) -> list[str]:
    """A coder found in several files: their rows are combined, which the user should know."""
    if len(inputs) < 2:
        return []
    coder = cell % len(coders)
    files_of = pd.DataFrame({"coder": coder, "source": source}).drop_duplicates()
    counts = files_of["coder"].value_counts()
    notices = []
    for c in sorted(counts.index[counts > 1]):
        names = sorted((inputs[s].source for s in files_of.loc[files_of["coder"] == c, "source"]), key=natural_key)
        mine = coder == c
        cells_in_files = pd.DataFrame({"cell": cell[mine], "source": source[mine]}).drop_duplicates()
        in_several = int(cells_in_files["cell"].duplicated().sum())
        overlap = f"; {_count(in_several, 'unit')} coded in more than one of them" if in_several else ""
        notices.append(
            f"coder '{coders[c]}' is in {len(names)} files ({', '.join(names)}); their rows were combined{overlap}"
        )
    return notices


def wide_conflict_notices(
    inputs: list[Rows],
    used: np.ndarray,
    source: np.ndarray,
    cell: np.ndarray,
    codeset: np.ndarray,
    units: list[str],
    coders: list[str],
) -> list[str]:
    """A wide file gives a coder one row per unit; several different rows (of the ``used`` records) were combined."""
    if all(rows.shape != "wide" for rows in inputs):
        return []  # without a wide file, the records are not even gathered
    source, cell, codeset = source[used], cell[used], codeset[used]
    notices = []
    for s, rows in enumerate(inputs):
        if rows.shape != "wide":
            continue
        mine = source == s
        pairs = pd.DataFrame({"cell": cell[mine], "codeset": codeset[mine]}).drop_duplicates()
        conflicting = np.unique(pairs["cell"][pairs["cell"].duplicated()].to_numpy())
        if len(conflicting):
            first = int(conflicting[0])
            notices.append(
                f"{rows.source}: {_count(len(conflicting), 'unit')} with several rows for one coder "
                "and different codes "
                f"(first: {units[first // len(coders)]}, coder {coders[first % len(coders)]}); the codes were combined"
            )
    return notices
