"""Why a roadmap has no plan: an elastic re-solve over the limits a strategist can relax.

Every row of a constraint family declared with a ``limit`` label (launch cap, chip supply, funding,
milestone deadlines, demands, ...) gets a nonnegative slack :math:`\\sigma_i` on the side that binds; the
LP relaxation then minimizes :math:`\\sum_i \\sigma_i / (1 + |b_i|)` (slacks relative to the row's size).
The rows with positive slack are the smallest set of relaxations that makes the roadmap feasible under
that weighting, reported in the roadmap's terms: which limit, which period, by how much.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp

from planner.solve.highs_backend import compile_model, new_highs

if TYPE_CHECKING:
    from planner.model import BuiltModel

SLACK_REPORTED = 1e-6


def relaxations(built: BuiltModel) -> list[tuple[str, str, str, float]]:
    """(limit, family, where, amount) for each relaxed row of the elastic re-solve, largest first."""
    m, reg, d = built.model, built.registry, built.data
    if not any(isinstance(o, pyo.Objective) and o.active for o in m.component_objects(pyo.Objective)):
        m.diagnose_objective = pyo.Objective(expr=0)
    c = compile_model(m)
    limits = [i for i, row in enumerate(c.rows) if reg.families.get(row.parent_component().name, None)
              and reg.families[row.parent_component().name].limit]
    n_rows, n_cols = len(c.rows), len(c.columns)
    cols, signs, rows = [], [], []
    for i in limits:
        if np.isfinite(c.row_upper[i]):  # a <= row (or ==) can be relaxed upward
            rows.append(i)
            signs.append(-1.0)
            cols.append(len(cols))
        if np.isfinite(c.row_lower[i]):
            rows.append(i)
            signs.append(1.0)
            cols.append(len(cols))
    if not rows:
        return []
    slack = sp.csc_matrix((signs, (rows, cols)), shape=(n_rows, len(cols)))
    a = sp.hstack([c.matrix, slack]).tocsc()
    size = np.array([1.0 + abs(c.row_upper[i] if np.isfinite(c.row_upper[i]) else c.row_lower[i]) for i in rows])
    cost = np.concatenate([np.zeros(n_cols), 1.0 / size])
    h = new_highs({"presolve": "on", "threads": 1, "random_seed": 0})
    h.passModel(n_cols + len(cols), n_rows, int(a.nnz), 1, 1, 0.0, cost,
                np.concatenate([c.col_lower, np.zeros(len(cols))]),
                np.concatenate([c.col_upper, np.full(len(cols), np.inf)]),
                c.row_lower, c.row_upper, a.indptr.astype(np.int32), a.indices.astype(np.int32),
                a.data.astype(float), np.zeros(n_cols + len(cols), dtype=np.int32))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return []
    values = np.asarray(h.getSolution().col_value)[n_cols:]
    out = []
    for j, amount in enumerate(values):
        if amount > SLACK_REPORTED * size[j]:
            row = c.rows[rows[j]]
            family = reg.families[row.parent_component().name]
            out.append((family.limit, family.name, _where(row.index(), d.timeline.labels), float(amount)))
    if hasattr(m, "diagnose_objective"):
        m.del_component("diagnose_objective")
    return sorted(out, key=lambda item: -item[3])


def explain_infeasibility(built: BuiltModel) -> str:
    """A few sentences naming the limits that conflict, with the amounts that would make it feasible."""
    found = relaxations(built)
    if not found:
        return ("No single limit explains it: the roadmap's flows cannot balance (a demand with no route, "
                "a consumable that cannot be carried, or integer requirements). Run 'planner diagnose'.")
    lines = ["The plan becomes feasible if these limits are relaxed:"]
    for limit, family, where, amount in found[:12]:
        lines.append(f"  - {limit} ({family}) {where}: by {amount:,.4g}")
    if len(found) > 12:
        lines.append(f"  ... and {len(found) - 12} more")
    return "\n".join(lines)


def _where(index: object, labels: tuple[str, ...]) -> str:
    parts = index if isinstance(index, tuple) else (index,)
    text = []
    for part in parts:
        if isinstance(part, int) and 0 <= part < len(labels):
            text.append(f"in {labels[part]}")
        elif part is not None:
            text.append(str(part))
    return " ".join(text)
