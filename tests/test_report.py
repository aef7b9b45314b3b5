"""The report layer: one computation, every figure where the contract puts it."""

import pytest

import reliability
from reliability.figures.intervals import BootstrapSettings
from reliability.report import figures_to_bootstrap

from paths import GILLARD_CODERS


@pytest.mark.parametrize("reference", [None, "lead"])
def test_progress_counts_every_bootstrapped_figure(reference):
    codings = reliability.load([GILLARD_CODERS])
    ticks = []
    settings = BootstrapSettings(n_resamples=20, progress=ticks.append)
    report = reliability.compare(codings, reference=reference, bootstrap=settings)
    defined = sum(
        f.value is not None
        for figures in [p.figures for p in report.pairs]
        + [report.overall.figures, report.overall.at_least_k]
        + [c.figures for c in report.codes]
        + [p.figures for c in report.codes for p in c.pairs]
        for f in figures.values()
    )
    # Every defined figure is bootstrapped once; the estimate counts them all up front.
    assert sum(ticks) == defined * 20 and defined == figures_to_bootstrap(codings, reference)


def test_every_defined_figure_gets_an_interval():
    codings = reliability.load([GILLARD_CODERS])
    report = reliability.compare(codings, bootstrap=BootstrapSettings(n_resamples=50))
    for name, figure in report.overall.figures.items():
        assert figure.ci is not None, name
        assert figure.ci[0] <= figure.ci[1]


def test_render_names_the_formats_for_an_unknown_one():
    from reliability.errors import UsageError
    from reliability.render import render

    report = reliability.compare(reliability.load([GILLARD_CODERS]))
    with pytest.raises(UsageError, match="unknown format 'xml'; choose one of table, markdown, json, csv"):
        render(report, "xml")


def test_long_lists_at_any_depth_take_one_compact_line_per_item():
    # The indenting encoder is pure Python; long lists (disagreeing units, uncoded units, pairs)
    # are written one compact item a line wherever they are, and the document reads back the same.
    import json

    from reliability.findings.disagreements import EncodedUnits
    from reliability.render.machine import LONG_LIST, dump_json

    items = [{"unit": f"u{i}", "codes": ["a", "b"]} for i in range(LONG_LIST + 1)]
    document = {"top": items, "gaps": {"uncoded": items, "few": items[:2]}, "short": EncodedUnits(['{"x": 1}'])}
    text = dump_json(document)
    assert json.loads(text) == {**document, "short": [{"x": 1}]}
    lines = text.splitlines()
    assert '    {"unit": "u0", "codes": ["a", "b"]},' in lines  # an item of the top-level list
    assert '      {"unit": "u0", "codes": ["a", "b"]},' in lines  # an item of the nested one
    assert '          "a",' in lines  # a short list stays indented
    encoded = EncodedUnits(json.dumps(item, separators=(", ", ": ")) for item in items)
    assert dump_json({"disagreements": encoded}) == dump_json({"disagreements": items})
