"""Write operations as data: which lines are driven to which voltages, when.

Schemes (Vw the write amplitude, its sign the polarity):

- ``v2``: selected row at +Vw/2, selected column at -Vw/2, every other line at 0 V.
  The selected cell sees Vw; half-selected cells (same row or column) Vw/2.
- ``v3``: selected row at Vw, selected column at 0, other rows at Vw/3, other
  columns at 2Vw/3. The selected cell sees Vw; every other cell +/-Vw/3.
- ``float``: selected row at Vw, selected column at 0, every other line left
  floating (no driver): sneak paths decide what the others see. Each floating
  line leaks to ground through ``FLOAT_LEAK_OHM``, as a real line does; without
  it a device whose conductance vanishes (Yakopcic at x = 0) leaves the circuit
  singular.

Rows are driven at their driver node, columns at the column end (the sense
amplifiers are disconnected while writing). In 1T1R arrays a row's gate is on
in the slots where that row is driven to a non-zero level (or as given).

A :class:`WriteCircuit` holds the array (:class:`~pymem.circuit.array.ArrayCircuit`),
every driving source with its piecewise-linear waveform, the gate waveforms and
the floating-line leaks. The netlist writer (:mod:`pymem.netlist.write`) and the
transient engine (:mod:`pymem.engine.transient`) both read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from pymem.circuit.array import GROUND, ArrayCircuit, Branches, array_circuit
from pymem.constants import SCHEMES, WriteScheme
from pymem.errors import ParameterError

if TYPE_CHECKING:
    from pymem.crossbar.spec import Crossbar

FLOAT_LEAK_OHM = 1e12
"""Leak of a floating line to ground (ohm)."""

Cells = tuple[int, int] | tuple[int, tuple[int, ...]]
"""A selected cell ``(row, col)``, or several cells of one row ``(row, (col, col, ...))``."""

LineLevels = list[float | None]
"""Voltage of each line during one pulse slot (V); None leaves the line floating."""


def selected_columns(rows: int, cols: int, cell: Cells) -> tuple[int, tuple[int, ...]]:
    """The selected row and columns of ``cell``, checked against the array size."""
    i0, js = cell
    cols_sel = tuple(js) if isinstance(js, tuple | list) else (js,)
    if not (0 <= i0 < rows and cols_sel and all(0 <= j < cols for j in cols_sel)):
        raise ParameterError(f"cell {cell} is outside the {rows}x{cols} array")
    return i0, cols_sel


def line_voltages(
    rows: int, cols: int, cell: Cells, v_write: float, scheme: WriteScheme
) -> tuple[LineLevels, LineLevels]:
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
        rv: LineLevels = [v_write / 2 if i == i0 else 0.0 for i in range(rows)]
        cv: LineLevels = [-v_write / 2 if j in sel else 0.0 for j in range(cols)]
    elif scheme == "v3":
        rv = [v_write if i == i0 else v_write / 3 for i in range(rows)]
        cv = [0.0 if j in sel else 2 * v_write / 3 for j in range(cols)]
    else:
        rv = [v_write if i == i0 else None for i in range(rows)]
        cv = [0.0 if j in sel else None for j in range(cols)]
    return rv, cv


def per_pulse(value: float | Sequence[float], n: int) -> list[float]:
    """``value`` repeated ``n`` times, or the sequence itself as floats."""
    return [float(value)] * n if np.isscalar(value) else [float(v) for v in value]  # type: ignore[union-attr]


def pulse_points(
    levels: list[float],
    width_s: float | Sequence[float],
    edge_s: float | Sequence[float],
    gap_s: float | Sequence[float],
) -> tuple[list[float], list[float]]:
    """Corners of consecutive trapezoidal pulses: times (s) and voltages (V).

    Pulse k rises to ``levels[k]`` in ``edge_s``, stays ``width_s``, falls in
    ``edge_s``; ``gap_s`` at 0 V comes before each pulse and after the last.
    Times are one for every pulse, or one per pulse.
    """
    n = len(levels)
    widths, edges, gaps = (per_pulse(t, n) for t in (width_s, edge_s, gap_s))
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


def pulse_duration(
    n_pulses: int,
    width_s: float | Sequence[float],
    edge_s: float | Sequence[float],
    gap_s: float | Sequence[float],
) -> float:
    """Length of ``n_pulses`` pulses as :func:`pulse_points` lays them out (s)."""
    widths, edges, gaps = (per_pulse(t, n_pulses) for t in (width_s, edge_s, gap_s))
    return sum(g + 2 * e + w for w, e, g in zip(widths, edges, gaps, strict=True)) + gaps[-1]


@dataclass(frozen=True, eq=False)
class Source:
    """An independent voltage source from a node to ground with a piecewise-linear waveform.

    Attributes
    ----------
    name : str
        Element name in the deck (``Vr3``, ``Vc0``, ``Vg2``).
    node : int or str
        Network node id it drives, or the name of a control line (gates).
    times_s, volts : ndarray, shape (k,)
        Corners of the waveform (s, V); constant after the last.
    """

    name: str
    node: int | str
    times_s: NDArray[np.float64]
    volts: NDArray[np.float64]

    def value(self, t: float | NDArray[np.float64]) -> NDArray[np.float64]:
        """Voltage at time(s) ``t`` (V)."""
        return np.interp(t, self.times_s, self.volts)


@dataclass(frozen=True, eq=False)
class WriteCircuit:
    """A write: the array, its driving sources and gates, and the time it lasts.

    Attributes
    ----------
    array : ArrayCircuit
    sources : list of Source
        Row drivers (``Vr{i}`` at ``src[i]``), then column drivers (``Vc{j}`` at ``out[j]``).
    gates : list of Source
        1T1R gate lines ``Vg{i}`` (node = name ``g{i}``); empty for 1R.
    leaks : Branches or None
        Floating lines to ground through ``FLOAT_LEAK_OHM``.
    widths_s, edges_s, gaps_s : ndarray, shape (slots,)
        Timing of each slot (s).
    stop_s : float
        End of the transient (s).
    title : str
    """

    array: ArrayCircuit
    sources: list[Source]
    gates: list[Source]
    leaks: Branches | None
    widths_s: NDArray[np.float64]
    edges_s: NDArray[np.float64]
    gaps_s: NDArray[np.float64]
    stop_s: float
    title: str

    @property
    def xb(self) -> Crossbar:
        """The crossbar written."""
        return self.array.xb

    def breakpoints(self) -> NDArray[np.float64]:
        """Every waveform corner in [0, stop_s], sorted and unique (s)."""
        ts = np.concatenate([s.times_s for s in self.sources + self.gates] + [np.array([0.0, self.stop_s])])
        return np.unique(ts[(ts >= 0) & (ts <= self.stop_s)])


def _wave(levels: Sequence[float], widths, edges, gaps) -> tuple[NDArray, NDArray]:
    t, v = pulse_points([float(x) for x in levels], widths, edges, gaps)
    return np.asarray(t), np.asarray(v)


def schedule_circuit(
    xb: Crossbar,
    slots: list[tuple[LineLevels, LineLevels]],
    width_s: float | Sequence[float],
    edge_s: float | None = None,
    gap_s: float | None = None,
    gates: list[list[bool]] | None = None,
    title: str = "schedule",
) -> WriteCircuit:
    """The circuit of a schedule of pulse slots applied to every line of ``xb``.

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
        What the write is, for the deck's first line.

    Raises
    ------
    ParameterError
        For an empty schedule, widths that are not finite and > 0, or slots of the wrong length.
    """
    if not slots:
        raise ParameterError("a write schedule needs at least one slot")
    widths = np.asarray(per_pulse(width_s, len(slots)), dtype=float)
    if widths.size != len(slots) or not np.all(np.isfinite(widths) & (widths > 0)):
        raise ParameterError(f"pulse widths must be finite and > 0 s, one per slot; got {width_s!r}")
    for k, (rv, cv) in enumerate(slots):
        if len(rv) != xb.rows or len(cv) != xb.cols:
            raise ParameterError(
                f"slot {k} gives {len(rv)} row and {len(cv)} column levels; the array is {xb.rows}x{xb.cols}"
            )
    edges = widths / 100 if edge_s is None else np.full(widths.size, float(edge_s))
    gaps = widths / 10 if gap_s is None else np.full(widths.size, float(gap_s))
    if not (np.all(np.isfinite(edges) & (edges > 0)) and np.all(np.isfinite(gaps) & (gaps >= 0))):
        raise ParameterError(f"edge_s must be > 0 s and gap_s >= 0 s, got {edge_s!r} and {gap_s!r}")
    arr = array_circuit(xb)
    sources: list[Source] = []
    floating: list[int] = []
    for i in range(xb.rows):
        levels = [s[0][i] for s in slots]
        if levels[0] is None:
            floating.append(int(arr.src[i]))
        else:
            wave = _wave([lv or 0.0 for lv in levels], widths, edges, gaps)
            sources.append(Source(f"Vr{i}", int(arr.src[i]), *wave))
    for j in range(xb.cols):
        levels = [s[1][j] for s in slots]
        if levels[0] is None:
            floating.append(int(arr.out[j]))
        else:
            wave = _wave([lv or 0.0 for lv in levels], widths, edges, gaps)
            sources.append(Source(f"Vc{j}", int(arr.out[j]), *wave))
    gate_sources: list[Source] = []
    if xb.cell == "1t1r":
        on = gates or [[bool(level) for level in rows_v] for rows_v, _ in slots]
        for i in range(xb.rows):
            gate = [xb.nmos.v_gate_v if on[k][i] else 0.0 for k in range(len(slots))]
            gate_sources.append(Source(f"Vg{i}", f"g{i}", *_wave(gate, widths, edges, gaps)))
    leaks = None
    if floating:
        nodes = np.asarray(floating, dtype=np.int64)
        leaks = Branches(nodes, np.full(nodes.size, GROUND, dtype=np.int64), FLOAT_LEAK_OHM)
    stop = pulse_duration(len(slots), widths, edges, gaps)
    return WriteCircuit(arr, sources, gate_sources, leaks, widths, edges, gaps, stop, title)


def write_circuit(
    xb: Crossbar,
    cell: Cells,
    v_write: float | Sequence[float],
    width_s: float,
    scheme: WriteScheme = "v2",
    edge_s: float | None = None,
    gap_s: float | None = None,
) -> WriteCircuit:
    """The circuit of one or more write pulses to ``cell`` of ``xb`` under ``scheme``.

    Parameters
    ----------
    xb : Crossbar
        The array, its states the starting point.
    cell : (int, int) or (int, tuple of int)
        Selected row and column, or row and several columns written together.
    v_write : float or sequence of float
        Amplitude of each pulse across the selected cell (V, signed, non-zero).
    width_s : float
        Pulse width at the top (s).
    scheme : {"v2", "v3", "float"}
    edge_s, gap_s : float, optional
        Rise/fall time (default width/100) and 0 V time before and after each pulse
        (default width/10), s.
    """
    amps = [float(a) for a in np.atleast_1d(np.asarray(v_write, dtype=float))]
    if not amps or not all(np.isfinite(a) and a != 0 for a in amps):
        raise ParameterError(f"write amplitudes must be finite and non-zero, got {amps}")
    if not (np.isfinite(width_s) and width_s > 0):
        raise ParameterError(f"pulse width must be finite and > 0 s, got {width_s!r}")
    slots = [line_voltages(xb.rows, xb.cols, cell, a, scheme) for a in amps]
    gates = [[i == cell[0] for i in range(xb.rows)] for _ in amps]
    title = f"write: cell {cell}, scheme {scheme}, {len(amps)} pulse(s)"
    return schedule_circuit(xb, slots, width_s, edge_s, gap_s, gates=gates, title=title)
