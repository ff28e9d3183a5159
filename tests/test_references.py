"""What the shipped roadmaps and the README cite is in the repository: the reference tables (``reference/``),
the files their comments and ``source:`` notes name, the README's links and the repository paths it names;
and the package reads the reference's own Mars windows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference"
ROADMAPS = sorted((ROOT / "roadmaps").glob("*.yaml")) + sorted((ROOT / "roadmaps" / "examples").glob("*.yaml"))
README = ROOT / "README.md"

FILE_NAME = re.compile(r"(?<![\w./-])((?:\.\.?/)*[\w.-]+(?:/[\w.-]+)*\.(?:md|csv|yaml|json|py|txt))\b")
RELATIVE_FOLDER = re.compile(r"(?<![\w./-])((?:\.\./)+[\w./-]*)")
FOLDERS = ("planner", "tests", "benchmarks", "docs", "roadmaps", "solvers", "reference", ".ci")


def named(text: str) -> set[str]:
    """Every file name and every relative path (``../reference/``) in ``text``, without a sentence's full stop."""
    return {name.rstrip(".") for name in FILE_NAME.findall(text) + RELATIVE_FOLDER.findall(text)}


def cited_in_roadmap(text: str) -> set[str]:
    """Every file a roadmap's comments and notes name, and every relative path."""
    return named(text)


def found_from(name: str, folder: Path) -> Path | None:
    """Where ``name``, cited in a file of ``folder``, is in the repository: beside that file, from the
    repository's root, or (a bare file name) in ``reference/``."""
    places = [folder / name, ROOT / name] + ([REFERENCE / name] if "/" not in name else [])
    return next((p for p in places if p.exists() and p.resolve().is_relative_to(ROOT)), None)


@pytest.mark.parametrize("roadmap", ROADMAPS, ids=lambda p: p.stem)
def test_every_file_a_roadmap_cites_is_in_the_repository(roadmap: Path):
    cited = cited_in_roadmap(roadmap.read_text(encoding="utf-8"))
    assert [name for name in sorted(cited) if found_from(name, roadmap.parent) is None] == []


def test_the_baseline_cites_the_reference_tables():
    cited = cited_in_roadmap((ROOT / "roadmaps" / "baseline.yaml").read_text(encoding="utf-8"))
    assert {"../reference/", "parameters.md", "delta_v.csv", "mars_windows.csv"} <= cited
    assert {found_from(name, ROOT / "roadmaps") for name in ("parameters.md", "delta_v.csv", "mars_windows.csv")} \
        == {REFERENCE / "parameters.md", REFERENCE / "delta_v.csv", REFERENCE / "mars_windows.csv"}


def readme_citations() -> set[str]:
    """The README's relative links, relative paths, and repository paths it names in code spans; outside
    its code blocks (examples of a roadmap's own lines and of other folders)."""
    text = re.sub(r"```.*?```", "", README.read_text(encoding="utf-8"), flags=re.S)
    links = {target for target in re.findall(r"\]\(([^)\s]+)\)", text) if "://" not in target}
    spans = {path for span in re.findall(r"`([^`\n]+)`", text) for path in named(span)
             if path.split("/")[0] in FOLDERS}
    return links | spans | {path for path in named(text) if path.startswith("../")}


def test_every_file_the_readme_cites_is_in_the_repository():
    cited = readme_citations()
    assert {"reference/parameters.md", "docs/roadmap.schema.json", "planner/solve/method.py"} <= cited
    assert [name for name in sorted(cited) if found_from(name, ROOT) is None] == []


@pytest.mark.parametrize("table", ["mars_windows.csv", "delta_v.csv"])
def test_the_package_data_is_the_reference_table(table: str):
    from importlib.resources import files

    assert files("planner.data").joinpath(table).read_bytes() == (REFERENCE / table).read_bytes()
