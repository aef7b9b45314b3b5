"""A "Reporting" paragraph for a methods section, and how the units were formed.

What a reliability report in a paper states follows Lombard, Snyder-Duch &
Bracken (2002, *Human Communication Research* 28(4), 587-604) and O'Connor &
Joffe (2020, *International Journal of Qualitative Methods* 19): the size of the
reliability sample and how its units were formed, the number of coders, the
coefficient(s) chosen and why, each value with its confidence interval, and the
criteria the values were read by. What the tool cannot know (how the sample was
drawn, the coders' training, how disagreements were resolved) is listed as a
reminder after the paragraph rather than guessed.

Text, Markdown and HTML all use these sentences, so the paper and the page agree.
"""

from __future__ import annotations

from ..figures.figure import Figure
from ..figures.registry import interpret, title
from ..report import WORST_FIRST_BY, Report
from ..version import __version__
from .cells import coefficient, number, percent

STILL_TO_REPORT = (
    "Also state, as Lombard et al. (2002) and O'Connor & Joffe (2020) recommend: how the units "
    "coded for reliability were selected and what share of the whole data they are; the coders' "
    "training and whether they coded independently; and how disagreements were resolved."
)
REFERENCES = (
    "Lombard, M., Snyder-Duch, J., & Bracken, C. C. (2002). Content analysis in mass communication: "
    "Assessment and reporting of intercoder reliability. Human Communication Research, 28(4), 587–604.",
    "O'Connor, C., & Joffe, H. (2020). Intercoder reliability in qualitative research: Debates and "
    "practical guidelines. International Journal of Qualitative Methods, 19, 1–13.",
)
LISTED_PAIRS = 4
"""Up to this many pairs of coders the paragraph names each pair's value; beyond, their range."""
UNITS_IN_SHAPE = "; units: "
"""How a reader names, in a source's shape, the unit view it chose for span data by default."""
UNIT_MODE_TEXT = {
    "passages": "each passage a coder highlighted (matched by document and exact text) was one unit",
    "segments": "coders' coded spans that overlap by at least {overlap} of the shorter span were joined into one unit",
    "paragraphs": "each paragraph of the source texts was one unit",
    "sentences": "each sentence of the source texts was one unit",
    "characters": "each character of the documents was one unit (intervals resample whole segments)",
    "coded-characters": "each character that some coder coded was one unit (intervals resample whole segments)",
}


def headline_names(report: Report) -> tuple[str, str]:
    """The observed-agreement figure and the chance-corrected coefficient a report leads with.

    Multi-label data: "at least one shared code" (Gillard et al. 2013) and
    Krippendorff's alpha with MASI distance, which credits partly matching sets;
    single-label data: identical codes and nominal alpha.
    """
    if report.input.multi_label:
        return "shared_agreement", "krippendorff_alpha_masi"
    return "percent_agreement", "krippendorff_alpha"


def units_formed(report: Report) -> str:
    """One sentence on what a unit is and where the units came from."""
    read = report.settings.read
    sources = report.input.sources
    named = [source.shape.rsplit(UNITS_IN_SHAPE, 1)[1] for source in sources if UNITS_IN_SHAPE in source.shape]
    mode = read.units or (named[0] if named else None)
    if mode in UNIT_MODE_TEXT:
        how = UNIT_MODE_TEXT[mode].format(overlap=percent(read.min_overlap))
        return (f"Units were formed from the coders' coded spans: {how}; a coder who coded a document but not "
                "a unit in it counts as applying no code there.")
    columns = sorted({column for source in sources if (column := source.roles()["unit"])})
    where = f" (column {', '.join(repr(c) for c in columns)})" if columns else ""
    return f"Units were the sections identified by id in the coders' exports{where}; each coder coded each whole unit."


def paragraph(report: Report) -> str:
    """The methods-section paragraph: sample, coders, units, figures with intervals, criteria.

    Examples
    --------
    A report of the Gillard sample gives "… shared at least one code in 74 % of
    units for lead and KO …" (see ``tests/test_html.py``).
    """
    i = report.input
    boot = report.settings.bootstrap
    agreement_name, alpha_name = headline_names(report)
    level_text = level(boot.confidence) if boot is not None else "95 %"

    def value(name: str, figure: Figure) -> str:
        return _value(name, figure, level_text)

    coders = _series([str(c) for c in i.coders])
    sentences = [
        f"Inter-coder reliability was assessed on {i.units} units coded independently by "
        f"{len(i.coders)} coders ({coders})"
        + (f", each compared with the lead coder ({report.settings.reference})." if report.settings.reference else ".")
    ]
    sentences.append(units_formed(report))
    if i.multi_label:
        sentences.append(
            f"Coders could apply several of the {len(report.codes)} codes to a unit, or none; "
            "agreement between two coders was counted where they shared at least one code (Gillard et al., 2013)."
        )
        verb = "shared at least one code in"
    else:
        sentences.append(f"Each coder applied one of {len(report.codes)} codes to a unit.")
        verb = "applied the same code in"
    pairs = [p for p in report.pairs if agreement_name in p.figures]
    everyone = f"all {len(i.coders)} coders in {value(agreement_name, report.overall.figures[agreement_name])}"
    if 0 < len(pairs) <= LISTED_PAIRS:
        pair_parts = [
            f"{value(agreement_name, p.figures[agreement_name])} of units for {p.coders[0]} and {p.coders[1]}"
            for p in pairs
        ]
        sentences.append(f"Coders {verb} {_series(pair_parts)}; {everyone}.")
    elif pairs:
        defined = [p.figures[agreement_name].value for p in pairs if p.figures[agreement_name].value is not None]
        spread = f"ranged from {percent(min(defined))} to {percent(max(defined))}" if defined else "was undefined"
        deed = verb.removesuffix(" in")
        overall = value(agreement_name, report.overall.figures[agreement_name])
        sentences.append(f"Over the {len(pairs)} pairs of coders, the share of units where both {deed} {spread}; "
                         f"all {len(i.coders)} coders did so in {overall} of units.")
    alpha = report.overall.figures.get(alpha_name)
    kappa = report.overall.figures.get("fleiss_kappa")
    chance = []
    if alpha is not None:
        distance = " with MASI distance (Passonneau, 2006)" if alpha_name.endswith("masi") else ""
        chance.append(f"Krippendorff's α{distance} was {value(alpha_name, alpha)}{_reading(alpha_name, alpha)}")
    if kappa is not None:
        label = "with each code set as one category" if i.multi_label else ""
        chance.append(f"Fleiss' κ {label} was {value('fleiss_kappa', kappa)}{_reading('fleiss_kappa', kappa)}".replace("  ", " "))
    if chance:
        sentences.append("Correcting for chance, " + "; ".join(chance) + ".")
    sentences.append(_per_code(report))
    if boot is not None:
        sentences.append(
            f"Intervals are {level(boot.confidence)} percentile bootstrap intervals over units "
            f"({boot.n_resamples:,} resamples, seed {boot.seed})."
        )
    sentences.append(
        "Kappa-type values are read by Landis & Koch (1977) and α by Krippendorff (2004: ≥ .800 reliable, ≥ .667 tentative). "
        f"Computed with reliability {__version__}."
    )
    return " ".join(s for s in sentences if s)


def level(confidence: float) -> str:
    """A confidence level as papers write it: 0.95 → '95 %', 0.995 → '99.5 %'."""
    return f"{confidence * 100:g} %"


def _per_code(report: Report) -> str:
    defined = [
        (c.code, c.figures[WORST_FIRST_BY].value) for c in report.codes if c.figures[WORST_FIRST_BY].value is not None
    ]
    if len(defined) < 2:
        return ""
    low = min(defined, key=lambda item: item[1])
    high = max(defined, key=lambda item: item[1])
    below = sum(1 for _, value in defined if value < 0.6)
    return (
        f"Per code (presence or absence), {title(WORST_FIRST_BY)} ranged from {coefficient(low[1])} ({low[0]}) to "
        f"{coefficient(high[1])} ({high[0]}); {below} of {len(defined)} codes were below 0.60."
    )


def _value(name: str, figure: Figure, level: str = "95 %") -> str:
    if figure.value is None:
        return f"undefined ({figure.note})" if figure.note else "undefined"
    text = number(name, figure.value)
    if figure.ci is None:
        return text
    return f"{text} ({level} CI {number(name, figure.ci[0])}–{number(name, figure.ci[1])})"


def _reading(name: str, figure: Figure) -> str:
    reading = interpret(name, figure.value)
    return f", {reading}" if reading else ""


def _series(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
