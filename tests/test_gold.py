"""Coders against a gold standard, checked against scikit-learn's own report and by hand."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import classification_report

from reliability.codings.model import UNCODED, from_sets
from reliability.errors import UsageError
from reliability.figures.gold import against_gold


def test_single_label_scores_equal_scikit_learn_report():
    rng = np.random.default_rng(4)
    codes = ["a", "b", "c"]
    truth = rng.choice(codes, size=60)
    guess = np.where(rng.random(60) < 0.7, truth, rng.choice(codes, size=60))
    codings = from_sets({"key": {f"u{i}": {t} for i, t in enumerate(truth)},
                         "new": {f"u{i}": {g} for i, g in enumerate(guess)}})
    scores = against_gold(codings, "key").coders[0]
    report = classification_report(truth, guess, labels=codes, output_dict=True, zero_division=0.0)
    for code in scores.codes:
        assert code.scores.precision == pytest.approx(report[code.code]["precision"])
        assert code.scores.recall == pytest.approx(report[code.code]["recall"])
        assert code.scores.f1 == pytest.approx(report[code.code]["f1-score"])
        assert code.scores.support == report[code.code]["support"]
    assert scores.macro.f1 == pytest.approx(report["macro avg"]["f1-score"])
    assert scores.micro.f1 == pytest.approx(float((truth == guess).mean()))  # micro F1 = accuracy, single label
    assert np.array(scores.confusion.counts).sum() == 60
    assert np.trace(np.array(scores.confusion.counts)) == int((truth == guess).sum())


def test_multi_label_by_hand_and_only_shared_units():
    codings = from_sets({
        "key": {"u1": {"a", "b"}, "u2": {"b"}, "u3": set(), "u4": {"a"}},
        "new": {"u1": {"a"}, "u2": {"b", "c"}, "u3": {"c"}},  # never coded u4: not counted
    })
    result = against_gold(codings, "key")
    assert result.coder == "key"
    new = result.coders[0]
    assert new.n_units == 3 and new.confusion is None
    by_code = {c.code: c.scores for c in new.codes}
    # a: tp 1 (u1), fp 0, fn 0 -> 1, 1; b: tp 1 (u2), fn 1 (u1) -> p 1, r .5; c: fp 2 -> p 0, r undefined
    assert (by_code["a"].precision, by_code["a"].recall, by_code["a"].support) == (1.0, 1.0, 1)
    assert (by_code["b"].precision, by_code["b"].recall) == (1.0, 0.5)
    assert by_code["c"].precision == 0.0 and by_code["c"].recall is None and by_code["c"].f1 == 0.0
    # micro: tp 2, fp 2, fn 1
    assert new.micro.precision == pytest.approx(0.5) and new.micro.recall == pytest.approx(2 / 3)
    # macro counts c's undefined recall as 0 (conservative): (1 + .5 + 0) / 3
    assert new.macro.recall == pytest.approx(0.5)


def test_empty_set_is_a_label_in_single_label_data():
    codings = from_sets({"key": {"u1": {"a"}, "u2": set()}, "new": {"u1": set(), "u2": set()}})
    new = against_gold(codings, "key").coders[0]
    assert new.confusion.labels == ("a", UNCODED)
    assert new.confusion.counts == ((0, 1), (0, 1))


def test_json_shape_and_errors():
    codings = from_sets({"key": {"u1": {"a"}}, "B": {"u1": {"a"}}, "C": {"u2": {"a"}}})
    data = against_gold(codings, "key").to_dict()
    assert [c["coder"] for c in data["coders"]] == ["B", "C"]
    assert set(data["coders"][0]) >= {"coder", "micro", "macro", "codes"}
    assert set(data["coders"][0]["codes"][0]) == {"code", "precision", "recall", "f1", "support"}
    assert data["coders"][1]["note"] == "C and key coded no unit in common"
    with pytest.raises(UsageError, match="there is no coder 'nobody'"):
        against_gold(codings, "nobody")
