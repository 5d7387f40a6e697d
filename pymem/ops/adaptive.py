"""Program-and-verify with per-cell pulse widths learnt in the loop (``width_control="adaptive"``).

Each cell's next width comes from its model's own state equation: the time
``T`` that ``dxdt`` at the nominal write voltage needs to carry the cell from
its present state to the state of its target conductance (a quadrature of
``1 / dxdt`` over the state). The cell's last pulse of the same direction says
how much faster or slower than nominal it really moves (``T`` of the change it
made, per second of pulse: its "rate factor", which holds the wires' IR drop,
device spread and noise as they are), and its next pulse is ``MODEL_SAFETY``
times ``T / factor``, on the width grid. A cell's first pulse of a
direction takes the factor of the first pulse of that direction in its
column in the previous row (cells of one column see nearly the same wires),
or 1 in the first row. Where the model cannot say (the nominal voltage does
not move the cell), the loop falls back to the conductance change per second
of the last pulse (its "gain"), at most ``GROWTH`` times the previous width.

A row is written in parallel: the cells going the
same way are selected together in one write of several pulse slots, each slot
driving the columns whose width reaches that far (pulse-width modulation by
column selection), so every cell gets its own width in one transient. Widths
lie on a grid of quarter octaves, which bounds the number of slots.

The estimate is closed-loop: it sees the wires' IR drop, device spread and
nonlinearity as they are, so a row usually converges in a handful of writes,
where halving a shared width needs tens.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from pymem.circuit.write import line_voltages, schedule_circuit
from pymem.errors import SimulationError
from pymem.ops.verify import ProgramResult, finish, pending

if TYPE_CHECKING:
    from pymem.crossbar.spec import Crossbar
    from pymem.devices.variability import Variability

GRID_PER_OCTAVE = 4
"""Pulse widths are rounded to 2**(k / GRID_PER_OCTAVE) times the first width."""
SAFETY = 0.8
"""Fraction of the estimated closing width that a pulse applies (conductance-gain fallback)."""
MODEL_SAFETY = 1.0
"""Fraction of the model's travel time (divided by the learnt rate factor) that a pulse applies;
the loop is closed, so a slight overshoot costs one pulse of the other direction, as does a
slight undershoot."""
QUADRATURE_NODES = 24
"""Gauss-Legendre nodes of the travel-time integral over the state."""
GROWTH = 4.0
"""Largest ratio between a cell's next width and its last one."""


def _grid(width: float, base: float) -> float:
    return base * 2.0 ** (round(GRID_PER_OCTAVE * np.log2(width / base)) / GRID_PER_OCTAVE)


def travel_time(
    model, v: float, x0: NDArray[np.float64], x1: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Time (s) that ``model`` takes from states ``x0`` to ``x1`` at a constant voltage ``v``.

    ``T = integral of dx / dxdt(v, x)`` from ``x0`` to ``x1``, by Gauss-Legendre
    quadrature per cell.

    Parameters
    ----------
    model : DeviceModel
        The device model (its ``dxdt``).
    v : float
        Voltage across the device (V).
    x0, x1 : ndarray, shape (cells,)
        Start and end states (state units).

    Returns
    -------
    ndarray, shape (cells,)
        Travel times (s); 0 where ``x1 == x0`` and ``inf`` where the rate is
        zero or points the wrong way somewhere on the path.
    """
    x0, x1 = np.asarray(x0, dtype=float), np.asarray(x1, dtype=float)
    nodes, weights = np.polynomial.legendre.leggauss(QUADRATURE_NODES)
    half = 0.5 * (x1 - x0)
    xs = (0.5 * (x0 + x1))[:, None] + half[:, None] * nodes[None, :]
    rate = np.asarray(model.dxdt(np.full(xs.shape, float(v)), xs), dtype=float)
    ok = np.all(rate * np.sign(half)[:, None] > 0, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.abs(half) * np.sum(weights / np.abs(rate), axis=1)
    return np.where(half == 0, 0.0, np.where(ok, t, np.inf))


def _slots(
    xb: Crossbar, row: int, widths: dict[int, float], v: float, scheme: str
) -> tuple[list, list[float]]:
    """Pulse slots giving each column of ``widths`` its own total pulse width (s) in one write."""
    levels = sorted(set(widths.values()))
    slots, durations, before = [], [], 0.0
    for w in levels:
        cols = tuple(sorted(j for j, wj in widths.items() if wj >= w))
        slots.append(line_voltages(xb.rows, xb.cols, (row, cols), v, scheme))  # type: ignore[arg-type]
        durations.append(w - before)
        before = w
    return slots, durations


def program_adaptive(
    xb: Crossbar,
    g_target: NDArray[np.float64],
    v_set: float,
    v_reset: float,
    width_s: tuple[float, float],
    rtol: float,
    max_pulses: int,
    scheme: str,
    groups: list[tuple[int, list[int]]],
    noise: Variability | None,
    run,
) -> ProgramResult:
    """The adaptive loop over ``groups`` (row, columns); see the module docstring."""
    rng = noise.write_rng() if noise is not None else None
    pulses = np.zeros(g_target.shape, dtype=np.int64)
    failures: dict[tuple[int, int], str] = {}
    steps: list[float] = []
    current = xb
    lo, hi = xb.device.x_bounds
    base = {1: float(width_s[0]), -1: float(width_s[1])}
    model = xb.device
    prior: dict[tuple[int, int], float] = {}  # rate factor of the first pulse per (column, direction)
    for row, members in groups:
        x_goal = model.state_for_conductance(g_target[row] / xb.g_scale[row], float(xb.v_read))
        width: dict[int, float] = {}
        gain: dict[int, float] = {}
        factor = dict(prior)  # a column's cells see similar wires: start from the last row's factor
        first: dict[tuple[int, int], float] = {}
        seen: set[tuple[int, int]] = set()
        while True:
            g = current.conductances()[row]
            x_now = np.asarray(current.states[row], dtype=float)
            err = (g - g_target[row]) / g_target[row]
            todo = pending(row, members, err, rtol, pulses, max_pulses, failures)
            if not todo:
                break
            for sign in (1, -1):
                group = [j for j in todo if (err[j] < 0) == (sign > 0)]
                if not group:
                    continue
                v = v_set if sign > 0 else v_reset
                cols = np.array(group)
                t_need = travel_time(model, v, x_now[cols], x_goal[cols])
                for j, need_s in zip(group, t_need.tolist(), strict=True):
                    if np.isfinite(need_s) and need_s > 0:
                        width[j] = _grid(MODEL_SAFETY * need_s / factor.get((j, sign), 1.0), base[sign])
                    elif j in gain:
                        need = abs(g[j] - g_target[row, j]) / gain[j]
                        width[j] = _grid(min(SAFETY * need, GROWTH * width[j]), base[sign])
                    elif j not in width or (j, sign) not in seen:
                        width[j] = base[sign]  # first pulse of this direction
                    seen.add((j, sign))
                widths = {j: width[j] for j in group}
                slots, durations = _slots(current, row, widths, v, scheme)
                gates = [[i == row for i in range(current.rows)] for _ in slots]
                circuit = schedule_circuit(current, slots, durations, gates=gates, title=f"verify row {row}")
                t0 = time.perf_counter()
                try:
                    after, _ = run(circuit)
                except SimulationError as exc:
                    for j in group:
                        failures[(row, j)] = str(exc)
                    continue
                if noise is not None:
                    after = noise.noisy_change(np.asarray(current.states), after, rng)
                steps.append(time.perf_counter() - t0)
                current = current.with_states(np.clip(after, lo, hi))
                moved = (current.conductances()[row] - g) * sign
                x_after = np.asarray(current.states[row], dtype=float)
                t_made = travel_time(model, v, x_now[cols], x_after[cols])
                for j, made_s in zip(group, t_made.tolist(), strict=True):
                    if np.isfinite(made_s) and made_s > 0:
                        factor[(j, sign)] = made_s / width[j]
                        first.setdefault((j, sign), made_s / width[j])
                for j in group:
                    pulses[row, j] += 1
                    if moved[j] > 0:
                        gain[j] = moved[j] / width[j]
                    else:  # below its threshold at this width: try longer
                        gain.pop(j, None)
                        width[j] = _grid(GROWTH * width[j], base[sign])
        prior.update(first)  # first pulses of a row see the wires as the next row's first pulses will
    return finish(current, g_target, rtol, pulses, failures, steps)
