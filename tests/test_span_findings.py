"""Characters, sentences and paragraphs are not independent: findings count ranges and segments (issue #12)."""

import numpy as np
import pytest

from reliability.findings.bias import find_bias
from reliability.readers import ReadOptions, load
from reliability.readers.spans import SpanTable, codings_from_spans, span_frame
from reliability.findings.ranges import ranges, segments
from reliability.report import compare

from .paths import ROOT

REFI = ROOT / "tests" / "fixtures" / "qda" / "refi_project" / "project.qde"


def span_codings(rows, texts, units="characters"):
    columns = list(zip(*rows))
    table = SpanTable(source="s.csv", shape="span file", rows_read=len(rows), spans=span_frame(*columns), texts=texts)
    return codings_from_spans([table], ReadOptions(units=units))


def project(seed=12, documents=5, length=3000, passages=8):
    """A multi-document project: ana codes passages, ben and cleo the same ones with moved boundaries,
    other codes now and then, and some passages not at all."""
    rng = np.random.default_rng(seed)
    rows, texts = [], {}
    for d in range(documents):
        name = f"Interview {d + 1}"
        texts[name] = "".join(rng.choice(list("abcdefgh ")) for _ in range(length))
        starts = np.sort(rng.choice(np.arange(0, length - 200, 300), passages, replace=False))
        for start in starts.tolist():
            size = int(rng.integers(60, 180))
            code = str(rng.choice(["Access", "Cost", "Trust"]))
            rows.append((name, "ana", start, start + size, code))
            for coder in ("ben", "cleo"):
                if rng.random() < 0.2:
                    continue  # an omission
                shift = int(rng.integers(-15, 16))
                other = code if rng.random() < 0.8 else "Waiting"
                rows.append((name, coder, max(start + shift, 0), start + size + int(rng.integers(-15, 16)), other))
    return rows, texts


def test_characters_of_a_multi_document_project_list_tens_of_ranges_not_thousands_of_characters():
    rows, texts = project()
    codings = span_codings(rows, texts)
    assert codings.n_units == 15_000
    report = compare(codings)
    listed = report.disagreements
    assert 20 <= len(listed) <= 200  # by character this project has thousands of disagreeing units
    by_character = int((~(codings.applied == codings.applied[:, :1]).all(axis=(1, 2))).sum())
    assert by_character > 10 * len(listed)
    for unit in listed.rows(limit=None):  # each range with its text
        name, place = unit.unit.rsplit(":", 1)
        first, _, last = place.partition("–")
        start, end = int(first[1:]), int((last or first)[1:]) + 1
        assert (unit.text or "") == texts[name][start:end].strip()
    assert "disagreements and codebook gaps list" in report.findings_units
    assert report.to_dict()["findings_units"] == report.findings_units  # JSON has it for units of text only


def test_refi_project_characters_list_ranges():
    codings = load([REFI], ReadOptions(units="characters"))
    report = compare(codings)
    ids = [unit.unit for unit in report.disagreements.rows(limit=None)]
    assert len(ids) < 20 < codings.n_units
    assert "Interview 1:c48–c64" in ids  # "Über drei Stunden": ana Cost + Waiting, ben Waiting, cleo Access
    assert next(u for u in report.disagreements.rows() if u.unit == "Interview 1:c48–c64").text == "Über drei Stunden"


def test_codebook_gaps_are_stretches_not_characters():
    rows = [("d", "A", 0, 10, "x"), ("d", "B", 0, 10, "x"), ("d", "A", 20, 30, "x")]
    report = compare(span_codings(rows, {"d": "y" * 40}))
    # Uncoded by both: [10,20) and [30,40); B only: [20,30). Three stretches, not 30 characters.
    assert [u.unit for u in report.gaps.uncoded()] == ["d:c10–c19", "d:c20–c29", "d:c30–c39"]


def test_bias_counts_segments_not_characters():
    # Issue #12: 'Peer role' highlighted once by ana, three times by ben, four times by cleo (200 characters
    # each, the first shared). Over characters McNemar sees hundreds of discordant characters and flags ana;
    # over segments it sees 3 discordant segments against cleo (p = 2 · 0.5³ = 0.25): no flag.
    spans = {"ana": [0], "ben": [0, 500, 1000], "cleo": [0, 500, 1000, 1500]}
    rows = [("d", coder, s, s + 200, "Peer role") for coder, starts in spans.items() for s in starts]
    codings = span_codings(rows, {"d": "z" * 3000})
    assert find_bias(codings, [(0, 1), (0, 2), (1, 2)]).flags  # the characters view would flag
    report = compare(codings)
    assert report.bias.flags == ()
    test = next(t for t in report.bias.codes[0].tests if t.coders == ("ana", "cleo"))
    # Segments: [0,200) all, [500,700) and [1000,1200) ben and cleo, [1500,1700) cleo, and 4 uncoded stretches.
    assert (test.only_first, test.only_second, test.n_units) == (0, 3, 8)
    assert test.p_value == pytest.approx(0.25)


def test_ranges_and_segments_leave_segment_units_alone():
    rows = [("d", "A", 0, 10, "x"), ("d", "B", 0, 10, "x")]
    codings = span_codings(rows, {"d": "y" * 40}, units="segments")
    assert ranges(codings) is codings and segments(codings) is codings
    assert compare(codings).findings_units is None
    assert "findings_units" not in compare(codings).to_dict()


def test_sentence_ranges_join_sentence_ids():
    text = "One. Two. Three. Four."
    rows = [("d", "A", 0, 9, "x"), ("d", "B", 0, 22, "x")]
    merged = ranges(span_codings(rows, {"d": text}, units="sentences"))
    assert merged.units == ("d:s1–s2", "d:s3–s4")
    assert merged.texts["d:s3–s4"] == "Three. Four."


def test_layout_says_which_document_and_segment_each_unit_belongs_to():
    rows = [("d", "A", 0, 10, "x"), ("d", "B", 5, 15, "x"), ("e", "A", 0, 4, "y"), ("e", "B", 0, 4, "y")]
    codings = span_codings(rows, {"d": "y" * 20, "e": "z" * 6})
    layout = codings.layout
    assert layout.documents == ("d", "e") and layout.noun == "character"
    assert np.array_equal(layout.document, [0] * 20 + [1] * 6)
    # d: [0,15) coded (one segment), [15,20) uncoded; e: [0,4) coded, [4,6) uncoded.
    assert np.array_equal(layout.segment, [0] * 15 + [1] * 5 + [2] * 4 + [3] * 2)


def test_maxqda_paragraph_ranges_never_span_uncoded_paragraphs():
    # MAXQDA's units are the coded paragraphs only (2, 3 and 7 here): 3 and 7 are not adjacent, so two
    # identically coded paragraphs with uncoded ones between them stay two ranges.
    rows = [("d", "A", 2, 4, "x"), ("d", "B", 2, 4, "y"), ("d", "A", 7, 8, "x"), ("d", "B", 7, 8, "y")]
    table = SpanTable(
        source="m.csv", shape="MAXQDA", rows_read=4, spans=span_frame(*zip(*rows)), positions="paragraphs",
        default_units="paragraphs",
    )
    merged = ranges(codings_from_spans([table], ReadOptions()))
    assert merged.units == ("d:p2–p3", "d:p7")
