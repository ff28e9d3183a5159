"""Import what comes after the solve on a thread while HiGHS solves, so that the tables and report start warm.

The modules needed after the solve (pandas for the plan's tables; matplotlib, reportlab, Pillow and
the planner's chart code for the report) take about 0.7 s of CPU to import, plotly's for report.html about
0.2 s more. ``highspy`` releases the GIL while HiGHS solves, so an import started as HiGHS starts
(:attr:`planner.solve.run.SolveOptions.before_highs`) runs on the other core for free; started any
earlier it would hold up the model build, which needs the GIL. This module imports nothing heavy.
"""

from __future__ import annotations

import importlib
import threading

# pandas first: the plan's tables need it as soon as HiGHS is done (nothing before the solve imports it)
MODULES = ("pandas", "planner.results.tables", "planner.reports.build")
PDF_MODULES = ("planner.reports.pdf", "planner.reports.interactive")


class Preloader:
    """Imports :data:`MODULES` (and :data:`PDF_MODULES` with ``pdf``) on a thread, once; :meth:`join`
    before writing the report (the charts fork a helper process, best done with no other thread
    running). A failed import is left to the real import, which reports it in context."""

    def __init__(self, pdf: bool = True) -> None:
        self.modules = MODULES + (PDF_MODULES if pdf else ())
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=_load, args=(self.modules,), name="planner-imports")
            self._thread.start()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()


def _load(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S110 - the real import reports it, where it matters
            return
