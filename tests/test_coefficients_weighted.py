"""Weighted coefficients for ordered scales, against their peers and published values."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from reliability.figures.coefficients.weighted import (
    agreement_weights,
    conger_kappa,
    gwet_ac2,
    krippendorff_alpha_scaled,
    weighted_cohen_kappa,
)
from reliability.figures.intervals import BootstrapSettings

FIXTURE = Path(__file__).parent / "fixtures" / "irrcac_weighted" / "irrcac_weighted.json"
IRRCAC = json.loads(FIXTURE.read_text(encoding="utf-8"))

# irrCAC's weights named for each Krippendorff level whose distances they equal (1 - delta / max).
ALPHA_LEVEL_OF_WEIGHTS = {"identity": "nominal", "quadratic": "interval", "ratio": "ratio"}


def _labels_and_values(entry: dict) -> tuple[np.ndarray, list[float]]:
    """irrCAC's ratings as positions on the scale, and the scale's values as irrCAC takes them."""
    scale = entry["scale"]
    position = {value: k for k, value in enumerate(scale)}
    labels = np.array([[-1 if v is None else position[v] for v in row] for row in entry["ratings"]])
    numeric = all(isinstance(v, (int, float)) for v in scale)
    return labels, [float(v) for v in scale] if numeric else [float(k + 1) for k in range(len(scale))]


CASES = [
    (name, weights)
    for name, entry in IRRCAC["data_sets"].items()
    for weights in entry["figures"]
]


@pytest.mark.parametrize("name,weights", CASES)
def test_ac2_and_conger_equal_irrcac(name, weights):
    # Fixture made by tests/fixtures/irrcac_weighted/generate.py with irrCAC 0.4.4 (versions in the file).
    entry = IRRCAC["data_sets"][name]
    labels, values = _labels_and_values(entry)
    w = agreement_weights(weights, values)
    for figure, expected in (
        (gwet_ac2(labels, w), entry["figures"][weights]["gwet_ac2"]),
        (conger_kappa(labels, w), entry["figures"][weights]["conger_kappa"]),
    ):
        assert figure.value == pytest.approx(expected["coefficient_value"], abs=1e-9)
        assert figure.se == pytest.approx(expected["se"], abs=1e-9)
        assert figure.p_o == pytest.approx(expected["pa"], abs=1e-9)
        assert figure.p_e == pytest.approx(expected["pe"], abs=1e-9)


@pytest.mark.parametrize(
    "name,weights",
    [(n, w) for n, w in CASES if w in ALPHA_LEVEL_OF_WEIGHTS],
)
def test_alpha_by_level_equals_irrcac_value_and_se(name, weights):
    # irrCAC's alpha with quadratic (ratio) weights is Krippendorff's interval (ratio) alpha.
    entry = IRRCAC["data_sets"][name]
    labels, values = _labels_and_values(entry)
    alpha = krippendorff_alpha_scaled(labels, ALPHA_LEVEL_OF_WEIGHTS[weights], values)
    expected = entry["figures"][weights]["krippendorff_alpha"]
    assert alpha.value == pytest.approx(expected["coefficient_value"], abs=1e-9)
    assert alpha.se == pytest.approx(expected["se"], abs=1e-9)


RAW4RATERS = np.array([[0, 0, -1, 0], [1, 1, 2, 1], [2, 2, 2, 2], [2, 2, 2, 2],
                       [1, 1, 1, 1], [0, 1, 2, 3], [3, 3, 3, 3], [0, 0, 1, 0],
                       [1, 1, 1, 1], [-1, 4, 4, 4], [-1, -1, 0, 0], [-1, -1, 2, -1]])


def test_published_values_of_gwet_for_raw4raters():
    # Gwet, irrCAC vignette "Weighted Chance-corrected Agreement Coefficients" (R irrCAC 1.0,
    # inst/doc/weighting.html), cac.raw4raters with weights = "quadratic":
    # AC2 0.914 (se 0.10396, pe 0.7137044); Conger 0.85771 (se 0.14367, pe 0.8269638);
    # Krippendorff's alpha 0.84911 (se 0.12913, pa 0.9735938, pe 0.825).
    quadratic = agreement_weights("quadratic", [1, 2, 3, 4, 5])
    ac2 = gwet_ac2(RAW4RATERS, quadratic)
    assert (round(ac2.value, 3), round(ac2.se, 5), round(ac2.p_e, 7)) == (0.914, 0.10396, 0.7137044)
    assert round(ac2.p_o, 7) == 0.9753788
    conger = conger_kappa(RAW4RATERS, quadratic)
    assert (round(conger.value, 5), round(conger.se, 5), round(conger.p_e, 7)) == (0.85771, 0.14367, 0.8269638)
    alpha = krippendorff_alpha_scaled(RAW4RATERS, "interval", [1, 2, 3, 4, 5])
    assert (round(alpha.value, 5), round(alpha.se, 5)) == (0.84911, 0.12913)


def test_published_weighted_kappa_of_cont3x3abstractors():
    # Same vignette: kappa2.table(cont3x3abstractors, quadratic.weights(1:3)) = 0.8921569, se 0.03535151.
    table = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
    labels = np.array([[i, j] for i in range(3) for j in range(3) for _ in range(table[i][j])])
    kappa = weighted_cohen_kappa(labels, agreement_weights("quadratic", [1, 2, 3]))
    assert round(kappa.value, 7) == 0.8921569
    assert round(kappa.se, 8) == 0.03535151


def _random_ratings(seed: int, n_units: int, n_coders: int, n_levels: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_levels, size=n_units)
    noise = rng.integers(-1, 2, size=(n_units, n_coders)) * (rng.random((n_units, n_coders)) < 0.4)
    labels = np.clip(truth[:, None] + noise, 0, n_levels - 1)
    labels[rng.random((n_units, n_coders)) < missing] = -1
    return labels


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_weighted_kappa_equals_scikit_learn(seed, weights):
    labels = _random_ratings(seed, 80, 2, 5, missing=0.1)
    both = (labels >= 0).all(axis=1)
    expected = cohen_kappa_score(labels[both, 0], labels[both, 1], labels=list(range(5)), weights=weights)
    kappa = weighted_cohen_kappa(labels, agreement_weights(weights, [1, 2, 3, 4, 5]))
    assert kappa.value == pytest.approx(expected, abs=1e-12)
    assert kappa.n_units == int(both.sum())


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("level", ["ordinal", "interval", "ratio"])
def test_alpha_by_level_equals_krippendorff_package(seed, level):
    labels = _random_ratings(seed, 60, 4, 5, missing=0.25)
    values = [1.0, 2.0, 4.0, 7.0, 11.0]  # unequal spacing tells interval from ordinal
    data = np.where(labels >= 0, np.asarray(values)[np.maximum(labels, 0)], np.nan).T
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=values)
    alpha = krippendorff_alpha_scaled(labels, level, values)
    assert alpha.value == pytest.approx(expected, abs=1e-12)


def test_krippendorff_2011_data_c_at_every_level():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", data C:
    # nominal .743, ordinal .815, interval .849, ratio .797.
    values = [1, 2, 3, 4, 5]
    got = {level: round(krippendorff_alpha_scaled(RAW4RATERS, level, values).value, 3)
           for level in ("nominal", "ordinal", "interval", "ratio")}
    assert got == {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def test_bootstrap_intervals_surround_the_value_and_repeat():
    labels = _random_ratings(3, 200, 3, 5, missing=0.1)
    settings = BootstrapSettings(n_resamples=300, seed=7)
    w = agreement_weights("ordinal", [1, 2, 3, 4, 5])
    for compute in (
        lambda b: gwet_ac2(labels, w, b),
        lambda b: conger_kappa(labels, w, b),
        lambda b: krippendorff_alpha_scaled(labels, "ordinal", [1, 2, 3, 4, 5], b),
        lambda b: weighted_cohen_kappa(labels[:, :2], w, b),
    ):
        figure = compute(settings)
        low, high = figure.ci
        assert low < figure.value < high
        assert compute(settings).ci == figure.ci
        # The analytic se and the bootstrap agree on the width, roughly.
        assert (high - low) / (2 * 1.96) == pytest.approx(figure.se, rel=0.35)


def test_undefined_figures_say_why():
    one_level = np.array([[2, 2], [2, 2], [2, -1]])
    w = agreement_weights("quadratic", [1, 2, 3])
    assert conger_kappa(one_level, w).value is None
    assert gwet_ac2(one_level[:, :1], w).value is None
    assert weighted_cohen_kappa(one_level, w).value is None
    assert "chance" in weighted_cohen_kappa(one_level, w).note
    assert krippendorff_alpha_scaled(one_level, "interval", [1, 2, 3]).value is None
    assert gwet_ac2(np.array([[0, -1], [-1, 1]]), w).note == "no unit was coded by at least two coders"
