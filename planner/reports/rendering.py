"""Charts to pixels: each chart drawn on the Agg canvas, by this process and a forked helper at once.

A report's charts are independent (each is a function of the run folder's tables) and drawing them is
most of a report's time: about 0.1 s of CPU per chart, 1.2 s for the baseline's ten. With a second
core, :func:`render` forks one helper process; the two take charts from a shared counter, heaviest
first in the given order, until none is left, so the work splits itself whatever each chart costs.
The helper inherits the loaded run and the imported modules; only chart numbers and finished pixels
cross between the processes. A chart the helper could not draw is drawn again here, so its error
surfaces in this process. Without ``fork`` (Windows, macOS defaults), with one core or in a daemonic
process (a pool's worker), charts are drawn one after another; the pixels are the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 150
MARGIN_IN = 0.05  # below a legend that had hung outside the figure


@dataclass(frozen=True)
class Pixels:
    """A drawn chart: RGBA pixels row by row, and the figure's size in inches (for its aspect ratio)."""

    width: int
    height: int
    rgba: bytes
    inches: tuple[float, float]


def draw(figure: Figure) -> Pixels:
    """``figure`` drawn at :data:`DPI` on the Agg canvas, grown to hold its legends (:func:`fit_below`)."""
    canvas = FigureCanvasAgg(figure)
    figure.set_dpi(DPI)
    fit_below(figure, canvas.get_renderer())
    canvas.draw()
    width, height = canvas.get_width_height()
    inches = figure.get_size_inches()
    return Pixels(width, height, bytes(canvas.buffer_rgba()), (float(inches[0]), float(inches[1])))


def fit_below(figure: Figure, renderer: Any) -> None:
    """Grow ``figure`` downward until its legends (placed under the axes) are inside it, the axes keeping their
    size: a long legend is never clipped."""
    legends = [*figure.legends, *(ax.get_legend() for ax in figure.axes if ax.get_legend() is not None)]
    if not legends:
        return
    bottom = min(legend.get_window_extent(renderer).y0 for legend in legends) / figure.dpi  # inches above the edge
    if bottom >= 0:
        return
    width, height = figure.get_size_inches()
    grown = height - bottom + MARGIN_IN
    for ax in figure.axes:
        box = ax.get_position()
        ax.set_position((box.x0, (box.y0 * height + grown - height) / grown, box.width, box.height * height / grown))
    figure.set_size_inches(width, grown)


def render(charts: Sequence[Callable[[], Figure | None]]) -> list[Pixels | None]:
    """Each chart's pixels (None where it has nothing to draw), in the order given."""
    if len(charts) < 2 or not _can_fork():
        return [_pixels(chart) for chart in charts]
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    drawn = context.Queue()  # its feeder thread lets the helper go on drawing before the parent reads

    def helper() -> None:
        while (i := _take(counter)) < len(charts):
            try:
                drawn.put((i, _pixels(charts[i])))
            except Exception:  # noqa: BLE001 - left out: the parent draws it again and reports the error
                continue
        drawn.put(None)

    process = context.Process(target=helper, name="planner-charts", daemon=True)
    process.start()
    out: dict[int, Any] = {}
    try:
        while (i := _take(counter)) < len(charts):
            out[i] = _pixels(charts[i])
        while (message := _receive(drawn, process)) is not None:
            out[message[0]] = message[1]
    except BaseException:
        process.terminate()
        raise
    finally:
        process.join()
    return [out[i] if i in out else _pixels(charts[i]) for i in range(len(charts))]


def _pixels(chart: Callable[[], Figure | None]) -> Pixels | None:
    figure = chart()
    return None if figure is None else draw(figure)


def _take(counter: Any) -> int:
    """The next chart number (shared between the processes)."""
    with counter.get_lock():
        i = counter.value
        counter.value += 1
    return i


def _receive(drawn: Any, process: Any) -> Any:
    """The helper's next message, or None when it has died without saying so."""
    while True:
        try:
            return drawn.get(timeout=0.05)
        except queue.Empty:
            if not process.is_alive():
                try:
                    return drawn.get_nowait()
                except queue.Empty:
                    return None


def _can_fork() -> bool:
    """Two cores, ``fork``, and not a daemonic process (a multiprocessing pool's worker may not have children)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return (cores >= 2 and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)
