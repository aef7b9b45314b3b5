"""docs/github-actions.yml runs as written: every ``run:`` step, in order, on a study repository.

The workflow is parsed as YAML and its ``run:`` steps are run by bash as GitHub
runs them (``bash -e``, the workflow's ``env``, ``$RUNNER_TEMP``, ``$GITHUB_PATH``
and ``$GITHUB_STEP_SUMMARY`` honoured). The ``uses:`` steps are GitHub's own
actions and are not replayed: checkout is the study folder itself, setup-python
is this interpreter, upload-artifact keeps a file the test reads instead.

The install step really installs reliability from a git repository at a commit:
a local repository made from this source tree, given as ``RELIABILITY_GIT`` and
``RELIABILITY_COMMIT`` as a user fills them in. So that the test needs no
download, pip finds the dependencies (pandas, numpy …) already installed
through ``PYTHONPATH``; reliability itself is built and installed from the clone
(the test checks that the command run is the clone's).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reliability.cli import main

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "docs" / "github-actions.yml"
GILLARD = ROOT / "sample_data" / "gillard"
NOT_SHIPPED = shutil.ignore_patterns(
    ".git", "__pycache__", "*.egg-info", ".hypothesis", ".pytest_cache", "build", "dist", "benchmarks", "tests"
)
"""What a clone of the tool would not hold, or the install does not need (kept small for speed)."""


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})
    return done.stdout.strip()


def tool_repository(folder: Path) -> tuple[str, str]:
    """This source tree as a git repository: its URL and the commit to pin."""
    shutil.copytree(ROOT, folder, ignore=NOT_SHIPPED)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "reliability")
    return folder.as_uri(), git(folder, "rev-parse", "HEAD")


def study_repository(folder: Path) -> Path:
    """What the workflow checks: the coders' exports, reliability.toml and a baseline."""
    shutil.copytree(GILLARD / "coders", folder / "coders")
    (folder / "reliability.toml").write_text(
        'inputs = ["coders"]\nreference = "lead"\nbaseline = "baseline.json"\n\n[min]\npairs.shared_agreement = 0.7\n',
        encoding="utf-8",
    )
    made = CliRunner().invoke(main, ["compare", str(folder / "coders"), "--reference", "lead", "--format", "json",
                                     "-o", str(folder / "baseline.json")])
    assert made.exit_code == 0, made.output
    return folder


def test_workflow_placeholders_are_what_the_user_fills_in():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert set(workflow["env"]) == {"RELIABILITY_GIT", "RELIABILITY_COMMIT"}
    # A full commit id, not a tag that may not exist; quoted, or YAML would read 000… as the number 0.
    assert isinstance(workflow["env"]["RELIABILITY_COMMIT"], str) and len(workflow["env"]["RELIABILITY_COMMIT"]) == 40
    install = next(step["run"] for step in workflow["jobs"]["check"]["steps"] if "pip install" in step.get("run", ""))
    assert "git+$RELIABILITY_GIT@$RELIABILITY_COMMIT" in install
    assert "intercoder-reliability" not in WORKFLOW.read_text(encoding="utf-8")


def test_every_run_step_passes_as_written(tmp_path):
    url, commit = tool_repository(tmp_path / "tool")
    study = study_repository(tmp_path / "study")
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["check"]["steps"]
    runs = [step for step in steps if "run" in step]
    assert [step.get("uses", "").split("@")[0] for step in steps if "run" not in step] == [
        "actions/checkout", "actions/setup-python", "actions/upload-artifact",
    ]
    runner_temp, github_path, summary = tmp_path / "runner", tmp_path / "github_path", tmp_path / "summary.md"
    runner_temp.mkdir()
    github_path.touch()
    added: list[str] = []
    dependencies = sysconfig.get_paths()["purelib"]
    for step in runs:
        env = {
            **os.environ,
            **{key: str(value) for key, value in workflow["env"].items()},
            "RELIABILITY_GIT": url,
            "RELIABILITY_COMMIT": commit,
            "RUNNER_TEMP": str(runner_temp),
            "GITHUB_PATH": str(github_path),
            "GITHUB_STEP_SUMMARY": str(summary),
            "PATH": os.pathsep.join([*added, str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
            "PYTHONPATH": dependencies,
        }
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=study, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{step['name']}: {done.stderr[-2000:]}"
        # GitHub prepends the folders a step appended to $GITHUB_PATH for the steps after it.
        added = [line for line in reversed(github_path.read_text().splitlines()) if line]
    installed = Path(added[0])
    assert installed.parent == runner_temp / "reliability"
    where = subprocess.run([str(installed / "python"), "-c", "import reliability; print(reliability.__file__)"],
                           cwd=tmp_path, env={**os.environ, "PYTHONPATH": dependencies},
                           capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(runner_temp / "reliability")  # the clone's, not this tree's
    cases = ET.parse(study / "reliability-junit.xml").getroot().findall("./testsuite/testcase")
    assert cases and all(case.find("failure") is None for case in cases)
    text = summary.read_text(encoding="utf-8")
    assert "## ✅ Reliability check passed" in text and "# Before and after: baseline.json → coders" in text


@pytest.mark.parametrize("name", ["docs/ci.md", "README.md"])
def test_docs_warn_of_the_unrelated_package_of_the_same_import_name(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert "unrelated" in text and "virtual environment" in text
