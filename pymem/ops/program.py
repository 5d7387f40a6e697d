"""Writing by pulses: one pulse, pulse trains, and closed-loop program-and-verify.

Every write is a transient of the whole array (wires, every device with its
dynamics, the half-select scheme's line voltages), so the selected cell's
change and every other cell's disturbance come from the same circuit. The
circuit is built once (:mod:`pymem.circuit`) and run by either engine:

- ``backend="solver"`` (default): pymem's native transient engine
  (:mod:`pymem.engine.transient`), which agrees with ngspice in the tests and
  carries 64x64 to 256x256 arrays;
- ``backend="ngspice"``: the circuit's deck through ngspice (``sim_backend``
  shared library or batch process), the reference.

A closed loop runs pulse by pulse: each transient starts from the exact
device states the previous one ended with (``uic`` with per-instance ``x0``
in ngspice), which the tests check against one continuous transient of the
same pulses.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pymem import backends
from pymem.backends.result import source_energy
from pymem.circuit.write import Cells, WriteCircuit, selected_columns, write_circuit
from pymem.constants import WRITE_BACKENDS, WriteBackend, WriteScheme, WriteTolerance
from pymem.crossbar.spec import Crossbar
from pymem.devices.variability import Variability
from pymem.engine import transient
from pymem.errors import ParameterError, SimulationError, SlowSimulationWarning
from pymem.netlist import crossbar as xnet
from pymem.netlist.write import circuit_deck
from pymem.ops.verify import ProgramResult, finish, pending

NGSPICE_WRITE_TIMES_S = {
    "tight": {256: 6.3, 1024: 125.0},
    "default": {256: 2.5, 1024: 16.4, 4096: 305.0},
}
"""Measured times of one VTEAM V/2 write pulse (1 V, 100 ns, 1 ohm wires) in ngspice 39 on this
machine, by number of cells (16x16, 32x32, 64x64), at the tight and the default write
tolerances (s); benchmarks/write_engine.py measures them."""
SLOW_WARNING_S = 30.0
"""Expected ngspice times above this (s) are announced before the run starts."""


@dataclass(frozen=True)
class WriteResult:
    """What a write did to the array.

    Attributes
    ----------
    states_before, states_after : ndarray, shape (rows, cols)
        Device states before and after (state units).
    cell : (int, int) or (int, tuple of int)
        The selected cell, or row and columns written together.
    selected_change : float
        State change of the (first) selected cell (state units, signed).
    disturb_max, disturb_mean : float
        Largest and mean |state change| of all other cells, as fractions of the state range.
    energy_j : float
        Energy drawn from all sources during the write (J).
    seconds : float
        Wall time (s).
    """

    states_before: NDArray[np.float64]
    states_after: NDArray[np.float64]
    cell: tuple
    selected_change: float
    disturb_max: float
    disturb_mean: float
    energy_j: float
    seconds: float


def check_write_backend(backend: str) -> None:
    """Refuse an unknown write engine name, listing the known ones."""
    if backend not in WRITE_BACKENDS:
        raise ParameterError(f"unknown write backend {backend!r}; choose one of {WRITE_BACKENDS}")


def ngspice_write_estimate_s(rows: int, cols: int, tolerance: WriteTolerance = "default") -> float:
    """Rough time of one write pulse through ngspice on a rows x cols array (s).

    Piecewise power law in the number of cells through the measured times
    (:data:`NGSPICE_WRITE_TIMES_S`), extended beyond them with the last slope.
    """
    points = sorted(NGSPICE_WRITE_TIMES_S[tolerance].items())
    n = np.log([c for c, _ in points])
    t = np.log([s for _, s in points])
    x = np.log(rows * cols)
    k = int(np.clip(np.searchsorted(n, x) - 1, 0, len(n) - 2))
    slope = (t[k + 1] - t[k]) / (n[k + 1] - n[k])
    return float(np.exp(t[k] + slope * (x - n[k])))


def run_write(
    circuit: WriteCircuit,
    backend: WriteBackend = "solver",
    sim_backend: backends.BackendName = "shared",
    timeout: float | None = None,
    max_step_s: float | None = None,
    tolerance: WriteTolerance = "default",
) -> tuple[NDArray[np.float64], float]:
    """Run a write circuit through one engine.

    Parameters
    ----------
    circuit : WriteCircuit
        The write.
    backend : {"solver", "ngspice"}
        pymem's transient engine, or ngspice on the circuit's deck.
    sim_backend : {"shared", "batch"}
        How ngspice runs (``backend="ngspice"`` only).
    timeout : float, optional
        ngspice's time limit (s).
    max_step_s : float, optional
        ngspice's largest time step (s); see :func:`pymem.netlist.write.circuit_deck`.
    tolerance : {"default", "tight"}
        ngspice's write tolerances, or the tight ones of reference runs.

    Returns
    -------
    states : ndarray, shape (rows, cols)
        Device states at the end, not clipped (state units).
    energy_j : float
        Energy delivered by all sources (J).
    """
    check_write_backend(backend)
    xb = circuit.xb
    if backend == "solver":
        res = transient.simulate(circuit)
        return res.states, res.energy_j
    expected = ngspice_write_estimate_s(xb.rows, xb.cols, tolerance) * circuit.widths_s.size
    if expected > SLOW_WARNING_S:
        warnings.warn(
            f"an ngspice write on a {xb.rows}x{xb.cols} array takes about {expected:.0f} s here "
            f"({circuit.widths_s.size} pulse slot(s)); backend='solver' runs the same circuit in seconds",
            SlowSimulationWarning,
            stacklevel=3,
        )
    deck = circuit_deck(circuit, max_step_s=max_step_s, tolerance=tolerance)
    sim = backends.run(deck, backend=sim_backend, timeout=timeout)
    return xnet.cell_states(sim, xb.rows, xb.cols), source_energy(sim)


def write_pulses(
    xb: Crossbar,
    cell: Cells,
    v_write: float | list[float],
    width_s: float,
    scheme: WriteScheme = "v2",
    sim_backend: backends.BackendName = "shared",
    timeout: float | None = None,
    noise: Variability | None = None,
    rng: np.random.Generator | None = None,
    backend: WriteBackend = "solver",
    ngspice_tolerance: WriteTolerance = "default",
) -> WriteResult:
    """Apply one pulse (or a train, one amplitude each) to ``cell`` and report what changed.

    ``backend`` picks the engine (``"solver"``: pymem's transient engine;
    ``"ngspice"``: ngspice through ``sim_backend``, at its write tolerances or,
    with ``ngspice_tolerance="tight"``, those of reference runs). With ``noise``, every
    device's change is scaled by its cycle-to-cycle write noise, drawn from
    ``rng`` (default ``noise.write_rng()``).
    """
    t0 = time.perf_counter()
    check_write_backend(backend)
    circuit = write_circuit(xb, cell, v_write, width_s, scheme)
    after, energy = run_write(circuit, backend, sim_backend, timeout, tolerance=ngspice_tolerance)
    if noise is not None:
        after = noise.noisy_change(np.asarray(xb.states), after, rng or noise.write_rng())
    after = np.clip(after, *xb.device.x_bounds)
    delta = after - xb.states
    row, sel = selected_columns(xb.rows, xb.cols, cell)
    others = np.ones(delta.shape, bool)
    others[row, list(sel)] = False
    span = xb.device.x_range
    return WriteResult(
        states_before=np.array(xb.states),
        states_after=after,
        cell=cell,
        selected_change=float(delta[row, sel[0]]),
        disturb_max=float(np.max(np.abs(delta[others])) / span) if others.any() else 0.0,
        disturb_mean=float(np.mean(np.abs(delta[others])) / span) if others.any() else 0.0,
        energy_j=energy,
        seconds=time.perf_counter() - t0,
    )


def program_and_verify(
    xb: Crossbar,
    g_target: NDArray[np.float64],
    v_set: float,
    v_reset: float,
    width_s: float | tuple[float, float],
    rtol: float = 0.02,
    max_pulses: int = 50,
    scheme: WriteScheme = "v2",
    cells: list[tuple[int, int]] | None = None,
    noise: Variability | None = None,
    order: str = "cell",
    backend: WriteBackend = "solver",
    ngspice_tolerance: WriteTolerance = "default",
    width_control: str = "halve",
) -> ProgramResult:
    """Program every cell towards ``g_target`` by pulse, read, compare, repeat.

    Each step reads the selected cell's conductance at ``xb.v_read`` from its
    present state, stops when within ``rtol``, otherwise applies a SET pulse
    (``v_set``, towards higher conductance) when below target or a RESET pulse
    (``v_reset``) when above, as a full-array ngspice transient that starts
    from the exact states the previous one left. A pulse that overshoots
    halves the width of the next one. A cell that runs out of ``max_pulses``
    keeps its best state and is reported; a failed transient is recorded in
    ``failures`` and the loop goes on with the next cell. ``noise`` adds
    cycle-to-cycle write noise (seeded); device-to-device spread lives in
    ``xb.g_scale`` and is seen by the verify reads. ``order="row"`` programs a
    row at a time: every cell of the row that is below its target gets the
    same SET pulse at once (their columns selected together), then every cell
    above it the same RESET pulse, until the row is done. ``backend`` picks the
    engine of every write (``"solver"`` or ``"ngspice"``).

    ``width_control="halve"`` (the default) gives every pulse ``width_s``
    until it overshoots, then halves it (a row shares the smallest width of its
    cells). ``"adaptive"`` learns each cell's response from its last pulse and
    gives every cell its own width, a row in one multi-slot write
    (:mod:`pymem.ops.adaptive`): far fewer writes on large arrays. ``width_s``
    may be a pair, the first SET and RESET widths (s); halving starts from the
    smaller of the two.

    Raises
    ------
    ParameterError
        If a target lies outside the conductances the device reaches at ``xb.v_read``.
    """
    check_write_backend(backend)
    pair = (float(width_s), float(width_s)) if np.isscalar(width_s) else tuple(map(float, width_s))  # type: ignore[arg-type]
    if len(pair) != 2 or not all(np.isfinite(w) and w > 0 for w in pair):
        raise ParameterError(f"width_s must be a width > 0 s or a (SET, RESET) pair of them, got {width_s!r}")
    width_s = min(pair)
    g_target = np.asarray(g_target, dtype=float)
    if g_target.shape != (xb.rows, xb.cols):
        raise ParameterError(f"g_target has shape {g_target.shape}, expected {(xb.rows, xb.cols)}")
    xb.device.state_for_conductance(g_target / xb.g_scale, float(xb.v_read))  # refuses unreachable targets
    rng = noise.write_rng() if noise is not None else None
    pulses = np.zeros(g_target.shape, dtype=np.int64)
    failures: dict[tuple[int, int], str] = {}
    steps: list[float] = []
    current = xb
    groups: list[tuple[int, list[int]]]
    if order == "row":
        groups = [(i, list(range(xb.cols))) for i in range(xb.rows)]
    elif order == "cell":
        groups = [(i, [j]) for i, j in (cells or [(i, j) for i in range(xb.rows) for j in range(xb.cols)])]
    else:
        raise ParameterError(f"unknown programming order {order!r}; choose 'cell' or 'row'")
    if width_control == "adaptive":
        from pymem.ops.adaptive import program_adaptive

        def run(circuit: WriteCircuit) -> tuple[NDArray[np.float64], float]:
            return run_write(circuit, backend, tolerance=ngspice_tolerance)

        return program_adaptive(
            xb,
            g_target,
            v_set,
            v_reset,
            pair,
            rtol,
            max_pulses,
            scheme,
            groups,
            noise,
            run,  # type: ignore[arg-type]
        )
    if width_control != "halve":
        raise ParameterError(f"unknown width_control {width_control!r}; choose 'halve' or 'adaptive'")
    for row, members in groups:
        width = dict.fromkeys(members, width_s)
        last_sign: dict[int, int] = {}
        while True:
            err = (current.conductances()[row] - g_target[row]) / g_target[row]
            todo = pending(row, members, err, rtol, pulses, max_pulses, failures)
            if not todo:
                break
            for sign in (1, -1):
                group = [j for j in todo if (err[j] < 0) == (sign > 0)]
                if not group:
                    continue
                for j in group:
                    if last_sign.get(j, sign) != sign:
                        width[j] /= 2  # the last pulse overshot this cell
                    last_sign[j] = sign
                t0 = time.perf_counter()
                try:
                    res = write_pulses(
                        current,
                        (row, tuple(group)),
                        v_set if sign > 0 else v_reset,
                        min(width[j] for j in group),
                        scheme,
                        noise=noise,
                        rng=rng,
                        backend=backend,
                        ngspice_tolerance=ngspice_tolerance,
                    )
                except SimulationError as exc:
                    for j in group:
                        failures[(row, j)] = str(exc)
                    continue
                steps.append(time.perf_counter() - t0)
                pulses[row, group] += 1
                current = current.with_states(res.states_after)
    return finish(current, g_target, rtol, pulses, failures, steps)
