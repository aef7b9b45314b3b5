"""The figure registry: bands, and that every list of figures is the registry's."""

from __future__ import annotations

import pytest

from reliability import compare, from_sets
from reliability.figures.registry import BY_KEY, FIGURES, Band, Kind, Scope, interpret, is_proportion, keys, title


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (-0.01, "poor"),
        (0.0, "slight"),
        (0.20, "slight"),
        (0.21, "fair"),
        (0.40, "fair"),
        (0.41, "moderate"),
        (0.60, "moderate"),
        (0.61, "substantial"),
        (0.80, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
    ],
)
def test_landis_koch_bands(value: float, band: str) -> None:
    # Landis & Koch (1977), Biometrics 33: <0 poor, .00–.20 slight, .21–.40 fair, … .81–1 almost perfect.
    for name in ("cohen_kappa", "fleiss_kappa", "gwet_ac1", "brennan_prediger", "pooled_kappa"):
        assert interpret(name, value) == band


@pytest.mark.parametrize(
    ("value", "band"),
    [(0.5, "unreliable"), (0.666, "unreliable"), (0.667, "tentative"), (0.799, "tentative"), (0.8, "reliable")],
)
def test_krippendorff_bands(value: float, band: str) -> None:
    # Krippendorff (2004), Content Analysis: rely on alpha >= .800, tentative conclusions from .667.
    for name in ("krippendorff_alpha", "krippendorff_alpha_masi", "krippendorff_alpha_jaccard"):
        assert interpret(name, value) == band


def test_figures_without_a_band() -> None:
    assert interpret("positive_agreement", 0.9) == ""
    assert interpret("cohen_kappa", None) == ""
    assert interpret("krippendorff_alpha", None) == ""



def test_the_report_holds_exactly_the_registry_figures_in_registry_order() -> None:
    codings = from_sets({"A": {"u1": {"x"}, "u2": {"y", "x"}, "u3": set()}, "B": {"u1": {"x"}, "u2": {"x"}, "u3": {"y"}}})
    report = compare(codings)
    assert tuple(report.pairs[0].figures) == keys(Scope.PAIR)
    assert tuple(report.overall.figures) == keys(Scope.OVERALL)
    assert tuple(report.codes[0].figures) == keys(Scope.CODE)
    assert tuple(report.codes[0].pairs[0].figures) == keys(Scope.CODE_PAIR)
    document = report.to_dict()
    assert [k for k in document["pairs"][0] if k in BY_KEY] == list(keys(Scope.PAIR))
    assert [k for k in document["overall"] if k in BY_KEY] == list(keys(Scope.OVERALL))


def test_every_figure_is_described() -> None:
    assert len({f.key for f in FIGURES}) == len({f.title for f in FIGURES}) == len(FIGURES)
    for figure in FIGURES:
        assert figure.scopes and figure.reference and figure.short
        # A share of units has no chance-corrected band.
        assert figure.kind is Kind.COEFFICIENT or figure.band is Band.NONE
    assert not is_proportion("jaccard")  # a mean similarity, shown with three decimals


def test_titles_and_kinds_of_the_k_of_n_shares() -> None:
    assert title("at_least_2") == "≥1 code shared by at least 2 coders"
    assert is_proportion("at_least_2") and is_proportion("shared_agreement") and not is_proportion("gwet_ac1")
    assert title("not_a_figure") == "not_a_figure"


def test_suggested_minimums_follow_the_band() -> None:
    # Miles & Huberman (1994) 80 %; Landis & Koch (1977) "substantial" above .6; Krippendorff (2004) .667.
    assert BY_KEY["jaccard"].suggested_minimum == 0.8
    assert BY_KEY["cohen_kappa"].suggested_minimum == 0.6
    assert BY_KEY["krippendorff_alpha_masi"].suggested_minimum == 0.667
