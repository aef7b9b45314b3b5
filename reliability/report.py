"""Assemble every figure into one frozen report; renderers only format it.

Compute once, render several ways: :func:`compare` builds a :class:`Report`,
``Report.to_dict`` is the JSON contract of DESIGN §4 (schema_version 1), and the
renderers in :mod:`reliability.render` format the same object as table,
Markdown or CSV.

Besides the figures, a report holds what a team needs to refine the codebook:
the disagreeing units, the codes coders confuse, coder bias and codebook gaps.
With a :class:`~reliability.codings.revision.Revision`, every figure and every section
is computed on the codings as if the codebook had been revised.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Collection, Sequence

import numpy as np

from .version import __version__
from .figures.agreement import coder_pairs, compare_all, compare_pair
from .codings.model import Codings
from .input_summary import InputSummary, summarise_input
from .codings.options import ReadOptions
from .codings.levels import LEVELS
from .codings.scales import Scale, ordered_scale
from .errors import UsageError
from .figures.coefficients import chance_corrected
from .figures.coefficients.resampled import shared_intervals, shares_draw
from .figures.figure import Figure
from .figures.intervals import BootstrapSettings
from .figures.registry import Scope, keys, ordered
from .findings.disagreements import Disagreements, count_disagreements, find_disagreements
from .findings.ranges import ranges, segments
from .progress import Progress, Stage

if TYPE_CHECKING:  # the modules of optional parts are imported when a part is computed: a small run starts faster
    from .codings.codebook import Codebook
    from .codings.revision import Revision
    from .figures.gold import GoldStandard
    from .findings.bias import Bias
    from .findings.confusions import Confusions
    from .findings.gaps import Gaps

SCHEMA_VERSION = 1
WORST_FIRST_BY = "fleiss_kappa"
"""The per-code figure that orders codes worst first and gives each code its reading."""
FEW_UNITS = 10
"""A per-code or per-pair figure resting on fewer units than this is marked for care."""
SECTIONS = ("disagreements", "confusions", "bias", "gaps", "matrix")
"""The sections on where and why coders disagree, each computed only when asked for.

``matrix`` is the dense code × code confusion matrix (it implies ``confusions``).
The disagreement summary (how many units disagree) is always computed.
"""
CHANCE_SHARE, PAIRS_SHARE, OVERALL_SHARE = 0.8, 0.08, 0.04
"""Shares of a compare's computing time: chance-corrected figures, observed pairs, all coders; sections the rest."""



@dataclass(frozen=True)
class Settings:
    """Every option that changes a figure."""

    reference: str | None = None
    bootstrap: BootstrapSettings | None = None
    read: ReadOptions = field(default_factory=ReadOptions)
    """How the inputs were read; the options that change the figures are recorded (separator, case folding …)."""
    codebook: str | None = None
    """The codebook file, when one was given."""
    revision: tuple[str, ...] = ()
    """The revision options in force (``--level``, ``--recode``, ``--merge``), in the order they apply."""
    scale: Scale | None = None
    """The ordered scale (``--scale``); None for nominal codes."""
    gold: str | None = None
    """The coder taken as the answer key (``--gold``)."""
    rounds: bool = False
    """The "coders" are one coder's rounds (``--rounds``: test–retest, intra-coder reliability)."""

    def to_dict(self) -> dict[str, Any]:
        boot = self.bootstrap
        # The newer settings appear only when used, so nominal reports stay as they were.
        extra: dict[str, Any] = {}
        if self.scale is not None:
            extra["scale"] = self.scale.to_dict()
        if self.gold is not None:
            extra["gold"] = self.gold
        if self.rounds:
            extra["rounds"] = True
        return {
            "reference": self.reference,
            "ci": boot is not None,
            "bootstrap": boot.n_resamples if boot else None,
            "seed": boot.seed if boot else None,
            "confidence": boot.confidence if boot else None,
            "resampling": boot.to_dict() if boot else None,
            **self.read.settings(),
            "codebook": self.codebook,
            "revision": list(self.revision),
            **extra,
        }


@dataclass(frozen=True)
class PairResult:
    """Every figure for one pair of coders, by key, in registry order (:mod:`reliability.figures.registry`)."""

    coders: tuple[str, str]
    n_units: int
    figures: dict[str, Figure]

    def to_dict(self) -> dict[str, Any]:
        return {"coders": list(self.coders), "n_units": self.n_units, **_figures_dict(self.figures)}


@dataclass(frozen=True)
class OverallResult:
    """Every figure across all coders, by key in registry order, and the k-of-n shares."""

    n_units: int
    figures: dict[str, Figure]
    at_least_k: dict[int, Figure]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_units": self.n_units,
            **_figures_dict(self.figures),
            "at_least_k": {str(k): f.to_dict() for k, f in self.at_least_k.items()},
        }


@dataclass(frozen=True)
class CodeResult:
    """Presence/absence figures for one code."""

    code: str
    applied: dict[str, int]
    prevalence: float
    figures: dict[str, Figure]
    pairs: tuple[PairResult, ...]

    @property
    def n_units(self) -> int:
        """Units behind the code's figures: those coded by at least two coders (the ordering figure's count)."""
        return self.figures[WORST_FIRST_BY].n_units

    def caveats(self) -> tuple[str, ...]:
        """Why the code's figures need care: too few units, or no unit where two coders applied the code.

        Positive agreement is zero exactly when no unit got the code from two coders
        (its numerator counts such units), so a kappa there measures agreement on
        absence alone.
        """
        found = []
        if self.n_units < FEW_UNITS:
            found.append(f"rests on {self.n_units} unit{'s' if self.n_units != 1 else ''}, fewer than {FEW_UNITS}")
        positive = self.figures.get("positive_agreement")
        if any(self.applied.values()) and positive is not None and positive.value == 0.0:
            found.append("no two coders applied the code to the same unit: agreement is on its absence only")
        return tuple(found)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "applied": dict(self.applied),
            "prevalence": self.prevalence,
            **_figures_dict(self.figures),
            "caveats": list(self.caveats()),
            "pairs": [p.to_dict() for p in self.pairs],
        }


@dataclass(frozen=True)
class Report:
    """The whole result of ``reliability compare``."""

    input: InputSummary
    settings: Settings
    pairs: tuple[PairResult, ...]
    overall: OverallResult
    codes: tuple[CodeResult, ...]
    disagreements: Disagreements | None = None
    """Disagreeing units, most contested first (after any ``--code``/``--pair`` filter)."""
    confusions: Confusions | None = None
    bias: Bias | None = None
    gaps: Gaps | None = None
    codebook: Codebook | None = None
    """The codebook as read (before any revision)."""
    revision: Revision | None = None
    gold: GoldStandard | None = None
    """Every coder against the answer key (``--gold``)."""
    findings_units: str | None = None
    """What the findings count when the units are characters, sentences or paragraphs (ranges, segments)."""
    sections: tuple[str, ...] = SECTIONS
    """The sections of ``SECTIONS`` that were computed; the others are None (empty lists in JSON)."""
    disagreeing: tuple[int, int] = (0, 0)
    """Disagreeing units and units with at least two coders, counted even when the list is not computed."""

    def disagreement_summary(self) -> dict[str, Any]:
        """How many units disagree, how many are listed, and the filter in force (JSON ``disagreement_summary``)."""
        if self.disagreements is not None:
            return self.disagreements.summary()
        total, of_units = self.disagreeing
        return {"units": total, "listed": 0, "of_units": of_units, "code": None, "pair": None}

    def to_dict(self, encoded_units: bool = False) -> dict[str, Any]:
        """The JSON document of DESIGN §4 (schema_version 1); ``gold`` only when asked for,
        ``findings_units`` only for units of text (characters, sentences, paragraphs).
        Sections not computed (see ``sections``) are empty lists or null; the
        disagreement summary is always there.

        With ``encoded_units``, ``disagreements`` and the gaps' ``uncoded`` hold each
        unit's compact JSON text (:class:`~reliability.findings.disagreements.EncodedUnits`)
        instead of a dict per unit: what the JSON renderer writes, at a fraction of the cost."""
        if encoded_units and self.disagreements is not None:
            units: list = self.disagreements.json_lines()
        else:
            units = self.disagreements.to_list() if self.disagreements else []
        gold = {} if self.gold is None else {"gold": self.gold.to_dict()}
        findings = {} if self.findings_units is None else {"findings_units": self.findings_units}
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "reliability", "version": __version__},
            "input": self.input.to_dict(),
            "settings": self.settings.to_dict(),
            "pairs": [p.to_dict() for p in self.pairs],
            "overall": self.overall.to_dict(),
            "codes": [c.to_dict() for c in self.codes],
            "sections": list(self.sections),
            "disagreements": units,
            "disagreement_summary": self.disagreement_summary(),
            "confusions": [p.to_dict() for p in self.confusions.pairs] if self.confusions else [],
            "confusion_matrix": (
                self.confusions.matrix_dict() if self.confusions and "matrix" in self.sections else None
            ),
            "bias": self.bias.to_dict() if self.bias else None,
            "gaps": self.gaps.to_dict(encoded_units) if self.gaps else None,
            "codebook": self.codebook.to_dict() if self.codebook else None,
            "revision": self.revision.to_dict() if self.revision else None,
            **gold,
            **findings,
        }

    def warnings(self) -> list[str]:
        """What a user must know: the input's warnings, then the codebook's and the revision's."""
        lines = self.input.warnings()
        if self.codebook is not None:
            lines += [f"{self.codebook.source}: {notice}" for notice in self.codebook.notices]
        if self.revision is not None:
            lines += list(self.revision.notices)
        if self.findings_units:
            lines.append(self.findings_units)
        for unknown in (self.gaps.not_in_codebook or ()) if self.gaps else ():
            hint = f" (did you mean '{unknown.did_you_mean}'?)" if unknown.did_you_mean else ""
            lines.append(f"the code '{unknown.code}' is not in the codebook{hint}")
        return lines

    def with_disagreement_filter(self, code: str | None = None, pair: tuple[str, str] | None = None) -> "Report":
        """This report listing only the disagreeing units where ``code`` is disputed or coders ``pair`` differ.

        Raises
        ------
        UsageError
            The code or a coder does not exist.
        """
        if self.disagreements is None or (code is None and pair is None):
            return self
        return replace(self, disagreements=self.disagreements.filtered(code, pair))

    def codes_worst_first(self) -> list[CodeResult]:
        """Codes ordered by per-code kappa (:data:`WORST_FIRST_BY`), lowest first; undefined ones last."""
        def key(code: CodeResult) -> tuple[int, float, str]:
            value = code.figures[WORST_FIRST_BY].value
            return (value is None, value if value is not None else 0.0, code.code)

        return sorted(self.codes, key=key)


def compare(
    codings: Codings,
    reference: str | None = None,
    bootstrap: BootstrapSettings | None = None,
    codebook: Codebook | None = None,
    revision: Revision | None = None,
    scale: str = "nominal",
    order: Sequence[str] | None = None,
    gold: str | None = None,
    rounds: bool = False,
    sections: Collection[str] = SECTIONS,
    progress: Progress | None = None,
) -> Report:
    """Compute every figure for a coding, and where and why the coders disagree.

    Parameters
    ----------
    codings : Codings
        The canonical table, e.g. from :func:`reliability.load`; the options it was
        read with (``codings.read``) are recorded in the settings.
    reference : str, optional
        A lead coder: pairs are then each other coder against this one.
    bootstrap : BootstrapSettings, optional
        Add percentile bootstrap intervals to every figure.
    codebook : Codebook, optional
        Validates the codes in use and supplies definitions
        (:func:`reliability.readers.codebook.read_codebook`).
    revision : Revision, optional
        Compute everything as if the codebook had been revised
        (:func:`reliability.codings.revision.build_revision`); the input summary still
        describes the codings as read.
    scale : {"nominal", "ordinal", "interval", "ratio"}
        The level of measurement of single-label codes. On an ordered scale, overall
        ``krippendorff_alpha`` is at that level, and ``gwet_ac2``, ``conger_kappa``
        and per pair ``cohen_kappa_linear`` and ``cohen_kappa_quadratic`` are added.
    order : sequence of str, optional
        The codes from lowest to highest; by default from numeric codes or the
        codebook's order (:func:`reliability.codings.scales.ordered_scale`).
    gold : str, optional
        A coder to take as the answer key: every other coder is scored against it
        (:func:`reliability.figures.gold.against_gold`).
    rounds : bool
        The coders are one coder's rounds (test–retest); recorded for the renderers.
    sections : collection of str, default every one of ``SECTIONS``
        Which sections on where and why coders disagree to compute; the others
        cost nothing. Gaps are computed whenever a codebook is given: they hold
        the warning about codes the codebook does not know.
    progress : callable, optional
        Told the progress of the ``"computing"`` stage, or with a bootstrap of the
        ``"bootstrapping"`` stage in resamples drawn (see :mod:`reliability.progress`).

    Intervals on units of text (characters, sentences, paragraphs of coded spans)
    resample whole documents (``codings.layout.document``): such units are not
    independent observations.

    Returns
    -------
    Report
    """
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise UsageError(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    wanted = set(sections) | ({"confusions"} if "matrix" in sections else set())
    wanted |= {"gaps"} if codebook is not None else set()
    as_read = codings
    book = codebook
    if revision is not None:
        codings = revision.apply(codings)
        book = codebook.revised(revision.mapping) if codebook is not None else None
    on_scale = _scale(scale, order, codings, book)
    pairs = coder_pairs(codings, reference)
    bootstrap = _by_document(bootstrap, codings)
    stage = Stage(progress if bootstrap is None else None, "computing", 1000)
    resampling = Stage(None, "bootstrapping", 1)
    if bootstrap is not None:  # the resamples are the work: the computing steps then tell nothing
        to_draw = figures_to_bootstrap(codings, reference, on_scale is not None) * bootstrap.n_resamples
        resampling = Stage(progress, "bootstrapping", to_draw)
        if bootstrap.progress is None:
            bootstrap = replace(bootstrap, progress=resampling.advance)
    # One draw of units for the chance-corrected, observed agreement and ordered-scale figures, where they can share it.
    drawn = None
    if shares_draw(codings, bootstrap):
        drawn = shared_intervals(codings, pairs, bootstrap, observed=True, scale=on_scale)
    chance = chance_corrected(codings, pairs, bootstrap, drawn)
    # Shares of the time measured at 200,000 units × 5 coders × 20 codes without a bootstrap.
    stage.reach(CHANCE_SHARE)
    scaled = None
    if on_scale is not None:
        from .figures.coefficients.scaled import scaled_figures

        scaled = scaled_figures(codings, on_scale, pairs, bootstrap, drawn)
    gold_standard = None
    if gold is not None:
        from .figures.gold import against_gold

        gold_standard = against_gold(codings, gold)
    pair_results = []
    for index, (a, b) in enumerate(pairs):
        observed = compare_pair(codings, a, b, bootstrap, None if drawn is None else drawn.observed.pairs[index])
        names = (codings.coders[a], codings.coders[b])
        pair_results.append(
            PairResult(
                coders=names,
                n_units=observed.n_units,
                figures=ordered(
                    Scope.PAIR,
                    {
                        "percent_agreement": observed.percent_agreement,
                        "shared_agreement": observed.shared_agreement,
                        "jaccard": observed.jaccard,
                        **chance.pairs[names],
                        **(scaled.pairs[names] if scaled is not None else {}),
                    },
                    ordered_scale=scaled is not None,
                ),
            )
        )
        stage.advance(PAIRS_SHARE * stage.total / len(pairs))
    overall = compare_all(codings, bootstrap, None if drawn is None else drawn.observed)
    stage.reach(CHANCE_SHARE + PAIRS_SHARE + OVERALL_SHARE)
    continuum = codings.layout.continuum if codings.layout is not None else None
    unitizing = None
    if continuum is not None:
        from .figures.unitizing import unitizing_alphas

        unitizing = unitizing_alphas(continuum)
    overall_result = OverallResult(
        n_units=overall.n_units,
        figures={
            **ordered(
                Scope.OVERALL,
                {
                    "percent_agreement": overall.percent_agreement,
                    "shared_agreement": overall.shared_agreement,
                    **chance.overall,
                    **(scaled.overall if scaled is not None else {}),
                },
                ordered_scale=scaled is not None,
            ),
            **(ordered(Scope.SPANS, unitizing.overall) if unitizing is not None else {}),
        },
        at_least_k=overall.at_least_k,
    )
    # Disagreements and gaps count ranges of units of text coded alike, bias and confusions segments.
    by_range = ranges(codings)
    by_segment = segments(codings) if wanted & {"confusions", "bias"} else None
    # Each section's module is imported only when the section is computed: a small run starts faster.
    confusions = bias = gaps = used = None
    if wanted & {"confusions", "bias"}:
        from .findings.entries import used_codes

        used = used_codes(by_segment)  # the (unit, code) entries both sections count
    if "confusions" in wanted:
        from .findings.confusions import find_confusions

        confusions = find_confusions(by_segment, book, used)
    if "bias" in wanted:
        from .findings.bias import find_bias

        bias = find_bias(by_segment, pairs, used)
    if "gaps" in wanted:
        from .findings.gaps import find_gaps

        gaps = find_gaps(by_range, book)
    stage.finish()
    resampling.finish()  # undefined figures are not bootstrapped: the estimate is an upper bound
    return Report(
        input=summarise_input(as_read),
        settings=Settings(
            reference=reference,
            bootstrap=bootstrap,
            read=as_read.read,
            codebook=codebook.source if codebook is not None else None,
            revision=revision.steps if revision is not None else (),
            scale=on_scale,
            gold=gold,
            rounds=rounds,
        ),
        pairs=tuple(pair_results),
        overall=overall_result,
        codes=_code_results(codings, chance.codes, unitizing),
        disagreements=find_disagreements(by_range) if "disagreements" in wanted else None,
        confusions=confusions,
        bias=bias,
        gaps=gaps,
        codebook=codebook,
        revision=revision,
        gold=gold_standard,
        findings_units=_findings_units(codings, by_range, by_segment or segments(codings))
        if codings.layout is not None and codings.layout.runs is not None
        else None,
        sections=tuple(name for name in SECTIONS if name in wanted),
        disagreeing=count_disagreements(by_range) if "disagreements" not in wanted else (0, 0),
    )


def _by_document(bootstrap: BootstrapSettings | None, codings: Codings) -> BootstrapSettings | None:
    """The bootstrap for these units: whole documents for units of text, else units.

    Characters, sentences and paragraphs of one document were read and coded in one
    go, so they are not independent observations; resampling them one by one would
    give intervals far too narrow.
    """
    layout = codings.layout
    if bootstrap is None or bootstrap.clusters is not None or layout is None or layout.runs is None:
        return bootstrap
    return replace(bootstrap, clusters=np.asarray(layout.document), resampling="documents")


def _findings_units(codings: Codings, by_range: Codings, by_segment: Codings) -> str | None:
    """Say what the findings count when units are pieces of text that coders did not decide on one by one."""
    if by_range is codings:
        return None
    noun = codings.layout.noun
    return (
        f"findings count what coders decided, not {noun}s: disagreements and codebook gaps list "
        f"{by_range.n_units:,} ranges of consecutive {noun}s coded alike (of {codings.n_units:,} {noun}s); "
        f"coder bias and confusions count {by_segment.n_units:,} segments (stretches that overlapping spans "
        "cover together, and the uncoded stretches between them)"
    )


def figures_to_bootstrap(codings: Codings, reference: str | None = None, ordered_scale: bool = False) -> int:
    """How many figures :func:`compare` bootstraps (an upper bound: undefined ones are skipped)."""
    n_pairs = len(coder_pairs(codings, reference))
    at_least_k = max(codings.n_coders - 1, 0)
    per_code = len(keys(Scope.CODE)) + len(keys(Scope.CODE_PAIR)) * n_pairs
    pair_figures, overall_figures = keys(Scope.PAIR, ordered_scale), keys(Scope.OVERALL, ordered_scale)
    return n_pairs * len(pair_figures) + len(overall_figures) + at_least_k + codings.n_codes * per_code


def _scale(level: str, order: Sequence[str] | None, codings: Codings, codebook: Codebook | None) -> Scale | None:
    """The ordered scale asked for, or None for nominal codes."""
    if level == "nominal":
        if order is not None:
            raise UsageError("--order gives the order of an ordered scale; add --scale ordinal (or interval, ratio)")
        return None
    if level not in LEVELS:
        raise UsageError(f"unknown scale '{level}'; choose one of {', '.join(LEVELS)}")
    return ordered_scale(level, codings.codes, order, codebook.names if codebook is not None else None)


def _code_results(codings: Codings, per_code, unitizing=None) -> tuple[CodeResult, ...]:
    applied = codings.applied.sum(axis=0)  # (n_coders, n_codes)
    rated = int(codings.seen.sum())
    results = []
    for k, code_figures in enumerate(per_code):
        results.append(
            CodeResult(
                code=codings.codes[k],
                applied={coder: int(applied[c, k]) for c, coder in enumerate(codings.coders)},
                prevalence=float(applied[:, k].sum() / rated) if rated else 0.0,
                figures={
                    **{key: getattr(code_figures, key) for key in keys(Scope.CODE)},
                    **(ordered(Scope.SPANS_CODE, unitizing.codes[k]) if unitizing is not None else {}),
                },
                pairs=tuple(
                    PairResult(coders=pair, n_units=figs["cohen_kappa"].n_units, figures=ordered(Scope.CODE_PAIR, figs))
                    for pair, figs in code_figures.pairs.items()
                ),
            )
        )
    return tuple(results)


def _figures_dict(figures: dict[str, Figure]) -> dict[str, Any]:
    return {name: figure.to_dict() for name, figure in figures.items()}


