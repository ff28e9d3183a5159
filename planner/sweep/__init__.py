"""Uncertainty at scale: sweeps and Monte Carlo over a roadmap's figures on Dask, and Pareto frontiers.

``spec`` parses what varies, ``sampling`` makes the design, ``scenario`` solves one scenario on a worker
(in place on the worker's HiGHS instance where ``warm`` can), ``store`` keeps the append-only results,
``execute`` runs it all on a Dask cluster (``progress`` shows it), ``summary`` and ``report`` turn the
results into tables and charts; ``pareto`` traces compute against settlement; ``commands`` holds the
bodies of ``planner sweep`` and ``planner pareto``.
"""
