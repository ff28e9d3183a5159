"""One writer per output folder: an advisory lock beside the folder that names the run holding it.

The lock is ``.NAME.lock`` in the folder's parent, locked with ``flock`` (released by the kernel when
the process ends, however it ends) and holding a line about its holder: process id, command line and
start time, so that a second run into the same folder fails at once with who holds it. The lock is
re-entrant within a process (a command that locks its folder early may write through functions that
lock it again). The lock file itself is left in place: removing it would let a third run lock a new
file while a second still waits on the old one.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from planner.errors import Problem, RoadmapError

_held: dict[Path, int] = {}


def lock_path(target: Path) -> Path:
    """Where the lock of output folder ``target`` lives."""
    return target.parent / f".{target.name}.lock"


@contextmanager
def folder_lock(target: Path) -> Iterator[None]:
    """Hold the lock of output folder ``target``; raise :class:`RoadmapError` naming the holder if taken."""
    key = Path(os.path.abspath(target))
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    path = lock_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise RoadmapError([Problem(f"cannot lock the output folder: {exc.strerror}", key="--out",
                                    file=str(target))]) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RoadmapError([Problem(f"another run is writing this folder ({_holder(fd)})", key="--out",
                                        file=str(target), allowed="wait for it to finish, or another --out")]) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "command": " ".join(sys.argv),
                                 "started": time.strftime("%Y-%m-%d %H:%M:%S")}).encode() + b"\n")
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _holder(fd: int) -> str:
    try:
        holder = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"process {holder['pid']}, '{holder['command']}', started {holder['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that is starting"
