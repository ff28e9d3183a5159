"""Charts drawn by two processes give the same pixels as drawn by one, and a helper's failure loses nothing."""

from __future__ import annotations

import multiprocessing
import os
import sys

import pytest
from matplotlib.figure import Figure

from planner.reports import rendering
from planner.reports.preload import MODULES, PDF_MODULES, Preloader

PARENT = os.getpid()


def _chart(n: int):
    def draw() -> Figure | None:
        if n == 2:
            return None
        fig = Figure(figsize=(2.0 + n, 1.5))
        ax = fig.subplots()
        ax.plot(range(5), [(i * (n + 1)) % 7 for i in range(5)], label=f"series {n}")
        ax.set_title(f"chart {n}")
        ax.legend()
        return fig
    return draw


def _serial(charts):
    return [None if (f := chart()) is None else rendering.draw(f) for chart in charts]


def test_two_processes_draw_what_one_draws():
    charts = [_chart(n) for n in range(6)]
    together = rendering.render(charts)
    alone = _serial(charts)
    assert [p is None for p in together] == [False, False, True, False, False, False]
    for a, b in zip(together, alone, strict=True):
        if a is not None:
            assert (a.width, a.height, a.inches) == (b.width, b.height, b.inches)
            assert a.rgba == b.rgba
    assert together[3].inches == (5.0, 1.5) and together[3].width == 5 * rendering.DPI


def _fails_in_helper(n: int):
    def draw() -> Figure | None:
        if os.getpid() != PARENT:
            raise RuntimeError("only in the helper")
        return _chart(n)()
    return draw


def _kills_helper(n: int):
    def draw() -> Figure | None:
        if os.getpid() != PARENT:
            os._exit(3)
        return _chart(n)()
    return draw


@pytest.mark.parametrize("broken", [_fails_in_helper, _kills_helper])
def test_what_the_helper_could_not_draw_is_drawn_here(broken):
    charts = [broken(n) for n in range(4)]
    drawn = rendering.render(charts)
    assert [p.rgba if p else None for p in drawn] == [p.rgba if p else None for p in _serial(charts)]


def _render_in(queue) -> None:
    queue.put([p.rgba if p else None for p in rendering.render([_chart(0), _chart(2), _chart(1)])])


def test_a_daemonic_process_draws_alone():
    # a multiprocessing pool's worker is daemonic and may not start a helper: it draws serially
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    worker = context.Process(target=_render_in, args=(queue,), daemon=True)
    worker.start()
    drawn = queue.get(timeout=120)
    worker.join()
    assert drawn == [p.rgba if p else None for p in _serial([_chart(0), _chart(2), _chart(1)])]


def test_an_error_in_a_chart_reaches_the_caller():
    def bad() -> Figure:
        raise ValueError("no such table")

    with pytest.raises(ValueError, match="no such table"):
        rendering.render([_chart(0), bad, _chart(1)])


def test_preloader_imports_the_report_modules_once():
    preloader = Preloader()
    preloader.join()  # nothing started: nothing to wait for
    preloader.start()
    first = preloader._thread
    preloader.start()
    assert preloader._thread is first
    preloader.join()
    assert all(name in sys.modules for name in MODULES + PDF_MODULES)
    assert Preloader(pdf=False).modules == MODULES
