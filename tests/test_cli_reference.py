"""docs/cli-reference.md is the commands' current ``--help`` (regenerate: python tools/cli_reference.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "tools" / "cli_reference.py")
cli_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli_reference)


def test_cli_reference_is_up_to_date():
    written = cli_reference.REFERENCE.read_text(encoding="utf-8")
    assert written == cli_reference.reference(), "docs/cli-reference.md is out of date: run python tools/cli_reference.py"


def test_every_command_is_documented():
    from reliability.cli import main

    written = cli_reference.REFERENCE.read_text(encoding="utf-8")
    assert all(f"## reliability {name}\n" in written for name in main.commands)
