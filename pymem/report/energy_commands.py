"""``pymem energy``: one MVM's energy by part (array, DACs, TIAs, ADCs) against digital MACs; its figure."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from pymem.ops import published as pub
from pymem.ops.energy import Periphery, energy_breakdown, mvm_energy, solver_array_energy

SIZES: tuple[int, ...] = (16, 32, 64, 128, 256, 512)
"""Square array sizes of the figure."""
ADC_BITS: tuple[int, ...] = (4, 5, 6, 7, 8)
"""ADC resolutions of the figure."""
CLAIM = (10.0, 100.0)
"""The article's claim: one to two orders of magnitude less energy than digital."""


def periphery_from(args: argparse.Namespace) -> Periphery:
    """The :class:`Periphery` of the command-line options (refuses bad values with a named error)."""
    return Periphery(
        adc_bits=args.adc_bits,
        adc_rate_hz=args.adc_rate,
        adc_fom_j=args.adc_fom,
        dac_power_w=args.dac_power,
        tia_power_w=args.tia_power,
        t_read_s=args.t_read,
    )


def energy_grid(
    model: str = "vteam",
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


def cmd_energy(args: argparse.Namespace) -> int:
    from pymem.crossbar.spec import random_crossbar

    p = periphery_from(args)
    xb = random_crossbar(args.rows, args.cols, args.model, seed=args.seed)
    v = xb.random_inputs(1, seed=args.seed + 1)
    if args.engine == "ngspice":
        sim = mvm_energy(xb, v, t_read_s=p.t_read_s + 1e-9)
        array_j = sim["energy_j"]
    else:
        array_j = solver_array_energy(xb, v[0], p.t_read_s)
    e = energy_breakdown(array_j, args.rows, args.cols, p)
    out: dict[str, Any] = {
        "rows": args.rows,
        "cols": args.cols,
        "model": xb.device.name,
        "engine": args.engine,
    }
    out.update(e)
    out["isaac"] = isaac_comparison(e)
    if args.figure:
        grid = energy_grid(args.model, p=p)
        out["figure"] = args.figure
        out["claim_holds_at_sizes"] = plot_energy(grid, args.figure, xb.device.name)
    if args.json:
        print(json.dumps(out, indent=2, sort_keys=True))
        return 0
    print(f"{args.rows}x{args.cols} {xb.device.name}, read {p.t_read_s:.3g} s, array from {args.engine}")
    for k, val in e["per_mac_j"].items():
        print(f"  {k:6s} {val:10.3e} J/MAC  ({100 * e['parts_j'][k] / e['total_j']:5.1f} %)")
    print(f"  total  {e['total_per_mac_j']:10.3e} J/MAC")
    for k in ("compute", "sram", "dram"):
        print(f"  digital {k:8s} {e['digital'][f'{k}_j']:10.3e} J/MAC: {e['ratio'][k]:8.3g} x the analog")
    i = out["isaac"]
    print(f"  ADC share {i['adc_share']:.3f} vs ISAAC's {i['isaac_adc_share']:.3f}: ratio {i['ratio']:.3g}")
    return 0


def add_periphery_args(p: argparse.ArgumentParser) -> None:
    """The periphery options shared by ``pymem energy`` and ``pymem mvm --energy``."""
    d = Periphery()
    p.add_argument("--adc-bits", type=int, default=d.adc_bits, help=f"ADC bits, 1..16 (default {d.adc_bits})")
    p.add_argument(
        "--adc-rate", type=float, default=d.adc_rate_hz, help="ADC samples/s (default ISAAC's 1.2e9)"
    )
    p.add_argument(
        "--adc-fom", type=float, default=d.adc_fom_j, help="Walden FoM, J/step (default ISAAC's ADC)"
    )
    p.add_argument(
        "--dac-power", type=float, default=d.dac_power_w, help="W per row driver (default ISAAC's)"
    )
    p.add_argument("--tia-power", type=float, default=d.tia_power_w, help="W per column TIA (assumed 1e-4)")
    p.add_argument("--t-read", type=float, default=d.t_read_s, help="read time, s (default ISAAC's 1e-7)")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``pymem energy`` to the ``pymem`` subparsers."""
    p = sub.add_parser("energy", help="one MVM's energy by part (array, DACs, TIAs, ADCs) against digital")
    p.add_argument("--rows", type=int, default=128)
    p.add_argument("--cols", type=int, default=128)
    p.add_argument("--model", default="vteam")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--engine", choices=["solver", "ngspice"], default="solver", help="array part from (default solver)"
    )
    add_periphery_args(p)
    p.add_argument(
        "--figure", default=None, help="PNG: energy per MAC against size 16..512 and ADC bits 4..8"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_energy)
