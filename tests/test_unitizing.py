"""Krippendorff's unitizing alphas (reliability.unitizing) against published worked examples and by hand."""

import json
import re

import numpy as np
import pytest

from reliability.codings.model import Continuum
from reliability.readers import ReadOptions
from reliability.readers.spans import SpanTable, codings_from_spans, span_frame
from reliability.render import render
from reliability.report import compare
from reliability.figures.unitizing import alpha_u_disagreements, unitizing_alphas


def continuum(length, spans, codes, coders=2, documents=None, coded=None):
    """A one-document continuum from (start, length, coder, code) tuples, as Krippendorff writes units."""
    rows = np.array([[start, start + size, coder, codes.index(code), 0] for start, size, coder, code in spans])
    if documents is not None:
        rows[:, 4] = documents
    lengths = np.atleast_1d(np.asarray(length))
    return Continuum(
        documents=tuple(f"doc{i}" for i in range(len(lengths))),
        coders=tuple(f"coder{i}" for i in range(coders)),
        codes=tuple(codes),
        lengths=lengths,
        coded=np.ones((len(lengths), coders), dtype=bool) if coded is None else np.asarray(coded),
        doc=rows[:, 4],
        coder=rows[:, 2],
        start=rows[:, 0],
        end=rows[:, 1],
        code=rows[:, 3],
    )


# Krippendorff (2004, Content Analysis 2nd ed., p. 254): the continuum [150, 450), two observers, categories c
# and k; units as (begin, length). DKPro Statistics' Krippendorff2004Test reproduces the published figures.
K2004 = [
    (225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"), (400, 20, 1, "c"),
    (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"), (300, 50, 1, "k"),
]


def k2004():
    return continuum(300, [(begin - 150, size, coder, code) for begin, size, coder, code in K2004], ["c", "k"])


def test_krippendorff_2004_per_category():
    observed, expected, _ = alpha_u_disagreements(k2004())
    # Krippendorff (2004: 254–256): c: D_o = .0144, D_e = .0532, α = .7286; k: D_o = 0, D_e = .0490, α = 1.
    assert observed == pytest.approx([0.0144, 0.0], abs=1e-4)
    assert expected == pytest.approx([0.0532, 0.0490], abs=1e-4)
    codes = unitizing_alphas(k2004()).codes
    assert codes[0]["unitizing_alpha"].value == pytest.approx(0.7286, abs=1e-4)
    assert codes[1]["unitizing_alpha"].value == pytest.approx(1.0, abs=1e-9)


def test_krippendorff_2004_overall():
    # Krippendorff (2004), all categories: α = 1 − ΣD_o / ΣD_e = .8591 (DKPro Statistics asserts .8591 ± .0005).
    assert unitizing_alphas(k2004()).overall["unitizing_alpha"].value == pytest.approx(0.8591, abs=1e-3)


def test_krippendorff_2004_distances():
    # Krippendorff (2004: 252): (225,70) vs (220,80) both c: 5² + 5² = 50; (370,30) vs (355,20): 15² + 25² = 850;
    # (400,20) of c inside the other's gap [400,450): 20² = 400. Observed: (50 + 850 + 400)·2 / (2·1·300²).
    observed, _, _ = alpha_u_disagreements(k2004())
    assert observed[0] == pytest.approx(2 * (50 + 850 + 400) / (2 * 300**2), abs=1e-12)


def k1995(stretch):
    """Krippendorff (1995: 57): four pairs of observers A–D on 24 positions, stretched as DKPro's test does."""
    units = [
        (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
        (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"), (5, 1, 1, "B"),
        (6, 3, 1, "B"), (9, 1, 1, "B"),
        (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"), (4, 4, 1, "C"),
        (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
        (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"), (0, 4, 1, "D"),
        (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
    ]
    def scale(x):
        return int(x * stretch)

    return continuum(scale(24), [(scale(b), scale(n), c, k) for b, n, c, k in units], list("ABCD"))


def test_krippendorff_1995_observed_disagreement():
    # Krippendorff (1995: 57–60), as DKPro Statistics' Krippendorff1995Test reproduces them.
    observed, _, _ = alpha_u_disagreements(k1995(1))
    assert observed == pytest.approx([0.03125, 2.26736, 0.02777, 0.38715], abs=1e-5)


def test_krippendorff_1995_alphas_on_a_long_continuum():
    # Krippendorff (1995) gives D_e and α for a continuum long enough that its length no longer matters
    # (DKPro stretches the example 50,000 times). A and D match to 1e-3. The 1995 D_e formula has
    # (l_ik + l_hj + 1) where Krippendorff (2004) corrected it to (l_hj − l_ik + 1) — DKPro's test says so
    # and allows 0.005 on D_e and 0.02 on α; B and C move by that correction.
    observed, expected, _ = alpha_u_disagreements(k1995(50_000))
    alpha = 1 - observed / expected
    assert expected[[0, 3]] == pytest.approx([0.06990, 0.41445], abs=1e-3)
    assert alpha[[0, 3]] == pytest.approx([0.553, 0.066], abs=1e-3)
    assert expected[[1, 2]] == pytest.approx([1.17731, 0.08642], abs=5e-3)
    assert alpha[[1, 2]] == pytest.approx([-0.926, 0.679], abs=0.02)


def test_dkpro_unitizing_example():
    # DKPro Statistics' UnitizingAgreementTest: r0 -11111111-, r1 --1-1-1--- on 10 positions:
    # D_o = .9100, D_e = .5351, α = −.7003.
    data = continuum(10, [(1, 8, 0, "A"), (2, 1, 1, "A"), (4, 1, 1, "A"), (6, 1, 1, "A")], ["A"])
    observed, expected, _ = alpha_u_disagreements(data)
    assert (observed[0], expected[0]) == pytest.approx((0.9100, 0.5351), abs=1e-4)
    assert unitizing_alphas(data).codes[0]["unitizing_alpha"].value == pytest.approx(-0.7003, abs=1e-4)


# --- the 2016 family ------------------------------------------------------------------------------


def span_table(rows, texts=None):
    columns = list(zip(*rows))
    return SpanTable(source="s.csv", shape="span file", rows_read=len(rows), spans=span_frame(*columns), texts=texts or {})


def test_binary_alpha_of_one_character_units_is_nominal_alpha_over_characters():
    # With every unit one character long, the 2016 coincidences are exactly those of nominal alpha over
    # characters (l² = l for units as for gaps), so |uα must equal the tool's Krippendorff's α on the
    # characters view of a single code.
    rng = np.random.default_rng(7)
    rows = [("d", coder, int(p), int(p) + 1, "x") for coder in ("A", "B", "C") for p in rng.choice(40, 12, replace=False)]
    text = "y" * 40
    codings = codings_from_spans([span_table(rows, {"d": text})], ReadOptions(units="characters"))
    report = compare(codings)
    binary = report.overall.figures["unitizing_alpha_binary"].value
    assert binary == pytest.approx(report.overall.figures["krippendorff_alpha"].value, abs=1e-12)
    assert report.codes[0].figures["unitizing_alpha_binary"].value == pytest.approx(binary, abs=1e-12)


def test_coding_alpha_by_hand():
    # By hand: coder 0: A[0,4) B[4,8); coder 1: A[0,6) B[6,8), on 10 positions. Coincidences of units:
    # l_AA = 8, l_AB = l_BA = 2, l_BB = 4: l = 16, D_o = 4. Each unit's intersection with the other coder's
    # units: 4, 4, 6, 2 → S_A = 16 + 36 = 52, S_B = 16 + 4 = 20. e_AA = (10² − 52)/(16 − 72/16) = 4.1739,
    # e_BB = (6² − 20)/11.5 = 1.3913; D_e = 16 − 5.5652; cuα = 1 − 4/10.4348 = .6167.
    data = continuum(10, [(0, 4, 0, "A"), (4, 4, 0, "B"), (0, 6, 1, "A"), (6, 2, 1, "B")], ["A", "B"])
    overall = unitizing_alphas(data).overall
    assert overall["unitizing_alpha_coding"].value == pytest.approx(1 - 4 / (16 - (48 + 16) / 11.5), abs=1e-12)
    assert overall["unitizing_alpha_domains"].value == overall["unitizing_alpha_coding"].value
    assert "every code is its own semantic domain" in overall["unitizing_alpha_domains"].note


def test_semantic_domains_are_code_name_prefixes():
    # The coders disagree on the code but agree on its domain ("Emotion: …"): Cuα = 1, cuα < 1.
    data = continuum(
        20, [(0, 5, 0, "Emotion: joy"), (10, 5, 0, "Place: home"), (0, 5, 1, "Emotion: fear"), (10, 5, 1, "Place: home")],
        ["Emotion: fear", "Emotion: joy", "Place: home"],
    )
    overall = unitizing_alphas(data).overall
    assert overall["unitizing_alpha_domains"].value == pytest.approx(1.0)
    assert overall["unitizing_alpha_coding"].value < 0.5


def test_perfect_agreement_is_one_everywhere():
    spans = [(0, 5, c, "x") for c in range(3)] + [(10, 4, c, "y") for c in range(3)]
    result = unitizing_alphas(continuum(20, spans, ["x", "y"], coders=3))
    assert {name: f.value for name, f in result.overall.items()} == pytest.approx(
        {"unitizing_alpha": 1.0, "unitizing_alpha_binary": 1.0, "unitizing_alpha_coding": 1.0, "unitizing_alpha_domains": 1.0}
    )
    assert [code["unitizing_alpha"].value for code in result.codes] == pytest.approx([1.0, 1.0])


def test_overlapping_codes_of_one_coder_make_code_sets_the_values():
    # By hand: coder 0 x[0,10) and y[5,15) → pieces {x}[0,5), {x,y}[5,10), {y}[10,15); coder 1 x[0,10).
    # Units' coincidences: l_{x,x} = 10, l_{xy,x} = l_{x,xy} = 5 ({y} meets only a gap): l = 20, D_o = 10.
    # Intersections with the other coder's units: 5, 5, 0 and 10 → S_{x} = 25 + 100, S_{xy} = 25, S = 150;
    # e_{x,x} = (15² − 125)/(20 − 150/20) = 8, e_{xy,xy} = (5² − 25)/12.5 = 0; cuα = 1 − 10/(20 − 8) = 1/6.
    data = continuum(20, [(0, 10, 0, "x"), (5, 10, 0, "y"), (0, 10, 1, "x")], ["x", "y"])
    figure = unitizing_alphas(data).overall["unitizing_alpha_coding"]
    assert figure.value == pytest.approx(1 / 6, abs=1e-12)
    assert "each distinct set of codes is one value" in figure.note


def test_documents_not_coded_by_every_coder():
    # Document 1 was coded by coder 0 only: αu (which needs every coder on the whole text) leaves it out and
    # says so; the 2016 coefficients pair the coders of each document, so it adds nothing to them.
    both = [(0, 5, 0, "x"), (0, 5, 1, "x")]
    alone = continuum([10, 10], both + [(2, 6, 0, "x")], ["x"], documents=[0, 0, 1], coded=[[True, True], [True, False]])
    only = continuum(10, both, ["x"])
    result, reference = unitizing_alphas(alone), unitizing_alphas(only)
    assert result.overall["unitizing_alpha"].value == pytest.approx(reference.overall["unitizing_alpha"].value)
    assert "1 document not coded by every coder left out" in result.overall["unitizing_alpha"].note
    assert result.overall["unitizing_alpha_binary"].value == pytest.approx(reference.overall["unitizing_alpha_binary"].value)


def test_report_json_carries_unitizing_figures():
    rows = [("d", "A", 0, 10, "x"), ("d", "B", 2, 10, "x"), ("d", "A", 20, 30, "y"), ("d", "B", 20, 28, "x")]
    codings = codings_from_spans([span_table(rows, {"d": "z" * 40})], ReadOptions())
    document = json.loads(render(compare(codings), "json"))
    keys = {"value", "p_o", "p_e", "n_units", "ci", "se", "note"}
    for name in ("unitizing_alpha", "unitizing_alpha_binary", "unitizing_alpha_coding", "unitizing_alpha_domains"):
        assert set(document["overall"][name]) == keys
    assert set(document["codes"][0]["unitizing_alpha"]) == keys
    assert document["codes"][0]["unitizing_alpha"]["value"] < 1


def test_unit_id_tables_have_no_unitizing_figures():
    from reliability.codings.model import from_sets

    report = compare(from_sets({"A": {"u1": {"x"}, "u2": set()}, "B": {"u1": {"x"}, "u2": {"x"}}}))
    assert "unitizing_alpha" not in report.overall.figures


def reference_alpha_u(lengths, spans, n_codes, m):
    """Krippendorff's (2004) αu per code written out loop by loop, every document a continuum of its own."""
    total = sum(lengths)
    observed, expected = [], []
    for code in range(n_codes):
        sections = []  # (coder, document, begin, end, is_unit)
        for coder in range(m):
            for doc, length in enumerate(lengths):
                units = sorted((s, e) for d, c, s, e, k in spans if d == doc and c == coder and k == code)
                merged = []
                for s, e in units:
                    if merged and s < merged[-1][1]:
                        merged[-1][1] = max(merged[-1][1], e)
                    else:
                        merged.append([s, e])
                edge = 0
                for s, e in merged:
                    if s > edge:
                        sections.append((coder, doc, edge, s, False))
                    sections.append((coder, doc, s, e, True))
                    edge = e
                if edge < length:
                    sections.append((coder, doc, edge, length, False))
        delta = 0
        for ci, di, bg, eg, ug in sections:
            for cj, dj, bh, eh, uh in sections:
                if ci == cj or di != dj or min(eg, eh) <= max(bg, bh):
                    continue
                if ug and uh:
                    delta += (bg - bh) ** 2 + (eg - eh) ** 2
                elif ug and not uh and bh <= bg and eg <= eh:
                    delta += (eg - bg) ** 2
                elif uh and not ug and bg <= bh and eh <= eg:
                    delta += (eh - bh) ** 2
        observed.append(delta / (m * (m - 1) * total**2))
        units = [e - b for _, _, b, e, u in sections if u]
        gaps = [e - b for _, _, b, e, u in sections if not u]
        numerator = sum(
            (len(units) - 1) / 3 * (2 * lu**3 - 3 * lu**2 + lu) + lu**2 * sum(lh - lu + 1 for lh in gaps if lh >= lu)
            for lu in units
        )
        expected.append(2 / total * numerator / (m * total * (m * total - 1) - sum(lu * (lu - 1) for lu in units)))
    return np.array(observed), np.array(expected)


def test_alpha_u_matches_the_formula_written_out_on_several_documents():
    # Codes that some documents lack are whole-document gaps there; the vectorised version must agree.
    rng = np.random.default_rng(3)
    lengths, m, n_codes = [60, 45, 80], 3, 4
    spans = []
    for _ in range(40):
        doc, coder, code = int(rng.integers(3)), int(rng.integers(m)), int(rng.integers(n_codes - 1))  # code 3 unused
        start = int(rng.integers(lengths[doc] - 5))
        spans.append((doc, coder, start, min(start + int(rng.integers(1, 20)), lengths[doc]), code))
    rows = np.array(spans)
    data = Continuum(
        ("a", "b", "c"), ("x", "y", "z"), ("k0", "k1", "k2", "k3"), np.array(lengths), np.ones((3, m), dtype=bool),
        rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4],
    )
    observed, expected, _ = alpha_u_disagreements(data)
    want_observed, want_expected = reference_alpha_u(lengths, spans, n_codes, m)
    assert observed == pytest.approx(want_observed, rel=1e-12, abs=1e-15)
    assert expected[:3] == pytest.approx(want_expected[:3], rel=1e-12)
    assert unitizing_alphas(data).codes[3]["unitizing_alpha"].value is None  # nobody used it: undefined


def test_binary_alpha_per_code_over_documents_without_the_code():
    # One-character units in two documents, code x only in the first and y only in the second: each code's
    # |uα must still equal nominal α over characters for that code (the other document is all agreement on "not x").
    rng = np.random.default_rng(5)
    rows = [("d", c, int(p), int(p) + 1, "x") for c in ("A", "B") for p in rng.choice(30, 8, replace=False)]
    rows += [("e", c, int(p), int(p) + 1, "y") for c in ("A", "B") for p in rng.choice(20, 6, replace=False)]
    codings = codings_from_spans([span_table(rows, {"d": "q" * 30, "e": "r" * 20})], ReadOptions(units="characters"))
    report = compare(codings)
    for code in report.codes:
        assert code.figures["unitizing_alpha_binary"].value == pytest.approx(code.figures["krippendorff_alpha"].value, abs=1e-12)


def test_the_gate_checks_unitizing_alphas():
    from click.testing import CliRunner

    from reliability.cli import main

    from .paths import ROOT

    project = str(ROOT / "tests" / "fixtures" / "qda" / "refi_project" / "project.qde")
    result = CliRunner().invoke(main, ["check", project, "--min", "unitizing_alpha_binary=0.2", "--min", "unitizing_alpha=0"])
    assert result.exit_code == 1  # |uα .278 passes, αu −.538 fails
    assert re.search(r"^overall\.unitizing_alpha_binary +≥ 0\.200 +0\.278 +pass$", result.stdout, re.MULTILINE)
    assert "Failed: overall.unitizing_alpha" in result.stdout
    gillard = str(ROOT / "sample_data" / "gillard" / "coders")
    result = CliRunner().invoke(main, ["check", gillard, "--min", "unitizing_alpha=0"])
    assert result.exit_code == 1  # unit-id tables have no unitizing alpha: the minimum cannot be met
