"""Behaviour freeze: every sample and reference data set gives byte-for-byte the output
stored under tests/golden/files (regenerate with ``python tests/golden/generate.py``).

Byte for byte on the numerical stack the goldens were made with (tests/golden/STACK);
on another (CI's oldest allowed versions) a float's last bits may differ, so there
floats are compared to 10 significant digits and everything else byte for byte."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("golden_generate", HERE / "golden" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

CASES = generate.cases()


def test_every_golden_is_a_case():
    assert sorted(p.name for p in generate.GOLDEN.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_unchanged(name, monkeypatch):
    monkeypatch.chdir(generate.ROOT)
    expected = (generate.GOLDEN / name).read_text(encoding="utf-8")
    actual = generate.run(CASES[name])
    if generate.stack() == generate.STACK_FILE.read_text(encoding="utf-8"):
        assert actual == expected
    else:
        assert generate.rounded(actual) == generate.rounded(expected)
