"""Each coefficient against peer libraries, on the same data in the same process.

Every contestant gets the data in the form its API takes, prepared before the
clock starts (a NaN-for-missing float matrix for ``krippendorff``, a DataFrame
for irrCAC, complete rows for statsmodels, the two coders' complete pairs for
scikit-learn, (coder, item, frozenset) triples for NLTK), so only the
computation is timed. ``reliability``'s functions also compute an analytic
standard error where one exists; scikit-learn, statsmodels and krippendorff do
not, irrCAC does.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from data import Dataset
from measure import Timing, best_of

UNCODED = "(uncoded)"
"""NLTK's masi_distance divides by zero on two empty sets; an empty set is given to it as
this one pseudo-code instead. Its distances are unchanged: the pseudo-code never meets a
real code, so empty vs non-empty stays 1 and empty vs empty becomes 0, as in DESIGN §3."""

PEER_MODULES = {
    "krippendorff": "krippendorff",
    "statsmodels": "statsmodels",
    "scikit-learn": "sklearn",
    "irrCAC": "irrCAC",
    "NLTK": "nltk",
}

OWN_ENVIRONMENT = {"irrCAC": "it pins pandas < 3 and scipy 1.12"}
"""Peers that cannot share the users' environment: run.py --irrcac-python times them in their own."""

VALUE_TOLERANCE = 1e-4
"""Largest |ours − peer| still called the same value: irrCAC rounds to 5 decimals."""


@dataclass(frozen=True)
class Entry:
    """One library's way of computing a coefficient on a prepared dataset."""

    library: str
    compute: Callable[[Any], float | None]
    max_units: int | None = None
    """Larger inputs are skipped (the library would take minutes)."""
    prepare: Callable[[Any], Any] | None = None
    """Builds this library's input form before the clock starts."""


@dataclass(frozen=True)
class Contest:
    """A coefficient, how ``reliability`` computes it and how its peers do."""

    coefficient: str
    multi_label: bool
    ours: Callable[[Any], float | None]
    peers: tuple[Entry, ...]
    note: str = ""


@dataclass(frozen=True)
class ContestResult:
    """Timings of one coefficient at one size."""

    coefficient: str
    units: int
    ours: Timing
    peers: dict[str, Timing | None]
    """Library → timing, or None when skipped at this size (or not installed)."""
    skipped: dict[str, str]
    """Library → why it was not run."""
    note: str
    environment: str = ""
    """Where both sides were timed when not in this process (e.g. "irrCAC's environment: pandas 2.3.3")."""

    def fastest_peer(self) -> tuple[str, Timing] | None:
        ran = [(name, t) for name, t in self.peers.items() if t is not None]
        return min(ran, key=lambda item: item[1].seconds) if ran else None

    @property
    def ratio(self) -> float | None:
        """Our time over the fastest peer's; below 1 means faster."""
        fastest = self.fastest_peer()
        return None if fastest is None else self.ours.seconds / fastest[1].seconds

    @property
    def value_gap(self) -> float | None:
        """Largest |ours − peer| over the peers that ran; None if none did or a value is undefined."""
        gaps = [
            abs(float(self.ours.value) - float(t.value))
            for t in self.peers.values()
            if t is not None and t.value is not None and self.ours.value is not None
        ]
        return max(gaps) if gaps else None


class Prepared:
    """A dataset in every form the contestants take; built outside the clock.

    The NLTK triples are built on first use only: a million units make millions
    of Python tuples, and NLTK runs only on small inputs.
    """

    def __init__(self, data: Dataset):
        import pandas as pd

        self.data = data
        self.labels = None
        if not data.multi_label:
            self.labels = data.labels()
            self.floats = np.where(self.labels >= 0, self.labels, np.nan).astype(np.float64)
            self.frame = pd.DataFrame(self.floats)
            self.complete = self.labels[(self.labels >= 0).all(axis=1)]
            self.complete_frame = pd.DataFrame(self.complete.astype(np.float64))
            first_two = self.labels[:, :2]
            self.pair = first_two[(first_two >= 0).all(axis=1)]

    @functools.cached_property
    def triples(self) -> list[tuple[str, str, frozenset[str]]]:
        """(coder, unit, code set) for every coded cell, as NLTK's AnnotationTask takes them."""
        codes = np.array([f"code{k}" for k in range(self.data.n_codes)], dtype=object)
        units, coders = np.nonzero(self.data.seen)
        return [
            (str(c), str(u), frozenset(codes[self.data.applied[u, c]]) or frozenset([UNCODED]))
            for u, c in zip(units, coders)
        ]


def _value(figure) -> float | None:
    return figure.value


def contests(nltk_max_units: int) -> list[Contest]:
    """The coefficients DESIGN §6 compares, each with its peers."""
    from reliability.figures import coefficients as ours

    def krippendorff_alpha(p: Prepared) -> float:
        import krippendorff

        return float(krippendorff.alpha(reliability_data=p.floats.T, level_of_measurement="nominal"))

    def statsmodels_fleiss(p: Prepared) -> float:
        from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

        return float(fleiss_kappa(aggregate_raters(p.complete)[0], method="fleiss"))

    def sklearn_cohen(p: Prepared) -> float:
        from sklearn.metrics import cohen_kappa_score

        return float(cohen_kappa_score(p.pair[:, 0], p.pair[:, 1]))

    def irrcac(method: str, complete: bool = False) -> Callable[[Prepared], float]:
        def compute(p: Prepared) -> float:
            from irrCAC.raw import CAC

            frame = p.complete_frame if complete else p.frame
            return float(getattr(CAC(frame), method)()["est"]["coefficient_value"])

        return compute

    def nltk_masi(p: Prepared) -> float:
        from nltk.metrics.agreement import AnnotationTask
        from nltk.metrics.distance import masi_distance

        return float(AnnotationTask(data=p.triples, distance=masi_distance).alpha())

    return [
        Contest(
            "Krippendorff's alpha (nominal)",
            False,
            lambda p: _value(ours.krippendorff_alpha(p.labels)),
            (Entry("krippendorff", krippendorff_alpha), Entry("irrCAC", irrcac("krippendorff"))),
        ),
        Contest(
            "Fleiss' kappa",
            False,
            lambda p: _value(ours.fleiss_kappa(p.complete)),
            (Entry("statsmodels", statsmodels_fleiss), Entry("irrCAC", irrcac("fleiss", complete=True))),
            "complete units only (statsmodels takes no missing ratings)",
        ),
        Contest(
            "Cohen's kappa",
            False,
            lambda p: _value(ours.cohen_kappa(p.pair)),
            (Entry("scikit-learn", sklearn_cohen),),
            "coders 1 and 2, units both coded",
        ),
        Contest(
            "Gwet's AC1",
            False,
            lambda p: _value(ours.gwet_ac1(p.labels)),
            (Entry("irrCAC", irrcac("gwet")),),
        ),
        Contest(
            "Brennan–Prediger",
            False,
            lambda p: _value(ours.brennan_prediger(p.labels)),
            (Entry("irrCAC", irrcac("bp")),),
        ),
        Contest(
            "MASI alpha",
            True,
            lambda p: _value(ours.krippendorff_alpha_sets(p.data.applied, p.data.seen, "masi")),
            (Entry("NLTK", nltk_masi, max_units=nltk_max_units, prepare=lambda p: p.triples),),
            f"multi-label data; NLTK only up to {nltk_max_units:,} units",
        ),
    ]


def installed(library: str) -> bool:
    """Whether a peer library can be imported."""
    return importlib.util.find_spec(PEER_MODULES[library]) is not None


def run_contest(
    contest: Contest, prepared: Prepared, units: int, repeats: int, budget: float
) -> ContestResult:
    """Time ``reliability`` and every peer that runs at this size on one prepared dataset."""
    ours = best_of(lambda: contest.ours(prepared), repeats, budget)
    peers: dict[str, Timing | None] = {}
    skipped: dict[str, str] = {}
    for entry in contest.peers:
        if not installed(entry.library):
            peers[entry.library] = None
            skipped[entry.library] = (
                f"not installed here ({OWN_ENVIRONMENT[entry.library]}): see --irrcac-python"
                if entry.library in OWN_ENVIRONMENT
                else "not installed (pip install -e '.[bench]')"
            )
        elif entry.max_units is not None and units > entry.max_units:
            peers[entry.library] = None
            skipped[entry.library] = f"skipped above {entry.max_units:,} units"
        else:
            if entry.prepare is not None:
                entry.prepare(prepared)
            peers[entry.library] = best_of(lambda: entry.compute(prepared), repeats, budget)
    return ContestResult(contest.coefficient, units, ours, peers, skipped, contest.note)


def warm_up(all_contests: list[Contest], single: Dataset, multi: Dataset) -> None:
    """Run every contestant once on small data, so lazy imports are not timed."""
    prepared = {False: Prepared(single), True: Prepared(multi)}
    for contest in all_contests:
        p = prepared[contest.multi_label]
        contest.ours(p)
        for entry in contest.peers:
            if installed(entry.library):
                entry.compute(p)
