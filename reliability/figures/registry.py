"""Every figure the tool reports, listed once.

Tables, Markdown, CSV, JSON, ``check``, ``diff`` and ``init`` read this list: its
order is the order of columns and JSON keys, its titles label tables and diffs,
its kind decides whether a value reads as a percentage, and its band gives the
conventional reading. Adding a figure means adding an entry here and computing
it (see CONTRIBUTING.md); nothing else lists figure names.

The k-of-n shares of the overall section (``at_least_2`` … ``at_least_N``) are one
family whose members depend on the number of coders; :func:`title` and
:func:`is_proportion` know them, and ``check`` accepts them by pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Scope(str, Enum):
    """Where a figure is reported."""

    PAIR = "pair"
    """Each pair of coders (``pairs[]`` in JSON)."""
    OVERALL = "overall"
    """All coders together (``overall``)."""
    CODE = "code"
    """Each code, presence/absence, all coders (``codes[]``)."""
    CODE_PAIR = "code_pair"
    """Each code, presence/absence, each pair of coders (``codes[].pairs[]``)."""
    SPANS = "spans"
    """All coders together, computed on coded spans: span data only (``overall``)."""
    SPANS_CODE = "spans_code"
    """Each code, computed on coded spans: span data only (``codes[]``)."""


class Kind(str, Enum):
    """How a value reads."""

    PROPORTION = "proportion"
    """A share of units: shown as a percentage, differences in points."""
    COEFFICIENT = "coefficient"
    """A coefficient or a mean similarity (Jaccard): three decimals."""


class Band(str, Enum):
    """The conventional reading of a value."""

    LANDIS_KOCH = "landis-koch"
    """Landis & Koch (1977): poor, slight, fair, moderate, substantial, almost perfect."""
    KRIPPENDORFF = "krippendorff"
    """Krippendorff (2004): reliable from .800, tentative from .667, unreliable below."""
    NONE = "none"
    """No conventional band."""


SUGGESTED_MINIMUM = {Band.NONE: 0.8, Band.LANDIS_KOCH: 0.6, Band.KRIPPENDORFF: 0.667}
"""Minimums ``reliability init`` proposes, by band: 80 % agreement (Miles & Huberman, 1994),
kappa above 0.6, "substantial" (Landis & Koch, 1977), alpha ≥ 0.667, "tentative
conclusions" (Krippendorff, 2004)."""


@dataclass(frozen=True)
class FigureInfo:
    """What every renderer and the gate need to know of one figure.

    Parameters
    ----------
    key : str
        The JSON key and the name users write (``--min KEY=VALUE``).
    title : str
        How tables, Markdown and ``diff`` label it.
    short : str
        Column header where space is tight (the per-code table).
    scopes : tuple of Scope
        Where it is reported.
    kind : Kind
    band : Band
    reference : str
        Where its definition comes from (DESIGN §3, §8).
    ordered_scale_only : bool
        Reported only for codes on an ordered scale (``--scale ordinal|interval|ratio``).
    """

    key: str
    title: str
    short: str
    scopes: tuple[Scope, ...]
    kind: Kind
    band: Band
    reference: str
    ordered_scale_only: bool = False

    @property
    def suggested_minimum(self) -> float:
        """The minimum ``reliability init`` proposes for this figure."""
        return SUGGESTED_MINIMUM[self.band]


P, O, C, CP = Scope.PAIR, Scope.OVERALL, Scope.CODE, Scope.CODE_PAIR
S, SC = Scope.SPANS, Scope.SPANS_CODE
_PROPORTION, _COEFFICIENT = Kind.PROPORTION, Kind.COEFFICIENT

FIGURES: tuple[FigureInfo, ...] = (
    FigureInfo("percent_agreement", "Identical sets", "Identical", (P, O), _PROPORTION, Band.NONE,
               "share of units whose code sets are identical"),
    FigureInfo("shared_agreement", "≥1 shared code", "≥1 shared", (P, O), _PROPORTION, Band.NONE,
               "share of units sharing at least one code (Gillard et al., 2013)"),
    FigureInfo("jaccard", "Jaccard", "Jaccard", (P,), _COEFFICIENT, Band.NONE,
               "mean over units of |A∩B| / |A∪B| (Jaccard, 1912)"),
    FigureInfo("cohen_kappa", "Cohen's κ", "κ", (P, CP), _COEFFICIENT, Band.LANDIS_KOCH,
               "Cohen (1960); standard error Fleiss, Cohen & Everitt (1969)"),
    FigureInfo("pooled_kappa", "Pooled κ", "Pooled κ", (P,), _COEFFICIENT, Band.LANDIS_KOCH,
               "De Vries et al. (2008): mean p_o and mean p_e over codes"),
    FigureInfo("fleiss_kappa", "Fleiss' κ", "Fleiss' κ", (O, C), _COEFFICIENT, Band.LANDIS_KOCH,
               "Fleiss (1971), with missing ratings as Gwet (2014) / irrCAC"),
    FigureInfo("krippendorff_alpha", "Krippendorff's α", "α", (O, C), _COEFFICIENT, Band.KRIPPENDORFF,
               "Krippendorff (2004, 2011), nominal"),
    FigureInfo("krippendorff_alpha_masi", "Krippendorff's α (MASI)", "α MASI", (O,), _COEFFICIENT,
               Band.KRIPPENDORFF, "Krippendorff (2004) with MASI distance (Passonneau, 2006)"),
    FigureInfo("krippendorff_alpha_jaccard", "Krippendorff's α (Jaccard)", "α Jaccard", (O,), _COEFFICIENT,
               Band.KRIPPENDORFF, "Krippendorff (2004) with Jaccard distance"),
    FigureInfo("gwet_ac1", "Gwet's AC1", "AC1", (O, C), _COEFFICIENT, Band.LANDIS_KOCH,
               "Gwet (2008, 2014) / irrCAC"),
    FigureInfo("brennan_prediger", "Brennan–Prediger", "B–P", (O,), _COEFFICIENT, Band.LANDIS_KOCH,
               "Brennan & Prediger (1981), as in Gwet (2014) / irrCAC"),
    FigureInfo("positive_agreement", "Positive agreement", "Pos. agr.", (C, CP), _PROPORTION, Band.NONE,
               "specific agreement 2·n11/(2·n11+n10+n01); many coders Σ n_u(n_u−1) / Σ n_u(m_u−1)"),
    # Ordered scales (--scale): krippendorff_alpha is then at the scale's level, and these join it.
    FigureInfo("cohen_kappa_linear", "Cohen's κ (linear)", "κ linear", (P,), _COEFFICIENT, Band.LANDIS_KOCH,
               "Cohen (1968), linear weights; standard error Fleiss, Cohen & Everitt (1969)",
               ordered_scale_only=True),
    FigureInfo("cohen_kappa_quadratic", "Cohen's κ (quadratic)", "κ quadratic", (P,), _COEFFICIENT,
               Band.LANDIS_KOCH, "Cohen (1968), quadratic weights; standard error Fleiss, Cohen & Everitt (1969)",
               ordered_scale_only=True),
    FigureInfo("gwet_ac2", "Gwet's AC2", "AC2", (O,), _COEFFICIENT, Band.LANDIS_KOCH,
               "Gwet (2014, ch. 3) / irrCAC, with the scale's weights", ordered_scale_only=True),
    FigureInfo("conger_kappa", "Conger's κ", "Conger's κ", (O,), _COEFFICIENT, Band.LANDIS_KOCH,
               "Conger (1980), weighted as Gwet (2014) / irrCAC", ordered_scale_only=True),
    FigureInfo("unitizing_alpha", "Unitizing αu", "αu", (S, SC), _COEFFICIENT, Band.KRIPPENDORFF,
               "Krippendorff (1995, 2004): squared distances of span ends, per code; overall 1 − ΣD_o/ΣD_e"),
    FigureInfo("unitizing_alpha_binary", "Unitizing |uα (coded or not)", "|uα", (S, SC), _COEFFICIENT,
               Band.KRIPPENDORFF, "Krippendorff, Mathet, Bouvry & Widlöcher (2016): coded against uncoded text"),
    FigureInfo("unitizing_alpha_coding", "Unitizing cuα (codes)", "cuα", (S,), _COEFFICIENT, Band.KRIPPENDORFF,
               "Krippendorff, Mathet, Bouvry & Widlöcher (2016): codes where coded stretches coincide"),
    FigureInfo("unitizing_alpha_domains", "Unitizing Cuα (domains)", "Cuα", (S,), _COEFFICIENT, Band.KRIPPENDORFF,
               "Krippendorff et al. (2016) cuα over semantic domains ('domain: code')"),
)

BY_KEY: dict[str, FigureInfo] = {figure.key: figure for figure in FIGURES}

AT_LEAST = "at_least_"
"""Prefix of the k-of-n shares: ``at_least_2`` … ``at_least_N``."""


def keys(scope: Scope, ordered_scale: bool = False) -> tuple[str, ...]:
    """The keys of the figures reported at ``scope``, in report order.

    ``ordered_scale`` adds the figures reported only for codes on an ordered scale.

    >>> keys(Scope.CODE_PAIR)
    ('cohen_kappa', 'positive_agreement')
    >>> keys(Scope.OVERALL, ordered_scale=True)[-2:]
    ('gwet_ac2', 'conger_kappa')
    """
    return tuple(
        figure.key
        for figure in FIGURES
        if scope in figure.scopes and (ordered_scale or not figure.ordered_scale_only)
    )


def ordered(scope: Scope, computed: dict, ordered_scale: bool = False) -> dict:
    """``computed`` (key -> value) in report order; every figure of ``scope`` must be there."""
    return {key: computed[key] for key in keys(scope, ordered_scale)}


def title(key: str) -> str:
    """How a figure is labelled in tables and diffs; unknown keys are shown as they are.

    >>> title("percent_agreement"), title("at_least_3")
    ('Identical sets', '≥1 code shared by at least 3 coders')
    """
    if key in BY_KEY:
        return BY_KEY[key].title
    k = key.removeprefix(AT_LEAST)
    if key.startswith(AT_LEAST) and k.isdigit():
        return f"≥1 code shared by at least {k} coders"
    return key


def is_proportion(key: str) -> bool:
    """Whether a figure is a share of units (read as a percentage); the k-of-n shares are."""
    figure = BY_KEY.get(key)
    return figure.kind is Kind.PROPORTION if figure is not None else key.startswith(AT_LEAST)


def interpret(key: str, value: float | None) -> str:
    """The conventional reading of a figure's value: its :class:`Band`.

    Parameters
    ----------
    key : str
        The figure's key.
    value : float or None
        None (undefined) has no band.

    Returns
    -------
    str
        The band's word, or "" when the figure has none.

    Examples
    --------
    >>> interpret("cohen_kappa", 0.4), interpret("krippendorff_alpha_masi", 0.7)
    ('fair', 'tentative')
    >>> interpret("fleiss_kappa", -0.1), interpret("positive_agreement", 0.9), interpret("gwet_ac1", None)
    ('poor', '', '')
    """
    figure = BY_KEY.get(key)
    if value is None or figure is None:
        return ""
    if figure.band is Band.KRIPPENDORFF:
        if value >= 0.800:
            return "reliable"
        return "tentative" if value >= 0.667 else "unreliable"
    if figure.band is Band.LANDIS_KOCH:
        if value < 0.0:
            return "poor"
        for upper, word in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial")):
            if value <= upper:
                return word
        return "almost perfect"
    return ""
