"""``pymem energy``: one MVM's energy by part (array, DACs, TIAs, ADCs) against digital MACs; its figure."""

from __future__ import annotations

import argparse
from typing import Any

from pymem.cli.args import add_model_args, add_periphery_args, model_from, periphery_from
from pymem.cli.output import emit
from pymem.constants import WRITE_BACKENDS


def cmd_energy(args: argparse.Namespace) -> int:
    from pymem.crossbar.spec import random_crossbar
    from pymem.ops.energy import energy_breakdown, mvm_energy, solver_array_energy
    from pymem.report.energy import energy_grid, isaac_comparison, plot_energy

    p = periphery_from(args)
    model = model_from(args)
    xb = random_crossbar(args.rows, args.cols, model, seed=args.seed)
    v = xb.random_inputs(1, seed=args.seed + 1)
    if args.engine == "ngspice":
        array_j = mvm_energy(xb, v, t_read_s=p.t_read_s + 1e-9)["energy_j"]
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
        out["figure"] = args.figure
        out["claim_holds_at_sizes"] = plot_energy(energy_grid(model, p=p), args.figure, xb.device.name)
    lines = [f"{args.rows}x{args.cols} {xb.device.name}, read {p.t_read_s:.3g} s, array from {args.engine}"]
    lines += [
        f"  {k:6s} {val:10.3e} J/MAC  ({100 * e['parts_j'][k] / e['total_j']:5.1f} %)"
        for k, val in e["per_mac_j"].items()
    ]
    lines.append(f"  total  {e['total_per_mac_j']:10.3e} J/MAC")
    lines += [
        f"  digital {k:8s} {e['digital'][f'{k}_j']:10.3e} J/MAC: {e['ratio'][k]:8.3g} x the analog"
        for k in ("compute", "sram", "dram")
    ]
    i = out["isaac"]
    lines.append(
        f"  ADC share {i['adc_share']:.3f} vs ISAAC's {i['isaac_adc_share']:.3f}: ratio {i['ratio']:.3g}"
    )
    emit(out, args.json, lines=lines)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``energy``."""
    p = sub.add_parser("energy", help="one MVM's energy by part (array, DACs, TIAs, ADCs) against digital")
    p.add_argument("--rows", type=int, default=128)
    p.add_argument("--cols", type=int, default=128)
    add_model_args(p, "vteam")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--engine", choices=WRITE_BACKENDS, default="solver", help="array part from (default solver)"
    )
    add_periphery_args(p)
    p.add_argument(
        "--figure", default=None, help="PNG: energy per MAC against size 16..512 and ADC bits 4..8"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_energy)
