"""The HTML page, its charts and the Reporting paragraph, without a browser (see test_html_browser.py)."""

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from reliability.cli import main

from paths import GILLARD_CODERS, SAMPLE

CODEBOOK = SAMPLE / "gillard" / "codebook.csv"
REVISED_CODEBOOK = SAMPLE / "gillard" / "codebook_revised.csv"
REVISION = SAMPLE / "gillard" / "revision.csv"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


class Page(HTMLParser):
    """Collects what a test asks of a page: tags by name, attributes that load something, text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def classed(self, tag: str, cls: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag and cls in (a.get("class") or "").split()]


@pytest.fixture(scope="module")
def gillard_page(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("page") / "report.html"
    run("compare", GILLARD_CODERS, "--reference", "lead", "--codebook", CODEBOOK, "--ci", "--bootstrap", "200",
        "--format", "html", "-o", out)
    return out.read_text(encoding="utf-8")


def test_gillard_page_shows_the_published_figures(gillard_page):
    page = Page(gillard_page)
    cards = " ".join(page.text)
    # Gillard et al. (2013): lead vs KO 74.0 %, lead vs SLG 70.0 %, all three 56.0 % (at least one shared category)
    for value in ("74.0 %", "70.0 %", "56.0 %"):
        assert value in cards
    assert len(page.classed("div", "card")) == 5
    assert len(page.classed("article", "unit")) == 46  # 46 of the 50 sections disagree (sample README)


def test_gillard_page_has_its_charts_and_their_tables(gillard_page):
    page = Page(gillard_page)
    assert len(page.all("svg")) >= 1 + 5 + 1  # forest plot, a heatmap per pair figure, the confusion heatmap
    for table in ("codes-table", "pairs-table", "confusions-table", "definitions-table"):
        assert page.all("table", id=table), table
    for figure in page.all("figure"):
        assert figure.get("aria-label"), "every chart says what it shows"


def test_page_loads_nothing_from_outside(gillard_page):
    page = Page(gillard_page)
    loading = [(t, a) for t, a in page.tags if t in ("link", "img", "iframe", "object", "embed") or (t == "script" and "src" in a)]
    assert loading == []
    assert not re.search(r"url\((?!#)|@import|@font-face", gillard_page)  # url(#id): a clip path within the page
    assert not re.search(r'(?:href|src)="(?:https?:)?//', gillard_page)


def test_page_has_light_dark_and_print_styles(gillard_page):
    assert "@media screen and (prefers-color-scheme: dark)" in gillard_page
    assert "@media print" in gillard_page


def test_reporting_paragraph_names_coefficients_intervals_units_and_coders(gillard_page):
    paragraph = re.search(r'<p id="reporting-text">(.*?)</p>', gillard_page, re.S).group(1)
    assert "50 units" in paragraph and "3 coders" in paragraph
    assert "74.0 % (95 % CI" in paragraph and "70.0 % (95 % CI" in paragraph and "56.0 % (95 % CI" in paragraph
    assert "Krippendorff&#39;s α with MASI distance" in paragraph
    assert "Units were" in paragraph


def test_markdown_carries_the_reporting_paragraph():
    markdown = run("compare", GILLARD_CODERS, "--reference", "lead", "--format", "markdown").stdout
    section = markdown.split("## Reporting", 1)[1]
    assert "Inter-coder reliability was assessed on 50 units coded independently by 3 coders" in section
    assert "74.0 %" in section and "Lombard" in section
    assert "## Reporting" not in run("compare", GILLARD_CODERS, "--reference", "lead").stdout


def test_untrusted_names_notes_and_texts_show_as_text(tmp_path):
    attack = "<script>alert(1)</script>"
    data = tmp_path / "coding.csv"
    data.write_text(
        "unit,coder,code,text,note\n"
        f'u1,a,"{attack}","{attack} text","<img src=x onerror=alert(2)>"\n'
        "u1,b,plain,,\n"
        f'u2,a,"{attack}",,\n'
        f'u2,b,"{attack}",,\n',
        encoding="utf-8",
    )
    page_file = tmp_path / "page.html"
    run("compare", data, "--format", "html", "-o", page_file)
    page = page_file.read_text(encoding="utf-8")
    assert attack not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert len(Page(page).all("script")) == 1  # the page's own script, nothing from the data
    chip = Page(page).all("button", **{"data-code": attack})
    assert chip, "the code is a filter button, its name held as an attribute value"


def test_page_is_byte_identical_for_a_seed(tmp_path):
    pages = []
    for name in ("one.html", "two.html"):
        run("compare", GILLARD_CODERS, "--ci", "--bootstrap", "50", "--seed", "3", "--format", "html", "-o", tmp_path / name)
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]
    assert b"<dc:date>" not in pages[0]


def test_figures_are_written_as_svg_and_png(tmp_path):
    folder = tmp_path / "figures"
    run("compare", GILLARD_CODERS, "--reference", "lead", "--figures", folder, "--format", "json")
    names = sorted(p.name for p in folder.iterdir())
    for stem in ("forest", "pairs-shared_agreement", "pairs-cohen_kappa", "confusions"):
        assert f"{stem}.svg" in names and f"{stem}.png" in names
    assert (folder / "forest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (folder / "forest.svg").read_text(encoding="utf-8")
    assert "Organisational culture" in svg and "<dc:date>" not in svg


def test_undefined_figures_show_as_na_never_nan(tmp_path):
    data = tmp_path / "same.csv"
    data.write_text("unit,coder,code\nu1,a,x\nu1,b,x\nu2,a,x\nu2,b,x\n", encoding="utf-8")
    page = run("compare", data, "--format", "html").stdout
    assert "n/a" in page
    assert not re.search(r">\s*nan\s*<|NaN", page)
    assert "The coders agree on every unit." in page


def test_what_if_shows_figures_before_and_after_a_merge():
    page = run("compare", GILLARD_CODERS, "--reference", "lead", "--codebook", CODEBOOK,
               "--merge", "Hierarchy and power+Team integration=Team", "--format", "html").stdout
    codebook = page.split('id="codebook"', 1)[1]
    assert "What if: before and after the revision" in codebook
    assert "Team ← Hierarchy and power + Team integration" in codebook
    # lead vs KO share a code in 74.0 % as coded (Gillard et al. 2013); merging two confused codes raises it
    row = re.search(r"<tr data-direction=\"(\w+)\"><td>lead–KO</td><td>≥1 shared code</td><td class=\"num\">74.0 %</td>", codebook)
    assert row and row.group(1) == "up"


def test_diff_page_has_every_figure_with_arrows(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    run("compare", GILLARD_CODERS, "--reference", "lead", "--format", "json", "-o", old)
    run("compare", GILLARD_CODERS, "--reference", "lead", "--recode", REVISION, "--format", "json", "-o", new)
    page = run("diff", old, new, "--recode", REVISION, "--format", "html").stdout
    parsed = Page(page)
    tables = {t["data-section"] for t in parsed.all("table") if "data-section" in t}
    assert tables == {"overall", "pair", "code"}
    assert "▲" in page and "12 → 8" in page
    assert parsed.all("svg"), "a before/after chart per code figure"
    assert len(parsed.all("tr", **{"data-direction": "up"})) + len(parsed.all("tr", **{"data-direction": "down"})) > 10


def test_help_and_table_do_not_import_jinja_or_matplotlib():
    code = (
        "import sys; from click.testing import CliRunner; from reliability.cli import main; "
        f"CliRunner().invoke(main, ['compare', {str(GILLARD_CODERS)!r}]); CliRunner().invoke(main, ['--help']); "
        "print(sorted(m for m in ('jinja2', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_gold_standard_section_when_a_key_is_given():
    page = run("compare", GILLARD_CODERS, "--gold", "lead", "--format", "html").stdout
    parsed = Page(page)
    assert parsed.all("table", id="gold-table")
    gold = page.split('id="gold"', 1)[1].split("</section>", 1)[0]
    assert "Against the answer key: lead" in gold and "KO" in gold and "SLG" in gold
    assert 'id="gold"' not in run("compare", GILLARD_CODERS, "--format", "html").stdout


def test_intervals_are_written_as_in_the_text_report(gillard_page):
    # One notation everywhere (render/cells.interval): "[low, high]", never "low – high".
    cards = re.findall(r'<div class="interval">(.*?)</div>', gillard_page)
    assert cards and all(re.fullmatch(r"95 % CI \[\d+\.\d %, \d+\.\d %\]", card) for card in cards[:3]), cards[:3]
    assert not re.search(r"\d – \d", gillard_page)
