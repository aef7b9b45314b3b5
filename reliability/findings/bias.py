"""Coder bias: does one coder apply a code far more, or far less, often than the others?

For each code and coder: the coder's *rate* (units the coder applied the code to,
over units the coder coded) against the rate of the other coders pooled. For
each pair of coders and each code, McNemar's exact test on the units both coded
asks whether the two apply the code equally often: of the units where exactly
one of them applied it, each should be the one about half the time (McNemar,
1947; exact two-sided binomial form). A coder is *flagged* for a code when the
rate is the highest of all coders and at least ``RATIO`` times the others'
(or the lowest and at most 1/``RATIO`` of theirs) and a McNemar test against
some other coder is significant at ``ALPHA`` in that direction.

For single-label data, the Stuart–Maxwell test (Stuart, 1955; Maxwell, 1970)
asks the same question of every category at once, per pair of coders: are the
two coders' marginal distributions over the codes (and "(uncoded)") the same?

Everything is computed from coder × code count arrays; there is no loop over units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..codings.model import Codings
from .entries import UsedCodes, used_codes

RATIO = 2.0
"""A coder's rate must differ from the others' by this factor to be flagged."""
ALPHA = 0.05
"""Significance level of the McNemar test behind a flag."""


@dataclass(frozen=True)
class McNemar:
    """McNemar's exact test of one code for one pair of coders.

    Attributes
    ----------
    coders : (str, str)
    only_first, only_second : int
        Units (of those both coded) where only the first, or only the second, applied the code.
    n_units : int
        Units both coded.
    p_value : float
        Two-sided exact binomial p-value; 1 when no unit tells them apart.
    """

    coders: tuple[str, str]
    only_first: int
    only_second: int
    n_units: int
    p_value: float

    def to_dict(self) -> dict:
        return {
            "coders": list(self.coders),
            "only_first": self.only_first,
            "only_second": self.only_second,
            "n_units": self.n_units,
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class CodeBias:
    """How often each coder applies one code, and the pairwise tests."""

    code: str
    applied: dict[str, int]
    coded: dict[str, int]
    """Units each coder coded (the denominator of the rate)."""
    tests: tuple[McNemar, ...]

    def rate(self, coder: str) -> float | None:
        """Share of the coder's units that got the code; None when the coder coded nothing."""
        return self.applied[coder] / self.coded[coder] if self.coded[coder] else None

    def others_rate(self, coder: str) -> float | None:
        """The rate of every other coder pooled."""
        applied = sum(n for c, n in self.applied.items() if c != coder)
        coded = sum(n for c, n in self.coded.items() if c != coder)
        return applied / coded if coded else None

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "applied": dict(self.applied),
            "rate": {coder: self.rate(coder) for coder in self.applied},
            "mcnemar": [t.to_dict() for t in self.tests],
        }


@dataclass(frozen=True)
class BiasFlag:
    """A coder who applies a code far more or far less often than the others."""

    code: str
    coder: str
    direction: str
    """"more" or "less"."""
    rate: float
    others_rate: float
    against: str
    """The other coder of the most significant McNemar test."""
    p_value: float
    others: str
    """How the comparison group reads: "the others" or the single other coder's name."""

    @property
    def text(self) -> str:
        return (
            f"{self.coder} applies '{self.code}' far {self.direction} often than {self.others}: "
            f"{_percent(self.rate)} of units against {_percent(self.others_rate)} "
            f"(McNemar p {_p(self.p_value)} against {self.against})"
        )

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "coder": self.coder,
            "direction": self.direction,
            "rate": self.rate,
            "others_rate": self.others_rate,
            "against": self.against,
            "p_value": self.p_value,
            "text": self.text,
        }


@dataclass(frozen=True)
class MarginalHomogeneity:
    """The Stuart–Maxwell test for one pair of coders (single-label data).

    ``statistic`` and ``p_value`` are None when the coders never disagree, with ``note`` saying so.
    """

    coders: tuple[str, str]
    n_units: int
    statistic: float | None
    df: int
    p_value: float | None
    note: str | None = None

    def to_dict(self) -> dict:
        return {
            "coders": list(self.coders),
            "n_units": self.n_units,
            "statistic": self.statistic,
            "df": self.df,
            "p_value": self.p_value,
            "note": self.note,
        }


@dataclass(frozen=True)
class Bias:
    """Per-code rates and tests, the flags they raise, and Stuart–Maxwell for single-label data."""

    codes: tuple[CodeBias, ...]
    flags: tuple[BiasFlag, ...]
    stuart_maxwell: tuple[MarginalHomogeneity, ...]

    def to_dict(self) -> dict:
        return {
            "rule": (
                f"the highest rate of all coders and at least {RATIO:g}× the others' (or the lowest and at most "
                f"1/{RATIO:g}), and McNemar p < {ALPHA:g} against some other coder"
            ),
            "flags": [f.to_dict() for f in self.flags],
            "codes": [c.to_dict() for c in self.codes],
            "stuart_maxwell": [t.to_dict() for t in self.stuart_maxwell],
        }


def find_bias(codings: Codings, pairs: list[tuple[int, int]], used: UsedCodes | None = None) -> Bias:
    """Rates, McNemar tests per code and pair, flags, and Stuart–Maxwell when single-label.

    Parameters
    ----------
    codings : Codings
    pairs : list of (int, int)
        The pairs of coders to test (those of the report).
    used : UsedCodes, optional
        :func:`~reliability.findings.entries.used_codes` of ``codings``, when already at hand.

    Examples
    --------
    Counted by hand: of 10 units, A applied x to 8 and B to 1 (unit u0, where A did too).
    McNemar: 7 units only A, 0 only B, p = 2 · 0.5⁷ = 0.0156.

    >>> from reliability.codings.model import from_sets
    >>> a = {f"u{i}": ({"x"} if i < 8 else {"y"}) for i in range(10)}
    >>> b = {f"u{i}": ({"x"} if i == 0 else {"y"}) for i in range(10)}
    >>> result = find_bias(from_sets({"A": a, "B": b}), [(0, 1)])
    >>> test = result.codes[0].tests[0]
    >>> test.only_first, test.only_second, round(test.p_value, 4)
    (7, 0, 0.0156)
    >>> result.flags[0].text
    "A applies 'x' far more often than B: 80.0 % of units against 10.0 % (McNemar p = 0.016 against B)"
    """
    counts, only = _applied_and_only_counts(codings, used)  # (coders, codes), (coders, coders, codes)
    coded = codings.seen.sum(axis=0)  # (coders,)
    seen = codings.seen.astype(np.float64)
    both_coded = np.rint(seen.T @ seen).astype(np.int64)  # (coders, coders)
    tests: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, int, np.ndarray]] = {}
    for a, b in pairs:
        only_a, only_b = only[a, b], only[b, a]
        tests[(a, b)] = (only_a, only_b, int(both_coded[a, b]), mcnemar_exact(only_a, only_b))
    code_results = tuple(
        CodeBias(
            code=code,
            applied={coder: int(counts[c, k]) for c, coder in enumerate(codings.coders)},
            coded={coder: int(coded[c]) for c, coder in enumerate(codings.coders)},
            tests=tuple(
                McNemar(
                    (codings.coders[a], codings.coders[b]),
                    int(only_a[k]),
                    int(only_b[k]),
                    n_units,
                    float(p[k]),
                )
                for (a, b), (only_a, only_b, n_units, p) in tests.items()
            ),
        )
        for k, code in enumerate(codings.codes)
    )
    flags = [flag for result in code_results for flag in _flags(result, codings.coders)]
    flags.sort(key=lambda f: (f.p_value, f.code, f.coder))
    marginal: tuple[MarginalHomogeneity, ...] = ()
    if not codings.multi_label:
        labels = single_labels(codings)
        marginal = tuple(stuart_maxwell(codings, a, b, labels) for a, b in pairs)
    return Bias(codes=code_results, flags=tuple(flags), stuart_maxwell=marginal)


PATTERN_CODERS = 5
"""Up to this many coders, units are counted by pattern (4 ** coders patterns per code)."""


def _only_counts(codings: Codings, used: UsedCodes | None = None) -> np.ndarray:
    """``only[a, b, k]``: units both coders coded where coder a applied code k and coder b did not.

    Returns
    -------
    ndarray of int64, shape (n_coders, n_coders, n_codes)
    """
    return _applied_and_only_counts(codings, used)[1]


def _applied_and_only_counts(codings: Codings, used: UsedCodes | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Units each coder applied each code to, shape (n_coders, n_codes), and :func:`_only_counts`.

    Up to ``PATTERN_CODERS`` coders, each (unit, code) some coder applied is one
    pattern: which coders applied the code and which coded the unit, as bits
    (:func:`~reliability.findings.entries.used_codes`; a (unit, code) nobody applied
    adds to neither count). The patterns are counted per code in one pass, and each
    pattern adds to ``only[a, b, k]`` when coder a applied k and b coded the unit
    without applying it, and to ``applied[a, k]`` when a applied k: integer counts,
    no product over units. With more coders, per code, two products over units:
    (units where a applied k and b coded) − (units where both applied k); float32
    sums of 0/1 are exact up to 2**24 units.
    """
    n_coders, n_codes = codings.n_coders, codings.n_codes
    if n_coders > PATTERN_CODERS:
        return codings.applied.sum(axis=0), _only_counts_by_products(codings)
    used = used_codes(codings) if used is None else used
    n_patterns = 1 << (2 * n_coders)
    patterns = used.applied_by[:, 0].astype(np.intp) | used.coded_by[:, 0].astype(np.intp) << n_coders
    patterns += used.code * n_patterns
    counts = np.bincount(patterns, minlength=n_codes * n_patterns).reshape(n_codes, n_patterns)
    pattern = np.arange(n_patterns)
    applies = (pattern[:, None] >> np.arange(n_coders)) & 1  # (patterns, coders)
    codes_unit = (pattern[:, None] >> (n_coders + np.arange(n_coders))) & 1
    only_first = applies[:, :, None] * (codes_unit[:, None, :] - applies[:, None, :])  # a applied, b coded, b did not
    only = counts @ only_first.reshape(n_patterns, n_coders * n_coders)  # (codes, coders * coders)
    only = np.ascontiguousarray(only.reshape(n_codes, n_coders, n_coders).transpose(1, 2, 0)).astype(np.int64)
    return np.ascontiguousarray((counts @ applies).T).astype(np.int64), only


def _only_counts_by_products(codings: Codings) -> np.ndarray:
    """:func:`_only_counts` for many coders: two float32 products over units per code."""
    seen = codings.seen.astype(np.float32)
    only = np.zeros((codings.n_coders, codings.n_coders, codings.n_codes), dtype=np.int64)
    for k in range(codings.n_codes):
        applied = codings.applied[:, :, k].T.astype(np.float32)  # (coders, units)
        only[:, :, k] = np.rint(applied @ seen - applied @ applied.T).astype(np.int64)
    return only


def mcnemar_exact(only_first: np.ndarray, only_second: np.ndarray) -> np.ndarray:
    """Two-sided exact McNemar p-values: 2 · P(X ≤ min(b, c)), X ~ Binomial(b + c, ½), at most 1.

    >>> mcnemar_exact(np.array([7, 3, 0]), np.array([0, 3, 0])).round(4).tolist()
    [0.0156, 1.0, 1.0]
    """
    b = np.asarray(only_first, dtype=np.int64)
    c = np.asarray(only_second, dtype=np.int64)
    n = b + c
    from scipy import special  # here, not at the top: scipy costs a small run a third of its time

    tail = special.bdtr(np.minimum(b, c), np.maximum(n, 1), 0.5)
    return np.where(n > 0, np.minimum(1.0, 2.0 * tail), 1.0)


def stuart_maxwell(codings: Codings, a: int, b: int, labels: np.ndarray | None = None) -> MarginalHomogeneity:
    """Stuart–Maxwell test of marginal homogeneity for coders ``a`` and ``b`` (single-label data).

    Each unit both coded gives one cell of a square table over the codes and
    "(uncoded)". With ``d`` the differences of the row and column totals and
    ``V`` their covariance (``V_ii = n_i· + n_·i − 2 n_ii``, ``V_ij = −(n_ij + n_ji)``),
    the statistic is ``d' V⁺ d`` on ``rank(V)`` degrees of freedom. With every
    category linked by some disagreement this is the usual form with one category
    left out; the pseudo-inverse also covers categories only ever agreed on.

    References
    ----------
    Stuart, A. (1955). A test for homogeneity of the marginal distributions in a
    two-way classification. Biometrika 42, 412–416. Maxwell, A. E. (1970).
    Comparing the classification of subjects by two independent judges.
    British Journal of Psychiatry 116, 651–655.

    Parameters
    ----------
    codings : Codings
        Single-label: each coded set holds at most one code.
    a, b : int
        The coders.
    labels : ndarray of int, shape (n_units, n_coders), optional
        :func:`single_labels` of the codings, when already at hand.
    """
    labels = single_labels(codings) if labels is None else labels
    both = codings.seen[:, a] & codings.seen[:, b]
    n_categories = codings.n_codes + 1
    cells = labels[both, a] * n_categories + labels[both, b]
    table = np.bincount(cells, minlength=n_categories**2).reshape(n_categories, n_categories).astype(np.float64)
    names = (codings.coders[a], codings.coders[b])
    d = table.sum(axis=1) - table.sum(axis=0)
    covariance = -(table + table.T)
    np.fill_diagonal(covariance, table.sum(axis=1) + table.sum(axis=0) - 2 * np.diag(table))
    df = int(np.linalg.matrix_rank(covariance))
    if df == 0:
        return MarginalHomogeneity(names, int(both.sum()), None, 0, None, "the two coders never disagree")
    statistic = float(d @ np.linalg.pinv(covariance) @ d)
    from scipy import special

    return MarginalHomogeneity(names, int(both.sum()), statistic, df, float(special.chdtrc(df, statistic)))


def single_labels(codings: Codings) -> np.ndarray:
    """Each coded set of single-label data as a category: the code's index, or ``n_codes`` for "(uncoded)".

    Returns
    -------
    ndarray of int, shape (n_units, n_coders)
    """
    if codings.n_codes == 0:
        return np.zeros(codings.seen.shape, dtype=np.int64)
    return np.where(codings.applied.any(axis=2), codings.applied.argmax(axis=2), codings.n_codes)


def _flags(result: CodeBias, coders: tuple[str, ...]) -> list[BiasFlag]:
    """The coders this code flags.

    A coder is flagged only at an extreme (the highest or the lowest rate of all
    coders), so that one coder's excess does not make the others look sparing.
    With two coders only the one who applies the code more is flagged: the
    other's "less" is the same fact.
    """
    flags = []
    rates = {coder: result.rate(coder) for coder in coders}
    for coder in coders:
        rate, others = rates[coder], result.others_rate(coder)
        if rate is None or others is None:
            continue
        other_rates = [r for c, r in rates.items() if c != coder and r is not None]
        if rate > 0 and rate >= RATIO * others and rate > max(other_rates):
            direction = "more"
        elif others > 0 and rate <= others / RATIO and rate < min(other_rates) and len(coders) > 2:
            direction = "less"
        else:
            continue
        evidence = [
            (test.p_value, test.coders[1] if test.coders[0] == coder else test.coders[0])
            for test in result.tests
            if coder in test.coders and _direction(test, coder) == direction
        ]
        if not evidence:
            continue
        p_value, against = min(evidence)
        if p_value < ALPHA:
            others_label = "the others" if len(coders) > 2 else next(c for c in coders if c != coder)
            flags.append(BiasFlag(result.code, coder, direction, rate, others, against, p_value, others_label))
    return flags


def _direction(test: McNemar, coder: str) -> str | None:
    """Whether ``coder`` applied the code more or less often than the other coder of the test."""
    mine, theirs = (test.only_first, test.only_second) if test.coders[0] == coder else (test.only_second, test.only_first)
    if mine == theirs:
        return None
    return "more" if mine > theirs else "less"


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %"


def _p(value: float) -> str:
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"

