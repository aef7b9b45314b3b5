"""Regenerate the behaviour-freeze goldens: ``python tests/golden/generate.py``.

Every sample and reference data set is run through ``compare`` in every format,
plain, with ``--disagreements`` and with ``--ci`` (fixed seed, few resamples), and
through ``check`` and ``diff``. ``tests/test_golden.py`` compares the current output
with these files byte for byte, the tool's version masked. Regenerate only for a
deliberate change of output, and say so in the commit message.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "files"

DATA_SETS = {
    "gillard": ["sample_data/gillard/coders"],
    "long_example": ["sample_data/long_example.csv"],
    "wide_example": ["sample_data/wide_example.csv"],
    "krippendorff_a_binary": ["tests/reference/krippendorff_a_binary.csv"],
    "krippendorff_c": ["tests/reference/krippendorff_c.csv"],
    "set_valued": ["tests/reference/set_valued.csv"],
    "wikipedia_cohen": ["tests/reference/wikipedia_cohen.csv"],
    "wikipedia_fleiss": ["tests/reference/wikipedia_fleiss.csv"],
}
VARIANTS = {
    "plain": [],
    "disagreements": ["--disagreements"],
    "ci": ["--ci", "--bootstrap", "20", "--seed", "7"],
}
FORMATS = {"table": "txt", "json": "json", "markdown": "md", "csv": "csv"}

GILLARD = "sample_data/gillard"
EXTRA = {
    "gillard_reference_codebook.json": [
        "compare", f"{GILLARD}/coders", "--reference", "lead", "--codebook", f"{GILLARD}/codebook.csv",
        "--disagreements", "--matrix", "--format", "json",
    ],
    "gillard_reference_codebook.txt": [
        "compare", f"{GILLARD}/coders", "--reference", "lead", "--codebook", f"{GILLARD}/codebook.csv",
        "--disagreements", "--matrix",
    ],
    "gillard_recode.json": [
        "compare", f"{GILLARD}/coders", "--recode", f"{GILLARD}/revision.csv", "--format", "json",
    ],
    "gillard_merge.txt": [
        "compare", f"{GILLARD}/coders", "--merge", "Hierarchy and power+Team integration=Team", "--disagreements",
    ],
    "gillard_matrix.csv": ["compare", f"{GILLARD}/coders", "--matrix", "--format", "csv"],
    "check_gillard.txt": [
        "check", f"{GILLARD}/coders", "--min", "shared_agreement=0.7", "--min-code", "krippendorff_alpha=0.5",
    ],
    "check_gillard.json": [
        "check", f"{GILLARD}/coders", "--min", "shared_agreement=0.7", "--min-code", "krippendorff_alpha=0.5",
        "--format", "json",
    ],
    "check_gillard.md": [
        "check", f"{GILLARD}/coders", "--min", "percent_agreement=0.5", "--format", "markdown",
    ],
    "check_gillard.csv": [
        "check", f"{GILLARD}/coders", "--min", "percent_agreement=0.5", "--format", "csv",
    ],
    "diff_gillard.txt": [
        "diff", f"{GILLARD}/coders", "tests/fixtures/check/gillard_revised", "--recode", f"{GILLARD}/revision.csv",
    ],
    "diff_gillard.json": [
        "diff", f"{GILLARD}/coders", "tests/fixtures/check/gillard_revised", "--recode", f"{GILLARD}/revision.csv",
        "--format", "json",
    ],
    "diff_gillard.md": [
        "diff", f"{GILLARD}/coders", "tests/fixtures/check/gillard_revised", "--recode", f"{GILLARD}/revision.csv",
        "--format", "markdown",
    ],
    "diff_gillard.csv": [
        "diff", f"{GILLARD}/coders", "tests/fixtures/check/gillard_revised", "--recode", f"{GILLARD}/revision.csv",
        "--format", "csv",
    ],
    # Ordered scales, the gold standard, test-retest rounds and the double-coding plan.
    "krippendorff_c_ordinal.json": ["compare", "tests/reference/krippendorff_c.csv", "--scale", "ordinal", "--format", "json"],
    "krippendorff_c_interval_ci.txt": [
        "compare", "tests/reference/krippendorff_c.csv", "--scale", "interval", "--ci", "--bootstrap", "20", "--seed", "7",
    ],
    "krippendorff_c_ratio.csv": ["compare", "tests/reference/krippendorff_c.csv", "--scale", "ratio", "--format", "csv"],
    "gillard_gold.txt": ["compare", f"{GILLARD}/coders", "--gold", "lead"],
    "gillard_gold.json": ["compare", f"{GILLARD}/coders", "--gold", "lead", "--format", "json"],
    "wikipedia_cohen_gold.md": ["compare", "tests/reference/wikipedia_cohen.csv", "--gold", "A", "--format", "markdown"],
    "wikipedia_cohen_rounds.txt": ["compare", "tests/reference/wikipedia_cohen.csv", "--rounds"],
    "plan_before.txt": ["plan", "--rarest", "0.25", "--units", "400"],
    "plan_before.json": ["plan", "--categories", "4", "--alpha-min", "0.667", "--format", "json"],
}

VERSION = re.compile(r'("version": )"[^"]*"')
STACK_FILE = Path(__file__).resolve().parent / "STACK"
"""The numerical libraries the goldens were made with; on another stack the last
bits of a float may differ, and the test compares floats to 10 significant digits."""
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def stack() -> str:
    """numpy, scipy and pandas versions, one per line."""
    import numpy
    import pandas
    import scipy

    return f"numpy {numpy.__version__}\nscipy {scipy.__version__}\npandas {pandas.__version__}\n"


def rounded(text: str) -> str:
    """The text with every decimal number to 10 significant digits."""
    return NUMBER.sub(lambda m: format(float(m.group()), ".10g"), text)


def cases() -> dict[str, list[str]]:
    """File name -> command-line arguments, every case the goldens freeze."""
    found = {}
    for name, inputs in DATA_SETS.items():
        for variant, extra in VARIANTS.items():
            for fmt, ext in FORMATS.items():
                found[f"{name}.{variant}.{ext}"] = ["compare", *inputs, *extra, "--format", fmt]
    found.update(EXTRA)
    return found


def run(args: list[str]) -> str:
    """The command's output, stdout then stderr and the exit code, the version masked."""
    from reliability.cli import main

    # Piped output, no COLUMNS: tables at their natural width, whatever terminal runs the suite.
    result = CliRunner().invoke(main, args, catch_exceptions=False, env={"COLUMNS": None})
    text = f"{result.stdout}--- stderr\n{result.stderr}--- exit {result.exit_code}\n"
    return VERSION.sub(r'\1"<masked>"', text)


def main() -> None:
    import os

    os.chdir(ROOT)
    GOLDEN.mkdir(exist_ok=True)
    for old in GOLDEN.iterdir():
        old.unlink()
    for name, args in cases().items():
        (GOLDEN / name).write_text(run(args), encoding="utf-8")
    STACK_FILE.write_text(stack(), encoding="utf-8")
    print(f"wrote {len(cases())} goldens to {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
