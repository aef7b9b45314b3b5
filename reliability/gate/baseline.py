"""Earlier reports read back for the gate: a baseline, or either side of ``diff``.

A report read from a file is checked to be shaped as ``reliability compare
--format json`` writes it (DESIGN §4, schema_version 1) before any figure of it is
compared, so a hand-edited or foreign JSON gets one clear message instead of a
traceback deep in the checks.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping

from ..errors import InputError
from ..files import load_json
from ..report import SCHEMA_VERSION


def read_report(path: Path, make: str | None = None) -> dict[str, Any]:
    """An earlier report written by ``reliability compare --format json``.

    Parameters
    ----------
    path : Path
    make : str, optional
        The command line that writes this report for the settings in force, for
        the messages; by default a generic one.

    Raises
    ------
    InputError
        When the file cannot be read or is not such a report.
    """
    how = f"make it with: {make or f'reliability compare INPUTS --format json -o {path}'}"
    document = load_json(path, str(path), how)
    if not isinstance(document, dict) or "schema_version" not in document or not isinstance(document.get("overall"), dict):
        raise InputError(f"{path} is not a JSON report of reliability; {how}")
    version = document["schema_version"]
    if version != SCHEMA_VERSION:
        shown = repr(version) if isinstance(version, (int, str)) and len(str(version)) <= 20 else "of another kind"
        raise InputError(
            f"{path} has schema_version {shown}; this version of reliability reads "
            f"{SCHEMA_VERSION}; {how}"
        )
    problem = _shape_problem(document)
    if problem:
        raise InputError(f"{path} is not a JSON report of reliability: {problem}; {how}")
    # Sections a minimal report may leave out are read as empty.
    return {"input": {}, "settings": {}, "pairs": [], "codes": [], **document}


def _shape_problem(document: Mapping[str, Any]) -> str | None:
    """Where a report read from a file is not shaped as ``compare --format json`` writes it; None if it is."""
    kinds = {"input": dict, "settings": dict, "pairs": list, "codes": list}
    for key, kind in kinds.items():
        if key in document and not isinstance(document[key], kind):
            return f"'{key}' must be {'a list' if kind is list else 'an object'}"
    sections = [("overall", document["overall"])]
    for key in ("pairs", "codes"):
        for at, entry in enumerate(document.get(key, [])):
            if not isinstance(entry, dict):
                return f"'{key}[{at}]' must be an object"
            if ("coders" if key == "pairs" else "code") not in entry:
                return f"'{key}[{at}]' has no '{'coders' if key == 'pairs' else 'code'}'"
            sections.append((f"{key}[{at}]", entry))
            inner_pairs = entry.get("pairs", []) if key == "codes" else []
            if not isinstance(inner_pairs, list):
                return f"'{key}[{at}].pairs' must be a list"
            for inner, pair in enumerate(inner_pairs):
                if not isinstance(pair, dict) or "coders" not in pair:
                    return f"'{key}[{at}].pairs[{inner}]' must be an object with 'coders'"
                sections.append((f"{key}[{at}].pairs[{inner}]", pair))
    for where, section in sections:
        if not isinstance(section, dict):
            return f"'{where}' must be an object"
        coders = section.get("coders", [])
        if not isinstance(coders, list) or not all(isinstance(c, str) for c in coders):
            return f"'{where}.coders' must be a list of names"
        if "code" in section and not isinstance(section["code"], str):
            return f"'{where}.code' must be a name"
        at_least = section.get("at_least_k", {})
        if not isinstance(at_least, dict):
            return f"'{where}.at_least_k' must be an object"
        figures = {**{n: f for n, f in section.items() if isinstance(f, dict) and "value" in f}, **at_least}
        for name, figure in figures.items():
            if not isinstance(figure, dict) or not _number_or_null(figure.get("value")):
                return f"'{where}.{name}.value' must be a number or null"
            interval = figure.get("ci")
            if interval is not None and not (
                isinstance(interval, list) and len(interval) == 2 and all(_number_or_null(v) for v in interval)
            ):
                return f"'{where}.{name}.ci' must be two numbers or null"
    summary = document.get("input", {})
    for key in ("coders", "codes"):
        values = summary.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return f"'input.{key}' must be a list of names"
    reference = document.get("settings", {}).get("reference")
    if reference is not None and not isinstance(reference, str):
        return "'settings.reference' must be a coder's name or null"
    return None


def _number_or_null(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value))
