"""Seeded synthetic codings for the benchmarks.

A dataset is the canonical table's arrays (``applied[unit, coder, code]`` and
``seen[unit, coder]``) for coders who mostly agree with a hidden "true" coding,
so every coefficient has something to measure. The same arrays are given to
``reliability`` and to each peer library; :func:`write_long_csv` writes them as
the long CSV a coding team would export (``unit,coder,code``, one row per
applied code, an empty code for "coded, no code applies").

Defaults follow DESIGN §6: 5 coders, 20 codes, 10 % of (unit, coder) cells
missing; multi-label data averages about 1.67 rows per coded cell, so 200,000
units give about 1.5 million long rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

GENERATE_CHUNK = 100_000
"""Units generated at a time: bounds the generator's memory."""

CSV_CHUNK = 500_000
"""Long rows formatted at a time when writing a CSV: bounds the writer's memory."""


@dataclass(frozen=True)
class Dataset:
    """Synthetic codings as the arrays every metric runs on.

    Attributes
    ----------
    applied : ndarray of bool, shape (n_units, n_coders, n_codes)
    seen : ndarray of bool, shape (n_units, n_coders)
        False where the coder never coded the unit (missing).
    multi_label : bool
        False when every coded cell has exactly one code.
    """

    applied: np.ndarray
    seen: np.ndarray
    multi_label: bool

    @property
    def n_units(self) -> int:
        return self.applied.shape[0]

    @property
    def n_coders(self) -> int:
        return self.applied.shape[1]

    @property
    def n_codes(self) -> int:
        return self.applied.shape[2]

    def labels(self) -> np.ndarray:
        """Single-label data as a label matrix: code index, -1 where missing.

        Returns
        -------
        ndarray of int64, shape (n_units, n_coders)

        Raises
        ------
        ValueError
            For multi-label data, which has no single code per cell.
        """
        if self.multi_label:
            raise ValueError("multi-label data has no label matrix; use applied and seen")
        return np.where(self.seen, self.applied.argmax(axis=2), -1).astype(np.int64)

    def long_rows(self) -> int:
        """Rows of the long CSV: one per applied code, one per coded cell with no code."""
        empty_cells = self.seen & ~self.applied.any(axis=2)
        return int(self.applied.sum() + empty_cells.sum())


def prevalences(n_codes: int) -> np.ndarray:
    """Zipf-like code prevalences (code k ∝ 1/(k+1)), summing to 1, as real codebooks are skewed."""
    weights = 1.0 / np.arange(1, n_codes + 1)
    return weights / weights.sum()


def generate(
    n_units: int,
    n_coders: int = 5,
    n_codes: int = 20,
    multi_label: bool = True,
    missing: float = 0.1,
    seed: int = 0,
) -> Dataset:
    """Synthetic codings of coders who agree with a hidden true coding most of the time.

    Parameters
    ----------
    n_units, n_coders, n_codes : int
    multi_label : bool, default True
        True: each unit's true set holds code k independently with probability
        1.4 × its prevalence (about 1.4 codes per unit); a coder keeps each true
        code with probability 0.85 and adds each other code with probability
        0.3 / n_codes, so about 18 % of coded cells end up with no code. False: one true code
        per unit; a coder gives it with probability 0.75, else a code drawn from
        the prevalences.
    missing : float, default 0.1
        Probability that a coder never coded a unit; every unit keeps at least one coder.
    seed : int, default 0

    Returns
    -------
    Dataset

    Examples
    --------
    >>> data = generate(1000, seed=1)
    >>> data.applied.shape, data.seen.shape
    ((1000, 5, 20), (1000, 5))
    >>> bool((data.applied <= data.seen[:, :, None]).all())
    True
    """
    rng = np.random.default_rng(seed)
    seen = rng.random((n_units, n_coders)) >= missing
    never_coded = np.flatnonzero(~seen.any(axis=1))
    seen[never_coded, never_coded % n_coders] = True
    applied = np.zeros((n_units, n_coders, n_codes), dtype=bool)
    prevalence = prevalences(n_codes)
    # In blocks of units, so a million units never need gigabytes of random numbers.
    for start in range(0, n_units, GENERATE_CHUNK):
        block = slice(start, min(start + GENERATE_CHUNK, n_units))
        size = block.stop - block.start
        if multi_label:
            true_sets = rng.random((size, 1, n_codes), dtype=np.float32) < np.minimum(prevalence * 1.4, 0.9)
            kept = rng.random((size, n_coders, n_codes), dtype=np.float32) < 0.85
            added = rng.random((size, n_coders, n_codes), dtype=np.float32) < 0.3 / n_codes
            applied[block] = np.where(true_sets, kept, added)
        else:
            true_codes = rng.choice(n_codes, size=size, p=prevalence)
            random_codes = rng.choice(n_codes, size=(size, n_coders), p=prevalence)
            agrees = rng.random((size, n_coders)) < 0.75
            given = np.where(agrees, true_codes[:, None], random_codes)
            applied[block] = given[:, :, None] == np.arange(n_codes)
    applied &= seen[:, :, None]
    return Dataset(applied=applied, seen=seen, multi_label=multi_label)


def names(prefix: str, count: int) -> np.ndarray:
    """Zero-padded ids that sort naturally and as text: ``names("u", 3)`` → u1, u2, u3."""
    width = len(str(count))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, count + 1)], dtype=object)


def write_long_csv(data: Dataset, path: Path) -> int:
    """Write the long CSV ``unit,coder,code`` a coding team would export.

    Rows come unit by unit, coder by coder, code by code; a coded cell with no code
    gives one row with an empty code; a missing cell gives no row.

    Parameters
    ----------
    data : Dataset
    path : Path

    Returns
    -------
    int
        Data rows written (not counting the header).
    """
    n_units, n_coders, n_codes = data.applied.shape
    empty = data.seen & ~data.applied.any(axis=2)
    # One entry per row: (cell, code) with code -1 for "no code"; cell = unit × coders + coder.
    cell_of_code, code = np.nonzero(data.applied.reshape(n_units * n_coders, n_codes))
    empty_cell = np.flatnonzero(empty.reshape(-1))
    cells = np.concatenate([cell_of_code, empty_cell])
    codes = np.concatenate([code, np.full(len(empty_cell), -1)])
    order = np.lexsort((codes, cells))
    cells, codes = cells[order], codes[order]
    unit_names = names("u", n_units)
    coder_names = names("c", n_coders)
    code_names = np.concatenate([np.array([""], dtype=object), names("code", n_codes)])
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("unit,coder,code\n")
        for start in range(0, len(cells), CSV_CHUNK):
            chunk_cells = cells[start : start + CSV_CHUNK]
            lines = (
                unit_names[chunk_cells // n_coders]
                + ","
                + coder_names[chunk_cells % n_coders]
                + ","
                + code_names[codes[start : start + CSV_CHUNK] + 1]
            )
            out.write("\n".join(lines))
            out.write("\n")
    return len(cells)
