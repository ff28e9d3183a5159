"""The order of a sweep's scenarios: a tour through the design, cut into one contiguous lane per worker.

A warm re-solve (:mod:`planner.sweep.warm`) is fast when the basis it starts from belongs to a scenario
close to it in the design; its simplex iterations grow quickly with the distance. So consecutive scenarios
on a worker should be neighbours. :func:`tour` orders the design points by a greedy nearest-neighbour
walk (squared Euclidean distance between points scaled to [0, 1], each coordinate possibly weighed by
:mod:`planner.sweep.sensitivity`): start at the point with the smallest
coordinate sum (a corner of the design) and repeatedly step to the nearest point not yet visited. Each
step costs O(n d), the tour O(n^2 d): a fraction of a second for 10,000 points. On a one-dimensional
design the walk visits the points in increasing order. The greedy walk is not the shortest tour: its last
steps can be long jumps back to points it passed by, which the warm start absorbs by starting from the
nearest basis the worker has kept, not only the last one.

:class:`Lanes` cuts the tour into one contiguous piece per worker and hands each worker the next scenario
of its own piece. A worker whose piece is used up takes a piece left by a worker that is gone, else the
back half of the longest remaining piece, so no worker idles while scenarios wait; a worker that leaves
the cluster leaves its piece for the next free worker (its scenarios in flight are Dask's to reschedule).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Sequence
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")


def tour(points: Sequence[Sequence[float]]) -> list[int]:
    """Indices of ``points`` in greedy nearest-neighbour order (every index once; see the module text)."""
    n = len(points)
    if n == 0:
        return []
    xy = np.asarray(points, dtype=float).reshape(n, -1)
    if xy.shape[1] == 0:
        return list(range(n))
    left = np.arange(n)
    at = int(np.argmin(xy.sum(axis=1)))
    order = [at]
    left = left[left != at]
    while left.size:
        distances = np.sum((xy[left] - xy[at]) ** 2, axis=1)
        k = int(np.argmin(distances))
        at = int(left[k])
        order.append(at)
        left = np.delete(left, k)
    return order


def split(order: Sequence[T], pieces: int) -> list[list[T]]:
    """``order`` cut into ``pieces`` contiguous runs whose lengths differ by at most one (none empty unless
    there are fewer items than pieces)."""
    bounds = np.linspace(0, len(order), max(pieces, 1) + 1).round().astype(int)
    return [list(order[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


class Lanes(Generic[T]):
    """Contiguous pieces of a tour, each served by one worker; :meth:`take` gives a worker its next item."""

    def __init__(self, order: Sequence[T], workers: Sequence[str]):
        self.lanes: dict[str, deque[T]] = {w: deque(p) for w, p in zip(workers, split(order, len(workers)),
                                                                       strict=True)}
        self.orphans: list[deque[T]] = []

    @property
    def remaining(self) -> int:
        """Items not yet taken."""
        return sum(len(lane) for lane in self.lanes.values()) + sum(len(lane) for lane in self.orphans)

    def forget(self, alive: Collection[str]) -> None:
        """Workers not in ``alive`` are gone: their pieces wait for the next free worker."""
        for worker in [w for w in self.lanes if w not in alive]:
            lane = self.lanes.pop(worker)
            if lane:
                self.orphans.append(lane)

    def take(self, worker: str) -> T | None:
        """The next item for ``worker``: from its own piece; else a piece left by a gone worker; else the back
        half of the longest piece (when that holds two items or more). None when nothing is left to take."""
        lane = self.lanes.setdefault(worker, deque())
        if not lane and self.orphans:
            lane.extend(self.orphans.pop(0))
        if not lane:
            longest = max(self.lanes.values(), key=len)
            if len(longest) >= 2:
                back = [longest.pop() for _ in range(len(longest) // 2)]
                lane.extend(reversed(back))
        return lane.popleft() if lane else None
