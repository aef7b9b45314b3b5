"""Known answers for the chance-corrected coefficients.

Published values come from tests/reference/expected.json (its "source" text is
cited beside each assertion); the small hand-computed cases show their working.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from reliability.codings.model import from_sets
from reliability.figures.coefficients import (
    brennan_prediger,
    chance_corrected,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    krippendorff_alpha_sets,
    pooled_kappa,
    positive_agreement,
)
from reliability.errors import UsageError
from reliability.figures.intervals import BootstrapSettings
from tests.reference_data import expected, load

FOUR_DECIMALS = 5e-5


def published(value: float) -> object:
    return pytest.approx(value, abs=FOUR_DECIMALS)


def set_labels(name: str) -> np.ndarray:
    return load(name).set_labels()[0]


# --------------------------------------------------------------------------- published values


def test_wikipedia_fleiss_example() -> None:
    labels = set_labels("wikipedia_fleiss.csv")
    reference = expected("wikipedia_fleiss.csv")
    # Fleiss' kappa worked example (Wikipedia 'Fleiss' kappa'; statsmodels test table0):
    # 10 subjects, 14 raters, 5 categories.
    kappa = fleiss_kappa(labels)
    assert kappa.value == published(reference["fleiss_kappa"])  # 0.20993
    assert kappa.p_o == published(reference["percent_agreement_pairwise_mean_pa"])  # 0.37802
    assert kappa.n_units == 10
    assert gwet_ac1(labels).value == published(reference["gwet_ac1"])  # 0.22561
    assert brennan_prediger(labels).value == published(reference["brennan_prediger"])  # 0.22253
    assert krippendorff_alpha(labels).value == published(reference["krippendorff_alpha"])  # 0.21557


def test_krippendorff_data_c_with_missing_values() -> None:
    labels = set_labels("krippendorff_c.csv")
    reference = expected("krippendorff_c.csv")
    # Krippendorff (2011) 'Computing Krippendorff's Alpha-Reliability', data C,
    # 4 observers x 12 units with missing values: alpha = 113/152.
    alpha = krippendorff_alpha(labels)
    assert alpha.value == pytest.approx(113 / 152, abs=1e-12)
    assert alpha.value == published(reference["krippendorff_alpha"])  # 0.74342
    assert alpha.n_units == 11  # unit 12 has a single value and is not pairable
    # irrCAC README (cac.raw4raters) for the Gwet-family values and their standard errors.
    kappa = fleiss_kappa(labels)
    assert kappa.value == published(reference["fleiss_kappa"])  # 0.76117
    assert kappa.se == published(reference["fleiss_kappa_se"])  # 0.15302
    assert kappa.p_o == published(reference["percent_agreement_pa"])  # 0.81818
    ac1 = gwet_ac1(labels)
    assert ac1.value == published(reference["gwet_ac1"])  # 0.77544
    assert ac1.se == published(reference["gwet_ac1_se"])  # 0.14295
    assert ac1.p_o == published(reference["percent_agreement_pa"])
    bp = brennan_prediger(labels)
    assert bp.value == published(reference["brennan_prediger"])  # 0.77273
    assert bp.se == published(reference["brennan_prediger_se"])  # 0.14472
    assert bp.p_e == pytest.approx(1 / 5)  # five categories occur


def test_krippendorff_binary_example_a() -> None:
    labels = set_labels("krippendorff_a_binary.csv")
    reference = expected("krippendorff_a_binary.csv")
    # Krippendorff (2004) binary example A, 2 observers x 10 units: alpha = 2/21.
    assert krippendorff_alpha(labels).value == pytest.approx(2 / 21, abs=1e-12)
    assert krippendorff_alpha(labels).value == published(reference["krippendorff_alpha"])  # 0.09524
    kappa = cohen_kappa(labels)
    assert kappa.value == published(reference["cohen_kappa"])  # 0.09091
    assert kappa.p_o == published(reference["percent_agreement"])  # 0.6
    assert gwet_ac1(labels).value == published(reference["gwet_ac1"])  # 0.31034
    assert brennan_prediger(labels).value == published(reference["brennan_prediger"])  # 0.2


def test_wikipedia_cohen_example() -> None:
    labels = set_labels("wikipedia_cohen.csv")
    reference = expected("wikipedia_cohen.csv")
    # Cohen's kappa worked example (Wikipedia 'Cohen's kappa'): 2x2 table [[20,5],[10,15]].
    kappa = cohen_kappa(labels)
    assert kappa.value == published(reference["cohen_kappa"])  # 0.4
    assert kappa.p_o == published(reference["percent_agreement"])  # 0.7
    assert kappa.p_e == pytest.approx(0.5)  # (25·30 + 25·20) / 50²
    assert kappa.n_units == 50
    assert gwet_ac1(labels).value == published(reference["gwet_ac1"])  # 0.40594
    assert krippendorff_alpha(labels).value == published(reference["krippendorff_alpha"])  # 0.4


def test_set_valued_example() -> None:
    codings = load("set_valued.csv")
    reference = expected("set_valued.csv")
    # Set-valued coding example, 2 coders x 9 items (DKPro Statistics SetAnnotationsTest);
    # alpha values cross-checked with NLTK's AnnotationTask.
    labels = codings.set_labels()[0]
    assert krippendorff_alpha(labels).value == published(
        reference["krippendorff_alpha_setlabel_nominal"]
    )  # 0.23881
    assert cohen_kappa(labels).p_o == published(reference["percent_agreement_exact_sets"])  # 0.33333
    masi = krippendorff_alpha_sets(codings.applied, codings.seen, "masi")
    assert masi.value == published(reference["krippendorff_alpha_masi"])  # 0.27308
    jaccard = krippendorff_alpha_sets(codings.applied, codings.seen, "jaccard")
    assert jaccard.value == published(reference["krippendorff_alpha_jaccard"])  # 0.31562


def test_chance_corrected_reproduces_the_published_values() -> None:
    codings = load("set_valued.csv")
    reference = expected("set_valued.csv")
    result = chance_corrected(codings, [(0, 1)])
    # Same sources as test_set_valued_example, through the report's entry point.
    assert result.overall["krippendorff_alpha"].value == published(
        reference["krippendorff_alpha_setlabel_nominal"]
    )
    assert result.overall["krippendorff_alpha_masi"].value == published(
        reference["krippendorff_alpha_masi"]
    )
    assert result.overall["krippendorff_alpha_jaccard"].value == published(
        reference["krippendorff_alpha_jaccard"]
    )
    assert result.pairs[("c1", "c2")]["cohen_kappa"].p_o == published(
        reference["percent_agreement_exact_sets"]
    )

    fleiss_c = chance_corrected(load("krippendorff_c.csv"), [])
    # Krippendorff (2011) data C; irrCAC README (cac.raw4raters).
    reference_c = expected("krippendorff_c.csv")
    assert fleiss_c.overall["fleiss_kappa"].value == published(reference_c["fleiss_kappa"])
    assert fleiss_c.overall["gwet_ac1"].se == published(reference_c["gwet_ac1_se"])
    assert fleiss_c.overall["brennan_prediger"].value == published(reference_c["brennan_prediger"])
    assert fleiss_c.overall["krippendorff_alpha"].value == pytest.approx(113 / 152, abs=1e-12)


# --------------------------------------------------------------------------- hand-computed


def test_cohen_kappa_and_its_standard_error_by_hand() -> None:
    # Table [[1, 1], [0, 2]]: p_o = 3/4; marginals A (1/2, 1/2), B (1/4, 3/4); p_e = 1/2.
    labels = np.array([[0, 0], [0, 1], [1, 1], [1, 1]])
    kappa = cohen_kappa(labels)
    assert (kappa.value, kappa.p_o, kappa.p_e) == pytest.approx((0.5, 0.75, 0.5))
    # Fleiss, Cohen & Everitt (1969) with kappa = 1/2:
    # cell (0,0): 1/4 · [1 - (1/2 + 1/4)/2]^2 = 0.09765625
    # cell (1,1): 1/2 · [1 - (1/2 + 3/4)/2]^2 = 0.0703125
    # cell (0,1): 1/4 · (1/2)^2 (p_.0 + p_1.)^2 = 1/4 · 1/4 · (1/4 + 1/2)^2 = 0.03515625
    # minus [kappa - p_e (1 - kappa)]^2 = 1/16, over n (1 - p_e)^2 = 1: variance 0.140625.
    assert kappa.se == pytest.approx(0.375)


def test_cohen_kappa_ignores_units_not_coded_by_both() -> None:
    labels = np.array([[0, 0], [0, 1], [1, 1], [1, 1], [-1, 0], [1, -1], [-1, -1]])
    assert cohen_kappa(labels) == cohen_kappa(labels[:4])


def straightforward_cohen(labels: np.ndarray) -> tuple[float, float, float, float, int]:
    """Cohen's kappa, p_o, p_e and the FCE (1969) se, unit by unit, as the textbooks write them.

    An independent check of cohen_kappa's contingency-table path: filter the units
    both coded, one-hot marginals, and the per-unit FCE term summed over units.
    """
    pair = labels[(labels[:, 0] >= 0) & (labels[:, 1] >= 0)]
    n = len(pair)
    first, second = pair[:, 0], pair[:, 1]
    categories = np.union1d(first, second)
    share_first = (first[:, None] == categories).mean(axis=0)
    share_second = (second[:, None] == categories).mean(axis=0)
    p_o = float(np.mean(first == second))
    p_e = float(share_first @ share_second)
    kappa = (p_o - p_e) / (1 - p_e)
    # x_u = (1 - kappa)(p_.i + p_j.) for a unit with first i and second j; on the diagonal
    # the unit's term is (1 - x_u)^2, off it x_u^2.
    x = (1 - kappa) * (
        share_second[np.searchsorted(categories, first)] + share_first[np.searchsorted(categories, second)]
    )
    term = np.where(first == second, (1 - x) ** 2, x**2)
    variance = (term.mean() - (kappa - p_e * (1 - kappa)) ** 2) / (n * (1 - p_e) ** 2)
    return kappa, p_o, p_e, math.sqrt(max(variance, 0.0)), n


@pytest.mark.parametrize(
    ("n_categories", "seed"),
    # 2 and 20 categories take the dense table; 5,000 (set labels) the table of occurring cells.
    [(2, 0), (20, 1), (5_000, 2), (5_000, 3)],
)
def test_cohen_kappa_table_path_matches_a_straightforward_computation(n_categories: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_units = 3_000
    first = rng.integers(0, n_categories, n_units)
    # The second coder agrees with the first on about half the units, so kappa is far from 0.
    second = np.where(rng.random(n_units) < 0.5, first, rng.integers(0, n_categories, n_units))
    labels = np.column_stack([first, second])
    labels[rng.random((n_units, 2)) < 0.15] = -1
    kappa = cohen_kappa(labels)
    value, p_o, p_e, se, n = straightforward_cohen(labels)
    assert kappa.n_units == n
    assert kappa.value == pytest.approx(value, abs=1e-12)
    assert kappa.p_o == pytest.approx(p_o, abs=1e-12)
    assert kappa.p_e == pytest.approx(p_e, abs=1e-12)
    assert kappa.se == pytest.approx(se, abs=1e-12)


def test_cohen_kappa_dense_and_sparse_tables_agree() -> None:
    # Shifting every category by 2,000 leaves kappa unchanged but makes the dense table
    # (2,002^2 cells) too large, so the cells that occur are counted instead.
    rng = np.random.default_rng(4)
    labels = rng.integers(-1, 6, (500, 2))
    shifted = np.where(labels >= 0, labels + 2_000, -1)
    dense, sparse = cohen_kappa(labels), cohen_kappa(shifted)
    assert (sparse.value, sparse.p_o, sparse.p_e, sparse.se, sparse.n_units) == pytest.approx(
        (dense.value, dense.p_o, dense.p_e, dense.se, dense.n_units), abs=1e-12
    )


def test_cohen_kappa_bootstrap_keeps_the_table_point_value() -> None:
    rng = np.random.default_rng(5)
    labels = rng.integers(-1, 4, (400, 2))
    plain = cohen_kappa(labels)
    resampled = cohen_kappa(labels, BootstrapSettings(n_resamples=200, seed=5))
    assert resampled.ci is not None and resampled.ci[0] < plain.value < resampled.ci[1]
    assert (resampled.value, resampled.p_o, resampled.p_e, resampled.se) == pytest.approx(
        (plain.value, plain.p_o, plain.p_e, plain.se), abs=1e-12
    )


def test_gwet_family_and_alpha_by_hand() -> None:
    # Three coders: unit 2 has one dissenting rating.
    labels = np.array([[0, 0, 0], [0, 0, 1], [1, 1, 1]])
    # p_o = (1 + 1/3 + 1)/3 = 7/9; prevalence (5/9, 4/9).
    kappa = fleiss_kappa(labels)
    assert kappa.p_o == pytest.approx(7 / 9)
    assert kappa.p_e == pytest.approx(41 / 81)  # (5/9)^2 + (4/9)^2
    assert kappa.value == pytest.approx(22 / 40)  # (63 - 41) / (81 - 41)
    ac1 = gwet_ac1(labels)
    assert ac1.p_e == pytest.approx(40 / 81)  # 2 · (5/9)(4/9) / (2 - 1)
    assert ac1.value == pytest.approx(23 / 41)
    assert brennan_prediger(labels).value == pytest.approx(5 / 9)  # (7/9 - 1/2) / (1/2)
    # Coincidences: D_o = 2/9 (unit 2: (9 - 5)/2 over 9 values), D_e = 2·5·4/(9·8) = 5/9.
    alpha = krippendorff_alpha(labels)
    assert alpha.value == pytest.approx(1 - (2 / 9) / (5 / 9))
    assert (alpha.p_o, alpha.p_e) == pytest.approx((7 / 9, 4 / 9))


def test_gwet_family_counts_units_rated_once_in_the_prevalence() -> None:
    # Unit 3 was rated once: it does not enter p_o but shifts the prevalence to (1/2, 1/2).
    labels = np.array([[0, 0], [0, 1], [1, -1]])
    kappa = fleiss_kappa(labels)
    assert kappa.n_units == 3
    assert kappa.p_o == pytest.approx(1 / 2)
    assert kappa.p_e == pytest.approx(1 / 2)  # prevalence ((1 + 1/2 + 0)/3, (0 + 1/2 + 1)/3)
    assert kappa.value == pytest.approx(0.0)


def test_category_ids_need_not_be_contiguous() -> None:
    labels = np.array([[0, 0, 0], [0, 0, 1], [1, 1, 1]])
    sparse_ids = np.where(labels == 1, 40, 7)
    for coefficient in (fleiss_kappa, gwet_ac1, brennan_prediger, krippendorff_alpha):
        assert coefficient(sparse_ids).value == pytest.approx(coefficient(labels).value)


def test_brennan_prediger_and_ac1_with_given_number_of_categories() -> None:
    labels = np.array([[0, 0, 0], [0, 0, 1], [1, 1, 1]])
    assert brennan_prediger(labels, n_categories=4).p_e == pytest.approx(1 / 4)
    # AC1 with q = 4: p_e = 2 · (5/9)(4/9) / 3.
    assert gwet_ac1(labels, n_categories=4).p_e == pytest.approx(40 / 243)
    with pytest.raises(UsageError, match="n_categories is 1"):
        brennan_prediger(labels, n_categories=1)


def test_positive_agreement_for_two_coders_and_for_many() -> None:
    # Two coders: n11 = 2, n10 = 1, n01 = 1 → 2·2 / (2·2 + 1 + 1).
    two = np.array([[1, 1], [1, 1], [1, 0], [0, 1], [0, 0], [-1, 1]])
    agreement = positive_agreement(two)
    assert agreement.value == pytest.approx(4 / 6)
    assert agreement.n_units == 5
    assert agreement.p_o is None and agreement.p_e is None
    # Many coders: units (m, n) = (3, 2), (3, 1), (3, 3); the unit rated once is left out.
    # sum n(n-1) = 2 + 0 + 6; sum n(m-1) = 4 + 2 + 6.
    many = np.array([[1, 1, 0], [1, -1, -1], [0, 0, 1], [1, 1, 1]])
    assert positive_agreement(many).value == pytest.approx(8 / 12)


def test_pooled_kappa_pools_p_o_and_p_e_not_kappas() -> None:
    # Code 1: p_o = 1/2, p_e = 1/2 (kappa 0); code 2: p_o = 1, p_e = 5/8 (kappa 1).
    # De Vries et al. (2008): (3/4 - 9/16) / (1 - 9/16) = 3/7, not the mean kappa 1/2.
    applied_a = np.array([[1, 1], [1, 0], [0, 0], [0, 0]], dtype=bool)
    applied_b = np.array([[1, 1], [0, 0], [1, 0], [0, 0]], dtype=bool)
    pooled = pooled_kappa(applied_a, applied_b)
    assert (pooled.p_o, pooled.p_e) == pytest.approx((3 / 4, 9 / 16))
    assert pooled.value == pytest.approx(3 / 7)


def test_set_alpha_by_hand() -> None:
    codings = from_sets(
        {
            "A": {"u1": {"a"}, "u2": {"a"}, "u3": {"b"}, "u4": {"a"}},
            "B": {"u1": {"a"}, "u2": {"a", "b"}, "u3": set()},
        }
    )
    # Pairable values: {a} ×3, {a,b}, {b}, {} (u4 has one coder and is left out); N = 6.
    # MASI: u2 1 - (1/2)(2/3) = 2/3, u3 1 → D_o = 2(2/3 + 1)/6 = 5/9;
    # ordered pairs: 2(3·2/3 + 3 + 3 + 2/3 + 1 + 1) = 64/3 → D_e = (64/3)/30 = 32/45.
    masi = krippendorff_alpha_sets(codings.applied, codings.seen, "masi")
    assert masi.value == pytest.approx(1 - (5 / 9) / (32 / 45))
    assert masi.n_units == 3
    # Jaccard: u2 1/2 → D_o = 2(1/2 + 1)/6 = 1/2; D_e = 2(3/2 + 3 + 3 + 1/2 + 1 + 1)/30 = 2/3.
    jaccard = krippendorff_alpha_sets(codings.applied, codings.seen, "jaccard")
    assert jaccard.value == pytest.approx(1 - (1 / 2) / (2 / 3))
    assert (jaccard.p_o, jaccard.p_e) == pytest.approx((1 / 2, 1 / 3))


def test_masi_thirds_for_overlap_subset_and_disjoint_sets() -> None:
    # One unit per relation between two sets; with two coders per unit and N = 8 values,
    # D_o = sum over units of 2·distance / N (Passonneau 2006: M = 1, 2/3, 1/3, 0).
    codings = from_sets(
        {
            "A": {"same": {"a"}, "subset": {"a"}, "overlap": {"a", "b"}, "disjoint": {"a"}},
            "B": {"same": {"a"}, "subset": {"a", "b"}, "overlap": {"b", "c"}, "disjoint": {"c"}},
        }
    )
    masi = krippendorff_alpha_sets(codings.applied, codings.seen, "masi")
    unit_distances = [0.0, 1 - (1 / 2) * (2 / 3), 1 - (1 / 3) * (1 / 3), 1.0]
    assert 1 - masi.p_o == pytest.approx(2 * sum(unit_distances) / 8)


def test_set_alpha_equals_nominal_alpha_on_single_label_data() -> None:
    codings = load("krippendorff_c.csv")
    nominal = krippendorff_alpha(codings.set_labels()[0])
    for distance in ("masi", "jaccard"):
        by_sets = krippendorff_alpha_sets(codings.applied, codings.seen, distance)
        assert by_sets.value == pytest.approx(nominal.value, abs=1e-12)
        assert by_sets.se == pytest.approx(nominal.se, abs=1e-12)


# --------------------------------------------------------------------------- undefined cases


ONE_CATEGORY = np.zeros((4, 3), dtype=np.int64)


@pytest.mark.parametrize(
    "coefficient", [fleiss_kappa, gwet_ac1, brennan_prediger, krippendorff_alpha]
)
def test_one_category_everywhere_is_undefined(coefficient) -> None:
    figure = coefficient(ONE_CATEGORY)
    assert figure.value is None
    assert figure.note
    assert figure.se is None and figure.ci is None


def test_cohen_kappa_undefined_when_both_coders_use_one_category() -> None:
    figure = cohen_kappa(ONE_CATEGORY[:, :2])
    assert figure.value is None
    assert "same category" in figure.note
    assert (figure.p_o, figure.p_e) == (1.0, 1.0)


def test_one_category_is_defined_when_the_other_category_is_possible() -> None:
    # A code nobody applied: presence/absence has q = 2, chance agreement 1/2 (BP) or 0 (AC1).
    assert gwet_ac1(ONE_CATEGORY, n_categories=2).value == pytest.approx(1.0)
    assert brennan_prediger(ONE_CATEGORY, n_categories=2).value == pytest.approx(1.0)
    # Positive agreement only looks at applied codes, so a code nobody applied has none.
    assert positive_agreement(ONE_CATEGORY).value is None
    assert "no coder applied the code" in positive_agreement(ONE_CATEGORY).note


def test_cohen_kappa_is_zero_when_coders_use_different_single_categories() -> None:
    labels = np.array([[0, 1], [0, 1], [0, 1]])
    assert cohen_kappa(labels).value == pytest.approx(0.0)


def test_no_unit_with_two_coders_is_undefined() -> None:
    labels = np.array([[0, -1], [-1, 1], [1, -1]])
    for figure in (
        cohen_kappa(labels),
        fleiss_kappa(labels),
        gwet_ac1(labels),
        brennan_prediger(labels),
        krippendorff_alpha(labels),
        positive_agreement(labels),
    ):
        assert figure.value is None
        assert "both coders" in figure.note or "at least two coders" in figure.note
    assert fleiss_kappa(labels).n_units == 3  # units rated once still count as rated
    assert krippendorff_alpha(labels).n_units == 0


def test_single_unit() -> None:
    agreeing = np.array([[2, 2]])
    for coefficient in (cohen_kappa, fleiss_kappa, krippendorff_alpha):
        assert coefficient(agreeing).value is None
    disagreeing = np.array([[0, 1]])
    assert cohen_kappa(disagreeing).value == pytest.approx(0.0)  # p_o = p_e = 0
    assert krippendorff_alpha(disagreeing).value == pytest.approx(0.0)  # D_o = D_e = 1
    assert fleiss_kappa(disagreeing).value == pytest.approx(-1.0)  # p_o = 0, p_e = 1/2
    # A variance over one unit does not exist.
    assert fleiss_kappa(disagreeing).se is None
    assert krippendorff_alpha(disagreeing).se is None


def test_no_units_at_all() -> None:
    empty = np.zeros((0, 2), dtype=np.int64)
    for figure in (
        cohen_kappa(empty),
        fleiss_kappa(empty),
        krippendorff_alpha(empty),
        positive_agreement(empty),
        pooled_kappa(np.zeros((0, 3), bool), np.zeros((0, 3), bool)),
    ):
        assert figure.value is None and figure.n_units == 0 and figure.note


def test_set_alpha_undefined_cases() -> None:
    same_everywhere = from_sets({"A": {"u1": {"a"}, "u2": {"a"}}, "B": {"u1": {"a"}, "u2": {"a"}}})
    figure = krippendorff_alpha_sets(same_everywhere.applied, same_everywhere.seen)
    assert figure.value is None and "same" in figure.note
    all_empty = from_sets({"A": {"u1": set(), "u2": set()}, "B": {"u1": set(), "u2": set()}})
    assert krippendorff_alpha_sets(all_empty.applied, all_empty.seen, "jaccard").value is None
    no_pairs = from_sets({"A": {"u1": {"a"}}, "B": {"u2": {"b"}}})
    figure = krippendorff_alpha_sets(no_pairs.applied, no_pairs.seen)
    assert figure.value is None and figure.n_units == 0


def test_unknown_set_distance_is_a_usage_error() -> None:
    codings = load("set_valued.csv")
    with pytest.raises(UsageError, match="unknown set distance 'dice'.*masi, jaccard"):
        krippendorff_alpha_sets(codings.applied, codings.seen, "dice")


def test_pooled_kappa_undefined_cases() -> None:
    never = np.zeros((5, 3), dtype=bool)
    figure = pooled_kappa(never, never)
    assert figure.value is None and "every unit or to none" in figure.note
    assert pooled_kappa(np.zeros((5, 0), bool), np.zeros((5, 0), bool)).value is None


def test_malformed_labels_are_rejected() -> None:
    with pytest.raises(ValueError, match="integer"):
        fleiss_kappa(np.array([[0.5, 1.0]]))
    with pytest.raises(ValueError, match="-1 for missing"):
        krippendorff_alpha(np.array([[0, -2]]))
    with pytest.raises(ValueError, match="two coders"):
        cohen_kappa(np.zeros((3, 3), dtype=np.int64))
    with pytest.raises(ValueError, match="presence/absence"):
        positive_agreement(np.array([[0, 2]]))


def test_undefined_figures_serialise_without_nan() -> None:
    as_json = fleiss_kappa(ONE_CATEGORY).to_dict()
    assert as_json["value"] is None
    assert all(not (isinstance(v, float) and math.isnan(v)) for v in as_json.values())


# --------------------------------------------------------------------------- bootstrap


def test_bootstrap_interval_is_attached_and_reproducible() -> None:
    labels = set_labels("wikipedia_fleiss.csv")
    settings = BootstrapSettings(n_resamples=200, seed=7)
    first = fleiss_kappa(labels, bootstrap=settings)
    again = fleiss_kappa(labels, bootstrap=settings)
    assert first.ci is not None and first.ci == again.ci
    assert first.ci[0] < first.ci[1]
    assert first.value == fleiss_kappa(labels).value  # the interval does not move the point


def test_bootstrap_of_identical_units_collapses_on_the_point_value() -> None:
    # Every unit looks the same, so every resample is the data itself: the interval is
    # the point, which shows the statistic of summed contributions is the point value.
    labels = np.tile([[0, 1, 1]], (20, 1))
    settings = BootstrapSettings(n_resamples=50, seed=1)
    for figure in (
        fleiss_kappa(labels, settings),
        gwet_ac1(labels, bootstrap=settings),
        brennan_prediger(labels, bootstrap=settings),
        krippendorff_alpha(labels, settings),
        cohen_kappa(labels[:, :2], settings),
        positive_agreement(labels, settings),
    ):
        assert figure.ci == pytest.approx((figure.value, figure.value), abs=1e-12)
    codings = from_sets({"A": {str(u): {"a"} for u in range(20)}, "B": {str(u): {"a", "b"} for u in range(20)}})
    sets = krippendorff_alpha_sets(codings.applied, codings.seen, "masi", settings)
    assert sets.ci == pytest.approx((sets.value, sets.value), abs=1e-12)
    pooled = pooled_kappa(codings.applied[:, 0], codings.applied[:, 1], settings)
    assert pooled.value is not None
    assert pooled.ci == pytest.approx((pooled.value, pooled.value), abs=1e-12)


def test_chance_corrected_attaches_intervals_to_every_defined_figure() -> None:
    codings = load("set_valued.csv")
    result = chance_corrected(codings, [(0, 1)], BootstrapSettings(n_resamples=100, seed=3))
    figures = list(result.overall.values()) + list(result.pairs[("c1", "c2")].values())
    for code in result.codes:
        figures += [code.fleiss_kappa, code.krippendorff_alpha, code.gwet_ac1, code.positive_agreement]
        figures += list(code.pairs[("c1", "c2")].values())
    for figure in figures:
        assert (figure.value is None) == (figure.ci is None)
