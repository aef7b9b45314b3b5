"""The test extra must leave the quick start's stack as it is.

Asks pip which versions a fresh install would resolve for ``.`` (the quick start)
and for ``.[test]`` (the README's test command), and fails when pandas, numpy or
scipy differ: then a test dependency constrains them, and the suite would run on
a stack that no user has. Run from the repository's root in the CI's venv:
``python .ci/same_stack.py [EXTRA]`` (default: test).
"""

from __future__ import annotations

import json
import subprocess
import sys

WATCHED = ("pandas", "numpy", "scipy")


def dry_run(target: str) -> subprocess.Popen:
    """``pip install TARGET`` into an empty environment, as a dry run that reports what it would install."""
    return subprocess.Popen(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed", "--report", "-", target],
        stdout=subprocess.PIPE, text=True,
    )


def resolved(run: subprocess.Popen) -> dict[str, str]:
    """Package name → version, from a finished dry run."""
    report, _ = run.communicate()
    if run.returncode:
        raise SystemExit(f"pip could not resolve {run.args[-1]!r} (exit {run.returncode})")
    return {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in json.loads(report)["install"]}


def main(extra: str = "test") -> int:
    quick_run, extra_run = dry_run("."), dry_run(f".[{extra}]")  # both resolve at once
    quick, with_extra = resolved(quick_run), resolved(extra_run)
    rows = [(name, quick.get(name, "-"), with_extra.get(name, "-")) for name in WATCHED]
    for name, a, b in rows:
        print(f"{name:8} pip install . -> {a:10} pip install '.[{extra}]' -> {b}")
    differ = [name for name, a, b in rows if a != b]
    if differ:
        print(f"the {extra} extra changes {', '.join(differ)}: one of its packages constrains them; "
              "store that peer's figures as fixtures instead (see tests/fixtures/irrcac/)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
