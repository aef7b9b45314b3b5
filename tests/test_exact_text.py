"""Cells are read as the exact text of the file, on pandas 2 and 3 alike.

pandas 3 parses numbers even in category columns, so ``007`` and ``7`` (or the codes
``01`` and ``1``) would become one value, and numeric cells crashed the readers. These
inputs are the ones a new user hits first (issue 11).
"""

import pytest
from sklearn.metrics import cohen_kappa_score

import reliability
from reliability.readers import load


def pair_figure(codings, name):
    return reliability.compare(codings).pairs[0].figures[name].value


def test_numeric_ids_and_codes_in_a_long_file(write):
    path = write("n.csv", "unit,coder,code\n1,a,1\n1,b,2\n2,a,2\n2,b,2\n3,a,1\n3,b,1\n4,a,2\n4,b,1\n")
    codings = load([path])
    assert codings.units == ("1", "2", "3", "4")
    assert codings.codes == ("1", "2")
    # Two of four units identical; kappa as scikit-learn computes it on the same labels.
    assert pair_figure(codings, "percent_agreement") == pytest.approx(2 / 4)
    expected = cohen_kappa_score(["1", "2", "1", "2"], ["2", "2", "1", "1"])
    assert pair_figure(codings, "cohen_kappa") == pytest.approx(expected)


def test_leading_zeros_keep_ids_and_codes_apart(write):
    path = write("z.csv", "unit,coder,code\n007,a,01\n007,b,1\n7,a,1\n7,b,1\n01,a,01\n01,b,01\n1,a,1\n1,b,01\n")
    codings = load([path])
    assert set(codings.units) == {"007", "7", "01", "1"}
    assert set(codings.codes) == {"01", "1"}
    # 01 and 1 are different codes: units 007 and 1 are disagreements.
    assert pair_figure(codings, "percent_agreement") == pytest.approx(2 / 4)


def test_ids_that_look_like_floats_stay_as_written(write):
    path = write("f.csv", "unit,coder,code\n1.0,a,x\n1,b,x\n1.50,a,x\n1.5,b,x\n")
    assert set(load([path]).units) == {"1.0", "1", "1.50", "1.5"}


@pytest.mark.parametrize(("yes", "no"), [("1", "0"), ("true", "false"), ("TRUE", "FALSE")])
def test_wide_presence_absence_figures(write, yes, no):
    rows = [("u1", "a", yes, no), ("u1", "b", yes, no), ("u2", "a", no, yes), ("u2", "b", yes, yes),
            ("u3", "a", no, no), ("u3", "b", no, no)]
    path = write("w.csv", "unit,coder,cost,trust\n" + "".join(",".join(r) + "\n" for r in rows))
    codings = load([path])
    assert codings.codes == ("cost", "trust")
    assert reliability.compare(codings).pairs[0].figures["percent_agreement"].value == pytest.approx(2 / 3)
    # u2: {trust} vs {cost, trust} share one code; u3: two empty sets agree.
    assert pair_figure(codings, "shared_agreement") == pytest.approx(3 / 3)


@pytest.mark.parametrize("code_column", ["rating", "diagnosis", "category"])
def test_irr_and_irrcac_column_names_read_without_options(write, code_column):
    # irr (R) and irrCAC name the unit column "subject" and the code column "rating",
    # "diagnosis" or "category".
    path = write("irr.csv", f"subject,rater,{code_column}\n1,r1,3\n1,r2,3\n2,r1,1\n2,r2,2\n")
    codings = load([path])
    assert codings.units == ("1", "2") and codings.coders == ("r1", "r2")
    assert codings.codes == ("1", "2", "3")
    assert pair_figure(codings, "percent_agreement") == pytest.approx(1 / 2)
