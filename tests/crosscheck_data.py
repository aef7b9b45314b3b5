"""Seeded random codings that the cross-checks against peer libraries run on.

Shared by tests/test_crosscheck.py and tests/fixtures/irrcac/generate.py, which
stores irrCAC's figures on the same codings.
"""

from __future__ import annotations

import hashlib

import numpy as np

from reliability.codings.model import Codings

SEEDS = range(8)
CASES = [(seed, multi) for seed in SEEDS for multi in (False, True)]
CASE_IDS = [f"seed{seed}-{'multi' if multi else 'single'}" for seed, multi in CASES]
ONE_VALUE = np.zeros((6, 3), dtype=np.int64)
"""Six units, three coders, every rating the same category."""


def random_codings(seed: int, multi_label: bool) -> Codings:
    """30–80 units, 2–6 coders, 2–5 codes, about 15 % missing ratings and some empty sets.

    Coders mostly follow a per-unit "true" coding, so agreement is well above chance
    and every coefficient is exercised away from zero.
    """
    rng = np.random.default_rng(seed)
    n_units, n_coders, n_codes = rng.integers(30, 81), rng.integers(2, 7), rng.integers(2, 6)
    seen = rng.random((n_units, n_coders)) > 0.15
    seen[0] = False  # a unit nobody coded: every library must leave it out
    if multi_label:
        truth = rng.random((n_units, 1, n_codes)) < 0.35
        flips = rng.random((n_units, n_coders, n_codes)) < 0.15
        applied = truth ^ flips
    else:
        truth = rng.integers(0, n_codes, size=(n_units, 1))
        chosen = np.where(
            rng.random((n_units, n_coders)) < 0.6,
            truth,
            rng.integers(0, n_codes, size=(n_units, n_coders)),
        )
        applied = np.eye(n_codes, dtype=bool)[chosen]
        applied[rng.random((n_units, n_coders)) < 0.1] = False  # "no appropriate category"
    applied &= seen[:, :, None]
    return Codings(
        units=tuple(f"u{u}" for u in range(n_units)),
        coders=tuple(f"c{c}" for c in range(n_coders)),
        codes=tuple(f"k{k}" for k in range(n_codes)),
        applied=applied,
        seen=seen,
    )


def label_views(codings: Codings) -> list[tuple[np.ndarray, int | None]]:
    """(labels, q) for the set-as-one-label view and for each code's presence/absence."""
    views = [(codings.set_labels()[0], None)]
    views += [(codings.code_labels(k), 2) for k in range(codings.n_codes)]
    return views


def digest(labels: np.ndarray) -> str:
    """A fingerprint of a units × coders label array, to tell that stored figures are of these labels."""
    labels = np.ascontiguousarray(labels, dtype=np.int64)
    return hashlib.sha256(repr(labels.shape).encode() + labels.tobytes()).hexdigest()[:16]


def nltk_set_distance(distance):
    """NLTK's distance, with two empty sets at distance 0 (NLTK divides by zero there)."""

    def wrapped(first: frozenset, second: frozenset) -> float:
        if not first and not second:
            return 0.0
        return distance(first, second)

    return wrapped


def set_distance_weights(codings: Codings, distance) -> tuple[np.ndarray, np.ndarray]:
    """Set ids per rating (-1 missing) and agreement weights 1 - distance between the sets."""
    labels, sets = codings.set_labels()
    wrapped = nltk_set_distance(distance)
    weights = np.array([[1.0 - wrapped(a, b) for b in sets] for a in sets])
    return labels, weights
