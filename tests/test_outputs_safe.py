"""Nothing lost: a failed, interrupted or killed run leaves the previous run's outputs exactly as they were."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import planner.results.write as write_module
from planner import load_roadmap, solve, write_run
from planner.cli import app
from planner.results.lock import lock_path
from planner.results.write import atomic_folder, recover

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "roadmaps" / "examples" / "minimal.yaml"


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(*args: object) -> int:
    return CliRunner().invoke(app, [str(a) for a in args]).exit_code


@pytest.fixture
def earlier(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An earlier run's outputs in ``tmp_path/out`` and their fingerprint."""
    out = tmp_path / "out"
    assert cli("solve", MINIMAL, "--no-pdf", "--out", out) == 0
    prints = fingerprint(out)
    assert "summary.json" in prints
    return out, prints


def leftovers(out: Path) -> list[str]:
    """What runs left beside ``out`` (its lock file, kept by design, aside)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p != lock_path(out))


def test_bad_input_leaves_earlier_outputs(earlier, write_roadmap):
    out, prints = earlier
    bad = write_roadmap(MINIMAL.read_text().replace("payload_t:", "paylod_t:"))
    assert cli("solve", bad, "--no-pdf", "--out", out) == 2
    assert fingerprint(out) == prints


def test_infeasible_roadmap_leaves_earlier_outputs(earlier, write_roadmap):
    out, prints = earlier
    infeasible = write_roadmap(MINIMAL.read_text().replace("at_least: 2000", "at_least: 2000000"))
    assert cli("solve", infeasible, "--no-pdf", "--out", out) == 3
    assert fingerprint(out) == prints


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_failure_while_writing_leaves_earlier_outputs(earlier, failure: BaseException):
    out, prints = earlier
    plan = solve(load_roadmap(MINIMAL))

    def extra(folder: Path) -> None:
        (folder / "report.pdf").write_bytes(b"half a report")
        raise failure

    with pytest.raises(type(failure)):
        write_run(plan, out, extra=extra)
    assert fingerprint(out) == prints
    assert leftovers(out) == []


def test_a_complete_run_replaces_every_file(earlier):
    out, _ = earlier
    (out / "stale.csv").write_text("from an older version\n")
    write_run(solve(load_roadmap(MINIMAL)), out)
    assert not (out / "stale.csv").exists()
    assert (out / "summary.json").exists()
    assert leftovers(out) == []


KILLED_WRITER = """
import sys, time
from pathlib import Path
from planner.results.write import atomic_folder
with atomic_folder(Path(sys.argv[1])) as folder:
    (folder / "summary.json").write_text("new and incomplete")
    Path(sys.argv[2]).write_text("writing")
    time.sleep(60)
"""


def test_a_run_killed_mid_write_leaves_earlier_outputs(earlier, tmp_path: Path):
    out, prints = earlier
    kill_when_marked([sys.executable, "-c", KILLED_WRITER, str(out)], tmp_path / "marker")
    assert fingerprint(out) == prints
    assert [name.split("-")[:2] for name in leftovers(out)] == [[f".{out.name}.planner", "partial"]]
    # the next run into the same folder removes what the killed one left
    assert cli("solve", MINIMAL, "--no-pdf", "--out", out) == 0
    assert leftovers(out) == []
    assert fingerprint(out)["summary.json"]


SWAP_KILLED = """
import os, sys, time
from pathlib import Path
import planner.results.write as write
if sys.argv[3] == "renames":
    write._renameat2 = None  # a system without an atomic exchange: two renames
rename, remove = os.replace, write.shutil.rmtree

def paused(step):
    Path(sys.argv[2]).write_text(step)
    time.sleep(60)

def replace(a, b):
    rename(a, b)
    if ".planner-old-" in str(b):
        paused("target aside, new outputs not yet in")

def rmtree(path, **kw):
    paused("new outputs in, previous ones not yet removed")

write.os.replace, write.shutil.rmtree = replace, rmtree
with write.atomic_folder(Path(sys.argv[1])) as folder:
    (folder / "summary.json").write_text("new")
"""


def kill_when_marked(command: list[str], marker: Path, *extra: str) -> None:
    """Run ``command marker *extra``; kill it (SIGKILL) as soon as it has written ``marker``."""
    writer = subprocess.Popen([*command, str(marker), *extra], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not marker.exists():
        assert writer.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait()


def kill_at_swap(out: Path, marker: Path, how: str) -> None:
    """Run a writer into ``out`` that stops inside the swap; kill it there."""
    kill_when_marked([sys.executable, "-c", SWAP_KILLED, str(out)], marker, how)


def test_a_run_killed_between_the_two_renames_is_undone_by_the_next_failing_run(earlier, tmp_path, write_roadmap):
    out, prints = earlier
    kill_at_swap(out, tmp_path / "marker", "renames")
    assert not out.exists()  # the window the two renames leave: the previous outputs are aside
    bad = write_roadmap(MINIMAL.read_text().replace("payload_t:", "paylod_t:"))
    assert cli("solve", bad, "--no-pdf", "--out", out) == 2  # fails on its roadmap, still puts them back
    assert fingerprint(out) == prints
    assert leftovers(out) == []


def test_a_run_killed_between_the_renames_is_undone_by_a_failing_run_into_the_default_folder(
        tmp_path, write_roadmap, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = Path("reports") / "minimal"
    assert cli("solve", MINIMAL, "--no-pdf") == 0
    prints = fingerprint(out)
    kill_at_swap(out.resolve(), tmp_path / "marker", "renames")
    bad = write_roadmap(MINIMAL.read_text().replace("payload_t:", "paylod_t:"), name="bad.yaml")
    assert cli("solve", bad, "--no-pdf") == 2  # its folder is unknown (no name read), reports/ is recovered
    assert fingerprint(out) == prints


def test_with_the_atomic_exchange_a_kill_leaves_old_or_new_outputs_whole(earlier, tmp_path):
    out, _ = earlier
    assert write_module._renameat2 is not None  # Linux (glibc 2.28+), where CI runs
    kill_at_swap(out, tmp_path / "marker", "exchange")
    assert fingerprint(out) == {".planner-output.json": fingerprint(out)[".planner-output.json"],
                                "summary.json": hashlib.sha256(b"new").hexdigest()}
    assert [name.split("-")[:2] for name in leftovers(out)] == [[f".{out.name}.planner", "partial"]]
    recover(out.parent)  # what the next run does first: the previous outputs left under the staging name go
    assert leftovers(out) == []


def test_recovery_touches_only_what_planner_named(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that has ended
    kept = [tmp_path / f".config.old-{gone.pid}-01", tmp_path / f".notes.partial-{gone.pid}-x",
            tmp_path / f".data.planner-old-{gone.pid}-0000abcd"]  # the last: not an output folder, target exists
    (tmp_path / "data").mkdir()
    for folder in kept:
        folder.mkdir()
        (folder / "mine.txt").write_text("mine\n")
    recover(tmp_path)
    assert all((folder / "mine.txt").read_text() == "mine\n" for folder in kept)


def test_a_live_runs_staging_folder_is_left_alone(tmp_path: Path):
    out = tmp_path / "out"
    with atomic_folder(out) as staging:
        recover(out)  # another run starting now must not remove this one's folder
        assert staging.exists()
        (staging / "a.csv").write_text("x\n")
    assert (out / "a.csv").exists()


def test_an_output_path_that_is_a_file_is_refused_and_kept(tmp_path: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine\n")
    result = CliRunner().invoke(app, ["solve", str(MINIMAL), "--no-pdf", "--out", str(notes)])
    assert result.exit_code == 2 and "the output path is a file" in result.output
    assert notes.read_text() == "mine\n"
