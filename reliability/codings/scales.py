"""Levels of measurement: where each code sits on an ordered scale.

Single-label codes can be more than names: intensity ("low, medium, high"),
a rating 1–5, a count. :func:`ordered_scale` fixes the order of the codes, and
the numeric value of each, from numeric codes, from the codebook's order or from
an explicit order; :meth:`Scale.labels` turns a :class:`~reliability.codings.model.Codings`
into the (units × coders) position matrix the weighted coefficients run on.

Values: on an ordinal scale only the order counts, so a code's value is its
position 1..K. On an interval or ratio scale numeric codes keep their numbers;
non-numeric codes in a given order are taken as equally spaced (1..K) on an
interval scale, and refused on a ratio scale, whose zero must mean something.

References
----------
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability*, 4th ed., ch. 3 (weights).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .model import UNCODED, Codings
from ..errors import UsageError
from .levels import AGREEMENT_WEIGHTS, LEVELS

__all__ = ["AGREEMENT_WEIGHTS", "LEVELS", "Scale", "ordered_scale", "parse_order"]


@dataclass(frozen=True)
class Scale:
    """An ordered scale of codes.

    Parameters
    ----------
    level : {"ordinal", "interval", "ratio"}
    codes : tuple of str, length K
        The codes from lowest to highest (levels nobody used included).
    values : tuple of float, length K
        The number each code stands for (see the module docstring).
    source : str
        Where the order came from: "numeric codes", "codebook" or "--order".
    """

    level: str
    codes: tuple[str, ...]
    values: tuple[float, ...]
    source: str

    def labels(self, codings: Codings) -> np.ndarray:
        """Each coder's code as its position on the scale.

        Returns
        -------
        ndarray of int, shape (n_units, n_coders)
            0..K-1, or -1 where the coder did not code the unit.

        Raises
        ------
        UsageError
            When a unit has several codes from one coder, or none and the scale has
            no place for "(uncoded)".
        """
        applied, seen = codings.applied, codings.seen
        n_codes = applied.sum(axis=2)
        if (n_codes > 1).any():
            unit, coder = np.argwhere(n_codes > 1)[0]
            raise UsageError(
                f"--scale {self.level} needs one code per unit and coder, but {codings.coders[coder]} gave "
                f"unit {codings.units[unit]} {int(n_codes[unit, coder])} codes; use --scale nominal for multi-label data"
            )
        position = {code: k for k, code in enumerate(self.codes)}
        uncoded = seen & (n_codes == 0)
        if uncoded.any() and UNCODED not in position:
            unit, coder = np.argwhere(uncoded)[0]
            raise UsageError(
                f"{codings.coders[coder]} coded unit {codings.units[unit]} with no code, which has no place on the "
                f"{self.level} scale; put '{UNCODED}' in --order where it belongs, or use --scale nominal"
            )
        code_position = np.array([position[code] for code in codings.codes], dtype=np.int64)
        labels = np.full(seen.shape, -1, dtype=np.int64)
        has_code = n_codes == 1
        labels[has_code] = code_position[np.argmax(applied, axis=2)[has_code]]
        if uncoded.any():
            labels[uncoded] = position[UNCODED]
        return labels

    @property
    def weights(self) -> str:
        """The irrCAC weights of AC2 and Conger's kappa on this scale."""
        return AGREEMENT_WEIGHTS[self.level]

    def to_dict(self) -> dict:
        return {"level": self.level, "order": list(self.codes), "order_from": self.source, "weights": self.weights}


def parse_order(text: str) -> tuple[str, ...]:
    """``--order "low,medium,high"`` as a tuple of codes; a UsageError when empty or repeated."""
    codes = tuple(part.strip() for part in text.split(","))
    if not all(codes):
        raise UsageError(f"--order '{text}' has an empty entry; list the codes from lowest to highest, e.g. --order \"low,medium,high\"")
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise UsageError(f"--order names {', '.join(repeated)} more than once; list each code once")
    return codes


def ordered_scale(
    level: str,
    codes: Sequence[str],
    order: Sequence[str] | None = None,
    codebook_order: Sequence[str] | None = None,
) -> Scale:
    """The scale of the codes in use: its order and each code's value.

    Parameters
    ----------
    level : {"ordinal", "interval", "ratio"}
    codes : sequence of str
        The codes the coders used (``Codings.codes``).
    order : sequence of str, optional
        An explicit order (``--order``), lowest first; wins over everything.
    codebook_order : sequence of str, optional
        The codebook's codes in its order; used when the codes are not all numbers.

    Raises
    ------
    UsageError
        A code missing from the order, no order to be had, or a ratio scale of
        codes that are not non-negative numbers.

    Examples
    --------
    >>> ordered_scale("ordinal", ["10", "2", "1"]).codes
    ('1', '2', '10')
    >>> ordered_scale("interval", ["low", "high"], order=["low", "medium", "high"]).values
    (1.0, 2.0, 3.0)
    """
    if level not in AGREEMENT_WEIGHTS:
        raise UsageError(f"'{level}' is not an ordered scale; choose one of {', '.join(AGREEMENT_WEIGHTS)}")
    codes = [code for code in codes]
    if order is not None:
        ordered, source = tuple(order), "--order"
        _check_covers(ordered, codes, "--order", "add it to --order where it belongs")
    elif codes and all(_number(code) is not None for code in codes):
        ordered, source = tuple(sorted(codes, key=lambda code: _number(code))), "numeric codes"
    elif codebook_order is not None:
        ordered, source = tuple(codebook_order), "codebook"
        _check_covers(ordered, codes, "the codebook", "add it to the codebook, or give the order with --order")
    else:
        raise UsageError(
            f"--scale {level} needs the order of the codes: they are not all numbers; give it with "
            f'--order "{",".join(codes[:3]) or "low,medium,high"}" (lowest first) or with a codebook that lists them in order'
        )
    numbers = [_number(code) for code in ordered if code != UNCODED]
    numeric = len(numbers) == len([code for code in ordered if code != UNCODED]) and all(n is not None for n in numbers)
    if level == "ordinal" or not numeric:
        if level == "ratio":
            raise UsageError(
                "--scale ratio needs numeric codes (a ratio scale has a true zero); use --scale interval "
                "or --scale ordinal for ordered labels"
            )
        values = tuple(float(k + 1) for k in range(len(ordered)))
    else:
        if UNCODED in ordered:
            raise UsageError(f"'{UNCODED}' has no number on an {level} scale; recode the empty codings or use --scale ordinal")
        values = tuple(float(_number(code)) for code in ordered)
        if list(values) != sorted(values):
            raise UsageError(f"--order puts the numeric codes out of numeric order ({', '.join(ordered)}); on an {level} scale their numbers decide")
        if level == "ratio" and min(values) < 0:
            raise UsageError("--scale ratio needs non-negative codes (a ratio scale starts at a true zero); use --scale interval")
    return Scale(level=level, codes=ordered, values=values, source=source)


def _check_covers(order: tuple[str, ...], codes: list[str], where: str, fix: str) -> None:
    missing = [code for code in codes if code not in order]
    if missing:
        raise UsageError(f"code '{missing[0]}' is not in {where} ({', '.join(order)}); {fix}")


def _number(code: str) -> float | None:
    """The code as a finite number, or None."""
    try:
        value = float(code)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
