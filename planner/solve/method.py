"""The LP method, chosen by the model's size when the solver profile leaves it to HiGHS (``solver: choose``).

Measured (HiGHS 1.16, one thread, CPU seconds of ``highspy`` on the MPS exports of ``planner solve
--export-model``, this 2-core machine; ``python benchmarks/methods.py`` repeats it):

===========================  =========  ===============  ==========================
LP                           nonzeros   primal simplex   IPM + crossover + primal
===========================  =========  ===============  ==========================
baseline, yearly             36 k       3.5              1.0
seed-vision, yearly          35 k       1.5              1.0
moon-first, yearly           36 k       3.6              1.5
baseline, quarterly          136 k      ~90              11.5
===========================  =========  ===============  ==========================

HiGHS's dual simplex (its own choice for LPs) does not leave phase 1 of the quarterly baseline in 150 s.
IPX's crossover ends "imprecise" on these models (dual infeasibilities ~5e-3 after it); HiGHS then cleans
the basis up with the simplex, which with the primal simplex (``simplex_strategy: 4``) takes ~1 s and with
the dual one 40 s. So an LP of at least :data:`IPM_NONZEROS` nonzeros is solved by the interior point method
with crossover and a primal cleanup, a smaller one by the primal simplex. MIPs are left to branch and cut.
"""

from __future__ import annotations

from typing import Any

IPM_NONZEROS = 10_000
INTERIOR_POINT = {"solver": "ipm", "run_crossover": "on", "simplex_strategy": 4}


def lp_options(options: dict[str, Any], nonzeros: int, is_mip: bool) -> dict[str, Any]:
    """``options`` with the LP method chosen when they leave it to HiGHS."""
    if is_mip or options.get("solver", "choose") != "choose" or nonzeros < IPM_NONZEROS:
        return options
    return {**options, **INTERIOR_POINT}


def method_name(options: dict[str, Any], is_mip: bool) -> str:
    """What the summary says HiGHS ran."""
    if is_mip:
        return "branch and cut"
    if options.get("solver") == "ipm":
        return "interior point" + (" with crossover" if options.get("run_crossover", "on") != "off" else "")
    if options.get("solver") == "pdlp":
        return "PDLP"
    return {4: "primal simplex", 1: "dual simplex"}.get(options.get("simplex_strategy"), "simplex (HiGHS's choice)")
