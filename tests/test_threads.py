"""The command line runs the linear algebra library on one thread, unless the user chose a number."""

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from reliability.cli import main, threads


def test_unset_variables_become_one(monkeypatch):
    for variable in threads.THREAD_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    threads.single_threaded_linear_algebra()
    assert [os.environ[variable] for variable in threads.THREAD_VARIABLES] == ["1"] * len(threads.THREAD_VARIABLES)


def test_a_users_choice_is_kept(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "8")
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    threads.single_threaded_linear_algebra()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "8"
    assert os.environ["MKL_NUM_THREADS"] == "1"


def test_every_command_sets_them_before_numpy_loads(monkeypatch):
    for variable in threads.THREAD_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    result = CliRunner().invoke(main, ["plan", "--help"])
    assert result.exit_code == 0
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"


def test_numpy_is_not_loaded_before_the_setting():
    # The libraries read the variables once, when numpy loads them: the command line
    # module must not import numpy before its group callback runs.
    probe = "import sys, reliability.cli; print(json.dumps('numpy' in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", "import json; " + probe], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) is False
