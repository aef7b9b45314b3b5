"""The benchmark runs: a smoke run at the smallest size, peers included (no timings asserted)."""

import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reliability.readers import load

from paths import ROOT

BENCHMARKS = ROOT / "benchmarks"
COEFFICIENTS = (
    "Krippendorff's alpha (nominal)",
    "Fleiss' kappa",
    "Cohen's kappa",
    "Gwet's AC1",
    "Brennan–Prediger",
    "MASI alpha",
)
PEERS = ("krippendorff", "statsmodels", "scikit-learn", "irrCAC", "NLTK")


def _benchmark_data():
    """benchmarks/data.py, which is a script's sibling module, not part of the package."""
    if "benchmark_data" not in sys.modules:
        spec = importlib.util.spec_from_file_location("benchmark_data", BENCHMARKS / "data.py")
        module = importlib.util.module_from_spec(spec)
        # Dataclasses look their module up in sys.modules while the class is built.
        sys.modules["benchmark_data"] = module
        spec.loader.exec_module(module)
    return sys.modules["benchmark_data"]


def _run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    result = _run("--quick", "--results", folder / "RESULTS.md", "--workdir", folder / "csv")
    return result, folder


def test_quick_run_succeeds_and_prints_its_tables(smoke):
    result, _ = smoke
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Targets (DESIGN §6)\n")
    for title in ("Coefficients against peer libraries", "End to end", "Bootstrap intervals", "Start-up",
                  "Scaling with coders and codes", "Scaling with codes (open coding)"):
        assert title in result.stdout
    # Each DESIGN §6 ratio target is judged on a ratio measured in this run (or said not to be).
    assert "Gillard compare ≤ 1.5 × `import pandas`" in result.stdout
    assert "≤ 20 × read_csv" in result.stdout and "5,000 units × 5,000 codes ≤ 10 × read_csv" in result.stdout
    # Progress goes to stderr, never into the tables.
    assert "[" in result.stderr and "coefficients against peers at 1,000 units" in result.stderr
    assert "coefficients against peers" not in result.stdout


def test_quick_run_writes_results_with_every_coefficient_and_peer(smoke):
    _, folder = smoke
    results = (folder / "RESULTS.md").read_text(encoding="utf-8")
    assert results.startswith("# Benchmark results\n")
    assert "## Machine" in results and "| CPU " in results
    for name in COEFFICIENTS + PEERS:
        assert name in results
    # Every peer of the test extra ran at 1,000 units and agreed with reliability's value. irrCAC
    # pins pandas<3, so it is in no extra (run.py --irrcac-python): without it, the table says so.
    installed = ("irrCAC" in sys.modules) or importlib.util.find_spec("irrCAC") is not None
    for line in results.splitlines():
        if "not installed" in line:
            assert not installed and line.count("not installed") == line.count("irrCAC"), line
    assert "MISMATCH" not in results
    # Every process the benchmark started finished.
    assert "timed out" not in results and "failed (exit" not in results


def test_quick_run_judges_every_target(smoke):
    _, folder = smoke
    results = (folder / "RESULTS.md").read_text(encoding="utf-8")
    targets = results.split("## Targets (DESIGN §6)", 1)[1].split("\n## ", 1)[0]
    assert "`--help` imports neither pandas, scipy nor scikit-learn" in targets
    assert "MASI alpha ≥ 100× faster than NLTK" in targets
    for name in COEFFICIENTS[:-1]:
        assert f"{name} at least as fast as the fastest peer" in targets
    # The quick run does not reach the 200k and 100k targets and says so.
    assert targets.count("not measured") >= 3


def test_quick_run_leaves_the_generated_csv_in_workdir(smoke):
    _, folder = smoke
    written = sorted((folder / "csv").glob("*.csv"))
    assert written
    assert written[0].read_text(encoding="utf-8").startswith("unit,coder,code\n")


def test_generated_csv_reads_back_as_the_generated_table(tmp_path):
    data = _benchmark_data()
    dataset = data.generate(200, n_coders=3, n_codes=4, seed=3)
    path = tmp_path / "long.csv"
    rows = data.write_long_csv(dataset, path)
    codings = load([path])
    assert rows == dataset.long_rows() == codings.accounting.rows_used
    assert codings.coders == ("c1", "c2", "c3")
    assert codings.codes == ("code1", "code2", "code3", "code4")
    assert np.array_equal(codings.seen, dataset.seen)
    assert np.array_equal(codings.applied, dataset.applied)


def test_generated_single_label_data_has_one_code_per_coded_cell():
    dataset = _benchmark_data().generate(300, multi_label=False, seed=1)
    per_cell = dataset.applied.sum(axis=2)
    assert set(per_cell[dataset.seen]) == {1}
    assert set(per_cell[~dataset.seen]) == {0}
    labels = dataset.labels()
    assert (labels == -1).sum() == (~dataset.seen).sum()


def test_a_size_too_small_is_a_usage_error():
    result = _run("--sizes", "5")
    assert result.returncode == 2
    assert "'5' is too small; give at least 10 units" in result.stderr
    assert result.stdout == ""


def _run_module():
    """benchmarks/run.py as a module, its sibling modules importable as the script imports them."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    import run

    return run


def _peer_arguments(**overrides):
    run = _run_module()
    return run.arguments(["--quick", "--sizes", "300", *[str(x) for pair in overrides.items() for x in pair]])


def test_a_peer_in_another_environment_is_timed_with_ours_in_its_process():
    # Any Python with the peer installed will do; the test's own, with krippendorff, stands in for
    # irrCAC's environment (irrCAC itself pins pandas<3 and is not installed here).
    run = _run_module()
    results, version = run.own_environment_contests(Path(sys.executable), "krippendorff", _peer_arguments())
    assert version == importlib.metadata.version("krippendorff")
    [alpha] = results
    assert alpha.coefficient == "Krippendorff's alpha (nominal)" and alpha.units == 300
    assert list(alpha.peers) == ["krippendorff"]
    assert abs(alpha.ours.value - alpha.peers["krippendorff"].value) < 1e-9
    assert alpha.environment.startswith(f"krippendorff's environment: pandas {importlib.metadata.version('pandas')}")


def test_a_peer_missing_from_the_other_environment_is_reported_not_raised():
    run = _run_module()
    # irrCAC pins pandas<3: the test environment (the users' stack) must not have it.
    assert importlib.util.find_spec("irrCAC") is None
    results, why = run.own_environment_contests(Path(sys.executable), "irrCAC", _peer_arguments())
    assert results == []
    assert why == f"irrCAC in {sys.executable}: exit 3: irrCAC is not installed for {sys.executable}"


def test_a_process_is_timed_when_it_ends_and_stopped_at_its_timeout():
    _run_module()
    import measure

    ended = measure.run_process([sys.executable, "-c", "import sys; sys.exit(3)"], timeout=60)
    assert (ended.returncode, ended.timed_out) == (3, False) and ended.seconds > 0
    slept = measure.run_process([sys.executable, "-c", "import time; time.sleep(0.3)"], timeout=60)
    assert slept.ok and slept.seconds >= 0.3
    stopped = measure.run_process([sys.executable, "-c", "import time; time.sleep(60)"], timeout=0.5)
    assert stopped.timed_out and stopped.seconds is None
