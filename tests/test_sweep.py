"""Sweeps: the KEY=SPEC syntax, seeded designs, the append-only log, and sweeps on a loopback Dask cluster
(results equal solving each variation alone; an interrupted sweep with a killed worker resumes and ends with
every scenario exactly once), the tour that orders scenarios for warm starts, and the cached roadmap parse
that repeated loads on a worker share."""

from __future__ import annotations

import math
import os
import signal
import threading

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from planner import load_roadmap, solve
from planner.errors import RoadmapError
from planner.sweep.execute import SolveSettings, prepare, run_sweep
from planner.sweep.report import write_sweep_report
from planner.sweep.sampling import design, design_points, overrides_for, scaled
from planner.sweep.scenario import Task, run_task
from planner.sweep.sensitivity import MIN_WEIGHT, STEP, probe_weights, probes, weighed, weights
from planner.sweep.spec import parse_vary, read_sweep_file, sweep_spec
from planner.sweep.store import ResultLog
from planner.sweep.tour import Lanes, split, tour
from planner.sweep.warm import warm_solve
from tests.conftest import ROOT
from tests.tiny_roadmap import TINY

CAP = "launch_vehicles.starship.max_flights_per_year"
FUNDING = "funding.external_musd_per_year"
GRID_16 = [f"{CAP}=x[0.5,0.8,1.2,1.6]", f"{FUNDING}=[1000,1500,2500,4000]"]


def test_lists_ranges_and_distributions_parse_to_their_values():
    assert parse_vary("a.b=[1, 2, 'x']").grid() == (1, 2, "x")
    assert parse_vary("a.b=10..20:3").grid() == (10.0, 15.0, 20.0)
    tri = parse_vary("a.b=triangular(0, 1, 4):2")
    # CDF of triangular(0, 1, 4): x^2/4 on [0, 1]; 1 - (4 - x)^2/12 on [1, 4]
    assert tri.grid()[0] == pytest.approx(math.sqrt(0.25 * 4))
    assert tri.grid()[1] == pytest.approx(4 - math.sqrt(0.25 * 12))
    logn = parse_vary("a.b=lognormal(100, 0.5):1")
    assert logn.grid() == pytest.approx((100.0,))  # the median
    factor = parse_vary("a.b=x0.5..1.5")
    assert factor.factor and factor.grid() == (0.5, 1.0, 1.5)


@pytest.mark.parametrize("pair", ["a.b", "a.b=", "a.b=[]", "a.b=3..1", "a.b=uniform(1)", "a.b=lognormal(-1,1)",
                                  "a.b=x['a']", "a.b=1..2:z", "a.b=gamma(1,2)"])
def test_bad_specs_name_the_allowed_syntax(pair):
    with pytest.raises(RoadmapError, match="allowed"):
        parse_vary(pair)


def test_a_sweep_file_declares_the_same_specs(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text("method: lhs\nsamples: 12\nvary:\n  a.b: [0.03, 0.05]\n  c.d: x0.5..1.5\n", encoding="utf-8")
    declared = read_sweep_file(path)
    assert declared["method"] == "lhs" and declared["samples"] == 12
    assert [v.grid() for v in declared["vary"]] == [(0.03, 0.05), (0.5, 1.0, 1.5)]
    path.write_text("vary: [a.b]\n", encoding="utf-8")
    with pytest.raises(RoadmapError, match="mapping with 'vary'"):
        read_sweep_file(path)


def test_lhs_puts_one_sample_in_each_stratum_and_is_seeded():
    spec = sweep_spec([parse_vary("a=0..1"), parse_vary("b=uniform(10, 20)")], "lhs", 8, seed=3)
    draws = design(spec)
    assert draws == design(spec)
    for key, lo, width in (("a", 0.0, 1.0), ("b", 10.0, 10.0)):
        strata = sorted(int((d[key] - lo) / width * 8) for d in draws)
        assert strata == list(range(8))
    other = design(sweep_spec(list(spec.variations), "lhs", 8, seed=4))
    assert other != draws


def test_design_points_scale_every_variation_to_the_unit_interval():
    spec = sweep_spec([parse_vary("a=[10, 30, 20]"), parse_vary("b=['low', 'mid', 'high']")], "grid", 1, 0)
    points = design_points(spec, design(spec))
    assert points[0] == (0.0, 0.0) and points[4] == (1.0, 0.5) and points[8] == (0.5, 1.0)


def test_random_draws_follow_the_distribution():
    spec = sweep_spec([parse_vary("a=lognormal(50, 0.4)")], "random", 4000, seed=1)
    values = np.array([d["a"] for d in design(spec)])
    assert stats.kstest(values, stats.lognorm(0.4, scale=50).cdf).pvalue > 0.001
    assert np.median(values) == pytest.approx(50, rel=0.05)


def test_a_factor_scales_every_year_of_a_time_table(write_roadmap):
    path = write_roadmap(TINY)
    spec = sweep_spec([parse_vary(f"{CAP}=x[0.5]"), parse_vary(f"{FUNDING}=x[2]")], "grid", 1, 0)
    [overrides] = overrides_for(path, spec, design(spec))
    assert overrides[CAP] == {2026: 5.0, 2031: 15.0, "interpolation": "linear"}
    assert overrides[FUNDING] == 4000.0
    assert scaled({2030: 2, "interpolation": "step"}, 3) == {2030: 6, "interpolation": "step"}
    bad = sweep_spec([parse_vary("launch_vehicles.starship.carries=x[2]")], "grid", 1, 0)
    with pytest.raises(RoadmapError, match="cannot take a factor|not in the roadmap"):
        overrides_for(path, bad, design(bad))


def test_the_tour_visits_every_scenario_once_and_sorts_a_line():
    rng = np.random.default_rng(5)
    points = [tuple(p) for p in rng.random((60, 4))]
    order = tour(points)
    assert sorted(order) == list(range(60))
    line = list(rng.permutation(25) / 24.0)
    assert [line[i] for i in tour([(x,) for x in line])] == sorted(line)
    assert tour([(), (), ()]) == [0, 1, 2] and tour([]) == []
    pieces = split(order, 3)
    assert [len(p) for p in pieces] == [20, 20, 20] and sum(pieces, []) == order
    assert [len(p) for p in split(list(range(7)), 3)] in ([2, 3, 2], [3, 2, 2], [2, 2, 3])


def test_lanes_hand_out_every_item_once_when_workers_finish_early_or_leave():
    lanes = Lanes(list(range(10)), ["a", "b"])  # a: 0-4, b: 5-9
    assert [lanes.take("a") for _ in range(5)] == [0, 1, 2, 3, 4]
    assert lanes.take("b") == 5
    assert lanes.take("a") == 8  # a's lane is used up: it takes the back half of b's (8, 9)
    lanes.forget({"a", "c"})  # b is gone; c, a new worker, takes what b left
    assert lanes.take("c") == 6 and lanes.take("c") == 7
    assert lanes.take("a") == 9
    assert lanes.take("a") is None and lanes.take("c") is None and lanes.remaining == 0


def test_key_weights_are_square_roots_of_the_cost_rates_relative_to_the_dearest():
    assert weights([10.0, 40.0, None, 0.0]) == [0.5, 1.0, 1.0, MIN_WEIGHT]
    assert weights([0.0, 0.0]) == [1.0, 1.0] and weights([None]) == [1.0]
    tasks = [Task(f"s{i}", "r.yaml", {"a": i, "b": -i}, point=(i / 4, 1 - i / 4)) for i in range(5)]
    assert [t.point for t in weighed(tasks, [0.5, 2.0])][1] == (0.125, 1.5)


def test_each_probe_changes_one_key_of_the_centre_to_a_value_of_the_design():
    rng = np.random.default_rng(3)
    points = rng.random((40, 3))
    tasks = [Task(f"s{i}", "r.yaml", {"a": 10 * p[0], "b": 20 * p[1], "c": f"v{i}"}, point=tuple(p))
             for i, p in enumerate(points)]
    base, steps = probes(tasks)
    assert base is tasks[int(np.argmin(((points - 0.5) ** 2).sum(axis=1)))]
    assert [t.scenario for t, _ in steps] == ["probe-a", "probe-b", "probe-c"]
    for k, (task, step) in enumerate(steps):
        key = "abc"[k]
        source = next(t for t in tasks if t.point[k] == task.point[k])
        assert task.overrides == {**base.overrides, key: source.overrides[key]}
        assert [j for j in range(3) if task.point[j] != base.point[j]] == [k]
        assert step == abs(task.point[k] - base.point[k]) and abs(step - STEP) < 0.05


def test_a_warm_sweep_of_enough_scenarios_is_weighed_by_the_probe_and_a_lost_probe_leaves_it_as_it_was():
    from planner.sweep.execute import PROBE_MIN_SCENARIOS, _weighed

    class Client:  # stands in for Dask's: submit(...).result() gives the probe's weights or raises
        def __init__(self, answer):
            self.answer, self.calls = answer, 0

        def submit(self, function, *args, **kwargs):
            self.calls += 1
            answer = self.answer

            class Future:
                def result(self):
                    if isinstance(answer, Exception):
                        raise answer
                    return answer
            return Future()

    tasks = [Task(f"s{i}", "r.yaml", {"a": i, "b": -i}, point=(i / 99, 1 - i / 99)) for i in range(PROBE_MIN_SCENARIOS)]
    weighed_ = _weighed(Client([0.5, 1.0]), tasks, SolveSettings())
    assert [t.point for t in weighed_] == [(0.5 * t.point[0], t.point[1]) for t in tasks]
    lost = Client(RuntimeError("worker lost"))
    assert _weighed(lost, tasks, SolveSettings()) is tasks and lost.calls == 1
    for not_worth_a_probe in (tasks[:-1], [Task("s", "r.yaml", {"a": 1}, point=(0.5,))] * PROBE_MIN_SCENARIOS):
        idle = Client([1.0])
        assert _weighed(idle, not_worth_a_probe, SolveSettings()) is not_worth_a_probe and idle.calls == 0
    idle = Client([1.0, 1.0])
    assert _weighed(idle, tasks, SolveSettings(warm=False)) is tasks and idle.calls == 0


def test_the_probe_weighs_each_key_by_the_iterations_of_its_warm_re_solve(write_roadmap):
    """The same re-solves made one by one on a fresh worker thread give the weights by the formula."""
    path = write_roadmap(TINY + "integer: none\n")
    spec = sweep_spec([parse_vary(f"{CAP}=x0.5..1.5"), parse_vary(f"{FUNDING}=1000..4000")], "lhs", 30, seed=2)
    tasks = prepare(path, spec, path.parent / "probe", SolveSettings())
    base, steps = probes(tasks)
    found: dict[str, list] = {}

    def on_a_new_thread(name, work):
        thread = threading.Thread(target=lambda: found.__setitem__(name, work()))
        thread.start()
        thread.join()

    def one_by_one():
        options = base.solve_options()
        warm_solve(load_roadmap(path, overrides=base.overrides), options, base.point)
        return [warm_solve(load_roadmap(path, overrides=t.overrides), options, t.point) for t, _ in steps]

    on_a_new_thread("weights", lambda: probe_weights(base, steps))
    on_a_new_thread("solved", one_by_one)
    assert [s.path for s in found["solved"]] == ["warm", "warm"]
    rates = [s.iterations / step for s, (_, step) in zip(found["solved"], steps, strict=True)]
    assert max(rates) > 0
    expected = [max(math.sqrt(r / max(rates)), MIN_WEIGHT) for r in rates]
    assert found["weights"] == pytest.approx(expected, rel=1e-12) and max(found["weights"]) == 1.0


def test_repeated_loads_share_one_parse_and_never_see_each_others_overrides(write_roadmap):
    path = write_roadmap(TINY)
    first = load_roadmap(path, overrides={FUNDING: 1234.0, CAP: {2026: 1, 2031: 2, "interpolation": "step"}})
    assert first.origin.data["funding"]["external_musd_per_year"] == 1234.0
    again = load_roadmap(path)
    assert again.origin.data["funding"]["external_musd_per_year"] == 2000
    assert again.origin.data["launch_vehicles"]["starship"]["max_flights_per_year"][2026] == 10
    assert again.origin.marks == load_roadmap(path).origin.marks and again.sources == load_roadmap(path).sources
    assert again.input_hash() == load_roadmap(path).input_hash() != first.input_hash()
    with pytest.raises(RoadmapError) as bad:
        load_roadmap(path, overrides={FUNDING: "lots"})
    # located at the override, not at the file's line (issue 19), and the file's marks left as they were
    assert (bad.value.problems[0].file, bad.value.problems[0].line) == (f"--set {FUNDING}=lots", None)
    assert load_roadmap(path).origin.marks == again.origin.marks
    path.write_text(TINY.replace("external_musd_per_year: 2000", "external_musd_per_year: 3000"), encoding="utf-8")
    assert load_roadmap(path).origin.data["funding"]["external_musd_per_year"] == 3000  # an edit is seen


def test_a_warm_re_solve_matches_a_cold_one_and_leaves_the_profile_options_in_place(write_roadmap):
    from planner.solve.run import SolveOptions
    from planner.sweep.warm import _instances

    path = write_roadmap(TINY + "integer: none\n")
    options = SolveOptions(threads=1, duals=False)
    paths = []
    for funding in (1000.0, 1500.0):
        loaded = load_roadmap(path, overrides={FUNDING: funding})
        solved = warm_solve(loaded, options, (funding / 4000,))
        assert solved is not None and solved.objective == pytest.approx(solve(loaded).objective, rel=1e-9)
        paths.append(solved.path)
    assert paths == ["reference", "warm"]
    highs = _instances()[str(path.resolve())].highs
    for key in ("solver", "simplex_strategy"):
        assert highs.getOptionValue(key)[1] == options.highs_options()[key]


def test_scenarios_that_differ_in_covered_numbers_take_them_through_the_kept_models_parameters(write_roadmap):
    """After the reference, a scenario varying only keys read through parameters is not built (its numbers are
    set on the kept model) and solves to the cold optimum; any other difference builds its model."""
    from planner.solve.run import SolveOptions

    path = write_roadmap(TINY + "integer: none\n")
    options = SolveOptions(threads=1, duals=False)

    def warm(overrides):
        loaded = load_roadmap(path, overrides=overrides)
        solved = warm_solve(loaded, options, (), overrides)
        assert solved is not None and solved.objective == pytest.approx(solve(loaded).objective, rel=1e-9)
        plan = solved.tables["plan"]  # the kept model's expressions read the scenario's numbers too
        assert plan[plan["quantity"] == "external_funding"]["value"].to_numpy() == pytest.approx(overrides[FUNDING])
        return solved.path, solved.built

    cap = {2026: 10, 2031: 30, "interpolation": "linear"}
    assert warm({FUNDING: 1000.0, CAP: cap}) == ("reference", True)
    assert warm({FUNDING: 1500.0, CAP: {**cap, 2031: 20}}) == ("warm", False)
    assert warm({FUNDING: 2500.0, CAP: {**cap, 2026: 12}}) == ("warm", False)
    assert warm({FUNDING: 2500.0, "compute.life_years": 3}) == ("reference", True)  # retirement: structure
    assert warm({FUNDING: 2600.0, "compute.life_years": 3})[1] is True  # not covered: built every time
    assert warm({FUNDING: 1000.0, CAP: cap}) == ("reference", True)  # a new reference, kept again
    assert warm({FUNDING: 1200.0, CAP: cap}) == ("warm", False)
    path.write_text(TINY.replace("reward: 2", "reward: 2.5") + "integer: none\n", encoding="utf-8")
    assert warm({FUNDING: 1200.0, CAP: cap}) == ("warm", True)  # the file changed: built
    assert warm({FUNDING: 1300.0, CAP: cap})[1] is True  # the kept model stays the old file's: built again


def test_a_scenario_whose_growth_splits_other_periods_is_built_on_its_own_grid():
    """The lunar bootstrap grows at 0.5 a year, at the limit of one period's growth: 0.6 t of factory per t
    a year splits each year in two (planner.model.refinement), so the kept yearly model cannot take it."""
    from planner.solve.run import SolveOptions

    path = ROOT / "roadmaps" / "examples" / "lunar-bootstrap.yaml"
    key = "processes.build_factory.capital.factory"
    options = SolveOptions(threads=1, duals=False)

    def warm(productivity):
        loaded = load_roadmap(path, overrides={key: productivity})
        solved = warm_solve(loaded, options, (), {key: productivity})
        assert solved is not None and solved.objective == pytest.approx(solve(loaded).objective, rel=1e-9)
        return solved.path, solved.built, len(solved.tables["plan"]["period"].unique())

    assert warm(0.5) == ("reference", True, 10)
    assert warm(0.45) == ("warm", False, 10)
    assert warm(0.6)[1:] == (True, 20)  # each year cut in two: built


def test_a_scenario_tabulates_only_what_the_sweep_keeps_with_the_full_plans_rows(write_roadmap):
    from planner.solve.run import SolveOptions
    from planner.sweep.scenario import KEPT_QUANTITIES

    loaded = load_roadmap(write_roadmap(TINY))
    full = solve(loaded).tables
    kept = solve(loaded, SolveOptions(quantities=KEPT_QUANTITIES)).tables
    wanted = full["plan"][full["plan"]["quantity"].isin(KEPT_QUANTITIES | {"milestone_metric"})]
    assert set(wanted["quantity"]) == KEPT_QUANTITIES | {"milestone_metric"}
    pd.testing.assert_frame_equal(kept["plan"], wanted.reset_index(drop=True), check_dtype=False)  # empty columns
    pd.testing.assert_frame_equal(kept["milestones"], full["milestones"])


def test_a_failing_scenario_is_recorded_with_its_reason(write_roadmap):
    path = write_roadmap(TINY)
    rows = run_task(Task("s1", str(path), {"funding.external_musd_per_year": -5.0, "funding.bogus": 1}))
    assert rows[-1]["quantity"] == "status" and rows[-1]["name"] == "bad_input"
    assert "bogus" in rows[-1]["note"]


def test_the_log_drops_a_partial_tail_and_keeps_whole_scenarios(tmp_path):
    log = ResultLog(tmp_path)
    assert log.open() == set()
    log.append([{"scenario": "s1", "quantity": "objective", "value": 1.0},
                {"scenario": "s1", "quantity": "status", "name": "optimal", "value": 1.0}])
    log.append([{"scenario": "s2", "quantity": "objective", "value": 2.0}])  # crashed before its status row
    with log.path.open("a") as handle:
        handle.write("s3,objec")  # crashed mid-line
    assert log.open() == {"s1"}
    assert list(log.read()["scenario"]) == ["s1", "s1"]


def _solve_alone(path, overrides) -> tuple[float, dict[str, float]]:
    plan = solve(load_roadmap(path, overrides=overrides))
    years = dict(zip(plan.tables["milestones"]["milestone"], plan.tables["milestones"]["reached_year"], strict=True))
    return plan.objective, years


def test_a_dask_sweep_equals_solving_each_variation_alone(write_roadmap, tmp_path, monkeypatch):
    """As an LP, so that workers re-solve in place (warm), along a tour weighed by a probe (which 16 scenarios
    would not get by default); the solo solves are cold."""
    monkeypatch.setattr("planner.sweep.execute.PROBE_MIN_SCENARIOS", 16)
    path = write_roadmap(TINY + "integer: none\n")
    spec = sweep_spec([parse_vary(p) for p in GRID_16], "grid", 1, 0)
    final = run_sweep(path, spec, tmp_path / "sweep", workers=2)
    assert (final.done, final.failed) == (16, 0)
    results = ResultLog(tmp_path / "sweep").read()
    design_csv = pd.read_csv(tmp_path / "sweep" / "design.csv", dtype={"scenario": str}).set_index("scenario")
    assert len(design_csv) == 16
    for scenario, overrides in zip(design_csv.index, overrides_for(path, spec, design(spec)), strict=True):
        objective, years = _solve_alone(path, overrides)
        mine = results[results["scenario"] == scenario]
        assert mine[mine["quantity"] == "status"]["value"].item() == pytest.approx(objective, rel=1e-9)
        got = mine[mine["quantity"] == "milestone_year"].set_index("name")["value"]
        for name, year in years.items():
            assert (math.isnan(got[name]) and pd.isna(year)) or got[name] == year
    paths = results[results["quantity"] == "seconds"]["name"].value_counts()
    assert paths.get("warm", 0) >= 10 and paths.get("reference", 0) <= 2  # one reference solve per worker
    built = results[results["quantity"] == "seconds"]["note"].value_counts()
    assert built.get("parameters", 0) >= 10 and built.get("built", 0) <= 2  # one model built per worker
    seconds = results[results["quantity"] == "seconds"].set_index("scenario")["value"]
    in_highs = results[results["quantity"] == "solve_seconds"].set_index("scenario")["value"]
    assert len(in_highs) == 16 and ((in_highs > 0) & (in_highs < seconds[in_highs.index])).all()
    files = write_sweep_report(tmp_path / "sweep")
    assert all(f.stat().st_size > 0 for f in files)
    fans = pd.read_csv(tmp_path / "sweep" / "summary_fans.csv")
    assert set(fans["series"]) == {"compute_in_service_gw", "held settlers@leo"}
    assert (fans["p10"] <= fans["p50"] + 1e-12).all() and (fans["p50"] <= fans["p90"] + 1e-12).all()
    tornado = pd.read_csv(tmp_path / "sweep" / "summary_tornado.csv")
    objective_swing = tornado[tornado["outcome"] == "objective"].set_index("key")["swing"]
    assert objective_swing[FUNDING] > 0  # more money never lowers the optimum


class Interrupt(Exception):
    pass


def test_an_interrupted_sweep_with_a_killed_worker_resumes_with_every_scenario_once(write_roadmap, tmp_path):
    """On an existing cluster (``--scheduler``): interrupted after 5 scenarios, a partial block written as by a
    crash, then resumed while one worker is killed (its nanny restarts it, Dask reschedules its task)."""
    from distributed import LocalCluster, get_client

    path = write_roadmap(TINY)
    spec = sweep_spec([parse_vary(p) for p in GRID_16], "grid", 1, 0)
    out = tmp_path / "sweep"

    def stop_after_five(progress):
        if progress.done == 5:
            raise Interrupt

    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        with pytest.raises(Interrupt):
            run_sweep(path, spec, out, scheduler=address, on_progress=stop_after_five)
        log = ResultLog(out)
        finished = log.open()
        assert len(finished) == 5
        pending = sorted({f"s{i:06d}" for i in range(16)} - finished)
        log.append([{"scenario": pending[0], "quantity": "objective", "value": -1.0}])  # a crash mid-block
        killed = []

        def kill_a_worker(progress):
            if progress.done == 2 and not killed:
                pids = get_client().run(os.getpid)
                killed.append(next(iter(pids.values())))
                os.kill(killed[0], signal.SIGKILL)

        final = run_sweep(path, spec, out, scheduler=address, on_progress=kill_a_worker)
    assert killed and final.skipped == 5 and final.done == 11
    results = log.read()
    status = results[results["quantity"] == "status"]
    assert sorted(status["scenario"]) == [f"s{i:06d}" for i in range(16)]
    assert (results[results["quantity"] == "objective"].groupby("scenario").size() == 1).all()
    assert (results[results["quantity"] == "objective"]["value"] > 0).all()


def test_a_different_sweep_into_the_same_folder_is_refused(write_roadmap, tmp_path):
    path = write_roadmap(TINY)
    spec = sweep_spec([parse_vary(f"{FUNDING}=[1000]")], "grid", 1, 0)
    prepare(path, spec, tmp_path / "sweep", SolveSettings())
    other = sweep_spec([parse_vary(f"{FUNDING}=[2000]")], "grid", 1, 0)
    with pytest.raises(RoadmapError, match="different sweep"):
        run_sweep(path, other, tmp_path / "sweep", workers=1)
