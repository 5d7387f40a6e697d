"""Read-based matrix-vector multiplication, three ways, always beside the ideal answer.

- ``ngspice``: one transient run of the crossbar deck, each input vector held
  in turn (a batch is one simulator run); outputs sampled at the end of each
  hold; the device states after the read are returned too.
- ``solver``: pymem's exact sparse nodal analysis of the same circuit.
- ``ideal``: y = G^T v with every cell's chord conductance at the read voltage.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem import backends
from pymem.constants import MVM_BACKENDS, MvmBackend
from pymem.crossbar.mapping import ideal_mvm
from pymem.crossbar.spec import Crossbar
from pymem.devices.base import DeviceModel
from pymem.engine.static import CrossbarSolver
from pymem.errors import ParameterError, ReadDisturbError, ReadDisturbWarning, SimulationError
from pymem.netlist import crossbar as xnet

DEFAULT_MAX_READ_DISTURB = 1e-3
"""Largest estimated state change of a read, as a fraction of the state range, that
:func:`mvm` accepts by default; a read estimated above it is refused."""


@dataclass(frozen=True)
class MVMResult:
    """A crossbar read next to its ideal twin.

    Attributes
    ----------
    v : ndarray, shape (batch, rows)
        Inputs (V).
    y : ndarray, shape (batch, cols)
        Outputs of the chosen backend (A), after the ADC if the crossbar has one.
    y_ideal : ndarray, shape (batch, cols)
        G^T v with chord conductances at the read voltage (A).
    backend : str
    seconds : float
        Wall time of the read (s).
    v_out : ndarray, shape (batch, cols) or None
        TIA output voltages (V).
    states_after : ndarray, shape (rows, cols) or None
        Device states at the end of an ngspice read.
    extra : dict
        Backend details (ngspice log and solver used, Newton iterations, ...); an
        ngspice read also keeps ``sim_result`` (ngspice's vectors), ``t_read_s`` and
        ``t_edge_s``, so :func:`pymem.ops.energy.read_energy` and
        :func:`compare_solver_with_ngspice` reuse it instead of running ngspice again.
    read_disturb_estimate : float
        Largest state change the read may cause in any cell, estimated from the
        model's ``dxdt`` (see :func:`read_disturb_estimate`), fraction of the state range.
    state_change_max : float or None
        Largest |x(t) - x(0)| of any cell during an ngspice read, fraction of the
        state range; None for the solver and ideal backends, which do not move states.
    """

    v: NDArray[np.float64]
    y: NDArray[np.float64]
    y_ideal: NDArray[np.float64]
    backend: str
    seconds: float
    v_out: NDArray[np.float64] | None = None
    states_after: NDArray[np.float64] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    read_disturb_estimate: float = 0.0
    state_change_max: float | None = None

    @property
    def rel_error(self) -> NDArray[np.float64]:
        """|y - y_ideal| / |y_ideal| element by element, shape (batch, cols)."""
        denom = np.abs(self.y_ideal)
        return np.abs(self.y - self.y_ideal) / np.where(denom > 0, denom, np.inf)

    @property
    def max_rel_error(self) -> float:
        """Largest relative error against ideal math."""
        return float(np.max(self.rel_error))

    @property
    def mean_rel_error(self) -> float:
        """Mean relative error against ideal math."""
        return float(np.mean(self.rel_error))

    @property
    def column_error(self) -> NDArray[np.float64]:
        """Mean relative error per column, shape (cols,)."""
        return np.mean(self.rel_error, axis=0)


def mvm(
    xbar: Crossbar,
    v: ArrayLike,
    backend: MvmBackend = "solver",
    t_read_s: float | None = None,
    sim_backend: backends.BackendName = "shared",
    timeout: float | None = None,
    solver: CrossbarSolver | None = None,
    max_read_disturb: float | None = DEFAULT_MAX_READ_DISTURB,
) -> MVMResult:
    """Read the crossbar with inputs ``v`` and compare with ideal math.

    Parameters
    ----------
    xbar : Crossbar
    v : array_like, shape (rows,) or (batch, rows)
        Read voltages (V), each below the device's write threshold.
    backend : {"ngspice", "solver", "ideal"}
    t_read_s : float, optional
        Hold time per vector in the ngspice transient (s); default
        ``xbar.read_hold_s``: 1 us, or longer when a TIA needs it to settle.
    sim_backend : {"shared", "batch"}
        ngspice backend for ``backend="ngspice"``.
    timeout : float, optional
        Seconds before an ngspice run is stopped.
    solver : CrossbarSolver, optional
        A solver of this crossbar to reuse (its factorisation is kept).
    max_read_disturb : float or None
        Largest state change a read may cause, as a fraction of the state range,
        estimated from the model's ``dxdt`` before any simulation (every backend:
        a physical read takes ``t_read_s`` per vector). None reads anyway, with a
        :class:`ReadDisturbWarning` past :data:`DEFAULT_MAX_READ_DISTURB`.

    Returns
    -------
    MVMResult

    Raises
    ------
    ReadDisturbError
        If the estimated state change exceeds ``max_read_disturb``.
    """
    if backend not in MVM_BACKENDS:
        raise ParameterError(f"unknown MVM backend {backend!r}; choose one of {MVM_BACKENDS}")
    batch = xbar.check_inputs(v)
    hold = xbar.read_hold_s if t_read_s is None else t_read_s
    if not (np.isfinite(hold) and hold > 0):
        raise ParameterError(f"t_read_s must be a finite time > 0 s, got {t_read_s!r}")
    disturb = read_disturb_estimate(xbar.device, xbar.states, batch, hold)
    _check_disturb(xbar.device, disturb, batch, hold, max_read_disturb)
    y_ideal = ideal_mvm(xbar.conductances(), batch)
    t0 = time.perf_counter()
    v_out = None
    states_after = None
    extra: dict[str, Any] = {}
    if backend == "ideal":
        y = y_ideal.copy()
    elif backend == "solver":
        s = solver if solver is not None else CrossbarSolver(xbar)
        res = s.solve(batch)
        y, v_out = res.y, res.v_out
        extra = {"newton_iterations": res.newton_iterations, "factorize_seconds": s.factorize_seconds}
    else:
        y, v_out, states_after, extra = _ngspice_read(xbar, batch, hold, sim_backend, timeout)
    seconds = time.perf_counter() - t0
    if xbar.adc is not None:
        y = xbar.adc.quantize(y) if v_out is None else -xbar.adc.quantize(v_out) / xbar.tia.r_f_ohm
    return MVMResult(
        v=batch,
        y=y,
        y_ideal=y_ideal,
        backend=backend,
        seconds=seconds,
        v_out=v_out,
        states_after=states_after,
        extra=extra,
        read_disturb_estimate=disturb,
        state_change_max=extra.get("state_change_max"),
    )


def read_disturb_estimate(model: DeviceModel, states: ArrayLike, v: ArrayLike, t_read_s: float) -> float:
    """Worst-case state change of a read, from the model's own ``dxdt``, as a fraction of the range.

    Every cell is taken to see its full row voltage (wires and sensing only
    lower it) for ``t_read_s`` per input vector; the estimate is
    ``max over cells of sum over vectors |dxdt(v_k,i, x_ij)| t_read_s / x_range``:
    first order in the change, so exact for the small changes a tolerance is about.
    Models with thresholds give 0 below them.

    Parameters
    ----------
    model : DeviceModel
    states : array_like, shape (rows, cols)
        Cell states before the read (state units).
    v : array_like, shape (batch, rows)
        Row read voltages (V).
    t_read_s : float
        Hold time per vector (s).

    Returns
    -------
    float
        Estimated largest state change (fraction of the state range, >= 0).
    """
    x = np.asarray(states, dtype=float)
    total = np.zeros_like(x)
    for vec in np.atleast_2d(np.asarray(v, dtype=float)):
        total += np.abs(model.dxdt(vec[:, None], x))
    return float(np.max(total) * t_read_s / model.x_range)


def _check_disturb(
    model: DeviceModel, disturb: float, batch: NDArray[np.float64], hold: float, limit: float | None
) -> None:
    if limit is not None and not (isinstance(limit, int | float) and np.isfinite(limit) and limit > 0):
        raise ParameterError(
            f"max_read_disturb must be a fraction > 0 of the state range or None, got {limit!r}"
        )
    v_max = float(np.max(np.abs(batch)))
    what = (
        f"a read of {batch.shape[0]} vector(s) of {hold:.3g} s at up to {v_max:.3g} V "
        f"moves {model.name} states by up to {disturb:.3g} of their range (estimated from dxdt)"
    )
    if limit is not None and disturb > limit:
        raise ReadDisturbError(
            f"{what}, more than max_read_disturb={limit!r}; lower the read voltage or t_read_s, "
            "or pass max_read_disturb=None to read anyway"
        )
    if limit is None and disturb > DEFAULT_MAX_READ_DISTURB:
        warnings.warn(f"{what}: this read is partly a write", ReadDisturbWarning, stacklevel=3)


def _ngspice_read(
    xbar: Crossbar, batch: NDArray[np.float64], t_read_s: float, sim_backend: str, timeout: float | None
) -> tuple[NDArray, NDArray | None, NDArray, dict[str, Any]]:
    t0 = time.perf_counter()
    deck = xnet.read_deck(xbar, batch, t_read_s=t_read_s, t_edge_s=xnet.READ_EDGE_S)
    t_deck = time.perf_counter() - t0
    res = backends.run(deck, backend=sim_backend, timeout=timeout)  # type: ignore[arg-type]
    t1 = time.perf_counter()
    time_axis = res["time"]
    samples = xnet.read_times(batch.shape[0], t_read_s)
    idx = np.searchsorted(time_axis, samples * (1 - 1e-9))
    idx = np.minimum(idx, time_axis.size - 1)
    if not np.allclose(time_axis[idx], samples, rtol=1e-9, atol=0):
        raise SimulationError(
            f"ngspice did not stop on the read sample times {samples[:3]}...; got {time_axis[idx][:3]}"
        )
    cols = range(xbar.cols)
    v_out = None
    if xbar.sense == "ideal":
        y = np.stack([res.i(f"vsense{j}")[idx] for j in cols], axis=1)
    else:
        v_out = np.stack([res.v(f"c{j}_vo")[idx] for j in cols], axis=1)
        y = -v_out / xbar.tia.r_f_ohm
    # states of every cell at every sample time, shape (batch, rows, cols)
    states = xnet.cell_states(res, xbar.rows, xbar.cols, idx)
    states_after = xnet.cell_states(res, xbar.rows, xbar.cols)
    change = float(np.max(np.abs(xnet.cell_states(res, xbar.rows, xbar.cols, slice(None)) - xbar.states)))
    extra = {
        "deck_seconds": t_deck,
        "ngspice_seconds": res.ngspice_seconds,
        "pymem_seconds": t_deck + (res.seconds - res.ngspice_seconds) + (time.perf_counter() - t1),
        "klu": "using klu" in res.log.lower(),
        "time_points": int(time_axis.size),
        "states_at_samples": states,
        "state_change_max": change / xbar.device.x_range,
        "t_read_s": t_read_s,
        "t_edge_s": xnet.READ_EDGE_S,
        "sim_result": res,
    }
    return y, v_out, states_after, extra


def compare_solver_with_ngspice(
    xbar: Crossbar,
    v: ArrayLike,
    t_read_s: float | None = None,
    sim_backend: backends.BackendName = "shared",
    reference: MVMResult | None = None,
) -> float:
    """Largest relative difference between the solver and an ngspice read of the same inputs.

    The solver is evaluated, vector by vector, at the device states ngspice
    had when it sampled that vector, so a read that nudges a threshold-less
    device (HP) is compared at the same instant, not against the states
    before the read.

    ``reference``, an ngspice read of ``v`` already run (``mvm(xbar, v,
    backend="ngspice")``), is used instead of running ngspice again; then
    ``t_read_s`` and ``sim_backend`` are not used.

    Raises
    ------
    ParameterError
        If ``reference`` is not an ngspice read of ``v``.
    """
    batch = xbar.check_inputs(v)
    if reference is None:
        ng = mvm(xbar, batch, backend="ngspice", t_read_s=t_read_s, sim_backend=sim_backend)
    elif reference.backend != "ngspice" or not np.array_equal(reference.v, batch):
        raise ParameterError(
            f"reference must be an ngspice read of these inputs, got a {reference.backend!r} read of "
            f"shape {reference.v.shape}; pass mvm(xbar, v, backend='ngspice') or no reference"
        )
    else:
        ng = reference
    states = ng.extra["states_at_samples"]
    y = np.stack(
        [CrossbarSolver(xbar.with_states(states[k])).solve(batch[k]).y[0] for k in range(batch.shape[0])]
    )
    return float(np.max(np.abs(y - ng.y) / np.abs(ng.y)))
