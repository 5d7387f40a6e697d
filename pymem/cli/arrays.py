"""Crossbar commands: ``pymem netlist``, ``mvm``, ``figures`` and ``circuits``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from pymem.cli.args import (
    add_crossbar_args,
    add_periphery_args,
    add_sim_backend_arg,
    check_crossbar_args,
    crossbar_from,
    periphery_from,
)
from pymem.cli.output import emit
from pymem.constants import MVM_BACKENDS

DIALECTS: tuple[str, ...] = ("spice", "verilog-a")
"""Languages ``pymem circuits`` writes the device library in."""


def cmd_netlist(args: argparse.Namespace) -> int:
    from pymem.netlist.crossbar import read_deck

    check_crossbar_args(args, "netlist")
    xb = crossbar_from(args)
    text = read_deck(xb, xb.random_inputs(args.batch, seed=args.seed + 1))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}: {xb.rows}x{xb.cols} {xb.device.name}, {len(text.splitlines())} lines")
    return 0


def cmd_mvm(args: argparse.Namespace) -> int:
    from pymem.ops.mvm import mvm

    uses_ngspice = args.backend == "ngspice" or args.check or args.energy
    check_crossbar_args(args, "ngspice" if uses_ngspice else args.backend)
    xb = crossbar_from(args)
    v = xb.random_inputs(args.batch, seed=args.seed + 1)
    t0 = time.perf_counter()
    options = {"sim_backend": args.sim_backend} if args.backend == "ngspice" else {}
    res = mvm(xb, v, backend=args.backend, **options)
    seconds = time.perf_counter() - t0
    out: dict[str, Any] = {
        "rows": xb.rows,
        "cols": xb.cols,
        "model": xb.device.name,
        "backend": args.backend,
        "sim_backend": args.sim_backend,
        "batch": args.batch,
        "v_read": xb.v_read,
        "max_rel_error_vs_ideal": res.max_rel_error,
        "mean_rel_error_vs_ideal": res.mean_rel_error,
        "seconds": seconds,
        "read_disturb_estimate": res.read_disturb_estimate,
    }
    if res.state_change_max is not None:
        out["state_change_max"] = res.state_change_max
    # --check and --energy share one ngspice read (the one above when it was ngspice)
    if args.check or args.energy:
        ng = res if args.backend == "ngspice" else mvm(xb, v, backend="ngspice", sim_backend=args.sim_backend)
    if args.check:
        from pymem.ops.mvm import compare_solver_with_ngspice

        out["max_rel_diff_solver_vs_ngspice"] = compare_solver_with_ngspice(xb, v, reference=ng)
    if args.energy:
        from dataclasses import replace

        from pymem.ops.energy import energy_breakdown, read_energy

        p = periphery_from(args)
        e = read_energy(xb, ng)
        out.update(
            {k: e[k] for k in ("energy_j", "energy_per_mac_j", "digital_energy_per_mac_j", "t_read_s")}
        )
        hold = replace(p, t_read_s=e["t_read_s"])
        out["breakdown"] = energy_breakdown(e["energy_j"], xb.rows, xb.cols, hold)
    emit(out, args.json)
    return 0


def cmd_circuits(args: argparse.Namespace) -> int:
    from pymem.netlist.library import write_library
    from pymem.netlist.verilog_a import write_verilog_a

    write = write_verilog_a if args.dialect == "verilog-a" else write_library
    for path in write(args.output):
        print(f"wrote {path}")
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    from pymem.report.figures import write_mvm_figures

    lines = [f"{name}: {path}" for name, path in write_mvm_figures(args.output, quick=args.quick).items()]
    if args.schemes:
        from pymem.report.writing import plot_schemes, scheme_table

        rows = [row for model in args.schemes for row in scheme_table(model, n=args.size)]
        lines.append(
            f"{'model':14s} {'scheme':6s} {'V':>6s} {'selected':>9s} {'dist max':>9s} "
            f"{'dist mean':>9s} {'energy J':>10s}"
        )
        lines += [
            f"{r['model']:14s} {r['scheme']:6s} {r['v_write']:6.3f} {r['selected_change']:9.2e} "
            f"{r['disturb_max']:9.2e} {r['disturb_mean']:9.2e} {r['energy_j']:10.3e}"
            for r in rows
        ]
        lines.append(f"write_schemes: {plot_schemes(rows, Path(args.output) / 'write_schemes.png')}")
    if args.bitslice:
        from pymem.stories.bitslice import bitslice_table

        lines.append("201 as an 8-bit weight on Yakopcic devices, programmed to 1 %, read back by ngspice")
        lines.append(
            f"{'devices':>7} {'bits/dev':>8} {'d2d sigma':>9} {'verify':>6} {'read':>9} "
            f"{'error':>7} {'pulses':>6}"
        )
        lines += [
            f"{r['devices']:7d} {r['bits_per_device']:8d} {r['d2d_sigma']:9.2f} {r['verify']!s:>6} "
            f"{r['value_read']:9.3f} {r['abs_error']:7.3f} {r['pulses']:6d}"
            for r in bitslice_table()
        ]
    emit({}, False, lines=lines)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``netlist``, ``mvm``, ``figures`` and ``circuits``."""
    p = sub.add_parser("netlist", help="write a crossbar read deck that plain ngspice -b runs")
    add_crossbar_args(p)
    p.add_argument("--batch", type=int, default=1, help="input vectors in the deck (default 1)")
    p.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    p.set_defaults(func=cmd_netlist)

    p = sub.add_parser("mvm", help="read a random crossbar and compare with ideal math")
    add_crossbar_args(p)
    p.add_argument("--backend", default="solver", choices=MVM_BACKENDS)
    p.add_argument("--batch", type=int, default=1, help="input vectors (default 1)")
    add_sim_backend_arg(p)
    p.add_argument("--check", action="store_true", help="also compare the solver with ngspice")
    p.add_argument("--energy", action="store_true", help="also the energy per MVM by part (array: ngspice)")
    add_periphery_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_mvm)

    p = sub.add_parser("figures", help="MVM error against size and wire resistance; voltage-drop map")
    p.add_argument("-o", "--output", default="report", help="folder (default report)")
    p.add_argument("--quick", action="store_true", help="sizes up to 64 only")
    p.add_argument(
        "--schemes",
        nargs="*",
        default=None,
        metavar="MODEL",
        help="also compare V/2, V/3 and floating writes on an array of these models",
    )
    p.add_argument("--size", type=int, default=16, help="array size of the scheme comparison (default 16)")
    p.add_argument(
        "--bitslice", action="store_true", help="read-back error of bit slicing against devices and spread"
    )
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser("circuits", help="regenerate the SPICE subcircuit library (circuits/)")
    p.add_argument("-o", "--output", default="circuits", help="folder (default circuits)")
    p.add_argument(
        "--dialect",
        default="spice",
        choices=DIALECTS,
        help="spice: ngspice .lib files and example decks (default); verilog-a: one module per model "
        "under OUTPUT/verilog-a/ for Spectre, Xyce, VACASK and ngspice with OSDI",
    )
    p.set_defaults(func=cmd_circuits)
