"""Bad input never crashes and never hangs: every case of the second robustness pass gives one located
message (file, line, key, what is wrong, what is allowed) and exit code 2 through the command line, for
``validate`` and for ``solve``; random mutations of a valid roadmap never give an internal error.

The large inputs are made here, in the test, not kept as files. How long the former hangs take is
measured by hand (see the branch's report), never asserted: a busy machine must not fail a test.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import RoadmapError
from planner.sweep.spec import variation

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = (ROOT / "roadmaps/examples/minimal.yaml").read_text(encoding="utf-8")
BOMB = ("[&a [1,1,1,1,1,1,1,1,1], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a], &c [*b,*b,*b,*b,*b,*b,*b,*b,*b], "
        "&d [*c,*c,*c,*c,*c,*c,*c,*c,*c], &e [*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e], "
        "&g [*f,*f,*f,*f,*f,*f,*f,*f,*f]]")
TUG = "vehicles:\n  tug: {payload_t: 1, propellant_capacity_t: 1, dry_mass_t: 1, isp_s: 300, propellant: cargo, "
PROCESS = "processes:\n  p: {location: leo, "


def cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def variant(old: str, new: str) -> str:
    """The minimal roadmap with ``old`` (which must be there) replaced once by ``new``."""
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1)


def the_time(spec: str) -> str:
    return variant("time: {start: 2026, end: 2030, step: year}", f"time: {spec}")


def symlink_loop(folder: Path) -> Path:
    loop = folder / "loop.yaml"
    os.symlink(loop, loop)
    return loop


def extends_a_loop(folder: Path) -> Path:
    symlink_loop(folder)
    path = folder / "roadmap.yaml"
    path.write_text("extends: loop.yaml\n" + MINIMAL, encoding="utf-8")
    return path


def extends_a_long_name(folder: Path) -> Path:
    path = folder / "roadmap.yaml"
    path.write_text(f"extends: {'b' * 300}.yaml\n" + MINIMAL, encoding="utf-8")
    return path


def a_long_chain_of_bases(folder: Path) -> Path:
    """``roadmap.yaml`` extends ``base1.yaml``, which extends ``base2.yaml``, ... to ``base1000.yaml``."""
    for i in range(1000):
        (folder / f"base{i + 1}.yaml").write_text(f"extends: base{i + 2}.yaml\n", encoding="utf-8")
    (folder / "base1001.yaml").write_text(MINIMAL, encoding="utf-8")
    path = folder / "roadmap.yaml"
    path.write_text("extends: base1.yaml\n", encoding="utf-8")
    return path


def unknown_locations_among_many() -> str:
    """2,000 declared locations and 2,000 demands at misspelt ones."""
    declared = "".join(f"  location_{i}: {{}}\n" for i in range(2000))
    wrong = "".join(f"  d{i}: {{location: locatoin_{i}, commodity: cargo, at_least: 1, from: 2029}}\n"
                    for i in range(2000))
    return MINIMAL.replace("locations:\n", "locations:\n" + declared).replace("demands:\n", "demands:\n" + wrong)


def daily_dates(count: int) -> str:
    first = datetime.date(2026, 1, 1)
    dates = ", ".join((first + datetime.timedelta(days=i)).isoformat() for i in range(count))
    return the_time(f"{{dates: [{dates}], end: 2085-01-01}}")


@dataclass(frozen=True)
class Case:
    """A bad roadmap (``text``, or a file that ``make`` lays in a folder), the fragments its one message must
    hold, where it is located (appended to the file name, or ``at`` in place of both), and solve options."""

    says: tuple[str, ...]
    line: str = ":"
    text: Callable[[], str] | None = None
    make: Callable[[Path], Path] | None = None
    at: str = ""
    options: tuple[str, ...] = ()


CASES: dict[str, Case] = {
    # dates that do not exist
    "day 30 of February": Case(("demands.cargo_in_orbit.from", "'2030-02-30' cannot be read as a date",
                                "day is out of range for month"), ":40:11:",
                               lambda: variant("from: 2029", "from: 2030-02-30")),
    "month 13": Case(("'2030-13-01' cannot be read as a date", "month must be in 1..12"), ":40:11:",
                     lambda: variant("from: 2029", "from: 2030-13-01")),
    "year 0": Case(("cannot be read as a date", "year 0 is out of range"), ":40:11:",
                   lambda: variant("from: 2029", "from: 0000-01-01")),
    "hour 25": Case(("cannot be read as a date", "hour must be in 0..23"), ":40:11:",
                    lambda: variant("from: 2029", "from: 2030-01-01 25:00:00")),
    "timestamp tag on garbage": Case(("YAML tag 'tag:yaml.org,2002:timestamp' is not allowed",), ":40:11:",
                                     lambda: variant("from: 2029", "from: !!timestamp garbage")),
    # characters YAML refuses
    "control character": Case(("character U+0001 is not allowed",), ":10:38:",
                              lambda: variant("Launch sites", "Launch\x01sites")),
    "NUL": Case(("character U+0000 is not allowed",), ":10:38:", lambda: variant("Launch sites", "Launch\x00sites")),
    "U+FFFE": Case(("character U+FFFE is not allowed",), ":10:38:",
                   lambda: variant("Launch sites", "Launch\ufffesites")),
    "DEL": Case(("character U+007F is not allowed",), ":10:38:", lambda: variant("Launch sites", "Launch\x7fsites")),
    # explicit tags
    "!!int abc": Case(("demands.cargo_in_orbit.at_least", "YAML tag 'tag:yaml.org,2002:int' is not allowed"),
                      ":39:15:", lambda: variant("at_least: 2000", "at_least: !!int abc")),
    "!!float abc": Case(("YAML tag 'tag:yaml.org,2002:float' is not allowed",), ":39:15:",
                        lambda: variant("at_least: 2000", "at_least: !!float abc")),
    "!!bool maybe": Case(("YAML tag 'tag:yaml.org,2002:bool' is not allowed",), ":39:15:",
                         lambda: variant("at_least: 2000", "at_least: !!bool maybe")),
    "!!binary invalid": Case(("locations.earth_surface.description", "YAML tag 'tag:yaml.org,2002:binary'"),
                             ":10:32:", lambda: variant("Launch sites", '!!binary "%%%"')),
    "!!binary valid": Case(("YAML tag 'tag:yaml.org,2002:binary' is not allowed",), ":10:32:",
                           lambda: variant("Launch sites", "!!binary aGVsbG8=")),
    # nesting
    "nesting 500 deep": Case(("nesting is too deep", "at most 40 levels"), ":42:",
                             lambda: MINIMAL + "x: " + "[" * 500 + "]" * 500 + "\n"),
    "nesting 100,000 deep": Case(("nesting is too deep", "at most 40 levels"), ":42:",
                                 lambda: MINIMAL + "x: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    # numbers a float cannot hold
    "10**400 as an amount": Case(("demands.cargo_in_orbit.at_least", "expected a number", "(401 characters)"),
                                 ":39:5:", lambda: variant("at_least: 2000", f"at_least: {10**400}")),
    "10**400 as a count": Case(("vehicles.tug.copies", "is too large for the solver", "(401 characters)"),
                               ":43:", lambda: MINIMAL + TUG + f"copies: {10**400}}}\n"),
    "1e400 as an amount": Case(("at_least", "value inf is too large for the solver"), ":39:5:",
                               lambda: variant("at_least: 2000", "at_least: 1e400")),
    "1e-12 as a threshold": Case(("milestones.m.threshold", "value 1e-12 is too small for the solver",
                                   "allowed: 0, or finite numbers from 1e-09 to 1e+15 in magnitude"), ":43:",
                                  lambda: MINIMAL + "milestones:\n  m: {metric: {delivered: {location: leo, "
                                                    "commodities: [cargo]}}, threshold: 1e-12}\n"),
    "NaN as an amount": Case(("demands.cargo_in_orbit.at_least",), ":39:5:",
                             lambda: variant("at_least: 2000", "at_least: .nan")),
    "NaN as a table value": Case(("launch_vehicles.starship.payload_t", "value nan is not a number"), ":21:5:",
                                 lambda: variant("      2029: 200\n", "      2029: .nan\n")),
    "10**100 as a table year": Case(("launch_vehicles.starship.payload_t", "is not a year (years are 1 to 9999)"),
                                    ":21:5:", lambda: variant("      2029: 200\n", f"      {10**100}: 200\n")),
    "10**400 as a table year": Case(("a key of 401 characters is too long", "payload_t.1000000000"), ":23:7:",
                                    lambda: variant("      2029: 200\n", f"      {10**400}: 200\n")),
    # names and keys
    "unknown name with markup": Case(("unknown location '[/]x[bold'",), ":37:5:",
                                     lambda: variant("location: leo", 'location: "[/]x[bold"')),
    "location named 1": Case(("locations.1", "expected text (got 1)"), ":11:3:",
                             lambda: variant("  leo: {description: Low Earth orbit}", "  1: {}")),
    "location named null": Case(("locations.None", "expected text (got None)"), ":11:3:",
                                lambda: variant("  leo: {description: Low Earth orbit}", "  null: {}")),
    "scenario names of mixed types": Case(("scenarios.1", "scenario name: a name is text, not int"), ":43:",
                                          lambda: MINIMAL + "scenarios:\n  1: {set: {}}\n  ok: {set: {}}\n"),
    "scenario named null": Case(("scenario name: a name is text, not NoneType",), ":43:",
                                lambda: MINIMAL + "scenarios:\n  null: {set: {}}\n"),
    # tables
    "2029 and 2029.0": Case(("payload_t.2029.0", "duplicate key '2029.0' (first at line 23)"), ":24:7:",
                            lambda: variant("      2029: 200\n", "      2029: 200\n      2029.0: 300\n")),
    "2029 and 2029-01-01": Case(("payload_t", "the table gives year 2029 twice, as 2029-01-01 and as 2029"),
                                ":21:5:", lambda: variant("      2029: 200\n", "      2029-01-01: 3\n      2029: 2\n")),
    "table date with a time of day": Case(("payload_t", "table key 2029-01-01 10:00:00 has a time of day"), ":21:5:",
                                          lambda: variant("      2029: 200\n", "      2029-01-01 10:00:00: 200\n")),
    "table year NaN": Case(("payload_t", "table key nan is not a year"), ":21:5:",
                           lambda: variant("      2029: 200\n", "      2029: 200\n      .nan: 300\n")),
    "table key value": Case(("payload_t", "table key 'value' is not a year",
                             "keys are years, dates, 'interpolation' and 'source'",
                             "{value: X, source: ...} is a single value"), ":21:5:",
                            lambda: variant("      2029: 200\n", "      2029: 200\n      value: 300\n")),
    # paths
    "symlink loop as the roadmap": Case(("cannot be opened: a symbolic link loop",), make=symlink_loop),
    "symlink loop in extends": Case(("extends", "base file 'loop.yaml' cannot be opened: a symbolic link loop"),
                                    ":1:1:", make=extends_a_loop),
    "file name too long": Case(("cannot be read: File name too long",),
                               make=lambda folder: folder / ("a" * 300 + ".yaml")),
    "file name too long in extends": Case(("extends", "cannot be opened"), ":1:1:", make=extends_a_long_name),
    "1,000 bases in a chain": Case(("the chain of 'extends:' bases is longer than 20", "at most 20 bases"),
                                   at="/base20.yaml:1:1: extends:", make=a_long_chain_of_bases),
    "NUL in extends": Case(("extends", "base file 'a\\x00b.yaml' cannot be opened: embedded null byte"), ":1:1:",
                           lambda: 'extends: "a\\0b.yaml"\n' + MINIMAL),
    # former hangs
    "key of 100 kB": Case(("a key of 100,000 characters is too long", "at most 200 characters"), ":11:5:",
                          lambda: variant("  leo: {description: Low Earth orbit}", f"  ? {'l' * 100_000}\n  : {{}}")),
    "reference of 100 kB": Case(("demands.cargo_in_orbit.location", "(100,000 characters)"), ":37:5:",
                                lambda: variant("location: leo", f"location: {'l' * 100_000}")),
    "name of 1 MB": Case(("file is 1,00", "at most 1,000,000 bytes"),
                         text=lambda: variant("location: leo", f"location: {'l' * 1_000_000}")),
    "2,000 unknown locations": Case(("demands.d0.location", "unknown location 'locatoin_0'",
                                     "did you mean 'location_0'?", "… (2,002 in all)", "... and 1,950 more problems"),
                                    ":2036:8:", unknown_locations_among_many),
    "1,200,000-item list": Case(("file is 4,80", "at most 1,000,000 bytes"),
                                text=lambda: MINIMAL + "x:\n" + "- 1\n" * 1_200_000),
    "3 MB line of flow YAML": Case(("file is 3,00", "at most 1,000,000 bytes"),
                                   text=lambda: MINIMAL + "x: [" + "1," * 1_500_000 + "]\n"),
    "300,000 values on one line": Case(("the YAML has too many values", "at most 50,000 values"), ":42:",
                                       lambda: MINIMAL + "x: [" + "1," * 300_000 + "]\n"),
    "100,000 unused locations": Case(("at most 1,000,000 bytes",), text=lambda: MINIMAL.replace(
        "locations:\n", "locations:\n" + "".join(f"  u{i}: {{}}\n" for i in range(100_000)))),
    "30,000 unused locations": Case(("the YAML has too many values",), ":", lambda: MINIMAL.replace(
        "locations:\n", "locations:\n" + "".join(f"  u{i}: {{}}\n" for i in range(30_000)))),
    "deploy_at 100,000 times": Case(("compute.deploy_at", "the YAML has too many values"), ":43:",
                                    lambda: MINIMAL + "compute:\n  deploy_at: [" + "leo, " * 100_000 + "]\n"),
    "deploy_at twice": Case(("compute.deploy_at", "'leo' is listed again at position 2; each name once"), ":43:",
                            lambda: MINIMAL + "compute:\n  deploy_at: [leo, leo]\n  satellites: {cargo: {}}\n"
                                              "  specific_power_w_per_kg: 100\n"),
    "20,000 dates": Case(("the horizon has 20,000 periods", "at most 5,000 periods"), ":5:1:",
                         lambda: daily_dates(20_000)),
    "alias bomb through --set": Case(("expands to too many values (aliases?)", "at most 50,000 values"),
                                     text=lambda: MINIMAL, at="--set description=[&a [1,1,1", options=("--set",
                                                                                           f"description={BOMB}")),
    "alias bomb through --set into a free-form field": Case(
        ("expands to too many values",), text=lambda: MINIMAL, at="--set sweep={vary: {x: [&a",
        options=("--set", f"sweep={{vary: {{x: {BOMB}}}}}")),
    # accepted before, wrong all the same
    "unknown location in not_at": Case(("consumption.eat.not_at", "unknown location 'mars'"), ":43:", lambda: (
        MINIMAL + "consumption:\n  eat: {consumer: cargo, consumes: cargo, per_unit_per_day: 1, not_at: [mars]}\n")),
    "negative initial units": Case(("vehicles.tug.initial_units.leo", "value -3 is out of range", "at least 0"),
                                   ":43:", lambda: MINIMAL + TUG + "initial_units: {leo: -3}}\n"),
    "negative process output": Case(("processes.p.outputs.cargo", "value -1 is out of range", "at least 0"),
                                    ":43:", lambda: MINIMAL + PROCESS + "capital: {cargo: 1}, outputs: {cargo: -1}}\n"),
    "negative process input": Case(("processes.p.inputs.cargo", "value -0.1 is out of range"), ":43:",
                                   lambda: MINIMAL + PROCESS + "capital: {cargo: 1}, outputs: {cargo: 1}, "
                                                               "inputs: {cargo: -0.1}}\n"),
    "negative capital productivity": Case(("processes.p.capital.cargo", "value -1 is out of range"), ":43:",
                                          lambda: MINIMAL + PROCESS + "capital: {cargo: -1}, outputs: {cargo: 1}}\n"),
    "negative power demand": Case(("locations.leo.power.demand_kw_per_unit.cargo", "value -5 is out of range"),
                                  ":11:", lambda: variant("{description: Low Earth orbit}", "{power: {generator: "
                                                          "cargo, kw_per_unit: 1, demand_kw_per_unit: {cargo: -5}}}")),
    "window closing before it opens": Case(
        ("routes.r.windows.0", "the window closes (2027-01-01) before it opens (2028-01-01)"), ":43:",
        lambda: MINIMAL + "routes:\n  r: {from: earth_surface, to: leo, windows: [{open: 2028-01-01, "
                          "close: 2027-01-01}]}\n"),
    "a date twice in time.dates": Case(("time.dates", "date 2027-01-01 is given twice (items 2 and 3)"), ":5:",
                                       lambda: the_time("{dates: [2026-01-01, 2027-01-01, 2027-01-01], "
                                                        "end: 2030-01-01}")),
    "horizon ending before its dates": Case(
        ("time.end", "the horizon ends on 2025-12-01 but its last period starts on 2027-01-01",
         "allowed: an end after 2027-01-01"), ":5:",
        lambda: the_time("{dates: [2026-01-01, 2027-01-01], end: 2025-12-01}")
        + "routes:\n  r: {from: earth_surface, to: leo, transit_days: 3}\n"),
}


def _runs() -> list[object]:
    """Every case through ``validate`` and ``solve`` (cases with solve options through ``solve`` only)."""
    return [pytest.param(name, command, id=f"{command}: {name}") for name, case in CASES.items()
            for command in ("validate", "solve") if command == "solve" or not case.options]


@pytest.mark.parametrize(("name", "command"), _runs())
def test_bad_input_gives_one_located_message(name: str, command: str, tmp_path: Path):
    case = CASES[name]
    if case.make is not None:
        roadmap = case.make(tmp_path)
    else:
        roadmap = tmp_path / "roadmap.yaml"
        roadmap.write_text(case.text(), encoding="utf-8")
    args: list[object] = [command, roadmap]
    if command == "solve":
        args += ["--no-pdf", "--out", tmp_path / "out", *case.options]
    code, out = cli(*args)
    assert code == 2, out[:2000]
    assert "internal error" not in out and "Traceback" not in out
    assert out.startswith("error: ")
    assert (case.at or f"{roadmap}{case.line}") in out, out[:2000]
    for fragment in case.says:
        assert fragment in out, out[:2000]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("spec", "says"), [
    (BOMB, "--vary a.b: the YAML expands to too many values (aliases?)"),
    ("[" * 600 + "]" * 600, "--vary a.b: 0.0.0.0"),
    ("[" * 600 + "]" * 600, "(at character 41 of the value)"),
    ("[2030-02-30]", "--vary a.b: 0: '2030-02-30' cannot be read as a date"),
])
def test_sweep_values_are_read_within_the_same_limits(spec: str, says: str):
    with pytest.raises(RoadmapError) as caught:
        variation("a.b", spec)
    assert says in str(caught.value)


def test_an_output_name_too_long(tmp_path: Path):
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(MINIMAL, encoding="utf-8")
    out_path = tmp_path / ("o" * 300)
    code, out = cli("solve", roadmap, "--no-pdf", "--out", out_path)
    assert code == 2, out
    assert "internal error" not in out and "Traceback" not in out
    assert f"{out_path}: --out: the output path cannot be used: File name too long" in out


def test_names_with_markup_are_printed_as_written(tmp_path: Path):
    text = (MINIMAL.replace("  leo:", '  "[/]leo[bold":').replace(" leo\n", ' "[/]leo[bold"\n')
            + 'milestones:\n  "[/]m[red":\n    metric: {delivered: {location: "[/]leo[bold", commodities: [cargo]}}\n'
              "    threshold: 1\n")
    folder = tmp_path / "[bold]in"
    folder.mkdir()
    roadmap = folder / "[red]roadmap[.yaml"
    roadmap.write_text(text, encoding="utf-8")
    code, out = cli("validate", roadmap)
    assert code == 0 and f"valid {roadmap}" in out
    code, out = cli("solve", roadmap, "--no-pdf", "--out", folder / "[red]out")
    assert code == 0, out
    assert "│ [/]m[red " in out
    assert f"outputs: {folder / '[red]out'}/" in out


# Property-based: whole classes of bad values, each refused with its located message.

ROADMAP_CLI = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(tmp_path: Path, text: str, *fragments: str) -> str:
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(text, encoding="utf-8")
    code, out = cli("validate", roadmap)
    assert code == 2, out
    assert "internal error" not in out and "Traceback" not in out
    for fragment in (str(roadmap), *fragments):
        assert fragment in out, out
    return out


def _exists(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


@ROADMAP_CLI
@given(st.tuples(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99)).filter(lambda d: not _exists(*d)))
def test_dates_that_do_not_exist(tmp_path: Path, when: tuple[int, int, int]):
    written = f"{when[0]:04d}-{when[1]:02d}-{when[2]:02d}"
    check(tmp_path, variant("from: 2029", f"from: {written}"), ":40:11:", f"'{written}' cannot be read as a date")


FORBIDDEN = [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + [0x7F] \
    + [c for c in range(0x80, 0xA0) if c != 0x85] + [0xFFFE, 0xFFFF]


@ROADMAP_CLI
@given(st.sampled_from(FORBIDDEN))
def test_characters_yaml_refuses(tmp_path: Path, code: int):
    check(tmp_path, variant("Launch sites", f"Launch{chr(code)}sites"), ":10:38:",
          f"character U+{code:04X} is not allowed")


@ROADMAP_CLI
@given(st.sampled_from(["!!int", "!!float", "!!bool", "!!str", "!!null", "!!binary", "!!timestamp", "!!set",
                        "!!omap", "!thing", "!", "!!python/name:os.system", "!replace"]),
       st.text(alphabet="abcdefgh0123456789=+/.", min_size=1, max_size=12))
def test_explicit_tags_on_values(tmp_path: Path, tag: str, value: str):
    check(tmp_path, variant("at_least: 2000", f"at_least: {tag} {value}"), ":39:15:", "demands.cargo_in_orbit",
          "'!replace' before a mapping")


@settings(ROADMAP_CLI, max_examples=20)
@given(st.integers(41, 2_000), st.sampled_from(["[", "{a: "]))
def test_nesting_of_any_depth(tmp_path: Path, depth: int, opening: str):
    closing = "]" if opening == "[" else "}"
    check(tmp_path, MINIMAL + "x: " + opening * depth + "1" + closing * depth + "\n", ":42:", "nesting is too deep")


@ROADMAP_CLI
@given(st.integers(10**16, 10**1000) | st.sampled_from([".inf", "-.inf", ".nan", "1e400", "-1e999"]))
def test_numbers_the_solver_cannot_use(tmp_path: Path, number: int | str):
    check(tmp_path, MINIMAL + TUG + f"copies: 1, launch_flights_per_unit: {number}}}\n", ":43:",
          "vehicles.tug.launch_flights_per_unit")


# Random mutations of a valid roadmap: any outcome but an internal error.

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(), st.text(max_size=20),
                    st.dates(), st.just("[/]"), st.just("&a x"), st.just("*a"), st.just("!!binary x"))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=8) | st.integers(), inner, max_size=3), max_leaves=6)


def _key_paths(data: object, at: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    paths = [at] if at else []
    if isinstance(data, dict):
        paths += [p for k, v in data.items() for p in _key_paths(v, at + (k,))]
    elif isinstance(data, list):
        paths += [p for i, v in enumerate(data) for p in _key_paths(v, at + (i,))]
    return paths


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The minimal roadmap with a key deleted, a value replaced by any YAML value, or text inserted."""
    how = draw(st.sampled_from(["delete", "replace", "insert"]))
    if how == "insert":
        at = draw(st.integers(0, len(MINIMAL)))
        return MINIMAL[:at] + draw(st.text(max_size=30)) + MINIMAL[at:]
    data = yaml.safe_load(MINIMAL)
    path = draw(st.sampled_from(_key_paths(data)))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if how == "delete":
        del parent[path[-1]]
        return yaml.safe_dump(data, sort_keys=False)
    parent[path[-1]] = "@@VALUE@@"
    return yaml.safe_dump(data, sort_keys=False).replace("'@@VALUE@@'", draw(
        VALUES.map(lambda v: yaml.safe_dump(v, default_flow_style=True).strip().removesuffix("\n...")) | st.text()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated())
def test_mutated_roadmaps_never_give_an_internal_error(tmp_path: Path, text: str):
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, out = cli("validate", roadmap)
    assert code in (0, 2), out
    assert "internal error" not in out and "Traceback" not in out
