"""Every figure of a coding on an ordered scale (``--scale``): the weighted figures of :mod:`.weighted`.

As :mod:`.views` is for the nominal figures: the point figures from the scale's
label matrix, and their intervals from the draw of units every figure shares
(:mod:`.resampled_scale`); a clustered bootstrap (documents) goes figure by figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...codings.model import Codings
from ...codings.scales import Scale
from ..figure import Figure
from ..intervals import BootstrapSettings
from .core import _model_figure
from .draws import Interval, Intervals
from .resampled import shares_draw
from .resampled_scale import scaled_intervals
from .weighted import _ac2_model, _conger_model, _pair_models, _scaled_alpha_model, agreement_weights


@dataclass(frozen=True)
class ScaledFigures:
    """The figures of an ordered scale: ``overall`` by figure key (the registry's ``ordered_scale_only``
    overall figures), ``pairs`` by coder names."""

    overall: dict[str, Figure]
    pairs: dict[tuple[str, str], dict[str, Figure]]


def scaled_figures(
    codings: Codings,
    scale: Scale,
    pairs: list[tuple[int, int]],
    bootstrap: BootstrapSettings | None = None,
    drawn: Intervals | None = None,
) -> ScaledFigures:
    """Every figure of single-label codings on an ordered scale.

    Parameters
    ----------
    codings : Codings
        Single-label (checked by :meth:`Scale.labels`).
    scale : Scale
    pairs : list of (int, int)
        Coder index pairs for the weighted kappas.
    bootstrap : BootstrapSettings, optional
        When given, every figure gets a percentile interval: resampling units, from
        the draws every figure shares (:func:`.resampled_scale.scaled_intervals`);
        with ``clusters``, from each figure's own draws.
    drawn : Intervals, optional
        The shared draw's intervals, when the caller has drawn them with the other
        figures' (``shared_intervals(codings, pairs, bootstrap, scale=scale)``, where
        ``shares_draw(codings, bootstrap)``); without it, drawn here for these
        figures alone. Either way the same intervals: a figure's resamples do not
        depend on the figures drawn with it.

    Returns
    -------
    ScaledFigures
        ``krippendorff_alpha`` at the scale's level; ``gwet_ac2`` and
        ``conger_kappa`` with irrCAC's weights for the level
        (:attr:`reliability.codings.scales.Scale.weights`); per pair, Cohen's kappa
        with linear and with quadratic weights on the scale's values.

    Examples
    --------
    >>> from reliability.codings.model import from_sets
    >>> from reliability.codings.scales import ordered_scale
    >>> codings = from_sets({"A": {"u1": {"low"}, "u2": {"high"}, "u3": {"mid"}},
    ...                      "B": {"u1": {"low"}, "u2": {"mid"}, "u3": {"mid"}}})
    >>> scale = ordered_scale("ordinal", codings.codes, order=["low", "mid", "high"])
    >>> result = scaled_figures(codings, scale, [(0, 1)])
    >>> list(result.overall), list(result.pairs[("A", "B")])
    (['krippendorff_alpha', 'gwet_ac2', 'conger_kappa'], ['cohen_kappa_linear', 'cohen_kappa_quadratic'])
    """
    labels = scale.labels(codings)
    # Resampling units one by one, the intervals come from the shared draw and the figures are
    # computed as without a bootstrap; a clustered bootstrap goes figure by figure.
    shared = shares_draw(codings, bootstrap)
    own = None if shared else bootstrap
    if shared and drawn is None:
        drawn = scaled_intervals(codings, scale, pairs, bootstrap)
    weights = agreement_weights(scale.weights, scale.values)
    overall = {
        "krippendorff_alpha": _model_figure(_scaled_alpha_model(labels, scale.level, scale.values), own),
        "gwet_ac2": _model_figure(_ac2_model(labels, weights), own),
        "conger_kappa": _model_figure(_conger_model(labels, weights), own),
    }
    names = codings.coders
    pair_figures = {
        (names[first], names[second]): {
            key: _model_figure(model, own) for key, model in _pair_models(labels[:, [first, second]], scale.values).items()
        }
        for first, second in pairs
    }
    if not shared:
        return ScaledFigures(overall=overall, pairs=pair_figures)
    return ScaledFigures(
        overall=_attached(overall, drawn.scale_overall),
        pairs={pair: _attached(figures, found) for (pair, figures), found in zip(pair_figures.items(), drawn.scale_pairs)},
    )


def _attached(figures: dict[str, Figure], found: dict[str, Interval]) -> dict[str, Figure]:
    """The figures with the shared draw's intervals attached (a defined figure the intervals miss
    gets none, and a note saying so)."""
    return {name: figure.with_ci(found.get(name)) if figure.value is not None else figure for name, figure in figures.items()}
