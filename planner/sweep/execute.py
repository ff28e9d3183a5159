"""Run a sweep on Dask: a local cluster of processes by default, or an existing cluster.

By default a ``LocalCluster`` of ``workers`` processes (one per core, one thread each, HiGHS on one
thread) listens on loopback only. ``scheduler="tcp://host:port"`` sends the same tasks to an existing
cluster instead; its workers need planner installed and the roadmap files at the same paths.

Tasks are plain data (:class:`~planner.sweep.scenario.Task`). The scenarios still to solve are ordered
along a nearest-neighbour tour of their design points (for a warm sweep of several keys and at least
:data:`PROBE_MIN_SCENARIOS` scenarios, each key's coordinate first weighed by the simplex work it causes,
probed on one worker: :mod:`planner.sweep.sensitivity`) and cut into one contiguous lane per worker
(:mod:`planner.sweep.tour`), so that each worker's in-place warm re-solves (:mod:`planner.sweep.warm`)
start from the basis of a neighbouring scenario. This process feeds each worker the next scenarios of its
lane, a few at a time (pinned to the worker, allowed elsewhere); a worker whose lane is used up takes the
back half of the longest one. Results come back as rows and are appended by this process, the only
writer, as each scenario finishes. A worker that dies has its scenarios in flight rescheduled by Dask and
its lane taken over by the next free worker; a task that keeps killing workers is recorded as failed with
Dask's reason.
The folder also holds ``sweep.json`` (what was asked, with the roadmap's input hash) and ``design.csv``
(the value of each varied key per scenario); running the same sweep into the same folder resumes it.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import Problem, RoadmapError
from planner.io.load import load_roadmap
from planner.results.write import output_folder
from planner.sweep.progress import SweepProgress
from planner.sweep.sampling import design, design_points, overrides_for, scenario_id
from planner.sweep.scenario import Task, row, run_task
from planner.sweep.sensitivity import probe_weights, probes, weighed
from planner.sweep.spec import SweepSpec
from planner.sweep.store import ResultLog
from planner.sweep.tour import Lanes, tour
from planner.timeline import build_timeline

SOLVED = ("optimal", "feasible")
# the probe costs one solve per varied key plus one (~2 s on baseline) and saves ~0.05 s a warm scenario there
PROBE_MIN_SCENARIOS = 50


@dataclass(frozen=True)
class SolveSettings:
    """How each scenario is solved (see :class:`planner.solve.run.SolveOptions`); ``warm``: re-solve in place
    on each worker's HiGHS instance where possible (:mod:`planner.sweep.warm`)."""

    profile: str = "default"
    time_limit_s: float | None = None
    mip_gap: float | None = None
    warm: bool = True


def run_sweep(roadmap: Path, spec: SweepSpec, out: Path, workers: int | None = None, scheduler: str | None = None,
              settings: SolveSettings = SolveSettings(),
              on_progress: Callable[[SweepProgress], None] | None = None, force: bool = False) -> SweepProgress:
    """Solve every scenario of ``spec`` not yet in ``out``; return the final :class:`SweepProgress`. ``out`` is
    locked while the sweep runs and must be new, empty or planner's unless ``force`` (:mod:`planner.results.write`)."""
    roadmap = Path(roadmap).resolve()
    with output_folder(Path(out), "sweep", force):
        tasks = prepare(roadmap, spec, Path(out), settings)
        log = ResultLog(Path(out))
        finished = log.open()
        pending = [t for t in tasks if t.scenario not in finished]
        progress = SweepProgress(total=len(tasks), skipped=len(tasks) - len(pending), started=time.perf_counter())
        if on_progress is not None:
            on_progress(progress)
        if not pending:
            return progress
        with dask_client(workers, scheduler) as client:
            for rows in _dispatch(client, _weighed(client, pending, settings)):
                log.append(rows)
                progress.done += 1
                progress.failed += rows[-1]["name"] not in SOLVED
                if on_progress is not None:
                    on_progress(progress)
        return progress


def _weighed(client: Any, tasks: list[Task], settings: SolveSettings) -> list[Task]:
    """``tasks`` with their design points weighed by the simplex work each key causes, probed on one worker
    (:mod:`planner.sweep.sensitivity`): for a warm sweep of several keys and :data:`PROBE_MIN_SCENARIOS`
    scenarios or more. The other workers wait for the probe (one solve per key plus one, on one worker: 2 s on
    baseline, a few times a scenario's solve in general). The weights only order the work; when the probe
    fails the points stay as they are."""
    if not settings.warm or len(tasks) < PROBE_MIN_SCENARIOS or len(tasks[0].point) < 2:
        return tasks
    base, steps = probes(tasks)
    try:
        key_weights = client.submit(probe_weights, base, steps, pure=False).result()
    except Exception:  # noqa: BLE001 - a lost probe (killed worker) leaves the order unweighted, nothing else
        return tasks
    return weighed(tasks, key_weights)


def _dispatch(client: Any, tasks: list[Task]) -> Iterator[list[dict[str, Any]]]:
    """Run ``tasks`` along a tour of their design points, one lane per worker (:mod:`planner.sweep.tour`);
    yield each scenario's rows as it finishes.

    Each worker has at most its thread count plus one scenario in flight (so it never waits for the next);
    each is submitted pinned to that worker but allowed elsewhere, so Dask reschedules it when the worker
    dies. The workers alive are asked of the scheduler after each result; a gone worker's lane waits for
    the next worker with room (a restarted one, or one whose lane is used up)."""
    from distributed import as_completed

    order = [tasks[i] for i in tour([t.point for t in tasks])]
    client.wait_for_workers(1)
    lanes: Lanes[Task] = Lanes(order, sorted(_threads(client)))
    running = as_completed()
    sent: dict[str, tuple[Task, str]] = {}  # future key: (task, worker it was sent to)
    while True:
        threads = _threads(client)
        lanes.forget(threads)
        for worker, n in sorted(threads.items()):
            room = n + 1 - sum(1 for _task, w in sent.values() if w == worker)
            for _ in range(room):
                task = lanes.take(worker)
                if task is None:
                    break
                future = client.submit(run_task, task, pure=False, workers=[worker], allow_other_workers=True)
                sent[future.key] = (task, worker)
                running.add(future)
        if running.is_empty():
            if not lanes.remaining:
                return
            client.wait_for_workers(1)  # every worker gone: wait for one before placing the rest
            time.sleep(0.1)
            continue
        future = next(running)
        task, _worker = sent.pop(future.key)
        try:
            rows = future.result()
        except Exception as exc:  # noqa: BLE001 - a lost task (killed workers) is a failed scenario
            rows = [row(task.scenario, "status", math.nan, name="error", note=f"{type(exc).__name__}: {exc}")]
        future.release()
        yield rows


def _threads(client: Any) -> dict[str, int]:
    """Thread count of each worker the scheduler knows now, by address."""
    return {address: int(info.get("nthreads", 1)) for address, info in client.scheduler_info()["workers"].items()}


def prepare(roadmap: Path, spec: SweepSpec, out: Path, settings: SolveSettings) -> list[Task]:
    """The sweep's tasks; write ``sweep.json`` and ``design.csv`` (or check that they match on resume)."""
    loaded = load_roadmap(roadmap)
    draws = design(spec)
    overrides = overrides_for(roadmap, spec, draws)
    points = design_points(spec, draws)
    ids = [scenario_id(i) for i in range(len(draws))]
    asked = {"roadmap": str(roadmap), "input_hash": loaded.input_hash(), "sweep": spec.describe(),
             "solve": {"profile": settings.profile, "time_limit_s": settings.time_limit_s,
                       "mip_gap": settings.mip_gap},
             "scenarios": len(ids), "last_year": float(build_timeline(loaded.roadmap.time).start_years[-1])}
    stamp = out / "sweep.json"
    if stamp.exists():
        before = json.loads(stamp.read_text(encoding="utf-8"))
        if before != json.loads(json.dumps(asked)):
            raise RoadmapError([Problem("this folder holds a different sweep (roadmap, its contents, the "
                                        "variations or the solve settings differ)", file=str(stamp),
                                        allowed="the same sweep to resume it, or another --out")])
    else:
        out.mkdir(parents=True, exist_ok=True)
        frame = pd.DataFrame(draws)
        frame.insert(0, "scenario", ids)
        frame.to_csv(out / "design.csv", index=False)
        stamp.write_text(json.dumps(asked, indent=2) + "\n", encoding="utf-8")
    return [Task(scenario=i, roadmap=str(roadmap), overrides=o, profile=settings.profile,
                 time_limit_s=settings.time_limit_s, mip_gap=settings.mip_gap, warm=settings.warm, point=x)
            for i, o, x in zip(ids, overrides, points, strict=True)]


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A Dask client: on ``scheduler`` if given, else on a new loopback cluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client
