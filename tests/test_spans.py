"""Coded spans → units (reliability.readers.spans): every unit mode, on spans small enough to check by hand."""

import pytest

from reliability.errors import InputError, UsageError
from reliability.readers import ReadOptions, text_units
from reliability.readers.spans import SpanTable, codings_from_spans, span_frame
from reliability.report import compare


def table(rows, texts=None, positions="characters", source="spans.csv"):
    """A SpanTable from (document, coder, start, end, code[, note]) tuples."""
    columns = list(zip(*rows))
    notes = columns[5] if len(columns) > 5 else None
    return SpanTable(
        source=source,
        shape="span file",
        rows_read=len(rows),
        spans=span_frame(*columns[:5], note=notes),
        texts=texts or {},
        positions=positions,
        default_units="paragraphs" if positions == "paragraphs" else "segments",
    )


def units_of(codings):
    """{unit: {coder: sorted codes, or None when missing}}."""
    return {
        unit: {coder: None if codings.code_set(u, c) is None else sorted(codings.code_set(u, c)) for c, coder in enumerate(codings.coders)}
        for u, unit in enumerate(codings.units)
    }


def load_spans(rows, units=None, texts=None, **options):
    return codings_from_spans([table(rows, texts)], ReadOptions(units=units, **options))


# --- segments -------------------------------------------------------------------------------------


def test_segments_join_by_overlap_of_the_shorter_span_and_omissions_count():
    # By hand: A[0,10) and B[2,10) overlap 8 of the shorter 8 → one unit; A[20,30) and B[26,40)
    # overlap 4 of the shorter 10 (0.4) → two units. Both coded d, so each has the empty set on the
    # other's unit: an omission is a disagreement, not a missing value.
    codings = load_spans(
        [("d", "A", 0, 10, "x"), ("d", "B", 2, 10, "y"), ("d", "A", 20, 30, "x"), ("d", "B", 26, 40, "x")], "segments"
    )
    assert units_of(codings) == {
        "d:0-10": {"A": ["x"], "B": ["y"]},
        "d:20-30": {"A": ["x"], "B": []},
        "d:26-40": {"A": [], "B": ["x"]},
    }


@pytest.mark.parametrize("min_overlap, units", [(0.4, 1), (0.41, 2)])
def test_min_overlap_is_the_share_of_the_shorter_span(min_overlap, units):
    # By hand: [0,10) and [6,26) overlap 4; the shorter span is 10 (share 0.4), the longer 20 (0.2).
    codings = load_spans([("d", "A", 0, 10, "x"), ("d", "B", 6, 26, "x")], "segments", min_overlap=min_overlap)
    assert codings.n_units == units


def test_ten_passages_against_one_is_one_in_ten_not_all():
    # Issue #12: ana coded 10 passages, ben only the first of them. Dropping ben's omissions would
    # report 100 % on 1 unit; ben coded the document, so he has the empty set on the other 9.
    rows = [("d", "ana", 100 * i, 100 * i + 50, "x") for i in range(10)] + [("d", "ben", 0, 50, "x")]
    report = compare(load_spans(rows, "segments"))
    identical = report.overall.figures["percent_agreement"]
    assert (identical.value, identical.n_units) == (pytest.approx(0.1), 10)


def test_rows_of_one_coder_with_the_same_range_are_one_span():
    codings = load_spans([("d", "A", 0, 10, "x"), ("d", "A", 0, 10, "y"), ("d", "B", 0, 10, "x")], "segments")
    assert units_of(codings) == {"d:0-10": {"A": ["x", "y"], "B": ["x"]}}
    assert "3 codings made 2 spans (1 shared the document, coder and range of another coding and was merged" in codings.accounting.notices[0]


def test_segments_are_connected_components_of_overlapping_spans():
    # By hand: A's three spans and B's overlap each other fully: one segment, A's set is all three codes.
    # A[20,30)–B[24,34) share 6 of 10 and B[24,34)–C[29,40) share 5 of 10, though A and C share only
    # 1 of 10: the chain makes one segment. A coded nothing else in e: C's span there is A's omission.
    codings = load_spans(
        [
            ("d", "A", 0, 10, "x"), ("d", "A", 0, 8, "y"), ("d", "A", 2, 10, "z"), ("d", "B", 0, 10, "x"),
            ("d", "A", 20, 30, "x"), ("d", "B", 24, 34, "x"), ("d", "C", 29, 40, "x"),
        ],
        "segments",
    )
    assert units_of(codings) == {
        "d:0-10": {"A": ["x", "y", "z"], "B": ["x"], "C": []},
        "d:20-40": {"A": ["x"], "B": ["x"], "C": ["x"]},
    }


def test_three_coders_in_one_unit_and_the_report_counts_matched_and_unmatched():
    codings = load_spans(
        [("d", "A", 0, 10, "x"), ("d", "B", 1, 10, "x"), ("d", "C", 0, 9, "x"), ("e", "C", 0, 5, "y")], "segments"
    )
    assert units_of(codings)["d:0-10"] == {"A": ["x"], "B": ["x"], "C": ["x"]}
    assert units_of(codings)["e:0-5"] == {"A": None, "B": None, "C": ["y"]}  # A and B never coded e: missing
    notices = codings.accounting.notices
    assert "making 2 units; in 1 of them only one coder made a span" in notices[0]
    assert notices[1:] == ("d: 1 unit; coded by A 1, B 1, C 1", "e: 1 unit; coded by A 0, B 0, C 1")


def test_spans_of_different_documents_never_match():
    codings = load_spans([("d", "A", 0, 10, "x"), ("e", "B", 0, 10, "x")], "segments")
    assert codings.units == ("d:0-10", "e:0-10")


def test_a_span_marked_with_no_code_is_the_empty_set():
    codings = load_spans([("d", "A", 0, 10, ""), ("d", "B", 0, 10, "x")], "segments")
    assert units_of(codings) == {"d:0-10": {"A": [], "B": ["x"]}}


def test_segment_text_comes_from_the_document_text_when_known():
    codings = load_spans([("d", "A", 4, 9, "x"), ("d", "B", 4, 9, "x")], "segments", texts={"d": "The quick fox"})
    assert codings.texts == {"d:4-9": "quick"}


def test_notes_travel_with_the_coder_of_the_span():
    codings = load_spans([("d", "A", 0, 10, "x", "borderline"), ("d", "B", 0, 10, "x", "")], "segments")
    assert dict(codings.notes) == {("d:0-10", "A"): "borderline"}


def test_no_units_option_means_segments_and_says_so():
    codings = load_spans([("d", "A", 0, 10, "x"), ("d", "B", 0, 10, "x")])
    assert codings.accounting.notices[0].startswith("spans became units with --units segments (the default for coded spans)")
    assert codings.accounting.sources[0].shape == "span file; units: segments"


# --- paragraphs and sentences -------------------------------------------------------------------

TEXT = "First line here.\r\n\r\n  Second line. Two sentences!\nThird"
# By hand: line 2 is empty; line 3 starts at 20 with two spaces. Paragraphs: p1 [0,16) "First line here.",
# p3 [22,49) "Second line. Two sentences!", p4 [50,55) "Third". Sentences: s1 = p1,
# s2 [22,34) "Second line.", s3 [35,49) "Two sentences!", s4 = p4.


def test_paragraphs_carry_every_code_whose_span_overlaps_them():
    rows = [("d", "A", 22, 30, "x"), ("d", "A", 0, 3, "y"), ("d", "B", 45, 53, "x"), ("e", "B", 0, 2, "z")]
    codings = load_spans(rows, "paragraphs", texts={"d": TEXT, "e": "Other"})
    # B's span [45,53) crosses the line break: it reaches p3 and p4. A never coded e: missing there.
    assert units_of(codings) == {
        "d:p1": {"A": ["y"], "B": []},
        "d:p3": {"A": ["x"], "B": ["x"]},
        "d:p4": {"A": [], "B": ["x"]},
        "e:p1": {"A": None, "B": ["z"]},
    }
    assert codings.texts["d:p3"] == "Second line. Two sentences!"
    assert "d: 3 paragraphs; coded by A 2, B 2" in codings.accounting.notices


def test_sentences_split_paragraphs_at_sentence_ends():
    codings = load_spans([("d", "A", 22, 34, "x"), ("d", "B", 22, 49, "x")], "sentences", texts={"d": TEXT})
    assert codings.texts == {"d:s1": "First line here.", "d:s2": "Second line.", "d:s3": "Two sentences!", "d:s4": "Third"}
    assert units_of(codings)["d:s3"] == {"A": [], "B": ["x"]}


def test_documents_no_one_coded_are_left_out():
    codings = load_spans([("d", "A", 0, 3, "x"), ("e", "B", 0, 3, "")], "paragraphs", texts={"d": "abc", "e": "def"})
    assert codings.units == ("d:p1",)


def test_paragraphs_need_the_text():
    with pytest.raises(UsageError, match=r"--units paragraphs needs the documents' text, and these exports hold none"):
        load_spans([("d", "A", 0, 3, "x"), ("d", "B", 0, 3, "x")], "paragraphs")


def test_paragraphs_name_the_documents_without_text():
    with pytest.raises(InputError, match=r"lacks the text of: e; export the project with its sources"):
        load_spans([("d", "A", 0, 3, "x"), ("e", "B", 0, 3, "x")], "sentences", texts={"d": "abc"})


# --- characters ---------------------------------------------------------------------------------

CHARACTER_ROWS = [("d", "A", 0, 4, "X"), ("d", "B", 2, 6, "X"), ("d", "C", 10, 12, "Y")]


def test_characters_are_units_and_figures_are_per_character():
    codings = load_spans(CHARACTER_ROWS, "characters")
    assert codings.n_units == 12  # no text: the document ends at its last coded character
    report = compare(codings)
    a_b = next(p for p in report.pairs if p.coders == ("A", "B"))
    # By hand, A–B over 12 characters: they differ on 0,1 (A only) and 4,5 (B only): 8/12 agree.
    assert a_b.figures["percent_agreement"].value == pytest.approx(8 / 12)
    code_x = next(c for c in report.codes if c.code == "X")
    kappa = next(p for p in code_x.pairs if p.coders == ("A", "B")).figures["cohen_kappa"]
    # By hand, code X: n11 = 2, n10 = 2, n01 = 2, n00 = 6; p_o = 2/3, p_e = (1/3)² + (2/3)² = 5/9,
    # kappa = (2/3 − 5/9) / (1 − 5/9) = 0.25.
    assert kappa.value == pytest.approx(0.25)
    notices = codings.accounting.notices
    assert "characters: 12 units, one per character; 4 (33.3 %) were coded by no coder" in notices[0]
    assert "uncoded text inflates agreement" in notices[0]
    assert notices[1].startswith("the text of d is not in the input")


def test_coded_characters_leave_out_text_no_coder_coded():
    codings = load_spans(CHARACTER_ROWS, "coded-characters")
    assert codings.units == ("d:c0", "d:c1", "d:c2", "d:c3", "d:c4", "d:c5", "d:c10", "d:c11")
    a_b = next(p for p in compare(codings).pairs if p.coders == ("A", "B"))
    # By hand: of the 8 coded characters A and B agree on 2, 3 (both X) and 10, 11 (neither): 4/8.
    assert a_b.figures["percent_agreement"].value == pytest.approx(0.5)


def test_characters_count_the_whole_text_when_known():
    codings = load_spans([("d", "A", 0, 2, "x"), ("d", "B", 0, 2, "x")], "characters", texts={"d": "abcdé"})
    assert codings.n_units == 5


def test_characters_have_a_limit(monkeypatch):
    monkeypatch.setattr(text_units, "CHARACTER_UNITS_LIMIT", 10)
    with pytest.raises(UsageError, match=r"--units characters compares documents of 12 characters in all, more than the 10"):
        load_spans(CHARACTER_ROWS, "characters")


def test_characters_times_codes_are_refused_before_the_table_is_built(monkeypatch):
    # 12 characters × 3 coders × 2 codes = 72 cells: past the limit the message names it, no allocation is tried.
    monkeypatch.setattr(text_units, "MAX_TABLE_CELLS", 50)
    with pytest.raises(UsageError, match=r"--units characters makes 12 units × \d coders × \d codes, \d+ cells, more than the 50"):
        load_spans(CHARACTER_ROWS, "characters")


# --- MAXQDA's paragraph positions ---------------------------------------------------------------


def test_paragraph_positions_make_paragraph_units():
    rows = [("d", "A", 2, 4, "x"), ("d", "B", 3, 4, "x"), ("d", "B", 7, 8, "y")]  # A: paragraphs 2–3; B: 3 and 7
    codings = codings_from_spans([table(rows, positions="paragraphs")], ReadOptions())
    assert units_of(codings) == {
        "d:p2": {"A": ["x"], "B": []},
        "d:p3": {"A": ["x"], "B": ["x"]},
        "d:p7": {"A": [], "B": ["y"]},
    }
    assert codings.accounting.notices[0].startswith("spans became units with --units paragraphs (MAXQDA's positions")


def test_paragraph_positions_as_segments():
    codings = codings_from_spans([table([("d", "A", 2, 4, "x"), ("d", "B", 2, 4, "x")], positions="paragraphs")], ReadOptions(units="segments"))
    assert codings.units == ("d:p2-p3",)


@pytest.mark.parametrize("mode", ["sentences", "characters", "coded-characters"])
def test_paragraph_positions_refuse_character_modes(mode):
    with pytest.raises(UsageError, match=rf"--units {mode} needs character positions, but MAXQDA's Begin and End count paragraphs"):
        codings_from_spans([table([("d", "A", 2, 4, "x"), ("d", "B", 2, 4, "x")], positions="paragraphs")], ReadOptions(units=mode))


def test_paragraph_and_character_positions_do_not_mix():
    maxqda = table([("d", "A", 2, 4, "x")], positions="paragraphs")
    other = table([("d", "B", 2, 4, "x")])
    with pytest.raises(UsageError, match=r"MAXQDA's positions count paragraphs and the other exports' count characters"):
        codings_from_spans([maxqda, other], ReadOptions())


# --- shared -------------------------------------------------------------------------------------


def test_ignore_case_merges_codes():
    codings = load_spans([("d", "A", 0, 5, "Trust"), ("d", "B", 0, 5, "trust")], "segments", ignore_case=True)
    assert codings.codes == ("Trust",)
    assert "codes that differ only in case were merged (--ignore-case): 'Trust' + 'trust'" in codings.accounting.notices


def test_one_coder_is_not_enough():
    with pytest.raises(InputError, match=r"only one coder \(A\) coded anything in spans.csv; agreement needs at least two"):
        load_spans([("d", "A", 0, 5, "x")], "segments")


def test_min_overlap_must_be_a_share():
    with pytest.raises(UsageError, match=r"--min-overlap must be above 0 and at most 1, not 0"):
        load_spans([("d", "A", 0, 5, "x"), ("d", "B", 0, 5, "x")], "segments", min_overlap=0)


def test_unknown_unit_mode():
    with pytest.raises(UsageError, match=r"--units must be one of segments, paragraphs, sentences, characters, coded-characters, not 'words'"):
        load_spans([("d", "A", 0, 5, "x"), ("d", "B", 0, 5, "x")], "words")


def test_documents_with_different_texts_in_two_inputs_are_reported():
    first = table([("d", "A", 0, 3, "x")], texts={"d": "abc"}, source="a.qdpx")
    second = table([("d", "B", 0, 3, "x")], texts={"d": "abd"}, source="b.qdpx")
    codings = codings_from_spans([first, second], ReadOptions(units="segments"))
    assert "the text of 'd' in b.qdpx differs from an earlier input's" in " ".join(codings.accounting.notices)
    assert codings.texts == {"d:0-3": "abc"}


def test_accounting_adds_the_rows_each_table_set_aside():
    first = SpanTable("a.csv", "span file", 3, span_frame(["d"], ["A"], [0], [3], ["x"]), ignored={"blank line": 2})
    second = SpanTable("b.csv", "span file", 2, span_frame(["d"], ["B"], [0], [3], ["x"]), ignored={"blank line": 1})
    accounting = codings_from_spans([first, second], ReadOptions(units="segments")).accounting
    assert (accounting.rows_read, accounting.rows_used) == (5, 2)
    assert [(i.reason, i.rows) for i in accounting.ignored] == [("blank line", 3)]
    assert [(s.path, s.rows) for s in accounting.sources] == [("a.csv", 3), ("b.csv", 2)]


# --- intervals on character units resample documents ------------------------------------------


def test_character_units_are_resampled_by_document():
    from reliability.figures.intervals import BootstrapSettings

    rows = [(d, coder, s, s + 3, code) for d in ("d1", "d2", "d3") for coder, s, code in
            (("A", 0, "x"), ("B", 1, "x"), ("A", 6, "y"), ("B", 6, "x"))]
    codings = load_spans(rows, "characters")
    assert len(set(codings.layout.document.tolist())) == 3
    report = compare(codings, bootstrap=BootstrapSettings(200, seed=1), sections=())
    assert report.to_dict()["settings"]["resampling"] == {
        "unit": "documents", "clusters": 3, "n_resamples": 200, "confidence": 0.95, "seed": 1,
    }
    # The three documents are identical, so every resample of whole documents gives the same
    # percent agreement: an interval of width zero, where a resample of characters would vary.
    low, high = report.pairs[0].figures["percent_agreement"].ci
    assert low == high == report.pairs[0].figures["percent_agreement"].value


def test_one_document_gives_no_interval_and_says_why():
    from reliability.figures.figure import NO_INTERVAL
    from reliability.figures.intervals import BootstrapSettings

    codings = load_spans([("d", "A", 0, 4, "x"), ("d", "B", 2, 6, "x"), ("d", "A", 8, 9, "y")], "characters")
    figure = compare(codings, bootstrap=BootstrapSettings(50), sections=()).pairs[0].figures["percent_agreement"]
    assert figure.value is not None and figure.ci is None and figure.note == NO_INTERVAL


def test_segments_are_resampled_as_units():
    from reliability.figures.intervals import BootstrapSettings

    codings = load_spans([("d", "A", 0, 10, "x"), ("d", "B", 2, 10, "y"), ("e", "A", 0, 4, "x"), ("e", "B", 0, 4, "x")], "segments")
    settings = compare(codings, bootstrap=BootstrapSettings(20), sections=()).to_dict()["settings"]["resampling"]
    assert settings["unit"] == "units" and settings["clusters"] is None
