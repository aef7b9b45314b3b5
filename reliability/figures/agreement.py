"""Observed agreement on code sets (DESIGN §3).

An empty set takes part as the pseudo-code "(uncoded)": two coders who both
found no appropriate category agree. Everything is computed per unit with numpy
over the table's distinct sets (``Codings.set_table``) or the whole ``applied``
array; no per-unit Python loops.

Each figure is the share of its counted units that agree (:func:`share`), so its
per-unit (indicator, counted) pair is all a bootstrap needs: :func:`pair_shares`
and :func:`overall_shares` give them, for the figures' own draws here or for the
draw shared with the chance-corrected figures
(:mod:`reliability.figures.coefficients.resampled`), whose intervals come back
as :class:`DrawnIntervals`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..codings.model import Codings
from .figure import Figure, proportion
from .intervals import BootstrapSettings, bootstrap


@dataclass(frozen=True)
class UnitAgreement:
    """Per-unit agreement indicators for a pair or for all coders.

    Attributes
    ----------
    counted : ndarray of bool, shape (n_units,)
        Units that take part (both coders, or every coder, coded them).
    identical, shared : ndarray of bool, shape (n_units,)
        Code sets identical; at least one code in common.
    jaccard : ndarray of float, shape (n_units,), or None
        For a pair: |A∩B| / |A∪B| (1 for two empty sets); 0 where not counted.
        None for all coders, where no Jaccard figure is reported.
    """

    counted: np.ndarray
    identical: np.ndarray
    shared: np.ndarray
    jaccard: np.ndarray | None = None


Interval = tuple[float, float] | None
"""A percentile interval, or None when the figure is undefined in most resamples."""

Shares = dict[str, tuple[np.ndarray, np.ndarray]]
"""Figures by name, each as its per-unit (indicator or score, counted) arrays of shape (n_units,)."""


@dataclass(frozen=True)
class DrawnIntervals:
    """Intervals of the observed-agreement figures drawn together with other figures.

    A figure undefined on the data, or not resampled, has no entry.
    """

    overall: dict[str, Interval] = field(default_factory=dict)
    """percent_agreement, shared_agreement over all coders."""
    at_least_k: dict[int, Interval] = field(default_factory=dict)
    """By k, as ``OverallAgreement.at_least_k``."""
    pairs: list[dict[str, Interval]] = field(default_factory=list)
    """Per pair, in the order drawn: percent_agreement, shared_agreement, jaccard."""


@dataclass(frozen=True)
class PairAgreement:
    """Observed agreement of one pair of coders."""

    coders: tuple[str, str]
    n_units: int
    percent_agreement: Figure
    shared_agreement: Figure
    jaccard: Figure


@dataclass(frozen=True)
class OverallAgreement:
    """Observed agreement across all coders."""

    n_units: int
    percent_agreement: Figure
    shared_agreement: Figure
    at_least_k: dict[int, Figure]


def pair_units(codings: Codings, a: int, b: int) -> UnitAgreement:
    """Per-unit agreement of coders ``a`` and ``b``.

    From the table's distinct sets (``Codings.set_table``): two cells hold the same
    set when their set indices are equal, and the codes they share are counted on
    the packed sets. The empty set is the pseudo-code "(uncoded)": one code, shared
    by two empty sets.
    """
    table = codings.set_table
    counted = codings.seen[:, a] & codings.seen[:, b]
    set_a, set_b = table.labels[:, a], table.labels[:, b]
    both, either = table.overlap(set_a, set_b)
    jaccard = np.divide(both, either, out=np.zeros(len(both)), where=counted & (either > 0))
    return UnitAgreement(
        counted=counted,
        identical=counted & (set_a == set_b),
        shared=counted & (both > 0),
        jaccard=jaccard,
    )


def all_units(codings: Codings, most: np.ndarray) -> UnitAgreement:
    """Per-unit agreement of every coder: units every coder coded.

    ``most`` is :func:`_most_coders_on_one_code`: on a unit every coder coded, the
    coders share a code (or all left it empty, "(uncoded)") when that many are all of them.
    """
    counted = codings.seen.all(axis=1)
    labels = codings.set_table.labels
    return UnitAgreement(
        counted=counted,
        identical=counted & (labels == labels[:, :1]).all(axis=1),
        shared=counted & (most >= codings.n_coders),
    )


def _most_coders_on_one_code(codings: Codings) -> np.ndarray:
    """Per unit, the most coders who applied one code ("(uncoded)" among the codes)."""
    table = codings.set_table
    uncoded = (codings.seen & (table.size_of(table.labels) == 0)).sum(axis=1)
    return np.maximum(codings.coders_per_code.max(axis=1, initial=0), uncoded)


def _at_least_k(raters: np.ndarray, most: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    counted = raters >= k
    return counted, counted & (most >= k)


def share(indicator: np.ndarray, counted: np.ndarray, ci: BootstrapSettings | None = None) -> Figure:
    """Mean of a per-unit indicator (or score) over the counted units, with an optional interval.

    The interval draws the counted units for this figure alone; :func:`compare_pair`
    and :func:`compare_all` take intervals from a draw shared by many figures instead.
    """
    n = int(counted.sum())
    figure = proportion(float(np.asarray(indicator, dtype=float)[counted].sum()), n)
    if ci is None or figure.value is None:
        return figure
    contributions = np.column_stack([np.where(counted, indicator, 0.0), counted.astype(float)])
    with np.errstate(invalid="ignore", divide="ignore"):
        return figure.with_ci(bootstrap(contributions, lambda s: s[:, 0] / s[:, 1], ci))


def pair_shares(codings: Codings, a: int, b: int) -> Shares:
    """The per-unit (indicator, counted) of each figure of :func:`compare_pair`."""
    units = pair_units(codings, a, b)
    return {
        "percent_agreement": (units.identical, units.counted),
        "shared_agreement": (units.shared, units.counted),
        "jaccard": (units.jaccard, units.counted),
    }


def overall_shares(codings: Codings) -> tuple[Shares, dict[int, tuple[np.ndarray, np.ndarray]]]:
    """The per-unit (indicator, counted) of each figure of :func:`compare_all`: by name, and by k."""
    raters, most = codings.seen.sum(axis=1), _most_coders_on_one_code(codings)
    units = all_units(codings, most)
    at_least = {k: _at_least_k(raters, most, k)[::-1] for k in range(2, codings.n_coders + 1)}
    named = {"percent_agreement": (units.identical, units.counted), "shared_agreement": (units.shared, units.counted)}
    return named, at_least


def _figures(
    shares: dict[Any, tuple[np.ndarray, np.ndarray]], ci: BootstrapSettings | None, drawn: dict[Any, Interval] | None
) -> dict[Any, Figure]:
    """Each share's Figure: with its own draw's interval, or with the interval drawn for it (``drawn``)."""
    if drawn is None:
        return {key: share(indicator, counted, ci) for key, (indicator, counted) in shares.items()}
    figures = {key: share(indicator, counted) for key, (indicator, counted) in shares.items()}
    return {key: figure if figure.value is None else figure.with_ci(drawn.get(key)) for key, figure in figures.items()}


def compare_pair(
    codings: Codings,
    a: int,
    b: int,
    ci: BootstrapSettings | None = None,
    drawn: dict[str, Interval] | None = None,
) -> PairAgreement:
    """Percent, shared and Jaccard agreement of coders ``a`` and ``b``.

    Parameters
    ----------
    codings : Codings
    a, b : int
        Coder indices.
    ci : BootstrapSettings, optional
        Each figure's interval from its own draw of the units both coders coded.
    drawn : dict of str to interval, optional
        The figures' intervals from a draw shared with other figures
        (``DrawnIntervals.pairs``); used instead of ``ci``.

    Examples
    --------
    Gillard's definition counts a unit when the two sets share a code:

    >>> from reliability.codings.model import from_sets
    >>> c = from_sets({"lead": {"s1": {"x", "y"}, "s2": {"x"}, "s3": set()},
    ...                "KO": {"s1": {"y"}, "s2": {"z"}, "s3": set()}})
    >>> r = compare_pair(c, 0, 1)
    >>> r.percent_agreement.value, r.shared_agreement.value, r.jaccard.value
    (0.3333333333333333, 0.6666666666666666, 0.5)
    """
    shares = pair_shares(codings, a, b)
    return PairAgreement(
        coders=(codings.coders[a], codings.coders[b]),
        n_units=int(shares["percent_agreement"][1].sum()),
        **_figures(shares, ci, drawn),
    )


def compare_all(
    codings: Codings, ci: BootstrapSettings | None = None, drawn: DrawnIntervals | None = None
) -> OverallAgreement:
    """Agreement across every coder, and the k-of-n figures for k = 2..n.

    ``ci`` gives each figure an interval from its own draw of the units it counts;
    ``drawn``, intervals from a draw shared with other figures, used instead.
    """
    named, at_least = overall_shares(codings)
    return OverallAgreement(
        n_units=int(named["percent_agreement"][1].sum()),
        **_figures(named, ci, None if drawn is None else drawn.overall),
        at_least_k=_figures(at_least, ci, None if drawn is None else drawn.at_least_k),
    )


def coder_pairs(codings: Codings, reference: str | None = None) -> list[tuple[int, int]]:
    """Every pair of coders, or each coder with the reference coder (reference first)."""
    if reference is None:
        n = codings.n_coders
        return [(a, b) for a in range(n) for b in range(a + 1, n)]
    ref = codings.coder_index(reference)
    return [(ref, other) for other in range(codings.n_coders) if other != ref]
