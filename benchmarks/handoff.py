"""The hand-off's compile by Pyomo's standard-form compiler and by the planner (rows read directly,
:mod:`planner.solve.direct_form`), side by side.

``python benchmarks/handoff.py ROADMAP.yaml [...]`` builds each roadmap, compiles it both ways (CPU
seconds, µs per nonzero) and checks that the two give the same columns, rows, matrix, costs and bounds.
Use ``python benchmarks/generate.py large large.yaml`` for a big model.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's planner, installed or not

from planner import load_roadmap  # noqa: E402
from planner.model import build_model  # noqa: E402
from planner.solve import highs_backend  # noqa: E402


def same(a: highs_backend.Compiled, b: highs_backend.Compiled) -> bool:
    """Whether two compiled models are the same matrix problem, column for column and row for row."""
    return ([id(v) for v in a.columns] == [id(v) for v in b.columns]
            and [id(r) for r in a.rows] == [id(r) for r in b.rows]
            and a.matrix.shape == b.matrix.shape and abs(a.matrix - b.matrix).max() <= 1e-12 * abs(a.matrix).max()
            and all(np.allclose(getattr(a, k), getattr(b, k)) for k in ("cost", "row_lower", "row_upper",
                                                                          "col_lower", "col_upper")))


def compare(path: Path) -> str:
    built = build_model(load_roadmap(path, allow_outside=True).roadmap)
    built.model.objective = built.stages[0].objective()
    start = time.process_time()
    a, ta = highs_backend.compile_model(built.model, direct=False), time.process_time() - start
    start = time.process_time()
    b, tb = highs_backend.compile_model(built.model), time.process_time() - start
    n = max(a.matrix.nnz, 1)
    return (f"{path}: {a.matrix.nnz:,} nonzeros; Pyomo's compiler {ta:.2f} s "
            f"({1e6 * ta / n:.2f} µs/nonzero), the planner's {tb:.2f} s ({1e6 * tb / n:.2f} µs/nonzero); "
            f"identical: {same(a, b)}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(compare(Path(arg)), flush=True)
