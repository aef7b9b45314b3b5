"""Progress of long work, told through a callback: the core never draws anything.

A callback takes ``(stage, done, total)``: the stage's name (``"reading"``,
``"computing"``, ``"bootstrapping"``) and how much of its work is done, in the
stage's own unit (bytes parsed, weighted steps, resamples). The core calls it as
the work advances, so a bar drawn from it moves with the work; the command line
draws it on stderr when stderr is a terminal.
"""

from __future__ import annotations

from typing import Callable

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; ``done`` never decreases within a stage and ends at ``total``."""


class Stage:
    """One stage's work counted and told to a callback; does nothing without one.

    Parameters
    ----------
    progress : Progress or None
    name : str
    total : int
        The stage's whole work, in its own unit; at least 1.

    Examples
    --------
    >>> told = []
    >>> stage = Stage(lambda *a: told.append(a), "reading", 10)
    >>> stage.advance(4); stage.part(4)(0.5); stage.advance(9); stage.finish()
    >>> told
    [('reading', 0, 10), ('reading', 4, 10), ('reading', 6, 10), ('reading', 10, 10), ('reading', 10, 10)]
    """

    def __init__(self, progress: Progress | None, name: str, total: int) -> None:
        self.progress = progress
        self.name = name
        self.total = max(1, int(total))
        self.done = 0
        if progress is not None:
            progress(name, 0, self.total)

    def advance(self, amount: float) -> None:
        """Count ``amount`` more work done (never past the total)."""
        if self.progress is None:
            return
        self.done = min(self.total, self.done + int(amount))
        self.progress(self.name, self.done, self.total)

    def reach(self, fraction: float) -> None:
        """Count the work done up to ``fraction`` of the total (no step back)."""
        self.advance(max(0, int(fraction * self.total) - self.done))

    def part(self, length: int) -> Callable[[float], None]:
        """A callback for the next ``length`` units of work, told the share of that part done (0 to 1)."""
        start = self.done

        def reach(share: float) -> None:
            self.advance(max(0, start + int(min(1.0, share) * length) - self.done))

        return reach

    def finish(self) -> None:
        """The stage is done."""
        self.advance(self.total - self.done)
