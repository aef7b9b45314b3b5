"""The report's charts, drawn with matplotlib: a forest plot per code, heatmaps, a before/after plot.

matplotlib is the plotting library of the scientific Python stack this field
already uses for papers; it renders SVG in Python, so the HTML page inlines the
SVG and needs no JavaScript library, no CDN and no font download.

Every chart is deterministic: the Agg backend, a fixed ``svg.hashsalt`` per
chart (so the ids of two charts on one page never collide) and no date in the
SVG metadata make the same report give byte-identical SVG. Text stays text
(``svg.fonttype = "none"``): the page's stylesheet can recolour it in dark mode,
and it is searchable and selectable. Axis ink uses :data:`INK`, a colour the
page's dark-mode stylesheet looks for and swaps.

Only this module imports matplotlib, and only when a chart is drawn, so the
command line starts fast.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .cells import visible

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

INK = "#262626"
"""Axis, tick and label colour; the page's dark mode recolours exactly this colour."""
MID = "#8a8f98"
"""Markers drawn through ``<use>`` (tick marks, hollow points), which the page's stylesheet cannot
recolour: a grey that reads on light and dark backgrounds."""
CELL_DARK_TEXT = "#111111"
"""Numbers on light heatmap cells: not :data:`INK`, so dark mode leaves them dark on their light cell."""
MARKERS = ("o", "s", "D", "^", "v", "P", "X")
COLOURS = ("#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#0e7490", "#be123c")
RISE, FALL = "#15803d", "#b91c1c"
"""Before/after arrows: a figure that rose, one that fell."""
BANDS: dict[str, tuple[tuple[float, str], ...]] = {
    "landis-koch": (
        (0.0, "#b91c1c"), (0.20, "#ea580c"), (0.40, "#ca8a04"), (0.60, "#84cc16"), (0.80, "#22c55e"), (1.0, "#15803d"),
    ),
    "krippendorff": ((0.667, "#b91c1c"), (0.800, "#ca8a04"), (1.0, "#15803d")),
}
"""Band scheme → each band's upper edge and shade, worst first: Landis & Koch (1977) poor … almost
perfect; Krippendorff (2004) unreliable, tentative, reliable."""


@dataclass(frozen=True)
class Series:
    """One coefficient across the codes of a forest plot.

    Parameters
    ----------
    title : str
        The coefficient's name as readers know it ("Fleiss' κ").
    values, lows, highs : sequence of float or None, length n_codes
        The value and its interval per code; None where undefined or without an interval.
    bands : str or None
        A key of :data:`BANDS`, whose bands shade the panel; None for no conventional band.
    """

    title: str
    values: Sequence[float | None]
    lows: Sequence[float | None]
    highs: Sequence[float | None]
    bands: str | None = None


def forest(codes: Sequence[str], series: Sequence[Series], note: str = "") -> "MplFigure":
    """A forest plot: one panel per coefficient, one row per code (first code on top).

    Parameters
    ----------
    codes : sequence of str, length n_codes
        In the order to show, top to bottom (the report's worst first).
    series : sequence of Series
        One panel each, sharing the code axis.
    note : str
        A caption under the panels (what the intervals are).
    """
    plt = _pyplot()
    n = max(len(codes), 1)
    panels = max(len(series), 1)
    fig, axes = plt.subplots(
        1, panels, sharey=True, squeeze=False,
        figsize=(2.15 * panels + 2.6, 0.3 * n + 1.2), layout="constrained",
    )
    y = np.arange(len(codes))
    for k, (ax, s) in enumerate(zip(axes[0], series)):
        values = _floats(s.values)
        lows, highs = _floats(s.lows), _floats(s.highs)
        left = float(np.nanmin(np.concatenate([[0.0], values, lows]))) if len(codes) else 0.0
        left = min(left, 0.0) - 0.05
        _shade(ax, s.bands, left)
        has_ci = ~np.isnan(lows) & ~np.isnan(highs)
        ax.hlines(y[has_ci], lows[has_ci], highs[has_ci], color=COLOURS[k % len(COLOURS)], linewidth=1.6)
        ax.plot(values, y, linestyle="none", marker=MARKERS[k % len(MARKERS)], color=COLOURS[k % len(COLOURS)], markersize=5)
        undefined = np.isnan(values)
        for row in y[undefined]:
            ax.text(0.5, row, "n/a", ha="center", va="center", fontsize=8, color=INK, style="italic")
        ax.set_xlim(left, 1.02)
        ax.xaxis.set_major_formatter(_short_number)
        ax.set_title(visible(s.title), fontsize=10, color=INK)
        ax.axvline(0.0, color=INK, linewidth=0.6, alpha=0.5)
        ax.grid(axis="x", color=INK, alpha=0.15, linewidth=0.5)
        _ink(ax)
    axes[0][0].set_yticks(y, [visible(c) for c in codes])
    axes[0][0].set_ylim(len(codes) - 0.5, -0.5)
    if note:
        fig.supxlabel(note, fontsize=8, color=INK)
    return fig


def heatmap(
    matrix: np.ndarray,
    rows: Sequence[str],
    columns: Sequence[str],
    title: str,
    labels: Sequence[Sequence[str]],
    low: float = 0.0,
    high: float = 1.0,
    colours: str = "Blues",
) -> "MplFigure":
    """A heatmap with each cell's label written in it; NaN cells stay blank.

    Parameters
    ----------
    matrix : ndarray of float, shape (n_rows, n_columns)
    rows, columns : sequence of str
        Axis labels.
    title : str
    labels : sequence of sequence of str, shape (n_rows, n_columns)
        The text in each cell (the value as the tables show it; "" for none).
    low, high : float
        The ends of the colour scale.
    colours : str
        A matplotlib colour map name.
    """
    import matplotlib

    plt = _pyplot()
    n_rows, n_columns = matrix.shape
    longest = max((len(r) for r in rows), default=0)
    size = max(0.45, min(0.8, 3.0 / max(n_rows, n_columns, 1)))
    width = size * n_columns + min(longest, 40) * 0.075 + 1.4
    fig, ax = plt.subplots(figsize=(width, size * n_rows + 1.0), layout="constrained")
    cmap = matplotlib.colormaps[colours].with_extremes(bad=(0, 0, 0, 0))
    shown = np.ma.masked_invalid(matrix.astype(float))
    image = ax.imshow(shown, cmap=cmap, vmin=low, vmax=high, aspect="auto")
    for (r, c), text in np.ndenumerate(np.array(labels, dtype=object).reshape(n_rows, n_columns)):
        if text:
            value = matrix[r, c]
            shade = (value - low) / (high - low) if high > low and np.isfinite(value) else 0.0
            colour = INK if not np.isfinite(value) else "white" if shade > 0.6 else CELL_DARK_TEXT
            ax.text(c, r, text, ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(np.arange(n_columns), [visible(c) for c in columns])
    ax.set_yticks(np.arange(n_rows), [visible(r) for r in rows])
    ax.tick_params(length=0)
    ax.set_title(visible(title), fontsize=10, color=INK)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.outline.set_visible(False)
    bar.ax.tick_params(color=MID, labelcolor=INK, labelsize=8)
    _ink(ax)
    return fig


def before_after(subjects: Sequence[str], before: Sequence[float | None], after: Sequence[float | None], title: str, bands: str | None) -> "MplFigure":
    """Each subject's figure before and after a revision: an arrow from old to new, green up, red down.

    Parameters
    ----------
    subjects : sequence of str
        Row labels, top to bottom.
    before, after : sequence of float or None
        None where the figure is undefined or the subject absent on that side.
    title : str
    bands : str or None
        A key of :data:`BANDS` to shade.
    """
    plt = _pyplot()
    old, new = _floats(before), _floats(after)
    longest = max((len(s) for s in subjects), default=0)
    fig, ax = plt.subplots(figsize=(2.6 + min(longest, 50) * 0.07, 0.3 * max(len(subjects), 1) + 1.3), layout="constrained")
    left = min(0.0, float(np.nanmin(np.concatenate([[0.0], old, new])))) - 0.05
    _shade(ax, bands, left)
    y = np.arange(len(subjects))
    for row, (a, b) in enumerate(zip(old, new)):
        if np.isnan(a) or np.isnan(b) or a == b:
            continue
        ax.annotate("", xy=(b, row), xytext=(a, row),
                    arrowprops={"arrowstyle": "-|>", "color": RISE if b > a else FALL, "linewidth": 1.6})
    ax.plot(old, y, linestyle="none", marker="o", markerfacecolor="none", markeredgewidth=1.4, color=MID,
            markersize=5.5, label="before")
    ax.plot(new, y, linestyle="none", marker="o", color=COLOURS[0], markersize=5, label="after")
    ax.set_yticks(y, [visible(s) for s in subjects])
    ax.set_ylim(len(subjects) - 0.5, -0.5)
    ax.set_xlim(left, 1.02)
    ax.xaxis.set_major_formatter(_short_number)
    ax.set_title(visible(title), fontsize=10, color=INK)
    ax.grid(axis="x", color=INK, alpha=0.15, linewidth=0.5)
    legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncols=2, fontsize=8, frameon=False)
    for text in legend.get_texts():
        text.set_color(INK)
    _ink(ax)
    return fig


def svg(fig: "MplFigure", salt: str) -> str:
    """The chart as an ``<svg>`` element for inlining in HTML (no XML prolog, no date); closes the figure.

    Parameters
    ----------
    salt : str
        Seeds the ids in the SVG; give each chart on a page its own.
    """
    buffer = io.StringIO()
    _save(fig, buffer, "svg", salt)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def write(fig: "MplFigure", stem: Path, salt: str) -> list[Path]:
    """Write the chart as ``stem.svg`` and ``stem.png`` (200 dpi, white background); closes the figure.

    Each file is drawn in memory and written through a temporary file
    (:func:`reliability.files.write_atomic`): a failed write leaves an earlier file whole.

    Raises
    ------
    OSError
        The folder is not writable, or the disk is full.
    """
    from ..files import write_atomic

    paths = [stem.with_suffix(".svg"), stem.with_suffix(".png")]
    for path in paths:
        drawn = io.BytesIO()
        _save(fig, drawn, path.suffix[1:], salt, close=path.suffix == ".png")
        write_atomic(path, drawn.getvalue())
    return paths


def _save(fig: "MplFigure", target, fmt: str, salt: str, close: bool = True) -> None:
    import matplotlib

    plt = _pyplot()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    facecolour = "none" if fmt == "svg" else "white"
    with matplotlib.rc_context({"svg.hashsalt": f"reliability-{salt}", "svg.fonttype": "none"}):
        fig.savefig(target, format=fmt, metadata=metadata, dpi=200, facecolor=facecolour)
    if close:
        plt.close(fig)


def _pyplot():
    """matplotlib's pyplot on the Agg backend, with mathtext off so code names are shown as written."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"text.parse_math": False, "axes.facecolor": "none", "figure.facecolor": "none"})
    import matplotlib.pyplot as plt

    return plt


def _floats(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _shade(ax, scheme: str | None, left: float) -> None:
    """Shade the bands of ``scheme`` across the panel; the band edges become the ticks."""
    if scheme is None:
        ax.set_xticks([0.0, 0.25, 0.5, 0.75, 1.0])
        return
    edges = BANDS[scheme]
    start = left
    for upper, shade in edges:
        if upper <= start:
            start = max(start, upper)
            continue
        ax.axvspan(start, upper, color=shade, alpha=0.10, linewidth=0)
        start = upper
    ax.set_xticks([0.0] + [upper for upper, _ in edges if upper > 0], minor=False)


def _short_number(value: float, _position=None) -> str:
    """Axis numbers as papers print coefficients: 0, .2, .667, −.2."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace("0.", ".", 1).replace("-", "−") if text not in ("0", "-0") else "0"


def _ink(ax) -> None:
    ax.tick_params(color=MID, labelcolor=INK, labelsize=8)
    for spine in ax.spines.values():
        spine.set_color(INK)
