"""``reliability compare``: the main job."""

from __future__ import annotations

from pathlib import Path

import click

from .common import FORMATS, analysis_options, emit, reports_errors, run_analysis


@click.command()
@analysis_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE instead of the terminal.")
@reports_errors
def compare(fmt, output, **kwargs):
    """Measure how far coders agree.

    INPUTS are coders' CSV exports: one file per coder (the file name is the
    coder), one long file with a coder column, or folders of them.

    \b
    Examples:
      reliability compare sample_data/gillard/coders --reference lead
      reliability compare coding.csv --format json -o report.json
    """
    from ..render import render

    report = run_analysis(kwargs)
    emit(render(report, fmt), output)
