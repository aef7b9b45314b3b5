"""Natural order: the vectorised ranks agree with the Python key they replace (readers/natural.py)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability.readers.natural import _alike_key, natural_key, natural_ranks


def _expected(values: list[str]) -> tuple[list[int], list[int]]:
    """The order by natural_key, and dense ranks by _alike_key in that order (the definitions)."""
    order = sorted(range(len(values)), key=lambda i: natural_key(values[i]))
    keys = sorted({_alike_key(v) for v in values})
    return order, [keys.index(_alike_key(values[i])) for i in order]


def _ranked(values: list[str]) -> tuple[list[int], list[int]]:
    order, alike = natural_ranks(np.array(values, dtype=object))
    return order.tolist(), alike[order].tolist()


@pytest.mark.parametrize(
    "values",
    [
        ["u10", "u2", "u1", "u007", "u7", "u0"],  # one head and a number: the fast path, with "007" and "7"
        ["10", "9", "1"],  # no head at all
        ["S5"],
        ["U1", "u1", "U01"],  # heads differ in case: the general path
        ["a٣", "a2", "a10"],  # other scripts' digits count by value
    ],
)
def test_ranks_match_the_key(values):
    assert _ranked(values) == _expected(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["u", "U", "", "doc"]), st.from_regex(r"\A[0-9]{1,4}\Z")), min_size=1, max_size=30))
def test_numbered_ids_match_the_key(parts):
    values = [head + digits for head, digits in parts]
    assert _ranked(values) == _expected(values)
