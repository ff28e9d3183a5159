"""Where a command's outputs go, and how they replace what was there without losing a file.

Every command that writes a folder (``solve``, ``report``, ``compare``, ``sweep``, ``pareto``) follows
these rules:

* **Whose folder.** A folder is planner's to replace only if it is new, empty, or an output folder of
  planner: one holding the marker :data:`MARKER` (written into every folder planner fills) or, from
  before markers, the pair of files a run, sweep, frontier or comparison always has
  (:data:`LEGACY_SIGNATURES`). Any other folder (a user's files, the roadmap's own folder) is refused
  unless ``force``. A file, a symbolic link, the working directory and its ancestors are refused always.
* **One writer.** The folder is locked while a command writes it (:mod:`planner.results.lock`); a second
  run into it fails at once, naming the first.
* **All at once.** A run's outputs are written into a staging folder beside the target
  (``.NAME.planner-partial-PID-*``) and swapped in by one atomic exchange (Linux ``renameat2`` with
  ``RENAME_EXCHANGE``); the previous outputs, now under the staging name, are then removed. Where the
  exchange is not available, two renames: the target aside to ``.NAME.planner-old-PID-*``, the staging folder
  in. A run killed between them leaves the previous outputs aside; every later command that writes
  beside them, or names them, puts them back first (:func:`recover`), before anything can fail.
* Folders written in place (a sweep that resumes, a comparison) are locked, checked and marked the
  same way (:func:`output_folder`), and never have a file removed.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from planner.errors import Problem, RoadmapError
from planner.results.lock import folder_lock

MARKER = ".planner-output.json"
LEGACY_SIGNATURES = (("summary.json", "roadmap.resolved.yaml"), ("sweep.json", "design.csv"),
                     ("frontier.csv", "frontier.png"), ("compare_milestones.csv", "compare_headlines.csv"))
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.planner-(?P<kind>partial|old)-(?P<pid>\d+)-[a-z0-9_]+")


def is_output_folder(folder: Path) -> bool:
    """Whether ``folder`` was written by planner (its marker, or a signature from before markers)."""
    return (folder / MARKER).is_file() or any(all((folder / f).is_file() for f in pair) for pair in LEGACY_SIGNATURES)


def check_target(target: Path, force: bool = False) -> None:
    """Refuse an output folder that is not planner's to replace; see the module's rules."""
    try:
        _check_path(target)
        _check_contents(target, force)
    except OSError as exc:  # a name too long, a symlink loop: the system cannot look the path up
        _refuse(target, f"the output path cannot be used: {exc.strerror or exc}", "a folder path the system accepts")


def _check_path(target: Path) -> None:
    if target.is_symlink():
        _refuse(target, "the output path is a symbolic link", "a folder path that is not a link")
    if target.exists() and not target.is_dir():
        _refuse(target, "the output path is a file, not a folder", "a folder (it is replaced as a whole) or a new name")
    here, full = Path.cwd().resolve(), target.resolve()
    if full == here or full in here.parents:
        _refuse(target, "the output folder is the working directory or holds it",
                "a folder below it, such as reports/NAME")


def _check_contents(target: Path, force: bool) -> None:
    if force or not target.is_dir() or is_output_folder(target) or next(target.iterdir(), None) is None:
        return
    _refuse(target, "this folder holds files that planner did not write, and writing the outputs here would "
            "replace them", "a new or empty folder, an earlier output folder of planner, or --force")


def _refuse(target: Path, message: str, allowed: str) -> None:
    raise RoadmapError([Problem(message, key="--out", file=str(target), allowed=allowed)])


@contextmanager
def atomic_folder(target: Path, kind: str = "run", force: bool = False) -> Iterator[Path]:
    """Yield a fresh staging folder; on success it replaces ``target`` whole, on failure it is removed."""
    target = Path(target)
    with _claimed(target, force):
        with _located(target.parent):
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.planner-partial-{os.getpid()}-", dir=target.parent))
        try:
            yield staging
            _mark(staging, kind)
            _swap(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


@contextmanager
def output_folder(target: Path, kind: str, force: bool = False) -> Iterator[Path]:
    """Lock ``target``, check it is planner's to write (see the module's rules), create and mark it; for
    folders written in place, file by file (sweeps that resume, comparisons)."""
    target = Path(target)
    with _claimed(target, force):
        with _located(target):
            target.mkdir(parents=True, exist_ok=True)
            if not (target / MARKER).is_file():
                _mark(target, kind)
        yield target


@contextmanager
def _claimed(target: Path, force: bool) -> Iterator[None]:
    """Hold ``target``'s lock, with what killed runs left beside it recovered, once it is planner's to write."""
    _check_path(target)
    with folder_lock(target):
        with _located(target.parent):
            recover(target.parent)
            _check_contents(target, force)
        yield


@contextmanager
def _located(where: Path) -> Iterator[None]:
    """A file-system error in the block as a located message about ``where``."""
    try:
        yield
    except OSError as exc:
        raise RoadmapError([Problem(f"cannot write outputs here: {exc.strerror}", key="--out",
                                    file=str(where))]) from None


def _mark(folder: Path, kind: str) -> None:
    write_json(folder / MARKER, {"written_by": "planner", "kind": kind})


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in place of ``target``: one atomic exchange where the system has it, else two renames."""
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous outputs
        return
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.planner-old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names of ``a`` and ``b`` in one atomic step (Linux ``renameat2``, ``RENAME_EXCHANGE``);
    False where the system or the file system does not offer it."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def recover(parent: Path) -> None:
    """Undo what killed runs left in ``parent``: put previous outputs set aside back in place, remove
    staging folders. Only folders named as planner names them are touched, never those of a run alive."""
    if not parent.is_dir():
        return
    for leftover in sorted(parent.glob(".*.planner-*")):
        match = _LEFTOVER.fullmatch(leftover.name)
        if match is None or leftover.is_symlink() or not leftover.is_dir() or _alive(int(match["pid"])):
            continue
        target = parent / match["name"]
        if match["kind"] == "old" and not target.exists():
            os.replace(leftover, target)
        elif match["kind"] == "partial" or is_output_folder(leftover):
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
