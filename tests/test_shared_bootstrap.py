"""The shared bootstrap (figures/coefficients/resampled.py) is the plain bootstrap: the same
draws of units, each figure recomputed from scratch on every resample. The chance-corrected
figures and the observed agreement ones (figures/agreement.py) see the same draws in compare()."""

from __future__ import annotations

import numpy as np
import pytest

from reliability.codings.model import Codings
from reliability.figures.agreement import compare_all, compare_pair
from reliability.figures.coefficients import (
    brennan_prediger,
    chance_corrected,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    krippendorff_alpha_sets,
    pooled_kappa,
    positive_agreement,
)
from reliability.figures.intervals import CHUNK, BootstrapSettings, percentile_interval, unit_counts
from reliability.report import compare

N_RESAMPLES = 150  # three chunks, the last one short
OBSERVED_PAIR = ("percent_agreement", "shared_agreement", "jaccard")
OBSERVED_OVERALL = ("percent_agreement", "shared_agreement")


def random_codings(seed: int, n_units: int = 30) -> Codings:
    """Multi-label codings with missing ratings: every view has several categories."""
    rng = np.random.default_rng(seed)
    n_coders, n_codes = 3, 3
    seen = rng.random((n_units, n_coders)) < 0.85
    applied = (rng.random((n_units, n_coders, n_codes)) < 0.4) & seen[:, :, None]
    return Codings(
        units=tuple(f"u{u}" for u in range(n_units)),
        coders=tuple(f"c{c}" for c in range(n_coders)),
        codes=tuple(f"k{k}" for k in range(n_codes)),
        applied=applied,
        seen=seen,
    )


def plain_bootstrap(codings: Codings, pairs, seed: int) -> dict[tuple, tuple[float, float] | None]:
    """Every interval by the textbook recipe: for each resample, repeat each unit as often as it
    was drawn (the shared draw: the seed's stream, in chunks) and compute each figure from scratch."""
    rng = np.random.default_rng(seed)
    labels, sets = codings.set_labels()
    # AC1 and Brennan–Prediger take q, the number of possible categories, as fixed: the
    # categories of the data, even where a resample lacks some of them.
    q = len(sets)
    values: dict[tuple, list[float]] = {}

    def add(key, figure):
        values.setdefault(key, []).append(np.nan if figure.value is None else figure.value)

    for start in range(0, N_RESAMPLES, CHUNK):
        counts = unit_counts(rng, codings.n_units, min(CHUNK, N_RESAMPLES - start))
        for drawn in counts.T.astype(np.int64):
            rows = np.repeat(np.arange(codings.n_units), drawn)
            resampled, applied, seen = labels[rows], codings.applied[rows], codings.seen[rows]
            drawn = Codings(
                units=tuple(f"r{i}" for i in range(len(rows))),
                coders=codings.coders,
                codes=codings.codes,
                applied=applied,
                seen=seen,
            )
            everyone = compare_all(drawn)
            for name in OBSERVED_OVERALL:
                add(("overall", name), getattr(everyone, name))
            for k, figure in everyone.at_least_k.items():
                add(("overall", "at_least", k), figure)
            add(("overall", "fleiss_kappa"), fleiss_kappa(resampled))
            add(("overall", "krippendorff_alpha"), krippendorff_alpha(resampled))
            add(("overall", "gwet_ac1"), gwet_ac1(resampled, n_categories=q))
            add(("overall", "brennan_prediger"), brennan_prediger(resampled, n_categories=q))
            for distance in SET_DISTANCES:
                add(("overall", f"krippendorff_alpha_{distance}"), krippendorff_alpha_sets(applied, seen, distance))
            for a, b in pairs:
                both = seen[:, a] & seen[:, b]
                add(("pair", a, b, "cohen_kappa"), cohen_kappa(resampled[:, [a, b]]))
                add(("pair", a, b, "pooled_kappa"), pooled_kappa(applied[both, a], applied[both, b]))
                observed = compare_pair(drawn, a, b)
                for name in OBSERVED_PAIR:
                    add(("pair", a, b, name), getattr(observed, name))
            for k in range(codings.n_codes):
                presence = codings.code_labels(k)[rows]
                add(("code", k, "fleiss_kappa"), fleiss_kappa(presence))
                add(("code", k, "krippendorff_alpha"), krippendorff_alpha(presence))
                add(("code", k, "gwet_ac1"), gwet_ac1(presence, n_categories=2))
                add(("code", k, "positive_agreement"), positive_agreement(presence))
                for a, b in pairs:
                    add(("code", k, a, b, "cohen_kappa"), cohen_kappa(presence[:, [a, b]]))
                    add(("code", k, a, b, "positive_agreement"), positive_agreement(presence[:, [a, b]]))
    return {key: percentile_interval(np.array(found), 0.95) for key, found in values.items()}


SET_DISTANCES = ("masi", "jaccard")
CHANCE_OVERALL = ("fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "brennan_prediger") + tuple(
    f"krippendorff_alpha_{distance}" for distance in SET_DISTANCES
)
CHANCE_PAIR = ("cohen_kappa", "pooled_kappa")


def shared_bootstrap(codings: Codings, pairs, seed: int) -> dict[tuple, tuple[float, float] | None]:
    """The intervals of compare(), with every figure it resamples from the shared draw."""
    report = compare(codings, bootstrap=BootstrapSettings(N_RESAMPLES, seed=seed), sections=())
    position = {pair: index for index, pair in enumerate(pairs)}
    found = {("overall", name): report.overall.figures[name].ci for name in CHANCE_OVERALL + OBSERVED_OVERALL}
    found.update({("overall", "at_least", k): figure.ci for k, figure in report.overall.at_least_k.items()})
    for a, b in pairs:
        figures = report.pairs[position[(a, b)]].figures
        for name in CHANCE_PAIR + OBSERVED_PAIR:
            found[("pair", a, b, name)] = figures[name].ci
    for k, code in enumerate(report.codes):
        for name in ("fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "positive_agreement"):
            found[("code", k, name)] = code.figures[name].ci
        for a, b in pairs:
            for name in ("cohen_kappa", "positive_agreement"):
                found[("code", k, a, b, name)] = code.pairs[position[(a, b)]].figures[name].ci
    return found


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_interval_is_the_plain_bootstrap_of_the_same_draws(seed):
    codings = random_codings(seed)
    pairs = [(0, 1), (0, 2), (1, 2)]  # every pair, as compare() takes them without a reference coder
    expected, found = plain_bootstrap(codings, pairs, seed), shared_bootstrap(codings, pairs, seed)
    assert set(found) == set(expected)
    for key, interval in expected.items():
        if interval is None:
            assert found[key] is None, key
        else:
            # Sums of contributions against figures from scratch: equal up to rounding.
            assert found[key] == pytest.approx(interval, rel=1e-9, abs=1e-12), key


def test_chance_corrected_alone_draws_what_compare_draws_for_it():
    # The observed agreement figures join the draw without changing the other figures' intervals.
    codings = random_codings(4)
    pairs = [(0, 1), (0, 2), (1, 2)]
    alone = chance_corrected(codings, pairs, BootstrapSettings(N_RESAMPLES, seed=4))
    together = shared_bootstrap(codings, pairs, 4)
    assert all(alone.overall[name].ci == together[("overall", name)] for name in CHANCE_OVERALL)
    names = codings.coders
    for a, b in pairs:
        for name in CHANCE_PAIR:
            assert alone.pairs[(names[a], names[b])][name].ci == together[("pair", a, b, name)]
    assert all(code.fleiss_kappa.ci == together[("code", k, "fleiss_kappa")] for k, code in enumerate(alone.codes))


def test_observed_figures_undefined_on_the_data_get_no_interval():
    # Coder c2 coded exactly the units c0 did not: pair (c0, c2) and "all three coders" have no unit.
    codings = random_codings(6)
    seen = codings.seen.copy()
    seen[:, 2] = ~seen[:, 0]
    disjoint = Codings(units=codings.units, coders=codings.coders, codes=codings.codes,
                       applied=codings.applied & seen[:, :, None], seen=seen)
    report = compare(disjoint, bootstrap=BootstrapSettings(N_RESAMPLES, seed=6), sections=())
    by_pair = {pair.coders: pair.figures for pair in report.pairs}
    for name in OBSERVED_PAIR:
        assert by_pair[("c0", "c2")][name].value is None and by_pair[("c0", "c2")][name].ci is None
        assert by_pair[("c0", "c2")][name].note == "no units to compare"
        assert by_pair[("c0", "c1")][name].ci is not None
    assert report.overall.figures["percent_agreement"].ci is None and report.overall.at_least_k[3].ci is None
    assert report.overall.at_least_k[2].ci is not None


def test_a_unit_is_drawn_as_often_as_in_n_draws_with_replacement():
    # Each resample draws n units: counts add up to n, and a unit's count is Binomial(n, 1/n),
    # mean 1 and variance 1 - 1/n.
    n = 50
    counts = np.concatenate([unit_counts(np.random.default_rng([4, i]), n, CHUNK) for i in range(60)], axis=1)
    assert counts.dtype == np.float32 and counts.shape == (n, 60 * CHUNK)
    assert np.all(counts.sum(axis=0) == n)
    assert counts.mean() == pytest.approx(1.0, abs=0.01)
    assert counts.var(axis=1).mean() == pytest.approx(1 - 1 / n, rel=0.05)


def test_seeded_intervals_are_identical_run_to_run_and_differ_between_seeds():
    codings = random_codings(5, n_units=60)
    pairs = [(0, 1), (1, 2)]
    first = chance_corrected(codings, pairs, BootstrapSettings(100, seed=11))
    assert first == chance_corrected(codings, pairs, BootstrapSettings(100, seed=11))
    assert first != chance_corrected(codings, pairs, BootstrapSettings(100, seed=12))


@pytest.mark.parametrize("seed", [0, 3])
def test_pattern_counts_equal_counting_every_unit_and_code(seed):
    # The seen patterns' counts moved by the units a code was applied to equal a plain count of
    # each unit's pattern for each code, in every resample; the codes here include one nobody
    # applied and one every coder applied wherever they coded.
    from reliability.figures.coefficients.resampled import _Patterns

    drawn = random_codings(seed, n_units=40)
    applied = drawn.applied.copy()
    applied[:, :, 0] = False
    applied[:, :, 1] = drawn.seen
    codings = Codings(units=drawn.units, coders=drawn.coders, codes=drawn.codes, applied=applied, seen=drawn.seen)
    patterns = _Patterns.of(codings)
    counts = unit_counts(np.random.default_rng(seed), codings.n_units, 20)
    found = patterns.counts(counts)
    for k in range(codings.n_codes):
        rows = patterns.labels[patterns.starts[k] : patterns.starts[k + 1]]
        presence = codings.code_labels(k)
        for row, row_counts in zip(rows, found[patterns.starts[k] : patterns.starts[k + 1]]):
            expected = counts[(presence == row).all(axis=1)].sum(axis=0)
            assert np.array_equal(row_counts, expected) and row_counts.sum() > 0


def test_a_unit_drawn_more_than_255_times_is_counted_exactly():
    # Counts are gathered in bytes; a larger count (every draw the same unit) widens them.
    class SameUnit:
        def integers(self, low, high, size, dtype):
            return np.zeros(size, dtype=dtype)

    counts = unit_counts(SameUnit(), 300, 3)
    assert np.all(counts[0] == 300) and np.all(counts[1:] == 0)


def test_only_patterns_that_can_be_numbered_are_shared():
    from reliability.figures.coefficients.resampled import can_share

    assert can_share(random_codings(0))
    many = Codings(
        units=("u",), coders=tuple(f"c{c}" for c in range(40)), codes=("k",),
        applied=np.zeros((1, 40, 1), dtype=bool), seen=np.ones((1, 40), dtype=bool),
    )
    assert not can_share(many)
    # Their figures take their own draws instead.
    assert chance_corrected(many, [(0, 1)], BootstrapSettings(10)).pairs[("c0", "c1")]["pooled_kappa"].value is None
    rng = np.random.default_rng(1)
    seen = np.ones((12, 40), dtype=bool)
    applied = rng.random((12, 40, 1)) < 0.5
    varied = Codings(units=tuple(f"u{u}" for u in range(12)), coders=many.coders, codes=("k",), applied=applied, seen=seen)
    assert chance_corrected(varied, [(0, 1)], BootstrapSettings(10)).overall["fleiss_kappa"].ci is not None


def test_set_distance_alphas_beyond_the_set_limit_say_why_they_have_no_interval(monkeypatch):
    # Past SET_BOOTSTRAP_LIMIT distinct sets the shared draw leaves the set-distance alphas out,
    # and their note says why; the other figures keep their intervals.
    from reliability.figures.coefficients import resampled, set_distance

    codings = random_codings(7)
    n_sets = len(codings.set_labels()[1])
    monkeypatch.setattr(set_distance, "SET_BOOTSTRAP_LIMIT", n_sets - 1)
    monkeypatch.setattr(resampled, "SET_BOOTSTRAP_LIMIT", n_sets - 1)
    result = chance_corrected(codings, [(0, 1)], BootstrapSettings(N_RESAMPLES, seed=7))
    for distance in SET_DISTANCES:
        figure = result.overall[f"krippendorff_alpha_{distance}"]
        assert figure.value is not None and figure.ci is None
        assert figure.note.startswith(f"no interval: {n_sets:,} distinct code sets are more than")
    assert result.overall["fleiss_kappa"].ci is not None
    drawn = resampled.shared_intervals(codings, [(0, 1)], BootstrapSettings(N_RESAMPLES, seed=7))
    assert "krippendorff_alpha_masi" not in drawn.overall and "fleiss_kappa" in drawn.overall
