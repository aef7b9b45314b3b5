"""Settings of ``reliability check``: ``reliability.toml`` or ``[tool.reliability]`` in ``pyproject.toml``.

Every key is the long name of a command-line option of ``reliability check``
(``code-col``, ``reference``, ``max-drop`` …; ``code_col`` is accepted too) or
``inputs``; the tables ``min`` and ``min-code`` hold figure minimums, and a table
inside ``min-code`` holds the minimums of one code::

    inputs = ["coders"]
    reference = "lead"
    baseline = "baseline.json"

    [min]
    shared_agreement = 0.7

    [min-code]
    positive_agreement = 0.5

    [min-code."Recruitment"]
    positive_agreement = 0.3

    [max-drop-per-code]
    "Recruitment" = 0.25

``max-drop`` is the drop below the baseline allowed for overall and pairwise
figures, ``max-drop-code`` for every code's figures (default: ``max-drop``), and
the table ``max-drop-per-code`` sets it for one code.

In ``pyproject.toml`` the same keys stand under ``[tool.reliability]``
(``[tool.reliability.min]`` …). Paths are relative to the file that names them.
This module reads and checks the file; which keys exist and what the options
mean is the command line's business, so it is told (see :func:`option_value`).
"""

from __future__ import annotations

import difflib
import json
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from .commands import baseline_command
from .thresholds import SCOPES, Gate, minimums, pair_label, parse_minimum, read_report
from ..errors import InputError, UsageError
from ..figures.registry import BY_KEY, Scope, keys

CONFIG_NAME = "reliability.toml"
PYPROJECT_NAME = "pyproject.toml"
MINIMUM_TABLE = "min"
CODE_MINIMUM_TABLE = "min-code"
CODE_DROP_TABLE = "max-drop-per-code"

KINDS = {
    "flag": ((bool,), "true or false"),
    "int": ((int,), "a whole number"),
    "float": ((int, float), "a number"),
    "text": ((str,), "text in quotes"),
    "path": ((str,), "a path in quotes"),
}
"""Kind of option → TOML value types it takes, and how to say so in a message."""

Minimums = tuple[tuple[str, float], ...]
"""(figure name as written, minimum) pairs, in the file's order."""


@dataclass(frozen=True)
class Config:
    """One configuration file, read and checked for its shape.

    Parameters
    ----------
    path : Path
        The file, as found or named.
    in_pyproject : bool
        The settings are the ``[tool.reliability]`` table of a ``pyproject.toml``.
    options : mapping key -> value
        Option settings, keys in their ``dash-form``, values as TOML gave them.
    minimum, code_minimum : Minimums
        The ``min`` and ``min-code`` tables' figure minimums.
    code_overrides : mapping code -> Minimums
        The tables inside ``min-code``: minimums of one code.
    code_max_drops : mapping code -> float
        The ``max-drop-per-code`` table: the drop below the baseline allowed for one code.
    """

    path: Path
    in_pyproject: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    minimum: Minimums = ()
    code_minimum: Minimums = ()
    code_overrides: Mapping[str, Minimums] = field(default_factory=dict)
    code_max_drops: Mapping[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How messages name the file: ``reliability.toml`` or ``pyproject.toml [tool.reliability]``."""
        return f"{self.path} [tool.reliability]" if self.in_pyproject else str(self.path)

    def where(self, key: str) -> str:
        """How messages name one key: ``reliability.toml, key 'reference'``."""
        return f"{self.label}, key '{key}'"

    def resolve(self, value: str) -> str:
        """A path from the file, relative to the file's folder (absolute paths stay)."""
        return os.path.normpath(self.path.parent / value)


def find_config(named: Path | None, folder: Path = Path(".")) -> tuple[Config | None, list[str]]:
    """The configuration in force, and notices about the choice.

    Parameters
    ----------
    named : Path or None
        A file named with ``--config``: a ``pyproject.toml`` (its
        ``[tool.reliability]`` table) or any other TOML file (its top level).
    folder : Path
        Where to look when no file is named: ``reliability.toml`` first, then a
        ``pyproject.toml`` that has a ``[tool.reliability]`` table.

    Returns
    -------
    config : Config or None
        None when no file is named and the folder has no configuration.
    notices : list of str
    """
    if named is not None:
        return load_config(named, required=True), []
    own = folder / CONFIG_NAME
    pyproject = folder / PYPROJECT_NAME
    if own.is_file():
        notices = []
        if pyproject.is_file() and _tool_table(_shown(pyproject), _read_toml(_shown(pyproject))) is not None:
            notices.append(f"using {_shown(own)}; the [tool.reliability] table of {_shown(pyproject)} is ignored")
        return load_config(own, required=True), notices
    return (load_config(pyproject, required=False) if pyproject.is_file() else None), []


def _shown(path: Path) -> Path:
    """A found file as messages name it: ``reliability.toml``, not ``./reliability.toml``."""
    return Path(os.path.normpath(path))


def load_config(path: Path, required: bool = True) -> Config | None:
    """Read one configuration file.

    Parameters
    ----------
    path : Path
    required : bool
        For a ``pyproject.toml``: whether a missing ``[tool.reliability]`` table
        is an error (the file was named) or means "no configuration here" (None).

    Raises
    ------
    InputError
        When the file cannot be read or is not valid TOML.
    UsageError
        When a threshold table is not shaped as described in this module.
    """
    path = _shown(path)
    document = _read_toml(path)
    if path.name != PYPROJECT_NAME:
        return _parse(path, False, document)
    table = _tool_table(path, document)
    if table is None:
        if not required:
            return None
        raise UsageError(f"{path} has no [tool.reliability] table; add one, or name a reliability.toml")
    return _parse(path, True, table)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path given to --config") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc}); fix the line it names") from None


def _tool_table(path: Path, document: dict[str, Any]) -> dict[str, Any] | None:
    """The ``[tool.reliability]`` table of a pyproject.toml; None when there is none."""
    tool = document.get("tool", {})
    table = tool.get("reliability") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise UsageError(f"{path}: tool.reliability must be a table: write [tool.reliability] above its keys")
    return table


def _parse(path: Path, in_pyproject: bool, table: dict[str, Any]) -> Config:
    config = Config(path=path, in_pyproject=in_pyproject)
    options: dict[str, Any] = {}
    minimum: Minimums = ()
    code_minimum: Minimums = ()
    overrides: dict[str, Minimums] = {}
    drops: dict[str, float] = {}
    for written, value in table.items():
        key = normal_key(written)
        if key == MINIMUM_TABLE:
            minimum = _figure_table(config, written, value)
        elif key == CODE_MINIMUM_TABLE:
            code_minimum, overrides = _code_table(config, written, value)
        elif key == CODE_DROP_TABLE:
            drops = _drop_table(config, written, value)
        elif key in options:
            raise UsageError(f"{config.where(written)} is set twice (as {key} and {key.replace('-', '_')}); keep one")
        else:
            options[key] = value
    return Config(path, in_pyproject, options, minimum, code_minimum, overrides, drops)


def _drop_table(config: Config, written: str, value: Any) -> dict[str, float]:
    """The ``max-drop-per-code`` table: code = largest drop allowed below the baseline."""
    if not isinstance(value, dict):
        raise UsageError(
            f"{config.where(written)} must be a table of code = largest drop, e.g. [{_table_name(config, written)}] "
            'then "Recruitment" = 0.25 on the next line'
        )
    drops = {}
    for code, drop in value.items():
        key = f"{written}.{toml_value(code)}"
        if isinstance(drop, bool) or not isinstance(drop, (int, float)) or not math.isfinite(drop) or drop < 0:
            raise UsageError(f"{config.where(key)} must be a drop of 0 or more (e.g. 0.1), not {_shown_value(drop)}")
        drops[code] = float(drop)
    return drops


def normal_key(key: str) -> str:
    """Keys are option names; ``code_col`` and ``code-col`` are one key.

    >>> normal_key("max_drop")
    'max-drop'
    """
    return key.replace("_", "-")


def build_gate(
    config: Config | None,
    minimum: Sequence[str],
    code_minimum: Sequence[str],
    use_lower_bound: bool,
    baseline: Path | None,
    max_drop: float,
    code_max_drop: float | None = None,
    make_baseline: str | None = None,
) -> Gate:
    """The gate the settings file and the command line describe together.

    Parameters
    ----------
    config : Config or None
    minimum, code_minimum : sequence of str
        ``FIGURE=VALUE`` from ``--min`` and ``--min-code``; for the same figure
        they replace the file's minimum.
    use_lower_bound : bool
    baseline : Path or None
        An earlier JSON report.
    max_drop : float
    code_max_drop : float or None
        The drop allowed for every code's figures (``--max-drop-code``); None: ``max_drop``.
        The file's ``max-drop-per-code`` table replaces it for the codes it names.
    make_baseline : str, optional
        The command line that writes the baseline (:func:`baseline_command`), for
        the message when it cannot be read.

    Raises
    ------
    UsageError
        An unknown figure or malformed minimum, naming the option or the file's table.
    InputError
        The baseline cannot be read.
    """
    report_minimum: dict = {}
    code_defaults: dict = {}
    overrides: dict = {}
    if config is not None:
        report_minimum = minimums(config.minimum, "report", _table_label(config, MINIMUM_TABLE))
        code_defaults = minimums(config.code_minimum, "code", _table_label(config, CODE_MINIMUM_TABLE))
        overrides = {
            code: minimums(items, "code", _table_label(config, f"{CODE_MINIMUM_TABLE}.{toml_value(code)}"))
            for code, items in config.code_overrides.items()
        }
    report_minimum.update(minimums([parse_minimum(text, "--min") for text in minimum], "report", "--min"))
    code_defaults.update(minimums([parse_minimum(text, "--min-code") for text in code_minimum], "code", "--min-code"))
    return Gate(
        minimum=report_minimum,
        code_minimum=code_defaults,
        code_overrides=overrides,
        use_lower_bound=use_lower_bound,
        baseline=read_report(baseline, make_baseline) if baseline is not None else None,
        max_drop=max_drop,
        code_max_drop=code_max_drop,
        code_max_drops=dict(config.code_max_drops) if config is not None else {},
    )


def _table_label(config: Config, table: str) -> str:
    """How messages name a table of the file: ``reliability.toml [min]``."""
    return f"{config.path} [{_table_name(config, table)}]"


def _figure_table(config: Config, written: str, value: Any) -> Minimums:
    if not isinstance(value, dict):
        raise UsageError(
            f"{config.where(written)} must be a table of figure = minimum, e.g. [{_table_name(config, written)}] "
            "then shared_agreement = 0.7 on the next line"
        )
    return _minimums(config, written, value)


def _code_table(config: Config, written: str, value: Any) -> tuple[Minimums, dict[str, Minimums]]:
    if not isinstance(value, dict):
        raise UsageError(
            f"{config.where(written)} must be a table of figure = minimum, e.g. [{_table_name(config, written)}] "
            "then positive_agreement = 0.5 on the next line"
        )
    # A table inside min-code holds one code's minimums, except that an unquoted
    # dotted key (pairs.cohen_kappa = 0.6) makes a table named after its scope.
    codes = {name: item for name, item in value.items() if isinstance(item, dict) and name not in SCOPES}
    defaults = {name: item for name, item in value.items() if name not in codes}
    overrides = {code: _minimums(config, f"{written}.{toml_value(code)}", item) for code, item in codes.items()}
    return _minimums(config, written, defaults), overrides


def _minimums(config: Config, key: str, table: Mapping[str, Any]) -> Minimums:
    """Figure = minimum pairs of a table; ``pairs.NAME`` may stand as a nested table."""
    found = []
    for name, value in table.items():
        if isinstance(value, dict) and name in SCOPES:
            found += [(f"{name}.{figure}", _number(config, f"{key}.{name}.{figure}", v)) for figure, v in value.items()]
        else:
            found.append((name, _number(config, f"{key}.{name}", value)))
    return tuple(found)


def _table_name(config: Config, written: str) -> str:
    return f"tool.reliability.{written}" if config.in_pyproject else written


def _number(config: Config, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise UsageError(f"{config.where(key)} must be a number (a minimum such as 0.7), not {_shown_value(value)}")
    return float(value)


def option_value(config: Config, key: str, value: Any, kind: str, many: bool) -> Any:
    """Check one option setting's type and make paths relative to the file.

    Parameters
    ----------
    config : Config
    key : str
        The key as written in the file, for messages.
    value : Any
        The value TOML gave.
    kind : {"flag", "int", "float", "text", "path"}
    many : bool
        The option takes a list (``inputs``, repeatable options); a single value is
        taken as a list of one.

    Returns
    -------
    Any
        The value; a list when ``many``; paths resolved against the file's folder.

    Raises
    ------
    UsageError
        Naming the key and the type it needs.

    Examples
    --------
    >>> config = Config(Path("project/reliability.toml"))
    >>> option_value(config, "inputs", "coders", "path", many=True)
    ['project/coders']
    >>> option_value(config, "seed", "7", "int", many=False)
    Traceback (most recent call last):
    ...
    reliability.errors.UsageError: project/reliability.toml, key 'seed' must be a whole number, not "7"
    """
    try:
        types, wanted = KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}") from None
    values = value if many and isinstance(value, list) else [value]
    for item in values:
        if (isinstance(item, bool) and bool not in types) or not isinstance(item, types):
            plural = f"{wanted}, or a list of them" if many else wanted
            raise UsageError(f"{config.where(key)} must be {plural}, not {_shown_value(item)}")
    if kind == "path":
        values = [config.resolve(item) for item in values]
    return values if many else values[0]


def _shown_value(value: Any) -> str:
    """A TOML value as the user would write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def unknown_key(config: Config, written: str, known: list[str]) -> UsageError:
    """The error for a key that is no option, with the nearest known key."""
    candidates = sorted(set(known) | {MINIMUM_TABLE, CODE_MINIMUM_TABLE})
    close = difflib.get_close_matches(normal_key(written), candidates, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return UsageError(f"{config.where(written)} is not a setting{hint}; the settings are: {', '.join(candidates)}")


def starter_config(settings: Mapping[str, Any], report: Mapping[str, Any]) -> str:
    """A commented ``reliability.toml`` to start from.

    Parameters
    ----------
    settings : mapping key -> value
        Option settings to write as they are (``inputs`` first), keys in dash form;
        values are str, bool, int, float or lists of str, paths already relative to
        the file's folder.
    report : mapping
        The report of the inputs now (JSON form): the comments show each figure's
        current value next to its proposed minimum.

    Returns
    -------
    str
        TOML text. One minimum is set: Krippendorff's alpha ≥ 0.667 (with MASI
        distance for multi-label data); the others are commented out.
    """
    multi_label = bool(report["input"]["multi_label"])
    active = "krippendorff_alpha_masi" if multi_label else "krippendorff_alpha"
    lines = [
        "# Settings of `reliability check`, the CI gate of inter-coder reliability,",
        "# written by `reliability init`. Every key is the name of an option of",
        "# `reliability check --help`; options given on the command line override",
        "# the settings here. Paths are relative to this file.",
        "",
        "# The coders' exports (files, or folders of them) and how to read them.",
    ]
    lines += [f"{key} = {toml_value(value)}" for key, value in settings.items()]
    lines += _commented_options(settings, report)
    lines += [
        "",
        "# Minimums across all coders and for every pair of coders: a bare name tests",
        '# both, "overall.NAME" only all coders, "pairs.NAME" only the pairs.',
        "# Proposed: 80 % agreement (Miles & Huberman, 1994); kappa above 0.6,",
        '# "substantial" (Landis & Koch, 1977); alpha ≥ 0.667, "tentative conclusions"',
        "# (Krippendorff, 2004). After each: the figure for these inputs now.",
        f"[{MINIMUM_TABLE}]",
    ]
    overall = keys(Scope.OVERALL)
    for figure in overall + tuple(f for f in keys(Scope.PAIR) if f not in overall):
        prefix = "" if figure == active else "# "
        lines.append(f"{prefix}{figure} = {BY_KEY[figure].suggested_minimum}  # now {_now(report, figure)}")
    lines += [
        "",
        "# Minimums for every code (is the code applied or not?), and beneath them",
        "# the exceptions for one code.",
        f"[{CODE_MINIMUM_TABLE}]",
    ]
    for figure in keys(Scope.CODE):
        lines.append(f"# {figure} = {BY_KEY[figure].suggested_minimum}  # now {_now_codes(report, figure)}")
    if report["codes"]:
        code = report["codes"][0]["code"]
        lines += ["", f"# [{CODE_MINIMUM_TABLE}.{toml_value(code)}]", f"# {keys(Scope.CODE)[-1]} = 0.5"]
    return "\n".join(lines) + "\n"


def _commented_options(settings: Mapping[str, Any], report: Mapping[str, Any]) -> list[str]:
    """Options a team often needs, commented out, unless already set."""
    coders = report["input"]["coders"]
    proposals = [
        (["How the exports are read, when the columns are not found by their names:"], [
            ("unit-col", "section"), ("coder-col", "coder"), ("code-col", "codes"), ("code-sep", ";"),
        ]),
        (["Compare every coder with one lead coder instead of every pair:"], [
            ("reference", coders[0] if coders else "lead"),
        ]),
        ([
            "Fail when a figure drops more than max-drop below an earlier report (of the",
            "last accepted codebook); max-drop-code for the figures of every code, and",
            "a [max-drop-per-code] table for one code. Make the report, in this folder, with",
            f"  {baseline_command(settings)}",
        ], [("baseline", "baseline.json"), ("max-drop", 0.05), ("max-drop-code", 0.05)]),
        (["Test the lower bound of each figure's bootstrap interval instead of its value:"], [
            ("use-lower-bound", True),
        ]),
    ]
    lines = []
    for comment, options in proposals:
        unset = [(key, value) for key, value in options if key not in settings]
        if unset:
            lines += [""] + [f"# {line}" for line in comment] + [f"# {key} = {toml_value(value)}" for key, value in unset]
    return lines


def _now(report: Mapping[str, Any], figure: str) -> str:
    """A figure's current value across all coders and for the weakest pair."""
    parts = []
    if figure in report["overall"]:
        parts.append(f"{_value(report['overall'][figure])} all coders")
    pairs = [(pair[figure].get("value"), pair_label(pair["coders"])) for pair in report["pairs"] if figure in pair]
    if pairs:
        parts.append(_lowest(pairs, "pair"))
    return ", ".join(parts) or "not in this report"


def _now_codes(report: Mapping[str, Any], figure: str) -> str:
    """A per-code figure's lowest current value and its code."""
    values = [(entry[figure].get("value"), entry["code"]) for entry in report["codes"] if figure in entry]
    return _lowest(values, "code") if values else "not in this report"


def _lowest(values: list[tuple[float | None, str]], what: str) -> str:
    defined = [(value, name) for value, name in values if value is not None]
    if not defined:
        return f"n/a for every {what}"
    value, name = min(defined)
    return f"{value:.3f} lowest {what} ({name})"


def _value(figure: Mapping[str, Any]) -> str:
    return "n/a" if figure.get("value") is None else f"{figure['value']:.3f}"


def toml_value(value: Any) -> str:
    """A str, bool, int, float or list of them as TOML.

    >>> toml_value(["coders", 'say "hi"']), toml_value(True), toml_value(0.05)
    ('["coders", "say \\\\"hi\\\\""]', 'true', '0.05')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string: the same escapes, \\uXXXX for control characters.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
