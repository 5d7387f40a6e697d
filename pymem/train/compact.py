"""Writes of arrays with ideal wires: the pulsed cells alone, in small circuits of the same pulses.

With 0 ohm word and bit lines and no driver resistance (a 1R array), every
cell sees exactly its row level minus its column level, whatever the other
cells do: the cells are independent circuits. A cell whose voltage in a slot
is "quiet" (the model's rate is exactly zero at that voltage and on the ramp to
it, for every state in the model's range) does not move in that slot. So a
schedule of write slots is, cell by cell, the sequence of its non-quiet pulses
(voltage and width), in order, with 0 V between them.

:func:`write_arrays` runs exactly that: it gathers the pulsed cells of one or
more such arrays (the tiles of a layer, or a whole array) into a one-row
crossbar with ideal wires, where slot ``t`` gives each cell its ``t``-th pulse
(row at ``v/2``, its column at ``-v/2``, every other column at the row's level:
0 V across). Each pulse keeps its amplitude, width, edges and gaps; only the
idle time between a cell's pulses differs, and at 0 V nothing moves. The same
write engine (native or ngspice) runs these circuits. When the conditions do
not hold (wires, a model that moves at 0 V, floating lines), the caller writes
the whole array's circuit instead (:func:`is_compactable`).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from numpy.typing import NDArray

from pymem.circuit.write import schedule_circuit
from pymem.constants import WriteBackend
from pymem.crossbar.spec import Crossbar
from pymem.devices.base import DeviceModel
from pymem.errors import ParameterError
from pymem.ops.program import run_write
from pymem.train.pulses import Schedule, Slot

CHUNK_CELLS = 256
"""Most cells per compact circuit (the native engine integrates the moving cells of a circuit together
with a dense Jacobian: its cost grows with their square)."""
RAMP_FRACTIONS = (0.25, 0.5, 0.75, 1.0)
"""Points of the 0-to-v ramp at which a voltage's rate must vanish for it to be quiet."""
STATE_GRID = 65
"""States, evenly over the model's range, at which quiet voltages are checked (with the present ones)."""

Pulse = tuple[float, float]
"""A cell's pulse: the voltage across it (V) and the flat-top width (s)."""


def _levels(slots: list[Slot]) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Row and column levels per slot, shapes (slots, rows) and (slots, cols); None if any line floats."""
    rows = [s[0] for s in slots]
    cols = [s[1] for s in slots]
    if any(v is None for r in rows for v in r) or any(v is None for c in cols for v in c):
        return None
    return np.asarray(rows, dtype=float), np.asarray(cols, dtype=float)


def quiet_volts(model: DeviceModel, volts: NDArray[np.float64], states: NDArray[np.float64]) -> NDArray:
    """Which of ``volts`` (V) move no state: the rate is exactly 0 on the ramp to them, at every state.

    The states checked are ``STATE_GRID`` points over the model's range and ``states``.
    """
    lo, hi = model.x_bounds
    grid = np.concatenate([np.linspace(lo, hi, STATE_GRID), np.ravel(states)])
    out = np.empty(volts.size, bool)
    for k, v in enumerate(volts):
        out[k] = all(
            not np.any(np.asarray(model.dxdt(np.full(grid.size, f * v), grid), dtype=float))
            for f in RAMP_FRACTIONS
        )
    return out


def is_compactable(xb: Crossbar, slots: list[Slot]) -> bool:
    """True when ``slots`` on ``xb`` may be run cell by cell (see the module text)."""
    ideal = xb.cell == "1r" and xb.r_row_ohm == 0 and xb.r_col_ohm == 0 and xb.r_driver_ohm == 0
    if not ideal or _levels(slots) is None:
        return False
    return bool(quiet_volts(xb.device, np.zeros(1), xb.states)[0])


def cell_pulses(xb: Crossbar, slots: list[Slot], widths_s: list[float]) -> dict[int, list[Pulse]]:
    """Each moving cell's non-quiet pulses in slot order, keyed by its flat index (row-major)."""
    levels = _levels(slots)
    if levels is None:
        raise ParameterError(
            "cell_pulses needs slots without floating (None) lines; check is_compactable first"
        )
    r, c = levels
    volts = r[:, :, None] - c[:, None, :]  # (slots, rows, cols)
    values, inverse = np.unique(volts, return_inverse=True)
    moving = ~quiet_volts(xb.device, values, xb.states)[inverse.reshape(volts.shape)]
    out: dict[int, list[Pulse]] = defaultdict(list)
    for s, i, j in zip(*np.nonzero(moving), strict=True):  # slot order first
        out[int(i) * xb.cols + int(j)].append((float(volts[s, i, j]), float(widths_s[s])))
    return dict(out)


def write_arrays(
    arrays: list[Crossbar],
    schedules: list[tuple[list[Slot], list[float]]],
    backend: WriteBackend,
    sim_backend: str = "shared",
) -> tuple[list[NDArray[np.float64]], int] | None:
    """The states of ideal-wire arrays after their schedules, run as compact circuits of their pulsed cells.

    Parameters
    ----------
    arrays : list of Crossbar
        Each must pass :func:`is_compactable` with its schedule; all of one device model.
    schedules : list of (slots, widths_s)
        Each array's pulse slots (line levels, V) and flat-top widths (s).
    backend : {"solver", "ngspice"}
        Write engine.
    sim_backend : {"shared", "batch"}
        How ngspice runs.

    Returns
    -------
    (states, runs) or None
        Each array's states at the end (state units, not clipped), shape (rows, cols), and the
        write circuits run; None (nothing run) when the compact circuits would have more slots
        than the arrays' own schedules (cells pulsed many times in different orders, as the
        outer-product rule can give): then the arrays' own circuits are the cheaper exact write.
    """
    out = [xb.states.astype(float).copy() for xb in arrays]
    cells: list[tuple[int, int, tuple[Pulse, ...]]] = []  # (array, flat cell, its pulses)
    for a, (xb, (slots, widths)) in enumerate(zip(arrays, schedules, strict=True)):
        cells += [(a, c, tuple(p)) for c, p in cell_pulses(xb, slots, widths).items()]
    cells.sort(key=lambda e: e[2])  # cells with the same pulses share slots
    chunks = [cells[k : k + CHUNK_CELLS] for k in range(0, len(cells), CHUNK_CELLS)]
    plans = [_lane_slots([p for _, _, p in chunk]) for chunk in chunks]
    if sum(len(sl) for sl, _ in plans) > sum(len(sl) for sl, _ in schedules):
        return None
    for chunk, (slots, widths) in zip(chunks, plans, strict=True):
        x0 = np.array([arrays[a].states.flat[c] for a, c, _ in chunk])
        scale = np.array([arrays[a].g_scale.flat[c] for a, c, _ in chunk])
        xb0 = arrays[chunk[0][0]]
        line = Crossbar(
            1, len(chunk), xb0.device, states=x0[None, :], v_read=xb0.v_read, g_scale=scale[None, :]
        )
        circuit = schedule_circuit(line, slots, widths, title=f"ideal-wire write of {len(chunk)} cells")
        x_new, _ = run_write(circuit, backend, sim_backend, max_step_s=max(widths) / 10)  # type: ignore[arg-type]
        for (a, c, _), x in zip(chunk, x_new.ravel(), strict=True):
            out[a].flat[c] = x
    return out, len(chunks)


def write_schedule(
    xb: Crossbar, schedule: Schedule, backend: WriteBackend, sim_backend: str = "shared"
) -> tuple[NDArray[np.float64], int]:
    """States of ``xb`` after ``schedule`` (not clipped), and the write circuits run.

    Compact circuits of the pulsed cells when :func:`is_compactable` holds and they are
    cheaper (:func:`write_arrays`), else the whole array's circuit of the schedule.
    """
    if is_compactable(xb, schedule.slots):
        done = write_arrays([xb], [(schedule.slots, schedule.widths_s)], backend, sim_backend)
        if done is not None:
            return done[0][0], done[1]
    circuit = schedule_circuit(xb, schedule.slots, schedule.widths_s, title="training update")
    x_new, _ = run_write(circuit, backend, sim_backend, max_step_s=max(schedule.widths_s) / 10)  # type: ignore[arg-type]
    return x_new, 1


def _lane_slots(pulses: list[tuple[Pulse, ...]]) -> tuple[list[Slot], list[float]]:
    """Slots of a one-row array whose column ``j`` gets ``pulses[j]`` in order.

    Each slot gives one pulse (voltage and width) to every cell whose next pulse it is; the pulse of
    the slot is the one that most cells wait for next (ties: the smallest), so that cells of the same
    pulses share slots.
    """
    n = len(pulses)
    slots: list[Slot] = []
    widths: list[float] = []
    nxt = [0] * n
    while True:
        waiting: dict[Pulse, list[int]] = defaultdict(list)
        for j, p in enumerate(pulses):
            if nxt[j] < len(p):
                waiting[p[nxt[j]]].append(j)
        if not waiting:
            return slots, widths
        (v, width), cols = max(sorted(waiting.items()), key=lambda kv: len(kv[1]))
        col_levels: list[float | None] = [v / 2] * n
        for j in cols:
            col_levels[j] = -v / 2
            nxt[j] += 1
        slots.append(([v / 2], col_levels))
        widths.append(width)
