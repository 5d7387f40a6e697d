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

from collections.abc import Sequence
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


def _per_pulse(value: float | Sequence[float], n: int) -> list[float]:
    return [float(value)] * n if np.isscalar(value) else [float(v) for v in value]  # type: ignore[union-attr]


def pulse_points(
    levels: list[float],
    width_s: float | Sequence[float],
    edge_s: float | Sequence[float],
    gap_s: float | Sequence[float],
) -> tuple[list[float], list[float]]:
    """Times (s) and voltages (V) of :func:`pulse_wave`'s corners."""
    n = len(levels)
    widths, edges, gaps = (_per_pulse(t, n) for t in (width_s, edge_s, gap_s))
    times, volts = [0.0], [0.0]
    t = 0.0
    for level, width, edge, gap in zip(levels, widths, edges, gaps, strict=True):
        t += gap
        times += [t, t + edge, t + edge + width, t + 2 * edge + width]
        volts += [0.0, level, level, 0.0]
        t += 2 * edge + width
    times.append(t + gaps[-1])
    volts.append(0.0)
    return times, volts


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


def pulse_duration(
    n_pulses: int,
    width_s: float | Sequence[float],
    edge_s: float | Sequence[float],
    gap_s: float | Sequence[float],
) -> float:
    """Length of :func:`pulse_wave` with ``n_pulses`` pulses (s)."""
    widths, edges, gaps = (_per_pulse(t, n_pulses) for t in (width_s, edge_s, gap_s))
    return sum(g + 2 * e + w for w, e, g in zip(widths, edges, gaps, strict=True)) + gaps[-1]


LineLevels = list[float | None]
"""Voltage of each line during one pulse slot (V); None leaves the line floating."""


def schedule_deck(
    xb: Crossbar,
    slots: list[tuple[LineLevels, LineLevels]],
    width_s: float | Sequence[float],
    edge_s: float | None = None,
    gap_s: float | None = None,
    gates: list[list[bool]] | None = None,
    title: str = "schedule",
    max_step_s: float | None = None,
) -> str:
    """A transient deck applying a schedule of pulse slots to every line of ``xb``.

    In slot ``k`` each row and column line is pulsed to its level in
    ``slots[k]``, all with the same timing (rise ``edge_s``, flat ``width_s``,
    fall ``edge_s``, with ``gap_s`` at 0 V before and after). A line floating
    in its first slot floats throughout.

    Parameters
    ----------
    xb : Crossbar
        The array, its states the starting point.
    slots : list of (row levels, column levels)
        Per slot, ``xb.rows`` and ``xb.cols`` voltages (V, or None: floating).
    width_s : float or sequence of float
        Flat-top width of every slot's pulse, or one per slot (s).
    edge_s, gap_s : float, optional
        Rise/fall time (default width/100) and 0 V time around each pulse (default width/10), s.
    gates : list of list of bool, optional
        1T1R only: per slot, which rows have their gate on (default: the rows driven
        to a non-zero level).
    title : str
        First comment line of the deck.
    max_step_s : float, optional
        Largest ngspice time step (s); default the smallest of width/50, 5 edges and
        the model's own limit. The PWL corners are breakpoints, so a larger step
        still resolves short pulses.
    """
    if not slots:
        raise ParameterError("a write schedule needs at least one slot")
    widths = np.asarray(_per_pulse(width_s, len(slots)))
    if widths.size != len(slots) or not np.all(np.isfinite(widths) & (widths > 0)):
        raise ParameterError(f"pulse widths must be finite and > 0 s, one per slot; got {width_s!r}")
    edge = widths / 100 if edge_s is None else np.full(widths.size, edge_s)
    gap = widths / 10 if gap_s is None else np.full(widths.size, gap_s)
    lines = [f"* pymem {title}: {xb.rows}x{xb.cols} {xb.device.name}, {len(slots)} slot(s) of {width_s!r} s"]
    lines.append(xb.device.subckt())
    if xb.cell == "1t1r":
        lines.append(nmos_model_line(xb.nmos))
        on = gates or [[bool(level) for level in rows_v] for rows_v, _ in slots]
        for i in range(xb.rows):
            gate = [xb.nmos.v_gate_v if on[k][i] else 0.0 for k in range(len(slots))]
            lines.append(nl.vsource(f"Vg{i}", f"g{i}", "0", 0.0, pulse_wave(gate, widths, edge, gap)))
    for i in range(xb.rows):
        levels = [s[0][i] for s in slots]
        if levels[0] is not None:
            wave = pulse_wave([lv or 0.0 for lv in levels], widths, edge, gap)
            lines.append(nl.vsource(f"Vr{i}", source_node(xb, i), "0", 0.0, wave))
    for j in range(xb.cols):
        levels = [s[1][j] for s in slots]
        if levels[0] is not None:
            wave = pulse_wave([lv or 0.0 for lv in levels], widths, edge, gap)
            lines.append(nl.vsource(f"Vc{j}", out_node(xb, j), "0", 0.0, wave))
    lines += array_lines(xb, periphery=False)
    lines += state_ic_lines(xb)
    lines.append(nl.options(**WRITE_OPTIONS))
    stop = pulse_duration(len(slots), widths, edge, gap)
    if max_step_s is None:
        t_max = float(min(widths.min() / 50, edge.min() * 5, xb.device.spice_max_step_s or np.inf))
    else:
        t_max = float(max_step_s)
    lines.append(nl.tran(float(min(edge.min(), t_max)), stop, 0.0, t_max, uic=True))
    return nl.deck(f"pymem {title} {xb.rows}x{xb.cols} {xb.device.name}", lines, check_names=False)


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
    if not all(np.isfinite(a) and a != 0 for a in amps):
        raise ParameterError(f"write amplitudes must be finite and non-zero, got {amps}")
    slots = [line_voltages(xb.rows, xb.cols, cell, a, scheme) for a in amps]
    gates = [[i == cell[0] for i in range(xb.rows)] for _ in amps]
    if not (np.isfinite(width_s) and width_s > 0):
        raise ParameterError(f"pulse width must be finite and > 0 s, got {width_s!r}")
    title = f"write: cell {cell}, scheme {scheme}, {len(amps)} pulse(s)"
    return schedule_deck(xb, slots, width_s, edge_s, gap_s, gates=gates, title=title)
