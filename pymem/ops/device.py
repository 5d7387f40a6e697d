"""Simulate one memristor under a voltage waveform: ngspice or the numpy reference.

Both sides integrate the same equations (the model's ``dxdt`` and
``current``): ngspice through the model's subcircuit in a transient run, the
reference with scipy's ``solve_ivp`` (an implicit method, restarted at every
corner of the waveform so no step straddles a discontinuity).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from pymem import backends
from pymem.devices.base import DeviceModel
from pymem.devices.waveforms import Waveform
from pymem.errors import ParameterError, SimulationError
from pymem.netlist import primitives as nl

DeviceBackend = Literal["ngspice", "reference"]

SPICE_OPTIONS = {"reltol": 1e-6, "abstol": 1e-15, "vntol": 1e-9, "chgtol": 1e-18}
"""Tolerances of device transients: tight enough that ngspice matches the
reference to 1e-3 of the state range (ngspice's defaults are 1e-3 relative)."""


@dataclass(frozen=True)
class DeviceTrace:
    """Time series of one device simulation.

    Attributes
    ----------
    t : ndarray, shape (n,)
        Time (s).
    v : ndarray, shape (n,)
        Voltage across the device, p minus n (V).
    i : ndarray, shape (n,)
        Current from p to n through the device (A).
    x : ndarray, shape (n,)
        State (the model's state units).
    backend : str
        ``"ngspice"`` or ``"reference"``.
    seconds : float
        Wall time of the simulation (s).
    """

    t: NDArray[np.float64]
    v: NDArray[np.float64]
    i: NDArray[np.float64]
    x: NDArray[np.float64]
    backend: str
    seconds: float

    def at(self, t: NDArray[np.float64]) -> DeviceTrace:
        """This trace linearly interpolated onto the times ``t`` (s)."""
        return DeviceTrace(
            t=np.asarray(t, dtype=float),
            v=np.interp(t, self.t, self.v),
            i=np.interp(t, self.t, self.i),
            x=np.interp(t, self.t, self.x),
            backend=self.backend,
            seconds=self.seconds,
        )


def device_deck(model: DeviceModel, waveform: Waveform, x0: float, max_step_s: float) -> str:
    """The ngspice deck of one device driven by ``waveform`` from state ``x0``."""
    lines = [
        model.subckt(),
        nl.vsource("Vin", "p", "0", 0.0, waveform.spice()),
        nl.instance("X1", ["p", "0"], model.subckt_name, {"x0": x0}),
        nl.options(**SPICE_OPTIONS),
        nl.tran(max_step_s, waveform.duration_s, 0.0, max_step_s, uic=True),
    ]
    return nl.deck(f"pymem device {model.name}", lines)


def _default_max_step(waveform: Waveform, n_points: int) -> float:
    gaps = np.diff(waveform.breakpoints)
    return float(min(waveform.duration_s / n_points, gaps[gaps > 0].min() / 20))


def simulate(
    model: DeviceModel,
    waveform: Waveform,
    x0: float | None = None,
    backend: DeviceBackend = "ngspice",
    max_step_s: float | None = None,
    n_points: int = 2000,
    sim_backend: backends.BackendName = "shared",
    times_s: NDArray[np.float64] | None = None,
) -> DeviceTrace:
    """Simulate one device under ``waveform``.

    Parameters
    ----------
    model : DeviceModel
        Any model of the registry (``pymem.devices.get(name)``).
    waveform : Sine or PWL
        The voltage across the device (see :mod:`pymem.devices.waveforms`).
    x0 : float, optional
        Initial state; default the model's ``x0``.
    backend : {"ngspice", "reference"}
        Circuit simulation of the subcircuit, or scipy integration of the equations.
    max_step_s : float, optional
        Largest time step (s); default duration / ``n_points``, and for ngspice
        no more than the model's ``spice_max_step_s``.
    n_points : int
        Points of the returned reference trace (and default step count).
    sim_backend : {"shared", "batch"}
        Which ngspice backend runs the deck.
    times_s : ndarray, optional
        Reference only: report the state exactly at these times (s), for
        example an ngspice trace's own, instead of on a uniform grid.

    Returns
    -------
    DeviceTrace
    """
    x0 = model.x0 if x0 is None else float(x0)
    lo, hi = model.x_bounds
    if not lo <= x0 <= hi:
        raise ParameterError(f"x0={x0!r} is outside the state range [{lo}, {hi}] of {model.name}")
    step = _default_max_step(waveform, n_points) if max_step_s is None else max_step_s
    t0 = time.perf_counter()
    if backend == "ngspice":
        if max_step_s is None and model.spice_max_step_s is not None:
            step = min(step, model.spice_max_step_s)
        res = backends.run(device_deck(model, waveform, x0, step), backend=sim_backend)
        t = res["time"]
        return DeviceTrace(
            t=t,
            v=res.v("p"),
            i=-res.i("vin"),
            x=res.v("x1.x"),
            backend="ngspice",
            seconds=time.perf_counter() - t0,
        )
    if backend == "reference":
        t, x = integrate_reference(model, waveform, x0, step, n_points, times_s)
        v = waveform.values(t)
        return DeviceTrace(
            t=t,
            v=v,
            i=model.current(v, x),
            x=x,
            backend="reference",
            seconds=time.perf_counter() - t0,
        )
    raise ParameterError(f"unknown device backend {backend!r}; choose 'ngspice' or 'reference'")


def integrate_reference(
    model: DeviceModel,
    waveform: Waveform,
    x0: float,
    max_step_s: float,
    n_points: int,
    times_s: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Integrate dx/dt = model.dxdt(v(t), x) piece by piece between the waveform's corners.

    Returns
    -------
    t, x : ndarray, shape (m,)
        Times (s) on a uniform grid of ``n_points`` plus the corners, and states.
    """
    corners = np.unique(np.clip(waveform.breakpoints, 0, waveform.duration_s))
    base = (
        np.linspace(0, waveform.duration_s, n_points + 1)
        if times_s is None
        else np.clip(np.asarray(times_s, dtype=float), 0, waveform.duration_s)
    )
    grid = np.unique(np.concatenate([base, corners]))
    lo, hi = model.x_bounds
    atol = 1e-10 * (hi - lo)

    def rhs(t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.atleast_1d(model.dxdt(waveform.values(t), np.clip(y, lo, hi)))

    xs = np.empty_like(grid)
    xs[0] = x0
    state = x0
    for a, b in itertools.pairwise(corners):
        inside = (grid > a) & (grid <= b)
        sol = solve_ivp(
            rhs,
            (a, b),
            [state],
            method="LSODA",
            t_eval=grid[inside],
            rtol=1e-9,
            atol=atol,
            max_step=max_step_s,
        )
        if not sol.success:
            raise SimulationError(f"reference integration of {model.name} failed: {sol.message}")
        xs[inside] = np.clip(sol.y[0], lo, hi)
        state = float(xs[inside][-1]) if inside.any() else state
    return grid, xs
