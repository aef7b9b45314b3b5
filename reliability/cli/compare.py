"""``reliability compare``: the main job."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from .common import (
    REPORT_FORMATS,
    InputProblem,
    analysis_options,
    emit,
    refuse_overwriting,
    reports_errors,
    run_analysis,
    scale_options,
    terminal_width,
    warn,
    wide_option,
)

AS_CODED = {"level": None, "recode": None, "merge": ()}
"""Options that compute the figures without any codebook revision (the what-if's "before")."""


def _coder_pair(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, str] | None:
    """``--pair A,B`` as two coder names."""
    if value is None:
        return None
    names = tuple(name.strip() for name in value.split(","))
    if len(names) != 2 or not all(names):
        raise click.BadParameter(f"'{value}' is not two coders; write it as A,B (e.g. --pair lead,KO)")
    return names


@click.command()
@analysis_options
@scale_options
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="table", show_default=True, help="Output format; html: one self-contained page with charts (use with -o report.html).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE instead of the terminal.")
@click.option("--disagreements", "show_disagreements", is_flag=True, help="Add where and why coders disagree: the disagreeing units with text and notes, the codes coders confuse, coder bias and codebook gaps. With --format csv: write the disagreement list instead of the figures.")
@click.option("--code", "code_filter", metavar="NAME", help="List only the units where this code is disputed (implies --disagreements).")
@click.option("--pair", "pair_filter", metavar="A,B", callback=_coder_pair, help="List only the units where coders A and B differ (implies --disagreements).")
@click.option("--limit", type=click.IntRange(min=0), metavar="N", help="Disagreeing units shown in table and markdown output (default 25; 0 shows all). CSV and JSON list all.")
@click.option("--figures", "figures_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR", help="Also write the forest plot and the heatmaps as SVG and PNG into DIR.")
@click.option("--matrix", "show_matrix", is_flag=True, help="Add the code × code confusion matrix. With --format csv: write the matrix instead of the figures.")
@wide_option
@reports_errors
def compare(fmt, output, show_disagreements, code_filter, pair_filter, limit, show_matrix, figures_dir, wide, **kwargs):
    """Measure how far coders agree, and show where and why they disagree.

    INPUTS are coders' exports: CSV/TSV files (one per coder, the file name
    being the coder, or one long file with a coder column), Excel .xlsx files,
    REFI-QDA projects (.qdpx, .qde), Taguette highlight exports and project
    files (.sqlite3, one per coder), QualCoder projects (the .qda folder) and the
    exports of QualCoder, Dedoose and MAXQDA, or folders of them.

    \b
    Examples:
      reliability compare sample_data/gillard/coders --reference lead
      reliability compare coding.csv --format json -o report.json
      reliability compare sample_data/gillard/coders --codebook sample_data/gillard/codebook.csv --disagreements
      reliability compare sample_data/gillard/coders --merge "Hierarchy and power+Team integration=Team"
      reliability compare ratings.csv --scale ordinal --order "low,medium,high"
      reliability compare coders/ --gold lead
      reliability compare anna_round1.csv anna_round2.csv --rounds
      reliability compare sample_data/gillard/coders --reference lead --ci --format html -o report.html
    """
    from ..render.style import SHOWN_UNITS, Display
    from ..render import render

    refuse_overwriting({"-o": output}, kwargs)
    html = fmt == "html"
    if limit is None and html:
        from ..render.html import HTML_UNITS  # the page's modules load only for the page

        limit = HTML_UNITS
    elif limit is None:
        limit = SHOWN_UNITS
    display = Display(
        disagreements=show_disagreements or code_filter is not None or pair_filter is not None,
        matrix=show_matrix,
        limit=limit,
        width=terminal_width(wide, output),
    )
    figures_need = ("confusions",) if figures_dir is not None else ()  # the confusion heatmap
    report = run_analysis(kwargs, tuple(dict.fromkeys(sections_shown(fmt, display) + figures_need)))
    report = report.with_disagreement_filter(code=code_filter, pair=pair_filter)
    if html and report.revision is not None:
        display = replace(display, what_if=_what_if(report, kwargs))
    if figures_dir is not None:
        from ..render.html import write_figures

        try:
            written = write_figures(report, figures_dir)
        except OSError as exc:
            raise InputProblem(
                f"cannot write the figures to {figures_dir} ({exc.strerror or exc}); check the folder can be "
                "made there and is writable, and the disk has space (files already there are left as they were)"
            ) from None
        warn(f"wrote {len(written)} figure files to {figures_dir}")
    emit(render(report, fmt, display), output)


def _what_if(report, kwargs):
    """The figures without the revision against the report's, for the page's what-if comparison."""
    from ..gate.diff import diff_reports

    before = run_analysis({**kwargs, **AS_CODED}, quiet=True)
    return diff_reports(before.to_dict(), report.to_dict(), report.revision.mapping, "as coded", "revised")


def sections_shown(fmt: str, display) -> tuple[str, ...]:
    """The report sections an output shows: only these are computed.

    ``--disagreements`` shows the units, confusions, bias and gaps (CSV: the
    units alone); ``--matrix`` the confusion matrix. Without either, every format
    carries the disagreement summary alone (DESIGN §4).
    """
    if fmt == "html":
        from ..report import SECTIONS

        return SECTIONS  # the page shows every section
    sections: list[str] = []
    if display.disagreements:
        sections += ["disagreements"] if fmt == "csv" else ["disagreements", "confusions", "bias", "gaps"]
    if display.matrix:
        sections.append("matrix")
    return tuple(sections)
