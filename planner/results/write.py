"""Write a run's outputs all at once: into a temporary folder beside the target, then swapped in.

A failed or interrupted run never leaves a half-written folder and never touches the previous run's
outputs: the old folder is replaced only after the new one is complete. The swap is two renames
(target aside, staging in); a run killed between them leaves the previous outputs aside under a name
with its process id, and the next run into the same folder puts them back before it starts. Staging
folders of runs that were killed (their process is gone) are removed the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from planner.errors import Problem, RoadmapError


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success it replaces ``target``, on failure it is removed."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise RoadmapError([Problem("the output path is a file, not a folder", key="--out", file=str(target),
                                    allowed="a folder (it is replaced as a whole) or a new name")])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        recover(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        raise RoadmapError([Problem(f"cannot write outputs here: {exc.strerror}", key="--out",
                                    file=str(target.parent))]) from None
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def recover(target: Path) -> None:
    """Undo what killed runs left beside ``target``: put previous outputs back, drop partial folders."""
    for leftover in sorted(target.parent.glob(f".{target.name}.*-*-*")):
        kind, _, rest = leftover.name[len(target.name) + 2:].partition("-")
        pid = rest.partition("-")[0]
        if kind not in ("partial", "old") or not pid.isdigit() or _alive(int(pid)):
            continue
        if kind == "old" and not target.exists():
            os.replace(leftover, target)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


def write_yaml(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
