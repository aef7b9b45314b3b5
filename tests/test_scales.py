"""Ordered scales: where the order comes from, each code's value, and the refusals."""

from __future__ import annotations

import numpy as np
import pytest

from reliability.codings.model import UNCODED, from_sets
from reliability.errors import UsageError
from reliability.codings.scales import ordered_scale, parse_order


def test_numeric_codes_sort_as_numbers_and_keep_their_values():
    scale = ordered_scale("interval", ["10", "2", "1.5"])
    assert scale.codes == ("1.5", "2", "10") and scale.values == (1.5, 2.0, 10.0)
    assert scale.source == "numeric codes"
    assert ordered_scale("ordinal", ["10", "2", "1.5"]).values == (1.0, 2.0, 3.0)  # ordinal: ranks only


def test_order_wins_over_codebook_and_may_name_unused_levels():
    scale = ordered_scale("ordinal", ["b", "a"], order=["a", "x", "b"], codebook_order=["b", "a"])
    assert scale.codes == ("a", "x", "b") and scale.source == "--order"
    assert ordered_scale("ordinal", ["b", "a"], codebook_order=["b", "a"]).codes == ("b", "a")


@pytest.mark.parametrize(
    "level,codes,order,message",
    [
        ("ordinal", ["a", "z"], ["a", "b"], "code 'z' is not in --order"),
        ("ordinal", ["a", "b"], None, "needs the order of the codes"),
        ("ratio", ["a", "b"], ["a", "b"], "needs numeric codes"),
        ("ratio", ["-1", "2"], None, "non-negative"),
        ("interval", ["1", "2"], ["2", "1"], "out of numeric order"),
        ("nominal", ["1"], None, "not an ordered scale"),
    ],
)
def test_refusals_say_how_to_fix(level, codes, order, message):
    with pytest.raises(UsageError, match=message):
        ordered_scale(level, codes, order=order)


def test_parse_order():
    assert parse_order(" low, medium ,high") == ("low", "medium", "high")
    with pytest.raises(UsageError, match="empty entry"):
        parse_order("low,,high")


def test_labels_are_positions_with_missing_and_placed_empty_sets():
    codings = from_sets({"A": {"u1": {"high"}, "u2": set(), "u3": {"low"}}, "B": {"u1": {"low"}}})
    scale = ordered_scale("ordinal", codings.codes, order=[UNCODED, "low", "high"])
    assert scale.labels(codings).tolist() == [[2, 1], [0, -1], [1, -1]]
    with pytest.raises(UsageError, match="no code"):
        ordered_scale("ordinal", codings.codes, order=["low", "high"]).labels(codings)
    assert isinstance(scale.labels(codings), np.ndarray)
