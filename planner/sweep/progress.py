"""Where a running sweep stands, and the terminal progress bar that shows it (done, failed, time left)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@dataclass
class SweepProgress:
    """Counts of a sweep (passed to the progress callback after each scenario)."""

    total: int
    skipped: int
    done: int = 0
    failed: int = 0
    started: float = 0.0

    @property
    def remaining(self) -> int:
        return self.total - self.skipped - self.done

    def eta_s(self) -> float:
        """Seconds left at the rate seen so far in this run (NaN before the first result)."""
        if self.done == 0:
            return math.nan
        return (time.perf_counter() - self.started) / self.done * self.remaining


@contextmanager
def progress_bar(console: Console) -> Iterator[Callable[[SweepProgress], None]]:
    """A rich progress bar; yields the callback that updates it."""
    columns = (TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]} failed"),
               TimeElapsedColumn(), TextColumn("left {task.fields[left]}"))
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("sweep", total=None, failed=0, left="?")

        def update(p: SweepProgress) -> None:
            eta = p.eta_s()
            left = "?" if math.isnan(eta) else time.strftime("%H:%M:%S", time.gmtime(eta))
            bar.update(task, total=p.total, completed=p.skipped + p.done, failed=p.failed, left=left)
        yield update
