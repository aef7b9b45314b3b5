"""Positive (specific) agreement on one code, per call and for every code at once."""

from __future__ import annotations

import numpy as np

from ..figure import Figure
from ..intervals import BootstrapSettings
from .core import (
    _NO_PAIRED_UNIT,
    _NO_POSITIVE,
    _checked_labels,
    _column,
    _divide,
    _Model,
    _model_figure,
    _Parts,
    _point_figures,
    _Presence,
    _stack,
)

def positive_agreement(labels: np.ndarray, bootstrap: BootstrapSettings | None = None) -> Figure:
    """Positive (specific) agreement on one code, for two or more coders.

    ``sum_u n_u (n_u - 1) / sum_u n_u (m_u - 1)`` over units with ``m_u >= 2``
    ratings, ``n_u`` of which apply the code; for two coders this is
    ``2 n11 / (2 n11 + n10 + n01)``.

    Parameters
    ----------
    labels : ndarray of int, shape (n_units, n_coders)
        1 where the coder applied the code, 0 where not, -1 where missing
        (:meth:`~reliability.codings.model.Codings.code_labels`).
    bootstrap : BootstrapSettings, optional
        When given, ``ci`` is a percentile interval over resampled units.

    Returns
    -------
    Figure
        Not chance-corrected: ``p_o`` and ``p_e`` are None. Undefined when no
        unit has two ratings or nobody applied the code to such a unit.

    Examples
    --------
    "yes" in Wikipedia's Cohen's kappa table [[20, 5], [10, 15]]: 2·20 / (2·20 + 5 + 10).

    >>> labels = np.array([[1, 1]] * 20 + [[1, 0]] * 5 + [[0, 1]] * 10 + [[0, 0]] * 15)
    >>> round(positive_agreement(labels).value, 5), round(40 / 55, 5)
    (0.72727, 0.72727)
    """
    return _model_figure(_positive_model(labels), bootstrap)


def _positive_model(labels: np.ndarray) -> _Model | Figure:
    """The model of :func:`positive_agreement`, or the undefined Figure."""
    labels = _checked_labels(labels)
    if labels.size and labels.max() > 1:
        raise ValueError("positive agreement needs presence/absence labels: 1, 0 or -1")
    raters = (labels >= 0).sum(axis=1)
    paired = raters >= 2
    if not paired.any():
        return Figure.undefined(0, _NO_PAIRED_UNIT)
    applying = (labels[paired] == 1).sum(axis=1).astype(np.float64)
    contributions = _stack(
        len(applying),
        _column(applying * (applying - 1.0)),
        _column(applying * (raters[paired] - 1.0)),
        units=np.flatnonzero(paired),
    )
    return _Model(contributions, _positive_statistic, _NO_POSITIVE)


def _positive_statistic(sums: np.ndarray) -> _Parts:
    return _Parts(_divide(sums[:, 0], sums[:, 1]))


def _presence_positive(presence: _Presence) -> list[Figure]:
    """Positive agreement of every code among all coders, as :func:`positive_agreement`."""
    paired = presence.restricted(2)
    if paired.n_units == 0:
        return [Figure.undefined(0, _NO_PAIRED_UNIT) for _ in range(paired.n_codes)]
    applying, raters = paired.applying, paired.raters
    # A unit to which nobody applied the code adds 0 to both sums; integer sums are exact in any order.
    value = _divide(
        paired.code_sums(applying * (applying - 1.0), 0.0), paired.code_sums(applying * (raters - 1.0), 0.0)
    )
    return _point_figures(paired.n_units, value, None, None, None, _NO_POSITIVE)
