"""The seed's first story: one memristor trained by pulses until x * w = z.

The weight is the device's conductance over its largest one, w = G / G_max,
so w lies in (G_min / G_max, 1]. The input x scales the read voltage
(x * v_read across the device), the read current is x * v_read * G, and the
product read back is x * w = I / (v_read * G_max). Each step reads through
ngspice, compares with z, and writes one pulse through ngspice: towards lower
resistance when x * w is too small, higher when too large; a pulse that
overshoots halves the next width. Every write starts from the exact state the
previous one left.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from pymem.constants import WriteBackend
from pymem.crossbar.spec import Crossbar
from pymem.devices.base import DeviceModel
from pymem.errors import ParameterError
from pymem.ops.mvm import mvm
from pymem.ops.program import check_write_backend, write_pulses


@dataclass
class MultiplierResult:
    """Outcome of training one memristor as a multiplier.

    Attributes
    ----------
    x, z : float
        Input and target product.
    w_target, w_final : float
        Ideal weight z / x and the trained one (dimensionless, G / G_max).
    abs_error : float
        |x * w_final - z| as read through ngspice.
    pulses : int
    converged : bool
    trajectory : list of float
        x * w read before each pulse and at the end.
    seconds : float
    step_seconds : float
        Mean wall time of one read-compare-write step (s).
    states : list of float
        Device state at each read of ``trajectory`` (state units).
    widths_s : list of float
        Width of each pulse applied (s), signed by its direction (+ towards a larger product).
    g_max_s : float
        Largest conductance of the device at the read voltage (S): w = G / g_max_s.
    v_read : float
        Read voltage (V) that x scales.
    """

    x: float
    z: float
    w_target: float
    w_final: float
    abs_error: float
    pulses: int
    converged: bool
    trajectory: list[float] = field(default_factory=list)
    seconds: float = 0.0
    step_seconds: float = 0.0
    states: list[float] = field(default_factory=list)
    widths_s: list[float] = field(default_factory=list)
    g_max_s: float = 0.0
    v_read: float = 0.0


def set_polarity(model: DeviceModel, v: float) -> int:
    """+1 if a positive pulse of ``v`` volts raises the conductance, -1 if it lowers it."""
    lo, hi = model.x_bounds
    mid = 0.5 * (lo + hi)
    rises_with_x = float(model.conductance(hi, 0.05)) > float(model.conductance(lo, 0.05))
    moves_up = float(model.dxdt(abs(v), mid)) > 0
    return 1 if rises_with_x == moves_up else -1


def train_multiplier(
    model: DeviceModel,
    x: float,
    z: float,
    tol: float = 0.005,
    max_pulses: int = 200,
    v_write: float | None = None,
    width_s: float | None = None,
    x0: float | None = None,
    backend: WriteBackend = "solver",
) -> MultiplierResult:
    """Train one device by pulses until |x * w - z| <= ``tol``; see the module docstring.

    Parameters
    ----------
    model : DeviceModel
    x : float
        Input, in (0, 1] (fraction of the read voltage).
    z : float
        Target product; z / x must be a reachable weight.
    tol : float
        Stopping tolerance on |x * w - z|.
    max_pulses : int
        Pulse budget.
    v_write : float, optional
        Write amplitude (V); default 1.5 times the larger threshold magnitude (1 V without thresholds).
    width_s : float, optional
        First pulse width (s); default 1/200 of the model's demo drive period.
    x0 : float, optional
        Initial state; default the model's.
    backend : {"solver", "ngspice"}
        Engine of every write and read: pymem's native engine and exact solver, or ngspice.
    """
    check_write_backend(backend)
    if not (np.isfinite(x) and 0 < x <= 1):
        raise ParameterError(f"input x must be in (0, 1], got {x!r}")
    xb = Crossbar(1, 1, model, states=[[model.x0 if x0 is None else x0]])
    lo, hi = model.x_bounds
    v_read = float(xb.v_read)
    g_hi = float(model.conductance(hi, v_read))
    g_lo = float(model.conductance(lo, v_read))
    g_max, g_min = max(g_hi, g_lo), min(g_hi, g_lo)
    w_target = z / x
    if not (g_min / g_max < w_target <= 1):
        raise ParameterError(
            f"target weight z/x = {w_target!r} is outside what {model.name} can store: "
            f"({g_min / g_max:.4g}, 1]; choose z and x with z/x in that range"
        )
    th = model.thresholds
    amp = v_write if v_write is not None else (1.5 * max(-th[0], th[1]) if th else 1.0)
    width = width_s if width_s is not None else model.demo_drive().duration_s / 200
    up = set_polarity(model, amp)
    t0 = time.perf_counter()
    trajectory: list[float] = []
    states: list[float] = []
    widths: list[float] = []
    pulses = 0
    last = 0
    converged = False
    while True:
        read = mvm(xb, [x * v_read], backend=backend)
        product = float(read.y[0, 0]) / (v_read * g_max)
        trajectory.append(product)
        states.append(float(xb.states[0, 0]))
        if abs(product - z) <= tol:
            converged = True
            break
        if pulses >= max_pulses:
            break
        direction = 1 if product < z else -1
        if last and direction != last:
            width /= 2
        last = direction
        widths.append(direction * width)
        res = write_pulses(xb, (0, 0), direction * up * amp, width, "v2", backend=backend)
        xb = xb.with_states(res.states_after)
        pulses += 1
    seconds = time.perf_counter() - t0
    w_final = trajectory[-1] / x
    return MultiplierResult(
        x=x,
        z=z,
        w_target=w_target,
        w_final=w_final,
        abs_error=abs(trajectory[-1] - z),
        pulses=pulses,
        converged=converged,
        trajectory=trajectory,
        seconds=seconds,
        step_seconds=seconds / max(len(trajectory), 1),
        states=states,
        widths_s=widths,
        g_max_s=g_max,
        v_read=v_read,
    )
