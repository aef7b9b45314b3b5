"""The contests of one peer library, run by another Python that has it installed.

irrCAC pins pandas < 3 and scipy 1.12, so it cannot live in the environment
users install. ``run.py --irrcac-python PATH`` starts this script with that
environment's Python: here ``reliability`` (this checkout's code, put first on
the path) and irrCAC are timed on the same data **in the same process**, as
every other contest is, only on that environment's pandas and numpy, which the
results name. Prints one JSON object to stdout: the versions and the results.

Usage (run.py does this; by hand only to debug)::

    OTHER/bin/python benchmarks/peer_process.py --library irrCAC --sizes 1000,10000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import warnings
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]  # this checkout's reliability, and the benchmark modules

import data  # noqa: E402
from contests import Contest, Prepared, contests, installed, run_contest, warm_up  # noqa: E402

VERSIONS_OF = ("numpy", "pandas", "scipy")
WARM_UP_UNITS = 300


def only(library: str, all_contests: list[Contest]) -> list[Contest]:
    """Each contest that has this library as a peer, with only that peer."""
    return [
        dataclasses.replace(contest, peers=tuple(e for e in contest.peers if e.library == library))
        for contest in all_contests
        if any(e.library == library for e in contest.peers)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True)
    parser.add_argument("--sizes", required=True, help="units, comma-separated integers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--budget", type=float, default=5.0)
    args = parser.parse_args(argv)
    if not installed(args.library):
        print(f"{args.library} is not installed for {sys.executable}", file=sys.stderr)
        return 3
    warnings.simplefilter("ignore")  # the peer's own pandas deprecation warnings
    chosen = only(args.library, contests(nltk_max_units=0))
    warm_up(chosen, data.generate(WARM_UP_UNITS, multi_label=False, seed=args.seed),
            data.generate(WARM_UP_UNITS, seed=args.seed))
    results = []
    for units in (int(size) for size in args.sizes.split(",")):
        prepared = {False: Prepared(data.generate(units, multi_label=False, seed=args.seed)),
                    True: Prepared(data.generate(units, seed=args.seed))}
        for contest in chosen:
            results.append(dataclasses.asdict(
                run_contest(contest, prepared[contest.multi_label], units, args.repeats, args.budget)
            ))
    versions = {name: metadata.version(name) for name in (*VERSIONS_OF, args.library)}
    versions["python"] = sys.version.split()[0]
    json.dump({"versions": versions, "results": results}, sys.stdout, default=float)
    return 0


if __name__ == "__main__":
    sys.exit(main())
