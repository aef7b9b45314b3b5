"""How many units to double-code: before coding, and from a pilot.

Before coding (:func:`units_before_coding`): Krippendorff's minimum sample size
(Content Analysis, 2004, §11.4; 2019, §12.6), from Bloch & Kraemer's (1989,
eq. 3.7) variance of an agreement coefficient: to show ``alpha >= alpha_min``
at significance level ``p`` when the rarest category has probability ``p_c``,
two coders need

    N = 2 z^2 [ (1 + a)(3 - a) / (4 (1 - a) p_c (1 - p_c)) - a ],   a = alpha_min,

rounded up, with ``z`` the one-tailed standard normal quantile of ``1 - p``.
Krippendorff tabulates N for two coders; ATLAS.ti's manual, which reproduces the
table, calls it the number of codings. We ask for N *units*, the conservative
reading (never fewer than the table's number), whatever the number of coders.

From a pilot (:func:`units_from_pilot`): an interval's half-width shrinks as
``1 / sqrt(n)``, so a pilot of ``n0`` units whose 95 % interval has half-width
``h0`` needs ``n = n0 (h0 / h)^2`` units for half-width ``h``. Bootstrap
intervals are not symmetric: the wider side counts, so the plan is never short.

References
----------
Bloch, D. A. & Kraemer, H. C. (1989). 2 × 2 kappa coefficients: measures of
agreement or association. *Biometrics* 45, 269–287.
Krippendorff, K. (2004). *Content Analysis*, 2nd ed., §11.4.2, Table 11.4. Sage.
ATLAS.ti 22 Windows manual, "Sample Size and Decision Rules"
(https://doc.atlasti.com/ManualWin.v22/ICA/ICASampleSizeAndDecisionRules.html).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from ..errors import InputError, UsageError

TARGET_CONFIDENCE = 0.95
"""The confidence level of the interval a pilot plan aims at."""


@dataclass(frozen=True)
class Plan:
    """What to double-code, and why.

    ``units`` is how many units to double-code in all; ``more`` how many beyond
    a pilot's (None before coding); ``total_units`` the study's units, when known.
    """

    units: int
    method: str
    reason: str
    more: int | None = None
    total_units: int | None = None
    inputs: dict[str, Any] | None = None

    @property
    def share(self) -> float | None:
        """``units`` as a share of ``total_units``, when known."""
        return None if not self.total_units else self.units / self.total_units

    def advice(self) -> str:
        """The plan in one plain sentence."""
        share = "" if self.share is None else f" ({self.share * 100:.1f} % of your {self.total_units:,})"
        advice = f"double-code at least {self.units:,} units{share}"
        if self.more is not None:
            advice += f": {self.more:,} more than the pilot's {self.units - self.more:,}"
        if self.total_units and self.units > self.total_units:
            advice += f"; that is more than your {self.total_units:,} units, so double-code all of them and report the wider interval"
        return advice

    def to_dict(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "more": self.more,
            "total_units": self.total_units,
            "share": self.share,
            "method": self.method,
            "reason": self.reason,
            "inputs": dict(self.inputs or {}),
            "advice": self.advice(),
        }


def minimum_sample_size(alpha_min: float, significance: float, rarest: float) -> int:
    """Krippendorff's (2004, Table 11.4) minimum sample size for two coders.

    Parameters
    ----------
    alpha_min : float
        Smallest acceptable alpha, in (0, 1): .667, .800, .900 in the table.
    significance : float
        Level ``p`` at which ``alpha >= alpha_min`` is to be shown, in (0, 0.5).
    rarest : float
        ``p_c``, the probability of the rarest category, in (0, 0.5]; ``1 / K`` for K
        equally frequent categories.

    Returns
    -------
    int

    Examples
    --------
    ATLAS.ti's manual, from Krippendorff's table: four equally frequent codes
    (p_c = .25) at p = .05 need 139 for alpha_min = .800 and 81 for .667.

    >>> minimum_sample_size(0.8, 0.05, 0.25), minimum_sample_size(0.667, 0.05, 0.25)
    (139, 81)
    """
    if not 0.0 < alpha_min < 1.0:
        raise UsageError(f"--alpha-min {alpha_min} is outside (0, 1); Krippendorff's table uses .667, .800 or .900")
    if not 0.0 < significance < 0.5:
        raise UsageError(f"--significance {significance} is outside (0, 0.5); common levels are .10, .05, .01, .005")
    if not 0.0 < rarest <= 0.5:
        raise UsageError(
            f"--rarest {rarest} is outside (0, 0.5]; give the probability of the rarest category (1/K for K equally frequent ones)"
        )
    z = NormalDist().inv_cdf(1.0 - significance)
    a = alpha_min
    bracket = (1.0 + a) * (3.0 - a) / (4.0 * (1.0 - a) * rarest * (1.0 - rarest)) - a
    # A hair below the next integer is rounding noise, not a reason to ask for one more unit.
    return math.ceil(2.0 * z * z * bracket - 1e-9)


def units_before_coding(
    alpha_min: float, significance: float, rarest: float, total_units: int | None = None
) -> Plan:
    """The plan before any coding: Krippendorff's minimum sample size as units.

    Examples
    --------
    >>> units_before_coding(0.8, 0.05, 0.25, total_units=400).advice()
    'double-code at least 139 units (34.8 % of your 400)'
    """
    units = minimum_sample_size(alpha_min, significance, rarest)
    return Plan(
        units=units,
        method="krippendorff-2004-table-11.4",
        reason=(
            f"to show alpha >= {alpha_min:g} at p = {significance:g} when the rarest category has "
            f"probability {rarest:g} (Krippendorff, 2004, §11.4; Bloch & Kraemer, 1989)"
        ),
        total_units=total_units,
        inputs={"alpha_min": alpha_min, "significance": significance, "rarest": rarest},
    )


@dataclass(frozen=True)
class PilotFigure:
    """One figure of a pilot ``compare --format json --ci`` report."""

    name: str
    value: float
    n_units: int
    half_width: float
    """Half-width of its 95 % interval (the wider side of the bootstrap interval)."""
    from_se: bool
    """True when the pilot had no interval and the half-width is 1.96 se."""


def pilot_figure(report: dict[str, Any], name: str) -> PilotFigure:
    """Find a figure of ``overall`` in a pilot report and its 95 % half-width.

    Raises
    ------
    InputError
        The report is not a ``compare --format json`` report, or the figure is
        undefined, or has neither an interval nor a standard error.
    """
    overall = report.get("overall") if isinstance(report, dict) else None
    if not isinstance(overall, dict):
        raise InputError("the pilot file is not a 'reliability compare --format json' report (it has no 'overall')")
    figures = sorted(key for key, value in overall.items() if isinstance(value, dict) and "value" in value)
    if name not in figures:
        raise UsageError(f"the pilot report has no overall figure '{name}'; it has: {', '.join(figures)}")
    figure = overall[name]
    value, n_units = figure.get("value"), figure.get("n_units")
    if value is None or not n_units:
        raise InputError(f"{name} is undefined in the pilot ({figure.get('note') or 'no value'}); a plan needs a defined figure")
    confidence = (report.get("settings") or {}).get("confidence") or TARGET_CONFIDENCE
    target_z = NormalDist().inv_cdf(0.5 + TARGET_CONFIDENCE / 2.0)
    ci, se = figure.get("ci"), figure.get("se")
    if ci is not None and None not in ci:
        # Rescale the pilot's interval to 95 % (normal approximation) when it used another level.
        scale = target_z / NormalDist().inv_cdf(0.5 + confidence / 2.0)
        half_width = max(value - ci[0], ci[1] - value) * scale
        from_se = False
    elif se is not None:
        half_width, from_se = target_z * se, True
    else:
        raise InputError(f"{name} in the pilot has no interval or standard error; run the pilot with 'compare --ci --format json'")
    return PilotFigure(name, float(value), int(n_units), float(half_width), from_se)


def units_from_pilot(pilot: PilotFigure, half_width: float = 0.1, total_units: int | None = None) -> Plan:
    """Units that bring the pilot figure's 95 % interval to ``±half_width``.

    Examples
    --------
    A pilot of 50 units with interval ±0.2 needs four times the units for ±0.1:

    >>> plan = units_from_pilot(PilotFigure("krippendorff_alpha", 0.7, 50, 0.2, False), 0.1, 400)
    >>> plan.units, plan.more, plan.advice()
    (200, 150, "double-code at least 200 units (50.0 % of your 400): 150 more than the pilot's 50")
    """
    if not 0.0 < half_width < 1.0:
        raise UsageError(f"--half-width {half_width} is outside (0, 1); the default aims at ±0.1")
    needed = max(pilot.n_units, math.ceil(pilot.n_units * (pilot.half_width / half_width) ** 2 - 1e-9))
    source = "1.96 × its standard error (the pilot had no interval)" if pilot.from_se else "its interval"
    return Plan(
        units=needed,
        more=needed - pilot.n_units,
        method="pilot-interval",
        reason=(
            f"{pilot.name} = {pilot.value:.3f} on {pilot.n_units:,} pilot units, 95 % half-width "
            f"±{pilot.half_width:.3f} from {source}; half-widths shrink as 1/sqrt(units), so ±{half_width:g} "
            f"needs {needed:,} units"
        ),
        total_units=total_units,
        inputs={"figure": pilot.name, "pilot_units": pilot.n_units, "pilot_half_width": pilot.half_width,
                "half_width": half_width},
    )
