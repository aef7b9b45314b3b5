"""Known answers: Gwet's own data sets and the values he published for them.

The data are the copies irrCAC ships (stored in tests/fixtures/irrcac/gwet_datasets.json
by tests/fixtures/irrcac/generate.py): ``cac.raw4raters`` (Gwet 2014, p. 120),
``distrib.6raters`` (Fleiss 1971) and ``cont3x3abstractors`` (Gwet 2014).

The values are those Gwet published for them: Gwet, K. L. (2014). *Handbook of
Inter-Rater Reliability*, 4th ed., Advanced Analytics; as printed, with his data sets,
in the README / vignette "Calculating Chance-corrected Agreement Coefficients (CAC)"
of his R package irrCAC 1.0 (CRAN, 2019). Each value is compared to the digits printed.
"""

import json

import numpy as np
import pytest

from paths import ROOT
from reliability.figures.coefficients import brennan_prediger, cohen_kappa, fleiss_kappa, gwet_ac1, krippendorff_alpha

DATASETS = json.loads((ROOT / "tests" / "fixtures" / "irrcac" / "gwet_datasets.json").read_text(encoding="utf-8"))[
    "datasets"
]


def labels(name: str) -> np.ndarray:
    """Units × raters category indices, -1 where a rater did not rate the unit."""
    rows = DATASETS[name]["labels"]
    categories = sorted({v for row in rows for v in row if v is not None}, key=str)
    index = {c: i for i, c in enumerate(categories)}
    return np.array([[-1 if v is None else index[v] for v in row] for row in rows], dtype=np.int64)


def printed(value: float, digits: int):
    """Equal to ``value`` as printed with ``digits`` decimals."""
    return pytest.approx(value, abs=0.5 * 10**-digits + 1e-12)


def test_raw4raters_gwet_2014():
    # irrCAC README: pa.coeff.raw, gwet.ac1.raw, fleiss.kappa.raw, krippen.alpha.raw, bp.coeff.raw
    # on cac.raw4raters (12 subjects, 4 raters, 5 categories, no rater rated every subject).
    data = labels("cac.raw4raters")
    assert data.shape == (12, 4) and (data < 0).sum() == 7
    fleiss = fleiss_kappa(data)
    assert fleiss.p_o == printed(0.8181818, 7)  # percent agreement (Gwet's p_a)
    assert fleiss.value == printed(0.76117, 5) and fleiss.p_e == printed(0.2387153, 7)
    assert fleiss.se == printed(0.15302, 5)
    ac1 = gwet_ac1(data)
    assert ac1.value == printed(0.77544, 5) and ac1.p_e == printed(0.1903212, 7)
    assert ac1.se == printed(0.14295, 5)
    bp = brennan_prediger(data)
    assert bp.value == printed(0.77273, 5) and bp.se == printed(0.14472, 5)
    alpha = krippendorff_alpha(data)
    assert alpha.value == printed(0.74342, 5) and alpha.se == printed(0.14557, 5)


def test_distrib_6raters_fleiss_1971_as_published_by_gwet():
    # irrCAC README: gwet.ac1.dist, fleiss.kappa.dist, krippen.alpha.dist, bp.coeff.dist
    # on distrib.6raters (15 patients, 6 psychiatrists, 5 diagnoses).
    data = labels("distrib.6raters")
    assert data.shape == (15, 6) and (data >= 0).all()
    fleiss = fleiss_kappa(data)
    assert fleiss.p_o == printed(0.5511111, 7)  # percent agreement
    assert fleiss.value == printed(0.4139265, 7) and fleiss.p_e == printed(0.2340741, 7)
    assert fleiss.se == printed(0.08119291, 8)
    ac1 = gwet_ac1(data)
    assert ac1.value == printed(0.4448007, 7) and ac1.p_e == printed(0.1914815, 7)
    assert ac1.se == printed(0.08418757, 8)
    bp = brennan_prediger(data)
    assert bp.value == printed(0.4388889, 7) and bp.se == printed(0.08312142, 8)
    alpha = krippendorff_alpha(data)
    assert alpha.value == printed(0.4204384, 7)
    # Not compared: the standard error krippen.alpha.dist prints (0.08243228). That function
    # estimates it from the rater counts; ours is the raw-ratings estimator of krippen.alpha.raw,
    # which matches Gwet's printed 0.14557 on cac.raw4raters above.


def test_cont3x3abstractors_gwet_2014():
    # irrCAC README: kappa2.table, scott2.table, gwet.ac1.table, bp2.table, krippen2.table,
    # pa2.table on cont3x3abstractors (100 pregnancies, 2 abstractors, 3 types).
    data = labels("cont3x3abstractors")
    assert data.shape == (100, 2)
    cohen = cohen_kappa(data)
    assert cohen.p_o == printed(0.89, 2)  # percent agreement
    assert cohen.value == printed(0.7964094, 7) and cohen.se == printed(0.05891072, 8)
    # Fleiss' kappa for two raters is Scott's pi.
    assert fleiss_kappa(data).value == printed(0.7962397, 7)
    assert gwet_ac1(data).value == printed(0.8493305, 7)
    assert brennan_prediger(data).value == printed(0.835, 3)
    assert krippendorff_alpha(data).value == printed(0.7972585, 7)
