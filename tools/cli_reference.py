"""Write docs/cli-reference.md from the commands' own ``--help``: ``python tools/cli_reference.py``.

tests/test_cli_reference.py fails when the file is out of date (the help changed
and this was not run), as sqlite-utils keeps its CLI reference with cog.
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "cli-reference.md"

HEADER = """# Command-line reference

Generated from `--help` by `python tools/cli_reference.py`; do not edit by hand
(tests/test_cli_reference.py fails when this file is out of date).
"""


def help_text(args: list[str]) -> str:
    """The help of ``reliability ARGS --help`` at a fixed width of 80 columns."""
    from reliability.cli import main

    result = CliRunner().invoke(main, [*args, "--help"], prog_name="reliability", terminal_width=80, max_content_width=80)
    if result.exit_code != 0:
        raise RuntimeError(f"reliability {' '.join(args)} --help failed: {result.output}")
    return result.stdout


def reference() -> str:
    """The whole page: the group's help, then every command's."""
    from reliability.cli import main

    parts = [HEADER, "## reliability\n\n```\n" + help_text([]) + "```\n"]
    for name in sorted(main.commands):
        parts.append(f"## reliability {name}\n\n```\n" + help_text([name]) + "```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    REFERENCE.write_text(reference(), encoding="utf-8")
    print(f"wrote {REFERENCE}", file=sys.stderr)
