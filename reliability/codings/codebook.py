"""The codebook: the codes a team agreed on, their definitions and their hierarchy.

:func:`reliability.readers.codebook.read_codebook` reads one from a file. The
report uses it to validate the codes coders used, to quote definitions next to
confused codes, and to roll codes up to a parent level (``--level``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Mapping

from ..errors import InputError

@dataclass(frozen=True)
class CodeDefinition:
    """One code of a codebook.

    Parameters
    ----------
    name : str
        The code as coders apply it.
    definition : str
        What the code means; empty when the codebook gives none.
    parent : str or None
        The name of the parent code in a hierarchy; None for a top-level code.
    guid : str or None
        The REFI-QDA identifier, so a project reader can map its codings to names.
    """

    name: str
    definition: str = ""
    parent: str | None = None
    guid: str | None = None

    def to_dict(self) -> dict:
        return {"code": self.name, "definition": self.definition or None, "parent": self.parent}


@dataclass(frozen=True)
class Codebook:
    """The codes of a codebook, in the codebook's order.

    Parameters
    ----------
    codes : tuple of CodeDefinition
        Names are unique; every parent is one of the codes; no code is its own ancestor.
    source : str
        Where the codebook came from, for messages.
    notices : tuple of str
        What reading it changed (e.g. names qualified by their parent to keep them apart).

    Raises
    ------
    InputError
        Two codes share a name, a parent is not a code, or the hierarchy has a cycle.

    Examples
    --------
    >>> book = Codebook((CodeDefinition("Staff"), CodeDefinition("Nurses", "Nursing staff", "Staff")))
    >>> book.depth("Nurses"), book.roll_up(1)
    (2, {'Nurses': 'Staff'})
    """

    codes: tuple[CodeDefinition, ...]
    source: str = "codebook"
    notices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for code in self.codes:
            if code.name in seen:
                raise InputError(f"{self.source}: the code '{code.name}' is defined twice; give each code once")
            seen.add(code.name)
        for code in self.codes:
            if code.parent is not None and code.parent not in seen:
                raise InputError(
                    f"{self.source}: the parent '{code.parent}' of '{code.name}' is not a code of the codebook; "
                    "add it as a code or correct the parent's name"
                )
        for code in self.codes:
            self._ancestors(code.name)

    @cached_property
    def _by_name(self) -> dict[str, CodeDefinition]:
        return {code.name: code for code in self.codes}

    @property
    def names(self) -> tuple[str, ...]:
        """Every code's name, in the codebook's order."""
        return tuple(code.name for code in self.codes)

    @property
    def has_hierarchy(self) -> bool:
        """True when some code has a parent."""
        return any(code.parent is not None for code in self.codes)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def definition(self, name: str) -> str:
        """The definition of a code; empty when the code is absent or undefined."""
        code = self._by_name.get(name)
        return code.definition if code else ""

    def _ancestors(self, name: str) -> list[str]:
        """The code's ancestors, nearest first."""
        chain: list[str] = []
        parent = self._by_name[name].parent
        while parent is not None:
            if parent == name or parent in chain:
                raise InputError(
                    f"{self.source}: the parents of '{name}' go round in a circle ({' → '.join([name, *chain, parent])}); "
                    "a code cannot be its own ancestor"
                )
            chain.append(parent)
            parent = self._by_name[parent].parent
        return chain

    def depth(self, name: str) -> int:
        """1 for a top-level code, 2 for its children, and so on."""
        return len(self._ancestors(name)) + 1

    def roll_up(self, level: int) -> dict[str, str]:
        """The mapping that replaces every code deeper than ``level`` by its ancestor at ``level``.

        Parameters
        ----------
        level : int
            1 rolls every code up to its top-level ancestor.

        Returns
        -------
        dict
            Code → ancestor, only for codes that change.
        """
        mapping = {}
        for code in self.codes:
            chain = [code.name, *self._ancestors(code.name)]  # code first, top-level last
            if len(chain) > level:
                mapping[code.name] = chain[len(chain) - level]
        return mapping

    def revised(self, mapping: Mapping[str, str | None]) -> "Codebook":
        """The codebook as a revision would leave it: codes renamed, merged or dropped.

        A code mapped to a new name takes that name; several codes mapped to one
        merge, and the merged code's definition quotes each one's; a code mapped
        to None is dropped. A code merged into one that keeps its name (as in a
        roll-up to the parent) takes that code's definition.
        """
        groups: dict[str, list[CodeDefinition]] = {}
        for code in self.codes:
            new = mapping.get(code.name, code.name)
            if new is not None:
                groups.setdefault(new, []).append(code)
        revised = []
        for new, members in groups.items():
            # A code that keeps its name keeps its entry (a roll-up into a parent);
            # a new code made of several quotes each one's definition.
            anchor = next((m for m in members if m.name == new), None)
            if anchor is None and len(members) == 1:
                anchor = members[0]
            if anchor is not None:
                definition, parent, guid = anchor.definition, anchor.parent, anchor.guid
            else:
                definition = " / ".join(f"{m.name}: {m.definition}" if m.definition else m.name for m in members)
                parent, guid = members[0].parent, None
            new_parent = None if parent is None else mapping.get(parent, parent)
            revised.append(CodeDefinition(new, definition, None if new_parent == new else new_parent, guid))
        return Codebook(tuple(revised), self.source, self.notices)

    def to_dict(self) -> dict:
        return {
            "file": self.source,
            "codes": [code.to_dict() for code in self.codes],
            "notices": list(self.notices),
        }


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``name``, if one is close enough.

    Tried in turn: the same name in another case; the only candidate that begins
    with ``name``; the closest spelling (difflib ratio at least 0.8).

    >>> did_you_mean("Peer suport", ["Peer support", "Pay and conditions"])
    'Peer support'
    >>> did_you_mean("hierarchy and power", ["Hierarchy and power"])
    'Hierarchy and power'
    >>> did_you_mean("Hierarchy", ["Hierarchy and power", "Team integration"])
    'Hierarchy and power'
    >>> did_you_mean("Budget", ["Peer support"]) is None
    True
    """
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    folded = name.casefold()
    if folded in by_folded:
        return by_folded[folded]
    starting = [c for f, c in by_folded.items() if f.startswith(folded)]
    if len(starting) == 1 and len(folded) >= 3:
        return starting[0]
    close = difflib.get_close_matches(folded, list(by_folded), n=1, cutoff=0.8)
    return by_folded[close[0]] if close else None
