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
