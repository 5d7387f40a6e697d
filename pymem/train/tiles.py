"""Weight matrices split over crossbar tiles: layout, reads with per-tile ADCs, pulse updates.

A layer with ``n_in`` inputs and ``n_out`` outputs is held as differential
pairs: ``n_in`` rows by ``2 n_out`` columns of devices, columns
``[+0, -0, +1, -1, ...]``. :func:`tile_blocks` cuts that array into tiles of at
most ``tile x tile`` cells: rows in blocks of ``tile``, weight columns in
blocks of ``tile // 2`` pairs (a pair never straddles two tiles).

What is circuit and what is digital (see docs/tutorials/train.md):

- circuit: each tile is a :class:`~pymem.crossbar.spec.Crossbar` of the device
  model with its own wires; its read is the exact solver (or ngspice) on that
  tile alone; its update is write pulses through the transient engine;
- digital: each tile's column currents go through an :class:`~pymem.crossbar.spec.ADC`
  (one per column, full scale the largest current the tile's column can
  carry times ``adc_range``), the pair difference and the sum over the tiles
  of a layer are numpy, as is everything between layers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pymem.circuit.write import schedule_circuit
from pymem.constants import WriteBackend
from pymem.crossbar.spec import ADC, Crossbar
from pymem.errors import HiddenWidthError, ParameterError, TileSizeError
from pymem.ops.mvm import mvm
from pymem.ops.program import run_write
from pymem.train.compact import is_compactable, write_arrays
from pymem.train.pulses import PulseDesign, Schedule

Block = tuple[int, int, int, int]
"""A tile's rows ``[r0, r1)`` and weight columns ``[c0, c1)`` (its devices: columns ``2 c0 .. 2 c1``)."""


def check_tile(tile: object) -> int:
    """``tile`` as an int >= 2, or :class:`TileSizeError` naming it."""
    if isinstance(tile, bool) or not isinstance(tile, int | np.integer) or tile < 2:
        raise TileSizeError(
            f"tile={tile!r}: a tile must be an integer of at least 2 (one differential pair of columns "
            "needs 2); give e.g. --tile 32"
        )
    return int(tile)


def check_hidden(hidden: object) -> int:
    """``hidden`` as an int >= 1, or :class:`HiddenWidthError` naming it."""
    if isinstance(hidden, bool) or not isinstance(hidden, int | np.integer) or hidden < 1:
        raise HiddenWidthError(
            f"hidden={hidden!r} does not fit the mapping: each hidden unit is one differential pair of "
            "columns in the first layer and one row of the second, so give a whole number >= 1 "
            "(e.g. --hidden 32)"
        )
    return int(hidden)


def tile_blocks(n_in: int, n_out: int, tile: int) -> list[Block]:
    """Blocks that cover an ``n_in x n_out`` weight matrix, each at most ``tile x tile`` devices.

    Parameters
    ----------
    n_in, n_out : int
        Rows (inputs, bias included) and weight columns (outputs) of the layer.
    tile : int
        Largest tile side (devices, >= 2).

    Returns
    -------
    list of (r0, r1, c0, c1)
        Row-major order; rows ``[r0, r1)`` (at most ``tile``), weight columns
        ``[c0, c1)`` (at most ``tile // 2``, i.e. ``2 (c1 - c0) <= tile`` devices).

    Raises
    ------
    TileSizeError
        For a tile below 2.
    ParameterError
        For a layer without rows or columns.
    """
    t = check_tile(tile)
    if n_in < 1 or n_out < 1:
        raise ParameterError(f"a layer needs at least one input and one output, got {n_in} x {n_out}")
    pairs = t // 2
    return [
        (r0, min(r0 + t, n_in), c0, min(c0 + pairs, n_out))
        for r0 in range(0, n_in, t)
        for c0 in range(0, n_out, pairs)
    ]


def adc_for(rows: int, v_read: float, g_max_s: float, bits: int, adc_range: float) -> ADC:
    """The ADC of a tile's columns: full scale ``adc_range`` times ``rows * v_read * g_max_s`` (A).

    That product is the largest current a column of ``rows`` devices can carry
    (every input at ``v_read``, every device at ``g_max_s``).
    """
    if not (np.isfinite(adc_range) and adc_range > 0):
        raise ParameterError(
            f"adc_range must be a finite fraction > 0 of the largest current, got {adc_range!r}"
        )
    return ADC(bits, adc_range * rows * v_read * g_max_s)


@dataclass
class Tile:
    """One crossbar tile of a layer and the ADC of its columns."""

    block: Block
    xb: Crossbar
    adc: ADC


class TiledLayer:
    """A layer's weights ``w = (G+ - G-) / (g_max - g_min)`` held by tiles of differential pairs.

    Parameters
    ----------
    tiles : list of Tile
        Covering the ``n_in x n_out`` matrix (see :func:`tile_blocks`).
    n_in, n_out : int
    g_range_s : float
        ``g_max - g_min`` of the programmed range (S): one weight unit.
    """

    def __init__(self, tiles: list[Tile], n_in: int, n_out: int, g_range_s: float) -> None:
        self.tiles, self.n_in, self.n_out, self.g_range = tiles, n_in, n_out, g_range_s
        self.engine_runs = 0

    @classmethod
    def from_conductances(
        cls, g: NDArray[np.float64], tile: int, make: Callable[[Block, NDArray], Tile], g_range_s: float
    ) -> TiledLayer:
        """Cut a (n_in, 2 n_out) conductance array into tiles; ``make`` builds each from its block and G."""
        n_in, n_out = g.shape[0], g.shape[1] // 2
        tiles = [make(b, g[b[0] : b[1], 2 * b[2] : 2 * b[3]]) for b in tile_blocks(n_in, n_out, tile)]
        return cls(tiles, n_in, n_out, g_range_s)

    def conductances(self) -> NDArray[np.float64]:
        """Every device's conductance at the read voltage (S), shape (n_in, 2 n_out)."""
        g = np.empty((self.n_in, 2 * self.n_out))
        for t in self.tiles:
            r0, r1, c0, c1 = t.block
            g[r0:r1, 2 * c0 : 2 * c1] = t.xb.conductances()
        return g

    def weights(self) -> NDArray[np.float64]:
        """Stored weights (weight units), shape (n_in, n_out)."""
        g = self.conductances()
        return (g[:, 0::2] - g[:, 1::2]) / self.g_range

    def read(self, x: NDArray[np.float64], backend: str = "solver") -> NDArray[np.float64]:
        """``x @ w`` as the tiles compute it, shape (batch, n_out).

        Each tile is read with inputs ``x[:, rows] * v_read`` through ``backend``
        (the exact solver with the tile's wires, or ngspice); its column currents
        are digitised by the tile's ADC; the pair differences are summed over
        the tiles of each output (digital).
        """
        out = np.zeros((x.shape[0], self.n_out))
        for t in self.tiles:
            r0, r1, c0, c1 = t.block
            v_read = float(t.xb.v_read)
            y = mvm(t.xb, x[:, r0:r1] * v_read, backend=backend).y
            q = t.adc.quantize(y)
            out[:, c0:c1] += (q[:, 0::2] - q[:, 1::2]) / (v_read * self.g_range)
        return out

    def update(
        self,
        schedule_of: Callable[[Block], Schedule],
        design: PulseDesign,
        backend: WriteBackend,
        stats: dict[str, float],
    ) -> None:
        """Write every tile by its schedule of pulses, rows one after another.

        ``schedule_of(block)`` gives a tile's slots. Tiles with wires run one engine
        circuit each; tiles with ideal wires are independent cells, so their pulsed cells
        run together in a few compact circuits (:func:`pymem.train.compact.write_arrays`).
        The disturbance (``g_drift``) and update error statistics accumulate in ``stats``
        as in the single-layer run.
        """
        todo = [(t, s) for t in self.tiles if (s := schedule_of(t.block)).slots]
        new: dict[int, NDArray[np.float64]] = {}
        ideal = [(k, t, s) for k, (t, s) in enumerate(todo) if is_compactable(t.xb, s.slots)]
        if ideal:
            done = write_arrays(
                [t.xb for _, t, _ in ideal], [(s.slots, s.widths_s) for _, _, s in ideal], backend
            )
            if done is not None:
                new.update({k: x for (k, _, _), x in zip(ideal, done[0], strict=True)})
                self.engine_runs += done[1]
        for k, (t, sched) in enumerate(todo):
            if k not in new:
                circuit = schedule_circuit(t.xb, sched.slots, sched.widths_s, title=f"tile {t.block} update")
                new[k], _ = run_write(circuit, backend=backend, max_step_s=max(sched.widths_s) / 10)
                self.engine_runs += 1
            g0 = t.xb.conductances()
            t.xb = t.xb.with_states(np.clip(new[k], *t.xb.device.x_bounds))
            dg = (t.xb.conductances() - g0) / self.g_range
            cmd = sched.commanded
            quiet = cmd == 0
            want = cmd * np.where(cmd > 0, design.dg_up, design.dg_down)
            stats["tile_updates"] += 1
            stats["g_drift"] += float(np.mean(np.abs(dg[quiet]))) if quiet.any() else 0.0
            stats["update_error"] += float(np.mean(np.abs(dg - want)[~quiet])) if (~quiet).any() else 0.0
            stats["pulses"] += int(np.abs(cmd).sum())
