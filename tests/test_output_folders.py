"""Whose folder: no command that writes deletes or replaces a file that planner did not write.

Names never become paths, a folder of someone else's files is refused unless ``--force``, the working
directory is never an output folder, and two runs into one folder do not race.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner.cli import app
from planner.results.write import MARKER, is_output_folder
from planner.schema.names import name_problem
from tests.test_outputs_safe import MINIMAL, ROOT, fingerprint
from tests.tiny_roadmap import TINY


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (lock files aside) with its content hash."""
    return {k: v for k, v in fingerprint(folder).items() if not k.endswith(".lock")}


@pytest.fixture
def planted(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A user's folder with a file in it, and the fingerprint of the whole temporary tree."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("months of work\n")
    return folder, fingerprint(folder)


@pytest.mark.parametrize("name", ["../../x", "/tmp/abs", "x/../../../y", "", ".", "..", "[/]", "a b", "-rf",
                                  "x" * 100_000])
def test_a_name_that_is_a_path_or_empty_is_refused_and_nothing_is_written(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    roadmap = tmp_path / "r.yaml"
    roadmap.write_text(MINIMAL.read_text().replace("name: minimal", f"name: {name!r}"))
    before = sorted(tmp_path.parent.iterdir())
    code, output = run("solve", roadmap, "--no-pdf")
    assert code == 2
    assert "r.yaml:3:1: name: cannot name an output folder" in output
    assert sorted(tmp_path.parent.iterdir()) == before and sorted(tmp_path.iterdir()) == [roadmap]


@pytest.mark.parametrize("scenario", ["../up", "''", "1", "null", "a/b"])
def test_a_scenario_name_that_cannot_name_a_folder_is_refused(write_roadmap, scenario):
    roadmap = write_roadmap(MINIMAL.read_text() + f"\nscenarios:\n  {scenario}:\n    set: {{}}\n")
    code, output = run("validate", roadmap)
    assert code == 2 and "scenario name:" in output
    assert "cannot name an output folder" in output or "a name is text" in output


@pytest.mark.parametrize("spec", ["[a, b]", "'x'"])
def test_a_scenario_set_that_is_not_a_mapping_is_refused(write_roadmap, spec):
    roadmap = write_roadmap(MINIMAL.read_text() + f"\nscenarios:\n  s:\n    set: {spec}\n")
    code, output = run("validate", roadmap, "--scenario", "s")
    assert code == 2 and "scenarios.s.set: a scenario's 'set' maps dotted keys to values" in output


@settings(max_examples=2000, deadline=None)
@given(st.text(max_size=80))
def test_every_name_accepted_is_a_folder_directly_under_reports(name):
    if name_problem(name) is None:
        reports = Path("/x/reports")
        assert os.path.normpath(reports / name) == str(reports / name)
        assert (reports / name).parent == reports and name not in (".", "..")


def test_a_folder_of_user_files_is_refused_and_kept_unless_forced(planted):
    folder, prints = planted
    code, output = run("solve", MINIMAL, "--no-pdf", "--out", folder)
    assert code == 2 and "holds files that planner did not write" in output and "--force" in output
    assert fingerprint(folder) == prints
    assert run("solve", MINIMAL, "--no-pdf", "--out", folder, "--force")[0] == 0
    assert is_output_folder(folder) and not (folder / "notes.txt").exists()  # --force: replaced, as asked


def test_the_roadmaps_own_folder_is_refused(tmp_path):
    roadmap = tmp_path / "plans" / "minimal.yaml"
    roadmap.parent.mkdir()
    roadmap.write_text(MINIMAL.read_text())
    assert run("solve", roadmap, "--no-pdf", "--out", roadmap.parent)[0] == 2
    assert roadmap.read_text() == MINIMAL.read_text()


def test_an_empty_folder_and_an_earlier_run_are_replaced(tmp_path):
    (tmp_path / "empty").mkdir()
    assert run("solve", MINIMAL, "--no-pdf", "--out", tmp_path / "empty")[0] == 0
    assert run("solve", MINIMAL, "--no-pdf", "--out", tmp_path / "empty")[0] == 0
    assert (tmp_path / "empty" / MARKER).is_file()


def test_a_run_folder_from_before_markers_is_still_planners(tmp_path):
    old = tmp_path / "old"
    assert run("solve", MINIMAL, "--no-pdf", "--out", old)[0] == 0
    (old / MARKER).unlink()  # as written by an earlier version of planner
    assert run("solve", MINIMAL, "--no-pdf", "--out", old)[0] == 0


@pytest.mark.parametrize("out", ["", ".", ".."])
def test_the_working_directory_and_its_parents_are_never_output_folders(tmp_path, monkeypatch, out):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, output = run("solve", MINIMAL, "--no-pdf", "--out", out, "--force")
    assert code == 2 and "the output folder is the working directory or holds it" in output
    assert list(work.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["work"]


def test_a_symbolic_link_is_refused(tmp_path, planted):
    folder, prints = planted
    link = tmp_path / "link"
    link.symlink_to(folder)
    assert run("solve", MINIMAL, "--no-pdf", "--out", link, "--force")[0] == 2
    assert fingerprint(folder) == prints and link.is_symlink()


HOLDER = """
import sys, time
from pathlib import Path
from planner.results.lock import folder_lock
with folder_lock(Path(sys.argv[1])):
    Path(sys.argv[2]).write_text("locked")
    time.sleep(60)
"""


def test_a_second_run_into_a_locked_folder_fails_at_once_naming_the_first(tmp_path):
    out, marker = tmp_path / "out", tmp_path / "marker"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out), str(marker)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert holder.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        code, output = run("solve", MINIMAL, "--no-pdf", "--out", out)
        assert code == 2 and f"another run is writing this folder (process {holder.pid}," in output
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()
    assert run("solve", MINIMAL, "--no-pdf", "--out", out)[0] == 0  # the lock goes with its process


def test_every_command_that_writes_leaves_a_planted_file_intact(tmp_path, planted, write_roadmap):
    """solve, report, compare, sweep, pareto and snapshot pointed at a user's folder, in every way."""
    folder, prints = planted
    run_dir = tmp_path / "run"
    assert run("solve", MINIMAL, "--no-pdf", "--out", run_dir)[0] == 0
    tiny = write_roadmap(TINY, name="tiny.yaml")
    evil = write_roadmap(MINIMAL.read_text().replace("name: minimal", f"name: '{folder}'"), name="evil.yaml")
    attempts = [
        ("solve", MINIMAL, "--no-pdf", "--out", folder),
        ("solve", evil, "--no-pdf"),
        ("report", run_dir, "--no-pdf", "--out", folder),
        ("report", folder, "--no-pdf"),
        ("compare", run_dir, MINIMAL, "--out", folder),
        ("sweep", tiny, "--vary", "funding.external_musd_per_year=[1000,2000]", "--workers", "1", "--out", folder),
        ("pareto", tiny, "--points", "3", "--out", folder),
        ("snapshot", MINIMAL, "--out", folder),
    ]
    codes = {}
    for args in attempts:
        codes[" ".join(str(a) for a in args[:2])] = run(*args)[0]
        assert fingerprint(folder)["notes.txt"] == prints["notes.txt"], args
    assert codes == {f"solve {MINIMAL}": 2, f"solve {evil}": 2, f"report {run_dir}": 2, f"report {folder}": 2,
                     f"compare {run_dir}": 2, f"sweep {tiny}": 2, f"pareto {tiny}": 2,
                     f"snapshot {MINIMAL}": 0}  # a golden is one more file beside the user's, not a replacement
    assert sorted(tree(folder)) == ["minimal.json", "notes.txt"]
