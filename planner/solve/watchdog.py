"""A watchdog around one HiGHS solve: its time limit is enforced from outside, and Ctrl-C stops it cleanly.

HiGHS runs in a worker thread (``highspy`` releases the GIL while it solves) while the calling thread
waits in short steps. Past the time limit plus a grace of :math:`5\\,\\mathrm{s} + 10\\%` of the limit the
watchdog asks HiGHS to stop (``Highs.cancelSolve``, honoured at HiGHS's next interrupt check). HiGHS's
interrupt callback is only switched on then: it calls into Python at every check, and so needs the GIL,
which any other busy Python thread then makes it wait for (the baseline LP took 70 s instead of 1 s
beside a busy thread; 1.5 s instead of 1.0 while the report's modules were imported). A Ctrl-C
does the same: while HiGHS runs, SIGINT only sets a flag (a KeyboardInterrupt raised at an arbitrary
point while HiGHS's callbacks run leaves HiGHS's threads in a state that aborts the process at exit);
once HiGHS has stopped, KeyboardInterrupt is raised in the calling thread. If HiGHS still
runs a grace later, the solve is abandoned (the worker is a daemon thread) and reported as such; a MIP
keeps the best plan HiGHS had reported (:class:`Incumbent`, HiGHS's improving-solution callback, which
calls into Python only when a plan improves).
"""

from __future__ import annotations

import math
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from planner.errors import NoPlanError

POLL_S = 0.05
GRACE_S = 5.0
GRACE_SHARE = 0.1


def grace_s(time_limit_s: float) -> float:
    """How long past its limit a solve may run before the watchdog stops it."""
    return GRACE_S + GRACE_SHARE * time_limit_s


def run_watched(h: highspy.Highs, time_limit_s: float | None, grace: float | None = None) -> str:
    """Run ``h`` to completion; return "" or, when the watchdog stopped it, a sentence saying so.

    ``grace`` overrides :func:`grace_s`. Raises :class:`NoPlanError` when HiGHS ignores the stop request
    and ``KeyboardInterrupt`` (after HiGHS has stopped) on Ctrl-C."""
    limited = time_limit_s is not None and math.isfinite(time_limit_s)
    allowed = (time_limit_s + (grace_s(time_limit_s) if grace is None else grace)) if limited else math.inf
    failure: list[BaseException] = []

    def work() -> None:
        try:
            h.run()
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            failure.append(exc)

    worker = threading.Thread(target=work, name="highs-solve", daemon=True)
    interrupted = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda *_: interrupted.set())
    start = time.monotonic()
    worker.start()
    stopped = ""
    try:
        while worker.is_alive():
            worker.join(POLL_S)
            if interrupted.is_set() or (not stopped and time.monotonic() - start > allowed):
                h.cancelSolve()
                h.HandleUserInterrupt = True  # HiGHS now calls back at its next check, and stops
            if not stopped and time.monotonic() - start > allowed:
                stopped = (f"stopped by the watchdog after {time.monotonic() - start:.1f} s (time limit "
                           f"{time_limit_s:g} s plus grace): HiGHS ran past its time limit")
            if stopped and worker.is_alive() and time.monotonic() - start > 2 * allowed:
                raise NoPlanError(f"HiGHS ran past its time limit of {time_limit_s:g} s and did not stop when "
                                  "asked; the solve was abandoned")
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        h.HandleUserInterrupt = False
    if interrupted.is_set():
        raise KeyboardInterrupt
    if failure:
        raise failure[0]
    return stopped


@dataclass
class Incumbent:
    """The last plan a MIP solve reported improving (None before one), its objective and HiGHS's bound then."""

    x: np.ndarray | None = None
    objective: float = float("nan")
    bound: float = float("nan")

    @classmethod
    def watch(cls, h: highspy.Highs) -> Incumbent:
        """Record every improving plan of ``h``'s next run."""
        kept = cls()

        def improved(event: Any) -> None:
            out = event.data_out
            kept.x = np.array(out.mip_solution, dtype=float)
            kept.objective, kept.bound = float(out.objective_function_value), float(out.mip_dual_bound)

        h.cbMipImprovingSolution.subscribe(improved)
        return kept

    @property
    def gap(self) -> float:
        """HiGHS's relative gap, :math:`|z - \\bar z| / |z|`, when the plan was reported."""
        return abs(self.bound - self.objective) / max(abs(self.objective), 1e-9)
