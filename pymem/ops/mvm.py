"""Read-based matrix-vector multiplication, three ways, always beside the ideal answer.

- ``ngspice``: one transient run of the crossbar deck, each input vector held
  in turn (a batch is one simulator run); outputs sampled at the end of each
  hold; the device states after the read are returned too.
- ``solver``: pymem's exact sparse nodal analysis of the same circuit.
- ``ideal``: y = G^T v with every cell's chord conductance at the read voltage.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem import backends
from pymem.constants import MVM_BACKENDS, MvmBackend
from pymem.crossbar.mapping import ideal_mvm
from pymem.crossbar.spec import Crossbar
from pymem.errors import ParameterError, SimulationError
from pymem.netlist import crossbar as xnet
from pymem.ops.solver import CrossbarSolver


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
        Backend details (ngspice log and solver used, Newton iterations, ...).
    """

    v: NDArray[np.float64]
    y: NDArray[np.float64]
    y_ideal: NDArray[np.float64]
    backend: str
    seconds: float
    v_out: NDArray[np.float64] | None = None
    states_after: NDArray[np.float64] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

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
) -> MVMResult:
    """Read the crossbar with inputs ``v`` and compare with ideal math.

    Parameters
    ----------
    xbar : Crossbar
    v : array_like, shape (rows,) or (batch, rows)
        Read voltages (V), each below the device's write threshold.
    backend : {"ngspice", "solver", "ideal"}
    t_read_s : float, optional
        Hold time per vector in the ngspice transient (s); default 1 us, or
        longer when a TIA needs it to settle (``xbar.settle_time_s``).
    sim_backend : {"shared", "batch"}
        ngspice backend for ``backend="ngspice"``.
    timeout : float, optional
        Seconds before an ngspice run is stopped.
    solver : CrossbarSolver, optional
        A solver of this crossbar to reuse (its factorisation is kept).

    Returns
    -------
    MVMResult
    """
    if backend not in MVM_BACKENDS:
        raise ParameterError(f"unknown MVM backend {backend!r}; choose one of {MVM_BACKENDS}")
    batch = xbar.check_inputs(v)
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
        hold = max(1e-6, xbar.settle_time_s) if t_read_s is None else t_read_s
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
    )


def _ngspice_read(
    xbar: Crossbar, batch: NDArray[np.float64], t_read_s: float, sim_backend: str, timeout: float | None
) -> tuple[NDArray, NDArray | None, NDArray, dict[str, Any]]:
    t0 = time.perf_counter()
    deck = xnet.read_deck(xbar, batch, t_read_s=t_read_s)
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
    states = np.stack(
        [np.stack([res[xnet.state_vector(i, j)][idx] for j in cols], axis=1) for i in range(xbar.rows)],
        axis=1,
    )
    states_after = np.array(
        [[res[xnet.state_vector(i, j)][-1] for j in cols] for i in range(xbar.rows)], dtype=float
    )
    extra = {
        "deck_seconds": t_deck,
        "ngspice_seconds": res.ngspice_seconds,
        "pymem_seconds": t_deck + (res.seconds - res.ngspice_seconds) + (time.perf_counter() - t1),
        "klu": "using klu" in res.log.lower(),
        "time_points": int(time_axis.size),
        "states_at_samples": states,
    }
    return y, v_out, states_after, extra


def compare_solver_with_ngspice(xbar: Crossbar, v: ArrayLike, t_read_s: float | None = None) -> float:
    """Largest relative difference between the solver and an ngspice read of the same inputs.

    The solver is evaluated, vector by vector, at the device states ngspice
    had when it sampled that vector, so a read that nudges a threshold-less
    device (HP) is compared at the same instant, not against the states
    before the read.
    """
    batch = xbar.check_inputs(v)
    ng = mvm(xbar, batch, backend="ngspice", t_read_s=t_read_s)
    states = ng.extra["states_at_samples"]
    y = np.stack(
        [CrossbarSolver(xbar.with_states(states[k])).solve(batch[k]).y[0] for k in range(batch.shape[0])]
    )
    return float(np.max(np.abs(y - ng.y) / np.abs(ng.y)))
