"""The one result type every figure shares."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Figure:
    """A figure with the numbers it was computed from.

    Parameters
    ----------
    value : float or None
        The figure; ``None`` when it is undefined for this data (``note`` says why).
    n_units : int
        Number of units the figure used.
    p_o, p_e : float or None
        Observed and chance agreement, for chance-corrected figures.
    ci : tuple of float or None
        ``(low, high)`` interval from the bootstrap, when requested.
    se : float or None
        Analytic standard error, where the literature gives one.
    note : str or None
        Why the value is undefined, or a caveat.
    """

    value: float | None
    n_units: int
    p_o: float | None = None
    p_e: float | None = None
    ci: tuple[float, float] | None = None
    se: float | None = None
    note: str | None = None

    @classmethod
    def undefined(cls, n_units: int, note: str, p_o: float | None = None, p_e: float | None = None) -> "Figure":
        """An undefined figure with the reason."""
        return cls(value=None, n_units=n_units, p_o=_clean(p_o), p_e=_clean(p_e), note=note)

    def with_ci(self, ci: tuple[float, float] | None) -> "Figure":
        """This figure with a bootstrap interval attached, or with a note saying why there is none.

        A defined figure gets no interval when it is undefined in most resamples
        (:func:`reliability.intervals.percentile_interval`); the note says so.
        """
        if ci is None and self.value is not None:
            note = NO_INTERVAL if self.note is None else f"{self.note}; {NO_INTERVAL}"
            return replace(self, ci=None, note=note)
        return replace(self, ci=ci)

    def to_dict(self) -> dict:
        """The JSON form of DESIGN §4."""
        return {
            "value": _clean(self.value),
            "p_o": _clean(self.p_o),
            "p_e": _clean(self.p_e),
            "n_units": int(self.n_units),
            "ci": None if self.ci is None else [_clean(self.ci[0]), _clean(self.ci[1])],
            "se": _clean(self.se),
            "note": self.note,
        }


NO_INTERVAL = (
    "no interval: the figure is undefined in more than half of the bootstrap resamples "
    "(or its units lie in fewer than two of the clusters resampled)"
)


def _clean(x: float | None) -> float | None:
    """A plain float, or None for missing/NaN/inf (JSON has no NaN)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def proportion(numerator: float, denominator: int, what: str = "units") -> Figure:
    """A plain proportion as a Figure; undefined when there is nothing to divide by."""
    if denominator == 0:
        return Figure.undefined(0, f"no {what} to compare")
    return Figure(value=float(numerator) / denominator, n_units=int(denominator))
