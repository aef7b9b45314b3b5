"""The CI gate: test a report against minimums and against an earlier report.

Everything here works on the JSON form of a report (``Report.to_dict()``, DESIGN
§4), so the same code tests a report just computed and one read from a file.
The results are frozen :class:`Check` objects; the renderers format them and the
command line turns a failed check into exit code 1.

Figure names
------------
A minimum names a figure of the JSON contract. With ``--min`` it is an overall
or pairwise figure (``shared_agreement``, ``krippendorff_alpha``, ``at_least_2``
…); with ``--min-code`` a per-code figure (``fleiss_kappa``,
``positive_agreement``, ``cohen_kappa`` …). A bare name is tested everywhere the
figure exists: ``shared_agreement`` across all coders *and* for every pair of
coders. ``overall.NAME`` tests only the all-coders figure, ``pairs.NAME`` only
the pairs (every pair must reach the minimum).
"""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import InputError, UsageError
from ..figures.registry import AT_LEAST, BY_KEY, Scope, keys
from ..report import SCHEMA_VERSION

SCOPES = ("overall", "pairs")
"""Where a figure is tested: across all coders, or for every pair of coders."""

FIGURES = {
    "report": {
        "overall": keys(Scope.OVERALL, ordered_scale=True) + keys(Scope.SPANS),
        "pairs": keys(Scope.PAIR, ordered_scale=True),
    },
    "code": {"overall": keys(Scope.CODE) + keys(Scope.SPANS_CODE), "pairs": keys(Scope.CODE_PAIR)},
}
"""Level (``--min`` tests the report, ``--min-code`` each code) → scope → figure names. The unitizing
alphas (``Scope.SPANS``) exist for span data only: on other data a minimum on them fails, "not in this report"."""

DEFAULT_MAX_DROP = 0.05

TOLERANCE = 1e-9
"""Slack in every comparison: a figure computed as 0.667 must meet a minimum of
0.667 even when floating point lands it a hair below."""

Target = tuple[str, str]
"""(scope, figure): scope one of ``SCOPES``."""


@dataclass(frozen=True)
class Check:
    """One test of the gate and its verdict.

    Parameters
    ----------
    name : str
        Unique, readable name, e.g. ``overall.shared_agreement >= 0.7``.
    kind : {"minimum", "baseline"}
        A minimum from ``--min``/``--min-code``, or a regression against ``--baseline``.
    section : {"overall", "pair", "code", "code pair"}
        Which part of the report the figure is from.
    subject : str
        The name without the comparison, e.g. ``pair lead–KO cohen_kappa``.
    figure : str
        The figure's JSON name.
    threshold : float
        The value must be at least this (for a baseline: the old value less the allowed drop).
    value : float or None
        The value tested (the interval's lower bound with ``lower_bound``); None when undefined.
    passed : bool
    reason : str or None
        Why the value is missing or undefined; None otherwise.
    lower_bound : bool
        The value tested is the lower bound of the bootstrap interval.
    baseline : float or None
        For a baseline check: the figure in the earlier report.
    max_drop : float or None
        For a baseline check: the drop allowed.
    """

    name: str
    kind: str
    section: str
    subject: str
    figure: str
    threshold: float
    value: float | None
    passed: bool
    reason: str | None = None
    lower_bound: bool = False
    baseline: float | None = None
    max_drop: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The check as an entry of the JSON ``checks`` list."""
        return {
            "name": self.name,
            "kind": self.kind,
            "section": self.section,
            "subject": self.subject,
            "figure": self.figure,
            "threshold": self.threshold,
            "value": self.value,
            "passed": self.passed,
            "reason": self.reason,
            "lower_bound": self.lower_bound,
            "baseline": self.baseline,
            "max_drop": self.max_drop,
        }


@dataclass(frozen=True)
class Gate:
    """What ``reliability check`` tests.

    Parameters
    ----------
    minimum : mapping (scope, figure) -> float
        Overall and pairwise minimums (``--min``).
    code_minimum : mapping (scope, figure) -> float
        Minimums for every code (``--min-code``).
    code_overrides : mapping code -> mapping (scope, figure) -> float
        Per-code minimums that replace or add to ``code_minimum`` for one code.
    use_lower_bound : bool
        Test the lower bound of each figure's bootstrap interval, not its value.
    baseline : mapping, optional
        An earlier report (JSON form); every overall, pairwise and per-code figure
        may drop below it by at most its allowed drop.
    max_drop : float
        Drop allowed for overall and pairwise figures. Default 0.05.
    code_max_drop : float, optional
        Drop allowed for every code's figures; None: ``max_drop``.
    code_max_drops : mapping code -> float
        Drops allowed for one code's figures, replacing ``code_max_drop`` there.
    """

    minimum: Mapping[Target, float] = field(default_factory=dict)
    code_minimum: Mapping[Target, float] = field(default_factory=dict)
    code_overrides: Mapping[str, Mapping[Target, float]] = field(default_factory=dict)
    use_lower_bound: bool = False
    baseline: Mapping[str, Any] | None = None
    max_drop: float = DEFAULT_MAX_DROP
    code_max_drop: float | None = None
    code_max_drops: Mapping[str, float] = field(default_factory=dict)

    def drop_for(self, code: str) -> float:
        """The drop below the baseline allowed for one code's figures."""
        if code in self.code_max_drops:
            return self.code_max_drops[code]
        return self.max_drop if self.code_max_drop is None else self.code_max_drop

    @property
    def empty(self) -> bool:
        """True when there is nothing to test."""
        return not (self.minimum or self.code_minimum or self.code_overrides or self.baseline is not None)


def parse_minimum(text: str, option: str) -> tuple[str, float]:
    """Split a ``FIGURE=VALUE`` option value.

    >>> parse_minimum("shared_agreement=0.7", "--min")
    ('shared_agreement', 0.7)
    """
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"{option} {text!r}: write FIGURE=VALUE, e.g. {option} krippendorff_alpha=0.667")
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"{option} {text!r}: {value.strip()!r} is not a number; write e.g. {name.strip()}=0.7") from None
    return name.strip(), number


def minimums(items: Iterable[tuple[str, float]], level: str, source: str) -> dict[Target, float]:
    """Resolve figure names to where they are tested.

    Parameters
    ----------
    items : iterable of (figure name, minimum)
        Names as the user wrote them: bare, ``overall.NAME`` or ``pairs.NAME``.
    level : {"report", "code"}
        ``"report"`` for ``--min`` (overall and pairwise figures), ``"code"`` for
        ``--min-code`` (per-code figures).
    source : str
        Where the items come from (``--min``, ``[min] of reliability.toml``), for messages.

    Returns
    -------
    dict (scope, figure) -> minimum
        Later items replace earlier ones for the same target.

    Raises
    ------
    UsageError
        For an unknown figure or a minimum that is not a finite number.

    Examples
    --------
    >>> minimums([("shared_agreement", 0.7), ("pairs.cohen_kappa", 0.6)], "report", "--min")
    {('overall', 'shared_agreement'): 0.7, ('pairs', 'shared_agreement'): 0.7, ('pairs', 'cohen_kappa'): 0.6}
    """
    if level not in FIGURES:
        raise ValueError(f"unknown level {level!r}; choose one of {', '.join(FIGURES)}")
    resolved: dict[Target, float] = {}
    for written, value in items:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise UsageError(f"{source}: the minimum of {written!r} must be a number, e.g. {written} = 0.7")
        for target in _targets(written, level, source):
            resolved[target] = float(value)
    return resolved


def _targets(written: str, level: str, source: str) -> list[Target]:
    """The (scope, figure) places a written figure name stands for."""
    name = written.strip().lower().replace("-", "_")
    scope, dot, figure = name.partition(".")
    if not dot or scope not in SCOPES:
        scope, figure = "", name
    if figure.startswith("at_least_k."):
        # The JSON path (at_least_k.2) and the CSV name (at_least_2) are one figure.
        figure = AT_LEAST + figure.removeprefix("at_least_k.")
    scopes = [scope] if scope else list(SCOPES)
    targets = [(s, figure) for s in scopes if _exists(figure, s, level)]
    if targets:
        return targets
    other = next((s for s in SCOPES if s != scope), None)
    if scope and _exists(figure, other, level):
        raise UsageError(f"{source}: {written!r}: {figure} is not a figure of {scope}, only of {other}: write {other}.{figure}")
    raise UsageError(_unknown_figure(written, figure, level, source))


def _exists(figure: str, scope: str, level: str) -> bool:
    if figure in FIGURES[level][scope]:
        return True
    # k-of-n agreement exists across all coders for every k from 2 to the number of coders.
    k = figure.removeprefix(AT_LEAST)
    return level == "report" and scope == "overall" and figure.startswith(AT_LEAST) and k.isdigit() and int(k) >= 2


def _unknown_figure(written: str, figure: str, level: str, source: str) -> str:
    listed = {scope: list(names) for scope, names in FIGURES[level].items()}
    if level == "report":
        listed["overall"].append("at_least_2 … at_least_N (N coders)")
    names = sorted({n for names in FIGURES[level].values() for n in names} | ({"at_least_2"} if level == "report" else set()))
    close = difflib.get_close_matches(figure, names, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    listing = "; ".join(f"{scope}: {', '.join(names)}" for scope, names in listed.items())
    return f"{source}: unknown figure {written!r}{hint}; the figures are {listing}"


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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; {how}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc}); {how}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); {how}") from None
    if not isinstance(document, dict) or "schema_version" not in document or not isinstance(document.get("overall"), dict):
        raise InputError(f"{path} is not a JSON report of reliability; {how}")
    if document["schema_version"] != SCHEMA_VERSION:
        raise InputError(
            f"{path} has schema_version {document['schema_version']!r}; this version of reliability reads "
            f"{SCHEMA_VERSION}; {how}"
        )
    return document


def evaluate(report: Mapping[str, Any], gate: Gate) -> tuple[Check, ...]:
    """Every check of a gate, in a stable order: overall, pairs, codes, baseline.

    Parameters
    ----------
    report : mapping
        The report in its JSON form (``Report.to_dict()``).
    gate : Gate

    Returns
    -------
    tuple of Check

    Raises
    ------
    UsageError
        When a minimum names a figure this report cannot have (``at_least_4``
        with three coders, ``gwet_ac2`` without an ordered scale) or a per-code
        minimum names a code that is not there.
    """
    checks: list[Check] = []
    checks += _report_checks(report, gate)
    checks += _code_checks(report, gate)
    if gate.baseline is not None:
        checks += baseline_checks(report, gate.baseline, gate.max_drop)
        checks += code_baseline_checks(report, gate.baseline, gate)
    return tuple(checks)


def _report_checks(report: Mapping[str, Any], gate: Gate) -> list[Check]:
    scaled = [figure for _, figure in gate.minimum if figure in BY_KEY and BY_KEY[figure].ordered_scale_only]
    if scaled and "scale" not in report["settings"]:
        raise UsageError(
            f"{scaled[0]} is reported only for codes on an ordered scale; add --scale ordinal (or interval, ratio), "
            "or scale = \"ordinal\" in the settings file"
        )
    checks = []
    for (scope, figure), minimum in gate.minimum.items():
        if scope == "overall":
            found = _overall_figure(report, figure)
            checks.append(_minimum_check("overall", f"overall.{figure}", figure, found, minimum, gate.use_lower_bound))
        else:
            for pair in report["pairs"]:
                subject = f"pair {pair_label(pair['coders'])} {figure}"
                checks.append(_minimum_check("pair", subject, figure, pair.get(figure), minimum, gate.use_lower_bound))
    return checks


def _known_codes(named: Iterable[str], codes: list[str], what: str) -> None:
    """Refuse settings that name a code the coding does not have (a typo would test nothing)."""
    unknown = [code for code in named if code not in codes]
    if unknown:
        close = difflib.get_close_matches(unknown[0], codes, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UsageError(
            f"{what} name {', '.join(repr(c) for c in unknown)}, which is not a code in the coding{hint}; "
            f"the codes are: {', '.join(codes)}"
        )


def _code_checks(report: Mapping[str, Any], gate: Gate) -> list[Check]:
    codes = [entry["code"] for entry in report["codes"]]
    _known_codes(gate.code_overrides, codes, "the per-code minimums")
    checks = []
    for entry in report["codes"]:
        code = entry["code"]
        targets = {**gate.code_minimum, **gate.code_overrides.get(code, {})}
        for (scope, figure), minimum in targets.items():
            if scope == "overall":
                subject = f"code {code!r} {figure}"
                checks.append(_minimum_check("code", subject, figure, entry.get(figure), minimum, gate.use_lower_bound))
            else:
                for pair in entry["pairs"]:
                    subject = f"code {code!r} pair {pair_label(pair['coders'])} {figure}"
                    checks.append(_minimum_check("code pair", subject, figure, pair.get(figure), minimum, gate.use_lower_bound))
    return checks


def _overall_figure(report: Mapping[str, Any], figure: str) -> Mapping[str, Any] | None:
    overall = report["overall"]
    if not figure.startswith(AT_LEAST) or figure in overall:
        return overall.get(figure)
    k = figure.removeprefix(AT_LEAST)
    shares = overall.get("at_least_k", {})
    if k not in shares:
        coders = len(report["input"]["coders"])
        raise UsageError(f"{figure} needs at least {k} coders; this coding has {coders}: use at_least_2 … at_least_{coders}")
    return shares[k]


def _minimum_check(
    section: str,
    subject: str, figure: str, found: Mapping[str, Any] | None, minimum: float, lower_bound: bool
) -> Check:
    """Test one figure (its JSON object) against a minimum."""
    name = f"{subject}{' lower bound' if lower_bound else ''} >= {minimum:g}"
    value, reason = _tested_value(found, lower_bound)
    return Check(
        name=name,
        kind="minimum",
        section=section,
        subject=subject,
        figure=figure,
        threshold=minimum,
        value=value,
        passed=value is not None and value >= minimum - TOLERANCE,
        reason=reason,
        lower_bound=lower_bound,
    )


def _tested_value(found: Mapping[str, Any] | None, lower_bound: bool) -> tuple[float | None, str | None]:
    """The number a check compares, or None and why there is none."""
    if found is None:
        return None, "not in this report"
    if found.get("value") is None:
        return None, f"undefined: {found.get('note') or 'no value'}"
    if not lower_bound:
        return float(found["value"]), None
    if found.get("ci") is None or found["ci"][0] is None:
        return None, "no interval: the figure is undefined in most bootstrap resamples"
    return float(found["ci"][0]), None


def baseline_checks(report: Mapping[str, Any], baseline: Mapping[str, Any], max_drop: float) -> list[Check]:
    """Every overall and pairwise figure of the baseline, against this report.

    A figure passes when it is at least its baseline value less ``max_drop``. A
    figure undefined in the baseline has nothing to regress from and is not
    checked; one defined there but undefined now fails, as does a pair of coders
    that is no longer in the report.
    """
    checks = []
    new_overall = figures_of(report["overall"])
    for figure, old in figures_of(baseline["overall"]).items():
        checks += _drop_check("overall", f"baseline overall.{figure}", figure, old, new_overall.get(figure), max_drop, "not in this report")
    new_pairs = {frozenset(pair["coders"]): pair for pair in report["pairs"]}
    for old_pair in baseline.get("pairs", []):
        label = pair_label(old_pair["coders"])
        new_pair = new_pairs.get(frozenset(old_pair["coders"]))
        new_figures = figures_of(new_pair) if new_pair is not None else {}
        missing = "not in this report" if new_pair is not None else f"the pair {label} is not in this report"
        for figure, old in figures_of(old_pair).items():
            checks += _drop_check("pair", f"baseline pair {label} {figure}", figure, old, new_figures.get(figure), max_drop, missing)
    return checks


def code_baseline_checks(report: Mapping[str, Any], baseline: Mapping[str, Any], gate: Gate) -> list[Check]:
    """Every per-code figure of the baseline (all coders and each pair), against this report.

    Codes are matched by name; each may drop by :meth:`Gate.drop_for`. A code of
    the baseline that is no longer in the report (merged or renamed by a revision)
    has nothing left to regress and is not checked; :func:`baseline_warnings` names
    it, so the gap is said, not silent. A pair gone from a code fails, as it does
    for the pairwise figures.

    Raises
    ------
    UsageError
        The per-code drops name a code that is in neither report.
    """
    old_codes = [entry["code"] for entry in baseline.get("codes", [])]
    new_codes = {entry["code"]: entry for entry in report["codes"]}
    _known_codes(gate.code_max_drops, sorted(set(old_codes) | set(new_codes)), "the per-code max-drop settings")
    checks = []
    for old in baseline.get("codes", []):
        code = old["code"]
        drop = gate.drop_for(code)
        new = new_codes.get(code)
        if new is None:
            continue
        new_figures = figures_of(new)
        for figure, before in figures_of(old).items():
            subject = f"baseline code {code!r} {figure}"
            checks += _drop_check("code", subject, figure, before, new_figures.get(figure), drop, "not in this report")
        new_pairs = {frozenset(pair["coders"]): pair for pair in new.get("pairs", [])}
        for old_pair in old.get("pairs", []):
            label = pair_label(old_pair["coders"])
            new_pair = new_pairs.get(frozenset(old_pair["coders"]))
            pair_figures = figures_of(new_pair) if new_pair is not None else {}
            missing = "not in this report" if new_pair is not None else f"the pair {label} is not in this report"
            for figure, before in figures_of(old_pair).items():
                subject = f"baseline code {code!r} pair {label} {figure}"
                checks += _drop_check("code pair", subject, figure, before, pair_figures.get(figure), drop, missing)
    return checks


def _drop_check(
    section: str,
    subject: str,
    figure: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any] | None,
    max_drop: float,
    missing: str,
) -> list[Check]:
    if old.get("value") is None:
        return []
    before = float(old["value"])
    value, reason = _tested_value(new, lower_bound=False)
    if new is None:
        reason = missing
    threshold = before - max_drop
    return [
        Check(
            name=f"{subject} drop <= {max_drop:g}",
            kind="baseline",
            section=section,
            subject=subject,
            figure=figure,
            threshold=threshold,
            value=value,
            passed=value is not None and value >= threshold - TOLERANCE,
            reason=reason,
            baseline=before,
            max_drop=max_drop,
        )
    ]


def figures_of(section: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The figure objects of one section of a report (overall, a pair, a code), by name.

    The k-of-n shares of the overall section appear as ``at_least_2``, ``at_least_3`` ….

    >>> figures_of({"n_units": 3, "jaccard": {"value": 0.5}, "at_least_k": {"2": {"value": 1.0}}})
    {'jaccard': {'value': 0.5}, 'at_least_2': {'value': 1.0}}
    """
    found = {name: value for name, value in section.items() if isinstance(value, Mapping) and "value" in value}
    for k, figure in section.get("at_least_k", {}).items():
        found[f"{AT_LEAST}{k}"] = figure
    return found


def baseline_warnings(report: Mapping[str, Any], baseline: Mapping[str, Any], name: str) -> list[str]:
    """Differences between the baseline and this report that explain odd regressions."""
    warnings = []
    before, after = baseline.get("settings", {}).get("reference"), report["settings"].get("reference")
    if before != after:
        warnings.append(
            f"the baseline {name} compares {_pairing(before)}, this report {_pairing(after)}; "
            "pairs of coders differ, so regenerate the baseline with the same --reference"
        )
    old_coders, new_coders = set(baseline.get("input", {}).get("coders", [])), set(report["input"]["coders"])
    if old_coders != new_coders:
        added, removed = sorted(new_coders - old_coders), sorted(old_coders - new_coders)
        change = "; ".join(part for part in (
            f"added {', '.join(added)}" if added else "",
            f"removed {', '.join(removed)}" if removed else "",
        ) if part)
        warnings.append(f"the coders changed since the baseline {name} ({change})")
    now = {entry["code"] for entry in report["codes"]}
    gone = [entry["code"] for entry in baseline.get("codes", []) if entry["code"] not in now]
    if gone:
        warnings.append(
            f"{len(gone)} code{'s' if len(gone) != 1 else ''} of the baseline {name} "
            f"{'are' if len(gone) != 1 else 'is'} not in this report, so not guarded against a drop: "
            f"{', '.join(gone)}; after a revision that renamed or merged codes, regenerate the baseline"
        )
    return warnings


def _pairing(reference: str | None) -> str:
    return "every pair of coders" if reference is None else f"each coder with {reference}"


def pair_label(coders: Iterable[str]) -> str:
    """``lead–KO``: a pair of coders as checks and diffs name it."""
    return "–".join(coders)


def failed(checks: Iterable[Check]) -> list[Check]:
    """The checks that did not pass."""
    return [check for check in checks if not check.passed]
