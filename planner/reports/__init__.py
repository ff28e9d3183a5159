"""Reports: the board PDF, extra CSVs (bottlenecks, assumptions, data dictionary) and comparisons.

Everything here reads a saved run folder (:mod:`planner.reports.run_folder`), never the Pyomo model, so
``planner report RUN_DIR`` rebuilds exactly what ``planner solve`` wrote.
"""
