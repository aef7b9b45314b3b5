"""The shared counts behind the findings, against their definitions on random tables.

Used (unit, code) entries and their coder masks, applied counts from the distinct
code sets, the count of disagreeing units, and the "either" denominators of
confusions in both of the ways they are counted (a dense code × code table for a
small codebook, a lookup of the wanted pairs for a large one).
"""

import numpy as np
import pytest

from reliability.codings.model import from_sets
from reliability.findings import entries as entries_module
from reliability.findings.confusions import find_confusions
from reliability.findings.disagreements import count_disagreements, find_disagreements
from reliability.findings.entries import applied_counts, used_codes


def _random_codings(seed: int, n_coders: int, n_codes: int, n_units: int = 80, p: float = 0.3):
    rng = np.random.default_rng(seed)
    return from_sets(
        {
            f"c{j}": {
                f"u{i:03d}": {f"k{x:03d}" for x in range(n_codes) if rng.random() < p} if rng.random() < 0.8 else None
                for i in range(n_units)
            }
            for j in range(n_coders)
        }
    )


@pytest.mark.parametrize("n_coders, n_codes", [(1, 3), (2, 5), (5, 20), (8, 4), (9, 6), (17, 3), (3, 130)])
def test_used_codes_match_the_definition(monkeypatch, n_coders, n_codes):
    # Entries are the (unit, code) some coder applied, in unit then code order; coder c is bit c % 8 of byte c // 8.
    # A few units per chunk exercise the chunking.
    monkeypatch.setattr(entries_module, "CHUNK_CELLS", 3 * n_codes)
    c = _random_codings(n_coders + n_codes, n_coders, n_codes, p=min(0.5, 6 / n_codes))
    used = used_codes(c)
    unit, code = np.nonzero(c.applied.any(axis=1))
    assert used.unit.tolist() == unit.tolist() and used.code.tolist() == code.tolist()
    applied_by = np.packbits(c.applied[unit, :, code], axis=1, bitorder="little")
    coded_by = np.packbits(c.seen[unit], axis=1, bitorder="little")
    assert np.array_equal(used.applied_by, applied_by) and np.array_equal(used.coded_by, coded_by)
    every = (c.applied | ~c.seen[:, :, None]).all(axis=1)
    assert used.disputed.tolist() == (~every[unit, code]).tolist()


def test_used_codes_of_a_table_without_codes():
    c = from_sets({"A": {"u1": set()}, "B": {"u1": set()}})
    used = used_codes(c)
    assert len(used) == 0 and used.applied_by.shape == (0, 1)


@pytest.mark.parametrize("n_codes", [1, 20, 64, 65, 200])
def test_applied_counts_match_the_table(n_codes):
    # Codes on both sides of the 64-bit word edges of the packed sets.
    c = _random_codings(n_codes, 4, n_codes, p=min(0.5, 5 / n_codes))
    assert applied_counts(c).tolist() == c.applied.sum(axis=0).tolist()


@pytest.mark.parametrize("seed", range(4))
def test_count_disagreements_agrees_with_the_list(seed):
    c = _random_codings(seed, 2 + seed, 3, p=0.5)
    total, of_units = count_disagreements(c)
    assert total == find_disagreements(c).total
    assert of_units == int((c.seen.sum(axis=1) >= 2).sum())


@pytest.mark.parametrize("n_codes", [3, 150])
def test_confusions_either_counts_units_with_either_code(n_codes):
    # With 3 codes the pairs of used codes outnumber the 3 × 3 table and are counted into it;
    # with 150 the table is larger than the pairs and only the confused pairs are looked up.
    c = _random_codings(n_codes, 3, n_codes, n_units=60, p=min(0.5, 4 / n_codes))
    used = c.applied.any(axis=1)
    result = find_confusions(c)
    assert result.pairs
    for pair in result.pairs:
        x, y = (c.codes.index(code) for code in pair.codes)
        assert pair.either == int((used[:, x] | used[:, y]).sum())


@pytest.mark.parametrize("n_codes", [3, 64, 130])
def test_agreed_codes_are_those_every_coder_of_the_unit_applied(n_codes):
    from reliability.findings.disagreements import agreed_codes

    c = _random_codings(n_codes + 1, 4, n_codes, p=min(0.6, 8 / n_codes))
    units = np.arange(c.n_units)[::-1]
    expected = (c.applied | ~c.seen[:, :, None]).all(axis=1)[units]
    assert agreed_codes(c, units).tolist() == expected.tolist()
    assert agreed_codes(c, units[:0]).shape == (0, n_codes)
