"""Energy figures: one MVM's energy by part over array sizes and ADC resolutions, and ISAAC's ADC share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pymem.devices.base import DeviceModel
from pymem.ops import published as pub
from pymem.ops.energy import Periphery, energy_breakdown, solver_array_energy

SIZES: tuple[int, ...] = (16, 32, 64, 128, 256, 512)
"""Square array sizes of the figure."""
ADC_BITS: tuple[int, ...] = (4, 5, 6, 7, 8)
"""ADC resolutions of the figure."""
CLAIM = (10.0, 100.0)
"""The article's claim: one to two orders of magnitude less energy than digital."""


def energy_grid(
    model: str | DeviceModel = "vteam",
    sizes: tuple[int, ...] = SIZES,
    bits: tuple[int, ...] = ADC_BITS,
    seed: int = 0,
    p: Periphery | None = None,
) -> list[dict[str, Any]]:
    """Energy per MAC by part for every size and ADC resolution; the array part from the exact solver.

    Each size is a random ``n x n`` crossbar of ``model`` with ideal wires and one random input vector.
    """
    from dataclasses import replace

    from pymem.crossbar.spec import random_crossbar

    p = Periphery() if p is None else p
    rows = []
    for n in sizes:
        xb = random_crossbar(n, n, model, seed=seed)
        v = xb.random_inputs(1, seed=seed + 1)[0]
        array_j = solver_array_energy(xb, v, p.t_read_s)
        for b in bits:
            e = energy_breakdown(array_j, n, n, replace(p, adc_bits=b))
            rows.append({"size": n, "adc_bits": b, **e})
    return rows


def plot_energy(grid: list[dict[str, Any]], path: str | Path, model: str) -> dict[str, Any]:
    """Energy per MAC against size (one panel per ADC resolution) with the digital lines; marks the claim.

    Returns where the claim (analog 10x to 100x below the digital MAC + SRAM fetch) holds.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bits = sorted({r["adc_bits"] for r in grid})
    fig, axes = plt.subplots(1, len(bits), figsize=(3.2 * len(bits), 3.8), sharey=True)
    digital = grid[0]["digital"]
    holds: dict[str, list[int]] = {}
    for ax, b in zip(np.atleast_1d(axes), bits, strict=True):
        rows = [r for r in grid if r["adc_bits"] == b]
        n = [r["size"] for r in rows]
        total = [r["total_per_mac_j"] for r in rows]
        ax.loglog(n, total, "k-o", lw=2, label="analog total")
        for part, style in (("array", "C0--"), ("dac", "C1:"), ("tia", "C2-."), ("adc", "C3--")):
            ax.loglog(n, [r["per_mac_j"][part] for r in rows], style, label=part)
        for key, style, label in (
            ("compute_j", "C4-", "digital MAC"),
            ("sram_j", "C5-", "MAC + SRAM"),
            ("dram_j", "C7-", "MAC + DRAM"),
        ):
            ax.axhline(digital[key], color=style[:2], lw=1, label=label)
        ok = [r["size"] for r in rows if r["ratio"]["sram"] >= CLAIM[0]]
        holds[str(b)] = ok
        for r in rows:
            ratio = r["ratio"]["sram"]
            mark = "o" if CLAIM[0] <= ratio else "x"
            ax.plot(
                r["size"], r["total_per_mac_j"], mark, ms=11, mfc="none", color="g" if mark == "o" else "r"
            )
        ax.set_xscale("log", base=2)
        ax.set_xticks(n, [str(k) for k in n])
        ax.set_title(f"{b}-bit ADC")
        ax.set_xlabel("array size n (n x n)")
        ax.grid(True, which="both", alpha=0.3)
    np.atleast_1d(axes)[0].set_ylabel("energy per MAC (J)")
    np.atleast_1d(axes)[-1].legend(fontsize=7, loc="upper right")
    fig.suptitle(
        f"{model}, t_read {grid[0]['assumptions']['t_read_s']:.3g} s: green o = analog at least 10x below "
        "digital MAC + SRAM fetch, red x = not",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return holds


def isaac_comparison(e: dict[str, Any]) -> dict[str, float]:
    """This breakdown's ADC share of (array + DAC + ADC) against ISAAC's Table I share, and their ratio."""
    parts = e["parts_j"]
    ours = parts["adc"] / (parts["adc"] + parts["dac"] + parts["array"])
    return {"adc_share": ours, "isaac_adc_share": pub.ISAAC_ADC_SHARE, "ratio": ours / pub.ISAAC_ADC_SHARE}
