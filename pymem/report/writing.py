"""V/2 against V/3 (and floating lines) on one array: disturbance, selected-cell change, energy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pymem import devices
from pymem.crossbar import random_crossbar
from pymem.netlist.write import SCHEMES
from pymem.ops.program import write_pulses


def scheme_table(
    model: str, n: int = 16, r_wire_ohm: float = 1.0, cell: tuple[int, int] | None = None, seed: int = 0
) -> list[dict[str, Any]]:
    """One write of the middle cell of an n x n array under every scheme.

    The amplitude is 1.5 times the model's positive threshold (1 V without
    thresholds): above threshold for the selected cell, below it for cells at
    half or a third of it. The width is 1/50 of the model's demo period.

    Returns
    -------
    list of dict
        Per scheme: ``scheme``, ``v_write``, ``width_s``, ``selected_change`` (fraction
        of the range), ``disturb_max``, ``disturb_mean`` (fractions of the range),
        ``energy_j``, ``seconds``.
    """
    m = devices.get(model)
    th = m.thresholds
    amp = 1.5 * th[1] if th else 1.0
    width = m.demo_drive().duration_s / 50
    target = cell or (n // 2 - 1, n // 2)
    rows = []
    for scheme in SCHEMES:
        xb = random_crossbar(n, n, model, seed=seed, r_row_ohm=r_wire_ohm, r_col_ohm=r_wire_ohm)
        res = write_pulses(xb, target, amp, width, scheme)  # type: ignore[arg-type]
        rows.append(
            {
                "model": model,
                "scheme": scheme,
                "v_write": amp,
                "width_s": width,
                "selected_change": res.selected_change / m.x_range,
                "disturb_max": res.disturb_max,
                "disturb_mean": res.disturb_mean,
                "energy_j": res.energy_j,
                "seconds": res.seconds,
            }
        )
    return rows


def plot_schemes(rows: list[dict[str, Any]], path: str | Path) -> Path:
    """Bars per model and scheme: largest and mean disturbance, selected change, energy."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = list(dict.fromkeys(r["model"] for r in rows))
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    width = 0.8 / len(SCHEMES)
    for k, scheme in enumerate(SCHEMES):
        sel = [next(r for r in rows if r["model"] == m and r["scheme"] == scheme) for m in models]
        x = np.arange(len(models)) + k * width
        axes[0].bar(x, [max(r["disturb_max"], 1e-18) for r in sel], width, label=scheme)
        axes[1].bar(x, [abs(r["selected_change"]) for r in sel], width, label=scheme)
        axes[2].bar(x, [r["energy_j"] for r in sel], width, label=scheme)
    titles = ["largest half-select disturbance (of range)", "selected cell change (of range)", "energy (J)"]
    for ax, title in zip(axes, titles, strict=True):
        ax.set_xticks(np.arange(len(models)) + width * (len(SCHEMES) - 1) / 2, models)
        ax.set_yscale("log")
        ax.set_title(title, fontsize=9)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)
