"""Where and why coders disagree: units, confusions, bias, gaps; and what a revision does.

Small cases are counted by hand (the comments say how); the vectorised counts are
also checked against a plain per-unit loop on random data; p-values against statsmodels.
"""

from dataclasses import replace
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import SquareTable, mcnemar

import reliability
from reliability.findings import confusions as confusions_module
from reliability.figures.agreement import coder_pairs
from reliability.findings.bias import find_bias, mcnemar_exact, stuart_maxwell
from reliability.readers.codebook import read_codebook
from reliability.codings.model import Codings, from_sets
from reliability.findings.confusions import find_confusions
from reliability.findings.disagreements import find_disagreements
from reliability.errors import UsageError
from reliability.findings.gaps import find_gaps
from reliability.codings.revision import build_revision

from paths import GILLARD_CODERS, SAMPLE

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "codebooks"


@pytest.fixture
def small():
    """Three coders, five units; u4 is missing for C."""
    codings = from_sets(
        {
            "A": {"u1": {"x"}, "u2": {"x", "y"}, "u3": set(), "u4": {"x"}, "u5": {"z"}},
            "B": {"u1": {"x"}, "u2": {"x"}, "u3": {"y"}, "u4": {"x"}, "u5": {"z"}},
            "C": {"u1": {"x"}, "u2": {"x", "y"}, "u3": set(), "u4": None, "u5": {"y"}},
        }
    )
    return replace(codings, texts={"u3": "Some text"}, notes={("u3", "B"): "y fits"})


@pytest.fixture(scope="module")
def gillard():
    return reliability.load([GILLARD_CODERS])


@pytest.fixture(scope="module")
def gillard_codebook():
    return read_codebook(SAMPLE / "gillard" / "codebook.csv")


def test_no_codes_at_all():
    # Every coder found no appropriate category anywhere: nothing disagrees, nothing is confused.
    report = reliability.compare(from_sets({"A": {"u1": set(), "u2": set()}, "B": {"u1": set(), "u2": set()}}))
    assert report.disagreements.total == 0 and report.confusions.pairs == ()
    assert report.bias.flags == () and report.bias.stuart_maxwell[0].note == "the two coders never disagree"
    assert [u.unit for u in report.gaps.uncoded()] == ["u1", "u2"]
    assert report.to_dict()["confusion_matrix"] == {"codes": [], "units": []}


# Disagreeing units


def test_disagreeing_units_by_hand(small):
    found = find_disagreements(small)
    # u1 identical; u4 identical among the two coders who coded it.
    # u3: ∅, {y}, ∅ → Jaccard AB 0, AC 1, BC 0 → contest 1 − 1/3; disputed y and (uncoded).
    # u5: z, z, y → AB 1, AC 0, BC 0 → contest 2/3; disputed y, z; after u3 in unit order.
    # u2: {x,y}, {x}, {x,y} → AB ½, AC 1, BC ½ → contest 1/3; disputed y; agreed x.
    rows = found.rows()
    assert [r.unit for r in rows] == ["u3", "u5", "u2"]
    assert [r.contest for r in rows] == pytest.approx([2 / 3, 2 / 3, 1 / 3])
    assert [r.disputed for r in rows] == [("y", "(uncoded)"), ("y", "z"), ("y",)]
    assert rows[2].agreed == ("x",)
    u3 = rows[0]
    assert u3.text == "Some text"
    assert [(c.coder, c.codes, c.note) for c in u3.codings] == [("A", (), None), ("B", ("y",), "y fits"), ("C", (), None)]
    assert found.summary() == {"units": 3, "listed": 3, "of_units": 5, "code": None, "pair": None}


def test_json_list_equals_the_rows(small, gillard):
    for codings in (small, gillard):
        found = find_disagreements(codings)
        assert found.to_list() == [row.to_dict() for row in found.rows()]
    assert found.to_list()[0]["notes"] == {
        "KO": "Team norms about what she can say - integration.",
        "lead": "Being put in her place (hierarchy) about using her own history.",
        "SLG": "Clearly about disclosure - what she can say and to whom.",
    }


def test_missing_coder_shows_as_none():
    codings = from_sets({"A": {"u1": {"x"}}, "B": {"u1": {"y"}}, "C": {}})
    row = find_disagreements(codings).rows()[0]
    assert row.to_dict()["codes"] == {"A": ["x"], "B": ["y"], "C": None}


def test_filters(small):
    found = find_disagreements(small)
    assert [r.unit for r in found.filtered(code="z").rows()] == ["u5"]
    assert [r.unit for r in found.filtered(code="(uncoded)").rows()] == ["u3"]
    assert [r.unit for r in found.filtered(pair=("A", "C")).rows()] == ["u5"]  # u3: both uncoded agree
    both = found.filtered(code="y", pair=("A", "B"))
    assert [r.unit for r in both.rows()] == ["u3", "u2"]
    assert both.summary() == {"units": 3, "listed": 2, "of_units": 5, "code": "y", "pair": ["A", "B"]}


def test_filter_errors(small):
    found = find_disagreements(small)
    with pytest.raises(UsageError, match=r"--code 'w': no coder used that code; the codes are: x, y, z, \(uncoded\)"):
        found.filtered(code="w")
    with pytest.raises(UsageError, match=r"there is no coder 'D'"):
        found.filtered(pair=("A", "D"))
    with pytest.raises(UsageError, match=r"--pair A,A names one coder twice"):
        found.filtered(pair=("A", "A"))


def _random_codings(seed: int, n_units: int = 300, n_coders: int = 4, n_codes: int = 5) -> Codings:
    rng = np.random.default_rng(seed)
    seen = rng.random((n_units, n_coders)) < 0.9
    applied = (rng.random((n_units, n_coders, n_codes)) < 0.3) & seen[:, :, None]
    return Codings(
        units=tuple(f"u{i}" for i in range(n_units)),
        coders=tuple(f"c{i}" for i in range(n_coders)),
        codes=tuple(f"k{i}" for i in range(n_codes)),
        applied=applied,
        seen=seen,
    )


def test_contest_matches_a_plain_loop():
    codings = _random_codings(seed=1)
    found = find_disagreements(codings)
    expected = {}
    for u in range(codings.n_units):
        sets = [codings.code_set(u, c) or frozenset({"(uncoded)"}) for c in range(codings.n_coders) if codings.seen[u, c]]
        if len(sets) >= 2 and len(set(sets)) > 1:
            pairs = list(combinations(sets, 2))
            expected[codings.units[u]] = 1 - sum(len(a & b) / len(a | b) for a, b in pairs) / len(pairs)
    rows = found.rows()
    assert {r.unit: r.contest for r in rows} == pytest.approx(expected)
    assert [r.contest for r in rows] == sorted((r.contest for r in rows), reverse=True)


# Confusions


def test_confusions_by_hand():
    codings = from_sets(
        {
            "A": {"u1": {"x"}, "u2": {"x", "z"}, "u3": {"y"}, "u4": {"x", "y"}},
            "B": {"u1": {"y"}, "u2": {"y", "z"}, "u3": {"y"}, "u4": {"y"}},
            "C": {"u1": {"x"}, "u2": None, "u3": {"x"}, "u4": {"x"}},
        }
    )
    result = find_confusions(codings)
    # x/y: u1 (A, C: x; B: y), u2 (A x, B y), u3 (C x; A, B y), u4 (C x, B y; A has both) → 4 units.
    # Who applied x where who applied y: C→B in u1, u3, u4; A→B in u1, u2; C→A in u3.
    # x/z and y/z: nobody applied z without x (or y) while another applied x (or y) without z.
    assert result.matrix.tolist() == [[0, 4, 0], [4, 0, 0], [0, 0, 0]]
    [pair] = result.pairs
    assert (pair.codes, pair.n_units, pair.either, pair.units) == (("x", "y"), 4, 4, ("u1", "u2", "u3", "u4"))
    assert [(p.first, p.second, p.n_units) for p in pair.by_coders] == [("C", "B", 3), ("A", "B", 2), ("C", "A", 1)]
    assert pair.suggestion.startswith("'x' and 'y' stand in for each other in 4 units (u1, u2, u3, u4): merge them")
    assert "Mostly C applies 'x' where B applies 'y' (3 of 4)." in pair.suggestion  # 3/4 ≥ 60 %


def test_confusions_match_a_plain_loop_in_small_chunks(monkeypatch):
    codings = _random_codings(seed=2)
    whole = find_confusions(codings)
    monkeypatch.setattr(confusions_module, "CHUNK_UNITS", 7)
    chunked = find_confusions(codings)
    expected = np.zeros((codings.n_codes, codings.n_codes), dtype=int)
    directed = {}
    for u in range(codings.n_units):
        a = codings.applied[u]
        for x in range(codings.n_codes):
            for y in range(codings.n_codes):
                first = [c for c in range(codings.n_coders) if a[c, x] and not a[c, y]]
                second = [c for c in range(codings.n_coders) if a[c, y] and not a[c, x]]
                if x != y and first and second:
                    expected[x, y] += 1
                    for c1 in first:
                        for c2 in second:
                            directed[(x, y, c1, c2)] = directed.get((x, y, c1, c2), 0) + 1
    for result in (whole, chunked):
        assert np.array_equal(result.matrix, expected)
        for pair in result.pairs:
            x, y = (codings.codes.index(code) for code in pair.codes)
            assert {(p.first, p.second): p.n_units for p in pair.by_coders} == {
                (codings.coders[c1], codings.coders[c2]): n for (i, j, c1, c2), n in directed.items() if (i, j) == (x, y)
            }
    assert [(p.codes, p.units) for p in whole.pairs] == [(p.codes, p.units) for p in chunked.pairs]
    assert all(len(p.units) == min(p.n_units, confusions_module.EXAMPLES) for p in whole.pairs)


def test_gillard_confusions(gillard, gillard_codebook):
    result = find_confusions(gillard, gillard_codebook)
    first, second = result.pairs[:2]
    # sample_data/README.md: lead's Lived experience ↔ SLG's Boundaries in 8 sections; lead's
    # Hierarchy ↔ KO's Team integration in 7 (S03, S09, S20, S22, S26, S35, S38).
    assert first.codes == ("Boundaries and disclosure", "Lived experience as expertise") and first.n_units == 8
    assert (first.by_coders[0].first, first.by_coders[0].second, first.by_coders[0].n_units) == ("SLG", "lead", 8)
    assert second.codes == ("Hierarchy and power", "Team integration")
    assert second.units == ("S03", "S09", "S20", "S22", "S26", "S35", "S38")
    assert second.definitions[0].startswith("Status, authority and who decides")
    suggested = [p.codes for p in result.suggestions()]
    assert suggested == [first.codes, second.codes, ("Supervision", "Training and support")]
    assert "Mostly lead applies 'Hierarchy and power' where KO applies 'Team integration' (7 of 7)" in second.suggestion


# Bias


@pytest.mark.parametrize("only_first, only_second", [(7, 0), (3, 3), (12, 4), (0, 1), (30, 12)])
def test_mcnemar_matches_statsmodels(only_first, only_second):
    table = [[5, only_first], [only_second, 9]]
    expected = mcnemar(table, exact=True).pvalue
    assert mcnemar_exact(np.array([only_first]), np.array([only_second]))[0] == pytest.approx(expected)


def test_stuart_maxwell_matches_statsmodels():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 4, 200)
    a = np.where(rng.random(200) < 0.7, truth, rng.integers(0, 4, 200))
    b = np.where(rng.random(200) < 0.6, truth, (truth + 1) % 4)  # b drifts to the next category
    codes = ("k0", "k1", "k2", "k3")
    codings = from_sets(
        {"a": {f"u{i}": {codes[v]} for i, v in enumerate(a)}, "b": {f"u{i}": {codes[v]} for i, v in enumerate(b)}},
        codes=list(codes),
    )
    result = stuart_maxwell(codings, 0, 1)
    table = np.zeros((4, 4))
    np.add.at(table, (a, b), 1)
    expected = SquareTable(table, shift_zeros=False).homogeneity(method="stuart_maxwell")
    assert result.statistic == pytest.approx(expected.statistic)
    assert (result.df, result.p_value) == (expected.df, pytest.approx(expected.pvalue))
    assert find_bias(codings, [(0, 1)]).stuart_maxwell == (result,)


def test_stuart_maxwell_without_disagreement():
    codings = from_sets({"a": {"u1": {"x"}, "u2": {"y"}}, "b": {"u1": {"x"}, "u2": {"y"}}})
    result = stuart_maxwell(codings, 0, 1)
    assert (result.statistic, result.p_value, result.note) == (None, None, "the two coders never disagree")


def test_bias_flags_only_the_extreme_coder():
    # By hand: A applies x to 8 of 10 units, B and C to 2 (u0, u1, as A does).
    # A: 80 % against 20 %; McNemar A–B: 6 units only A, 0 only B → p = 2 · 0.5⁶ = 0.03125.
    # B: 20 % against 50 % (A and C pooled) is half or less, but C is just as low: no flag.
    coders = {
        name: {f"u{i}": ({"x"} if i < n else {"y"}) for i in range(10)} for name, n in (("A", 8), ("B", 2), ("C", 2))
    }
    codings = from_sets(coders)
    result = find_bias(codings, coder_pairs(codings))
    # 'y' mirrors 'x': A applies it least (20 % against 80 %), also p = 0.03125.
    assert [(f.code, f.coder, f.direction) for f in result.flags] == [("x", "A", "more"), ("y", "A", "less")]
    flag = result.flags[0]
    assert (flag.rate, flag.others_rate, flag.against) == (0.8, 0.2, "B")
    assert flag.p_value == pytest.approx(0.03125)
    assert flag.text == "A applies 'x' far more often than the others: 80.0 % of units against 20.0 % (McNemar p = 0.031 against B)"
    # Single-label data: a Stuart–Maxwell test per pair of coders.
    assert [t.coders for t in result.stuart_maxwell] == [("A", "B"), ("A", "C"), ("B", "C")]


def test_gillard_bias(gillard):
    flags = {(f.coder, f.code, f.direction) for f in find_bias(gillard, coder_pairs(gillard)).flags}
    # sample_data/README.md: SLG uses Organisational culture far more (18 vs 3 and 3); KO almost never
    # uses Hierarchy and power (1); SLG almost never uses Lived experience as expertise (1).
    assert {
        ("SLG", "Organisational culture", "more"),
        ("KO", "Hierarchy and power", "less"),
        ("SLG", "Lived experience as expertise", "less"),
    } <= flags
    assert ("lead", "Organisational culture", "less") not in flags  # lead's 3 equal KO's 3


# Gaps


def test_rarely_used_by_hand():
    # x applied 5 + 4 = 9 times, y 5 + 5 = 10, z once: mean 20/3, a third of it 2.22 → z is rare, used by B only.
    a = {f"u{i}": ({"x"} if i < 5 else {"y"}) for i in range(10)}
    b = {f"u{i}": ({"x"} if i < 4 else {"y"}) for i in range(9)} | {"u9": {"z"}}
    gaps = find_gaps(from_sets({"A": a, "B": b}))
    assert [(u.code, u.applications, u.coders) for u in gaps.rarely_used] == [("z", 1, ("B",))]
    assert [u.code for u in gaps.one_coder_only] == ["z"]
    assert gaps.rare_below == pytest.approx(20 / 9)
    assert gaps.not_in_codebook is None
    assert gaps.findings()[-1] == "Only B used 'z' (1 unit)."


def test_gillard_gaps(gillard, gillard_codebook):
    gaps = find_gaps(gillard, gillard_codebook)
    # sample_data/README.md: S17 uncoded by all three; S11 by lead and KO; S24 by SLG; S30 by KO.
    assert [(u.unit, u.uncoded_by) for u in gaps.uncoded()] == [
        ("S11", ("KO", "lead")),
        ("S17", ("KO", "lead", "SLG")),
        ("S24", ("SLG",)),
        ("S30", ("KO",)),
    ]
    assert gaps.uncoded()[0].others == {"SLG": ("Organisational culture",)}
    assert [u.code for u in gaps.rarely_used] == ["Recruitment"]  # 5 applications in all
    assert gaps.not_in_codebook == () and gaps.never_used == ()


def test_codes_missing_from_the_codebook(write):
    codebook = read_codebook(write("book.csv", "code\nPeer support\nRole definition\n"))
    codings = from_sets({"A": {"u1": {"Peer suport"}}, "B": {"u1": {"Role definition"}}})
    gaps = find_gaps(codings, codebook)
    assert [(u.code, u.did_you_mean) for u in gaps.not_in_codebook] == [("Peer suport", "Peer support")]
    assert gaps.never_used == ("Peer support",)


# A revision recomputes every figure


def test_merging_the_most_confused_pair_changes_the_figures_as_counted_by_hand(gillard):
    top = find_confusions(gillard).pairs[0].codes
    assert top == ("Boundaries and disclosure", "Lived experience as expertise")
    revision = build_revision(gillard.codes, merges=[f"{top[0]}+{top[1]}=Using lived experience"])
    before = reliability.compare(gillard, reference="lead")
    after = reliability.compare(gillard, reference="lead", revision=revision)
    figures = {p.coders: p.figures for p in after.pairs}
    # Counted by hand from the coders' files. lead vs SLG shared 35/50 before; the merge makes lead's
    # Lived experience meet SLG's Boundaries in S05, S15, S18, S22, S28, S32, S34 (S04 already shared
    # Service user relationships): 42/50. Identical sets 13/50 before; now also S02, S04, S05, S15,
    # S18, S32: 19/50. Jaccard 22.5/50 before; + ½ (S02) + ⅔ (S04) + 1 (S05, S15, S18, S32)
    # + ½ (S22, S28, S34) + ⅙ (S41) = 29⅓/50.
    assert figures[("lead", "SLG")]["shared_agreement"].value == pytest.approx(42 / 50)
    assert figures[("lead", "SLG")]["percent_agreement"].value == pytest.approx(19 / 50)
    assert figures[("lead", "SLG")]["jaccard"].value == pytest.approx((22.5 + 0.5 + 2 / 3 + 4 + 1.5 + 1 / 6) / 50)
    # lead vs KO never split these two codes between them: 37/50 and 16/50 as before.
    assert figures[("lead", "KO")]["shared_agreement"].value == pytest.approx(37 / 50)
    assert figures[("lead", "KO")]["percent_agreement"].value == pytest.approx(16 / 50)
    # All three: 28/50 before, now also S05, S18, S34 (lead and KO Lived experience, SLG Boundaries): 31/50.
    assert after.overall.figures["shared_agreement"].value == pytest.approx(31 / 50)
    assert before.overall.figures["shared_agreement"].value == pytest.approx(28 / 50)
    # Every section follows the revision, and the input summary still describes the codings as read.
    assert len(after.codes) == 11 and len(after.input.codes) == 12
    assert all(top[0] not in p.codes and top[1] not in p.codes for p in after.confusions.pairs)
    assert after.revision.describe() == ["Using lived experience ← Boundaries and disclosure + Lived experience as expertise"]


def test_level_roll_up_equals_the_gillard_revision(gillard):
    # The hierarchy fixture puts each of the 12 categories under one of the 8 revised ones, so rolling up
    # to level 1 must give the figures of revision.csv: sample_data/README.md, 92 %, 90 %, 76 % shared.
    book = read_codebook(FIXTURES / "gillard_hierarchy.csv")
    revision = build_revision(gillard.codes, codebook=book, level=1)
    report = reliability.compare(gillard, reference="lead", codebook=book, revision=revision)
    shared = {p.coders: p.figures["shared_agreement"].value for p in report.pairs}
    assert shared == {("lead", "KO"): pytest.approx(46 / 50), ("lead", "SLG"): pytest.approx(45 / 50)}
    assert report.overall.figures["shared_agreement"].value == pytest.approx(38 / 50)
    assert report.gaps.not_in_codebook == ()


def test_sections_not_asked_for_are_not_computed_and_the_summary_still_counts(gillard):
    full = reliability.compare(gillard)
    bare = reliability.compare(gillard, sections=())
    assert bare.disagreements is None and bare.confusions is None and bare.bias is None and bare.gaps is None
    assert bare.disagreement_summary() == {**full.disagreement_summary(), "listed": 0}
    assert bare.to_dict()["pairs"] == full.to_dict()["pairs"]
    with pytest.raises(UsageError, match="unknown sections"):
        reliability.compare(gillard, sections=("everything",))


@pytest.mark.parametrize("seed", range(6))
def test_units_encoded_a_column_at_a_time_are_the_json_of_their_dicts(seed):
    # (and the uncoded units of the codebook gaps)
    # The JSON renderer writes Disagreements.json_lines(); each line must be exactly what
    # json.dumps writes for the unit's dict, whatever the names, texts and notes hold.
    import json

    rng = np.random.default_rng(seed)
    n_units, n_coders, n_codes = 80, int(rng.integers(2, 5)), int(rng.integers(1, 70))
    seen = rng.random((n_units, n_coders)) < 0.85
    applied = (rng.random((n_units, n_coders, n_codes)) < 2.0 / n_codes) & seen[:, :, None]
    odd = ['"q"', "back\\slash", "tab\there", "é", "line\nbreak", "\u2028", "emoji 🙂", "{0}", "}{", ""]
    units = tuple(f"u{u}{odd[u % len(odd)]}" for u in range(n_units))
    coders = tuple(f"c{c}{odd[c]}" for c in range(n_coders))
    texts = {units[u]: f"text {odd[u % len(odd)]}" for u in range(0, n_units, 3)}
    notes = {(units[u], coders[u % n_coders]): f"note {odd[(u + 1) % len(odd)]}" for u in range(0, n_units, 4)} if seed % 2 else {}
    codings = Codings(units, coders, tuple(f"k{k}{odd[k % len(odd)]}" for k in range(n_codes)), applied, seen, texts, notes)
    found = find_disagreements(codings)
    assert len(found) > 0
    expected = [json.dumps(item, ensure_ascii=False, allow_nan=False, separators=(", ", ": ")) for item in found.to_list()]
    assert found.json_lines() == expected
    gaps = find_gaps(codings)
    assert gaps.uncoded_json_lines() == [
        json.dumps(item, ensure_ascii=False, separators=(", ", ": ")) for item in gaps.to_dict()["uncoded"]
    ]
    filtered = found.filtered(code=codings.codes[0])
    assert filtered.json_lines() == [
        json.dumps(item, ensure_ascii=False, separators=(", ", ": ")) for item in filtered.to_list()
    ]


@pytest.mark.parametrize("n_coders", [2, 3, 5, 6])
def test_only_counts_by_pattern_match_a_count_per_pair(n_coders):
    # only[a, b, k] counted directly, pair by pair, against the pattern counts (up to 5 coders)
    # and the products over units (more coders).
    from reliability.findings.bias import _only_counts

    rng = np.random.default_rng(n_coders)
    sets = {
        f"c{j}": {f"u{i}": {f"k{x}" for x in range(4) if rng.random() < 0.4} for i in range(60) if rng.random() < 0.8}
        for j in range(n_coders)
    }
    c = from_sets(sets)
    only = _only_counts(c)
    for a in range(n_coders):
        for b in range(n_coders):
            both = c.seen[:, a] & c.seen[:, b]
            expected = (both[:, None] & c.applied[:, a, :] & ~c.applied[:, b, :]).sum(axis=0)
            assert only[a, b].tolist() == expected.tolist()


@pytest.mark.parametrize("n_codes", [1, 3, 64, 65, 130])
def test_disputed_codes_from_packed_sets_match_the_definition(n_codes):
    # A code is disputed where some coder of the unit applied it and another coder of the unit did not;
    # "(uncoded)" where one found no code and another found some. Codes around the 64-bit word edges.
    from reliability.codings.model import sets_with_uncoded
    from reliability.findings.disagreements import _coder_sets, _disputes

    rng = np.random.default_rng(n_codes)
    sets = {
        f"c{j}": {f"u{i}": {f"k{x}" for x in range(n_codes) if rng.random() < 2 / n_codes} for i in range(80) if rng.random() < 0.7}
        for j in range(4)
    }
    c = from_sets(sets)
    held = sets_with_uncoded(c.applied, c.seen)
    expected = held.any(axis=1) & ~(held | ~c.seen[:, :, None]).all(axis=1)
    chunks = [_disputes(c.seen[part], held, sizes, c.n_codes) for part, held, sizes in _coder_sets(c)]
    found = np.concatenate([disputed for disputed, _ in chunks])
    disagree = np.concatenate([d for _, d in chunks])
    assert found.tolist() == expected.tolist()
    assert disagree.tolist() == ((c.seen.sum(axis=1) >= 2) & expected.any(axis=1)).tolist()
