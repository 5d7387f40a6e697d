"""The crossbar array as data: numbered nodes and element arrays, read by every engine and writer.

This is the one place where a :class:`~pymem.crossbar.spec.Crossbar` becomes a
circuit. The netlist writer (:mod:`pymem.netlist.crossbar`) names and formats
these elements; the static solver (:mod:`pymem.engine.static`) and the transient
engine (:mod:`pymem.engine.transient`) stamp the same elements into matrices.
Nothing here formats text or runs anything.

Node numbering (ground is not a node; ``-1`` stands for it in element arrays):

- word-line nodes ``wl`` (rows x cols; one per row when ``r_row_ohm == 0``),
- bit-line nodes ``bl`` (rows x cols; one per column when ``r_col_ohm == 0``),
- column ends ``out`` at the sense amplifiers (cols; the bit line itself when
  ``r_col_ohm == 0``),
- 1T1R mid nodes ``mid`` between device and transistor (rows x cols; ``bl`` for 1R),
- driver sources ``src`` (rows; the first word-line node when ``r_driver_ohm == 0``).

Node names (as in the decks, lower case in ngspice's output): ``r{i}c{j}_wl``
or ``r{i}_wl``, ``r{i}c{j}_bl`` or ``c{j}_bl``, ``c{j}_out``, ``r{i}c{j}_m``,
``in{i}``; gate lines of 1T1R rows are ``g{i}`` (controls, not network nodes:
a gate draws no current).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from pymem.crossbar.spec import Crossbar

GROUND = -1
"""Node id of ground in element arrays."""


@dataclass(frozen=True, eq=False)
class Branches:
    """Linear resistors of one kind, as arrays of equal length.

    Attributes
    ----------
    a, b : ndarray of int, shape (m,)
        Terminal node ids (``GROUND`` for ground).
    r_ohm : float
        Resistance of every branch of this kind (ohm, > 0).
    """

    a: NDArray[np.int64]
    b: NDArray[np.int64]
    r_ohm: float


@dataclass(frozen=True, eq=False)
class ArrayCircuit:
    """Nodes and elements of a crossbar array without its periphery.

    Attributes
    ----------
    xb : Crossbar
        The array described (devices, states, spread, wires).
    wl, bl, mid : ndarray of int, shape (rows, cols)
        Word-line, bit-line and device-to-transistor node of each cell.
    out : ndarray of int, shape (cols,)
        Column end of each bit line (where the sense amplifier or a write driver sits).
    src : ndarray of int, shape (rows,)
        Node each row driver holds at its voltage.
    n : int
        Number of network nodes.
    """

    xb: Crossbar
    wl: NDArray[np.int64]
    bl: NDArray[np.int64]
    mid: NDArray[np.int64]
    out: NDArray[np.int64]
    src: NDArray[np.int64]
    n: int

    # ----- elements ------------------------------------------------------------------
    @cached_property
    def row_wires(self) -> Branches | None:
        """Word-line segments, (rows, cols - 1) of them, row-major: (i, j) joins columns j and j + 1."""
        if self.xb.r_row_ohm <= 0 or self.xb.cols < 2:
            return None
        return Branches(self.wl[:, :-1].ravel(), self.wl[:, 1:].ravel(), self.xb.r_row_ohm)

    @cached_property
    def col_wires(self) -> Branches | None:
        """Bit-line segments, (rows, cols) of them, row-major: (i, j) is below cell (i, j)."""
        if self.xb.r_col_ohm <= 0:
            return None
        below = np.vstack([self.bl[1:, :], self.out[None, :]])
        return Branches(self.bl.ravel(), below.ravel(), self.xb.r_col_ohm)

    @cached_property
    def drivers(self) -> Branches | None:
        """Driver output resistances, one per row, from ``src`` to the first word-line node."""
        if self.xb.r_driver_ohm <= 0:
            return None
        return Branches(self.src.copy(), self.wl[:, 0].copy(), self.xb.r_driver_ohm)

    def linear_branches(self) -> list[Branches]:
        """Every linear resistor of the array (drivers, word- and bit-line segments)."""
        return [b for b in (self.drivers, self.row_wires, self.col_wires) if b is not None]

    @property
    def cell_p(self) -> NDArray[np.int64]:
        """Device + terminal of every cell (the word line), shape (rows * cols,)."""
        return self.wl.ravel()

    @property
    def cell_n(self) -> NDArray[np.int64]:
        """Device - terminal of every cell (bit line, or mid node of 1T1R), shape (rows * cols,)."""
        return self.mid.ravel()

    # ----- names -----------------------------------------------------------------------
    @cached_property
    def names(self) -> list[str]:
        """Name of every node, indexed by node id."""
        xb = self.xb
        out = [""] * self.n
        R, C = xb.rows, xb.cols

        def put(ids: NDArray[np.int64], fmt: str, **grids: NDArray[np.int64]) -> None:
            flat = ids.ravel()
            keys = {k: v.ravel() for k, v in grids.items()}
            for k, node in enumerate(flat.tolist()):
                out[node] = fmt.format(**{name: int(arr[k]) for name, arr in keys.items()})

        ii, jj = np.meshgrid(np.arange(R), np.arange(C), indexing="ij")
        if xb.r_row_ohm > 0:
            put(self.wl, "r{i}c{j}_wl", i=ii, j=jj)
        else:
            put(self.wl[:, 0], "r{i}_wl", i=np.arange(R))
        if xb.r_col_ohm > 0:
            put(self.bl, "r{i}c{j}_bl", i=ii, j=jj)
            put(self.out, "c{j}_out", j=np.arange(C))
        else:
            put(self.bl[0, :], "c{j}_bl", j=np.arange(C))
        if xb.cell == "1t1r":
            put(self.mid, "r{i}c{j}_m", i=ii, j=jj)
        if xb.r_driver_ohm > 0:
            put(self.src, "in{i}", i=np.arange(R))
        return out

    def name(self, node: int) -> str:
        """Name of node id ``node`` (``"0"`` for ground)."""
        return "0" if node == GROUND else self.names[node]


def array_circuit(xb: Crossbar) -> ArrayCircuit:
    """Number the nodes of ``xb``'s array; the elements follow from the numbering.

    Parameters
    ----------
    xb : Crossbar
        The array.

    Returns
    -------
    ArrayCircuit
    """
    R, C = xb.rows, xb.cols
    ids = np.arange(R * C, dtype=np.int64).reshape(R, C)
    wl = ids.copy() if xb.r_row_ohm > 0 else np.repeat(np.arange(R, dtype=np.int64)[:, None], C, axis=1)
    n = int(wl.max()) + 1
    if xb.r_col_ohm > 0:
        bl = n + ids
        n += R * C
        out = n + np.arange(C, dtype=np.int64)
        n += C
    else:
        bl = n + np.repeat(np.arange(C, dtype=np.int64)[None, :], R, axis=0)
        out = bl[0, :].copy()
        n += C
    if xb.cell == "1t1r":
        mid = n + ids
        n += R * C
    else:
        mid = bl
    if xb.r_driver_ohm > 0:
        src = n + np.arange(R, dtype=np.int64)
        n += R
    else:
        src = wl[:, 0].copy()
    return ArrayCircuit(xb=xb, wl=wl, bl=bl, mid=mid, out=out, src=src, n=n)

