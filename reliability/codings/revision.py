"""What a codebook revision would do: ``--level``, ``--recode`` and ``--merge`` as one mapping.

Every figure is recomputed on the codings as if the codebook had been revised,
so a team sees the effect of a revision before anyone recodes. The steps apply
in this order, each to the names the previous one produced:

1. ``--level N`` rolls every code up to its ancestor at level N of the codebook;
2. ``--recode FILE`` renames, merges or drops codes as a CSV ``old,new`` says
   (a blank ``new`` drops the code);
3. each ``--merge "A+B=New"`` merges codes A and B into New.

The result is one mapping from the codes coders used to revised codes, which
:meth:`reliability.codings.model.Codings.recode` applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from ..errors import UsageError
from .codebook import Codebook, did_you_mean
from .model import Codings
from .names import canonical



@dataclass(frozen=True)
class Recode:
    """A recode file as read: old code -> new code, or None to drop it.

    :func:`reliability.readers.recode.read_recode` reads one.
    """

    source: str
    """The file, as the user named it."""
    mapping: dict[str, str | None]


@dataclass(frozen=True)
class Revision:
    """A codebook revision: how each code coders used is renamed, merged or dropped.

    Parameters
    ----------
    codes_before : tuple of str
        The codes coders used.
    mapping : mapping code -> new code, or None to drop it
        Only codes that change; the others keep their name.
    steps : tuple of str
        The options that made the mapping, in the order they applied.
    notices : tuple of str
        What the user should know (e.g. a recode file naming codes nobody used).

    Examples
    --------
    >>> r = Revision(("a", "b", "c"), {"a": "ab", "b": "ab", "c": None}, ('--merge "a+b=ab"',))
    >>> r.merged(), r.dropped(), r.codes_after()
    ({'ab': ('a', 'b')}, ('c',), ('ab',))
    """

    codes_before: tuple[str, ...]
    mapping: Mapping[str, str | None]
    steps: tuple[str, ...]
    notices: tuple[str, ...] = ()

    def new_name(self, code: str) -> str | None:
        """The revised name of a code; None when the revision drops it."""
        return self.mapping.get(code, code)

    def groups(self) -> dict[str, tuple[str, ...]]:
        """Each revised code and the codes it is made of, in the order of ``codes_before``."""
        groups: dict[str, list[str]] = {}
        for code in self.codes_before:
            new = self.new_name(code)
            if new is not None:
                groups.setdefault(new, []).append(code)
        return {new: tuple(old) for new, old in groups.items()}

    def merged(self) -> dict[str, tuple[str, ...]]:
        """Revised codes made of two or more codes."""
        return {new: old for new, old in self.groups().items() if len(old) > 1}

    def renamed(self) -> dict[str, str]:
        """Codes that only change their name: old → new."""
        return {old[0]: new for new, old in self.groups().items() if len(old) == 1 and old[0] != new}

    def dropped(self) -> tuple[str, ...]:
        """Codes the revision removes."""
        return tuple(code for code in self.codes_before if self.new_name(code) is None)

    def codes_after(self) -> tuple[str, ...]:
        """The revised codes, sorted as :meth:`Codings.recode` sorts them."""
        return tuple(sorted(self.groups()))

    def apply(self, codings: Codings) -> Codings:
        """The codings as if every coder had used the revised codebook."""
        return codings.recode(self.mapping)

    def describe(self) -> list[str]:
        """One plain line per change, for reports."""
        lines = [f"{new} ← {' + '.join(old)}" for new, old in self.merged().items()]
        lines += [f"{new} ← {old} (renamed)" for old, new in self.renamed().items()]
        lines += [f"{old} dropped" for old in self.dropped()]
        return lines or ["no code changes"]

    def to_dict(self) -> dict:
        return {
            "steps": list(self.steps),
            "mapping": {code: self.new_name(code) for code in self.codes_before if self.new_name(code) != code},
            "merged": [{"code": new, "from": list(old)} for new, old in self.merged().items()],
            "renamed": [{"from": old, "to": new} for old, new in self.renamed().items()],
            "dropped": list(self.dropped()),
            "codes_before": len(self.codes_before),
            "codes_after": len(self.codes_after()),
            "notices": list(self.notices),
        }


def build_revision(
    codes: Sequence[str],
    *,
    codebook: Codebook | None = None,
    level: int | None = None,
    recode: Recode | None = None,
    merges: Sequence[str] = (),
) -> Revision | None:
    """Combine ``--level``, ``--recode`` and ``--merge`` into one revision of ``codes``.

    Parameters
    ----------
    codes : sequence of str
        The codes coders used (``Codings.codes``).
    codebook : Codebook, optional
        Needed for ``level``.
    level : int, optional
        Roll codes up to this level of the codebook's hierarchy (1 = top level).
    recode : Recode, optional
        A recode file (:func:`reliability.readers.recode.read_recode`): old code -> new; None drops the code.
    merges : sequence of str
        ``"A+B=New"`` each.

    Returns
    -------
    Revision or None
        None when no option asks for a revision.

    Raises
    ------
    UsageError
        A merge is malformed or names a code nobody used; ``level`` without a hierarchy;
        the revision would drop every code.

    Examples
    --------
    >>> r = build_revision(["Hierarchy", "Team", "Pay"], merges=["Hierarchy + Team = Team and power"])
    >>> r.mapping
    {'Hierarchy': 'Team and power', 'Team': 'Team and power'}
    """
    if level is None and recode is None and not merges:
        return None
    current: dict[str, str | None] = {code: code for code in codes}
    steps: list[str] = []
    notices: list[str] = []
    if level is not None:
        step = f"--level {level}"
        rolled = _level_mapping(codebook, level, step)
        unknown = [code for code in codes if code not in codebook]  # type: ignore[operator]
        if unknown:
            notices.append(f"{step}: codes not in the codebook stay as they are: {', '.join(unknown)}")
        current = _then(current, rolled)
        steps.append(step)
    if recode is not None:
        step = f"--recode {recode.source}"
        mapping = recode.mapping
        in_use = _in_use(current)
        unused = [old for old in mapping if old not in in_use]
        if unused:
            notices.append(f"{recode.source} maps codes no coder used: {', '.join(unused)}")
        untouched = [code for code in in_use if code not in mapping]
        if untouched:
            notices.append(f"codes not in {recode.source} keep their names: {', '.join(untouched)}")
        current = _then(current, mapping)
        steps.append(step)
    for text in merges:
        olds, new = parse_merge(text)
        in_use = _in_use(current)
        for old in olds:
            if old not in in_use:
                raise UsageError(f"--merge \"{text}\": no coder used the code '{old}'{_hint(old, in_use)}")
        current = _then(current, {old: new for old in olds})
        steps.append(f'--merge "{text}"')
    if not _in_use(current):
        raise UsageError(f"the revision ({'; '.join(steps)}) drops every code; keep at least one code")
    return Revision(
        codes_before=tuple(codes),
        mapping={old: new for old, new in current.items() if new != old},
        steps=tuple(steps),
        notices=tuple(notices),
    )


def parse_merge(text: str) -> tuple[tuple[str, ...], str]:
    """Split ``"A+B=New"`` into the codes to merge and the new name.

    Spaces around names are ignored; a code whose name holds ``+`` or ``=`` can be
    merged with ``--recode`` instead.

    >>> parse_merge("Hierarchy and power + Team integration = Team relationships")
    (('Hierarchy and power', 'Team integration'), 'Team relationships')

    Raises
    ------
    UsageError
        No ``=``, a missing name, or a code named twice.
    """
    left, equals, new = text.rpartition("=")
    olds = tuple(canonical(part) for part in left.split("+"))
    new = canonical(new)
    if not equals or not new or not all(olds):
        raise UsageError(
            f"--merge \"{text}\" is not of the form \"A+B=New\"; name the codes to merge, joined by +, "
            "then = and the merged code's name"
        )
    if len(set(olds)) != len(olds):
        raise UsageError(f"--merge \"{text}\" names a code twice; name each code to merge once")
    return olds, new


def _level_mapping(codebook: Codebook | None, level: int, step: str) -> dict[str, str]:
    if codebook is None:
        raise UsageError(f"{step} needs a codebook with a hierarchy; give it with --codebook FILE")
    if not codebook.has_hierarchy:
        raise UsageError(
            f"{step}: the codebook {codebook.source} has no hierarchy (no parent column, no nested codes); "
            "add a parent column or leave out --level"
        )
    return codebook.roll_up(level)


def _then(current: dict[str, str | None], step: Mapping[str, str | None]) -> dict[str, str | None]:
    """Compose: each original code's current name mapped once more."""
    return {old: (step.get(new, new) if new is not None else None) for old, new in current.items()}


def _in_use(current: Mapping[str, str | None]) -> list[str]:
    """The current names, once each, in first-seen order."""
    return list(dict.fromkeys(new for new in current.values() if new is not None))


def _hint(name: str, codes: Sequence[str]) -> str:
    close = did_you_mean(name, codes)
    if close is not None:
        return f"; did you mean '{close}'?"
    return f"; the codes are: {', '.join(codes)}"
