"""Infeasible and unbounded roadmaps built on purpose, each explained in the roadmap's terms with amounts
checked by hand; ``solve`` and ``diagnose`` exit 3 with the same explanation and write nothing."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import diagnose as diagnose_module
from planner import load_roadmap
from planner.cli import app
from planner.diagnose import diagnose
from planner.errors import InfeasibleError, NoPlanError
from planner.model import build_model
from planner.solve import run as run_module
from planner.solve.budget import TimeBudget

# Launch cap 25 flights/yr in 2026 rising linearly to 145 in 2028, 100 t per flight: a year's cap is the
# table's mean over it, 55 in 2026 ((25 + 85) / 2) and 115 in 2027 ((85 + 145) / 2).
CAPPED = """\
name: capped
time: {start: 2026, end: 2028}
objective: {mode: min_cost}
locations: {earth_surface: {}, leo: {}}
commodities:
  cargo: {sources: [{location: earth_surface}]}
launch_vehicles:
  starship:
    payload_t: 100
    cost_per_flight_musd: 90
    max_flights_per_year: {2026: 25, 2028: 145, interpolation: linear}
demands:
  cargo_in_orbit: {location: leo, commodity: cargo, at_least: 20000, from: 2027}
"""
# By the end of 2027 at most (55 + 115) flights x 100 t = 17,000 t can be in orbit: 3,000 t short, which
# is 30 more flights; the cheapest relaxation relative to the cap is in 2027 (115) rather than 2026 (55).
SHORT_T = 20000 - (55 + 115) * 100
MORE_FLIGHTS = SHORT_T / 100


# The first Earth-Mars window opens on 2026-10-15 with a 294-day transit: nothing lands before
# August 2027, so a milestone due in 2026 cannot be met whatever the limits.
TOO_EARLY = """\
name: too_early
time: {start: 2026, end: 2028}
objective: {mode: min_cost}
locations: {earth_surface: {}, leo: {}, mars: {}}
commodities:
  cargo: {sources: [{location: earth_surface}]}
  propellant: {sources: [{location: leo}]}
routes:
  leo_mars: {from: leo, to: mars, dv_km_s: 3.6, windows: {table: mars}}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 1000, dry_mass_t: 100, isp_s: 380, propellant: propellant,
         initial_units: {leo: 1}}
launch_vehicles:
  starship: {payload_t: 100, cost_per_flight_musd: 90}
milestones:
  first_cargo: {description: first cargo on Mars, metric: {stock: {location: mars, commodity: cargo}},
                threshold: 1, deadline: 2026}
"""


def cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def test_demand_beyond_the_launch_cap_is_explained(tmp_path: Path, write_roadmap):
    path = write_roadmap(CAPPED)
    out_dir = tmp_path / "out"
    code, out = cli("solve", path, "--out", out_dir)
    assert code == 3, out
    assert "Traceback" not in out
    assert "has no feasible plan" in out
    assert f"launch cap of starship in 2027: needs {MORE_FLIGHTS:,.4g} more flights (the limit is 115)" in out
    assert f"demand 'cargo_in_orbit' (20,000 t of cargo at leo) in 2027: short by {SHORT_T:,.4g} t" in out
    assert not out_dir.exists()

    code, diagnosed = cli("diagnose", path)
    assert code == 3
    explanation = out[out.index("These requirements"):]
    assert explanation in diagnosed


def test_raising_the_limit_by_the_reported_amount_makes_it_feasible(write_roadmap):
    relaxed = CAPPED.replace("{2026: 25, 2028: 145, interpolation: linear}",
                             f"{{2026: 55, 2027: {115 + MORE_FLIGHTS:g}, 2028: 145}}")  # step: the same means
    code, out = cli("solve", write_roadmap(relaxed), "--no-pdf", "--out", write_roadmap("", "x").parent / "ok")
    assert code == 0, out


def test_diagnose_python_api_gives_rows_in_the_roadmaps_terms(write_roadmap):
    diagnosis = diagnose(build_model(load_roadmap(write_roadmap(CAPPED)).roadmap))
    assert not diagnosis.feasible
    [limit] = diagnosis.limits
    assert (limit.limit, limit.family, limit.index, limit.unit) == ("launch cap", "launch_cap", ("starship", 1),
                                                                   "flights")
    assert limit.amount == pytest.approx(MORE_FLIGHTS, rel=1e-6)
    [short] = diagnosis.requirements
    assert short.amount == pytest.approx(SHORT_T, rel=1e-6)


def test_budget_too_small_for_any_launch(write_roadmap):
    # 10 M$ a year for two years buys 20/90 of a 90 M$ flight: 100 t wanted, 100 * 20 / 90 t possible;
    # the funding must grow by 90 - 20 = 70 M$ over the two years.
    path = write_roadmap("""\
name: poor
time: {start: 2026, end: 2027}
objective: {mode: min_cost}
locations: {earth_surface: {}, leo: {}}
commodities:
  cargo: {sources: [{location: earth_surface}]}
launch_vehicles:
  starship: {payload_t: 100, cost_per_flight_musd: 90}
funding: {external_musd_per_year: 10}
demands:
  payload: {location: leo, commodity: cargo, at_least: 100, from: 2027}
""")
    diagnosis = diagnose(build_model(load_roadmap(path).roadmap))
    assert {r.limit for r in diagnosis.limits} == {"funding"}
    assert sum(r.amount for r in diagnosis.limits) == pytest.approx(70, rel=1e-6)
    [short] = diagnosis.requirements
    assert short.amount == pytest.approx(100 - 100 * 20 / 90, rel=1e-6)
    code, out = cli("solve", path, "--out", path.parent / "out")
    assert code == 3 and "funding in 20" in out and "more M$" in out


def test_milestone_before_the_first_mars_window(write_roadmap):
    path = write_roadmap(TOO_EARLY)
    code, out = cli("solve", path, "--out", path.parent / "out")
    assert code == 3, out
    assert "milestone 'first_cargo' (threshold 1: first cargo on Mars) by 2026: cannot be reached by its deadline" \
        in out
    assert "raise these limits" not in out and "limits are raised" not in out  # only the window is at fault
    later = path.read_text().replace("deadline: 2026", "deadline: 2027")
    path.write_text(later)
    assert cli("solve", path, "--no-pdf", "--out", path.parent / "out")[0] == 0


def test_unbounded_roadmap_names_the_decisions(write_roadmap):
    path = write_roadmap("""\
name: endless
time: {start: 2026, end: 2027}
objective: {mode: max_delivered, delivered: {location: leo, commodities: [cargo]}}
locations: {earth_surface: {}, leo: {}}
commodities:
  cargo: {sources: [{location: earth_surface}]}
launch_vehicles:
  starship: {payload_t: 100, cost_per_flight_musd: 90}
""")
    code, out = cli("solve", path, "--out", path.parent / "out")
    assert code == 3, out
    assert "is unbounded" in out
    assert "flights (starship) in 2027" in out and "launched (starship, cargo) in 2027" in out
    capped = path.read_text().replace("cost_per_flight_musd: 90}", "cost_per_flight_musd: 90, "
                                                                   "max_flights_per_year: 10}")
    path.write_text(capped)
    assert cli("solve", path, "--no-pdf", "--out", path.parent / "out")[0] == 0


def test_diagnose_on_a_feasible_roadmap_says_so(write_roadmap):
    code, out = cli("diagnose", write_roadmap(CAPPED.replace("at_least: 20000", "at_least: 2000")))
    assert code == 0
    assert "is feasible" in out


def test_diagnose_a_shipped_roadmap_with_overrides():
    # minimal.yaml: the same cap (25 -> 145 linear from 2026 to 2028) and 100 t per flight until 2029
    minimal = Path(__file__).resolve().parents[1] / "roadmaps" / "examples" / "minimal.yaml"
    code, out = cli("diagnose", minimal, "--set", "demands.cargo_in_orbit.at_least=20000",
                    "--set", "demands.cargo_in_orbit.from=2027")
    assert code == 3
    assert f"launch cap of starship in 2027: needs {MORE_FLIGHTS:g} more flights (the limit is 115)" in out


def test_crew_held_through_a_year_without_consumables_is_refused(tmp_path: Path, write_roadmap):
    # Reproducer D2: consumables can be made only from 2031, yet four people are held in LEO through 2030
    path = write_roadmap("""\
name: d2_consumption_leak
time: {start: 2030, end: 2031, step: year}
objective: {mode: min_cost}
locations:
  earth_surface: {}
  leo: {}
commodities:
  crew: {unit: person, unit_mass_t: 0.1, sources: [{location: earth_surface}]}
  consumables:
    sources: [{location: earth_surface, max_per_year: {2030: 0, 2031: 1000}}]
consumption:
  life_support: {consumer: crew, consumes: consumables, per_unit_per_day: 0.01, not_at: [earth_surface]}
launch_vehicles:
  lv: {payload_t: 100, cost_per_flight_musd: 1}
demands:
  crew_in_orbit: {location: leo, commodity: crew, at_least: 4, from: 2030, to: 2031}
""")
    # 2030's meals cannot be paid from 2031's supply: 4 people x 0.01 t/person-day x 365 days are missing
    missing = 4 * 0.01 * 365
    code, out = cli("solve", path, "--out", tmp_path / "out")
    assert code == 3, out
    assert "has no feasible plan" in out
    assert "demand 'crew_in_orbit' (4 person of crew at leo) in 2030: short by 4 person" in out
    assert f"life support of crew at leo in 2030: needs {missing:,.4g} more t of consumables" in out
    code, diagnosed = cli("diagnose", path)
    assert code == 3
    assert out[out.index("These requirements"):] in diagnosed


def ticking(step: float = 10.0):
    """A clock that moves ``step`` seconds each time it is read: a budget runs out after a known number of
    readings, without waiting."""
    return itertools.count(0.0, step).__next__


def test_a_diagnosis_out_of_time_returns_what_it_found_marked_partial(write_roadmap):
    built = build_model(load_roadmap(write_roadmap(CAPPED)).roadmap)
    full = diagnose(built)
    assert (full.resolves, full.partial) == (2, False)  # limits relaxed, then requirements relaxed
    # made at 0 s; the first re-solve reads 10 s (5 s left, half of it for the limits' re-solve),
    # the second reads 20 s: spent, so it never runs
    cut = diagnose(built, TimeBudget(15, clock=ticking()))
    assert cut.partial and cut.resolves == 1 < full.resolves
    assert cut.feasible is False  # the limits' re-solve needed relaxing: infeasibility is proven
    [limit] = cut.limits
    assert (limit.family, limit.index) == ("launch_cap", ("starship", 1))
    assert limit.amount == pytest.approx(MORE_FLIGHTS, rel=1e-6)
    assert cut.requirements == []
    text = cut.text()
    assert f"launch cap of starship in 2027: needs {MORE_FLIGHTS:g} more flights" in text
    assert "Partial answer: the diagnosis ran out of its 15 s time budget after 1 re-solve(s); more conflicts " \
           "may exist" in text
    assert isinstance(cut.error(), InfeasibleError)


def test_a_diagnosis_without_time_cannot_tell(write_roadmap):
    built = build_model(load_roadmap(write_roadmap(CAPPED)).roadmap)
    none = diagnose(built, TimeBudget(5, clock=ticking()))  # spent at its first reading
    assert (none.feasible, none.partial, none.resolves) == (None, True, 0)
    assert "No conflict found yet" in none.text() and "Partial answer" in none.text()
    assert isinstance(none.error(), NoPlanError)  # neither infeasible nor feasible is known
    assert isinstance(none.error(infeasible=True), InfeasibleError)  # unless the solver found it infeasible


def test_solve_time_limit_covers_the_diagnosis(monkeypatch, tmp_path: Path, write_roadmap):
    # the solve's budget is made at 0 s with --time-limit 15; the diagnosis reads 10 s, then 20 s
    monkeypatch.setattr(run_module, "TimeBudget", lambda seconds: TimeBudget(seconds, clock=ticking()))
    code, out = cli("solve", write_roadmap(CAPPED), "--time-limit", 15, "--out", tmp_path / "out")
    assert code == 3, out
    assert f"launch cap of starship in 2027: needs {MORE_FLIGHTS:g} more flights" in out
    assert "Partial answer: the diagnosis ran out of its 15 s time budget after 1 re-solve(s)" in out
    assert "demand 'cargo_in_orbit'" not in out


def test_diagnose_time_limit_on_the_command_line(write_roadmap):
    path = write_roadmap(CAPPED)
    code, out = cli("diagnose", path, "--time-limit", 60)
    assert code == 3 and "Partial answer" not in out and f"short by {SHORT_T:,.4g} t" in out
    code, out = cli("diagnose", path, "--time-limit", -5)
    assert code == 2
    assert out.strip() == "error: command line: --time-limit: time limit -5 s (allowed: a number of seconds above 0)"


def test_a_diagnosis_that_shows_no_plan_but_no_conflict_in_time_says_so(write_roadmap):
    built = build_model(load_roadmap(write_roadmap(TOO_EARLY)).roadmap)
    full = diagnose(built)
    assert full.resolves == 2 and not full.partial  # limits relaxed (not enough), then requirements relaxed
    # the limits' re-solve runs (relaxing them is not enough: no plan), the requirements' finds the budget spent
    cut = diagnose(built, TimeBudget(15, clock=ticking()))
    assert (cut.feasible, cut.partial, cut.resolves) == (False, True, 1)
    assert cut.text().startswith("No conflict found yet") and "Partial answer" in cut.text()
    assert isinstance(cut.error(), InfeasibleError)


def test_when_relaxing_the_limits_runs_out_of_time_the_requirements_still_get_the_rest(monkeypatch, write_roadmap):
    built = build_model(load_roadmap(write_roadmap(CAPPED)).roadmap)
    real = diagnose_module._solve
    calls: list[int] = []

    def first_stalls(*args, **kwargs):  # the limits' re-solve stops at its time limit, as a stalled one does
        calls.append(1)
        if len(calls) == 1:
            raise diagnose_module._OutOfTime
        return real(*args, **kwargs)

    monkeypatch.setattr(diagnose_module, "_solve", first_stalls)
    diagnosis = diagnose(built)
    assert (diagnosis.feasible, diagnosis.partial, diagnosis.resolves, len(calls)) == (False, True, 1, 2)
    assert diagnosis.limits == []
    [short] = diagnosis.requirements
    assert short.amount == pytest.approx(SHORT_T, rel=1e-6)
    assert diagnosis.text().startswith("These requirements cannot be met") and "Partial answer" in diagnosis.text()
