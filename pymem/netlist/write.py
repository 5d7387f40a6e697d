"""Write decks: the SPICE text of a :class:`~pymem.circuit.write.WriteCircuit`.

The schemes, waveforms and floating-line leaks are described once, in
:mod:`pymem.circuit.write`; this module only names and formats them. The same
circuit runs in the native engine (:mod:`pymem.engine.transient`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from pymem import spice as nl
from pymem.circuit.write import (
    FLOAT_LEAK_OHM,
    Cells,
    LineLevels,
    Source,
    WriteCircuit,
    line_voltages,
    pulse_duration,
    pulse_points,
    schedule_circuit,
    selected_columns,
    write_circuit,
)
from pymem.constants import SCHEMES, WRITE_TOLERANCES, WriteScheme, WriteTolerance
from pymem.errors import ParameterError
from pymem.netlist.crossbar import array_lines, nmos_model_line

if TYPE_CHECKING:
    from pymem.crossbar.spec import Crossbar

__all__ = [
    "FLOAT_LEAK_OHM",
    "SCHEMES",
    "WRITE_OPTIONS",
    "WRITE_TOLERANCES",
    "Cells",
    "LineLevels",
    "WriteScheme",
    "WriteTolerance",
    "circuit_deck",
    "line_voltages",
    "pulse_duration",
    "pulse_points",
    "pulse_wave",
    "schedule_deck",
    "selected_columns",
    "state_ic_lines",
    "write_deck",
    "write_max_step",
    "write_options",
]

WRITE_OPTIONS = {"reltol": 1e-7, "abstol": 1e-15, "vntol": 1e-9}
"""Options of every write deck; reltol is replaced by the model's (:func:`write_options`)."""


def state_ic_lines(xb: Crossbar, per_line: int = 32) -> list[str]:
    """``.ic`` lines putting every state node at its ``x0`` in ngspice's first ``uic`` iterate.

    The capacitor's IC alone sets the state only after that iterate; a device
    whose conductance is 0 at x = 0 (Yakopcic) would make it singular.
    """
    pairs = [f"v(xm{i}_{j}.x)={x!r}" for i, row in enumerate(xb.states.tolist()) for j, x in enumerate(row)]
    return [".ic " + " ".join(pairs[k : k + per_line]) for k in range(0, len(pairs), per_line)]


def pulse_wave(
    levels: list[float],
    width_s: float | Sequence[float],
    edge_s: float | Sequence[float],
    gap_s: float | Sequence[float],
) -> str:
    """PWL text of consecutive pulses to ``levels`` (V), each ``width_s`` long, ``gap_s`` apart at 0 V.

    ``width_s``, ``edge_s`` and ``gap_s`` are one time for every pulse, or one per pulse (s).
    """
    return nl.pwl(*pulse_points(levels, width_s, edge_s, gap_s))


def _source_line(src: Source, node: str) -> str:
    return nl.vsource(src.name, node, "0", 0.0, nl.pwl(src.times_s.tolist(), src.volts.tolist()))


def write_options(circuit: WriteCircuit, tolerance: WriteTolerance = "default") -> dict[str, float]:
    """ngspice options of a write deck: the model's write reltol, or its tight one for reference runs."""
    if tolerance not in WRITE_TOLERANCES:
        raise ParameterError(f"unknown write tolerance {tolerance!r}; choose one of {WRITE_TOLERANCES}")
    model = circuit.xb.device
    reltol = model.spice_write_tight_reltol if tolerance == "tight" else model.spice_write_reltol
    return {**WRITE_OPTIONS, "reltol": reltol}


def write_max_step(circuit: WriteCircuit, tolerance: WriteTolerance = "default") -> float:
    """Largest ngspice time step of a write deck (s): width/50, 5 edges and the model's limit."""
    model = circuit.xb.device
    limit = model.spice_max_step_s if tolerance == "tight" else model.spice_write_max_step_s
    if limit is None:
        limit = model.spice_max_step_s
    widths, edges = circuit.widths_s, circuit.edges_s
    return float(min(widths.min() / 50, edges.min() * 5, limit or np.inf))


def circuit_deck(
    circuit: WriteCircuit, max_step_s: float | None = None, tolerance: WriteTolerance = "default"
) -> str:
    """The ngspice transient deck of a write circuit.

    Parameters
    ----------
    circuit : WriteCircuit
        The write (array, sources, gates, leaks, timing).
    max_step_s : float, optional
        Largest ngspice time step (s); default :func:`write_max_step`. The PWL
        corners are breakpoints, so a larger step still resolves short pulses.
    tolerance : {"default", "tight"}
        The model's write tolerances (``spice_write_reltol``, ``spice_write_max_step_s``),
        or its tight ones for reference runs (``spice_write_tight_reltol``, ``spice_max_step_s``).
    """
    xb = circuit.xb
    arr = circuit.array
    options = write_options(circuit, tolerance)
    n_slots = circuit.widths_s.size
    same = np.all(circuit.widths_s == circuit.widths_s[0])
    width_text = repr(float(circuit.widths_s[0])) if same else repr(circuit.widths_s.tolist())
    size = f"{xb.rows}x{xb.cols} {xb.device.name}"
    lines = [f"* pymem {circuit.title}: {size}, {n_slots} slot(s) of {width_text} s"]
    lines.append(xb.device.subckt())
    if xb.cell == "1t1r":
        lines.append(nmos_model_line(xb.nmos))
        lines += [_source_line(g, str(g.node)) for g in circuit.gates]
    lines += [_source_line(s, arr.name(int(s.node))) for s in circuit.sources]
    lines += array_lines(xb, periphery=False, circuit=arr)
    if circuit.leaks is not None:
        lines += [
            nl.resistor(f"Rleak_{arr.name(int(a))}", arr.name(int(a)), "0", circuit.leaks.r_ohm)
            for a in circuit.leaks.a.tolist()
        ]
    lines += state_ic_lines(xb)
    lines.append(nl.options(**options))
    t_max = write_max_step(circuit, tolerance) if max_step_s is None else float(max_step_s)
    lines.append(nl.tran(float(min(circuit.edges_s.min(), t_max)), circuit.stop_s, 0.0, t_max, uic=True))
    return nl.deck(f"pymem {circuit.title} {xb.rows}x{xb.cols} {xb.device.name}", lines, check_names=False)


def schedule_deck(
    xb: Crossbar,
    slots: list[tuple[LineLevels, LineLevels]],
    width_s: float | Sequence[float],
    edge_s: float | None = None,
    gap_s: float | None = None,
    gates: list[list[bool]] | None = None,
    title: str = "schedule",
    max_step_s: float | None = None,
    tolerance: WriteTolerance = "default",
) -> str:
    """A transient deck applying a schedule of pulse slots to every line of ``xb``.

    The circuit is :func:`pymem.circuit.write.schedule_circuit`'s (see there
    for the parameters); ``max_step_s`` and ``tolerance`` as in :func:`circuit_deck`.
    """
    circuit = schedule_circuit(xb, slots, width_s, edge_s, gap_s, gates=gates, title=title)
    return circuit_deck(circuit, max_step_s=max_step_s, tolerance=tolerance)


def write_deck(
    xb: Crossbar,
    cell: Cells,
    v_write: float | list[float],
    width_s: float,
    scheme: WriteScheme = "v2",
    edge_s: float | None = None,
    gap_s: float | None = None,
    tolerance: WriteTolerance = "default",
) -> str:
    """A transient deck applying one or more write pulses to ``cell`` of ``xb``.

    The circuit is :func:`pymem.circuit.write.write_circuit`'s (see there for the
    parameters); ``tolerance`` as in :func:`circuit_deck`.
    """
    return circuit_deck(write_circuit(xb, cell, v_write, width_s, scheme, edge_s, gap_s), tolerance=tolerance)
