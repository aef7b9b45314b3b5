"""Properties every coefficient must have, on data drawn by hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

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
from reliability.figures.figure import Figure
from reliability.figures.intervals import BootstrapSettings

PROPERTY_SETTINGS = settings(max_examples=50, deadline=None)

MANY_CODER_COEFFICIENTS = {
    "fleiss_kappa": fleiss_kappa,
    "gwet_ac1": gwet_ac1,
    "brennan_prediger": brennan_prediger,
    "krippendorff_alpha": krippendorff_alpha,
}


@st.composite
def label_matrices(draw, min_coders: int = 2, max_coders: int = 5, max_categories: int = 4) -> np.ndarray:
    """Units × coders category indices with -1 for missing."""
    n_units = draw(st.integers(1, 20))
    n_coders = draw(st.integers(min_coders, max_coders))
    n_categories = draw(st.integers(1, max_categories))
    return draw(
        arrays(np.int64, (n_units, n_coders), elements=st.integers(-1, n_categories - 1))
    )


@st.composite
def set_codings(draw) -> tuple[np.ndarray, np.ndarray]:
    """(applied, seen) with empty sets and missing ratings."""
    n_units = draw(st.integers(1, 15))
    n_coders = draw(st.integers(2, 4))
    n_codes = draw(st.integers(0, 4))
    seen = draw(arrays(bool, (n_units, n_coders)))
    applied = draw(arrays(bool, (n_units, n_coders, n_codes)))
    return applied & seen[:, :, None], seen


def same_figure(first: Figure, second: Figure) -> bool:
    """Equal up to floating-point summation order.

    A standard error is the square root of a variance that can be a difference of
    nearly equal numbers, so near zero rounding shows at the sqrt(eps) level: the
    variances are compared instead.
    """
    if (first.value is None) != (second.value is None) or first.n_units != second.n_units:
        return False
    variances = [None if figure.se is None else figure.se**2 for figure in (first, second)]
    numbers = [
        (first.value, second.value),
        (first.p_o, second.p_o),
        (first.p_e, second.p_e),
        (variances[0], variances[1]),
    ]
    return all(
        (a is None and b is None) or (a is not None and b is not None and a == pytest.approx(b, abs=1e-9))
        for a, b in numbers
    )


def permutation(draw, size: int) -> np.ndarray:
    return np.array(draw(st.permutations(range(size))), dtype=np.int64)


# --------------------------------------------------------------------------- invariances


@PROPERTY_SETTINGS
@given(labels=label_matrices(), data=st.data())
def test_many_coder_coefficients_ignore_coder_order_unit_order_and_category_names(labels, data) -> None:
    coders = permutation(data.draw, labels.shape[1])
    units = permutation(data.draw, labels.shape[0])
    new_names = np.array(data.draw(st.lists(st.integers(0, 50), min_size=4, max_size=4, unique=True)))
    renamed = np.where(labels >= 0, new_names[np.maximum(labels, 0)], -1)
    for coefficient in MANY_CODER_COEFFICIENTS.values():
        original = coefficient(labels)
        assert same_figure(original, coefficient(labels[:, coders]))
        assert same_figure(original, coefficient(labels[units]))
        assert same_figure(original, coefficient(renamed))


@PROPERTY_SETTINGS
@given(labels=label_matrices(min_coders=2, max_coders=2), data=st.data())
def test_cohen_kappa_ignores_coder_order_unit_order_and_category_names(labels, data) -> None:
    units = permutation(data.draw, labels.shape[0])
    new_names = np.array(data.draw(st.permutations(range(4))))
    renamed = np.where(labels >= 0, new_names[np.maximum(labels, 0)], -1)
    original = cohen_kappa(labels)
    assert same_figure(original, cohen_kappa(labels[:, ::-1]))
    assert same_figure(original, cohen_kappa(labels[units]))
    assert same_figure(original, cohen_kappa(renamed))


@PROPERTY_SETTINGS
@given(codings=set_codings(), data=st.data(), distance=st.sampled_from(["masi", "jaccard"]))
def test_set_alpha_ignores_coder_unit_and_code_order(codings, data, distance) -> None:
    applied, seen = codings
    coders = permutation(data.draw, seen.shape[1])
    units = permutation(data.draw, seen.shape[0])
    codes = permutation(data.draw, applied.shape[2])
    original = krippendorff_alpha_sets(applied, seen, distance)
    assert same_figure(original, krippendorff_alpha_sets(applied[:, coders], seen[:, coders], distance))
    assert same_figure(original, krippendorff_alpha_sets(applied[units], seen[units], distance))
    assert same_figure(original, krippendorff_alpha_sets(applied[:, :, codes], seen, distance))


@PROPERTY_SETTINGS
@given(labels=label_matrices(max_categories=2), data=st.data())
def test_positive_agreement_ignores_coder_and_unit_order(labels, data) -> None:
    coders = permutation(data.draw, labels.shape[1])
    units = permutation(data.draw, labels.shape[0])
    original = positive_agreement(labels)
    assert same_figure(original, positive_agreement(labels[:, coders]))
    assert same_figure(original, positive_agreement(labels[units]))


@PROPERTY_SETTINGS
@given(codings=set_codings(), data=st.data())
def test_pooled_kappa_is_symmetric_and_ignores_unit_and_code_order(codings, data) -> None:
    applied, seen = codings
    both = seen[:, 0] & seen[:, 1]
    first, second = applied[both, 0], applied[both, 1]
    units = permutation(data.draw, len(first))
    codes = permutation(data.draw, first.shape[1])
    original = pooled_kappa(first, second)
    assert same_figure(original, pooled_kappa(second, first))
    assert same_figure(original, pooled_kappa(first[units], second[units]))
    assert same_figure(original, pooled_kappa(first[:, codes], second[:, codes]))


# --------------------------------------------------------------------------- perfect agreement


@PROPERTY_SETTINGS
@given(column=arrays(np.int64, st.integers(1, 20), elements=st.integers(0, 3)), n_coders=st.integers(2, 5))
def test_identical_coders_agree_perfectly_unless_one_category_leaves_nothing_to_correct(column, n_coders) -> None:
    labels = np.repeat(column[:, None], n_coders, axis=1)
    several_categories = len(np.unique(column)) > 1
    for coefficient in [*MANY_CODER_COEFFICIENTS.values(), cohen_kappa]:
        figure = coefficient(labels[:, :2] if coefficient is cohen_kappa else labels)
        if several_categories:
            assert figure.value == pytest.approx(1.0)
        else:
            assert figure.value is None and figure.note


@PROPERTY_SETTINGS
@given(codings=set_codings(), distance=st.sampled_from(["masi", "jaccard"]))
def test_identical_code_sets_give_alpha_1_unless_every_set_is_the_same(codings, distance) -> None:
    applied, seen = codings
    seen = np.ones_like(seen)
    applied = np.repeat(applied[:, :1], seen.shape[1], axis=1)
    figure = krippendorff_alpha_sets(applied, seen, distance)
    if len(np.unique(applied[:, 0], axis=0)) > 1:
        assert figure.value == pytest.approx(1.0)
    else:
        assert figure.value is None and figure.note


# --------------------------------------------------------------------------- ranges and agreement


@PROPERTY_SETTINGS
@given(labels=label_matrices())
def test_values_are_in_range(labels) -> None:
    for coefficient in MANY_CODER_COEFFICIENTS.values():
        figure = coefficient(labels)
        assert figure.value is None or figure.value <= 1.0 + 1e-12
        assert figure.se is None or figure.se >= 0.0
    kappa = cohen_kappa(labels[:, :2])
    assert kappa.value is None or -1.0 - 1e-12 <= kappa.value <= 1.0 + 1e-12
    presence = np.where(labels >= 0, labels % 2, -1)
    agreement = positive_agreement(presence)
    assert agreement.value is None or 0.0 <= agreement.value <= 1.0


@PROPERTY_SETTINGS
@given(codings=set_codings(), distance=st.sampled_from(["masi", "jaccard"]))
def test_set_alpha_and_pooled_kappa_are_at_most_1(codings, distance) -> None:
    applied, seen = codings
    alpha = krippendorff_alpha_sets(applied, seen, distance)
    assert alpha.value is None or alpha.value <= 1.0 + 1e-12
    both = seen[:, 0] & seen[:, 1]
    pooled = pooled_kappa(applied[both, 0], applied[both, 1])
    assert pooled.value is None or pooled.value <= 1.0 + 1e-12


@PROPERTY_SETTINGS
@given(labels=label_matrices(), distance=st.sampled_from(["masi", "jaccard"]))
def test_set_alpha_is_nominal_alpha_on_single_label_data(labels, distance) -> None:
    # Distinct singletons are disjoint, so both set distances reduce to the nominal 0/1.
    seen = labels >= 0
    applied = (labels[:, :, None] == np.arange(4)) & seen[:, :, None]
    assert same_figure(krippendorff_alpha(labels), krippendorff_alpha_sets(applied, seen, distance))


@PROPERTY_SETTINGS
@given(labels=label_matrices(min_coders=2, max_coders=2, max_categories=2))
def test_pooled_kappa_of_one_code_is_cohen_kappa(labels) -> None:
    both = labels[(labels >= 0).all(axis=1)]
    pooled = pooled_kappa(both[:, :1] == 1, both[:, 1:] == 1)
    kappa = cohen_kappa(both)
    assert (pooled.value is None) == (kappa.value is None)
    if kappa.value is not None:
        assert pooled.value == pytest.approx(kappa.value, abs=1e-12)


# --------------------------------------------------------------------------- bootstrap


@settings(max_examples=20, deadline=None)
@given(labels=label_matrices(), seed=st.integers(0, 2**32 - 1))
def test_bootstrap_is_deterministic_for_a_seed(labels, seed) -> None:
    bootstrap = BootstrapSettings(n_resamples=40, seed=seed)
    for coefficient in MANY_CODER_COEFFICIENTS.values():
        first = coefficient(labels, bootstrap=bootstrap)
        assert first.ci == coefficient(labels, bootstrap=bootstrap).ci
        assert first.value == coefficient(labels).value
        if first.ci is not None:
            assert first.ci[0] <= first.ci[1]
