"""The bootstrap: deterministic per seed, and the grouped draw has the classical distribution."""

import numpy as np
import pytest
from scipy import sparse

from reliability.figures.intervals import BootstrapSettings, bootstrap, percentile_interval, resampled_sums


def test_same_seed_same_sums_other_seed_other_sums():
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]] * 20)
    a = resampled_sums(rows, BootstrapSettings(100, seed=1))
    assert np.array_equal(a, resampled_sums(rows, BootstrapSettings(100, seed=1)))
    assert not np.array_equal(a, resampled_sums(rows, BootstrapSettings(100, seed=2)))


def test_every_resample_draws_n_units():
    rows = np.ones((37, 1))
    assert np.all(resampled_sums(rows, BootstrapSettings(50)) == 37)


@pytest.mark.parametrize("distinct_rows", [3, 200])
def test_resampled_sums_have_the_classical_bootstrap_moments(distinct_rows):
    # 3 distinct rows in 400 units take the grouped multinomial draw; 200 take the direct draw.
    # A sum over n draws with replacement has mean n·mean(x) and variance n·var(x).
    rng = np.random.default_rng(0)
    x = rng.integers(0, distinct_rows, 400).astype(float)[:, None]
    sums = resampled_sums(x, BootstrapSettings(4000, seed=5))[:, 0]
    n = len(x)
    assert sums.mean() == pytest.approx(n * x.mean(), rel=0.01)
    assert sums.var() == pytest.approx(n * x.var(), rel=0.1)


def test_sparse_and_dense_contributions_agree():
    dense = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 1.0], [3.0, 1.0, 0.0]] * 10)
    settings = BootstrapSettings(60, seed=3)
    assert np.allclose(resampled_sums(dense, settings), resampled_sums(sparse.csr_array(dense), settings))


def test_progress_is_told_every_chunk_of_resamples():
    calls = []
    settings = BootstrapSettings(150, progress=calls.append)
    bootstrap(np.ones((5, 1)), lambda s: s[:, 0], settings)
    assert calls == [64, 64, 22]  # CHUNK resamples at a time


def test_interval_is_none_when_mostly_undefined():
    assert percentile_interval(np.array([np.nan, np.nan, 1.0]), 0.95) is None
    assert percentile_interval(np.array([0.0, 1.0, 2.0, np.nan]), 0.5) == (0.5, 1.5)


def test_clusters_are_drawn_whole():
    # Three clusters of rows (1,1,1,1,1 | 1,1,0 | 0,0): a resample's counted units are sums of whole clusters.
    agree = np.array([[1.0, 1.0]] * 7 + [[0.0, 1.0]] * 3)
    clusters = np.array([0, 0, 0, 0, 0, 1, 1, 1, 2, 2])
    settings = BootstrapSettings(300, seed=2, clusters=clusters, resampling="segments")
    sums = resampled_sums(agree, settings)
    possible = {a + b + c for a in (0, 5, 10, 15) for b in (0, 3, 6, 9) for c in (0, 2, 4, 6)}
    assert set(sums[:, 1]) <= possible and (sums[:, 1] % 1 == 0).all()
    # Three draws of clusters: 5 + 3 + 2 units on average.
    assert abs(sums[:, 1].mean() - 10) < 1.0
    assert settings.to_dict() == {"unit": "segments", "clusters": 3, "n_resamples": 300, "confidence": 0.95, "seed": 2}


def test_rows_of_a_subset_are_placed_in_their_clusters():
    # The figure uses units 1, 2 and 4 of a table of five in two clusters.
    rows = np.array([[1.0], [2.0], [4.0]])
    clusters = np.array([0, 0, 1, 1, 1])
    sums = resampled_sums(rows, BootstrapSettings(50, seed=1, clusters=clusters), units=np.array([1, 2, 4]))
    assert set(sums[:, 0]) <= {2.0, 1.0 + 6.0, 12.0}  # two draws of clusters whose rows sum to 1 and 6


def test_a_missing_interval_says_why():
    from reliability.figures.figure import NO_INTERVAL, Figure

    figure = Figure(value=0.5, n_units=10).with_ci(None)
    assert figure.ci is None and figure.note == NO_INTERVAL
    assert Figure(value=0.5, n_units=10).with_ci((0.1, 0.9)).note is None
