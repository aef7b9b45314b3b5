"""Every coefficient against independent peer libraries, on seeded random codings.

Peers: scikit-learn (Cohen's kappa, F1 for positive agreement), statsmodels
(Fleiss' kappa on complete data, Cohen's kappa standard error), irrCAC (the
Gwet family, alpha and their standard errors with missing ratings),
krippendorff (nominal alpha) and NLTK (alpha with MASI and Jaccard distance).
Where the peers disagree with each other or with us, the tests at the end
document which published definition we follow.

irrCAC pins pandas<3 and scipy 1.12, so it is not installed with the tests: its
figures on the same codings are stored in tests/fixtures/irrcac/outputs.json, with
the versions that produced them (regenerate: bash tests/fixtures/irrcac/regenerate.sh).
The other peers run live.
"""

from __future__ import annotations

import itertools
import json

import krippendorff
import numpy as np
import pytest
from nltk.metrics import agreement as nltk_agreement
from nltk.metrics import distance as nltk_distance
from sklearn.metrics import cohen_kappa_score, confusion_matrix
from statsmodels.stats import inter_rater

from crosscheck_data import (
    CASE_IDS, CASES, ONE_VALUE, digest, label_views, nltk_set_distance, random_codings, set_distance_weights,
)
from paths import ROOT
from reliability.codings.model import Codings
from reliability.figures.coefficients import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    krippendorff_alpha_sets,
    pooled_kappa,
    positive_agreement,
)

CLOSE = 1e-9
VARIANCE_CLOSE = 1e-12
IRRCAC = json.loads((ROOT / "tests" / "fixtures" / "irrcac" / "outputs.json").read_text(encoding="utf-8"))
"""irrCAC's figures on these codings (its ``est``: coefficient_value, se, pa, pe)."""


def irrcac_views(seed: int, multi: bool) -> list[tuple[np.ndarray, int | None, dict]]:
    """(labels, q, irrCAC's stored figures) per view, after checking the figures are of these labels."""
    codings = random_codings(seed, multi)
    stored = IRRCAC["cases"][CASE_IDS[CASES.index((seed, multi))]]["views"]
    views = label_views(codings)
    assert [digest(labels) for labels, _ in views] == [s["labels"] for s in stored], "regenerate the fixtures"
    return [(labels, q, s) for (labels, q), s in zip(views, stored)]


def assert_same_se(ours: float, peer: float) -> None:
    """Standard errors compared through their squares.

    A variance here is a difference of nearly equal numbers when it is near zero,
    so its square root differs between libraries at the sqrt(eps) level there;
    where rounding makes it slightly negative, statsmodels returns NaN and we clamp
    the variance at 0.
    """
    peer_variance = 0.0 if np.isnan(peer) else peer**2
    assert ours**2 == pytest.approx(peer_variance, abs=VARIANCE_CLOSE)


def assert_figure(figure, value: float, se: float) -> None:
    assert figure.value == pytest.approx(value, abs=CLOSE)
    assert_same_se(figure.se, se)


# --------------------------------------------------------------------------- Cohen's kappa


@pytest.mark.parametrize(("seed", "multi"), CASES, ids=CASE_IDS)
def test_cohen_kappa_against_sklearn_statsmodels_and_irrcac(seed: int, multi: bool) -> None:
    codings = random_codings(seed, multi)
    compared = 0
    for labels, _, stored in irrcac_views(seed, multi):
        for first, second in itertools.combinations(range(codings.n_coders), 2):
            pair = labels[:, [first, second]]
            ours = cohen_kappa(pair)
            both = pair[(pair >= 0).all(axis=1)]
            if ours.value is None:
                # Undefined only when both coders used one and the same category.
                assert len(np.unique(both)) <= 1
                continue
            assert ours.value == pytest.approx(cohen_kappa_score(both[:, 0], both[:, 1]), abs=CLOSE)
            table = confusion_matrix(both[:, 0], both[:, 1])
            # Fleiss, Cohen & Everitt (1969) standard error: statsmodels and irrCAC agree.
            assert_same_se(ours.se, inter_rater.cohens_kappa(table).std_kappa)
            assert_same_se(ours.se, stored["cohen_se"][f"{first},{second}"])
            compared += 1
    assert compared > 0


# --------------------------------------------------------------------------- Fleiss, AC1, BP


@pytest.mark.parametrize(("seed", "multi"), CASES, ids=CASE_IDS)
def test_fleiss_kappa_against_statsmodels_on_complete_data(seed: int, multi: bool) -> None:
    codings = random_codings(seed, multi)
    complete = codings.seen.all(axis=1)
    compared = 0
    for labels, _ in label_views(codings):
        ours = fleiss_kappa(labels[complete])
        if ours.value is None:
            continue
        table, _ = inter_rater.aggregate_raters(labels[complete])
        assert ours.value == pytest.approx(inter_rater.fleiss_kappa(table, method="fleiss"), abs=CLOSE)
        compared += 1
    assert compared > 0


@pytest.mark.parametrize(("seed", "multi"), CASES, ids=CASE_IDS)
def test_gwet_family_against_irrcac_with_missing_ratings(seed: int, multi: bool) -> None:
    compared = 0
    # irrCAC's q is the categories that occur unless they are listed; presence/absence has 2.
    for labels, n_categories, stored in irrcac_views(seed, multi):
        fleiss = fleiss_kappa(labels)
        if fleiss.value is not None:
            estimate = stored["fleiss"]
            assert_figure(fleiss, estimate["coefficient_value"], estimate["se"])
            assert fleiss.p_o == pytest.approx(estimate["pa"], abs=CLOSE)
            assert fleiss.p_e == pytest.approx(estimate["pe"], abs=CLOSE)
        ac1 = gwet_ac1(labels, n_categories=n_categories)
        if ac1.value is not None:
            estimate = stored["gwet"]
            assert_figure(ac1, estimate["coefficient_value"], estimate["se"])
            assert ac1.p_e == pytest.approx(estimate["pe"], abs=CLOSE)
        bp = brennan_prediger(labels, n_categories=n_categories)
        if bp.value is not None:
            estimate = stored["bp"]
            assert_figure(bp, estimate["coefficient_value"], estimate["se"])
            compared += 1
    assert compared > 0


# --------------------------------------------------------------------------- Krippendorff's alpha


@pytest.mark.parametrize(("seed", "multi"), CASES, ids=CASE_IDS)
def test_nominal_alpha_against_krippendorff_and_irrcac(seed: int, multi: bool) -> None:
    compared = 0
    for labels, _, stored in irrcac_views(seed, multi):
        ours = krippendorff_alpha(labels)
        if ours.value is None:
            continue
        compared += 1
        reliability_data = np.where(labels >= 0, labels, np.nan).T  # coders × units
        expected = krippendorff.alpha(reliability_data, level_of_measurement="nominal")
        assert ours.value == pytest.approx(expected, abs=CLOSE)
        estimate = stored["krippendorff"]
        assert_figure(ours, estimate["coefficient_value"], estimate["se"])
    assert compared > 0


def nltk_alpha(codings: Codings, distance) -> float:
    triples = [
        (codings.coders[c], codings.units[u], codings.code_set(u, c))
        for u in range(codings.n_units)
        for c in range(codings.n_coders)
        if codings.seen[u, c]
    ]
    task = nltk_agreement.AnnotationTask(data=triples, distance=nltk_set_distance(distance))
    return task.alpha()


@pytest.mark.parametrize(("seed", "multi"), CASES, ids=CASE_IDS)
@pytest.mark.parametrize("name", ["masi", "jaccard"])
def test_set_alpha_against_nltk_and_irrcac(seed: int, multi: bool, name: str) -> None:
    codings = random_codings(seed, multi)
    peer_distance = {"masi": nltk_distance.masi_distance, "jaccard": nltk_distance.jaccard_distance}[name]
    ours = krippendorff_alpha_sets(codings.applied, codings.seen, name)
    assert ours.value is not None
    assert ours.value == pytest.approx(nltk_alpha(codings, peer_distance), abs=CLOSE)
    # irrCAC's weighted alpha with agreement weights 1 - distance over the distinct sets.
    stored = IRRCAC["cases"][CASE_IDS[CASES.index((seed, multi))]]["sets"][name]
    labels, _ = set_distance_weights(codings, peer_distance)
    assert digest(labels) == stored["labels"], "regenerate the fixtures"
    estimate = stored["krippendorff"]
    assert_figure(ours, estimate["coefficient_value"], estimate["se"])


# --------------------------------------------------------------------------- presence/absence


@pytest.mark.parametrize(("seed", "multi"), CASES, ids=CASE_IDS)
def test_positive_agreement_against_f1_pooled_over_coder_pairs(seed: int, multi: bool) -> None:
    # Two coders: 2·n11 / (2·n11 + n10 + n01) is the F1 score of one coder against the other.
    # Many coders: sum n_u(n_u - 1) / sum n_u(m_u - 1) pools the 2x2 tables of all coder pairs.
    codings = random_codings(seed, multi)
    for k in range(codings.n_codes):
        presence = codings.code_labels(k)
        agree, disagree = 0, 0
        for first, second in itertools.combinations(range(codings.n_coders), 2):
            pair = presence[:, [first, second]]
            both = pair[(pair >= 0).all(axis=1)]
            (_, n01), (n10, n11) = confusion_matrix(both[:, 0], both[:, 1], labels=[0, 1])
            agree, disagree = agree + 2 * n11, disagree + n10 + n01
            if n11 + n10 + n01:
                assert positive_agreement(pair).value == pytest.approx(
                    2 * n11 / (2 * n11 + n10 + n01), abs=CLOSE
                )
        if agree + disagree:
            assert positive_agreement(presence).value == pytest.approx(
                agree / (agree + disagree), abs=CLOSE
            )


@pytest.mark.parametrize(("seed", "multi"), CASES, ids=CASE_IDS)
def test_pooled_kappa_from_per_code_confusion_matrices(seed: int, multi: bool) -> None:
    # No peer implements pooled kappa; build it from sklearn's per-code 2x2 tables
    # (De Vries et al., 2008), and check it is Cohen's kappa when there is one code.
    codings = random_codings(seed, multi)
    for first, second in itertools.combinations(range(codings.n_coders), 2):
        both = codings.seen[:, first] & codings.seen[:, second]
        applied_a, applied_b = codings.applied[both, first], codings.applied[both, second]
        observed, chance = [], []
        for k in range(codings.n_codes):
            table = confusion_matrix(applied_a[:, k], applied_b[:, k], labels=[False, True]) / both.sum()
            observed.append(np.trace(table))
            chance.append(table.sum(axis=1) @ table.sum(axis=0))
        p_o, p_e = np.mean(observed), np.mean(chance)
        pooled = pooled_kappa(applied_a, applied_b)
        assert pooled.value == pytest.approx((p_o - p_e) / (1 - p_e), abs=CLOSE)
        single = pooled_kappa(applied_a[:, :1], applied_b[:, :1])
        if single.value is not None:
            expected = cohen_kappa_score(applied_a[:, 0], applied_b[:, 0])
            assert single.value == pytest.approx(expected, abs=CLOSE)


# --------------------------------------------------------------------------- where peers disagree

def test_alpha_with_one_value_is_undefined_where_nltk_says_1_and_krippendorff_raises() -> None:
    # With a single value there is no expected disagreement, so 1 - D_o/D_e is 0/0.
    # NLTK returns 1.0 and the krippendorff package raises; we report it as undefined.
    assert krippendorff_alpha(ONE_VALUE).value is None
    triples = [(c, u, "x") for u in range(6) for c in range(3)]
    assert nltk_agreement.AnnotationTask(data=triples).alpha() == 1.0
    with pytest.raises(ValueError):
        krippendorff.alpha(ONE_VALUE.T.astype(float), level_of_measurement="nominal")


def test_ac1_and_bp_with_one_category_are_undefined_where_irrcac_fudges_chance_agreement() -> None:
    # With q = 1 category, AC1's p_e has q - 1 = 0 in its denominator and BP's p_e = 1/q = 1.
    # irrCAC substitutes p_e = 1 - 1e-15 (AC1) and p_e = 1e-15 (BP, which then returns p_a);
    # the definitions leave both undefined, and so do we.
    assert digest(ONE_VALUE) == IRRCAC["one_value"]["labels"]
    assert IRRCAC["one_value"]["bp"]["coefficient_value"] == pytest.approx(1.0)
    assert gwet_ac1(ONE_VALUE).value is None
    assert brennan_prediger(ONE_VALUE).value is None


def test_alpha_p_o_is_krippendorff_observed_agreement_not_irrcac_pa() -> None:
    # irrCAC reports p_a = (1 - 1/N) p_o' + 1/N and p_e = sum pi_k^2 (its route to the same
    # alpha); we report Krippendorff's 1 - D_o and 1 - D_e, which give alpha as
    # (p_o - p_e) / (1 - p_e) directly. The values agree; only the parts differ.
    labels, _, stored = irrcac_views(0, False)[0]
    ours = krippendorff_alpha(labels)
    estimate = stored["krippendorff"]
    pairable = (labels >= 0).sum(axis=1)
    n_values = pairable[pairable >= 2].sum()
    assert estimate["pa"] == pytest.approx((1 - 1 / n_values) * ours.p_o + 1 / n_values, abs=CLOSE)
    assert (ours.p_o - ours.p_e) / (1 - ours.p_e) == pytest.approx(ours.value, abs=CLOSE)
    assert estimate["pe"] != pytest.approx(ours.p_e, abs=1e-6)


def test_cohen_kappa_undefined_where_sklearn_returns_nan() -> None:
    # Both coders used one category: p_e = 1, kappa is 0/0. scikit-learn returns NaN
    # (with an UndefinedMetricWarning; before 1.4, NumPy's RuntimeWarning of a 0/0); we return
    # an undefined figure with the reason.
    with pytest.warns((UserWarning, RuntimeWarning)):
        assert np.isnan(cohen_kappa_score([1, 1, 1], [1, 1, 1]))
    figure = cohen_kappa(np.ones((3, 2), dtype=np.int64))
    assert figure.value is None and figure.note
