"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

# Runs in irrCAC's own environment (tests/fixtures/irrcac/regenerate.sh), not in the suite's.
collect_ignore = ["fixtures/irrcac/generate.py", "fixtures/irrcac_weighted/generate.py"]


@pytest.fixture(autouse=True)
def no_terminal_width(monkeypatch):
    """Output fits COLUMNS when it is set; tests see the natural width unless they set it."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture
def write(tmp_path):
    """Write a text file under tmp_path and return its path: write("a.csv", "unit,code\\n…")."""

    def _write(name: str, content: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding=encoding)
        return path

    return _write
