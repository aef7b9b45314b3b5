"""``reliability plan``: how many units to double-code."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError
from .common import FORMATS, emit, reports_errors


@click.command()
@click.option("--alpha-min", type=float, default=0.8, show_default=True, help="Before coding: the smallest alpha you must be able to show (.667, .800, .900 in Krippendorff's table).")
@click.option("--significance", type=float, default=0.05, show_default=True, help="Before coding: the level p at which alpha >= --alpha-min is to be shown.")
@click.option("--rarest", type=float, metavar="P", help="Before coding: probability of the rarest category (e.g. 0.1 when it is one unit in ten).")
@click.option("--categories", type=click.IntRange(min=2), metavar="K", help="Before coding: K equally frequent categories (the same as --rarest 1/K).")
@click.option("--from", "pilot", type=click.Path(dir_okay=False, path_type=Path), metavar="PILOT.json", help="From a pilot: the output of 'reliability compare --ci --format json' on the units coded so far.")
@click.option("--figure", default="krippendorff_alpha", show_default=True, metavar="NAME", help="From a pilot: the overall figure whose interval must shrink.")
@click.option("--half-width", type=float, default=0.1, show_default=True, help="From a pilot: the 95 %% interval's half-width to reach (±).")
@click.option("--units", "total_units", type=click.IntRange(min=1), metavar="N", help="Units in your whole study, to show the plan as a share of them.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the plan to FILE instead of the terminal.")
@reports_errors
def plan(alpha_min, significance, rarest, categories, pilot, figure, half_width, total_units, fmt, output):
    """How many units to double-code: before coding, or from a pilot.

    Before coding, Krippendorff's minimum sample size (Content Analysis, 2004,
    §11.4) gives the units needed to show alpha >= --alpha-min at level
    --significance, given how rare the rarest category is (--rarest or
    --categories).

    From a pilot (--from), the units that bring the --figure's 95 % interval
    to ± --half-width: intervals shrink as 1/sqrt(units).

    \b
    Examples:
      reliability plan --rarest 0.1 --units 400
      reliability plan --categories 4 --alpha-min 0.667
      reliability compare pilot/ --ci --format json -o pilot.json
      reliability plan --from pilot.json --half-width 0.1 --units 400
    """
    from ..figures.plan import pilot_figure, units_before_coding, units_from_pilot
    from ..readers.pilot import read_pilot
    from ..render.plan import render_plan

    if pilot is not None:
        if rarest is not None or categories is not None:
            raise UsageError("--from plans from a pilot's interval; --rarest and --categories are for planning before coding, give one or the other")
        result = units_from_pilot(pilot_figure(read_pilot(pilot), figure), half_width, total_units)
    else:
        if rarest is not None and categories is not None:
            raise UsageError("give --rarest or --categories, not both (--categories K means --rarest 1/K)")
        if rarest is None and categories is None:
            raise UsageError("say how rare the rarest category is: --rarest P (e.g. 0.1) or --categories K; or plan from a pilot with --from PILOT.json")
        result = units_before_coding(alpha_min, significance, rarest if rarest is not None else 1.0 / categories, total_units)
    emit(render_plan(result, fmt), output)
