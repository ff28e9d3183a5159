"""Scaling study: how build, hand-off and solve grow with horizon length and with network size.

Two sweeps of the benchmark template (:mod:`generate`), both monthly and as LPs (``integer: none``,
so that the solve times compare like with like; the MIP's branch and bound would swamp the trend):

* horizon: the base network (one ship, one launcher) from 2026 to later and later end years;
* network: five years, with 0 to 16 extra cislunar depots (each adds a location and four routes).

Each point is measured in its own process by :mod:`measure` (CPU seconds per phase, so that a busy
machine does not bend the curves). The slope of a least-squares line through
:math:`(\\log x, \\log t)` is the growth exponent: 1 is linear, 2 quadratic. Solves that stop at the
time limit keep their build and hand-off points but are left out of the solve's fit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import generate
import numpy as np

PHASES = ("build", "handoff", "solve")
HORIZON_ENDS = {"quick": [2026, 2027, 2029], "full": [2026, 2027, 2029, 2033, 2041, 2057, 2100]}
DEPOTS = {"quick": [0, 2, 4], "full": [0, 2, 4, 8, 16]}
BASE = generate.Axes(step="month", depots=0, ships=1, launchers=1, parts=1, integer="none")


def _points(axes_list: list[generate.Axes], x_of: Callable[[generate.Axes], float],
            measure: Callable[[Path], dict[str, Any]]) -> list[dict[str, Any]]:
    points = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, axes in enumerate(axes_list):
            r = measure(generate.write(axes, Path(tmp) / f"point{i}.yaml", f"scaling{i}"))
            if "error" in r:
                points.append({"x": x_of(axes), "error": r["error"]})
                continue
            points.append({"x": x_of(axes), "periods": r["periods"], "nonzeros": r["nonzeros"], "status": r["status"],
                           **{p: r["phases"][p]["cpu_s"] for p in PHASES}})
    return points


def slope(x: list[float], y: list[float]) -> float:
    """Least-squares slope of :math:`\\log y` against :math:`\\log x`."""
    return float(np.polyfit(np.log(x), np.log(np.maximum(y, 1e-6)), 1)[0])


def study(quick: bool, measure: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """Both sweeps, their points and the fitted slope of each phase (and of the nonzeros)."""
    size = "quick" if quick else "full"
    axes = {
        "periods": [generate.Axes(**{**BASE.__dict__, "end": end}) for end in HORIZON_ENDS[size]],
        "routes": [generate.Axes(**{**BASE.__dict__, "end": 2030, "depots": n}) for n in DEPOTS[size]],
    }
    x_of = {"periods": lambda a: 12 * (a.end - a.start + 1), "routes": lambda a: 12 + 4 * a.depots}
    out: dict[str, Any] = {"points": {}, "slopes": {}}
    for name, axes_list in axes.items():
        points = [p for p in _points(axes_list, x_of[name], measure) if "error" not in p]
        out["points"][name] = points
        solved = [p for p in points if p["status"] == "optimal"]
        fits = {k: points for k in ("build", "handoff", "nonzeros")} | {"solve": solved}
        out["slopes"][name] = {k: round(slope([p["x"] for p in pts], [p[k] for p in pts]), 3)
                               for k, pts in fits.items() if len(pts) >= 2}
    return out


def chart(result: dict[str, Any], path: Path, before: dict[str, Any] | None = None) -> Path:
    """Log-log chart of CPU seconds per phase against each axis, with the fitted slopes; ``before``, an
    earlier study, adds its solve times (grey, dashed, labelled with its date) to compare with."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    axes_names = [name for name, points in result["points"].items() if points]
    fig, axs = plt.subplots(1, len(axes_names), figsize=(6 * len(axes_names), 4.5), squeeze=False)
    labels = {"periods": "periods (monthly, base network)", "routes": "routes (60 monthly periods)"}
    for ax, name in zip(axs[0], axes_names, strict=True):
        points = result["points"][name]
        for phase, marker in zip(PHASES, "osd", strict=True):
            shown = [p for p in points if phase != "solve" or p["status"] == "optimal"]
            xs = np.array([p["x"] for p in shown], dtype=float)
            ys = np.array([p[phase] for p in shown], dtype=float)
            fit = result["slopes"].get(name, {}).get(phase)
            ax.loglog(xs, np.maximum(ys, 1e-3), marker=marker, label=f"{phase} (slope {fit:.2f})" if fit else phase)
        if before and before["points"].get(name):
            earlier = [p for p in before["points"][name] if p["status"] == "optimal"]
            fit = before["slopes"].get(name, {}).get("solve")
            ax.loglog([p["x"] for p in earlier], [max(p["solve"], 1e-3) for p in earlier], "--", color="grey",
                      marker="x", label=f"solve {before['when'][:10]} (slope {fit:.2f})" if fit
                      else f"solve {before['when'][:10]}")
        ax.set_xlabel(labels.get(name, name))
        ax.set_ylabel("CPU seconds")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("planner benchmark: growth of build, hand-off and solve")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
