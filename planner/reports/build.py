"""Write a run's report files: the inputs only a solve knows, then everything derived from the folder.

At solve time :func:`report_writer` is the ``extra=`` of :func:`~planner.results.outputs.write_run`: it
writes ``families.json`` (constraint-family metadata), ``solver_options.json`` and ``assumptions.csv``,
then :func:`write_report` reads the folder back and derives ``bottlenecks.csv``, ``headlines.csv``,
``data_dictionary.csv``, ``report.pdf`` and ``report.html`` (the interactive report). :func:`rebuild`
(``planner report RUN_DIR``) repeats the second step on a saved folder, without solving.
"""

from __future__ import annotations

import shutil
import traceback
import warnings
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from planner import collector
from planner.reports import bottlenecks
from planner.reports.assumptions import assumption_table
from planner.reports.dictionary import data_dictionary
from planner.reports.narrative import headline_table
from planner.reports.run_folder import ASSUMPTIONS_FILE, FAMILIES_FILE, SOLVER_OPTIONS_FILE, RunData, read_run
from planner.results.outputs import FLOAT_FORMAT
from planner.results.write import atomic_folder, write_json

TABLES = ("bottlenecks.csv", "headlines.csv", "data_dictionary.csv")
DOCUMENTS = ("report.html", "report.pdf")  # both written or kept together (pdf=False, --no-pdf)
DERIVED = TABLES + DOCUMENTS
ERROR_FILE = "report_error.txt"


def report_writer(plan: Any, solver_options: dict[str, Any], pdf: bool = True) -> Callable[[Path], None]:
    """The ``extra=`` callable of ``write_run`` for ``plan``: report inputs, derived CSVs and the PDF."""
    def write(folder: Path) -> None:
        families = {name: asdict(f) for name, f in plan.built.registry.families.items()}
        write_json(folder / FAMILIES_FILE, families)
        write_json(folder / SOLVER_OPTIONS_FILE, solver_options)
        assumption_table(plan.loaded).to_csv(folder / ASSUMPTIONS_FILE, index=False)
        try:
            write_report(folder, pdf=pdf)
        except Exception:  # noqa: BLE001 - a report bug must not lose a solved plan, whose tables are written
            (folder / ERROR_FILE).write_text(traceback.format_exc(), encoding="utf-8")
            warnings.warn(f"the report could not be built (see {ERROR_FILE}); the plan's tables are written. "
                          "Rebuild it with 'planner --debug report RUN_DIR'.", stacklevel=2)
    return write


def write_report(folder: Path, pdf: bool = True) -> RunData:
    """Derive the bottleneck, headline and dictionary CSVs (and ``report.pdf`` and ``report.html``) from a run
    folder."""
    run = read_run(folder)
    duals = run.tables.get("duals")
    if duals is not None:
        table = bottlenecks.bottleneck_table(duals, run.families)
        table.to_csv(folder / "bottlenecks.csv", index=False, float_format=FLOAT_FORMAT)
        run.tables["bottlenecks"] = table
    headline_table(run).to_csv(folder / "headlines.csv", index=False, float_format=FLOAT_FORMAT)
    data_dictionary(folder).to_csv(folder / "data_dictionary.csv", index=False)
    if pdf:
        from planner.reports.interactive import run_page
        from planner.reports.pdf import write_pdf

        (folder / "report.html").write_text(run_page(run), encoding="utf-8")
        with collector.frozen():  # charts allocate many short-lived objects; the plan is long-lived
            write_pdf(run, folder / "report.pdf")
    return run


def rebuild(run_dir: Path, out: Path | None = None, pdf: bool = True, force: bool = False,
            parquet: bool = False) -> Path:
    """Rebuild the derived CSVs, the PDF and the HTML report of a saved run into ``out`` (default: in place),
    atomically; with ``parquet``, or when the run has Parquet tables (never left stale), their Parquet twins too."""
    source = Path(run_dir)
    read_run(source)  # fail early, before touching anything, when it is not a run folder
    target = Path(out) if out is not None else source
    rebuilt = DERIVED if pdf else TABLES  # with --no-pdf the existing report.pdf and report.html are kept
    with atomic_folder(target, "run", force) as staging:
        for path in source.iterdir():
            if path.is_file() and path.name not in rebuilt and path.name != ERROR_FILE:
                shutil.copy2(path, staging / path.name)
        write_report(staging, pdf=pdf)
        if parquet or any(source.glob("*.parquet")):
            from planner.results.parquet import write_parquet_tables

            write_parquet_tables(staging)
    return target
