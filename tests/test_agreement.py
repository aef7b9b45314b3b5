"""Observed agreement: hand-computed cases and the reference data's published values."""

import json
from pathlib import Path

import numpy as np
import pytest

from reliability.figures.agreement import coder_pairs, compare_all, compare_pair
from reliability.codings.model import from_sets
from reliability.errors import UsageError
from reliability.figures.intervals import BootstrapSettings
from reliability.readers import load

REFERENCE = Path(__file__).parent / "reference"
EXPECTED = json.loads((REFERENCE / "expected.json").read_text())


def test_pair_figures_by_hand():
    # u1: {a,b} vs {b}: not identical, shared, jaccard 1/2
    # u2: {a} vs {c}: disjoint, jaccard 0
    # u3: {} vs {}: identical, shared "(uncoded)", jaccard 1
    # u4: {a} vs {} : disjoint, jaccard 0
    # u5: only A coded it: not counted
    c = from_sets(
        {
            "A": {"u1": {"a", "b"}, "u2": {"a"}, "u3": set(), "u4": {"a"}, "u5": {"a"}},
            "B": {"u1": {"b"}, "u2": {"c"}, "u3": set(), "u4": set()},
        }
    )
    r = compare_pair(c, 0, 1)
    assert r.n_units == 4
    assert r.percent_agreement.value == pytest.approx(1 / 4)
    assert r.shared_agreement.value == pytest.approx(2 / 4)
    assert r.jaccard.value == pytest.approx((0.5 + 0 + 1 + 0) / 4)


def test_all_coders_need_one_code_every_coder_applied():
    # u1: a is in every set → shared; u2: every pair overlaps but no code common to all → not shared
    # u3: all empty → shared and identical; u4: C never coded it → not counted
    c = from_sets(
        {
            "A": {"u1": {"a", "b"}, "u2": {"a", "b"}, "u3": set(), "u4": {"a"}},
            "B": {"u1": {"a"}, "u2": {"b", "c"}, "u3": set(), "u4": {"a"}},
            "C": {"u1": {"a", "c"}, "u2": {"a", "c"}, "u3": set()},
        }
    )
    o = compare_all(c)
    assert o.n_units == 3
    assert o.shared_agreement.value == pytest.approx(2 / 3)
    assert o.percent_agreement.value == pytest.approx(1 / 3)


def test_at_least_k_counts_units_with_k_coders():
    # u1: a applied by A, B, C → reaches 3; u2: a by A and B only → reaches 2
    # u3: coded by A and B only, both empty → reaches 2 ("(uncoded)"), cannot reach 3
    c = from_sets(
        {
            "A": {"u1": {"a"}, "u2": {"a"}, "u3": set()},
            "B": {"u1": {"a"}, "u2": {"a"}, "u3": set()},
            "C": {"u1": {"a"}, "u2": {"b"}},
        }
    )
    k = compare_all(c).at_least_k
    assert k[2].value == pytest.approx(3 / 3) and k[2].n_units == 3
    assert k[3].value == pytest.approx(1 / 2) and k[3].n_units == 2


def test_no_common_units_is_undefined_not_a_crash():
    c = from_sets({"A": {"u1": {"a"}}, "B": {"u2": {"a"}}})
    r = compare_pair(c, 0, 1)
    assert r.percent_agreement.value is None
    assert "no units" in r.percent_agreement.note


def test_reference_pairs_put_the_lead_first():
    c = from_sets({"KO": {"u": {"a"}}, "lead": {"u": {"a"}}, "SLG": {"u": {"a"}}})
    assert coder_pairs(c, "lead") == [(1, 0), (1, 2)]
    assert coder_pairs(c) == [(0, 1), (0, 2), (1, 2)]
    with pytest.raises(UsageError, match="there is no coder 'boss'; the coders are: KO, lead, SLG"):
        coder_pairs(c, "boss")


def test_set_valued_reference():
    c = load([REFERENCE / "set_valued.csv"])
    expected = EXPECTED["set_valued.csv"]
    r = compare_pair(c, 0, 1)
    # DKPro Statistics SetAnnotationsTest, 2 coders × 9 items (expected.json "set_valued.csv")
    assert r.percent_agreement.value == pytest.approx(expected["percent_agreement_exact_sets"], abs=5e-6)
    # Same source; two uncoded sets agree (DESIGN §3 pseudo-code "(uncoded)")
    assert r.shared_agreement.value == pytest.approx(expected["shared_agreement_uncoded_pairs_agree"], abs=5e-6)


@pytest.mark.parametrize(
    "name, key",
    [("krippendorff_a_binary.csv", "percent_agreement"), ("wikipedia_cohen.csv", "percent_agreement")],
)
def test_two_coder_percent_agreement_reference(name, key):
    # Krippendorff (2004) binary example A; Wikipedia "Cohen's kappa" worked example (expected.json)
    c = load([REFERENCE / name])
    assert compare_pair(c, 0, 1).percent_agreement.value == pytest.approx(EXPECTED[name][key], abs=5e-6)


def test_bootstrap_interval_is_deterministic_and_brackets_the_data():
    c = load([REFERENCE / "wikipedia_cohen.csv"])
    settings = BootstrapSettings(n_resamples=300, seed=7)
    first = compare_pair(c, 0, 1, settings).percent_agreement
    again = compare_pair(c, 0, 1, settings).percent_agreement
    assert first.ci == again.ci
    low, high = first.ci
    assert 0.5 < low < first.value < high < 0.9


def test_agreement_is_symmetric_in_the_pair():
    rng = np.random.default_rng(3)
    data = {
        coder: {f"u{i}": {c for c in "abc" if rng.random() < 0.4} for i in range(40) if rng.random() < 0.9}
        for coder in ("A", "B")
    }
    c = from_sets(data)
    ab, ba = compare_pair(c, 0, 1), compare_pair(c, 1, 0)
    for name in ("percent_agreement", "shared_agreement", "jaccard"):
        assert getattr(ab, name).value == pytest.approx(getattr(ba, name).value)
