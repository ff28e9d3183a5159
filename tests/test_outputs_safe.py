"""Nothing lost: a failed, interrupted or killed run leaves the previous run's outputs exactly as they were."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import load_roadmap, solve, write_run
from planner.cli import app
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
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


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
    marker = tmp_path / "marker"
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(out), str(marker)], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not marker.exists():
        assert writer.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert fingerprint(out) == prints
    assert [name.split("-")[0] for name in leftovers(out)] == [f".{out.name}.partial"]
    # the next run into the same folder removes what the killed one left
    assert cli("solve", MINIMAL, "--no-pdf", "--out", out) == 0
    assert leftovers(out) == []
    assert fingerprint(out)["summary.json"]


def test_a_run_killed_between_the_renames_is_undone(earlier):
    out, prints = earlier
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that has ended
    aside = out.parent / f".{out.name}.old-{gone.pid}-0000abcd"
    os.replace(out, aside)  # what a run killed after its first rename leaves
    recover(out)
    assert fingerprint(out) == prints
    assert leftovers(out) == []


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
