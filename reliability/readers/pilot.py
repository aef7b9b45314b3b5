"""A pilot report for ``reliability plan --from``: the JSON that ``compare --ci --format json`` wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError


def read_pilot(path: Path | str) -> dict[str, Any]:
    """The pilot report as a dict; an InputError naming the file when it cannot be read or is not JSON."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            f"cannot read {path} ({exc.strerror}); give the JSON file 'reliability compare --ci --format json -o FILE' wrote"
        ) from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; give the JSON file 'reliability compare --ci --format json -o FILE' wrote") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not JSON (line {exc.lineno}: {exc.msg}); give the output of 'reliability compare --ci --format json'"
        ) from None
