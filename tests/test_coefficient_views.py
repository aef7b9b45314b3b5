"""chance_corrected(): every coefficient of a coding, and its all-codes batch path
against the per-call path (figures/coefficients/views.py)."""

from __future__ import annotations

import math
from dataclasses import fields, replace

import numpy as np
import pytest

from reliability.codings.model import Codings
from reliability.figures.coefficients import (
    CodeCoefficients,
    brennan_prediger,
    chance_corrected,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    pooled_kappa,
    positive_agreement,
)
from reliability.figures.figure import NO_INTERVAL
from reliability.figures.intervals import BootstrapSettings
from tests.reference_data import load


# --------------------------------------------------------------------------- report layer


def test_chance_corrected_per_code_figures_match_the_functions() -> None:
    codings = load("set_valued.csv")
    result = chance_corrected(codings, [(0, 1)])
    assert [code.code for code in result.codes] == list(codings.codes)
    for k, code in enumerate(result.codes):
        presence = codings.code_labels(k)
        assert_same_figure(code.fleiss_kappa, fleiss_kappa(presence))
        assert_same_figure(code.krippendorff_alpha, krippendorff_alpha(presence))
        assert_same_figure(code.gwet_ac1, gwet_ac1(presence, n_categories=2))
        assert_same_figure(code.positive_agreement, positive_agreement(presence))
        assert_same_figure(code.pairs[("c1", "c2")]["cohen_kappa"], cohen_kappa(presence))
    both = codings.seen[:, 0] & codings.seen[:, 1]
    assert result.pairs[("c1", "c2")]["pooled_kappa"] == pooled_kappa(
        codings.applied[both, 0], codings.applied[both, 1]
    )


def test_chance_corrected_pairs_use_coder_names_in_the_given_order() -> None:
    codings = load("krippendorff_c.csv")
    result = chance_corrected(codings, [(3, 0), (1, 2)])
    assert list(result.pairs) == [("D", "A"), ("B", "C")]
    labels = codings.set_labels()[0]
    assert result.pairs[("D", "A")]["cohen_kappa"] == cohen_kappa(labels[:, [3, 0]])
    with pytest.raises(ValueError, match="distinct coder indices"):
        chance_corrected(codings, [(1, 1)])


# --------------------------------------------------------------------------- per-code batch path

# The batch path sums over the units where a code was applied, then adds the units where it
# was not once per number of coders; the per-call path sums every unit in order. The two
# differ only in summation order, so floats are compared to a relative 1e-12 (absolute 1e-13
# for figures at 0); everything else (None-ness, n_units, notes) must be equal. A chance-
# corrected value (p_o - p_e) / (1 - p_e) and its se magnify a rounding difference in p_e by
# 1 / (1 - p_e), so their tolerance is scaled by it. A standard error is compared as its
# square, the variance that is summed: Cohen's closed form subtracts two nearly equal numbers
# when the variance is 0, and the square root turns a difference of 1e-16 there into 1e-8.
RELATIVE, ABSOLUTE = 1e-12, 1e-13


def assert_same_figure(batch, per_call) -> None:
    conditioning = 1.0 if batch.p_e is None or batch.p_e >= 1.0 else 1.0 / (1.0 - batch.p_e)
    for field in fields(batch):
        mine, theirs = getattr(batch, field.name), getattr(per_call, field.name)
        scale = conditioning if field.name in ("value", "se") else 1.0
        if field.name == "se" and mine is not None and theirs is not None:
            mine, theirs, scale = mine**2, theirs**2, scale**2
        if isinstance(mine, float) and isinstance(theirs, float):
            assert math.isclose(mine, theirs, rel_tol=RELATIVE * scale, abs_tol=ABSOLUTE * scale), (
                field.name,
                mine,
                theirs,
            )
        else:
            assert mine == theirs, (field.name, mine, theirs)


def assert_same_codes(batch: list[CodeCoefficients], per_call: list[CodeCoefficients]) -> None:
    assert [code.code for code in batch] == [code.code for code in per_call]
    for mine, theirs in zip(batch, per_call):
        for name in ("fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "positive_agreement"):
            assert_same_figure(getattr(mine, name), getattr(theirs, name))
        assert list(mine.pairs) == list(theirs.pairs)
        for pair, figures in mine.pairs.items():
            assert list(figures) == list(theirs.pairs[pair])
            for name, figure in figures.items():
                assert_same_figure(figure, theirs.pairs[pair][name])



def per_call_code_coefficients(codings: Codings, pairs: list[tuple[int, int]]) -> list[CodeCoefficients]:
    """The codes view from the one-call-per-figure path, which chance_corrected takes with a
    clustered bootstrap (here each unit its own cluster); the intervals are set aside so that
    every other field can be compared."""
    settings = BootstrapSettings(n_resamples=10, clusters=np.arange(codings.n_units))
    with_intervals = chance_corrected(codings, pairs, settings).codes
    return [
        replace(
            code,
            fleiss_kappa=_without_interval(code.fleiss_kappa),
            krippendorff_alpha=_without_interval(code.krippendorff_alpha),
            gwet_ac1=_without_interval(code.gwet_ac1),
            positive_agreement=_without_interval(code.positive_agreement),
            pairs={pair: {name: _without_interval(f) for name, f in figures.items()} for pair, figures in code.pairs.items()},
        )
        for code in with_intervals
    ]


def _without_interval(figure):
    """The figure without its interval, nor the note saying why an interval was left out."""
    notes = [part for part in (figure.note or "").split("; ") if part and part != NO_INTERVAL]
    return replace(figure, ci=None, note="; ".join(notes) or None)


def random_codings(seed: int) -> Codings:
    """Random presence/absence data with missing ratings; code 0 nobody applies, code 1 everybody."""
    rng = np.random.default_rng(seed)
    n_units, n_coders, n_codes = int(rng.integers(0, 60)), int(rng.integers(2, 6)), int(rng.integers(2, 7))
    seen = rng.random((n_units, n_coders)) < rng.choice([0.3, 0.8, 1.0])
    applied = (rng.random((n_units, n_coders, n_codes)) < rng.random(n_codes)) & seen[:, :, None]
    applied[:, :, 0] = False
    applied[:, :, 1] = seen
    return Codings(
        units=tuple(f"u{u}" for u in range(n_units)),
        coders=tuple(f"c{c}" for c in range(n_coders)),
        codes=tuple(f"k{k}" for k in range(n_codes)),
        applied=applied,
        seen=seen,
    )


@pytest.mark.parametrize("seed", range(40))
def test_per_code_batch_path_equals_the_per_call_path(seed: int) -> None:
    # Without a bootstrap chance_corrected computes all codes at once; every field of
    # every figure (value, p_o, p_e, n_units, se, note) must equal the per-call result.
    codings = random_codings(seed)
    pairs = [(a, b) for a in range(codings.n_coders) for b in range(a + 1, codings.n_coders)]
    assert_same_codes(list(chance_corrected(codings, pairs).codes), per_call_code_coefficients(codings, pairs))


@pytest.mark.parametrize("seed", range(40))
def test_overall_figures_read_once_equal_the_per_call_functions(seed: int) -> None:
    # chance_corrected reads the set labels' ratings once for Fleiss, AC1, Brennan–Prediger and
    # alpha (restricted to units rated twice); each must equal its own function's figure.
    codings = random_codings(seed)
    labels, _ = codings.set_labels()
    overall = chance_corrected(codings, [(0, 1)]).overall
    assert overall["fleiss_kappa"] == fleiss_kappa(labels)
    assert overall["gwet_ac1"] == gwet_ac1(labels)
    assert overall["brennan_prediger"] == brennan_prediger(labels)
    assert overall["krippendorff_alpha"] == krippendorff_alpha(labels)


def test_per_code_batch_path_without_codes_or_units() -> None:
    for n_units, n_codes in ((5, 0), (0, 3), (0, 0)):
        codings = Codings(
            units=tuple(f"u{u}" for u in range(n_units)),
            coders=("a", "b"),
            codes=tuple(f"k{k}" for k in range(n_codes)),
            applied=np.zeros((n_units, 2, n_codes), dtype=bool),
            seen=np.ones((n_units, 2), dtype=bool),
        )
        codes = chance_corrected(codings, [(0, 1)]).codes
        assert_same_codes(list(codes), per_call_code_coefficients(codings, [(0, 1)]))
        assert len(codes) == n_codes


def test_per_code_batch_path_covers_undefined_and_defined_figures() -> None:
    # The random data above must exercise both branches, or the equality test proves little.
    figures = []
    for seed in range(40):
        codings = random_codings(seed)
        for code in chance_corrected(codings, [(0, 1)]).codes:
            figures += [code.fleiss_kappa, code.krippendorff_alpha, code.gwet_ac1, code.positive_agreement]
    assert any(figure.value is None for figure in figures)
    assert sum(figure.se is not None for figure in figures) > 100


@pytest.mark.parametrize("n_codes", [40, 400, 3000])
def test_sparse_set_distances_equal_the_dense_form(n_codes, monkeypatch):
    # Large codebooks take the sparse form; on the same sets it must give the dense form's x @ Delta.
    from reliability.figures.coefficients import set_distance

    rng = np.random.default_rng(n_codes)
    patterns = np.unique(rng.random((600, n_codes)) < 2.5 / n_codes, axis=0)
    counts = rng.integers(0, 9, (4, len(patterns))).astype(float)
    for distance in ("masi", "jaccard"):
        sparse_form = set_distance._sparse_set_delta_times(patterns, distance)(counts)
        monkeypatch.setattr(set_distance, "SPARSE_SETS_FROM", float("inf"))
        dense_form = set_distance._set_delta_times(patterns, distance)(counts)
        monkeypatch.undo()
        assert np.allclose(sparse_form, dense_form, rtol=0, atol=1e-9)


@pytest.mark.parametrize("n_codes", [12, 40, 130])
def test_shared_code_counts_give_the_dense_form(n_codes, monkeypatch):
    # The point's x @ Delta from the codes sets share (binomial moments over subsets) must equal
    # the dense form's on the same sets; 130 codes take three 64-bit words per set.
    from reliability.codings.sets import pack_sets
    from reliability.figures.coefficients import set_distance

    rng = np.random.default_rng(n_codes)
    patterns = np.unique(rng.random((500, n_codes)) < 3.0 / n_codes, axis=0)
    point = set_distance._PointSpread.of(pack_sets(patterns), patterns.sum(axis=1))
    assert point is not None
    counts = rng.integers(0, 9, len(patterns)).astype(float)
    monkeypatch.setattr(set_distance, "SPARSE_SETS_FROM", float("inf"))
    for distance in ("masi", "jaccard"):
        dense_form = set_distance._set_delta_times(patterns, distance)(counts[None, :])[0]
        assert np.allclose(point.spread(counts, distance), dense_form, rtol=1e-13, atol=0)


def test_set_distance_alpha_is_the_same_by_shared_code_counts(monkeypatch):
    from reliability.figures.coefficients import set_distance

    rng = np.random.default_rng(3)
    seen = rng.random((400, 4)) < 0.8
    applied = (rng.random((400, 4, 9)) < 0.3) & seen[:, :, None]
    codings = Codings(tuple(f"u{u}" for u in range(400)), ("a", "b", "c", "d"), tuple("klmnopqrs"), applied, seen)
    monkeypatch.setattr(set_distance, "SUBSETS_FROM_SETS", float("inf"))
    dense = {d: set_distance.krippendorff_alpha_sets(codings.applied, codings.seen, d) for d in ("masi", "jaccard")}
    monkeypatch.setattr(set_distance, "SUBSETS_FROM_SETS", 0)
    assert set_distance._subsets_pay(codings.set_table.sizes)
    by_counts = set_distance.set_distance_alphas(codings.set_table)
    for distance, figure in dense.items():
        assert by_counts[distance].value == pytest.approx(figure.value, rel=1e-12)
        assert by_counts[distance].se == pytest.approx(figure.se, rel=1e-9)
    monkeypatch.setattr(set_distance, "LOOKUP_ENTRIES", 0)  # each pair's distance computed, not looked up
    assert set_distance.set_distance_alphas(codings.set_table) == by_counts


def test_a_large_open_codebook_takes_the_sparse_form(monkeypatch):
    from reliability.figures.coefficients import set_distance

    called = []
    monkeypatch.setattr(set_distance, "_sparse_set_delta_times", lambda p, d: called.append(p.shape) or (lambda x: x))
    patterns = np.eye(3000, dtype=bool)[:2000]  # 2,000 one-code sets of 3,000 codes: no two share a code
    set_distance._set_delta_times(patterns, "masi")
    assert called == [(2000, 3000)]


def test_sets_of_very_many_codes_take_the_dense_or_sparse_form_without_a_warning(monkeypatch):
    # 2**|set| subsets per set: a set of 3,000 codes must not overflow into a warning.
    from reliability.codings.sets import pack_sets
    from reliability.figures.coefficients import set_distance

    patterns = np.ones((3, 3000), dtype=bool)
    patterns[1, :10] = False
    patterns[2, :20] = False
    assert set_distance._PointSpread.of(pack_sets(patterns), patterns.sum(axis=1)) is None


def test_popcount_without_numpy_bitwise_count(monkeypatch):
    # numpy before 2.0 (the oldest stack) has no np.bitwise_count: the byte table must agree.
    from reliability.codings import sets

    words = np.random.default_rng(0).integers(0, 2**63, (50, 3), dtype=np.uint64)
    expected = [[bin(int(w)).count("1") for w in row] for row in words]
    assert sets.popcount(words).tolist() == [sum(row) for row in expected]
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    assert sets.popcount(words).tolist() == [sum(row) for row in expected]


@pytest.mark.parametrize("seed", range(20))
def test_pooled_kappa_from_set_counts_equals_the_per_call_path(seed):
    # Without a bootstrap a pair's pooled kappa comes from counts per distinct set; it must be
    # the very Figure pooled_kappa gives on the units both coders coded.
    from reliability.figures.coefficients import pooled_kappa

    codings = random_codings(seed)
    pairs = [(a, b) for a in range(codings.n_coders) for b in range(a + 1, codings.n_coders)]
    found = chance_corrected(codings, pairs).pairs
    for a, b in pairs:
        both = codings.seen[:, a] & codings.seen[:, b]
        expected = pooled_kappa(codings.applied[both, a], codings.applied[both, b])
        assert found[(codings.coders[a], codings.coders[b])]["pooled_kappa"] == expected


def test_per_code_batch_path_allocates_for_the_codings_applied_not_codes_times_units():
    # Open coding: 1,000 units × 5,000 codes, each unit with a few codes. A single dense
    # (codes × units) float array would take 40 MB; the sparse path needs a few MB.
    import tracemalloc

    from reliability.figures.coefficients.views import _code_coefficients, _presence_counts

    rng = np.random.default_rng(0)
    n_units, n_codes = 1_000, 5_000
    applied = np.zeros((n_units, 2, n_codes), dtype=bool)
    units = np.repeat(np.arange(n_units), 3)
    applied[units, rng.integers(0, 2, len(units)), rng.integers(0, n_codes, len(units))] = True
    codings = Codings(
        units=tuple(f"u{u}" for u in range(n_units)),
        coders=("a", "b"),
        codes=tuple(f"k{k}" for k in range(n_codes)),
        applied=applied,
        seen=np.ones((n_units, 2), dtype=bool),
    )
    tracemalloc.start()
    try:
        codes = _code_coefficients(codings, [(0, 1)], *_presence_counts(codings, [(0, 1)]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(codes) == n_codes
    dense_float_array = n_units * n_codes * 8
    assert peak < dense_float_array / 2, f"peak {peak / 2**20:.1f} MiB"
