"""Parameter sweeps: a TOML spec, expanded to points, run in parallel, stored as they finish.

A spec names a task and the values to sweep::

    task = "mvm"                 # mvm | write | train | train_tiles | "module:function"
    [fixed]                      # the same at every grid point
    batch = 4
    [grid]                       # every combination
    model = ["hp", "vteam"]
    r_wire_ohm = [0.0, 1.0, 2.0]
    [[points]]                   # and/or an explicit list (a point may name its own task)
    task = "train"
    epochs = 2

Points run in a local pool of processes (``spawn``: one ngspice per worker),
or on a Dask cluster given its scheduler address. Each finished point is
written at once to the Parquet store; a sweep started again on the same
store skips the points it holds. A point that fails is stored with its error
and the sweep goes on; a worker that dies (an ngspice crash) takes down only
the points it was running: they are run again one by one, each in a fresh
process, and the one that kills its worker again is stored as failed.

The results file belongs to one spec (a hash of its points is stored in it)
and is locked while a sweep writes it. Local workers end when the sweep's
main process dies, even by ``kill -9`` (:func:`die_with_parent`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import signal
import threading
import time
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pymem.errors import ParameterError
from pymem.sweep import tasks
from pymem.sweep.store import ResultStore, lock_results

PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal the kernel sends a process when its parent ends (Linux)."""

WATCHDOG_PERIOD_S = 0.5
"""How often a worker without ``prctl`` checks that its parent lives (s)."""

_NGSPICE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Point:
    """One point of a sweep: its parameters (task included) and a stable id."""

    params: dict[str, Any]

    @property
    def id(self) -> str:
        """First 16 hex digits of the SHA-1 of the sorted-JSON parameters, without ``tasks.RUN_OPTIONS``."""
        kept = {k: v for k, v in self.params.items() if k not in tasks.RUN_OPTIONS}
        text = json.dumps(kept, sort_keys=True, default=str)
        return hashlib.sha1(text.encode()).hexdigest()[:16]


@dataclass
class SweepReport:
    """What a sweep run did.

    Attributes
    ----------
    path : Path
        The results file.
    points : int
        Points in the spec.
    skipped : int
        Already in the store when the run started.
    ran, failed : int
        Run now, and of those stored with ``status="error"``.
    seconds : float
        Wall time of this run (s).
    """

    path: Path
    points: int
    skipped: int
    ran: int
    failed: int
    seconds: float

    @property
    def points_per_minute(self) -> float:
        """Points run now per minute of wall time."""
        return 60.0 * self.ran / self.seconds if self.seconds > 0 else 0.0


def load_spec(path: str | Path) -> dict[str, Any]:
    """Read a TOML sweep spec.

    Raises
    ------
    ParameterError
        If the file is missing or not valid TOML (with the parser's message).
    """
    p = Path(path)
    if not p.is_file():
        raise ParameterError(f"sweep spec {str(p)!r} does not exist")
    try:
        return tomllib.loads(p.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"sweep spec {str(p)!r} is not valid TOML: {exc}") from exc


def spec_hash(points: list[Point]) -> str:
    """SHA-256 (hex) of a spec's points: their sorted ids, so key order and layout do not matter."""
    return hashlib.sha256(json.dumps(sorted(p.id for p in points)).encode()).hexdigest()


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when process ``parent_pid`` (its parent) ends; a pool initializer.

    On Linux the kernel sends SIGKILL at the parent's death (``prctl(PR_SET_PDEATHSIG)``);
    elsewhere, or if that call fails, a daemon thread checks ``os.getppid()`` every
    ``WATCHDOG_PERIOD_S`` and exits the process when the parent has changed.
    """
    armed = False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        armed = False
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:

        def watch() -> None:
            while os.getppid() == parent_pid:
                time.sleep(WATCHDOG_PERIOD_S)
            os._exit(1)

        threading.Thread(target=watch, name="pymem-parent-watchdog", daemon=True).start()


def expand(spec: dict[str, Any]) -> list[Point]:
    """The points of a spec: the grid's product over ``fixed``, then the explicit points.

    Every point takes the top-level ``task`` unless it names its own, and the
    defaults of its task for any parameter it does not give.

    Raises
    ------
    ParameterError
        For unknown top-level keys, an empty spec, an unknown task or parameter, or
        a point given twice.
    """
    unknown = sorted(set(spec) - {"task", "fixed", "grid", "points", "name"})
    if unknown:
        raise ParameterError(
            f"sweep spec has an unknown key {unknown[0]!r}; use task, name, fixed, grid and points"
        )
    task = {"task": spec.get("task", "mvm")}
    points: list[dict[str, Any]] = []
    grid = spec.get("grid", {})
    if grid:
        keys = list(grid)
        values = [v if isinstance(v, list) else [v] for v in grid.values()]
        for combo in itertools.product(*values):
            points.append({**task, **spec.get("fixed", {}), **dict(zip(keys, combo, strict=True))})
    for extra in spec.get("points", []):
        points.append({**task, **extra})
    if not points:
        raise ParameterError("sweep spec has no points: give a [grid] table or [[points]] entries")
    out: list[Point] = []
    seen: dict[str, int] = {}
    for k, params in enumerate(points):
        point = Point(tasks.with_defaults(str(params["task"]), params))
        if point.id in seen:
            raise ParameterError(
                f"sweep spec gives the same point twice (points {seen[point.id]} and {k}: {params}); remove "
                f"one ({', '.join(tasks.RUN_OPTIONS)} choose how a point runs, not a different point)"
            )
        seen[point.id] = k
        out.append(point)
    return out


def _locked_point(params: dict[str, Any]) -> dict[str, Any]:
    """Run a point with the process's ngspice to itself (Dask workers may run several threads)."""
    with _NGSPICE_LOCK:
        return tasks.run_point(params)


def _row(point: Point, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "point_id": point.id,
        **point.params,
        **result,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _crashed(point: Point, why: str) -> dict[str, Any]:
    return _row(point, {"status": "error", "error": why, "seconds": None, "worker": None})


def _run_local(todo: list[Point], workers: int, store: ResultStore, bar: Any) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")
    suspects: list[Point] = []
    guard = {"initializer": die_with_parent, "initargs": (os.getpid(),)}
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, **guard) as pool:
        futures = {pool.submit(tasks.run_point, p.params): p for p in todo}
        for fut in as_completed(futures):
            try:
                store.add(_row(futures[fut], fut.result()))
                bar.update(1)
            except BrokenProcessPool:
                suspects.append(futures[fut])
    for point in suspects:  # a worker died: find which point killed it
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx, **guard) as pool:
            try:
                store.add(_row(point, pool.submit(tasks.run_point, point.params).result()))
            except BrokenProcessPool as exc:
                store.add(_crashed(point, f"worker process died while running this point ({exc})"))
        bar.update(1)


def _run_dask(todo: list[Point], address: str, store: ResultStore, bar: Any) -> None:
    import socket
    from urllib.parse import urlparse

    from distributed import Client, as_completed

    url = urlparse(address if "://" in address else f"tcp://{address}")
    try:
        socket.create_connection((url.hostname or "", url.port or 8786), timeout=10).close()
        client = Client(address, timeout=30)
    except (OSError, ValueError) as exc:
        raise ParameterError(f"cannot reach the Dask scheduler at {address!r} ({exc})") from exc
    with client:
        futures = {client.submit(_locked_point, p.params, pure=False): p for p in todo}
        for fut in as_completed(futures):
            point = futures[fut]
            try:
                store.add(_row(point, fut.result()))
            except Exception as exc:  # KilledWorker and the like: the point failed, the sweep goes on
                store.add(_crashed(point, f"{type(exc).__name__}: {exc}"))
            bar.update(1)


def run_sweep(
    spec: dict[str, Any] | str | Path,
    out: str | Path,
    workers: int | None = None,
    dask: str | None = None,
    quiet: bool = False,
) -> SweepReport:
    """Run every point of ``spec`` not yet in ``out``; store each as it finishes.

    Parameters
    ----------
    spec : dict or path
        A parsed spec, or its TOML file.
    out : str or Path
        Parquet results file (read first: its points are skipped).
    workers : int, optional
        Local worker processes (default 2, or fewer points).
    dask : str, optional
        Scheduler address (``tcp://HOST:PORT``): run on that Dask cluster instead.
    quiet : bool
        No progress bar.

    Raises
    ------
    OutputPathError
        If ``out`` cannot be written (checked before any point runs).
    SweepSpecMismatchError
        If ``out`` holds the results of another spec.
    SweepLockedError
        If another sweep is writing ``out``.
    """
    from pymem.checks import check_writable

    points = expand(spec if isinstance(spec, dict) else load_spec(spec))
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ParameterError(f"workers must be a positive integer, got {workers!r}")
    check_writable(out, make_folders=True)
    with lock_results(out):
        return _run_locked(points, out, workers, dask, quiet)


def _run_locked(
    points: list[Point], out: str | Path, workers: int | None, dask: str | None, quiet: bool
) -> SweepReport:
    from tqdm import tqdm

    store = ResultStore(out, spec_hash=spec_hash(points))
    done = store.done_ids()
    todo = [p for p in points if p.id not in done]
    failed_before = sum(1 for r in store.rows if r.get("status") == "error")
    t0 = time.perf_counter()
    bar = tqdm(total=len(points), initial=len(points) - len(todo), desc="sweep", unit="point", disable=quiet)
    if todo:
        if dask:
            _run_dask(todo, dask, store, bar)
        else:
            _run_local(todo, min(workers or 2, len(todo)), store, bar)
    bar.close()
    failed = sum(1 for r in store.rows if r.get("status") == "error") - failed_before
    return SweepReport(
        store.path, len(points), len(points) - len(todo), len(todo), failed, time.perf_counter() - t0
    )
