"""The standard figures of a crossbar read: why the MVM error grows, and where the voltage goes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pymem.crossbar import random_crossbar
from pymem.engine.static import CrossbarSolver
from pymem.ops.mvm import mvm
from pymem.report.plots import plot_drop_map, plot_error_map


def mvm_error_table(
    sizes: list[int], r_wires: list[float], model: str = "hp", batch: int = 20, seed: int = 0
) -> np.ndarray:
    """Mean relative MVM error (solver vs ideal) per wire resistance and size, shape (len(r), len(sizes))."""
    err = np.empty((len(r_wires), len(sizes)))
    for a, r in enumerate(r_wires):
        for b, n in enumerate(sizes):
            xb = random_crossbar(n, n, model, seed=seed, r_row_ohm=r, r_col_ohm=r, r_driver_ohm=r)
            err[a, b] = mvm(xb, xb.random_inputs(batch, seed=seed + 1), backend="solver").mean_rel_error
    return err


def voltage_drop(n: int = 32, r_wire: float = 2.0, model: str = "hp", seed: int = 0) -> np.ndarray:
    """Input minus cell voltage (V) at every cell of an n x n array read with all inputs at v_read."""
    xb = random_crossbar(n, n, model, seed=seed, r_row_ohm=r_wire, r_col_ohm=r_wire, r_driver_ohm=r_wire)
    nodes = CrossbarSolver(xb).node_voltages(np.full(n, xb.v_read))
    return xb.v_read - (nodes["wl"] - nodes["bl"])


def write_mvm_figures(out_dir: str | Path, quick: bool = False) -> dict[str, Path]:
    """Write ``mvm_error.png`` and ``voltage_drop.png`` into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sizes = [8, 16, 32, 64] if quick else [8, 16, 32, 64, 128, 256]
    r_wires = [0.1, 1.0, 10.0]
    err = mvm_error_table(sizes, r_wires)
    paths = {
        "mvm_error": plot_error_map(
            sizes, r_wires, err, out / "mvm_error.png", "HP crossbar read: error against ideal G^T v"
        ),
        "voltage_drop": plot_drop_map(
            voltage_drop(), out / "voltage_drop.png", "32x32, 2 ohm/segment: voltage lost to the wires"
        ),
    }
    return paths
