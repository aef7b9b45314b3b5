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


def test_progress_is_called_once_per_figure():
    calls = []
    settings = BootstrapSettings(20, progress=lambda: calls.append(1))
    bootstrap(np.ones((5, 1)), lambda s: s[:, 0], settings)
    assert calls == [1]


def test_interval_is_none_when_mostly_undefined():
    assert percentile_interval(np.array([np.nan, np.nan, 1.0]), 0.95) is None
    assert percentile_interval(np.array([0.0, 1.0, 2.0, np.nan]), 0.5) == (0.5, 1.5)
