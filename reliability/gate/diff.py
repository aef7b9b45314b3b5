"""What a revision changed: every figure of two reports side by side.

Works on the JSON form of reports (``Report.to_dict()``), so the reports may
come from files written earlier or be computed now. Pairs of coders are matched
whatever the order of their names; codes are matched by name, or through a
mapping from old codes to new ones when the revision renamed, merged or dropped
codes (the mapping of ``--recode`` and ``--merge``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .thresholds import figures_of, pair_label
from ..report import SCHEMA_VERSION

SECTIONS = ("overall", "pair", "code")


@dataclass(frozen=True)
class FigureChange:
    """One figure before and after.

    Parameters
    ----------
    section : {"overall", "pair", "code"}
    figure : str
        The figure's JSON name (``at_least_2`` for the k-of-n shares).
    before, after : float or None
        None when the figure is undefined or absent on that side (``note`` says which).
    coders : tuple of str
        The pair, for section "pair".
    old_code, new_code : str or None
        For section "code": the code in each report; None when it is absent there.
    note : str or None
        Why a side has no value.
    """

    section: str
    figure: str
    before: float | None
    after: float | None
    coders: tuple[str, ...] = ()
    old_code: str | None = None
    new_code: str | None = None
    note: str | None = None

    @property
    def change(self) -> float | None:
        """``after - before``; None unless both are defined."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def subject(self) -> str:
        """What the figure is of: ``all coders``, ``lead–KO``, ``'A' → 'B'``."""
        if self.section == "overall":
            return "all coders"
        if self.section == "pair":
            return pair_label(self.coders)
        if self.old_code is None or self.new_code is None or self.old_code == self.new_code:
            return str(self.new_code if self.new_code is not None else self.old_code)
        return f"{self.old_code} → {self.new_code}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "figure": self.figure,
            "coders": list(self.coders) if self.section == "pair" else None,
            "old_code": self.old_code,
            "new_code": self.new_code,
            "before": self.before,
            "after": self.after,
            "change": self.change,
            "note": self.note,
        }


@dataclass(frozen=True)
class ReportDiff:
    """Every figure of two reports, matched.

    Parameters
    ----------
    old_name, new_name : str
        Where each report came from (a file, or the inputs), for headings.
    old_input, new_input : mapping
        Units, coders and codes of each side.
    mapping : mapping old code -> new code or None
        The codes the revision renamed, merged (several old codes to one) or dropped (None).
    changes : tuple of FigureChange
        Overall figures, then pairs, then codes.
    """

    old_name: str
    new_name: str
    old_input: Mapping[str, Any]
    new_input: Mapping[str, Any]
    mapping: Mapping[str, str | None] = field(default_factory=dict)
    changes: tuple[FigureChange, ...] = ()

    def section(self, name: str) -> list[FigureChange]:
        """The changes of one section: "overall", "pair" or "code"."""
        if name not in SECTIONS:
            raise ValueError(f"unknown section {name!r}; choose one of {', '.join(SECTIONS)}")
        return [change for change in self.changes if change.section == name]

    def warnings(self) -> list[str]:
        """Why the two reports may not describe one study before and after a revision.

        A diff of different coders or different units mixes a change of the data
        with the change of the codebook; with no code in common either (and no
        mapping), the reports are likely of unrelated studies.

        >>> side = lambda units, coders, codes: {"units": units, "coders": coders, "codes": codes}
        >>> for line in ReportDiff("a", "b", side(50, ["x", "y"], ["p"]), side(48, ["z"], ["q"])).warnings():
        ...     print(line)
        the coders differ (only in a: x, y; only in b: z): pairs and figures compare different people
        the number of units differs (50 in a, 48 in b): the figures rest on different data
        the reports share no coder and no code: they look like different studies, not one study before and after a revision
        """
        old, new = self.old_input, self.new_input
        found = []
        old_coders, new_coders = set(old.get("coders", [])), set(new.get("coders", []))
        if old_coders != new_coders:
            only = "; ".join(
                f"only in {name}: {', '.join(sorted(coders))}"
                for name, coders in ((self.old_name, old_coders - new_coders), (self.new_name, new_coders - old_coders))
                if coders
            )
            found.append(f"the coders differ ({only}): pairs and figures compare different people")
        if old.get("units") != new.get("units"):
            found.append(
                f"the number of units differs ({_count(old.get('units'))} in {self.old_name}, "
                f"{_count(new.get('units'))} in {self.new_name}): the figures rest on different data"
            )
        old_codes = {self.mapping.get(code, code) for code in old.get("codes", [])}
        if not (old_codes & set(new.get("codes", []))) and not (old_coders & new_coders):
            found.append(
                "the reports share no coder and no code: they look like different studies, not one study "
                "before and after a revision"
            )
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "old": {"source": self.old_name, **self.old_input},
            "new": {"source": self.new_name, **self.new_input},
            "warnings": self.warnings(),
            "mapping": dict(self.mapping),
            "changes": [change.to_dict() for change in self.changes],
        }


def diff_reports(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    mapping: Mapping[str, str | None] | None = None,
    old_name: str = "old",
    new_name: str = "new",
) -> ReportDiff:
    """Match every figure of two reports.

    Parameters
    ----------
    old, new : mapping
        Reports in their JSON form.
    mapping : mapping old code -> new code or None, optional
        How the revision renamed, merged (several old codes to one new code) or
        dropped (None) codes; codes not in it keep their name.
    old_name, new_name : str
        Where the reports came from, for headings.

    Returns
    -------
    ReportDiff

    Examples
    --------
    >>> figure = lambda v: {"value": v, "note": None}
    >>> old = {"input": {"units": 2, "coders": ["a", "b"], "codes": ["x"]}, "overall": {"jaccard": figure(0.5)},
    ...        "pairs": [], "codes": [{"code": "x", "fleiss_kappa": figure(0.2), "pairs": []}]}
    >>> new = {"input": {"units": 2, "coders": ["a", "b"], "codes": ["y"]}, "overall": {"jaccard": figure(0.75)},
    ...        "pairs": [], "codes": [{"code": "y", "fleiss_kappa": figure(0.4), "pairs": []}]}
    >>> [(c.subject, c.figure, c.change) for c in diff_reports(old, new, {"x": "y"}).changes]
    [('all coders', 'jaccard', 0.25), ('x → y', 'fleiss_kappa', 0.2)]
    """
    mapping = dict(mapping or {})
    changes = _overall(old, new) + _pairs(old, new) + _codes(old, new, mapping)
    return ReportDiff(
        old_name=old_name,
        new_name=new_name,
        old_input=_input(old),
        new_input=_input(new),
        mapping=mapping,
        changes=tuple(changes),
    )


def _count(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) else "an unknown number"


def _input(report: Mapping[str, Any]) -> dict[str, Any]:
    summary = report.get("input", {})
    return {"units": summary.get("units"), "coders": list(summary.get("coders", [])), "codes": list(summary.get("codes", []))}


def _overall(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FigureChange]:
    return _matched("overall", figures_of(old["overall"]), figures_of(new["overall"]))


def _pairs(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FigureChange]:
    old_pairs = {frozenset(pair["coders"]): pair for pair in old["pairs"]}
    new_keys = {frozenset(pair["coders"]) for pair in new["pairs"]}
    changes = []
    for pair in new["pairs"]:
        before = old_pairs.get(frozenset(pair["coders"]))
        absent = None if before is not None else "pair not in the old report"
        changes += _matched("pair", figures_of(before or {}), figures_of(pair), coders=tuple(pair["coders"]), absent=absent)
    for pair in old["pairs"]:
        if frozenset(pair["coders"]) not in new_keys:
            changes += _matched("pair", figures_of(pair), {}, coders=tuple(pair["coders"]), absent="pair not in the new report")
    return changes


def _codes(old: Mapping[str, Any], new: Mapping[str, Any], mapping: Mapping[str, str | None]) -> list[FigureChange]:
    old_codes = {entry["code"]: entry for entry in old["codes"]}
    new_codes = {entry["code"]: entry for entry in new["codes"]}
    sources: dict[str, list[str]] = {code: [] for code in new_codes}
    unmatched: list[tuple[str, str]] = []
    for code in old_codes:
        target = mapping.get(code, code)
        if target is None:
            unmatched.append((code, "dropped by the revision"))
        elif target in sources:
            sources[target].append(code)
        else:
            moved = f" (mapped to '{target}')" if target != code else ""
            unmatched.append((code, f"code not in the new report{moved}"))
    changes = []
    for code, entry in new_codes.items():
        if not sources[code]:
            changes += _matched("code", {}, figures_of(entry), new_code=code, absent="code not in the old report")
        for old_code in sources[code]:
            changes += _matched("code", figures_of(old_codes[old_code]), figures_of(entry), old_code=old_code, new_code=code)
    for old_code, why in unmatched:
        changes += _matched("code", figures_of(old_codes[old_code]), {}, old_code=old_code, absent=why)
    return changes


def _matched(
    section: str,
    before: Mapping[str, Mapping[str, Any]],
    after: Mapping[str, Mapping[str, Any]],
    absent: str | None = None,
    **where: Any,
) -> list[FigureChange]:
    """One change per figure on either side, in the order of the new side."""
    names = list(after) + [name for name in before if name not in after]
    changes = []
    for name in names:
        old_figure, new_figure = before.get(name), after.get(name)
        notes = [absent] if absent else []
        for side, figure in (("before", old_figure), ("after", new_figure)):
            if figure is not None and figure.get("value") is None:
                notes.append(f"undefined {side}: {figure.get('note') or 'no value'}")
        changes.append(
            FigureChange(
                section=section,
                figure=name,
                before=_value(old_figure),
                after=_value(new_figure),
                note="; ".join(notes) or None,
                **where,
            )
        )
    return changes


def _value(figure: Mapping[str, Any] | None) -> float | None:
    return None if figure is None or figure.get("value") is None else float(figure["value"])
