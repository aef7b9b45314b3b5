"""The shipped sample data reproduces the figures its README states."""

import pytest

import reliability

from paths import GILLARD_CODERS, SAMPLE


def test_gillard_shared_agreement():
    codings = reliability.load([GILLARD_CODERS])
    report = reliability.compare(codings, reference="lead")
    assert codings.n_units == 50 and len(codings.codes) == 12 and codings.multi_label
    shared = {p.coders: p.figures["shared_agreement"].value for p in report.pairs}
    # Gillard et al. (2013), BMC Health Services Research 13:188: lead vs KO 74 %, lead vs SLG 70 %,
    # all three 56 % ("at least one shared category"), DESIGN §1
    assert shared[("lead", "KO")] == pytest.approx(37 / 50)
    assert shared[("lead", "SLG")] == pytest.approx(35 / 50)
    assert report.overall.figures["shared_agreement"].value == pytest.approx(28 / 50)


def test_gillard_texts_and_notes_are_carried():
    codings = reliability.load([GILLARD_CODERS])
    assert len(codings.texts) == 50
    notes_per_coder = {coder: sum(1 for (_, c) in codings.notes if c == coder) for coder in codings.coders}
    # sample_data/README.md: lead has 12 notes, KO 13 and SLG 13
    assert notes_per_coder == {"lead": 12, "KO": 13, "SLG": 13}


def test_small_examples():
    long = reliability.compare(reliability.load([SAMPLE / "long_example.csv"]))
    # sample_data/README.md: amira vs ben shared 6/8, identical 5/8; all three shared 3/7
    ab = next(p for p in long.pairs if p.coders == ("amira", "ben"))
    assert ab.figures["shared_agreement"].value == pytest.approx(6 / 8)
    assert ab.figures["percent_agreement"].value == pytest.approx(5 / 8)
    assert long.overall.figures["shared_agreement"].value == pytest.approx(3 / 7)
    wide = reliability.compare(reliability.load([SAMPLE / "wide_example.csv"]))
    # sample_data/README.md: wide amira vs ben shared 6/8, identical 4/8
    assert wide.pairs[0].figures["shared_agreement"].value == pytest.approx(6 / 8)
    assert wide.pairs[0].figures["percent_agreement"].value == pytest.approx(4 / 8)
