"""Write decks: one cell of a crossbar written by a voltage pulse under a half-select scheme.

Schemes (Vw the write amplitude, its sign the polarity):

- ``v2``: selected row at +Vw/2, selected column at -Vw/2, every other line at 0 V.
  The selected cell sees Vw; half-selected cells (same row or column) Vw/2.
- ``v3``: selected row at Vw, selected column at 0, other rows at Vw/3, other
  columns at 2Vw/3. The selected cell sees Vw; every other cell +/-Vw/3.
- ``float``: selected row at Vw, selected column at 0, every other line left
  floating (no driver): sneak paths decide what the others see. Each floating
  line leaks to ground through 1 Tohm (``FLOAT_LEAK_OHM``), as a real line does;
  without it a device whose conductance vanishes (Yakopcic at x = 0, or any
  device at ngspice's first ``uic`` iterate) leaves the matrix singular.

Rows are driven through their drivers at column 0, columns at the sense end
(the sense amplifiers are disconnected while writing). In 1T1R arrays only the
selected row's gate is on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

from pymem.errors import ParameterError
from pymem.netlist import primitives as nl
from pymem.netlist.crossbar import array_lines, nmos_model_line, out_node, source_node

if TYPE_CHECKING:
    from pymem.crossbar.spec import Crossbar

WriteScheme = Literal["v2", "v3", "float"]
SCHEMES: tuple[str, ...] = get_args(WriteScheme)
WRITE_OPTIONS = {"reltol": 1e-7, "abstol": 1e-15, "vntol": 1e-9}
FLOAT_LEAK_OHM = 1e12


Cells = tuple[int, int] | tuple[int, tuple[int, ...]]
"""A selected cell ``(row, col)``, or several cells of one row ``(row, (col, col, ...))``."""


def selected_columns(rows: int, cols: int, cell: Cells) -> tuple[int, tuple[int, ...]]:
    """The selected row and columns of ``cell``, checked against the array size."""
    i0, js = cell
    cols_sel = tuple(js) if isinstance(js, tuple | list) else (js,)
    if not (0 <= i0 < rows and cols_sel and all(0 <= j < cols for j in cols_sel)):
        raise ParameterError(f"cell {cell} is outside the {rows}x{cols} array")
    return i0, cols_sel


def line_voltages(
    rows: int, cols: int, cell: Cells, v_write: float, scheme: WriteScheme
) -> tuple[list[float | None], list[float | None]]:
    """Voltage of every row and column line during the pulse (None: floating).

    ``cell`` may select several columns of one row: they are written together.

    Returns
    -------
    rows_v, cols_v : list
        ``rows`` and ``cols`` entries (V or None).
    """
    if scheme not in SCHEMES:
        raise ParameterError(f"unknown write scheme {scheme!r}; choose one of {SCHEMES}")
    i0, sel = selected_columns(rows, cols, cell)
    if scheme == "v2":
        rv: list[float | None] = [v_write / 2 if i == i0 else 0.0 for i in range(rows)]
        cv: list[float | None] = [-v_write / 2 if j in sel else 0.0 for j in range(cols)]
    elif scheme == "v3":
        rv = [v_write if i == i0 else v_write / 3 for i in range(rows)]
        cv = [0.0 if j in sel else 2 * v_write / 3 for j in range(cols)]
    else:
        rv = [v_write if i == i0 else None for i in range(rows)]
        cv = [0.0 if j in sel else None for j in range(cols)]
    return rv, cv


def state_ic_lines(xb: Crossbar, per_line: int = 32) -> list[str]:
    """``.ic`` lines putting every state node at its ``x0`` in ngspice's first ``uic`` iterate.

    The capacitor's IC alone sets the state only after that iterate; a device
    whose conductance is 0 at x = 0 (Yakopcic) would make it singular.
    """
    pairs = [f"v(xm{i}_{j}.x)={x!r}" for i, row in enumerate(xb.states.tolist()) for j, x in enumerate(row)]
    return [".ic " + " ".join(pairs[k : k + per_line]) for k in range(0, len(pairs), per_line)]


def pulse_wave(levels: list[float], width_s: float, edge_s: float, gap_s: float) -> str:
    """PWL text of consecutive pulses to ``levels`` (V), each ``width_s`` long, ``gap_s`` apart at 0 V."""
    times, volts = [0.0], [0.0]
    t = 0.0
    for level in levels:
        t += gap_s
        times += [t, t + edge_s, t + edge_s + width_s, t + 2 * edge_s + width_s]
        volts += [0.0, level, level, 0.0]
        t += 2 * edge_s + width_s
    times.append(t + gap_s)
    volts.append(0.0)
    return nl.pwl(times, volts)


def pulse_duration(n_pulses: int, width_s: float, edge_s: float, gap_s: float) -> float:
    """Length of :func:`pulse_wave` with ``n_pulses`` pulses (s)."""
    return n_pulses * (gap_s + 2 * edge_s + width_s) + gap_s


def write_deck(
    xb: Crossbar,
    cell: Cells,
    v_write: float | list[float],
    width_s: float,
    scheme: WriteScheme = "v2",
    edge_s: float | None = None,
    gap_s: float | None = None,
) -> str:
    """A transient deck applying one or more write pulses to ``cell`` of ``xb``.

    Parameters
    ----------
    xb : Crossbar
        The array, its states the starting point.
    cell : (int, int) or (int, tuple of int)
        Selected row and column, or row and several columns written together.
    v_write : float or list of float
        Amplitude of each pulse across the selected cell (V, signed).
    width_s : float
        Pulse width at the top (s).
    scheme : {"v2", "v3", "float"}
    edge_s, gap_s : float, optional
        Rise/fall time (default width/100) and 0 V time before and after each
        pulse (default width/10), s.
    """
    amps = [float(a) for a in np.atleast_1d(v_write)]
    if not (np.isfinite(width_s) and width_s > 0):
        raise ParameterError(f"pulse width must be finite and > 0 s, got {width_s!r}")
    if not all(np.isfinite(a) and a != 0 for a in amps):
        raise ParameterError(f"write amplitudes must be finite and non-zero, got {amps}")
    edge = width_s / 100 if edge_s is None else edge_s
    gap = width_s / 10 if gap_s is None else gap_s
    per_pulse = [line_voltages(xb.rows, xb.cols, cell, a, scheme) for a in amps]
    lines = [
        f"* pymem write: cell {cell} of {xb.rows}x{xb.cols} {xb.device.name}, scheme {scheme}, "
        f"{len(amps)} pulse(s) of {width_s!r} s",
        xb.device.subckt(),
    ]
    if xb.cell == "1t1r":
        lines.append(nmos_model_line(xb.nmos))
        for i in range(xb.rows):
            gate = [xb.nmos.v_gate_v if i == cell[0] else 0.0 for _ in amps]
            lines.append(nl.vsource(f"Vg{i}", f"g{i}", "0", 0.0, pulse_wave(gate, width_s, edge, gap)))
    for i in range(xb.rows):
        levels = [p[0][i] for p in per_pulse]
        if levels[0] is not None:
            lines.append(
                nl.vsource(f"Vr{i}", source_node(xb, i), "0", 0.0, pulse_wave(levels, width_s, edge, gap))
            )
    for j in range(xb.cols):
        levels = [p[1][j] for p in per_pulse]
        if levels[0] is not None:
            lines.append(
                nl.vsource(f"Vc{j}", out_node(xb, j), "0", 0.0, pulse_wave(levels, width_s, edge, gap))
            )
    lines += array_lines(xb, periphery=False)
    lines += state_ic_lines(xb)
    lines.append(nl.options(**WRITE_OPTIONS))
    stop = pulse_duration(len(amps), width_s, edge, gap)
    t_max = min(width_s / 50, edge * 5, xb.device.spice_max_step_s or np.inf)
    lines.append(nl.tran(min(edge, t_max), stop, 0.0, t_max, uic=True))
    return nl.deck(f"pymem write {xb.rows}x{xb.cols} {xb.device.name} {scheme}", lines, check_names=False)
