"""pyflakes finds nothing: no name used undefined, no import or assignment left unused.

A merge once left a second, broken definition of a function above the one in use
(it named a variable that did not exist there); only a static check sees such code.
"""

import subprocess
import sys

from paths import ROOT


def test_pyflakes_finds_nothing():
    folders = [str(ROOT / name) for name in ("reliability", "benchmarks", "tools", "tests")]
    result = subprocess.run([sys.executable, "-m", "pyflakes", *folders], capture_output=True, text=True)
    assert result.stdout + result.stderr == ""
    assert result.returncode == 0
