"""The ``planner`` command: validate, solve and diagnose roadmaps.

Exit codes: 0 solved (or valid), 2 bad input, 3 infeasible or unbounded, 4 no plan (solver failure or
time limit without a feasible plan), 1 an internal error (a bug: please report it with ``--debug``).
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table
from rich.text import Text

from planner.errors import PlannerError, Problem, RoadmapError
from planner.io.load import LoadedRoadmap, load_roadmap
from planner.io.overrides import parse_overrides
from planner.model.data import solve_timeline
from planner.results.lock import folder_lock
from planner.results.outputs import write_run
from planner.results.parquet import TableFormat, with_parquet
from planner.results.write import check_target, output_folder, recover
from planner.solve.run import Plan, SolveOptions, check_time_limit, learning_note, solve

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console(emoji=False)  # a path such as file:100:21 is not an emoji code
errors = Console(stderr=True, emoji=False)
STATE = {"debug": False}
REPORTS = Path("reports")


@app.callback()
def main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors.")) -> None:
    """Plan decades of launches, orbital compute, lunar industry and Mars settlement."""
    STATE["debug"] = debug


def _guard(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except PlannerError as exc:
        if STATE["debug"]:
            traceback.print_exc()
        errors.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        errors.print("[yellow]interrupted: earlier outputs are untouched[/]")
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence; a bug, reported as such
        if STATE["debug"]:
            traceback.print_exc()
        errors.print(f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))} (rerun with --debug)",
                     highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


@app.command()
def validate(
    roadmaps: list[Path] = typer.Argument(..., help="Roadmap YAML files."),
    scenario: str | None = typer.Option(None, "--scenario", "-s", help="Scenario to apply."),
) -> None:
    """Check roadmaps without solving: schema, references, reachability, vehicle reach."""
    def run() -> None:
        failed: list[RoadmapError] = []
        for path in roadmaps:
            try:
                loaded = load_roadmap(path, scenario=scenario)
                console.print(f"[green]valid[/] {escape(str(path))}", soft_wrap=True)
                _timeline, split = solve_timeline(loaded.roadmap)
                if split is not None:
                    console.print(f"  time grid: {escape(split['text'])}", highlight=False, soft_wrap=True)
            except RoadmapError as exc:
                failed.append(exc)
        if failed:
            raise RoadmapError([p for exc in failed for p in exc.problems])
    _guard(run)


@app.command("schema")
def schema_command(
    out: Path | None = typer.Option(None, "--out", "-o", help="Write it to this file (default: print it)."),
) -> None:
    """Print the roadmap JSON Schema, for editors (a roadmap's first line:
    '# yaml-language-server: $schema=PATH/roadmap.schema.json')."""
    from planner.schema.json_schema import render_schema

    def run() -> None:
        if out is None:
            typer.echo(render_schema(), nl=False)
            return
        try:
            out.write_text(render_schema(), encoding="utf-8")
        except OSError as exc:
            raise RoadmapError([Problem(f"cannot be written: {exc.strerror}", key="--out", file=str(out))]) from None
        console.print(f"roadmap JSON Schema written to {out}", markup=False)
    _guard(run)


@app.command("solve")
def solve_command(
    roadmap: Path = typer.Argument(..., help="Roadmap YAML file."),
    scenario: str | None = typer.Option(None, "--scenario", "-s", help="Scenario to apply."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default reports/<name>)."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Solver time limit, s."),
    mip_gap: float | None = typer.Option(None, "--mip-gap", help="Relative MIP gap to stop at."),
    profile: str = typer.Option("default", "--profile", help="Solver profile in solvers/ (or a YAML file)."),
    export_model: Path | None = typer.Option(None, "--export-model", help="Write the model (.mps or .lp)."),
    overrides: list[str] = typer.Option([], "--set", help="Override a key: dotted.key=value (repeatable)."),
    no_pdf: bool = typer.Option(False, "--no-pdf", help="Skip report.pdf and report.html (the report CSVs are "
                                "still written)."),
    table_format: TableFormat = typer.Option(TableFormat.csv, "--format", help="Tables as CSV, or as CSV and "
                                             "Parquet (the same tables, column meanings and units as metadata)."),
    force: bool = typer.Option(False, "--force", help="Write into a folder that holds files planner did not write."),
    window_years: float | None = typer.Option(None, "--window-years", help="Rolling horizon: plan windows of this "
                                                                           "many years in turn."),
    overlap_years: float = typer.Option(0.0, "--overlap-years", help="Rolling horizon: years at a window's end that "
                                                                     "the next window plans again."),
    explain_numerics: bool = typer.Option(False, "--explain-numerics", help="Also print the model's numbers by "
                                          "constraint and variable family: ranges, redundant and singleton rows."),
    no_condition: bool = typer.Option(False, "--no-condition", hidden=True,
                                      help="Hand HiGHS the model as built, not its reduced, row-scaled copy."),
    no_mip_start: bool = typer.Option(False, "--no-mip-start", hidden=True,
                                      help="Run branch and cut without a start rounded from the LP relaxation."),
) -> None:
    """Solve a roadmap and write its plan (CSV tables, summary.json, resolved roadmap, report.pdf, report.html)."""
    def run() -> None:
        recover_beside(out)
        timings: dict[str, float] = {}
        with errors.status("loading roadmap…"):
            start = time.perf_counter()
            loaded = load_roadmap(roadmap, scenario=scenario, overrides=parse_overrides(overrides))
            timings["load_s"] = time.perf_counter() - start
        target = out or REPORTS / _folder_name(loaded)
        check_target(target, force)  # before the solve: a refused folder costs no solving time
        with folder_lock(target):
            _solve_and_write(loaded, target, no_pdf, force, timings,
                            SolveOptions(profile=profile, time_limit_s=time_limit, mip_gap=mip_gap,
                                         export_model=export_model, condition=not no_condition,
                                         mip_start=not no_mip_start, window_years=window_years,
                                         overlap_years=overlap_years),
                            explain_numerics, table_format)
    _guard(run)


def _solve_and_write(loaded: LoadedRoadmap, target: Path, no_pdf: bool, force: bool, timings: dict[str, float],
                    options: SolveOptions, explain_numerics: bool = False,
                    table_format: TableFormat = TableFormat.csv) -> None:
    """The body of ``planner solve`` once the roadmap is loaded and its output folder locked."""
    from planner.reports.build import report_writer
    from planner.reports.preload import Preloader

    preloader = Preloader(pdf=not no_pdf)
    options.before_highs = preloader.start
    try:
        with errors.status("building and solving…"):
            plan = solve(loaded, options, timings)
    finally:
        preloader.join()
    start = time.perf_counter()
    with errors.status("writing tables" + ("" if no_pdf else " and the reports") + "…"):
        extra = report_writer(plan, options.highs_options(), pdf=not no_pdf)
        write_run(plan, target, extra=with_parquet(extra) if table_format is TableFormat.parquet else extra,
                  force=force)
    if explain_numerics:
        print_numerics(plan.summary["numerics"])
    print_summary(plan, target)
    console.print(f"  written in {time.perf_counter() - start:.2f} s"
                  + ("" if no_pdf else " (with report.pdf and report.html)"))


@app.command()
def diagnose(
    roadmap: Path = typer.Argument(..., help="Roadmap YAML file."),
    scenario: str | None = typer.Option(None, "--scenario", "-s", help="Scenario to apply."),
    overrides: list[str] = typer.Option([], "--set", help="Override a key: dotted.key=value (repeatable)."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Time budget of the diagnosis, s "
                                            "(default 30); when it runs out the answer is marked partial."),
) -> None:
    """Explain why a roadmap has no plan (exit 3): the requirements and limits that conflict, by how much."""
    from planner.diagnose import diagnose as diagnose_model
    from planner.model import build_model
    from planner.solve.budget import TimeBudget

    def run() -> None:
        check_time_limit(time_limit)
        loaded = load_roadmap(roadmap, scenario=scenario, overrides=parse_overrides(overrides))
        built = build_model(loaded.roadmap)
        diagnosis = diagnose_model(built, TimeBudget(time_limit) if time_limit is not None else None)
        if not diagnosis.feasible or diagnosis.unbounded:
            raise diagnosis.error()
        console.print(diagnosis.text(), highlight=False, soft_wrap=True)
    _guard(run)


@app.command()
def snapshot(
    roadmaps: list[Path] = typer.Argument(..., help="Roadmap YAML files."),
    scenarios: list[str] = typer.Option([], "--scenario", "-s", help="Scenario (repeatable; default: the base "
                                        "and every scenario the file declares)."),
    out: Path = typer.Option(Path("tests/golden"), "--out", "-o", help="Folder of the golden files."),
    reason: str | None = typer.Option(None, "--reason", help="Why the golden changes (kept in the file)."),
    profile: str = typer.Option("default", "--profile", help="Solver profile in solvers/ (or a YAML file)."),
    no_scenarios: bool = typer.Option(False, "--no-scenarios", help="Snapshot the base roadmap only, not its "
                                      "scenarios."),
) -> None:
    """Solve roadmaps and write their golden plan files: objective, milestone years, unique aggregates.

    A golden whose plan still matches within its own tolerances is left unchanged; one that would change
    needs --reason. Every roadmap and scenario is tried and reported, with progress."""
    from planner.regression.commands import snapshot_roadmaps

    _guard(lambda: snapshot_roadmaps(roadmaps, scenarios, out, reason, profile, console, base_only=no_scenarios))


@app.command()
def regress(goldens: list[Path] = typer.Argument(None, help="Golden files (default: tests/golden/*.json).")) -> None:
    """Solve the roadmaps of golden files again; exit 1 with a table of what moved if anything did."""
    from planner.regression.commands import regress_goldens

    if not _guard(lambda: regress_goldens(goldens or [], console)):
        raise typer.Exit(1)


@app.command()
def sweep(
    roadmap: Path = typer.Argument(..., help="Roadmap YAML file."),
    vary: list[str] = typer.Option([], "--vary", help="KEY=SPEC: \\[a,b], lo..hi\\[:n], uniform(lo,hi), "
                                   "triangular(lo,mode,hi), lognormal(median,sigma); x prefix scales (repeatable)."),
    spec_file: Path | None = typer.Option(None, "--spec", help="Sweep YAML file (vary, method, samples, seed)."),
    samples: int | None = typer.Option(None, "--samples", "-n", help="Scenarios for lhs/random (default 100)."),
    method: str | None = typer.Option(None, "--method", help="grid (default), lhs or random."),
    seed: int | None = typer.Option(None, "--seed", help="Sampling seed (default 0)."),
    workers: int | None = typer.Option(None, "--workers", help="Local worker processes (default: one per core)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Existing Dask scheduler, tcp://host:port."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Sweep folder (default reports/<roadmap>-sweep); "
                                    "rerun into it to resume."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Solver time limit per scenario, s."),
    mip_gap: float | None = typer.Option(None, "--mip-gap", help="Relative MIP gap to stop at."),
    profile: str = typer.Option("default", "--profile", help="Solver profile in solvers/ (or a YAML file)."),
    cold: bool = typer.Option(False, "--cold", help="Solve every scenario from scratch (no in-place re-solves)."),
    force: bool = typer.Option(False, "--force", help="Write into a folder that holds files planner did not write."),
) -> None:
    """Solve a roadmap across many variations on Dask; resumable; summaries, fan and tornado charts."""
    from planner.sweep.commands import sweep_roadmap
    from planner.sweep.execute import SolveSettings

    settings = SolveSettings(profile=profile, time_limit_s=time_limit, mip_gap=mip_gap, warm=not cold)
    recover_beside(out)
    _guard(lambda: sweep_roadmap(roadmap, vary, spec_file, method, samples, seed, workers, scheduler, out, settings,
                                 console, force))


@app.command()
def pareto(
    roadmap: Path = typer.Argument(..., help="Roadmap YAML file."),
    points: int = typer.Option(7, "--points", help="Points on the frontier, end points included."),
    metric: str | None = typer.Option(None, "--metric", help="Settlement: commodity@location or a milestone "
                                      "(default: the first milestone counting people held somewhere)."),
    scenario: str | None = typer.Option(None, "--scenario", "-s", help="Scenario to apply."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default reports/<name>-pareto)."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Solver time limit per point, s."),
    mip_gap: float | None = typer.Option(None, "--mip-gap", help="Relative MIP gap to stop at."),
    profile: str = typer.Option("default", "--profile", help="Solver profile in solvers/ (or a YAML file)."),
    force: bool = typer.Option(False, "--force", help="Write into a folder that holds files planner did not write."),
) -> None:
    """Trace the frontier between discounted compute and settlement (epsilon-constraint), a plan per point."""
    from planner.sweep.commands import pareto_roadmap

    options = SolveOptions(profile=profile, time_limit_s=time_limit, mip_gap=mip_gap, duals=False)
    recover_beside(out)
    _guard(lambda: pareto_roadmap(roadmap, scenario, points, metric, out, options, console, force))


@app.command()
def report(
    run_dir: Path = typer.Argument(..., help="Run folder written by 'planner solve'."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write into this folder (default: RUN_DIR)."),
    no_pdf: bool = typer.Option(False, "--no-pdf", help="Rebuild the CSVs only."),
    table_format: TableFormat = typer.Option(TableFormat.csv, "--format", help="Tables as CSV, or as CSV and Parquet "
                                             "(Parquet always when the run folder has Parquet tables)."),
    force: bool = typer.Option(False, "--force", help="Write into a folder that holds files planner did not write."),
) -> None:
    """Rebuild report.pdf, report.html and the report CSVs of a saved run, without solving."""
    from planner.reports.build import rebuild

    def run() -> None:
        recover_beside(out or run_dir)
        with errors.status("building report…"):
            start = time.perf_counter()
            target = rebuild(run_dir, out, pdf=not no_pdf, force=force,
                             parquet=table_format is TableFormat.parquet)
        console.print(f"report of {run_dir} written to {target}/ in {time.perf_counter() - start:.2f} s",
                      markup=False)
    _guard(run)


@app.command()
def compare(
    items: list[str] = typer.Argument(..., help="Run folders or roadmap files (file.yaml:scenario), two or more."),
    out: Path = typer.Option(Path("reports/compare"), "--out", "-o", help="Output folder."),
    force: bool = typer.Option(False, "--force", help="Write into a folder that holds files planner did not write."),
) -> None:
    """Put runs or roadmaps side by side: compare.pdf, compare.html and CSVs of differences in milestones, figures,
    limits."""
    from planner.reports.compare import compare_runs, load_items, write_comparison

    def run() -> None:
        if len(items) < 2:
            raise RoadmapError([Problem("compare needs two or more runs or roadmaps", key="ITEMS")])
        recover_beside(out)
        with errors.status("comparing…") as status, output_folder(out, "compare", force):
            comparison = compare_runs(load_items(items, out, progress=status.update))
            write_comparison(comparison, out, force)
        console.print(f"{comparison.differences} difference(s) between {', '.join(comparison.labels)}; "
                      f"outputs: {out}/", markup=False)
    _guard(run)


def recover_beside(out: Path | None) -> None:
    """First thing in a command that writes: put back outputs that a killed run left aside next to ``out``
    (or in ``reports/``), so that they return even when this command fails later. Best effort: the write
    itself recovers again and reports what it cannot do."""
    try:
        recover(out.parent if out is not None else REPORTS)
    except OSError:
        pass


def _folder_name(loaded: LoadedRoadmap) -> str:
    r = loaded.roadmap
    return r.name if r.scenario is None else f"{r.name}--{r.scenario}"


def print_summary(plan: Plan, target: Path) -> None:
    """What the terminal shows after a solve: status, objective, milestones, headline figures."""
    from planner.reports.run_folder import overrides_text, run_title  # pandas: not needed before the solve
    from planner.results.fractional import describe

    s = plan.summary
    mark = "[green]optimal[/]" if plan.proven_optimal else f"[yellow]{plan.status} — NOT proven optimal[/]"
    console.print(escape(run_title(s)) + f": {mark}, "
                  f"objective {plan.objective:,.6g} ({s['objective_mode']}), MIP gap {plan.mip_gap:.2%}",
                  soft_wrap=True)
    if s.get("overrides"):
        console.print(f"  [yellow]overridden[/]: {escape(overrides_text(s))}", highlight=False, soft_wrap=True)
    note = learning_note(s)
    if note:
        console.print(f"  {note}" if s["learning_curve"]["converged"] else f"  [yellow]{note}[/]", highlight=False)
    start = s.get("mip_start")
    if start and start.get("lp_bound") is not None:
        given = (f"a start rounded from the LP ({start['rounding']}) scored {start['objective']:,.6g}, "
                 f"{start['gap_to_lp_bound']:.2%} from the LP bound" if start["given"] else "no rounding of the LP was "
                 "feasible")
        console.print(f"  LP bound {start['lp_bound']:,.6g}, plan {plan.objective:,.6g} "
                      f"({abs(start['lp_bound'] - plan.objective) / max(abs(start['lp_bound']), 1e-9):.2%} from it); "
                      f"{given}", highlight=False)
    rolling = s.get("rolling_horizon")
    if rolling:
        console.print(f"  [yellow]rolling horizon[/]: {len(rolling['windows'])} windows of "
                      f"{rolling['window_years']:g} years, {rolling['overlap_years']:g} planned again; each window "
                      f"saw only its own years (a myopic plan: the full solve's objective is at least this one)")
    milestones = plan.tables["milestones"]
    if len(milestones):
        table = Table("milestone", "threshold", "deadline", "reached", title="Milestones")
        for row in milestones.itertuples():
            table.add_row(Text(row.milestone), f"{row.threshold:,.6g}", Text(row.deadline or "-"),
                          Text(str(row.reached_period)))
        console.print(table)
    for key, value in s["headlines"].items():
        if value not in ({}, None):
            console.print(f"  {key.replace('_', ' ')}: {value}", highlight=False, markup=False)
    fractional = describe(s["fractional"], cases=3)
    if fractional:
        console.print(f"  [yellow]{escape(fractional)}[/]", highlight=False, soft_wrap=True)
    if s.get("refined_grid"):
        console.print(f"  time grid: {escape(s['refined_grid']['text'])}", highlight=False, soft_wrap=True)
    if s.get("coarse_grid"):
        console.print(f"  [yellow]time grid: {escape(s['coarse_grid']['text'])}[/]", highlight=False, soft_wrap=True)
    size = s["model_size"]
    console.print(f"  model: {size['variables']:,} variables, {size['constraints']:,} constraints, "
                  f"{size['nonzeros']:,} nonzeros; solved in {s['timings_s'].get('solve_s', 0):.2f} s")
    warnings = s.get("numerics", {}).get("warnings", [])
    if warnings:  # one line: the families and the roadmap keys behind them (--explain-numerics has the rest)
        families = ", ".join(f"{w['family']} ({w['what']} x{w['ratio']:.1e})" for w in warnings)
        keys = sorted({k for w in warnings for k in w["keys"]})
        console.print(f"  [yellow]numerics: {len(warnings)} famil{'y spans' if len(warnings) == 1 else 'ies span'} "
                      f"more than 1e6: {escape(families)}" + (f"; roadmap keys {escape(', '.join(keys))}" if keys
                                                             else "") + " (--explain-numerics)[/]",
                      highlight=False, soft_wrap=True)
    console.print(f"  outputs: {target}/", markup=False, soft_wrap=True)


def print_numerics(numerics: dict[str, Any]) -> None:
    """The ``numerics`` block of a summary (:mod:`planner.solve.numerics`) as tables: the ranges of each
    constraint family's coefficients and bounds and each variable family's coefficients, costs and bounds
    (in yellow when they span more than 1e6), the counts of redundant and singleton rows and empty columns."""
    rows = Table(Column("constraint family", no_wrap=True), _count_column("rows"), _span_column("|a|"),
                 _span_column("|bound|"), _count_column("redundant"), _count_column("singleton"), **_COMPACT,
                 title="Constraint families (as built; |a|: coefficients; singleton: rows of one nonzero)")
    for name, family in numerics["row_families"].items():
        rows.add_row(Text(name), f"{family['count']:,}", _span_cell(family["coefficients"]),
                     _span_cell(family["bounds"]), f"{family['redundant']:,}", f"{family['singleton']:,}")
    console.print(rows)
    columns = Table(Column("variable family", no_wrap=True), _count_column("columns"), _span_column("|a|"),
                    _span_column("|cost|"), _span_column("|bound|"), **_COMPACT,
                    title="Variable families")
    for name, family in numerics["column_families"].items():
        columns.add_row(Text(name), f"{family['count']:,}", _span_cell(family["coefficients"]),
                        _span_cell(family["costs"]), _span_cell(family["bounds"]))
    console.print(columns)
    console.print("  whole model: " + ", ".join(f"|{name.replace('_', ' ')}| {_span_cell(span).plain}"
                                                for name, span in numerics["ranges"].items()),
                  highlight=False, markup=False, soft_wrap=True)
    console.print(f"  {numerics['redundant_rows']:,} redundant rows (never bind given the column bounds), "
                  f"{numerics['singleton_rows']:,} singleton rows (column bounds written as rows), "
                  f"{numerics['empty_columns']:,} empty columns", highlight=False, soft_wrap=True)
    for warning in numerics["warnings"]:
        console.print(f"  [yellow]numerics: {escape(warning['message'])}[/]", highlight=False, soft_wrap=True)
    if not numerics["warnings"]:
        console.print("  numerics: no family's numbers span more than 1e6", highlight=False)


_COMPACT: dict[str, Any] = {"box": box.SIMPLE_HEAD, "collapse_padding": True, "pad_edge": False}


def _count_column(header: str) -> Column:
    return Column(header, justify="right", no_wrap=True)


def _span_column(header: str) -> Column:
    return Column(header, overflow="fold")


def _span_cell(span: list[float] | None) -> Text:
    """A range of magnitudes as a table cell, in yellow when it spans more than 1e6."""
    if span is None:
        return Text("-")
    low, high = span
    return Text(f"{_short(low)}..{_short(high)}", style="yellow" if high > 1e6 * low else "")


def _short(x: float) -> str:
    """``x`` to two figures, with a short exponent (``1.1e4``, ``2e-5``)."""
    return f"{x:.2g}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def run_cli() -> None:
    """The ``planner`` console command: :data:`app`, then a quick exit.

    Once the command has finished (its files written and closed, its output flushed), the process
    exits without the interpreter's teardown, which only frees memory: after a solve that is a large
    Pyomo model, 0.4 s of the baseline's end-to-end time. Not after a sweep, whose Dask machinery
    has exit handlers of its own."""
    try:
        app()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    if "distributed" in sys.modules:
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run_cli()
