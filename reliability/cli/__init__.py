"""The command line: parse options, call the core, render, exit.

Nothing here computes a figure. Heavy modules (pandas, scikit-learn) are imported
inside the commands, so ``reliability --help`` starts at once.
"""

from __future__ import annotations

import click

from ..version import __version__
from .gate import check, diff, init
from .compare import compare
from .plan import plan
from .threads import single_threaded_linear_algebra


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="reliability")
def main() -> None:
    """Inter-coder reliability for qualitative research.

    Compare how several coders coded the same sections of text, and see where
    and why they disagree.

    \b
    Exit codes: 0 fine; 1 a check failed; 2 usage or input error.
    """
    single_threaded_linear_algebra()  # before any command imports numpy


main.add_command(compare)
main.add_command(check)
main.add_command(init)
main.add_command(diff)
main.add_command(plan)
