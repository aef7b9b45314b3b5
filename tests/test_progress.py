"""Progress told by the core through a callback, drawn by the command line only on a terminal."""

import io

import pytest

import reliability
from reliability.cli import common
from reliability.figures.intervals import BootstrapSettings

from paths import GILLARD_CODERS


def _recorder():
    told = []
    return told, lambda stage, done, total: told.append((stage, done, total))


@pytest.mark.parametrize("ci", [False, True])
def test_every_stage_starts_at_zero_moves_forward_and_ends_at_its_total(ci):
    told, progress = _recorder()
    codings = reliability.load([GILLARD_CODERS], progress=progress)
    # More resamples than one chunk (CHUNK = 64): the shared draw tells progress once per chunk.
    reliability.compare(codings, bootstrap=BootstrapSettings(200) if ci else None, progress=progress)
    stages = [s for s, _, _ in told]
    expected = ["reading", "bootstrapping" if ci else "computing"]
    assert list(dict.fromkeys(stages)) == expected
    for stage in expected:
        steps = [(done, total) for s, done, total in told if s == stage]
        assert steps[0][0] == 0 and steps[-1][0] == steps[-1][1]
        assert all(later >= earlier for (earlier, _), (later, _) in zip(steps, steps[1:]))
        assert len(steps) > 3  # it moves on the way, not only at the end


def test_reading_moves_with_the_bytes_parsed(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("unit,coder,code\n" + "".join(f"u{i},c{i % 2},x{i % 7}\n" for i in range(200_000)))
    told, progress = _recorder()
    reliability.load([path], progress=progress)
    shares = sorted({done / total for _, done, total in told})
    # Parsing tells several blocks, so the bar passes through the middle of the file's share.
    assert len([s for s in shares if 0.2 < s < 0.5]) >= 2


def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.setattr(common.sys, "stderr", io.StringIO())
    with common.terminal_progress() as progress:
        assert progress is None


def test_time_left_only_once_the_rate_is_steady(monkeypatch):
    clock = iter([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    monkeypatch.setattr(common.time, "monotonic", lambda: next(clock))
    bar = common.TerminalBar(show_after=0.0)
    monkeypatch.setattr(common.click, "progressbar", lambda **kw: _FakeBar(**kw))
    shown = []
    # 1 a second, then a steady 10 a second: no estimate until two quarters agree.
    for done in (0, 1, 2, 3, 13, 23, 33, 43, 53):
        bar("bootstrapping", done, 100)
        shown.append(bar.bar.show_eta)
    assert shown == [False] * 5 + [True] * 4


def test_no_bar_on_a_quick_run_a_bar_once_it_takes_long(monkeypatch):
    clock = iter([0.0, 0.5, 0.9, 1.2, 1.5])
    monkeypatch.setattr(common.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(common.click, "progressbar", lambda **kw: _FakeBar(**kw))
    bar = common.TerminalBar(show_after=1.0)
    drawn = []
    for stage, done in (("reading", 0), ("reading", 10), ("computing", 0), ("computing", 5), ("computing", 9)):
        bar(stage, done, 10)
        drawn.append(None if bar.bar is None else bar.bar.pos)
    # Nothing in the first second; then the running stage's bar, already at its position.
    assert drawn == [None, None, None, 5, 9]


class _FakeBar:
    def __init__(self, length, label, file, show_eta):
        self.pos, self.show_eta = 0, show_eta

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def update(self, n):
        self.pos += n
