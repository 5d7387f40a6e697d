"""Program-and-verify with per-cell pulse widths learnt in the loop (``width_control="adaptive"``).

Each cell keeps its own estimate of how fast it moves: the conductance change
that its last pulse gave, per second of pulse (its "gain"). Its next pulse is
80 % of the width that estimate says would close its remaining error, at most
4 times its previous width. A row is written in parallel: the cells going the
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

if TYPE_CHECKING:
    from pymem.crossbar.spec import Crossbar
    from pymem.devices.variability import Variability
    from pymem.ops.program import ProgramResult

GRID_PER_OCTAVE = 4
"""Pulse widths are rounded to 2**(k / GRID_PER_OCTAVE) times the first width."""
SAFETY = 0.8
"""Fraction of the estimated closing width that a pulse applies."""
GROWTH = 4.0
"""Largest ratio between a cell's next width and its last one."""


def _grid(width: float, base: float) -> float:
    return base * 2.0 ** (round(GRID_PER_OCTAVE * np.log2(width / base)) / GRID_PER_OCTAVE)


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
    from pymem.ops.program import finish, pending

    rng = noise.write_rng() if noise is not None else None
    pulses = np.zeros(g_target.shape, dtype=np.int64)
    failures: dict[tuple[int, int], str] = {}
    steps: list[float] = []
    current = xb
    lo, hi = xb.device.x_bounds
    base = {1: float(width_s[0]), -1: float(width_s[1])}
    for row, members in groups:
        width: dict[int, float] = {}
        gain: dict[int, float] = {}
        seen: set[tuple[int, int]] = set()
        while True:
            g = current.conductances()[row]
            err = (g - g_target[row]) / g_target[row]
            todo = pending(row, members, err, rtol, pulses, max_pulses, failures)
            if not todo:
                break
            for sign in (1, -1):
                group = [j for j in todo if (err[j] < 0) == (sign > 0)]
                if not group:
                    continue
                for j in group:
                    if j in gain:
                        need = abs(g[j] - g_target[row, j]) / gain[j]
                        width[j] = _grid(min(SAFETY * need, GROWTH * width[j]), base[sign])
                    elif j not in width or (j, sign) not in seen:
                        width[j] = base[sign]  # first pulse of this direction
                    seen.add((j, sign))
                widths = {j: width[j] for j in group}
                slots, durations = _slots(current, row, widths, v_set if sign > 0 else v_reset, scheme)
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
                for j in group:
                    pulses[row, j] += 1
                    if moved[j] > 0:
                        gain[j] = moved[j] / width[j]
                    else:  # below its threshold at this width: try longer
                        gain.pop(j, None)
                        width[j] = _grid(GROWTH * width[j], base[sign])
    return finish(current, g_target, rtol, pulses, failures, steps)
