"""The numerics pass (planner/solve/numerics.py): what inspect counts and warns about, what condition drops,
turns into bounds and scales, and that solving the conditioned copy gives the model's plan and duals.

The tiny model, by hand (x, y, z, w >= 0; x <= 5, y <= 4, w <= 1)::

    maximize   3x + 2y + z + w
    cap:       x + y <= 10                       redundant: x + y <= 9 by the bounds
    single:    2x <= 6                           a bound in disguise: x <= 3
    mix[1]:    p y + z <= 5000   (p = 1000)      slack at the optimum
    mix[2]:    1e-5 y + 1e-5 z <= 0.01           i.e. y + z <= 1000
    (w is in no row: an empty column)

Optimum x = 3, y = 4, z = 996, w = 1, objective 9 + 8 + 996 + 1 = 1014. The duals are unique: z is basic
with cost 1, so 1e-5 y_mix2 = 1, y_mix2 = 1e5; x is held only by ``single``: 2 y_single = 3, y_single = 1.5;
``cap`` and ``mix[1]`` are slack, 0. ``mix``'s coefficients span 1e-5 to 1000 (1e8 > 1e6): warned, with the
roadmap key declared for ``p``.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import highspy
import numpy as np
import pyomo.core as pyo
import pytest
from typer.testing import CliRunner

from planner import load_roadmap
from planner.cli import app
from planner.model import build_model
from planner.model.parameters import Parameter
from planner.model.registry import Family, Registry
from planner.regression.aggregates import aggregates, evaluate
from planner.regression.snapshot import milestone_periods
from planner.results.tables import plan_tables
from planner.solve.highs_backend import Compiled, compile_model, max_violation, run_highs
from planner.solve.numerics import condition, inspect
from planner.solve.run import SolveOptions, solve, solve_stages

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD_KEY = "launch_vehicles.*.payload_t"


def tiny(sense: int = pyo.maximize, p_is_parameter: bool = True) -> tuple[pyo.ConcreteModel, Registry]:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(bounds=(0, 5))
    m.y = pyo.Var(bounds=(0, 4))
    m.z = pyo.Var(domain=pyo.NonNegativeReals)
    m.w = pyo.Var(bounds=(0, 1))
    m.p = pyo.Param(mutable=True, initialize=1000.0)
    p = m.p if p_is_parameter else 1000.0
    m.cap = pyo.Constraint(expr=m.x + m.y <= 10)
    m.single = pyo.Constraint(expr=2 * m.x <= 6)
    m.mix = pyo.Constraint([1, 2], rule=lambda mm, i: p * mm.y + mm.z <= 5000 if i == 1
                           else 1e-5 * mm.y + 1e-5 * mm.z <= 0.01)
    sign = 1 if sense == pyo.maximize else -1
    m.objective = pyo.Objective(expr=sign * (3 * m.x + 2 * m.y + m.z + m.w), sense=sense)
    registry = Registry()
    for name, text in (("cap", "Room for x and y."), ("single", "A bound on x."), ("mix", "Mixed scales.")):
        registry.families[name] = Family(name, "test", text, "")
    registry.parameters["p"] = Parameter("p", lambda data: {None: 1000.0}, (PAYLOAD_KEY,))
    return m, registry


def row_index(c: Compiled, name: str) -> int:
    return [row.name for row in c.rows].index(name)


def test_inspect_counts_the_planted_rows_and_columns():
    m, registry = tiny()
    numbers = inspect(compile_model(m), registry)
    assert (numbers.rows, numbers.columns, numbers.nonzeros) == (4, 4, 7)
    assert (numbers.redundant_rows, numbers.singleton_rows, numbers.empty_columns) == (1, 1, 1)
    families = {f.name: f for f in numbers.row_families}
    assert (families["cap"].redundant, families["cap"].singleton) == (1, 0)
    assert (families["single"].redundant, families["single"].singleton) == (0, 1)
    assert families["mix"].count == 2
    assert families["mix"].coefficients == (1e-5, 1000.0)
    assert families["mix"].bounds == (0.01, 5000.0)
    assert numbers.coefficients == (1e-5, 1000.0)
    assert numbers.column_bounds == (1.0, 5.0)
    assert {f.name: f.costs for f in numbers.column_families} == {
        "x": (3.0, 3.0), "y": (2.0, 2.0), "z": (1.0, 1.0), "w": (1.0, 1.0)}
    json.dumps(numbers.to_json())  # JSON-able as it stands


def test_a_wide_family_is_warned_with_the_roadmap_key_behind_it():
    m, registry = tiny()
    numbers = inspect(compile_model(m), registry)
    # mix's bounds span 0.01 to 5000: 5e5, under 1e6; its coefficients 1e-5 to 1000: 1e8
    [warning] = numbers.warnings
    assert (warning.family, warning.kind, warning.what, warning.span) == ("mix", "row", "coefficients", (1e-5, 1000.0))
    assert warning.ratio == pytest.approx(1e8)
    assert warning.keys == (PAYLOAD_KEY,)  # p multiplies y in mix[1], where the largest coefficient is
    assert warning.smallest_at in ("y in mix[2]", "z in mix[2]") and warning.largest_at == "y in mix[1]"
    assert "mix" in warning.message and PAYLOAD_KEY in warning.message
    assert numbers.to_json()["warnings"][0]["keys"] == [PAYLOAD_KEY]


def test_a_wide_family_without_parameters_is_named_with_its_description():
    m, registry = tiny(p_is_parameter=False)
    [warning] = inspect(compile_model(m), registry).warnings
    assert warning.keys == () and warning.family == "mix"
    assert "Mixed scales." in warning.message
    [bare] = inspect(compile_model(m)).warnings  # no registry: the family alone
    assert bare.family == "mix" and bare.keys == ()


def test_condition_drops_the_redundant_row_and_turns_the_singleton_into_a_bound():
    m, _ = tiny()
    c = compile_model(m)
    before = (c.matrix.copy(), c.row_lower.copy(), c.row_upper.copy(), c.col_lower.copy(), c.col_upper.copy())
    reduced, restore = condition(c)
    assert [row.name for row in reduced.rows] == ["mix[1]", "mix[2]"]
    assert [c.rows[i].name for i in restore.redundant] == ["cap"]
    assert [c.rows[i].name for i in restore.singleton] == ["single"]
    x = [v.name for v in c.columns].index("x")
    assert reduced.col_upper[x] == 3.0 and reduced.col_lower[x] == 0.0
    # each row scaled by a power of two near 1/sqrt(max|a| min|a|): mix[1] by 2^-5 (sqrt(1000) ~ 2^5),
    # mix[2] by 2^17 (1/1e-5 ~ 2^16.6)
    assert restore.scale.tolist() == [2.0 ** -5, 2.0 ** 17]
    original = c.matrix.toarray()
    kept = original[[row_index(c, "mix[1]"), row_index(c, "mix[2]")]]
    assert np.array_equal(reduced.matrix.toarray(), kept * restore.scale[:, None])  # exact: powers of two
    assert np.array_equal(reduced.matrix.toarray() / restore.scale[:, None], kept)
    assert reduced.row_upper.tolist() == [5000 * 2.0 ** -5, 0.01 * 2.0 ** 17]
    # the original is untouched (the parametric re-solves rewrite it by row position)
    after = (c.matrix, c.row_lower, c.row_upper, c.col_lower, c.col_upper)
    assert (before[0] != after[0]).nnz == 0
    assert all(np.array_equal(a, b) for a, b in zip(before[1:], after[1:], strict=True))
    assert len(c.rows) == 4


def test_an_integer_singleton_bound_is_rounded_inward():
    m = pyo.ConcreteModel()
    m.n = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 10))
    m.k = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 10))
    m.at_most = pyo.Constraint(expr=3 * m.n <= 10)  # n <= 3.33: 3
    m.at_least = pyo.Constraint(expr=0.1 * m.k >= 0.3)  # k >= 2.9999999999999996 in floating point: 3, not 4
    m.link = pyo.Constraint(expr=m.n + m.k <= 7)
    m.objective = pyo.Objective(expr=m.n - m.k, sense=pyo.maximize)
    c = compile_model(m)
    reduced, _ = condition(c)
    names = [v.name for v in c.columns]
    assert reduced.col_upper[names.index("n")] == 3.0
    assert reduced.col_lower[names.index("k")] == 3.0
    answer = run_highs(c, {})
    assert answer.objective == pytest.approx(0.0) and answer.x.tolist() == [3.0, 3.0]


@pytest.mark.parametrize("sense", [pyo.maximize, pyo.minimize], ids=["max", "min"])
def test_restored_duals_equal_those_of_the_model_as_built(sense: int):
    m, _ = tiny(sense)
    c = compile_model(m)
    plain, conditioned = run_highs(c, {}, condition=False), run_highs(c, {})
    sign = 1 if sense == pyo.maximize else -1
    assert plain.objective == pytest.approx(sign * 1014) and conditioned.objective == pytest.approx(sign * 1014)
    assert np.allclose(conditioned.x, plain.x) and conditioned.max_violation == 0.0
    expected = {"cap": 0.0, "single": 1.5, "mix[1]": 0.0, "mix[2]": 1e5}  # by hand (module docstring)
    for name, dual in expected.items():
        i = row_index(c, name)
        assert plain.row_duals[i] == pytest.approx(sign * dual, abs=1e-9)
        assert conditioned.row_duals[i] == pytest.approx(plain.row_duals[i], rel=1e-9, abs=1e-9)
    # the reduced costs agree too: 0 on x (its bound is the row's), 1 on y (its own bound), 1 on w
    r = c.cost - c.matrix.T @ conditioned.row_duals
    assert r == pytest.approx(sign * np.array([0.0, 1.0, 0.0, 1.0]), abs=1e-9)


def test_export_writes_the_model_as_built(tmp_path: Path):
    path = tmp_path / "model.mps"
    plan = solve(load_roadmap(ROOT / "roadmaps" / "examples" / "minimal.yaml"), SolveOptions(export_model=path))
    assert plan.summary["numerics"]["singleton_rows"] > 0  # rows the conditioned copy does not have
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(path))
    assert h.getNumRow() == plan.summary["model_size"]["constraints"]
    assert h.getNumNz() == plan.summary["model_size"]["nonzeros"]


def dual_certificate(c: Compiled, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """How far row duals ``y`` are from proving ``x`` optimal for the LP ``c``: the largest dual sign violation
    (a dual on a side the row or column does not have), the dual objective, and the primal objective.

    With reduced costs :math:`r = c - A^T y`, when minimizing :math:`y_i > 0` needs a finite lower side
    :math:`L_i`, :math:`y_i < 0` a finite upper side, and likewise :math:`r_j` with the column bounds (the
    signs flip when maximizing). The dual objective is :math:`\\sum_i y_i (L_i \\text{ or } U_i) + \\sum_j r_j
    (l_j \\text{ or } u_j)`, by sign; equal to the primal's, it proves both optimal (weak duality)."""
    r = c.cost - c.matrix.T @ y
    sign = -1.0 if c.maximize else 1.0

    def wrong_side(duals: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
        d = sign * duals
        bad = np.maximum(np.where(np.isfinite(lower), 0.0, np.maximum(d, 0.0)),
                         np.where(np.isfinite(upper), 0.0, np.maximum(-d, 0.0)))
        return float(bad.max(initial=0.0))

    def side(duals: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
        chosen = np.where(sign * duals > 0, lower, upper)  # infinite only for duals within wrong_side's
        return float(np.sum(np.where(np.isfinite(chosen), chosen, 0.0) * duals))

    violation = max(wrong_side(y, c.row_lower, c.row_upper), wrong_side(r, c.col_lower, c.col_upper))
    dual = c.offset + side(y, c.row_lower, c.row_upper) + side(r, c.col_lower, c.col_upper)
    return violation, dual, float(c.offset + c.cost @ x)


@pytest.mark.parametrize("roadmap", ["baseline", "examples/cislunar-depot"])
def test_shipped_roadmaps_solve_the_same_with_and_without_conditioning(roadmap: str):
    """Same objective, milestones and the golden's aggregates (unique ones within 1e-6 of each other, the
    others within the golden's optimal range); both answers' duals prove their plan optimal on the model as
    built (the LPs are degenerate: the duals themselves need not be equal)."""
    loaded = load_roadmap(ROOT / "roadmaps" / f"{roadmap}.yaml")
    golden = json.loads((ROOT / "tests" / "golden" / f"{Path(roadmap).name}.json").read_text())
    results = {}
    for conditioned in (True, False):
        built = build_model(loaded.roadmap)
        options = SolveOptions(condition=conditioned)
        compiled, answer, stages = solve_stages(built, options.highs_options(), options, {})
        assert answer.status == "optimal" and max_violation(compiled, answer.x) < 1e-6
        violation, dual, primal = dual_certificate(compiled, answer.x, answer.row_duals)
        assert violation < 1e-6 * max(1.0, float(np.abs(answer.row_duals).max()))
        assert dual == pytest.approx(primal, rel=1e-6)
        tables = plan_tables(built, loaded)
        labels = list(built.data.timeline.labels)
        found = {a.name: evaluate(a, tables["plan"], labels) for a in aggregates(built)}
        results[conditioned] = (answer.objective, stages, found, tables)
    (objective, stages, found, tables), (plain_objective, plain_stages, plain_found, plain_tables) = \
        results[True], results[False]
    assert objective == pytest.approx(plain_objective, rel=1e-6)
    assert stages == pytest.approx(plain_stages, rel=1e-6)
    assert objective == pytest.approx(golden["objective"]["stages"][list(stages)[-1]]["value"], rel=1e-6)

    class Tables:  # what milestone_periods reads
        def __init__(self, tables: dict) -> None:
            self.tables = tables
    assert milestone_periods(Tables(tables)) == milestone_periods(Tables(plain_tables)) == golden["milestones"]
    for name, entry in golden["aggregates"].items():
        tolerance = entry["tolerance"]
        if "value" in entry:
            assert found[name] == pytest.approx(plain_found[name], rel=1e-6, abs=tolerance), name
        for value in (found[name], plain_found[name]):
            if "value" in entry:
                assert value == pytest.approx(entry["value"], abs=tolerance), name
            else:
                assert entry["low"] is None or value >= entry["low"] - tolerance, name
                assert entry["high"] is None or value <= entry["high"] + tolerance, name


def test_summary_has_numerics_and_the_cli_explains_them(tmp_path: Path):
    result = CliRunner().invoke(app, ["solve", str(ROOT / "roadmaps" / "baseline.yaml"), "--out",
                                      str(tmp_path / "out"), "--no-pdf", "--explain-numerics"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    numerics = summary["numerics"]
    assert numerics["rows"] == summary["model_size"]["constraints"]
    assert set(numerics["row_families"]) == set(summary["model_size"]["rows_by_family"])
    assert numerics["singleton_rows"] == sum(f["singleton"] for f in numerics["row_families"].values()) > 0
    families = {w["family"] for w in numerics["warnings"]}
    assert "cash_balance" in families  # M$ per GW-year beside $ per tonne of oxygen
    out = result.output
    assert "Constraint families" in out and "Variable families" in out and "launch_cap" in out
    assert "singleton rows" in out and "optimal" in out  # explained, and still solved
    # the explanation has each warning in full, the summary one line naming every family
    assert sum("numerics: constraint cash_balance" in line for line in out.splitlines()) == 1
    assert sum(line.startswith("  numerics: ") and "families span more than 1e6" in line and "cash_balance" in line
               for line in out.splitlines()) == 1


def test_the_parametric_path_reads_the_original_after_conditioned_solves():
    """ParametricModel rewrites the compiled model's coefficients by row position: conditioning a solve's
    copy leaves those positions as they were, so new parameter values still give the rebuilt model's
    numbers and the same optimum."""
    from planner.solve.parametric import ParametricModel

    m, _ = tiny()
    c = compile_model(m, keep_parameters=True)
    parametric = ParametricModel(c)
    assert run_highs(c, {}).objective == pytest.approx(1014)
    m.p = 250.0  # mix[1]: 250 y + z <= 5000, with y + z <= 1000 (mix[2]) still the binding one
    again = parametric.numbers()
    assert again is not None and again.matrix.nnz == c.matrix.nnz
    fresh = compile_model(m)
    assert np.array_equal(again.matrix.toarray(), fresh.matrix.toarray())
    assert run_highs(again, {}).objective == pytest.approx(run_highs(fresh, {}).objective)


def test_a_conditioned_plan_that_misses_the_model_as_built_is_solved_again_as_built(monkeypatch):
    numerics = importlib.import_module("planner.solve.numerics")  # planner.solve is also a function's name

    real = numerics.condition

    def loosened(c: Compiled):  # what a conditioning bug would do: lose the bound the singleton row gave
        reduced, restore = real(c)
        reduced.col_upper[[v.name for v in c.columns].index("x")] = 5.0
        return reduced, restore

    monkeypatch.setattr(numerics, "condition", loosened)
    m, _ = tiny()
    c = compile_model(m)
    answer = run_highs(c, {"time_limit": 60.0})
    assert answer.x[[v.name for v in c.columns].index("x")] == pytest.approx(3.0)  # 2x <= 6 holds
    assert answer.objective == pytest.approx(1014) and answer.max_violation == 0.0
    assert "unconditioned_s" in answer.timings
