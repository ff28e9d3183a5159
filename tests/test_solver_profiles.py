"""Solver profiles: the shipped ones load; a broken profile file is refused before any solving, with its
file, line, option, what is wrong and what is allowed (exit 2, never an internal error)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import RoadmapError
from planner.solve.highs_options import highs_option_specs, option_problem
from planner.solve.profiles import PROFILE_DIR, load_profile
from tests.tiny_roadmap import TINY

PAGE = "https://ergo-code.github.io/HiGHS/stable/options/definitions/"
THREADS_ALLOWED = f"0 to {4 * (os.cpu_count() or 1)} (4 per core; 0: HiGHS chooses)"

# (profile text, the one line of the error after "error: <file>")
BROKEN = {
    "syntax": ("options:\n  threads: [1\n", ":3:1: YAML error: expected ',' or ']', but got '<stream end>' "
               "(allowed: YAML syntax)"),
    "list": ("- threads\n- 1\n", ":1:1: a solver profile must be a mapping (allowed: a mapping: "
             "'description: text' and 'options: {highs_option: value}')"),
    "python_tag": ("options: !!python/object/apply:os.system [echo hi]\n",
                   ":1:10: YAML tag '!!python/object/apply:os.system' is not allowed (allowed: plain YAML "
                   "mappings, lists and values)"),
    "unknown_option": ("options:\n  time_limt: 5\n", f":2:3: options.time_limt: unknown HiGHS option; did you mean "
                       f"'time_limit'? (allowed: a HiGHS option, listed at {PAGE})"),
    "threads": ("options:\n  threads: 10000\n", f":2:3: options.threads: 10000 is out of range (allowed: "
                f"{THREADS_ALLOWED})"),
    "time_limit_text": ("options:\n  time_limit: abc\n", ':2:3: options.time_limit: "abc" is not a number '
                        "(allowed: a number, 0 to inf)"),
    "gap_list": ("description: x\noptions:\n  mip_rel_gap: [1]\n", ":3:3: options.mip_rel_gap: [1] is not a "
                 "number (allowed: a number, 0 to inf)"),
    "negative_time_limit": ("options:\n  time_limit: -5\n", ":2:3: options.time_limit: -5 is out of range "
                            "(allowed: 0 to inf)"),
    "unquoted_on": ("options:\n  presolve: on\n", ':2:3: options.presolve: true is not a string (allowed: '
                    'Presolve: "off", "choose" or "on" (quote "on" and "off": YAML reads them as true and false))'),
    "string_value": ("options:\n  presolve: maybe\n", ':2:3: options.presolve: HiGHS refuses "maybe" (allowed: '
                     'Presolve: "off", "choose" or "on")'),
    "writes_a_file": ("options:\n  solution_file: roadmap.yaml\n", ":2:3: options.solution_file: options that "
                      "read or write files are not solver settings (allowed: solver settings only "
                      "(--export-model writes the model; planner writes the plan))"),
    "misspelt_section": ("option:\n  threads: 1\n", ":1:1: option: unknown key 'option' (allowed: description, "
                         "options)"),
}


def cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_profile_is_one_located_message_and_exit_2(case: str, tmp_path: Path, write_roadmap):
    text, expected = BROKEN[case]
    profile = tmp_path / "profile.yaml"
    profile.write_text(text, encoding="utf-8")
    code, out = cli("solve", write_roadmap(TINY), "--profile", profile, "--no-pdf", "--out", tmp_path / "out")
    assert code == 2, out
    assert out.strip() == f"error: {profile}{expected}"
    assert not (tmp_path / "out").exists()


def test_non_utf8_profile(tmp_path: Path):
    profile = tmp_path / "latin1.yaml"
    profile.write_bytes(b"description: r\xe9glage\n")  # Latin-1 e-acute after 14 bytes
    with pytest.raises(RoadmapError) as caught:
        load_profile(str(profile))
    assert str(caught.value) == f"{profile}: not UTF-8 text (byte 14) (allowed: a UTF-8 YAML file)"


def test_every_problem_of_a_profile_is_listed_at_once(tmp_path: Path):
    profile = tmp_path / "two.yaml"
    profile.write_text("options:\n  threads: -1\n  random_seed: 1.5\n  mip_rel_gap: 0.01\n", encoding="utf-8")
    with pytest.raises(RoadmapError) as caught:
        load_profile(str(profile))
    assert [(p.line, p.key) for p in caught.value.problems] == [(2, "options.threads"), (3, "options.random_seed")]
    assert caught.value.problems[1].message == "1.5 is not a whole number"
    assert caught.value.problems[1].allowed == "a whole number, 0 to 2,147,483,647"


@pytest.mark.parametrize("name", sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")))
def test_shipped_profiles_load(name: str):
    assert load_profile(name)["random_seed"] == 0


def test_highs_describes_its_options():
    specs = highs_option_specs()
    limit = specs["time_limit"]
    assert (limit.kind, limit.lower, limit.upper) == ("double", 0, float("inf"))
    assert (specs["simplex_strategy"].kind, specs["simplex_strategy"].upper) == ("integer", 4)
    assert specs["output_flag"].kind == "bool" and specs["presolve"].kind == "string"
    assert option_problem("threads", 4 * (os.cpu_count() or 1)) is None
    assert option_problem("threads", 4 * (os.cpu_count() or 1) + 1) is not None
    assert option_problem("mip_rel_gap", 0) is None and option_problem("mip_rel_gap", True) is not None
    assert option_problem("time_limit", 10**400) == (f"HiGHS refuses {10**400}", "Time limit (seconds)")  # no double


@pytest.mark.parametrize(("args", "expected"), [
    (["--time-limit", "-5"], "error: command line: --time-limit: time limit -5 s (allowed: a number of seconds "
                             "above 0)"),
    (["--mip-gap", "-1"], "error: command line: --mip-gap: MIP gap -1 (allowed: 0 to 1 (0.01 is 1 %))"),
])
def test_bad_command_line_limits(args: list[str], expected: str, tmp_path: Path, write_roadmap):
    code, out = cli("solve", write_roadmap(TINY), "--no-pdf", "--out", tmp_path / "out", *args)
    assert code == 2 and out.strip() == expected
