"""Where the shipped data lives, for tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
GILLARD_CODERS = SAMPLE / "gillard" / "coders"
REFERENCE = Path(__file__).resolve().parent / "reference"
