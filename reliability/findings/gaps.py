"""Codebook gaps: where the codebook did not give coders a code they could use.

* units some coders left uncoded ("no appropriate category");
* codes never used, or rarely used (fewer applications than ``RARE_FRACTION``
  of the mean over the codes in use);
* codes only one coder used;
* codes coders used that the codebook does not define, with the nearest
  codebook name when one is close ("Peer suport" → "Peer support").

Counts come from the table's distinct code sets (``Codings.set_table``); the
uncoded units become Python objects only when a report shows or writes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ..codings.codebook import Codebook, did_you_mean
from ..codings.model import Codings
from .disagreements import EncodedUnits, coder_sets, joined_lines, json_list, json_lists
from .entries import applied_counts

RARE_FRACTION = 1 / 3
"""A code is rarely used below this fraction of the mean number of applications per code in use."""
SHOWN_UNCODED = 10
"""Uncoded units that ``findings`` describes one by one; the rest are counted."""


@dataclass(frozen=True)
class UncodedUnit:
    """A unit some coders read and found no appropriate code for."""

    unit: str
    uncoded_by: tuple[str, ...]
    others: dict[str, tuple[str, ...]]
    """What the coders who did code the unit applied."""

    def to_dict(self) -> dict:
        return {
            "unit": self.unit,
            "uncoded_by": list(self.uncoded_by),
            "everyone": not self.others,
            "others": {coder: list(codes) for coder, codes in self.others.items()},
        }


@dataclass(frozen=True)
class CodeUse:
    """How often a code was applied, and by whom."""

    code: str
    applications: int
    coders: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"code": self.code, "applications": self.applications, "coders": list(self.coders)}


@dataclass(frozen=True)
class UnknownCode:
    """A code coders used that the codebook does not define."""

    code: str
    applications: int
    did_you_mean: str | None

    def to_dict(self) -> dict:
        return {"code": self.code, "applications": self.applications, "did_you_mean": self.did_you_mean}


@dataclass(frozen=True, eq=False)
class Gaps:
    """Every gap in one report.

    Attributes
    ----------
    codings : Codings
        The table the uncoded units come from.
    uncoded_units : ndarray of int
        Units some coder coded with no code, in table order.
    never_used, rarely_used, one_coder_only : see :func:`find_gaps`
    rare_below : float
        The number of applications below which a code counts as rarely used.
    not_in_codebook : tuple of UnknownCode or None
        None when no codebook was given (nothing to check against).
    """

    codings: Codings
    uncoded_units: np.ndarray
    never_used: tuple[str, ...]
    rarely_used: tuple[CodeUse, ...]
    rare_below: float
    one_coder_only: tuple[CodeUse, ...]
    not_in_codebook: tuple[UnknownCode, ...] | None

    def uncoded(self, limit: int | None = None) -> list[UncodedUnit]:
        """The first ``limit`` units some coder left uncoded (all when None), with what the others applied."""
        c = self.codings
        chosen = self.uncoded_units[:limit]
        rows = []
        for u, sets in zip(chosen.tolist(), coder_sets(c, chosen)):
            by = tuple(coder for coder, codes in zip(c.coders, sets) if codes == ())
            others = {coder: codes for coder, codes in zip(c.coders, sets) if codes}
            rows.append(UncodedUnit(c.units[u], by, others))
        return rows

    def findings(self) -> list[str]:
        """Each gap as one plain sentence; uncoded units one by one up to ``SHOWN_UNCODED``."""
        lines = []
        shown = self.uncoded(SHOWN_UNCODED)
        everyone = [u.unit for u in shown if not u.others]
        if everyone:
            lines.append(f"No coder found a code for {_names(everyone)}; a category may be missing.")
        for gap in shown:
            if gap.others:
                others = "; ".join(f"{coder}: {', '.join(codes)}" for coder, codes in gap.others.items())
                lines.append(f"{gap.unit}: {', '.join(gap.uncoded_by)} found no code; the others applied {others}.")
        if len(self.uncoded_units) > len(shown):
            lines.append(
                f"… {_count(len(self.uncoded_units), 'unit')} in all had a coder who found no code; "
                "--format json lists every one."
            )
        if self.never_used:
            lines.append(f"Never used: {', '.join(self.never_used)}.")
        for use in self.rarely_used:
            lines.append(
                f"Rarely used: '{use.code}', {_count(use.applications, 'application')} (fewer than "
                f"{self.rare_below:.1f}, a third of the mean per code)."
            )
        for use in self.one_coder_only:
            lines.append(f"Only {use.coders[0]} used '{use.code}' ({_count(use.applications, 'unit')}).")
        for unknown in self.not_in_codebook or ():
            hint = f" Did you mean '{unknown.did_you_mean}'?" if unknown.did_you_mean else ""
            lines.append(f"'{unknown.code}' is not in the codebook ({_count(unknown.applications, 'application')}).{hint}")
        return lines

    def uncoded_json_lines(self) -> EncodedUnits:
        """Every uncoded unit as one line of compact JSON: the text ``json.dumps`` writes for
        ``UncodedUnit.to_dict()`` (separators ", " and ": "), each distinct set encoded once."""
        c = self.codings
        text = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes for a str
        labels = c.set_table.labels[self.uncoded_units]
        sizes = c.set_table.size_of(labels)
        coded = sizes > 0
        sets = np.fromiter([*(json_list(names, text) for names in c.set_names), "null"], dtype=object)
        # Each coder's entry ("key: set", after ", " when an earlier coder has one) where the coder
        # found codes, "" elsewhere: two columns a coder.
        others: list = []
        earlier = np.zeros(len(labels), dtype=bool)
        for k, coder in enumerate(c.coders):
            key = text(coder) + ": "
            own = coded[:, k]
            others += [
                np.where(own, np.where(earlier, ", " + key, key), "").tolist(),
                np.where(own, sets[labels[:, k]], "").tolist(),
            ]
            earlier |= own
        return joined_lines(
            [
                '{"unit": ', list(map(text, map(c.units.__getitem__, self.uncoded_units.tolist()))),
                ', "uncoded_by": ', json_lists((labels >= 0) & ~coded, c.coders, text),
                ', "everyone": ', np.where(coded.any(axis=1), "false", "true").tolist(),
                ', "others": {', *others, "}}",
            ],
            len(labels),
        )

    def to_dict(self, encoded_units: bool = False) -> dict:
        """The JSON form; with ``encoded_units`` the uncoded units as :meth:`uncoded_json_lines`."""
        return {
            "uncoded": self.uncoded_json_lines() if encoded_units else [u.to_dict() for u in self.uncoded()],
            "never_used": list(self.never_used),
            "rarely_used": [u.to_dict() for u in self.rarely_used],
            "rare_below": self.rare_below,
            "one_coder_only": [u.to_dict() for u in self.one_coder_only],
            "not_in_codebook": None if self.not_in_codebook is None else [u.to_dict() for u in self.not_in_codebook],
        }


def find_gaps(codings: Codings, codebook: Codebook | None = None) -> Gaps:
    """Uncoded units, unused, rare and single-coder codes, and codes missing from the codebook.

    Parameters
    ----------
    codings : Codings
    codebook : Codebook, optional
        The codebook (as revised, when a revision is in force).

    Examples
    --------
    Counted by hand: B left u2 uncoded; 'z' is used once by B only; the codebook
    spells 'Peer support' where A wrote 'Peer suport'.

    >>> from reliability.codings.model import from_sets
    >>> from reliability.codings.codebook import CodeDefinition
    >>> c = from_sets({"A": {"u1": {"x"}, "u2": {"Peer suport"}, "u3": {"x"}},
    ...                "B": {"u1": {"x", "z"}, "u2": set(), "u3": {"x"}}})
    >>> book = Codebook((CodeDefinition("x"), CodeDefinition("Peer support"), CodeDefinition("w")))
    >>> g = find_gaps(c, book)
    >>> [u.unit for u in g.uncoded()], g.never_used, [u.code for u in g.one_coder_only]
    (['u2'], ('Peer support', 'w'), ['Peer suport', 'z'])
    >>> [(u.code, u.did_you_mean) for u in g.not_in_codebook]
    [('Peer suport', 'Peer support'), ('z', None)]
    """
    by_coder = applied_counts(codings)  # (coders, codes)
    applications = by_coder.sum(axis=0)
    users = by_coder > 0
    in_use = applications > 0
    mean = float(applications[in_use].mean()) if in_use.any() else 0.0
    rare_below = RARE_FRACTION * mean

    def use(k: int) -> CodeUse:
        coders = tuple(codings.coders[c] for c in np.flatnonzero(users[:, k]))
        return CodeUse(codings.codes[k], int(applications[k]), coders)

    never = [code for k, code in enumerate(codings.codes) if not in_use[k]]
    unknown = None
    if codebook is not None:
        never += [name for name in codebook.names if name not in codings.codes]
        unknown = tuple(
            UnknownCode(code, int(applications[k]), did_you_mean(code, codebook.names))
            for k, code in enumerate(codings.codes)
            if in_use[k] and code not in codebook
        )
    labels = codings.set_table.labels
    uncoded = (labels >= 0) & (codings.set_table.size_of(labels) == 0)  # coded with the empty set
    return Gaps(
        codings=codings,
        uncoded_units=np.flatnonzero(uncoded.any(axis=1)),
        never_used=tuple(never),
        rarely_used=tuple(use(k) for k in np.flatnonzero(in_use & (applications < rare_below))),
        rare_below=rare_below,
        one_coder_only=tuple(use(k) for k in np.flatnonzero(users.sum(axis=0) == 1)) if codings.n_coders > 1 else (),
        not_in_codebook=unknown,
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _names(units: list[str]) -> str:
    return f"{'unit' if len(units) == 1 else 'units'} {', '.join(units)}"
