"""The HTML page in a real browser: Debian's Chromium, headless, driven by Playwright, network off.

Run alone with ``python -m pytest tests/test_html_browser.py``. Needs the
``chromium`` package (``apt-get install chromium``) and Playwright from PyPI
(in the ``test`` extra); Playwright's own browser download is never used.
"""

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from reliability.cli import main

from paths import GILLARD_CODERS, SAMPLE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
MIN_PIXEL_SPREAD = 20.0
"""Standard deviation of grey levels below which a screenshot counts as blank (a blank page: 0)."""


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "report.html"
    result = CliRunner().invoke(main, [
        "compare", str(GILLARD_CODERS), "--reference", "lead", "--codebook", str(SAMPLE / "gillard" / "codebook.csv"),
        "--ci", "--bootstrap", "200", "--format", "html", "-o", str(out),
    ])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); see .ci/run")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=["light", "dark"])
def loaded(request, browser, page_file):
    """The page opened with every non-file request aborted and recorded, and the console's errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=request.param)
    page = context.new_page()
    outside, errors = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(page_file.as_uri())
    yield page, outside, errors
    context.close()


def spread(png: bytes, tmp_path: Path, name: str) -> float:
    """The grey-level standard deviation of a screenshot (0 for a blank one)."""
    path = tmp_path / name
    path.write_bytes(png)
    return float(np.asarray(Image.open(path).convert("L"), dtype=float).std())


def test_page_loads_offline_without_errors(loaded):
    page, outside, errors = loaded
    page.wait_for_load_state("load")
    assert errors == []
    assert outside == []


def test_overview_heatmap_and_browser_render(loaded, tmp_path):
    page, _, _ = loaded
    for selector in ("#overview", "#heatmaps", "#disagreements"):
        section = page.locator(selector)
        assert section.is_visible()
        box = section.bounding_box()
        assert box["width"] > 600 and box["height"] > 300, selector
        assert spread(section.screenshot(), tmp_path, selector[1:] + ".png") > MIN_PIXEL_SPREAD, f"{selector} looks blank"
    heatmap = page.locator("[data-pair-figure]:not([hidden]) svg")
    assert heatmap.count() == 1 and heatmap.bounding_box()["height"] > 150
    assert spread(heatmap.screenshot(), tmp_path, "heatmap.png") > MIN_PIXEL_SPREAD
    assert page.locator("#overview .card .value").first.inner_text() == "74.0 %"


def test_reader_picks_the_pairwise_figure(loaded):
    page, _, _ = loaded
    page.select_option("#pair-figure", "cohen_kappa")
    shown = page.locator("[data-pair-figure]:not([hidden])")
    assert shown.count() == 1 and shown.get_attribute("data-pair-figure") == "cohen_kappa"


def test_clicking_a_code_filters_the_units(loaded):
    page, _, _ = loaded
    units = page.locator("article.unit")
    assert units.count() == 46
    assert page.locator("article.unit:visible").count() == 46
    page.locator(".chips button[data-code='Team integration']").click()
    visible = page.locator("article.unit:visible")
    # In the sample, 'Team integration' is disputed in 15 sections (the units' own disputed lists say so).
    expected = page.locator("article.unit[data-disputed*='Team integration']").count()
    assert 0 < visible.count() == expected < 46
    for k in range(visible.count()):
        assert "Team integration" in visible.nth(k).locator("header").inner_text()
    assert page.locator("#filter-count").inner_text() == f"Showing {expected} of 46 units"
    page.locator(".chips button[data-code='Team integration']").click()  # a second click clears it
    assert page.locator("article.unit:visible").count() == 46


def test_browser_filters_by_pair_coder_and_text_with_the_keyboard(loaded):
    page, _, _ = loaded
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "filter-text"
    page.keyboard.type("volunteers")
    assert page.locator("article.unit:visible").count() == 1
    assert page.locator("article.unit:visible h3").inner_text() == "S09"
    page.keyboard.press("Escape")
    assert page.locator("article.unit:visible").count() == 46
    page.select_option("#filter-pair", "KO|lead")
    by_pair = page.locator("article.unit:visible").count()
    page.select_option("#filter-pair", "")
    page.select_option("#filter-coder", "KO")
    by_coder = page.locator("article.unit:visible").count()
    assert 0 < by_pair <= by_coder <= 46
    page.locator("#filter-reset").focus()
    page.keyboard.press("Enter")
    assert page.locator("article.unit:visible").count() == 46
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.classList.contains('unit')")
