"""The ordered-scale figures (--scale) on the shared bootstrap draw (figures/coefficients/resampled_scale.py)
are the plain bootstrap: the same draws of units, each weighted figure recomputed from scratch on every
resample (as tests/test_shared_bootstrap.py checks for the nominal figures)."""

from __future__ import annotations

import numpy as np
import pytest

from reliability.codings.model import UNCODED, Codings
from reliability.codings.scales import ordered_scale
from reliability.figures.coefficients.scaled import scaled_figures
from reliability.figures.coefficients.weighted import (
    agreement_weights,
    alpha_distances,
    conger_kappa,
    gwet_ac2,
    krippendorff_alpha_scaled,
    weighted_cohen_kappa,
)
from reliability.figures.intervals import CHUNK, BootstrapSettings, percentile_interval, unit_counts
from reliability.report import compare

N_RESAMPLES = 150  # three chunks, the last one short
PAIRS = [(0, 1), (0, 2), (1, 2)]  # every pair, as compare() takes them without a reference coder
OVERALL = ("krippendorff_alpha", "gwet_ac2", "conger_kappa")
PAIR = ("cohen_kappa_linear", "cohen_kappa_quadratic")
VALUES = ["1", "2", "4", "7"]  # unevenly spaced: interval and ratio distances differ from ordinal ones


def ordinal_codings(seed: int, scale_codes=VALUES, n_units: int = 30) -> Codings:
    """Single-label codings, three coders near a hidden level of ``scale_codes``, with missing ratings."""
    rng = np.random.default_rng(seed)
    n_coders = 3
    truth = rng.integers(0, len(scale_codes), n_units)
    level = np.clip(truth[:, None] + rng.integers(-1, 2, (n_units, n_coders)), 0, len(scale_codes) - 1)
    seen = rng.random((n_units, n_coders)) < 0.8
    applied = np.zeros((n_units, n_coders, len(scale_codes)), dtype=bool)
    unit, coder = np.nonzero(seen)
    applied[unit, coder, level[unit, coder]] = True
    # "(uncoded)" is a coding with no code: its column goes, the unit stays seen by the coder.
    kept = [k for k, code in enumerate(scale_codes) if code != UNCODED]
    return Codings(
        units=tuple(f"u{u}" for u in range(n_units)),
        coders=tuple(f"c{c}" for c in range(n_coders)),
        codes=tuple(scale_codes[k] for k in kept),
        applied=applied[:, :, kept],
        seen=seen,
    )


VALUES_WITH_UNCODED = ["1", UNCODED, "2", "3"]  # an empty coding has a place on the scale


def alpha_with_distances(labels: np.ndarray, distances: np.ndarray) -> float:
    """Krippendorff's (2011) alpha from the coincidence matrix, unit by unit, with given distances."""
    n_levels = len(distances)
    coincidences = np.zeros((n_levels, n_levels))
    for row in labels:
        values = row[row >= 0]
        if len(values) < 2:
            continue
        for i, first in enumerate(values):
            for j, second in enumerate(values):
                if i != j:
                    coincidences[first, second] += 1.0 / (len(values) - 1)
    marginals = coincidences.sum(axis=1)
    n = marginals.sum()
    if n <= 1:
        return np.nan
    observed = (coincidences * distances).sum() / n
    expected = (np.outer(marginals, marginals) * distances).sum() / (n * (n - 1))
    return np.nan if expected <= 1e-12 else 1.0 - observed / expected


def plain_bootstrap(codings: Codings, level: str, seed: int) -> dict[tuple, tuple[float, float] | None]:
    """Every ordered-scale interval by the textbook recipe: each unit repeated as often as the shared
    draw drew it (the seed's stream, in chunks of CHUNK), each figure computed from scratch."""
    scale = ordered_scale(level, codings.codes, order=_order(codings))
    labels = scale.labels(codings)
    weights = agreement_weights(scale.weights, scale.values)
    linear, quadratic = agreement_weights("linear", scale.values), agreement_weights("quadratic", scale.values)
    # Ordinal distances depend on the levels' frequencies: the bootstrap keeps the whole sample's.
    rated = labels >= 0
    pairable = labels[rated & (rated.sum(axis=1) >= 2)[:, None]]
    distances = alpha_distances(level, scale.values, np.bincount(pairable, minlength=len(scale.values)))
    values: dict[tuple, list[float]] = {}

    def add(key, value):
        values.setdefault(key, []).append(np.nan if value is None else value)

    rng = np.random.default_rng(seed)
    for start in range(0, N_RESAMPLES, CHUNK):
        counts = unit_counts(rng, codings.n_units, min(CHUNK, N_RESAMPLES - start))
        for drawn in counts.T.astype(np.int64):
            resampled = labels[np.repeat(np.arange(codings.n_units), drawn)]
            if level == "ordinal":
                add(("krippendorff_alpha",), alpha_with_distances(resampled, distances))
            else:  # the distances depend on the values alone
                add(("krippendorff_alpha",), krippendorff_alpha_scaled(resampled, level, scale.values).value)
            add(("gwet_ac2",), gwet_ac2(resampled, weights).value)
            add(("conger_kappa",), conger_kappa(resampled, weights).value)
            for a, b in PAIRS:
                add((a, b, "cohen_kappa_linear"), weighted_cohen_kappa(resampled[:, [a, b]], linear).value)
                add((a, b, "cohen_kappa_quadratic"), weighted_cohen_kappa(resampled[:, [a, b]], quadratic).value)
    return {key: percentile_interval(np.array(found), 0.95) for key, found in values.items()}


def _order(codings: Codings) -> list[str] | None:
    return VALUES_WITH_UNCODED if not set(codings.codes) <= set(VALUES) else None


def shared_bootstrap(codings: Codings, level: str, seed: int) -> dict[tuple, tuple[float, float] | None]:
    """The ordered-scale intervals of compare(), drawn with every other figure's."""
    report = compare(
        codings, bootstrap=BootstrapSettings(N_RESAMPLES, seed=seed), scale=level, order=_order(codings), sections=()
    )
    found = {(name,): report.overall.figures[name].ci for name in OVERALL}
    for (a, b), pair in zip(PAIRS, report.pairs):
        assert pair.coders == (codings.coders[a], codings.coders[b])
        found.update({(a, b, name): pair.figures[name].ci for name in PAIR})
    return found


@pytest.mark.parametrize("level", ["ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", [0, 1])
def test_every_scale_interval_is_the_plain_bootstrap_of_the_same_draws(level, seed):
    codings = ordinal_codings(seed)
    expected, found = plain_bootstrap(codings, level, seed), shared_bootstrap(codings, level, seed)
    assert set(found) == set(expected)
    assert all(interval is not None for interval in expected.values())
    for key, interval in expected.items():
        # Sums of contributions against figures from scratch: equal up to rounding.
        assert found[key] == pytest.approx(interval, rel=1e-9, abs=1e-12), key


def test_an_empty_coding_placed_on_the_scale_is_resampled_at_its_place():
    codings = ordinal_codings(2, scale_codes=VALUES_WITH_UNCODED)
    assert not codings.applied.any(axis=2)[codings.seen].all()  # some empty codings
    expected, found = plain_bootstrap(codings, "ordinal", 2), shared_bootstrap(codings, "ordinal", 2)
    for key, interval in expected.items():
        assert found[key] == pytest.approx(interval, rel=1e-9, abs=1e-12), key


def test_scaled_figures_alone_draw_what_compare_draws_for_them():
    # The other figures join the draw without changing these intervals, to the last bit.
    codings = ordinal_codings(3)
    scale = ordered_scale("interval", codings.codes)
    alone = scaled_figures(codings, scale, PAIRS, BootstrapSettings(N_RESAMPLES, seed=3))
    together = shared_bootstrap(codings, "interval", 3)
    assert all(alone.overall[name].ci == together[(name,)] for name in OVERALL)
    names = codings.coders
    for a, b in PAIRS:
        assert all(alone.pairs[(names[a], names[b])][name].ci == together[(a, b, name)] for name in PAIR)
    # The point figures are those without a bootstrap.
    point = scaled_figures(codings, scale, PAIRS)
    assert all(alone.overall[name].value == point.overall[name].value for name in OVERALL)


def test_documents_resampled_keep_each_figure_s_own_draws_of_its_own_units():
    # With clusters, a figure's rows are placed in their clusters by their units: a coder missing
    # some units leaves them out of the pairs and of nobody else's figures. The same intervals as
    # each figure function bootstrapping only its units, their clusters restricted to them.
    codings = ordinal_codings(4, n_units=40)
    scale = ordered_scale("ordinal", codings.codes)
    labels = scale.labels(codings)
    settings = BootstrapSettings(60, seed=4, clusters=np.arange(40) // 4)
    result = scaled_figures(codings, scale, PAIRS, settings)
    weights = agreement_weights(scale.weights, scale.values)
    rated = (labels >= 0).any(axis=1)
    assert result.overall["gwet_ac2"].ci == gwet_ac2(labels[rated], weights, settings.restricted(rated)).ci
    assert result.overall["conger_kappa"].ci == conger_kappa(labels[rated], weights, settings.restricted(rated)).ci
    paired = (labels >= 0).sum(axis=1) >= 2
    assert not paired.all()
    assert result.overall["krippendorff_alpha"].ci == krippendorff_alpha_scaled(
        labels[paired], "ordinal", scale.values, settings.restricted(paired)
    ).ci
    linear = agreement_weights("linear", scale.values)
    for a, b in PAIRS:
        both = (labels[:, [a, b]] >= 0).all(axis=1)
        assert not both.all()
        names = (codings.coders[a], codings.coders[b])
        expected = weighted_cohen_kappa(labels[both][:, [a, b]], linear, settings.restricted(both)).ci
        assert expected is not None and result.pairs[names]["cohen_kappa_linear"].ci == expected


def test_spans_on_a_scale_with_a_document_one_coder_left_uncoded_get_intervals(tmp_path):
    # Units of text resample documents; coder B never coded D2, so the pair's units are not all
    # the table's. This stopped with a ValueError traceback before the figures' rows carried their units.
    import json

    from click.testing import CliRunner

    from reliability.cli import main

    rows = ["document,start,end,code,coder"] + [
        f"{document},{start},{start + 10},{code},{coder}"
        for document, spans in {
            "D1": [(0, 1, "A"), (10, 2, "A"), (0, 1, "B"), (10, 3, "B")],
            "D2": [(0, 2, "A"), (10, 2, "A")],
            "D3": [(0, 3, "A"), (10, 1, "A"), (0, 3, "B"), (10, 1, "B")],
            "D4": [(0, 1, "A"), (0, 2, "B"), (10, 2, "B")],
        }.items()
        for start, code, coder in spans
    ]
    path = tmp_path / "spans.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["compare", str(path), "--units", "coded-characters", "--scale", "ordinal", "--order", f"{UNCODED},1,2,3",
         "--ci", "--bootstrap", "50", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["settings"]["resampling"]["unit"] == "documents"
    pair = report["pairs"][0]
    assert pair["cohen_kappa_linear"]["ci"] is not None and pair["cohen_kappa_quadratic"]["ci"] is not None
    assert report["overall"]["gwet_ac2"]["ci"] is not None
