"""Options and error handling the commands share."""

from __future__ import annotations

import contextlib
import functools
import math
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from ..errors import ReliabilityError
from ..codings.levels import LEVELS
from ..codings.options import CRLF_MODES, UNIT_MODES
from ..limits import MAX_RESAMPLES

FORMATS = ("table", "json", "markdown", "csv")
REPORT_FORMATS = FORMATS + ("html",)
"""``compare`` and ``diff`` also write a self-contained HTML page; ``check`` does not."""


class FiniteRange(click.FloatRange):
    """A number in a range; NaN and infinities are refused (they pass every comparison unnoticed)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a number in the range {self._describe_range()}", param, ctx)
        return number


class InputProblem(click.ClickException):
    """A usage or input error from the core, shown as one line, exit code 2."""

    exit_code = 2


def reports_errors(command: Callable) -> Callable:
    """Turn the core's errors into one-line messages with exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ReliabilityError as exc:
            raise InputProblem(shown(str(exc))) from None

    return wrapper


def shown(message: str) -> str:
    """A message fit for the terminal: names from the files may hold control or invisible characters."""
    from ..render.cells import visible

    return visible(message)


def read_option_decorators(command: Callable) -> Callable:
    """The options that say how to read the inputs."""
    decorators = [
        click.option("--unit-col", metavar="NAME", help="Column with the unit (section, segment) id."),
        click.option("--coder-col", metavar="NAME", help="Column with the coder's name (else the file name is the coder)."),
        click.option("--code-col", metavar="NAME", help="Column with the code(s)."),
        click.option("--text-col", metavar="NAME", help="Column with the unit's text."),
        click.option("--note-col", metavar="NAME", help="Column with the coder's note."),
        click.option("--code-sep", default=";", show_default=True, metavar="SEP", help="Separator of several codes in one cell."),
        click.option("--encoding", metavar="NAME", help="Text encoding of the files (default: UTF-8, with or without BOM)."),
        click.option("--ignore-case", is_flag=True, help="Treat codes that differ only in case as one code."),
        click.option("--units", "unit_mode", type=click.Choice(UNIT_MODES), help="For span exports of QDA programs: how coded spans become units."),
        click.option("--crlf", type=click.Choice(CRLF_MODES), default="auto", show_default=True, help="REFI-QDA projects: count a Windows line break (\\r\\n) as one or two characters; auto decides from the project."),
        click.option("--min-overlap", type=FiniteRange(0.0, 1.0, min_open=True), default=0.5, show_default=True, help="With --units segments: share of the shorter span two spans must share to join one segment."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def analysis_options(command: Callable) -> Callable:
    """INPUTS and everything that decides the figures.

    ``compare`` and ``check`` both take these, so a figure means the same in both.
    """
    command = figure_options(command)
    return click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))(command)


def settings_analysis_options(command: Callable) -> Callable:
    """As :func:`analysis_options`, but INPUTS may come from the settings file instead
    (``check``): optional on the command line, and ``--help`` shows them so."""
    command = figure_options(command)
    return click.argument("inputs", nargs=-1, required=False, type=click.Path(path_type=Path))(command)


def figure_options(command: Callable) -> Callable:
    """Everything that decides the figures but the inputs: how to read them, pairs,
    intervals, the codebook and a revision of it."""
    decorators = [
        read_option_decorators,
        click.option("--reference", metavar="CODER", help="Compare every coder with this lead coder instead of all pairs."),
        click.option("--ci", is_flag=True, help="Add bootstrap intervals to every figure."),
        click.option("--bootstrap", "n_resamples", type=click.IntRange(10, MAX_RESAMPLES), default=1000, show_default=True, help="Bootstrap resamples (with --ci)."),
        click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Random seed of the bootstrap: same seed, same intervals."),
        click.option("--confidence", type=FiniteRange(0.5, 0.999), default=0.95, show_default=True, help="Confidence level of the intervals."),
        click.option("--codebook", type=click.Path(path_type=Path), metavar="FILE", help="Codebook: CSV or .xlsx (code,definition[,parent]; Taguette's tag,description), REFI-QDA .qdc/.qde/.qdpx, a Taguette .sqlite3 or QualCoder project; checks the codes in use and quotes definitions."),
        click.option("--level", type=click.IntRange(min=1), metavar="N", help="Roll codes up to level N of the codebook's hierarchy (1 = top level); needs --codebook."),
        click.option("--recode", type=click.Path(path_type=Path), metavar="FILE", help="Revise the codebook: CSV old,new mapping each old code to a new one (a blank new drops the code)."),
        click.option("--merge", multiple=True, metavar='"A+B=NEW"', help="Merge codes A and B into NEW before computing (repeatable; applies after --level and --recode)."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def scale_options(command: Callable) -> Callable:
    """Levels of measurement, a gold standard and test–retest rounds (``compare``, ``check``, ``init``)."""
    decorators = [
        click.option("--scale", type=click.Choice(LEVELS), default="nominal", show_default=True, help="Level of measurement of single-label codes. ordinal, interval or ratio add weighted figures: alpha at that level, Gwet's AC2, Conger's kappa, and linear and quadratic Cohen's kappa per pair."),
        click.option("--order", metavar='"LOW,…,HIGH"', help="With --scale: the codes from lowest to highest (default: numeric codes in numeric order, else the codebook's order)."),
        click.option("--gold", metavar="CODER", help="Take CODER as the answer key: precision, recall and F1 of every other coder, per code."),
        click.option("--rounds", is_flag=True, help="The inputs are one coder's rounds (test–retest): intra-coder reliability, reported as rounds, not coders."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def run_analysis(kwargs: dict[str, Any], sections: tuple[str, ...] = (), quiet: bool = False):
    """Read the inputs and compute the report the options ask for; warnings go to stderr unless ``quiet``.

    ``sections`` names the sections on where and why coders disagree that the
    output shows (see ``reliability.report.SECTIONS``); nothing else is computed.

    Returns
    -------
    reliability.report.Report
    """
    from ..codings.revision import build_revision
    from ..codings.scales import parse_order
    from ..figures.intervals import BootstrapSettings
    from ..readers import load
    from ..readers.codebook import read_codebook
    from ..readers.recode import read_recode
    from ..report import compare
    from .memory import reuse_freed_memory

    reuse_freed_memory()  # large arrays come and go: their pages are reused, not faulted in afresh
    options = read_options(kwargs)
    codebook = read_codebook(kwargs["codebook"]) if kwargs["codebook"] is not None else None
    scale = kwargs.get("scale", "nominal")
    with terminal_progress() as progress:
        codings = load(list(kwargs["inputs"]), options, progress)
        recode = read_recode(kwargs["recode"]) if kwargs["recode"] is not None else None
        revision = build_revision(
            codings.codes, codebook=codebook, level=kwargs["level"], recode=recode, merges=kwargs["merge"]
        )
        bootstrap = (
            BootstrapSettings(kwargs["n_resamples"], kwargs["seed"], kwargs["confidence"]) if kwargs["ci"] else None
        )
        report = compare(
            codings,
            reference=kwargs["reference"],
            bootstrap=bootstrap,
            codebook=codebook,
            revision=revision,
            scale=scale,
            order=parse_order(kwargs["order"]) if kwargs.get("order") is not None else None,
            gold=kwargs.get("gold"),
            rounds=kwargs.get("rounds", False),
            sections=sections,
            progress=progress,
        )
    for line in () if quiet else report.warnings():
        warn(line)
    return report


STAGE_LABELS = {"reading": "Reading", "computing": "Computing", "bootstrapping": "Bootstrapping"}
SHOW_AFTER_SECONDS = 1.0
"""Bars appear only once a run has taken this long: a quick run prints no bars (DESIGN §6:
progress on anything over about 2 s)."""
ETA_AFTER_SHARE = 0.1
ETA_AFTER_SECONDS = 2.0
ETA_AGREEMENT = 0.25
"""The time left is shown once at least this share of a stage is done, this many seconds
have passed, and the rates of the last two quarters of that time agree within this
fraction: an estimate that would jump about is not shown."""


class TerminalBar:
    """The core's progress (``reliability.progress``) as one click progress bar per stage on stderr."""

    def __init__(self, show_after: float = SHOW_AFTER_SECONDS) -> None:
        self.bar: Any = None
        self.stage: str | None = None
        self.history: list[tuple[float, int]] = []
        self.show_after = show_after
        self.started: float | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        self.started = now if self.started is None else self.started
        if stage != self.stage:
            self.close()
            self.stage, self.history = stage, []
        self.history.append((now, done))
        if self.bar is None:
            if now - self.started < self.show_after:
                return
            self.bar = click.progressbar(
                length=total, label=STAGE_LABELS.get(stage, stage), file=sys.stderr, show_eta=False
            )
            self.bar.__enter__()
        self.bar.show_eta = self.bar.show_eta or self._steady(done, total)
        self.bar.update(done - self.bar.pos)

    def _steady(self, done: int, total: int) -> bool:
        """True once the rate of work is steady enough for an honest estimate of the time left.

        The rate over the last quarter of the elapsed time must agree with the rate
        over the quarter before it.
        """
        start, now = self.history[0][0], self.history[-1][0]
        elapsed = now - start
        if done < ETA_AFTER_SHARE * total or elapsed < ETA_AFTER_SECONDS:
            return False
        quarter = elapsed / 4
        t_a, d_a = next((t, d) for t, d in self.history if t >= now - quarter)
        t_b, d_b = next((t, d) for t, d in self.history if t >= now - 2 * quarter)
        if t_a >= now or t_b >= t_a:
            return False
        recent, before = (done - d_a) / (now - t_a), (d_a - d_b) / (t_a - t_b)
        return before > 0 and abs(recent - before) <= ETA_AGREEMENT * before

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextlib.contextmanager
def terminal_progress() -> Iterator[Callable[[str, int, int], None] | None]:
    """Progress bars on stderr while reading, computing and bootstrapping; none when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = TerminalBar()
    try:
        yield bar
    finally:
        bar.close()


def read_options(kwargs: dict[str, Any]):
    """The reader options from the command's keyword arguments."""
    from ..codings.options import ReadOptions

    return ReadOptions(
        unit_col=kwargs["unit_col"],
        coder_col=kwargs["coder_col"],
        code_col=kwargs["code_col"],
        text_col=kwargs["text_col"],
        note_col=kwargs["note_col"],
        code_sep=kwargs["code_sep"],
        encoding=kwargs["encoding"],
        ignore_case=kwargs["ignore_case"],
        units=kwargs["unit_mode"],
        min_overlap=kwargs["min_overlap"],
        crlf=kwargs["crlf"],
    )


NARROWEST_TERMINAL = 40
"""Text is never fitted to fewer columns than this, however narrow the terminal says it is."""


def wide_option(command: Callable) -> Callable:
    """``--wide``: tables at their natural width, whatever the terminal's."""
    return click.option(
        "--wide",
        is_flag=True,
        help="Show every column of every table at its natural width; by default, tables in a terminal "
        "(or with COLUMNS set) leave out secondary columns and wrap to fit, and say what they left out.",
    )(command)


def terminal_width(wide: bool, output: Path | None) -> int | None:
    """The width text output must fit, or None for no limit.

    ``COLUMNS`` wins when set (so piped output can be fitted too); otherwise the
    terminal's width when standard output is one. Piped output without
    ``COLUMNS``, a file (``-o``) and ``--wide`` are not fitted: scripts reading
    them see every column.
    """
    if wide or output is not None:
        return None
    return _width_of(sys.stdout)


def _width_of(stream) -> int | None:
    """``COLUMNS`` when set, else the terminal's width when ``stream`` is one; None: no limit."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), NARROWEST_TERMINAL)
    if stream.isatty():
        return max(shutil.get_terminal_size().columns, NARROWEST_TERMINAL)
    return None


def emit(text: str, output: Path | None) -> None:
    """Write the report to the file (replacing it whole, or not at all) or to stdout."""
    if output is None:
        try:
            click.echo(text, nl=False)
        except OSError as exc:
            _silence_stdout()
            raise InputProblem(f"cannot write the report to standard output ({exc.strerror or exc}); use -o FILE") from None
        return
    write_file(output, text)


def write_file(path: Path, text: str) -> None:
    """Write an output file through a temporary file, so a failure keeps the earlier one."""
    from ..files import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        raise InputProblem(
            f"cannot write {path} ({exc.strerror or exc}); check the folder exists and is writable "
            "and the disk has space (a file already there is left as it was)"
        ) from None


def _silence_stdout() -> None:
    """Point stdout at the null device, so the exit does not try to flush the failed report again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # stdout has no descriptor (captured in tests): nothing to flush
        return


def refuse_overwriting(outputs: dict[str, Path | None], kwargs: dict[str, Any], **more: Path | None) -> None:
    """Refuse, before anything is read, outputs that are inputs or that two outputs share.

    Parameters
    ----------
    outputs : dict option -> Path or None
    kwargs : dict
        The command's keyword arguments: ``inputs``, ``codebook`` and ``recode`` are read.
    more : Path or None
        Other files the command reads, by option name (``baseline``, ``config``, ``old``, ``new``).
    """
    from ..files import refuse_overwriting as refuse
    from ..readers import INPUT_SUFFIXES

    named = {"INPUTS": list(kwargs.get("inputs") or ())}
    for option in ("codebook", "recode"):
        if kwargs.get(option) is not None:
            named[f"--{option}"] = [kwargs[option]]
    for option, path in more.items():
        if path is not None:
            named[option.upper() if option in ("old", "new") else f"--{option}"] = [path]
    try:
        refuse(outputs, named, INPUT_SUFFIXES)
    except ReliabilityError as exc:
        raise InputProblem(shown(str(exc))) from None


def warn(message: str) -> None:
    """A warning on stderr, never mixed into the report; wrapped at words to fit a terminal."""
    text = f"warning: {shown(message)}"
    width = _width_of(sys.stderr)
    if width is not None and len(text) > width:
        import textwrap

        text = textwrap.fill(text, width, subsequent_indent="  ", break_on_hyphens=False)
    click.echo(text, err=True)

