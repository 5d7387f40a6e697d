"""Sweeps: spec expansion, parallel runs into Parquet, failures, resume after a kill, Dask, plots."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from pymem.cli import main
from pymem.errors import OutputPathError, ParameterError, SweepLockedError, SweepSpecMismatchError
from pymem.sweep import tasks
from pymem.sweep.runner import expand, load_spec, run_sweep
from pymem.sweep.store import lock_results, read_rows

TESTS = Path(__file__).parent


@pytest.fixture
def user_tasks(monkeypatch):
    """Make tests/sweep_tasks.py importable in spawned workers too."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.syspath_prepend(str(TESTS))


MVM_SPEC = {
    "task": "mvm",
    "fixed": {"batch": 2, "size": 4},
    "grid": {"model": ["hp", "vteam"], "r_wire_ohm": [0.0, 2.0], "backend": ["solver"]},
    "points": [{"backend": "ngspice", "model": "vteam", "r_wire_ohm": 1.0, "batch": 2, "size": 4}],
}


def test_expand_takes_the_product_then_the_points():
    points = expand(MVM_SPEC)
    assert len(points) == 2 * 2 + 1
    assert {(p.params["model"], p.params["r_wire_ohm"]) for p in points[:4]} == {
        ("hp", 0.0), ("hp", 2.0), ("vteam", 0.0), ("vteam", 2.0)
    }  # fmt: skip
    assert all(p.params["batch"] == 2 and p.params["cell"] == "1r" for p in points)  # fixed and defaults
    assert len({p.id for p in points}) == len(points)
    assert expand(MVM_SPEC)[0].id == points[0].id  # stable


@pytest.mark.parametrize(("spec", "match"), [
    ({"grid": {"model": ["hp"]}, "colour": 1}, "unknown key 'colour'"),
    ({"task": "mvm"}, "no points"),
    ({"task": "mvm", "grid": {"r_wire": [1.0]}}, "task 'mvm' has no parameter 'r_wire'"),
    ({"task": "fly", "grid": {"k": [1]}}, "unknown task 'fly'"),
    ({"task": "no_such_module:f", "grid": {"k": [1]}}, "cannot be imported"),
    ({"task": "train", "grid": {"size": [4]}}, "task 'train' has no parameter 'size'"),
])  # fmt: skip
def test_bad_specs_are_refused(spec, match):
    with pytest.raises(ParameterError, match=match):
        expand(spec)


def test_bad_toml_names_the_file(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text("task = mvm\n")
    with pytest.raises(ParameterError, match="not valid TOML"):
        load_spec(f)
    with pytest.raises(ParameterError, match="does not exist"):
        load_spec(tmp_path / "missing.toml")
    with pytest.raises(ParameterError, match="does not exist"):
        read_rows(tmp_path / "missing.parquet")


def test_local_sweep_stores_every_point_as_a_direct_run_gives_it(tmp_path):
    out = tmp_path / "r.parquet"
    rep = run_sweep(MVM_SPEC, out, workers=2, quiet=True)
    assert (rep.points, rep.ran, rep.skipped, rep.failed) == (5, 5, 0, 0)
    rows = read_rows(out)
    assert len(rows) == 5 and len({r["point_id"] for r in rows}) == 5
    assert len({r["worker"] for r in rows}) >= 1
    for row in rows:
        params = {k: row[k] for k in tasks.MVM_PARAMS} | {"task": "mvm"}
        direct = tasks.run_point(params)
        assert row["mvm_error_rms"] == pytest.approx(direct["mvm_error_rms"], rel=1e-9, abs=1e-15)
    zero = [r for r in rows if r["r_wire_ohm"] == 0.0]
    assert all(
        r["mvm_error_rms"] < 1e-9 for r in zero if r["model"] == "vteam"
    )  # no wires, no threshold drift
    rerun = run_sweep(MVM_SPEC, out, workers=2, quiet=True)
    assert (rerun.ran, rerun.skipped) == (0, 5)


def test_a_failing_point_is_recorded_and_the_sweep_goes_on(tmp_path):
    spec = {"task": "mvm", "fixed": {"size": 4, "backend": "ngspice", "model": "vteam"},
            "grid": {"timeout_s": [1e-6, 60.0]}}  # fmt: skip
    out = tmp_path / "r.parquet"
    rep = run_sweep(spec, out, workers=2, quiet=True)
    assert rep.failed == 1
    rows = {r["timeout_s"]: r for r in read_rows(out)}
    assert rows[1e-6]["status"] == "error" and "SimulationTimeout" in rows[1e-6]["error"]
    assert rows[60.0]["status"] == "ok" and rows[60.0]["mvm_error_rms"] >= 0


def test_a_crashed_worker_fails_only_its_point(tmp_path, user_tasks):
    spec = {"task": "sweep_tasks:segfault_on_two", "grid": {"k": [1, 2, 3, 4]}}
    out = tmp_path / "r.parquet"
    rep = run_sweep(spec, out, workers=2, quiet=True)
    rows = {r["k"]: r for r in read_rows(out)}
    assert sorted(rows) == [1, 2, 3, 4] and rep.failed == 1
    assert rows[2]["status"] == "error" and "worker process died" in rows[2]["error"]
    assert all(rows[k]["square"] == k * k and rows[k]["status"] == "ok" for k in (1, 3, 4))


def test_a_killed_sweep_resumes_and_skips_what_is_done(tmp_path, user_tasks):
    spec = tmp_path / "s.toml"
    spec.write_text(
        'task = "sweep_tasks:slow_square"\n[fixed]\nsleep_s = 0.4\n[grid]\nk = [1, 2, 3, 4, 5, 6, 7, 8]\n'
    )
    out = tmp_path / "r.parquet"
    cmd = [
        sys.executable,
        "-m",
        "pymem.cli",
        "sweep",
        str(spec),
        "--out",
        str(out),
        "--workers",
        "1",
        "--quiet",
    ]
    proc = subprocess.Popen(cmd, start_new_session=True, env=os.environ.copy())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if out.exists() and len(read_rows(out)) >= 3:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = read_rows(out)
    assert 3 <= len(before) < 8
    rep = run_sweep(spec, out, workers=2, quiet=True)
    assert rep.skipped == len(before) and rep.ran == 8 - len(before)
    after = read_rows(out)
    assert sorted(r["k"] for r in after) == list(range(1, 9))
    assert all(r["square"] == r["k"] ** 2 for r in after)
    kept = {r["point_id"]: r["finished_at"] for r in before}
    assert all(r["finished_at"] == kept[r["point_id"]] for r in after if r["point_id"] in kept)


DASK_GRID = {"model": ["hp", "vteam"], "r_wire_ohm": [0.0, 1.0], "backend": ["solver", "ngspice"]}


@pytest.fixture(scope="module")
def dask_sweeps(tmp_path_factory):
    """One Dask local cluster runs the mvm grid and a task that crashes its worker on k=2."""
    import dask
    from distributed import LocalCluster

    tmp = tmp_path_factory.mktemp("dask")
    spec = {"task": "mvm", "fixed": {"size": 4, "batch": 2}, "grid": DASK_GRID}
    with pytest.MonkeyPatch.context() as mp:  # tests/sweep_tasks.py importable in the workers
        mp.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
        mp.syspath_prepend(str(TESTS))
        with (
            dask.config.set({"distributed.scheduler.allowed-failures": 0}),
            LocalCluster(
                n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None
            ) as cluster,
        ):
            rep = run_sweep(spec, tmp / "r.parquet", dask=cluster.scheduler_address, quiet=True)
            crash = run_sweep({"task": "sweep_tasks:segfault_on_two", "grid": {"k": [1, 2]}},
                              tmp / "c.parquet", dask=cluster.scheduler_address, quiet=True)  # fmt: skip
    return {
        "rep": rep,
        "rows": read_rows(tmp / "r.parquet"),
        "crash": crash,
        "crows": read_rows(tmp / "c.parquet"),
    }


def test_sweep_on_a_dask_local_cluster_runs_every_point(dask_sweeps):
    assert (dask_sweeps["rep"].ran, dask_sweeps["rep"].failed) == (8, 0)
    got = {(r["model"], r["r_wire_ohm"], r["backend"]) for r in dask_sweeps["rows"]}
    assert got == {
        (m, r, b) for m in DASK_GRID["model"] for r in DASK_GRID["r_wire_ohm"] for b in DASK_GRID["backend"]
    }


@pytest.mark.parametrize("r_wire_ohm", DASK_GRID["r_wire_ohm"])
@pytest.mark.parametrize("model", DASK_GRID["model"])
def test_sweep_on_a_dask_local_cluster_ngspice_agrees_with_the_solver(dask_sweeps, model, r_wire_ohm):
    by_key = {(r["model"], r["r_wire_ohm"], r["backend"]): r for r in dask_sweeps["rows"]}
    solver, ng = by_key[(model, r_wire_ohm, "solver")], by_key[(model, r_wire_ohm, "ngspice")]
    assert ng["mvm_error_rms"] == pytest.approx(solver["mvm_error_rms"], rel=1e-3, abs=1e-5)


def test_a_crashed_dask_worker_fails_only_its_point(dask_sweeps):
    assert dask_sweeps["crash"].failed == 1
    crows = {r["k"]: r for r in dask_sweeps["crows"]}
    assert crows[1]["status"] == "ok" and crows[2]["status"] == "error"


def test_unreachable_dask_scheduler_is_a_clear_error(tmp_path):
    with pytest.raises(ParameterError, match="cannot reach the Dask scheduler"):
        run_sweep(MVM_SPEC, tmp_path / "r.parquet", dask="tcp://127.0.0.1:9", quiet=True)


def test_cli_sweep_and_plot(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text(  # [fixed] goes to the grid's points only
        'task = "mvm"\n[fixed]\nsize = 4\nbatch = 2\nbackend = "solver"\n'
        '[grid]\nmodel = ["hp", "vteam"]\nr_wire_ohm = [0.0, 1.0, 2.0]\n'
        '[[points]]\ntask = "write"\nsize = 4\nr_wire_ohm = 1.0\n'
        '[[points]]\ntask = "train"\ndata = "iris"\nrows = 3\ncols = 4\nepochs = 1\nbatch = 70\n'
    )
    out = tmp_path / "r.parquet"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "2", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["points"] == 8 and rep["ran"] == 8 and rep["failed"] == 0 and rep["points_per_minute"] > 0
    assert main(["plot", str(out), "-o", str(tmp_path / "fig"), "--json"]) == 0
    figs = json.loads(capsys.readouterr().out)["figures"]
    names = sorted(Path(f).name for f in figs)
    assert names == [
        "accuracy_vs_wire.png",
        "mvm_error_vs_wire.png",
        "training_curves.png",
        "write_vs_wire.png",
    ]
    assert all(Path(f).stat().st_size > 5_000 for f in figs)
    rows = read_rows(out)
    mvm = sorted(
        (r["r_wire_ohm"], r["mvm_error_rms"]) for r in rows if r["task"] == "mvm" and r["model"] == "hp"
    )
    assert np.all(np.diff([e for _, e in mvm]) > 0)  # more wire resistance, more error


SMALL_SPEC = {
    "task": "mvm",
    "fixed": {"size": 2, "batch": 1, "backend": "solver"},
    "grid": {"model": ["hp", "vteam"]},
}


def test_a_results_file_of_another_spec_is_refused(tmp_path):
    out = tmp_path / "r.parquet"
    run_sweep(SMALL_SPEC, out, workers=1, quiet=True)
    before = out.read_bytes()
    other = {**SMALL_SPEC, "grid": {"model": ["hp", "yakopcic"]}}
    with pytest.raises(
        SweepSpecMismatchError, match=r"holds 2 point\(s\) of another sweep spec .* another --out"
    ):
        run_sweep(other, out, workers=1, quiet=True)
    assert out.read_bytes() == before
    same = {
        "task": "mvm",
        "points": [{"model": m, "size": 2, "batch": 1, "backend": "solver"} for m in ("vteam", "hp")],
    }
    assert run_sweep(same, out, workers=1, quiet=True).skipped == 2  # the same points, written another way


def test_a_second_sweep_on_a_locked_file_is_refused(tmp_path):
    out = tmp_path / "r.parquet"
    locked = pytest.raises(SweepLockedError, match=f"another running sweep \\(process {os.getpid()}")
    with lock_results(out), locked:
        run_sweep(SMALL_SPEC, out, workers=1, quiet=True)
    assert not out.exists()
    assert run_sweep(SMALL_SPEC, out, workers=1, quiet=True).ran == 2  # the lock ends with its holder


def _slow_sweep(tmp_path, sleep_s: float, workers: int) -> tuple[subprocess.Popen, Path]:
    spec = tmp_path / "s.toml"
    spec.write_text(
        f'task = "sweep_tasks:slow_square"\n[fixed]\nsleep_s = {sleep_s}\n[grid]\nk = [1, 2, 3, 4]\n'
    )
    out = tmp_path / "r.parquet"
    cmd = [
        sys.executable,
        "-m",
        "pymem.cli",
        "sweep",
        str(spec),
        "--out",
        str(out),
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen([*cmd, "--quiet"], start_new_session=True, env=os.environ.copy())
    return proc, out


def test_a_concurrent_sweep_on_the_same_file_exits_2(tmp_path, user_tasks, capsys):
    proc, out = _slow_sweep(tmp_path, 0.5, 1)
    try:
        deadline = time.monotonic() + 60
        while not (out.exists() and read_rows(out)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert main(["sweep", str(tmp_path / "s.toml"), "--out", str(out)]) == 2
        assert f"being written by another running sweep (process {proc.pid}" in capsys.readouterr().err
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (psutil, or /proc when psutil is missing)."""
    try:
        import psutil

        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except ImportError:
        parents = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        found, frontier = [], [pid]
        while frontier:
            kids = [c for c, p in parents.items() if p in frontier]
            found += kids
            frontier = kids
        return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its parent's wait is missing


def test_workers_end_when_the_sweep_is_killed(tmp_path, user_tasks):
    proc, _out = _slow_sweep(tmp_path, 60.0, 2)
    try:
        deadline = time.monotonic() + 60
        kids: list[int] = []
        while time.monotonic() < deadline:  # two workers and the resource tracker, each a python
            kids = _children(proc.pid)
            if len(kids) >= 3:
                break
            time.sleep(0.1)
        assert len(kids) >= 3, f"the sweep did not start its workers: {kids}"
        time.sleep(2.0)  # the workers are inside their 60 s points now
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, as a user's kill -9 would
        proc.wait()
        deadline = time.monotonic() + 5
        while any(_alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [k for k in kids if _alive(k)] == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def test_sweeps_can_run_ngspice_in_batch_processes(tmp_path):
    spec = {
        "task": "mvm",
        "fixed": {"size": 3, "batch": 2, "backend": "ngspice"},
        "grid": {"model": ["hp", "vteam"]},
    }
    shared = read_rows(run_sweep(spec, tmp_path / "a.parquet", workers=1, quiet=True).path)
    batch_spec = {**spec, "fixed": {**spec["fixed"], "sim_backend": "batch"}}
    assert [p.id for p in expand(batch_spec)] == [p.id for p in expand(spec)]  # how it runs is not what it is
    batch = read_rows(run_sweep(batch_spec, tmp_path / "b.parquet", workers=1, quiet=True).path)
    assert all(r["status"] == "ok" and r["sim_backend"] == "batch" for r in batch)
    for a, b in zip(
        shared, sorted(batch, key=lambda r: [x["point_id"] for x in shared].index(r["point_id"])), strict=True
    ):
        assert b["mvm_error_rms"] == pytest.approx(a["mvm_error_rms"], rel=1e-6)


def test_bad_sim_backend_and_twice_given_points_are_refused():
    with pytest.raises(ParameterError, match="sim_backend='fork' is unknown; choose one of"):
        tasks.mvm_point({"sim_backend": "fork", "size": 2})
    twice = {"task": "mvm", "grid": {"sim_backend": ["shared", "batch"]}}
    with pytest.raises(
        ParameterError, match=r"gives the same point twice \(points 0 and 1.*sim_backend choose how"
    ):
        expand(twice)


def test_out_naming_a_directory_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(OutputPathError, match="is a directory"):
        run_sweep(SMALL_SPEC, tmp_path, quiet=True)
    assert main(["plot", str(tmp_path)]) == 2
    assert "is a directory; give the Parquet file of a sweep" in capsys.readouterr().err
