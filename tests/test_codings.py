"""The canonical table: shapes, missing vs empty, set labels, recoding."""

import numpy as np
import pytest

from reliability.codings.model import Codings, from_sets


def test_missing_and_empty_stay_apart():
    c = from_sets({"A": {"u1": set(), "u2": {"x"}}, "B": {"u2": {"x"}}})
    assert c.code_set(0, 0) == frozenset()  # coded, no code
    assert c.code_set(0, 1) is None  # never coded
    assert c.missing_units() == {"A": (), "B": ("u1",)}


def test_applied_where_missing_is_rejected():
    seen = np.array([[True, False]])
    applied = np.array([[[False], [True]]])
    with pytest.raises(ValueError, match="missing"):
        Codings(("u1",), ("A", "B"), ("x",), applied, seen)


def test_arrays_are_read_only():
    c = from_sets({"A": {"u1": {"x"}}, "B": {"u1": {"x"}}})
    with pytest.raises(ValueError):
        c.applied[0, 0, 0] = False


def test_set_labels_give_each_distinct_set_one_category():
    c = from_sets({"A": {"u1": {"x", "y"}, "u2": set(), "u3": {"x"}}, "B": {"u1": {"x", "y"}, "u2": {"x"}}})
    labels, sets = c.set_labels()
    assert labels.shape == (3, 2)
    assert labels[2, 1] == -1  # missing
    assert sets[labels[0, 0]] == frozenset({"x", "y"})
    assert labels[0, 0] == labels[0, 1]
    assert sets[labels[1, 0]] == frozenset()
    assert labels[2, 0] == labels[1, 1]  # {"x"} both times
    assert len(sets) == 3


def test_code_labels_mark_missing():
    c = from_sets({"A": {"u1": {"x"}, "u2": set()}, "B": {"u1": set()}})
    assert c.code_labels(0).tolist() == [[1, 0], [0, -1]]


def test_recode_merges_and_drops():
    c = from_sets({"A": {"u1": {"a"}, "u2": {"b", "c"}}, "B": {"u1": {"b"}, "u2": {"c"}}})
    merged = c.recode({"a": "ab", "b": "ab", "c": None})
    assert merged.codes == ("ab",)
    assert merged.code_set(0, 0) == merged.code_set(0, 1) == frozenset({"ab"})
    assert merged.code_set(1, 1) == frozenset()  # its only code was dropped: coded, no code
    assert merged.seen.all()


def test_multi_label_flag():
    assert from_sets({"A": {"u": {"a", "b"}}, "B": {"u": {"a"}}}).multi_label
    assert not from_sets({"A": {"u": {"a"}}, "B": {"u": set()}}).multi_label


