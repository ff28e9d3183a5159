"""Import the report's modules on a thread while HiGHS solves, so that writing the report starts warm.

The report's modules (matplotlib, reportlab, Pillow and the planner's chart code) take about 0.5 s of
CPU to import. ``highspy`` releases the GIL while HiGHS solves, so an import started as HiGHS starts
(:attr:`planner.solve.run.SolveOptions.before_highs`) runs on the other core for free; started any
earlier it would hold up the model build, which needs the GIL. This module imports nothing heavy.
"""

from __future__ import annotations

import importlib
import threading

MODULES = ("planner.reports.build", "planner.reports.pdf")


class Preloader:
    """Imports :data:`MODULES` on a thread, once; :meth:`join` before writing the report (the charts fork
    a helper process, best done with no other thread running). A failed import is left to the real
    import, which reports it in context."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=_load, name="planner-report-imports")
            self._thread.start()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()


def _load() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S110 - the real import reports it, where it matters
            return
