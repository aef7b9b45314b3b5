"""``reliability check`` (the CI gate), ``reliability init`` and ``reliability diff``.

The settings file becomes the options' defaults through click's ``default_map``,
so the command line overrides it and click converts its values like typed ones;
the gate itself (:mod:`reliability.gate.thresholds`, :mod:`reliability.gate.config`) knows
nothing of click.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ..errors import ReliabilityError, UsageError
from .common import (
    FORMATS,
    FiniteRange,
    REPORT_FORMATS,
    InputProblem,
    analysis_options,
    emit,
    figure_options,
    refuse_overwriting,
    reports_errors,
    run_analysis,
    scale_options,
    settings_analysis_options,
    shown,
    terminal_width,
    warn,
    wide_option,
    write_file,
)

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
"""Environment variable naming the file GitHub Actions shows as the job summary."""

NOT_SETTINGS = ("config", "minimum", "code_minimum")
"""Parameters the settings file does not set as plain keys (``min`` and ``min-code`` are tables there)."""

NO_REVISION = {"recode": None, "merge": ()}
"""``diff`` computes each side as it is; ``--recode``/``--merge`` only match old codes to new ones."""


def _load_config(ctx: click.Context, param: click.Parameter, value: Path | None):
    """Eager callback of ``--config``: read the settings and make them the options' defaults."""
    from ..gate.config import find_config

    try:
        config, notices = find_config(value)
        for notice in notices:
            warn(notice)
        if config is not None:
            ctx.default_map = {**(ctx.default_map or {}), **_defaults(ctx, config)}
    except ReliabilityError as exc:
        raise InputProblem(shown(str(exc))) from None
    return config


def _defaults(ctx: click.Context, config) -> dict[str, Any]:
    """The settings as a ``default_map``: keys checked against the command's options."""
    from ..gate.config import option_value, unknown_key

    params = {setting_key(p): p for p in ctx.command.params if p.name not in NOT_SETTINGS and p.expose_value}
    defaults = {}
    for key, value in config.options.items():
        param = params.get(key)
        if param is None:
            raise unknown_key(config, key, list(params))
        value = option_value(config, key, value, _kind(param), many=param.multiple or param.nargs == -1)
        try:
            param.type_cast_value(ctx, value)
        except click.BadParameter as exc:
            raise UsageError(f"{config.where(key)}: {exc.message}") from None
        defaults[param.name] = value
    return defaults


def setting_key(param: click.Parameter) -> str:
    """The settings-file key of an option: its long name (``--max-drop`` → ``max-drop``)."""
    if isinstance(param, click.Argument):
        return param.name
    long_names = [opt for opt in param.opts if opt.startswith("--")]
    return long_names[0].removeprefix("--") if long_names else param.name


PARAM_KINDS: tuple[tuple[type, str], ...] = (
    (click.types.BoolParamType, "flag"),
    (click.Path, "path"),
    (click.types.IntParamType, "int"),
    (click.types.FloatParamType, "float"),
    (click.Choice, "text"),
    (click.types.StringParamType, "text"),
)
"""Click parameter type → kind of TOML value it takes (see ``reliability.gate.config.KINDS``)."""


def _kind(param: click.Parameter) -> str:
    for param_type, kind in PARAM_KINDS:
        if isinstance(param.type, param_type):
            return kind
    raise TypeError(f"no settings-file kind for option {param.name} of type {param.type!r}")


@click.command()
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    is_eager=True,
    callback=_load_config,
    help="Settings file: a reliability.toml, or a pyproject.toml with [tool.reliability] "
    "(default: whichever is in the working directory).",
)
@settings_analysis_options
@scale_options
@click.option("--min", "minimum", multiple=True, metavar="FIGURE=VALUE", help="Minimum of an overall or pairwise figure (every pair must reach it); repeatable.")
@click.option("--min-code", "code_minimum", multiple=True, metavar="FIGURE=VALUE", help="Minimum of a per-code figure, for every code; repeatable.")
@click.option("--use-lower-bound", is_flag=True, help="Test the lower bound of each figure's bootstrap interval (implies --ci).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), metavar="REPORT.json", help="Fail when a figure (overall, pairwise or per code) drops below this earlier JSON report by more than its allowed drop.")
@click.option("--max-drop", type=FiniteRange(0.0, 2.0), default=0.05, show_default=True, help="Largest drop allowed below the baseline for overall and pairwise figures (0.05: 5 points of a share, 0.05 of a coefficient).")
@click.option("--max-drop-code", type=FiniteRange(0.0, 2.0), metavar="FLOAT", help="Largest drop allowed below the baseline for every code's figures (default: --max-drop); the settings file's [max-drop-per-code] table sets it for one code.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format of the checks.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the checks to FILE instead of the terminal.")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE", help="Also write the checks as JUnit XML, one test case per check.")
@wide_option
@click.pass_context
@reports_errors
def check(ctx, config, minimum, code_minimum, use_lower_bound, baseline, max_drop, max_drop_code, fmt, output, junit, wide, **kwargs):
    """Fail (exit 1) when agreement is below a minimum or fell since a baseline.

    The CI gate for codebook revisions. Settings come from reliability.toml or
    the [tool.reliability] table of pyproject.toml (see `reliability init`);
    options given here override them. INPUTS may be left out when the settings
    file names them (inputs = [...]). A bare figure name is tested across all
    coders and for every pair; write overall.NAME or pairs.NAME to test one.

    \b
    Examples:
      reliability check coders --min shared_agreement=0.7 --min krippendorff_alpha_masi=0.667
      reliability check --baseline baseline.json --junit reliability.xml

    \b
    Exit codes: 0 every check passed; 1 a check failed; 2 usage or input error.
    """
    from ..gate.thresholds import baseline_warnings, evaluate, failed
    from ..gate.commands import baseline_command
    from ..gate.config import build_gate
    from ..render.gate import render_checks, render_junit

    summary = os.environ.get(STEP_SUMMARY)
    refuse_overwriting(
        {"-o": output, "--junit": junit, STEP_SUMMARY: Path(summary) if summary else None},
        kwargs,
        baseline=baseline,
        config=config.path if config is not None else None,
    )
    make_baseline = baseline_command(_given_settings(ctx, kwargs), str(baseline)) if baseline is not None else None
    gate = build_gate(config, minimum, code_minimum, use_lower_bound, baseline, max_drop, max_drop_code, make_baseline)
    if gate.empty:
        raise UsageError(
            "nothing to check: give a minimum (--min FIGURE=VALUE, --min-code FIGURE=VALUE) or a baseline "
            "(--baseline REPORT.json), or set them in reliability.toml (`reliability init` writes one)"
        )
    if not kwargs["inputs"]:
        raise UsageError(
            "no inputs: give the coders' exports (reliability check FILES_OR_FOLDERS ...) or set "
            "inputs = [...] in reliability.toml (`reliability init` writes one)"
        )
    if use_lower_bound:
        kwargs["ci"] = True
    report = run_analysis(kwargs)
    document = report.to_dict()
    if gate.baseline is not None:
        for line in baseline_warnings(document, gate.baseline, str(baseline)):
            warn(line)
    checks = evaluate(document, gate)
    emit(render_checks(report, checks, fmt, terminal_width(wide, output)), output)
    if junit is not None:
        write_file(junit, render_junit(checks))
    if summary:
        try:
            _append(Path(summary), render_checks(report, checks, "markdown"))
        except InputProblem as exc:
            warn(f"{STEP_SUMMARY}: {exc.message}")
    bad = failed(checks)
    if output is not None or fmt in ("json", "csv"):
        verdict = f"{len(bad)} of {len(checks)} checks failed" if bad else f"all {len(checks)} checks passed"
        click.echo(f"reliability check: {verdict}", err=True)
    if bad:
        ctx.exit(1)


def _given_settings(ctx: click.Context, kwargs: dict[str, Any], folder: Path = Path(".")) -> dict[str, Any]:
    """The analysis options given on the command line or by the settings file, as settings
    (``setting_key`` → value, paths relative to ``folder``): what a baseline must be computed with."""
    given = (ParameterSource.COMMANDLINE, ParameterSource.DEFAULT_MAP)
    return {
        setting_key(param): _setting(kwargs[param.name], folder)
        for param in ctx.command.params
        if param.name in kwargs and ctx.get_parameter_source(param.name) in given
    }


def _append(path: Path, text: str) -> None:
    """Add to the job summary (GitHub Actions collects what steps append to it)."""
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise InputProblem(f"cannot write {path} ({exc.strerror}); check the folder exists and is writable") from None


@click.command()
@analysis_options
@scale_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("reliability.toml"), show_default=True, help="The settings file to write.")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@click.pass_context
@reports_errors
def init(ctx, output, force, **kwargs):
    """Write a commented starter reliability.toml for `reliability check`.

    Reads INPUTS once to show each figure's current value beside its proposed
    minimum. The options given here (columns, --reference …) are written as
    settings; paths are made relative to the file.

    \b
    Example:
      reliability init coders --reference lead
    """
    from ..gate.commands import baseline_command
    from ..gate.config import starter_config

    if output.exists() and not force:
        raise UsageError(f"{output} exists; edit it, or give --force to replace it")
    refuse_overwriting({"-o": output}, kwargs)
    report = run_analysis(kwargs)
    settings = _given_settings(ctx, kwargs, output.parent)
    write_file(output, starter_config(settings, report.to_dict()))
    folder = f"in {output.parent}, " if output.parent != Path(".") else ""
    click.echo(
        f"wrote {output}; edit its minimums, then run: reliability check\n"
        f"to guard against drops too, {folder}write a baseline report with:\n"
        f"  {baseline_command(settings)}\n"
        "and uncomment baseline = \"baseline.json\" in the file",
        err=True,
    )


def _setting(value: Any, folder: Path) -> Any:
    """An option's value as a TOML setting: paths relative to the settings file's folder."""
    if isinstance(value, tuple):
        return [_setting(item, folder) for item in value]
    if isinstance(value, Path):
        return Path(os.path.relpath(value, folder)).as_posix()
    return value


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@figure_options
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="table", show_default=True, help="Output format; html: one self-contained page with charts.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the diff to FILE instead of the terminal.")
@wide_option
@reports_errors
def diff(old, new, fmt, output, wide, **kwargs):
    """Show what a revision changed: every figure before and after.

    OLD and NEW: each is a JSON report (from `reliability
    compare --format json`) or coders' exports (a file, or a folder of files).
    Pairs of coders are matched by name; codes by name, or through --recode and
    --merge when the revision renamed or merged codes (here they only match
    codes: each side's figures are computed as its codings stand).

    \b
    Examples:
      reliability diff before.json after.json
      reliability diff old/coders new/coders --recode revision.csv
    """
    from ..codings.revision import build_revision
    from ..gate.diff import diff_reports
    from ..readers.recode import read_recode
    from ..render.gate import render_diff

    refuse_overwriting({"-o": output}, kwargs, old=old, new=new)
    old_report, new_report = _side(old, kwargs), _side(new, kwargs)
    recode = read_recode(kwargs["recode"]) if kwargs["recode"] is not None else None
    revision = build_revision(old_report["input"].get("codes", []), recode=recode, merges=kwargs["merge"])
    changes = diff_reports(old_report, new_report, revision.mapping if revision else {}, str(old), str(new))
    for line in changes.warnings():
        warn(line)
    emit(render_diff(changes, fmt, terminal_width(wide, output)), output)


def _side(path: Path, kwargs: dict[str, Any]) -> dict[str, Any]:
    """One side of a diff: a JSON report as written, or the report of coders' exports."""
    from ..gate.baseline import read_report

    if path.suffix.lower() == ".json":
        return read_report(path)
    return run_analysis({**kwargs, **NO_REVISION, "inputs": (path,)}).to_dict()
