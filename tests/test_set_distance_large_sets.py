"""Set-distance alphas with a cell of 1,000 codes: correct, and within a small memory bound.

A distance depends on (shared codes, size, size); tabulating every combination grows with
the cube of the largest set (a set of 1,000 codes: 10^9 entries, 24 GB as three index
arrays). Every path must compute such distances instead (reported by round one of #15).
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from nltk.metrics import agreement as nltk_agreement
from nltk.metrics import distance as nltk_distance

from crosscheck_data import nltk_set_distance
from reliability.codings.model import Codings
from reliability.figures.coefficients import set_distance
from reliability.figures.intervals import BootstrapSettings

N_CODES = 1_200
MEMORY_BOUND = 64 * 2**20
"""Peak bytes numpy may allocate for one figure here (the cubic table needed gigabytes)."""

NLTK_DISTANCES = {"masi": nltk_distance.masi_distance, "jaccard": nltk_distance.jaccard_distance}


def large_cell_codings() -> Codings:
    """40 units, 3 coders, 1,200 codes, mostly 0-3 codes a cell; one coder applies 1,000 codes
    to unit 0, another 990 of them, the third 5; one cell missing."""
    rng = np.random.default_rng(11)
    applied = rng.random((40, 3, N_CODES)) < 1.5 / N_CODES
    applied[:, :, :10] |= rng.random((40, 3, 10)) < 0.15  # a few common codes: sets overlap
    applied[0, 0, :] = False
    applied[0, 0, :1000] = True
    applied[0, 1, :] = False
    applied[0, 1, 10:1000] = True
    applied[0, 2, :] = False
    applied[0, 2, 995:1000] = True
    seen = np.ones((40, 3), dtype=bool)
    seen[5, 2] = False
    applied[5, 2] = False
    return Codings(
        tuple(f"u{u}" for u in range(40)), ("a", "b", "c"), tuple(f"k{k}" for k in range(N_CODES)), applied, seen
    )


def nltk_alpha(codings: Codings, distance: str) -> float:
    triples = [
        (codings.coders[c], codings.units[u], codings.code_set(u, c))
        for u in range(codings.n_units)
        for c in range(codings.n_coders)
        if codings.seen[u, c]
    ]
    task = nltk_agreement.AnnotationTask(data=triples, distance=nltk_set_distance(NLTK_DISTANCES[distance]))
    return task.alpha()


def peak_bytes(call):
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("distance", ["masi", "jaccard"])
def test_a_cell_of_1000_codes_gives_nltks_alpha_in_little_memory(distance):
    codings = large_cell_codings()
    assert codings.applied.sum(axis=2).max() == 1000
    figure, peak = peak_bytes(lambda: set_distance.krippendorff_alpha_sets(codings.applied, codings.seen, distance))
    assert peak < MEMORY_BOUND
    assert figure.value == pytest.approx(nltk_alpha(codings, distance), abs=1e-12)  # NLTK 3.9 AnnotationTask.alpha
    assert figure.se is not None and np.isfinite(figure.se)


def test_a_cell_of_1000_codes_bootstraps_in_little_memory():
    # Resamples take the batch form (_set_delta_times), not the point's.
    codings = large_cell_codings()
    settings = BootstrapSettings(n_resamples=50, seed=1)
    figure, peak = peak_bytes(
        lambda: set_distance.krippendorff_alpha_sets(codings.applied, codings.seen, "masi", settings)
    )
    assert peak < MEMORY_BOUND
    assert figure.ci is not None and figure.ci[0] <= figure.value <= figure.ci[1]


def reference_delta(patterns: np.ndarray, distance: str) -> np.ndarray:
    """Delta between the sets, one pair at a time with NLTK's distance."""
    sets = [frozenset(np.flatnonzero(row).tolist()) for row in patterns]
    wrapped = nltk_set_distance(NLTK_DISTANCES[distance])
    return np.array([[wrapped(a, b) for b in sets] for a in sets])


@pytest.mark.parametrize("distance", ["masi", "jaccard"])
@pytest.mark.parametrize("form", ["dense", "sparse"])
def test_each_form_of_delta_handles_a_set_of_1000_codes(distance, form, monkeypatch):
    codings = large_cell_codings()
    patterns = codings.set_table.patterns()
    counts = np.random.default_rng(2).integers(0, 9, (3, len(patterns))).astype(float)
    if form == "dense":
        monkeypatch.setattr(set_distance, "SPARSE_SETS_FROM", float("inf"))
        build = set_distance._set_delta_times
    else:
        build = set_distance._sparse_set_delta_times
    product, peak = peak_bytes(lambda: build(patterns, distance)(counts))
    assert peak < MEMORY_BOUND
    assert np.allclose(product, counts @ reference_delta(patterns, distance), rtol=0, atol=1e-9)


def test_the_lookup_forms_are_kept_for_small_sets(monkeypatch):
    # The guard must not send the common case (sets of a few codes) to the slower computed form.
    monkeypatch.setattr(set_distance, "_computed_delta_times", lambda *args: pytest.fail("computed form used"))
    patterns = np.unique(np.random.default_rng(0).random((300, 20)) < 0.15, axis=0)
    set_distance._set_delta_times(patterns, "masi")
