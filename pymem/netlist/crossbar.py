"""Crossbar decks: text only, deterministic bytes, node names that say where they are.

Node names (lower case in ngspice's output):

- ``in{i}``: driver source of row i (when ``r_driver_ohm > 0``);
- ``r{i}c{j}_wl`` / ``r{i}c{j}_bl``: word and bit line at cell (i, j)
  (``r{i}_wl`` / ``c{j}_bl`` when that wire's resistance is 0);
- ``r{i}c{j}_m``: between device and access transistor (1T1R);
- ``c{j}_out``: end of bit line j at its sense amplifier; ``c{j}_vo``: TIA output;
- ``xm{i}_{j}.x``: the state of cell (i, j).

Elements: ``Vin{i}`` drivers, ``Rdrv{i}``, ``Rwl{i}_{j}`` (row i, between
columns j and j+1), ``Rbl{i}_{j}`` (column j, below row i), ``Xm{i}_{j}``
devices, ``Mt{i}_{j}`` transistors, ``Vg{i}`` gate lines, ``Vsense{j}`` (ideal
sensing) or ``Xtia{j}`` with ``Rf{j}`` (TIA).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem import spice as nl
from pymem.circuit.array import ArrayCircuit, array_circuit
from pymem.errors import ParameterError

if TYPE_CHECKING:
    from pymem.crossbar.spec import NMOS, TIA, Crossbar

OPAMP_SUBCKT = "pymem_opamp"
NMOS_MODEL = "pymem_nmos"
READ_OPTIONS = {"reltol": 1e-9, "abstol": 1e-18, "vntol": 1e-12}
"""Tolerances of reads: ngspice's Newton stops when updates fall below
reltol * |v| + vntol, so these make its outputs exact to about 1e-9."""
READ_PRINT_STEPS = 10
"""Output points per hold of a read deck: its ``.tran`` print step is ``t_read_s / 10``."""
READ_MAX_STEPS = 4
"""ngspice's largest time step in a read deck is ``t_read_s / 4``: at least four steps per
hold, so a settling TIA output is followed."""
NMOS_LENGTH_M = 1e-5
"""Channel length of the access transistor (m); its width is ``w_over_l`` times this."""
NMOS_PHI_V = 0.6
"""Surface potential of the level-1 NMOS (V): ngspice's default, written out (no body
effect with gamma = 0, so it does not change the current)."""
READ_EDGE_S = 1e-9
"""Input transition time of read decks (s): each vector's PWL edge; read energy
(:func:`pymem.ops.energy.mvm_energy`) leaves it out of the hold."""


def opamp_subckt(tia: TIA) -> str:
    """Single-pole op-amp macromodel with a clamped output: ports ``inp inn out``.

    A transconductance of 1 S into ``R = gain`` gives the DC gain; ``C =
    1 / (2 pi gbw)`` puts the pole at ``gbw / gain``; the output is a
    voltage source following the internal node, clamped to +/- ``vsat``.
    """
    body = [
        "Gin 0 p inp inn 1",
        "Rp p 0 {gain}",
        f"Cp p 0 {{1/({math.tau!r}*gbw)}}",
        nl.bsource("Bout", "out", "0", "min(max(v(p),-vsat),vsat)", kind="V"),
    ]
    params = {"gain": tia.gain, "gbw": tia.gbw_hz, "vsat": tia.v_sat_v}
    return nl.subckt(
        OPAMP_SUBCKT,
        ["inp", "inn", "out"],
        body,
        params,
        comment="pymem op-amp: single pole (gain, gbw in Hz), output clamped to +/-vsat V",
    )


def nmos_model_line(m: NMOS) -> str:
    """``.model`` line of the access transistor: ngspice's level-1 NMOS, no body effect."""
    return (
        f".model {NMOS_MODEL} nmos level=1 vto={nl.fmt(m.vto_v)} kp={nl.fmt(m.kp_a_per_v2)} "
        f"gamma=0 lambda=0 phi={NMOS_PHI_V!r}"
    )


def wl_node(xb: Crossbar, i: int, j: int) -> str:
    """Word-line node at cell (i, j)."""
    return f"r{i}c{j}_wl" if xb.r_row_ohm > 0 else f"r{i}_wl"


def bl_node(xb: Crossbar, i: int, j: int) -> str:
    """Bit-line node at cell (i, j)."""
    return f"r{i}c{j}_bl" if xb.r_col_ohm > 0 else f"c{j}_bl"


def out_node(xb: Crossbar, j: int) -> str:
    """Node of column j at its sense amplifier."""
    return f"c{j}_out" if xb.r_col_ohm > 0 else bl_node(xb, 0, j)


def source_node(xb: Crossbar, i: int) -> str:
    """Node the driver of row i holds at the input voltage."""
    return f"in{i}" if xb.r_driver_ohm > 0 else wl_node(xb, i, 0)


def state_vector(i: int, j: int) -> str:
    """Name of the vector holding the state of cell (i, j)."""
    return f"v(xm{i}_{j}.x)"


def cell_states(
    res: Mapping[str, ArrayLike], rows: int, cols: int, at: int | slice | NDArray[np.intp] = -1
) -> NDArray[np.float64]:
    """Every cell's state read out of a simulation result's state vectors (state units).

    Parameters
    ----------
    res : mapping
        Vector name to samples, as ngspice returns them (:func:`state_vector` names).
    rows, cols : int
        Array size.
    at : int, slice or index array
        Which time point(s): the default -1 is the end of the run.

    Returns
    -------
    ndarray
        Shape (rows, cols) for one time point; (k, rows, cols) for k of them.
    """
    x = np.array(
        [[np.asarray(res[state_vector(i, j)])[at] for j in range(cols)] for i in range(rows)], dtype=float
    )
    return x if x.ndim == 2 else np.moveaxis(x, -1, 0)


def read_times(n_vectors: int, t_read_s: float) -> np.ndarray:
    """Times (s) at which the outputs of each input vector are sampled: the end of its hold."""
    return t_read_s * np.arange(1, n_vectors + 1)


def _driver_wave(values: np.ndarray, t_read_s: float, t_edge_s: float) -> str:
    times = [0.0]
    volts = [float(values[0])]
    for k in range(1, values.size):
        times += [k * t_read_s, k * t_read_s + t_edge_s]
        volts += [float(values[k - 1]), float(values[k])]
    times.append(values.size * t_read_s)
    volts.append(float(values[-1]))
    return nl.pwl(times, volts)


def array_lines(xb: Crossbar, periphery: bool = True, circuit: ArrayCircuit | None = None) -> list[str]:
    """Element lines of wires, devices, access transistors and sense amplifiers (no drivers).

    The elements are those of :func:`pymem.circuit.array_circuit` (or of
    ``circuit``, when given), named and written row by row. With
    ``periphery=False`` the gate-line sources and sense amplifiers are left out,
    for decks that drive those lines themselves (writes).

    The resistances and states were validated by :class:`Crossbar`, so lines
    are formatted directly; this writes a 1024 x 1024 array in a few seconds.
    """
    arr = circuit if circuit is not None else array_circuit(xb)
    R, C = xb.rows, xb.cols
    nm = arr.names
    lines: list[str] = []
    name = xb.device.subckt_name
    x = xb.states.tolist()
    varied = bool(np.any(xb.g_scale != 1.0))
    gs = [[f" gscale={k!r}" for k in row] for row in xb.g_scale.tolist()] if varied else None
    r_row = nl.positive(xb.r_row_ohm, "r_row_ohm") if arr.row_wires is not None else ""
    r_col = nl.positive(xb.r_col_ohm, "r_col_ohm") if arr.col_wires is not None else ""
    width = nl.fmt(NMOS_LENGTH_M * xb.nmos.w_over_l)
    wl, bl, mid = arr.wl.tolist(), arr.bl.tolist(), arr.mid.tolist()
    below_last = arr.out.tolist()
    cols = range(C)
    for i in range(R):
        wl_i = [nm[k] for k in wl[i]]
        bl_i = [nm[k] for k in bl[i]]
        if arr.drivers is not None:
            lines.append(nl.resistor(f"Rdrv{i}", nm[int(arr.src[i])], wl_i[0], xb.r_driver_ohm))
        if r_row:
            lines += [f"Rwl{i}_{j} {wl_i[j]} {wl_i[j + 1]} {r_row}" for j in range(C - 1)]
        if r_col:
            below = [nm[k] for k in (bl[i + 1] if i + 1 < R else below_last)]
            lines += [f"Rbl{i}_{j} {bl_i[j]} {below[j]} {r_col}" for j in cols]
        x_i = x[i]
        g_i = gs[i] if gs else [""] * C
        if xb.cell == "1t1r":
            for j in cols:
                m = nm[mid[i][j]]
                lines.append(f"Xm{i}_{j} {wl_i[j]} {m} {name} x0={x_i[j]!r}{g_i[j]}")
                lines.append(f"Mt{i}_{j} {m} g{i} {bl_i[j]} 0 {NMOS_MODEL} w={width} l={NMOS_LENGTH_M!r}")
        else:
            lines += [f"Xm{i}_{j} {wl_i[j]} {bl_i[j]} {name} x0={x_i[j]!r}{g_i[j]}" for j in cols]
    if not periphery:
        return lines
    if xb.cell == "1t1r":
        for i in range(R):
            lines.append(nl.vsource(f"Vg{i}", f"g{i}", "0", xb.nmos.v_gate_v))
    for j in range(C):
        end = nm[int(arr.out[j])]
        if xb.sense == "ideal":
            lines.append(nl.vsource(f"Vsense{j}", end, "0", 0.0))
        else:
            lines.append(nl.instance(f"Xtia{j}", ["0", end, f"c{j}_vo"], OPAMP_SUBCKT))
            lines.append(nl.resistor(f"Rf{j}", end, f"c{j}_vo", xb.tia.r_f_ohm))
    return lines


def read_deck(
    xb: Crossbar,
    v: ArrayLike,
    t_read_s: float | None = None,
    t_edge_s: float = READ_EDGE_S,
    title: str | None = None,
) -> str:
    """A transient deck that applies each input vector for ``t_read_s`` and holds it.

    Parameters
    ----------
    xb : Crossbar
        The array.
    v : array_like, shape (rows,) or (batch, rows)
        Read voltages (V); vector k is applied from ``k t_read_s`` (after an
        edge of ``t_edge_s``) to ``(k + 1) t_read_s``, when it is sampled.
    t_read_s, t_edge_s : float
        Hold time per vector (default ``xb.read_hold_s``: 1 us, or longer when
        a TIA needs it to settle, as :func:`pymem.ops.mvm.mvm` uses) and
        input transition time (s).
    title : str, optional
        First line of the deck.

    Returns
    -------
    str
        A complete deck, runnable by ``ngspice -b``: the device and op-amp
        subcircuits are included.
    """
    batch = xb.check_inputs(v)
    if t_read_s is None:
        t_read_s = xb.read_hold_s
    if not (t_edge_s > 0 and t_read_s > 2 * t_edge_s):
        raise ParameterError(
            f"need 0 < t_edge_s < t_read_s / 2, got t_edge_s={t_edge_s!r}, t_read_s={t_read_s!r}"
        )
    n = batch.shape[0]
    header = (
        f"* pymem crossbar read: {xb.rows}x{xb.cols} {xb.device.name}, cell {xb.cell}, sense {xb.sense}\n"
        f"* r_row={xb.r_row_ohm!r} r_col={xb.r_col_ohm!r} r_driver={xb.r_driver_ohm!r} ohm; "
        f"{n} input vector(s), {t_read_s!r} s each"
    )
    lines = [header, xb.device.subckt()]
    if xb.sense == "tia":
        lines.append(opamp_subckt(xb.tia))
    if xb.cell == "1t1r":
        lines.append(nmos_model_line(xb.nmos))
    for i in range(xb.rows):
        wave = _driver_wave(batch[:, i], t_read_s, t_edge_s)
        lines.append(nl.vsource(f"Vin{i}", source_node(xb, i), "0", float(batch[0, i]), wave))
    lines += array_lines(xb)
    lines.append(nl.options(**READ_OPTIONS))
    stop = n * t_read_s
    lines.append(nl.tran(t_read_s / READ_PRINT_STEPS, stop, 0.0, t_read_s / READ_MAX_STEPS, uic=True))
    # what plain `ngspice -b deck.cir` prints: the column outputs
    outputs = [f"i(vsense{j})" if xb.sense == "ideal" else f"v(c{j}_vo)" for j in range(xb.cols)]
    lines += [".print tran " + " ".join(outputs[k : k + 8]) for k in range(0, len(outputs), 8)]
    default_title = f"pymem crossbar {xb.rows}x{xb.cols} {xb.device.name} {xb.cell} {xb.sense} read"
    return nl.deck(title or default_title, lines, check_names=False)
