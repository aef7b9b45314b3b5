"""Every chance-corrected figure of a coding, in the three views of DESIGN §3.

:func:`chance_corrected` calls each family's per-call function for the overall
and pair figures, and each family's all-codes batch for the per-code view, which
returns the same figures up to the rounding of its summation order
(tests/test_coefficient_views.py). Intervals come from one shared draw of units
for all figures (:mod:`.resampled`); a clustered bootstrap (documents) goes
figure by figure through the per-call functions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from ...codings.model import Codings
from ..figure import Figure
from ..intervals import BootstrapSettings
from .alpha import _nominal_alpha_model, _presence_alpha, krippendorff_alpha
from .core import (
    _NO_PAIRED_UNIT,
    _NO_POSITIVE,
    _NO_SHARED_UNIT,
    _checked_labels,
    _divide,
    _model_figure,
    _point_figures,
    _Presence,
    _Ratings,
)
from .gwet import SET_LABEL_VARIANTS, _gwet_models, _presence_gwet_family, fleiss_kappa, gwet_ac1
from .kappa import _presence_cohen, cohen_kappa, pooled_kappa, pooled_kappa_of_counts
from .positive import _presence_positive, positive_agreement
from .draws import Interval, Intervals
from .resampled import shared_intervals, shares_draw
from .set_distance import set_distance_alphas

@dataclass(frozen=True)
class CodeCoefficients:
    """Presence/absence coefficients of one code.

    ``pairs`` maps a pair of coder names to ``{"cohen_kappa": Figure,
    "positive_agreement": Figure}``.
    """

    code: str
    fleiss_kappa: Figure
    krippendorff_alpha: Figure
    gwet_ac1: Figure
    positive_agreement: Figure
    pairs: dict[tuple[str, str], dict[str, Figure]]


@dataclass(frozen=True)
class Coefficients:
    """Every chance-corrected figure of one coding (DESIGN §3).

    ``overall`` has the keys fleiss_kappa, krippendorff_alpha,
    krippendorff_alpha_masi, krippendorff_alpha_jaccard, gwet_ac1 and
    brennan_prediger; ``pairs`` maps a pair of coder names to
    ``{"cohen_kappa": Figure, "pooled_kappa": Figure}``; ``codes`` follows the
    order of ``Codings.codes``.
    """

    overall: dict[str, Figure]
    pairs: dict[tuple[str, str], dict[str, Figure]]
    codes: tuple[CodeCoefficients, ...]


def chance_corrected(
    codings: Codings,
    pairs: list[tuple[int, int]],
    bootstrap: BootstrapSettings | None = None,
    drawn: Intervals | None = None,
) -> Coefficients:
    """Every chance-corrected figure of a coding, in the three views of DESIGN §3.

    Parameters
    ----------
    codings : Codings
    pairs : list of (int, int)
        Coder index pairs to compare (all pairs, or a reference coder vs the others).
    bootstrap : BootstrapSettings, optional
        When given, every figure gets a percentile interval: resampling units, from
        draws shared by all figures (:func:`.resampled.shared_intervals`); with
        ``clusters``, from each figure's own draws.
    drawn : Intervals, optional
        The shared draw's intervals, when the caller has drawn them for more figures
        (``shared_intervals(codings, pairs, bootstrap, observed=True)``, where
        ``shares_draw(codings, bootstrap)``); without it, drawn here.

    Returns
    -------
    Coefficients
        ``overall``: set-as-one-label Fleiss, alpha, AC1 and Brennan–Prediger over
        all coders (Gwet's generalisation for missing ratings) and MASI/Jaccard
        alpha; ``pairs``: set-as-one-label Cohen's kappa and pooled kappa;
        ``codes``: presence/absence coefficients of each code (computed for all
        codes at once unless documents are resampled, with the per-code
        functions' figures up to the rounding of the summation order).

    Examples
    --------
    >>> from reliability.codings.model import from_sets
    >>> codings = from_sets({"A": {"u1": {"x"}, "u2": {"y"}, "u3": set()},
    ...                      "B": {"u1": {"x"}, "u2": {"x", "y"}, "u3": set()}})
    >>> result = chance_corrected(codings, [(0, 1)])
    >>> sorted(result.overall)  # doctest: +NORMALIZE_WHITESPACE
    ['brennan_prediger', 'fleiss_kappa', 'gwet_ac1', 'krippendorff_alpha',
     'krippendorff_alpha_jaccard', 'krippendorff_alpha_masi']
    >>> list(result.pairs[("A", "B")]), [code.code for code in result.codes]
    (['cohen_kappa', 'pooled_kappa'], ['x', 'y'])
    """
    coder_names = codings.coders
    for first, second in pairs:
        if not (0 <= first < codings.n_coders and 0 <= second < codings.n_coders) or first == second:
            raise ValueError(f"({first}, {second}) is not a pair of distinct coder indices")
    labels = codings.set_table.labels
    applied, seen = codings.applied, codings.seen
    # Resampling units one by one, every figure's interval comes from shared draws (resampled.py),
    # and the figures themselves as without a bootstrap; a clustered bootstrap (or one of more
    # coders than patterns can be numbered for) goes figure by figure.
    shared = shares_draw(codings, bootstrap)
    own = None if shared else bootstrap
    if shared and drawn is None:
        drawn = shared_intervals(codings, pairs, bootstrap, labels)
    set_distances = set_distance_alphas(
        codings.set_table, ("masi", "jaccard"), bootstrap, drawn.overall if shared else None
    )
    # The four set-as-one-label figures read the same ratings.
    ratings = _Ratings.of(_checked_labels(labels), min_raters=1)
    gwet_family = _gwet_models(ratings, SET_LABEL_VARIANTS)
    overall = {
        "fleiss_kappa": _model_figure(gwet_family["fleiss_kappa"], own),
        "krippendorff_alpha": _model_figure(_nominal_alpha_model(ratings), own),
        "krippendorff_alpha_masi": set_distances["masi"],
        "krippendorff_alpha_jaccard": set_distances["jaccard"],
        "gwet_ac1": _model_figure(gwet_family["gwet_ac1"], own),
        "brennan_prediger": _model_figure(gwet_family["brennan_prediger"], own),
    }
    # Without figure-by-figure draws, a pair's pooled kappa comes from the per-code 2 × 2 tables
    # the codes view counts anyway.
    presence, tables = _presence_counts(codings, pairs) if own is None else (None, None)
    pair_figures = {}
    for first, second in pairs:
        both = seen[:, first] & seen[:, second]
        pair_figures[(coder_names[first], coder_names[second])] = {
            "cohen_kappa": cohen_kappa(labels[:, [first, second]], own),
            "pooled_kappa": pooled_kappa_of_counts(*tables[(first, second)]) if own is None else pooled_kappa(
                applied[both, first], applied[both, second], own.restricted(both)
            ),
        }
    if own is None:
        point = Coefficients(
            overall=overall, pairs=pair_figures, codes=_code_coefficients(codings, pairs, presence, tables)
        )
        return point if bootstrap is None else _with_intervals(point, drawn)
    codes = []
    for k, code in enumerate(codings.codes):
        presence = codings.code_labels(k)
        codes.append(
            CodeCoefficients(
                code=code,
                fleiss_kappa=fleiss_kappa(presence, bootstrap),
                krippendorff_alpha=krippendorff_alpha(presence, bootstrap),
                gwet_ac1=gwet_ac1(presence, n_categories=2, bootstrap=bootstrap),
                positive_agreement=positive_agreement(presence, bootstrap),
                pairs={
                    (coder_names[first], coder_names[second]): {
                        "cohen_kappa": cohen_kappa(presence[:, [first, second]], bootstrap),
                        "positive_agreement": positive_agreement(
                            presence[:, [first, second]], bootstrap
                        ),
                    }
                    for first, second in pairs
                },
            )
        )
    return Coefficients(overall=overall, pairs=pair_figures, codes=tuple(codes))


_SHARED = ("fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "brennan_prediger", "cohen_kappa",
           "pooled_kappa", "positive_agreement")
"""The figures whose intervals :func:`_with_intervals` attaches (the set-distance alphas have theirs
from :func:`set_distance_alphas`, which also says when there are too many distinct sets for one)."""


def _with_intervals(point: Coefficients, intervals: Intervals) -> Coefficients:
    """The figures with the intervals of :func:`shared_intervals` attached (a defined figure
    the intervals miss gets none, and a note saying so)."""

    def attach(figures: dict[str, Figure], found: dict[str, Interval]) -> dict[str, Figure]:
        return {
            name: figure.with_ci(found.get(name)) if figure.value is not None and name in _SHARED else figure
            for name, figure in figures.items()
        }

    per_code = ("fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "positive_agreement")
    return Coefficients(
        overall=attach(point.overall, intervals.overall),
        pairs={pair: attach(figures, found) for (pair, figures), found in zip(point.pairs.items(), intervals.pairs)},
        codes=tuple(
            replace(
                code,
                **attach({name: getattr(code, name) for name in per_code}, found),
                pairs={
                    pair: attach(figures, pair_found)
                    for (pair, figures), pair_found in zip(code.pairs.items(), found_pairs)
                },
            )
            for code, found, found_pairs in zip(point.codes, intervals.codes, intervals.code_pairs)
        ),
    )


class _PairCounts(NamedTuple):
    """A pair's 2 × 2 table of every code, over the units both coders coded."""

    n_both: int
    by_first: np.ndarray
    """Shape (n_codes,): of those units, how many the first coder applied the code to."""
    by_second: np.ndarray
    together: np.ndarray
    """Shape (n_codes,): how many both applied it to."""


def _presence_counts(
    codings: Codings, pairs: list[tuple[int, int]]
) -> tuple[_Presence, dict[tuple[int, int], _PairCounts]]:
    """What the presence/absence figures of every code are computed from, in one pass over the applications.

    The codes' ratings (:class:`~.core._Presence`) and, for each coder pair, each
    code's 2 × 2 table: the first coder's and the second's applications on units
    both coded, intersected. Both come from the (code, unit) entries somebody
    applied: the other cells of a code's column hold no application.
    """
    applied, seen = codings.applied, codings.seen
    applying = codings.coders_per_code
    # Sorted by code, then unit: the order the per-code sums are taken in.
    code, unit = np.nonzero(applying.T)
    presence = _Presence.of(code, unit, applying[unit, code], seen.sum(axis=1), codings.n_codes)
    # Codings keeps applied False where the unit is not seen: an application is a rating.
    # One contiguous row per coder: who applied each entry's code, who saw its unit.
    who_applied = np.ascontiguousarray(applied[unit, :, code].T)
    who_saw = np.ascontiguousarray(seen[unit].T)
    # A code's entries are consecutive: a mask's count per code is a sum over each code's run.
    code_bounds = np.searchsorted(code, np.arange(codings.n_codes + 1))
    has_entries = code_bounds[1:] > code_bounds[:-1]
    run_starts = code_bounds[:-1][has_entries]

    def per_code(mask: np.ndarray) -> np.ndarray:
        counts = np.zeros(codings.n_codes, dtype=np.int64)
        if len(run_starts):
            counts[has_entries] = np.add.reduceat(mask.view(np.uint8), run_starts, dtype=np.int64)
        return counts

    tables = {}
    for first, second in pairs:
        by_first, by_second = who_applied[first], who_applied[second]
        tables[(first, second)] = _PairCounts(
            int(np.count_nonzero(seen[:, first] & seen[:, second])),
            per_code(by_first & who_saw[second]),
            per_code(by_second & who_saw[first]),
            per_code(by_first & by_second),
        )
    return presence, tables


def _code_coefficients(
    codings: Codings,
    pairs: list[tuple[int, int]],
    presence: _Presence,
    tables: dict[tuple[int, int], _PairCounts],
) -> tuple[CodeCoefficients, ...]:
    """The ``codes`` view of :func:`chance_corrected` without a bootstrap, all codes at once,
    from :func:`_presence_counts`.

    Presence/absence data has two categories, so every per-unit quantity follows
    from ``m_u`` (coders who coded the unit) and ``n_uk`` (coders who applied code
    k). Only the (code, unit) pairs someone applied are stored
    (:class:`~.core._Presence`): a unit nobody applied the code to adds a term that
    depends on ``m_u`` alone, counted once per distinct ``m_u``. Cost and memory
    follow the codings applied, not codes × units, and a pair's 2 × 2 table per
    code comes from three counts. The figures equal what :func:`fleiss_kappa`,
    :func:`krippendorff_alpha`, :func:`gwet_ac1` (2 categories),
    :func:`positive_agreement` and :func:`cohen_kappa` return for
    ``codings.code_labels(k)`` up to the rounding of a different summation order
    (tests/test_coefficient_views.py checks every field to a relative 1e-12).
    """
    fleiss, ac1 = _presence_gwet_family(presence)
    alpha = _presence_alpha(presence)
    positive = _presence_positive(presence)
    names = codings.coders
    pair_figures = {(names[a], names[b]): _presence_pair(tables[(a, b)], codings.n_codes) for a, b in pairs}
    return tuple(
        CodeCoefficients(
            code=code_name,
            fleiss_kappa=fleiss[k],
            krippendorff_alpha=alpha[k],
            gwet_ac1=ac1[k],
            positive_agreement=positive[k],
            pairs={
                pair: {"cohen_kappa": kappas[k], "positive_agreement": positives[k]}
                for pair, (kappas, positives) in pair_figures.items()
            },
        )
        for k, code_name in enumerate(codings.codes)
    )


def _presence_pair(table: _PairCounts, n_codes: int) -> tuple[list[Figure], list[Figure]]:
    """Cohen's kappa and positive agreement of every code for one pair of coders, from its 2 × 2 tables."""
    n_both, by_first, by_second, together = table
    if n_both == 0:
        return [Figure.undefined(0, _NO_SHARED_UNIT)] * n_codes, [Figure.undefined(0, _NO_PAIRED_UNIT)] * n_codes
    kappas = _presence_cohen(n_both, by_first, by_second, together)
    # Positive agreement's sums over units: sum n(n - 1) = 2 n11, sum n (m - 1) = n1. + n.1.
    value = _divide(2.0 * together, (by_first + by_second).astype(np.float64))
    return kappas, _point_figures(n_both, value, None, None, None, _NO_POSITIVE)
