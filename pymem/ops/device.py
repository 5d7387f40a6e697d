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

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from pymem import backends
from pymem.constants import DeviceBackend
from pymem.devices.base import DeviceModel
from pymem.devices.waveforms import Waveform
from pymem.errors import IntegrationBudgetError, ParameterError, SimulationError
from pymem.netlist.device import device_deck


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


FASTEST_SWITCH_S = 1e-15
"""Shortest time (s) in which pymem lets a model cross its whole state range at a drive's peak.

The fastest resistive switching measured is tens of picoseconds; a model that
would cross its range in under a femtosecond (an optical cycle) at some voltage
has been driven far outside anything it was fitted to, and its integration
only measures round-off."""


def check_drive(model: DeviceModel, amplitude_v: float) -> None:
    """Refuse a drive amplitude at which ``model``'s equations stop meaning anything.

    Evaluates the model's own ``current`` and ``dxdt`` at +/- ``amplitude_v``
    over its state range.

    Parameters
    ----------
    model : DeviceModel
        The device.
    amplitude_v : float
        Largest magnitude of the drive (V).

    Raises
    ------
    ParameterError
        When the equations overflow there, or when the state would cross its
        whole range in less than :data:`FASTEST_SWITCH_S`; the message names
        the amplitude and the reason.
    """
    lo, hi = model.x_bounds
    x = np.linspace(lo, hi, 101)
    v = abs(float(amplitude_v))
    with np.errstate(all="ignore"):
        rates = np.concatenate([model.dxdt(v, x), model.dxdt(-v, x)])
        currents = np.concatenate([model.current(v, x), model.current(-v, x)])
    if not (np.all(np.isfinite(rates)) and np.all(np.isfinite(currents))):
        raise ParameterError(
            f"amplitude {amplitude_v!r} V is outside what the {model.name} model can mean: its "
            "equations overflow to inf or NaN there. Use an amplitude of a few volts "
            f"(its demo drive uses {model.demo_drive().amplitude_v:g} V)"
        )
    fastest = model.x_range / float(np.max(np.abs(rates)))
    if fastest < FASTEST_SWITCH_S:
        raise ParameterError(
            f"amplitude {amplitude_v!r} V is outside what the {model.name} model can mean: there it "
            f"would switch its whole state range in {fastest:.3g} s, faster than any physical device "
            f"(the limit here is {FASTEST_SWITCH_S:g} s). Use a smaller amplitude "
            f"(its demo drive uses {model.demo_drive().amplitude_v:g} V)"
        )


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
    max_evaluations: int | None = None,
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
    max_evaluations : int, optional
        Reference only: budget of dx/dt evaluations (see :func:`integrate_reference`).

    Returns
    -------
    DeviceTrace

    Raises
    ------
    IntegrationBudgetError
        Reference only, when the budget runs out.
    SimulationError
        Or a subclass, when ngspice or the integrator fails.
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
        t, x = integrate_reference(model, waveform, x0, step, n_points, times_s, max_evaluations)
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


def default_evaluation_budget(n_times: int) -> int:
    """Evaluations of dx/dt the reference may spend on ``n_times`` output times.

    A smooth drive takes 2 to 9 per output time (VTEAM's demo loop: 3,700 for
    2,001 times; 50 V: 17,000); the budget allows 100 per time plus 100,000
    (about 8 s of scipy on the 2,001 times of a default trace) before
    :class:`IntegrationBudgetError` ends a run that would otherwise crawl for hours.
    """
    return 100 * n_times + 100_000


def integrate_reference(
    model: DeviceModel,
    waveform: Waveform,
    x0: float,
    max_step_s: float,
    n_points: int,
    times_s: NDArray[np.float64] | None = None,
    max_evaluations: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Integrate dx/dt = model.dxdt(v(t), x) piece by piece between the waveform's corners.

    Parameters
    ----------
    max_evaluations : int, optional
        Budget of dx/dt evaluations over the whole waveform; default
        :func:`default_evaluation_budget` of the output times.

    Returns
    -------
    t, x : ndarray, shape (m,)
        Times (s) on a uniform grid of ``n_points`` plus the corners, and states.

    Raises
    ------
    IntegrationBudgetError
        When the equations are so stiff at this drive that the budget runs out.
    SimulationError
        When scipy's LSODA gives up.
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
    budget = default_evaluation_budget(grid.size) if max_evaluations is None else int(max_evaluations)
    if budget < 1:
        raise ParameterError(f"max_evaluations must be a positive integer, got {max_evaluations!r}")
    spent = 0

    def rhs(t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        nonlocal spent
        spent += 1
        if spent > budget:
            peak = float(np.max(np.abs(waveform.values(grid))))
            raise IntegrationBudgetError(
                f"reference integration of {model.name} stopped after {budget} evaluations of dx/dt "
                f"at t = {t:.6g} s of {waveform.duration_s:.6g} s: its equations are too stiff at this "
                f"drive (peak {peak:.6g} V). Lower the amplitude, or raise max_evaluations"
            )
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
