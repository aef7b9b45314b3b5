"""Command lines the gate prints for the user to copy: they run as shown.

``reliability init`` writes the line that makes a baseline report into the
settings and says it on stderr; ``reliability check`` gives it when the baseline
cannot be read. Both build it from the settings in force, so the baseline is
computed as the check will compute the report it compares with it.
"""

from __future__ import annotations

import shlex
from typing import Any, Mapping


def baseline_command(settings: Mapping[str, Any], output: str = "baseline.json") -> str:
    """The ``reliability compare`` line that writes a baseline report for these settings.

    ``compare`` takes every option that decides the figures under the same name
    as the settings (``inputs``, ``reference``, ``merge`` …), so the line computes
    the figures ``check`` will compare with it. Settings that only ``check``
    has (minimums, baseline, output) are left out.

    Parameters
    ----------
    settings : mapping key -> value
        Keys in dash form (``code-col``), ``inputs`` a list of paths; values as
        in the settings file.
    output : str
        The report to write.

    Examples
    --------
    >>> print(baseline_command({"inputs": ["coders"], "reference": "lead", "merge": ["A+B=New code"], "ci": False}))
    reliability compare coders --reference lead --merge 'A+B=New code' --format json -o baseline.json
    """
    words = ["reliability", "compare", *(str(path) for path in _as_list(settings.get("inputs", ["INPUTS"])))]
    for key, value in settings.items():
        if key in CHECK_ONLY_SETTINGS or key == "inputs" or value is None or value is False:
            continue
        if value is True:
            words.append(f"--{key}")
            continue
        for item in _as_list(value):
            words += [f"--{key}", str(item)]
    words += ["--format", "json", "-o", output]
    return shlex.join(words)


CHECK_ONLY_SETTINGS = frozenset(
    {"config", "min", "min-code", "use-lower-bound", "baseline", "max-drop", "max-drop-code", "format", "output", "junit", "wide"}
)
"""Settings of ``check`` that ``compare`` does not take: they decide the verdict, not the figures."""


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]
