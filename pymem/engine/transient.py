"""The native transient engine: a write circuit's device states and source energy over time.

The unknowns are the states of the cells that move (the "active" cells) and
the energy drawn from the sources; the node voltages follow algebraically
(:mod:`pymem.engine.network`). Time runs from waveform corner to corner, so
every pulse edge is a step boundary; inside each interval LSODA (variable
order, stiff or not as it finds) integrates with error control.

Active cells: at the start of each interval, every cell whose model rate
``dxdt`` is non-zero at its voltage at either end of the interval (raised by
``margin``, with the present states) joins the set; after each step the
voltages of all other cells are checked, and a cell that would move restarts
the interval with it included. Cells outside the set have a rate of exactly
zero (below their thresholds), so they are not integrated at all; models
without a threshold (HP) make every cell with a voltage active.

The integration runs on the models' own numpy equations, the same ones the
ngspice subcircuits carry; tests compare the two on the same circuits.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import LSODA
from threadpoolctl import ThreadpoolController

from pymem.circuit.write import WriteCircuit
from pymem.engine.network import LinearNetwork, NonlinearNetwork, is_ohmic
from pymem.errors import ParameterError, StateBoundsError, StepBudgetError

DEFAULT_RTOL = 1e-7
"""Relative tolerance of the state and energy integration."""
DEFAULT_ATOL = 1e-9
"""Absolute tolerance of the states, as a fraction of the state range."""
DEFAULT_MAX_STEPS = 200_000
"""Largest number of accepted time steps of one run."""
PIN_GAP = 1e-9
"""States this close to a bound (fraction of the range), pushed outwards, are put on it."""
BOUND_SLACK = 1e-3
"""How far past a bound (fraction of the state range) a state may go before it is an error."""
REFACTOR_STILL_CELLS = 256
"""Ohmic arrays: cells that have moved since the factorisation but cannot move in the next interval
stay in the rank-k update and are eliminated once per interval (not integrated); when there are
more than this many, the nodal matrix is factorised afresh at the present states instead (exact
either way: it bounds the update's size and memory)."""


@dataclass(frozen=True)
class TransientResult:
    """Outcome of one transient of a write circuit.

    Attributes
    ----------
    states : ndarray, shape (rows, cols)
        Device states at the end (state units, not clipped).
    energy_j : float
        Energy delivered by all sources (J).
    steps : int
        Accepted time steps.
    evaluations : int
        Evaluations of the node equations.
    active : ndarray of bool, shape (rows, cols)
        Cells that were integrated (could move).
    seconds : float
        Wall time (s).
    """

    states: NDArray[np.float64]
    energy_j: float
    steps: int
    evaluations: int
    active: NDArray[np.bool_]
    seconds: float


class _Grow(Exception):
    def __init__(self, cells: NDArray[np.int64]) -> None:
        self.cells = cells


def _moving(model, v: NDArray, x: NDArray) -> NDArray[np.bool_]:
    return np.asarray(model.dxdt(v, x), dtype=float) != 0.0


def simulate(
    circuit: WriteCircuit,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    max_steps: int = DEFAULT_MAX_STEPS,
    margin: float = 0.05,
) -> TransientResult:
    """Integrate a write circuit from its array's states to the end of its waveforms.

    Parameters
    ----------
    circuit : WriteCircuit
        The write (from :func:`pymem.circuit.write_circuit` or :func:`~pymem.circuit.schedule_circuit`).
    rtol : float
        Relative tolerance of states and energy.
    atol : float
        Absolute tolerance of the states, as a fraction of the model's state range.
    max_steps : int
        Budget of accepted time steps for the whole run.
    margin : float
        Relative voltage margin when choosing the active cells.

    Returns
    -------
    TransientResult

    Raises
    ------
    StepBudgetError
        When the run needs more than ``max_steps`` steps (names the time and the fastest cell).
    StateBoundsError
        When a state leaves its bounds by more than ``BOUND_SLACK`` of the range (names the cell and time).
    EngineConvergenceError
        When the node equations do not converge (names the time and node).
    """
    if not (isinstance(max_steps, int | np.integer) and max_steps >= 1):
        raise ParameterError(f"max_steps must be an integer >= 1, got {max_steps!r}")
    if not (0 < rtol < 1 and 0 < atol < 1):
        raise ParameterError(f"rtol and atol must lie in (0, 1), got {rtol!r} and {atol!r}")
    with _blas().limit(limits=1):  # k x k systems: one BLAS thread is several times faster
        return _simulate(circuit, rtol, atol, max_steps, margin)


@functools.cache
def _blas() -> ThreadpoolController:
    """The BLAS thread pools of this process (found once: a lookup costs milliseconds)."""
    return ThreadpoolController()


def _simulate(
    circuit: WriteCircuit, rtol: float, atol: float, max_steps: int, margin: float
) -> TransientResult:
    t_start = time.perf_counter()
    xb = circuit.xb
    model = xb.device
    lo, hi = model.x_bounds
    span = hi - lo
    x = xb.states.ravel().astype(float).copy()
    ohmic = is_ohmic(circuit)
    net: LinearNetwork | NonlinearNetwork = LinearNetwork(circuit, x) if ohmic else NonlinearNetwork(circuit)
    corners = circuit.breakpoints()
    active = np.zeros(x.size, bool)  # cells that may have moved since the network's factorisation
    ever = np.zeros(x.size, bool)
    state = {"steps": 0, "evals": 0}
    energy = 0.0
    p_scale = 0.0
    for t in corners:
        p_scale = max(p_scale, abs(_at(net, float(t), x)[1]))
    e_atol = 1e-9 * max(p_scale, 1e-30) * float(corners[-1])
    for ta, tb in zip(corners[:-1].tolist(), corners[1:].tolist(), strict=True):
        if not (np.any(net.source_volts(ta)) or np.any(net.source_volts(tb))):
            continue  # every source at 0 V (floating lines leak to ground): nothing flows, nothing moves
        if ohmic:
            net.set_active(np.flatnonzero(active))  # type: ignore[union-attr]
            net.segment(ta, tb)  # type: ignore[union-attr]
        va, pa = _at(net, ta, x)
        vb, pb = _at(net, tb, x)
        if not (np.any(va) or np.any(vb)):
            continue  # every line at 0 V: nothing flows, nothing moves
        cand = _moving(model, va * (1 + margin), x) | _moving(model, vb * (1 + margin), x)
        if ohmic and np.count_nonzero(active & ~cand) > REFACTOR_STILL_CELLS:
            net.refactor(x)  # type: ignore[union-attr]
            active[:] = False
        if not ohmic:
            cand |= active
            vm, _ = net.solve_all(0.5 * (ta + tb), x)
            cand |= _moving(model, vm * (1 + margin), x)
        while True:
            cells = np.flatnonzero(cand)
            try:
                x_s, e_seg = _integrate(
                    net,
                    circuit,
                    cells,
                    x,
                    (ta, tb),
                    (rtol, atol * span, e_atol),
                    state,
                    max_steps,
                    ((va, pa), (vb, pb)),
                )
                break
            except _Grow as grow:
                cand[grow.cells] = True
        x[cells] = x_s
        active |= cand
        ever |= cand
        energy += e_seg
    return TransientResult(
        states=x.reshape(xb.rows, xb.cols),
        energy_j=energy,
        steps=state["steps"],
        evaluations=state["evals"],
        active=ever.reshape(xb.rows, xb.cols),
        seconds=time.perf_counter() - t_start,
    )


def _at(net: LinearNetwork | NonlinearNetwork, t: float, x: NDArray[np.float64]) -> tuple[NDArray, float]:
    """Every cell's voltage (V) and the source power (W) at ``t`` for the states ``x``.

    A linear network answers from its factorisation and active cells (``t`` in its
    segment, or a corner before any segment); a nonlinear one solves afresh.
    """
    if isinstance(net, LinearNetwork):
        if not hasattr(net, "_ends"):
            v_all, v_s, i_s = net.corner(t)
            return net.cell_volts(v_all), float(v_s @ i_s)
        _, power, j = net.active(t, x[net.cells])
        return net.all_cell_volts(t, j), power
    return net.solve_all(t, x)


def _integrate(
    net: LinearNetwork | NonlinearNetwork,
    circuit: WriteCircuit,
    cells: NDArray[np.int64],
    x_all: NDArray[np.float64],
    span_t: tuple[float, float],
    tols: tuple[float, float, float],
    state: dict[str, int],
    max_steps: int,
    ends: tuple[tuple[NDArray, float], tuple[NDArray, float]],
) -> tuple[NDArray[np.float64], float]:
    """States of ``cells`` at the end of ``span_t`` and the energy delivered over it.

    ``tols`` are the relative tolerance, the states' absolute tolerance and the
    energy's (J); ``ends`` the cell voltages and source power at both ends with
    the starting states.
    """
    ta, tb = span_t
    rtol, atol_x, atol_e = tols
    model = circuit.xb.device
    lo, hi = model.x_bounds
    span = hi - lo
    k = cells.size
    others = np.ones(x_all.size, bool)
    others[cells] = False
    near = np.zeros(0, dtype=np.int64)
    guard: _StillGuard | None = None
    if isinstance(net, LinearNetwork):
        net.set_active(cells)
        net.segment(ta, tb, cells, x_all)  # the update's other cells are still: eliminated once
        if k == 0:  # power is quadratic in t here: Simpson's rule is exact
            _, pm, _ = net.active(0.5 * (ta + tb), x_all[cells])
            return x_all[cells], (tb - ta) / 6 * (ends[0][1] + 4 * pm + ends[1][1])
        # cells within a factor 2 of moving are checked at every step, the rest at the end
        near = np.flatnonzero(
            others & (_moving(model, 2 * ends[0][0], x_all) | _moving(model, 2 * ends[1][0], x_all))
        )
        band = _dead_band(model)
        if band is not None:  # only those a bound cannot show still are solved for
            guard = _StillGuard(net, band, others, ends, x_all[cells], span_t)
    x_work = x_all.copy()
    frozen = np.zeros(k, bool)  # states put on a bound (see _pin): held there to the interval's end

    def rhs(t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        state["evals"] += 1
        out = np.empty(k + 1)
        if isinstance(net, LinearNetwork):
            u, power, _ = net.active(t, y[:k])
            out[:k] = model.dxdt(u, y[:k])
        else:
            x_work[cells] = y[:k]
            v, power = net.solve_all(t, x_work)
            grow = others & _moving(model, v, x_work)
            if grow.any():
                raise _Grow(np.flatnonzero(grow))
            out[:k] = model.dxdt(v[cells], y[:k])
        out[:k][frozen] = 0.0
        out[k] = power
        return out

    def jac(t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        assert isinstance(net, LinearNetwork)
        x = y[:k]
        u, du_dx, dj_dx, c = net.active_jacobian(t, x, span)
        hv = 1e-6 * np.maximum(np.abs(u), 1e-3)
        hx = 1e-7 * span
        f_u = (model.dxdt(u + hv, x) - model.dxdt(u - hv, x)) / (2 * hv)
        x_hi, x_lo = np.minimum(x + hx, hi), np.maximum(x - hx, lo)  # one-sided at the bounds
        f_x = (model.dxdt(u, x_hi) - model.dxdt(u, x_lo)) / np.maximum(x_hi - x_lo, hx)
        out = np.zeros((k + 1, k + 1))
        out[:k, :k] = f_u[:, None] * du_dx
        out[np.arange(k), np.arange(k)] += f_x
        out[k, :k] = c @ dj_dx
        out[:k][frozen] = 0.0
        return out

    y0 = np.concatenate([x_all[cells], [0.0]])
    atol = np.concatenate([np.full(k, atol_x), [atol_e]])

    def start(t0: float, y_start: NDArray[np.float64]) -> LSODA:
        return LSODA(
            rhs,
            t0,
            y_start,
            tb,
            rtol=rtol,
            atol=atol,
            first_step=1e-3 * (tb - t0),
            jac=jac if isinstance(net, LinearNetwork) else None,
        )

    solver = start(ta, y0)
    while solver.status == "running":
        if state["steps"] >= max_steps:
            dx = np.abs(rhs(solver.t, solver.y)[:k])
            worst = int(cells[np.argmax(dx)]) if k else 0
            cell = divmod(worst, circuit.xb.cols)
            raise StepBudgetError(
                f"the write needed more than max_steps={max_steps} time steps (stopped at "
                f"t = {solver.t!r} s; fastest cell {cell}); raise max_steps, lengthen the pulse edges "
                "or lower the amplitude",
                time_s=float(solver.t),
                cell=cell,
            )
        solver.step()
        state["steps"] += 1
        y = solver.y
        _check_bounds(y[:k], cells, float(solver.t), circuit)
        if isinstance(net, LinearNetwork):  # its still cells are checked below
            pinned = _pin(y, k, lambda t=solver.t, y=y: rhs(t, y)[:k], lo, hi)
        else:  # this evaluation also checks that no other cell starts to move
            rate = rhs(solver.t, y)[:k]
            pinned = _pin(y, k, lambda rate=rate: rate, lo, hi)
        if pinned is not None and solver.status == "running":
            y, hit = pinned
            frozen |= hit
            solver = start(float(solver.t), y)  # a hard stop: restart on the bound
        if guard is not None and near.size:
            _, _, j = net.active(solver.t, y[:k])  # type: ignore[union-attr]
            guard.check(model, float(solver.t), j, x_all, near)
        elif near.size and isinstance(net, LinearNetwork):
            _, _, j = net.active(solver.t, y[:k])
            _check_still(model, net.cell_volts_at(solver.t, j, near), x_all[near], near)
    if solver.status == "failed":
        raise StepBudgetError(
            f"the integrator failed at t = {solver.t!r} s; lower the write amplitude or lengthen the edges",
            time_s=float(solver.t),
        )
    if guard is not None:
        _, _, j = net.active(tb, solver.y[:k])  # type: ignore[union-attr]
        guard.check(model, tb, j, x_all, np.flatnonzero(others))
    elif isinstance(net, LinearNetwork) and others.any():
        _, _, j = net.active(tb, solver.y[:k])
        rest = np.flatnonzero(others)
        _check_still(model, net.all_cell_volts(tb, j)[rest], x_all[rest], rest)
    return solver.y[:k].copy(), float(solver.y[k])


def _dead_band(model) -> tuple[float, float] | None:
    """The model's fixed voltage thresholds ``(v_neg, v_pos)`` (V) if its rate is exactly 0 between them.

    None for models without thresholds, with thresholds that depend on the state,
    or whose ``dxdt`` is not exactly zero at the thresholds themselves (checked here).
    """
    th = model.thresholds
    if th is None or model.thresholds_depend_on_state:
        return None
    v_neg, v_pos = float(th[0]), float(th[1])
    if not v_neg < 0 < v_pos:
        return None
    x = np.linspace(*model.x_bounds, 9)
    for v in (v_neg, v_pos, 0.5 * v_neg, 0.5 * v_pos):
        if np.any(np.asarray(model.dxdt(np.full(x.size, v), x), dtype=float) != 0.0):
            return None
    return v_neg, v_pos


class _StillGuard:
    """Shows cheaply that cells outside the integrated set stay inside the model's dead band.

    A cell's voltage is its value at the interval's starting states (linear in
    time between the corners: ``ends``) minus the response to the change of the
    update cells' extra currents ``j`` since then; that response is at most the
    cell's ``reach`` (V/A, from the network) times the largest change of ``j``.
    Only cells whose distance to the band's edges (``slack``, the smaller at the
    two ends) that bound does not cover are solved for exactly; usually none.
    As without the bound, the cells within a factor 2 of moving are checked at
    every step and all others at the interval's end.
    """

    def __init__(
        self,
        net: LinearNetwork,
        band: tuple[float, float],
        others: NDArray[np.bool_],
        ends: tuple[tuple[NDArray, float], tuple[NDArray, float]],
        x_cells: NDArray[np.float64],
        span_t: tuple[float, float],
    ) -> None:
        v_neg, v_pos = band
        va, vb = ends[0][0], ends[1][0]
        self.slack = np.minimum(np.minimum(va - v_neg, v_pos - va), np.minimum(vb - v_neg, v_pos - vb))
        self.slack[~others] = np.inf
        self.net = net
        self.ta, self.dt = span_t[0], span_t[1] - span_t[0]
        self.j_a = net.active(span_t[0], x_cells)[2]
        self.dj = net.active(span_t[1], x_cells)[2] - self.j_a

    def check(
        self, model, t: float, j: NDArray[np.float64], x_all: NDArray[np.float64], cells: NDArray[np.int64]
    ) -> None:
        """Raise :class:`_Grow` with those of ``cells`` that move at ``t``, given the update's ``j``."""
        alpha = (t - self.ta) / self.dt if self.dt > 0 else 0.0
        delta = float(np.max(np.abs(j - (self.j_a + alpha * self.dj)))) if j.size else 0.0
        suspects = cells[self.net.reach[cells] * delta >= self.slack[cells]]
        if suspects.size:
            _check_still(model, self.net.some_cell_volts(t, j, suspects), x_all[suspects], suspects)


def _pin(
    y: NDArray, k: int, rate_of: Callable[[], NDArray], lo: float, hi: float
) -> tuple[NDArray, NDArray] | None:
    """``y`` with states that reach a bound while pushed outwards put on it, and which ones; or None.

    A window that stops the state abruptly at a bound (HP's "none") is a
    discontinuity that a multistep integrator approaches in ever shorter
    steps; within ``PIN_GAP`` of the range (or past the bound) the state is
    put on the bound, held there to the end of the interval (inside one, the
    sources change monotonically, so the drive does not turn), and the
    integration restarts.
    """
    gap = PIN_GAP * (hi - lo)
    x = y[:k]
    near_hi, near_lo = x >= hi - gap, x <= lo + gap
    if not (near_hi.any() or near_lo.any()):
        return None  # the rates (``rate_of()``, one more evaluation) are needed only near a bound
    rate = rate_of()
    up = (x > hi) | (near_hi & (rate > 0))
    down = (x < lo) | (near_lo & (rate < 0))
    if not (up.any() or down.any()):
        return None
    out = y.copy()
    out[:k][up] = hi
    out[:k][down] = lo
    return out, up | down


def _check_still(model, v: NDArray, x: NDArray, cells: NDArray[np.int64]) -> None:
    """Raise :class:`_Grow` with those of ``cells`` that would move at voltages ``v``."""
    grow = _moving(model, v, x)
    if grow.any():
        raise _Grow(cells[grow])


def _check_bounds(x: NDArray, cells: NDArray[np.int64], t: float, circuit: WriteCircuit) -> None:
    model = circuit.xb.device
    lo, hi = model.x_bounds
    slack = BOUND_SLACK * (hi - lo)
    out = (x < lo - slack) | (x > hi + slack)
    if out.any():
        first = int(np.flatnonzero(out)[0])
        cell = divmod(int(cells[first]), circuit.xb.cols)
        raise StateBoundsError(
            f"the state of cell {cell} reached {float(x[first])!r} at t = {t!r} s, outside "
            f"{model.name}'s range [{lo}, {hi}]; check the model's window or lower the write amplitude",
            time_s=t,
            cell=cell,
        )
