"""Percentile bootstrap over units, shared by every figure.

Every figure in this package is a function of sums over units of per-unit
contributions (a per-unit vector). A bootstrap resample draws units with
replacement; its sums are ``weights @ contributions`` where ``weights[b, u]`` is
how often unit ``u`` was drawn in resample ``b``. So a resample costs one matrix
product instead of a recomputation from scratch, and every figure computed from
the same seed sees the same resamples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

CHUNK = 64
"""Resamples drawn at a time: bounds memory at CHUNK × n_units weights."""


@dataclass(frozen=True)
class BootstrapSettings:
    """How to bootstrap: number of resamples, seed, confidence level."""

    n_resamples: int = 1000
    seed: int = 0
    confidence: float = 0.95


def resample_weights(n_units: int, settings: BootstrapSettings) -> Iterator[np.ndarray]:
    """Yield the resampling weights in chunks.

    Parameters
    ----------
    n_units : int
    settings : BootstrapSettings

    Yields
    ------
    ndarray of float64, shape (chunk, n_units)
        ``weights[b, u]`` = times unit ``u`` is drawn in resample ``b``; each row sums
        to ``n_units``. The sequence depends only on ``n_units`` and the settings.
    """
    rng = np.random.default_rng(settings.seed)
    done = 0
    uniform = np.full(n_units, 1.0 / n_units) if n_units else np.zeros(0)
    while done < settings.n_resamples:
        size = min(CHUNK, settings.n_resamples - done)
        if n_units:
            yield rng.multinomial(n_units, uniform, size=size).astype(np.float64)
        else:
            yield np.zeros((size, 0))
        done += size


def bootstrap(
    contributions: np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray],
    settings: BootstrapSettings,
) -> tuple[float, float] | None:
    """Percentile interval of a statistic of summed per-unit contributions.

    Parameters
    ----------
    contributions : ndarray, shape (n_units, d)
        Per-unit contributions whose column sums determine the statistic.
    statistic : callable
        Maps summed contributions, shape (n_resamples, d), to values, shape
        (n_resamples,); NaN where undefined in a resample.
    settings : BootstrapSettings

    Returns
    -------
    (low, high) or None
        None when the statistic is undefined in more than half the resamples.

    Examples
    --------
    Percent agreement is the mean of a per-unit 0/1 indicator:

    >>> agree = np.array([[1.0, 1.0]] * 7 + [[0.0, 1.0]] * 3)  # (agreed, counted)
    >>> low, high = bootstrap(agree, lambda s: s[:, 0] / s[:, 1], BootstrapSettings(200, seed=1))
    >>> bool(0.3 < low < 0.7 < high <= 1.0)
    True
    """
    contributions = np.asarray(contributions, dtype=np.float64)
    if contributions.ndim == 1:
        contributions = contributions[:, None]
    values = np.concatenate(
        [statistic(w @ contributions) for w in resample_weights(len(contributions), settings)]
    )
    return percentile_interval(values, settings.confidence)


def percentile_interval(values: np.ndarray, confidence: float) -> tuple[float, float] | None:
    """The central ``confidence`` share of the finite values; None if most are undefined."""
    finite = values[np.isfinite(values)]
    if len(finite) == 0 or len(finite) * 2 < len(values):
        return None
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(finite, [tail, 100.0 - tail])
    return float(low), float(high)
