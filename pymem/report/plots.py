"""Figures: device I-V loops, MVM error against size and wire resistance, voltage-drop maps.

Plotting lives here, apart from the core classes; every function takes plain
arrays or results and a path, and writes one PNG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def loop_area(v: ArrayLike, i: ArrayLike) -> float:
    """Area of a pinched hysteresis loop (V A = W): the two lobes' |closed integral of i dv| added.

    Parameters
    ----------
    v, i : array_like, shape (n,)
        Voltage (V) and current (A) along the drive, in time order.
    """
    v = np.asarray(v, dtype=float)
    i = np.asarray(i, dtype=float)
    dv = np.diff(v)
    i_mid = 0.5 * (i[1:] + i[:-1])
    v_mid = 0.5 * (v[1:] + v[:-1])
    pos = float(np.sum((i_mid * dv)[v_mid >= 0]))
    neg = float(np.sum((i_mid * dv)[v_mid < 0]))
    return abs(pos) + abs(neg)


def plot_iv(model: Any, ng: Any, ref: Any, path: str | Path) -> Path:
    """Pinched loop (ngspice over the reference) and the state against time."""
    plt = _pyplot()
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.6))
    scale, unit = (1e3, "mA") if np.max(np.abs(ref.i)) > 1e-4 else (1e6, "uA")
    a.plot(ref.v, ref.i * scale, "k-", lw=2.5, label="reference (scipy)")
    a.plot(ng.v, ng.i * scale, "r--", lw=1.2, label="ngspice")
    a.set_xlabel("voltage (V)")
    a.set_ylabel(f"current ({unit})")
    a.set_title(f"{model.name}: pinched hysteresis")
    a.legend(fontsize=8)
    b.plot(ref.t, ref.x, "k-", lw=2.5)
    b.plot(ng.t, ng.x, "r--", lw=1.2)
    b.set_xlabel("time (s)")
    b.set_ylabel("state x")
    b.set_title("state")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def plot_error_map(
    sizes: list[int], r_wires: list[float], errors: ArrayLike, path: str | Path, title: str = ""
) -> Path:
    """Mean relative MVM error against array size, one line per wire resistance."""
    plt = _pyplot()
    err = np.asarray(errors, dtype=float)
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for k, r in enumerate(r_wires):
        ax.loglog(sizes, err[k], "o-", label=f"{r:g} ohm/segment")
    ax.set_xlabel("array size N (N x N)")
    ax.set_ylabel("mean |y - y_ideal| / |y_ideal|")
    ax.set_title(title or "MVM error from line resistance")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def plot_drop_map(drop: ArrayLike, path: str | Path, title: str = "") -> Path:
    """Heat map of the voltage lost across the wires at each cell (V), shape (rows, cols)."""
    plt = _pyplot()
    d = np.asarray(drop, dtype=float)
    fig, ax = plt.subplots(figsize=(5, 4.2))
    im = ax.imshow(d * 1e3, cmap="magma", origin="upper", aspect="auto")
    ax.set_xlabel("column j (sense amplifiers below)")
    ax.set_ylabel("row i (drivers at the left)")
    ax.set_title(title or "voltage lost to the wires per cell")
    fig.colorbar(im, ax=ax, label="input - cell voltage (mV)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)
