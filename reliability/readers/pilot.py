"""A pilot report for ``reliability plan --from``: the JSON that ``compare --ci --format json`` wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..files import load_json


def read_pilot(path: Path | str) -> dict[str, Any]:
    """The pilot report as a dict; an InputError naming the file when it cannot be read or is not JSON.

    Read as every file is (:func:`reliability.files.load_json`): a regular file within the size cap,
    nested at most ``MAX_NESTING`` levels.
    """
    document = load_json(Path(path), str(path), f"give the JSON file {WRITTEN_BY} wrote")
    if not isinstance(document, dict):
        raise InputError(f"{path} is not a report of reliability; give the JSON file {WRITTEN_BY} wrote")
    return document


WRITTEN_BY = "'reliability compare --ci --format json -o FILE'"
"""The command whose output a pilot file is."""
