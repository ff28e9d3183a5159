"""A time budget shared by a sequence of solves: each takes its share of what is left.

The clock is injectable, so that a test can run a budget out without waiting for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TimeBudget:
    """``seconds`` from the moment it is made, by ``clock``."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    start: float = field(init=False)

    def __post_init__(self) -> None:
        self.start = self.clock()

    def left(self) -> float:
        """Seconds left (0 once spent)."""
        return max(0.0, self.seconds - (self.clock() - self.start))

    def share(self, solves: int) -> float:
        """The time limit of the next of ``solves`` solves still to run: an equal part of what is left (what
        a solve does not use passes to the next)."""
        return self.left() / max(1, solves)
