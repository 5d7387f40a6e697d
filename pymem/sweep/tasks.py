"""What a sweep runs at one point: an MVM read, a write pulse, or a training run (one layer or tiles).

Each task takes the point's parameters (plain TOML values, SI units) and
returns a flat dict of scalar metrics. Unknown parameters are refused with
the list of known ones. A task may also be ``"package.module:function"``, a
function of the same signature from the user's own code.

``sim_backend`` (``"shared"`` or ``"batch"``) chooses how the mvm and write
tasks run ngspice: ``batch`` starts one ``ngspice -b`` process per run (the
binary of ``$PYMEM_NGSPICE``), so an ngspice crash ends only that run.
``backend`` chooses the engine: ``"ngspice"`` or ``"solver"`` (the exact read
solver for mvm points, the native transient engine for write points; the
write task's default).
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable
from dataclasses import fields
from typing import Any

import numpy as np

from pymem.errors import ParameterError
from pymem.ops.mvm import mvm

Metrics = dict[str, float | int | str | bool | None]
TaskFn = Callable[[dict[str, Any]], Metrics]

MVM_PARAMS = {
    "model": "hp", "size": 16, "rows": None, "cols": None, "r_wire_ohm": 1.0, "r_driver_ohm": 0.0,
    "sense": "ideal", "cell": "1r", "d2d_sigma": 0.0, "seed": 0, "batch": 4, "backend": "ngspice",
    "timeout_s": None, "sim_backend": "shared",
}  # fmt: skip
WRITE_PARAMS = {
    "model": "vteam", "size": 8, "rows": None, "cols": None, "r_wire_ohm": 1.0, "scheme": "v2",
    "amplitude_factor": 1.5, "v_write": None, "width_s": None, "pulses": 1, "seed": 0, "timeout_s": None,
    "sim_backend": "shared", "backend": "solver",
}  # fmt: skip
PARAM_PREFIX = "param."
"""A point's key ``"param.NAME"`` sets the device parameter ``NAME`` (SI units), e.g.
``"param.k_off_m_per_s" = [1e-4, 5e-4]`` in a spec's grid; ``preset`` names a parameter set."""
DEVICE_KEYS = ("preset",)
"""Device keys every built-in task takes besides its own parameters."""
RUN_OPTIONS = ("sim_backend",)
"""Parameters that choose how a point runs, not what it computes: left out of its id."""


def with_defaults(task: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` over every default of a built-in task (a user's task: unchanged).

    Raises
    ------
    ParameterError
        For a parameter the task does not have, naming the ones it has; for an unknown task.
    """
    known = defaults(task)
    if known is None:
        return dict(params)
    device_keys = {k for k in params if k.startswith(PARAM_PREFIX) or k in DEVICE_KEYS}
    extra = sorted(set(params) - set(known) - {"task"} - device_keys)
    if extra:
        raise ParameterError(
            f"task {task!r} has no parameter {extra[0]!r}; its parameters are {sorted(known)}, "
            f'and device parameters as "{PARAM_PREFIX}NAME" (pymem device params --model M)'
        )
    out = {**known, **params}
    if device_keys:
        device_of(out)  # refuse an unknown device parameter before any point runs
    return out


def device_of(p: dict[str, Any]) -> Any:
    """The device model of a point: its ``model`` with ``preset`` and every ``"param.NAME"`` applied.

    The bare name when nothing is overridden (so plain specs keep their ids).

    Raises
    ------
    ParameterError
        For an unknown preset or parameter, naming the model's parameters with their units.
    """
    from pymem.devices.params import model_with

    items = [f"{k[len(PARAM_PREFIX) :]}={v}" for k, v in p.items() if k.startswith(PARAM_PREFIX)]
    return model_with(p["model"], p.get("preset"), items)


def _config_fields(p: dict[str, Any]) -> dict[str, Any]:
    """A point's parameters as training-configuration fields: the device built, run keys dropped."""
    out = {
        k: v for k, v in p.items() if k != "task" and not k.startswith(PARAM_PREFIX) and k not in DEVICE_KEYS
    }
    out["model"] = device_of(p)
    return out


def _check(task: str, params: dict[str, Any]) -> dict[str, Any]:
    from pymem.constants import BACKENDS

    p = with_defaults(task, params)
    if p["sim_backend"] not in BACKENDS:
        raise ParameterError(f"sim_backend={p['sim_backend']!r} is unknown; choose one of {BACKENDS}")
    p["rows"] = p["rows"] or p["size"]
    p["cols"] = p["cols"] or p["size"]
    return p


def mvm_point(params: dict[str, Any]) -> Metrics:
    """Read a random crossbar and compare with ideal math.

    Metrics: ``mvm_error_rms`` (rms(y - y_ideal) / rms(y_ideal)), ``mvm_error_max``
    (max |y - y_ideal| / max |y_ideal|), ``mvm_seconds``.
    """
    from pymem.crossbar import random_crossbar
    from pymem.devices.variability import Variability

    p = _check("mvm", params)
    var = Variability(d2d_sigma=p["d2d_sigma"], seed=p["seed"]) if p["d2d_sigma"] else None
    xb = random_crossbar(
        p["rows"], p["cols"], device_of(p), seed=p["seed"], variability=var, r_row_ohm=p["r_wire_ohm"],
        r_col_ohm=p["r_wire_ohm"], r_driver_ohm=p["r_driver_ohm"], sense=p["sense"], cell=p["cell"],
    )  # fmt: skip
    ngspice = p["backend"] == "ngspice"
    options = {"timeout": p["timeout_s"], "sim_backend": p["sim_backend"]} if ngspice else {}
    res = mvm(xb, xb.random_inputs(p["batch"], seed=p["seed"] + 1), backend=p["backend"], **options)
    err = res.y - res.y_ideal
    return {
        "mvm_error_rms": float(np.sqrt(np.mean(err**2) / np.mean(res.y_ideal**2))),
        "mvm_error_max": float(np.max(np.abs(err)) / np.max(np.abs(res.y_ideal))),
        "mvm_seconds": res.seconds,
    }


def write_point(params: dict[str, Any]) -> Metrics:
    """One write pulse train on the far cell (row 0, last column) under a half-select scheme.

    The amplitude is ``amplitude_factor`` times the threshold of the SET
    direction (or ``v_write``, V); the width defaults to the one that moves a
    mid-range device by 1/32 of its conductance range (:func:`design_pulses`).
    Metrics: ``selected_change`` and ``nominal_change`` (the same pulses with
    0 ohm wires), fractions of the state range; ``disturb_max``,
    ``disturb_mean``; ``write_energy_j``.
    """
    from pymem.crossbar import Crossbar
    from pymem.ops.program import write_pulses
    from pymem.train.pulses import design_pulses

    p = _check("write", params)
    probe = Crossbar(1, 1, device_of(p))
    design = design_pulses(probe.device, float(probe.v_read), amplitude_factor=p["amplitude_factor"])
    v = design.v_up if p["v_write"] is None else float(p["v_write"])
    width = design.width_up_s if p["width_s"] is None else float(p["width_s"])
    states = np.full((p["rows"], p["cols"]), design.x_mid)
    cell = (0, p["cols"] - 1)
    out: Metrics = {"v_write": v, "width_s": width}
    for key, r in (("selected_change", p["r_wire_ohm"]), ("nominal_change", 0.0)):
        xb = Crossbar(p["rows"], p["cols"], probe.device, states=states, r_row_ohm=r, r_col_ohm=r)
        res = write_pulses(
            xb,
            cell,
            [v] * int(p["pulses"]),
            width,
            p["scheme"],
            p["sim_backend"],
            timeout=p["timeout_s"],
            backend=p["backend"],
        )
        out[key] = res.selected_change / xb.device.x_range
        if key == "selected_change":
            out.update(
                disturb_max=res.disturb_max, disturb_mean=res.disturb_mean, write_energy_j=res.energy_j
            )
    return out


def _accuracies(accuracy: dict[str, float]) -> Metrics:
    """The three runs' test accuracies as metrics (``accuracy_ideal``, ``_device_only``, ``_circuit``)."""
    return {f"accuracy_{run}": accuracy[run] for run in ("ideal", "device_only", "circuit")}


def train_point(params: dict[str, Any]) -> Metrics:
    """Train the classifier (:func:`pymem.train.network.train`); parameters are :class:`TrainConfig` fields.

    Metrics: the three accuracies, ``train_seconds``, ``pulses`` and the
    per-epoch history as JSON (``history_json``).
    """
    from pymem.train.network import TrainConfig, train

    cfg = TrainConfig(**_config_fields(with_defaults("train", params)))
    res = train(cfg)
    return {
        **_accuracies(res.accuracy),
        "train_seconds": res.seconds,
        "pulses": int(sum(h.get("pulses", 0) for h in res.history)),
        "history_json": json.dumps(res.history),
    }


def train_tiles_point(params: dict[str, Any]) -> Metrics:
    """Train the two-layer network on tiles (:func:`pymem.train.twolayer.train_two_layer`).

    Parameters are :class:`~pymem.train.twolayer.TwoLayerConfig` fields (``tile``,
    ``hidden``, ``r_wire_ohm``, ``model``, ``rule``, ``backend`` the write engine, ...).
    Metrics: the three accuracies, ``train_seconds``, ``engine_runs``, ``tiles``
    (all layers) and the per-epoch history as JSON.
    """
    from pymem.train.twolayer import TwoLayerConfig, train_two_layer

    cfg = TwoLayerConfig(**_config_fields(with_defaults("train_tiles", params)))
    res = train_two_layer(cfg)
    return {
        **_accuracies(res.accuracy),
        "train_seconds": res.seconds,
        "engine_runs": res.engine_runs,
        "tiles": int(sum(res.tiles.values())),
        "history_json": json.dumps(res.history),
    }


TASKS: dict[str, TaskFn] = {
    "mvm": mvm_point, "write": write_point, "train": train_point, "train_tiles": train_tiles_point,
}  # fmt: skip


def defaults(task: str) -> dict[str, Any] | None:
    """Every parameter of a built-in task with its default; None for a user's ``module:function``."""
    if task == "mvm":
        return dict(MVM_PARAMS)
    if task == "write":
        return dict(WRITE_PARAMS)
    if task == "train":
        from pymem.train.network import TrainConfig

        return {f.name: f.default for f in fields(TrainConfig)}
    if task == "train_tiles":
        from pymem.train.twolayer import TwoLayerConfig

        return {f.name: f.default for f in fields(TwoLayerConfig)}
    resolve(task)
    return None


def resolve(task: str) -> TaskFn:
    """The function of a task name, or of ``"module:function"``."""
    if task in TASKS:
        return TASKS[task]
    if ":" in task:
        module, _, name = task.partition(":")
        try:
            fn = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            raise ParameterError(f"task {task!r} cannot be imported ({exc}); check the module path") from exc
        return fn  # type: ignore[no-any-return]
    raise ParameterError(f"unknown task {task!r}; choose one of {sorted(TASKS)} or give 'module:function'")


def run_point(params: dict[str, Any]) -> Metrics:
    """Run one point; never raises: a failure comes back as ``status="error"`` with its message."""
    import os
    import socket

    t0 = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        metrics = resolve(str(params.get("task", "mvm")))(params)
        status, error = "ok", None
    except Exception as exc:  # a sweep goes on: the point records what went wrong
        metrics, status, error = {}, "error", f"{type(exc).__name__}: {exc}"
    return {
        **metrics,
        "status": status,
        "error": error,
        "seconds": time.perf_counter() - t0,
        "worker": worker,
    }
