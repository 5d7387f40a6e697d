"""CLI subcommands beyond ``doctor`` and ``demo``: device, netlist, mvm, circuits."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np


def _emit(obj: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(obj, indent=2, sort_keys=True, default=float))
    else:
        width = max(len(k) for k in obj)
        for key, value in obj.items():
            shown = f"{value:.6g}" if isinstance(value, float) else value
            print(f"{key:{width}s}  {shown}")


def _crossbar_args(p: argparse.ArgumentParser) -> None:
    from pymem import devices

    p.add_argument("--rows", type=int, default=16, help="word lines (default 16)")
    p.add_argument("--cols", type=int, default=16, help="bit lines (default 16)")
    p.add_argument(
        "--model",
        default="hp",
        type=devices.model_choice,
        help=f"device model: one of {devices.names()} or a fit file (fit.json of pymem fit); default hp",
    )
    p.add_argument(
        "--r-row", type=float, default=1.0, help="word-line resistance per segment, ohm (default 1)"
    )
    p.add_argument(
        "--r-col", type=float, default=1.0, help="bit-line resistance per segment, ohm (default 1)"
    )
    p.add_argument("--r-driver", type=float, default=0.0, help="driver output resistance, ohm (default 0)")
    p.add_argument(
        "--sense", default="ideal", choices=["ideal", "tia"], help="sense amplifier (default ideal)"
    )
    p.add_argument("--cell", default="1r", choices=["1r", "1t1r"], help="cell type (default 1r)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random states and inputs (default 0)")


def _crossbar_from(args: argparse.Namespace) -> Any:
    from pymem.crossbar import random_crossbar

    return random_crossbar(
        args.rows,
        args.cols,
        args.model,
        seed=args.seed,
        r_row_ohm=args.r_row,
        r_col_ohm=args.r_col,
        r_driver_ohm=args.r_driver,
        sense=args.sense,
        cell=args.cell,
    )


def _check_crossbar_args(args: argparse.Namespace, use: str) -> None:
    """Refuse bad counts, arrays too large for this machine and unwritable outputs, before any work."""
    from pymem.checks import check_count, check_crossbar_memory, check_writable

    check_count("--rows", args.rows, 1)
    check_count("--cols", args.cols, 1)
    check_count("--batch", args.batch, 1)
    check_count("--seed", args.seed, 0)
    check_crossbar_memory(args.rows, args.cols, args.batch, use)
    output = getattr(args, "output", None)
    if output not in (None, "-"):
        check_writable(output)


def cmd_netlist(args: argparse.Namespace) -> int:
    from pymem.netlist.crossbar import read_deck

    _check_crossbar_args(args, "netlist")
    xb = _crossbar_from(args)
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
    _check_crossbar_args(args, "ngspice" if uses_ngspice else args.backend)
    xb = _crossbar_from(args)
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
    if args.check:
        from pymem.ops.mvm import compare_solver_with_ngspice

        diff = compare_solver_with_ngspice(xb, v, sim_backend=args.sim_backend)
        out["max_rel_diff_solver_vs_ngspice"] = diff
    if args.energy:
        from dataclasses import replace

        from pymem.ops.energy import energy_breakdown, mvm_energy
        from pymem.report.energy_commands import periphery_from

        p = periphery_from(args)
        e = mvm_energy(xb, v, sim_backend=args.sim_backend)
        out.update(
            {k: e[k] for k in ("energy_j", "energy_per_mac_j", "digital_energy_per_mac_j", "t_read_s")}
        )
        hold = replace(p, t_read_s=e["t_read_s"])
        out["breakdown"] = energy_breakdown(e["energy_j"], xb.rows, xb.cols, hold)
    _emit(out, args.json)
    return 0


def cmd_device_iv(args: argparse.Namespace) -> int:
    from pymem import devices
    from pymem.ops.device import check_drive
    from pymem.ops.device import simulate as simulate_device
    from pymem.report.plots import loop_area, plot_iv

    if args.output:
        from pymem.checks import check_writable

        check_writable(args.output)
    overrides = {"window": args.window} if args.window else {}
    model = devices.get(args.model, **overrides)
    drive = model.demo_drive()
    wave = devices.Sine(
        args.amplitude if args.amplitude is not None else drive.amplitude_v,
        args.frequency if args.frequency is not None else drive.frequency_hz,
        cycles=args.cycles,
    )
    check_drive(model, wave.amplitude_v)
    ng = simulate_device(model, wave, backend="ngspice", sim_backend=args.sim_backend)
    ref = simulate_device(model, wave, backend="reference")
    err = float(np.max(np.abs(ng.at(ref.t).x - ref.x)) / model.x_range)
    out = {
        "model": model.name,
        "amplitude_v": wave.amplitude_v,
        "frequency_hz": wave.frequency_hz,
        "x_min": float(np.min(ng.x)),
        "x_max": float(np.max(ng.x)),
        "i_min": float(np.min(ng.i)),
        "i_max": float(np.max(ng.i)),
        "loop_area": loop_area(ng.v, ng.i),
        "max_state_error": err,
        "seconds_ngspice": ng.seconds,
        "seconds_reference": ref.seconds,
    }
    if args.output:
        plot_iv(model, ng, ref, args.output)
        out["figure"] = str(args.output)
    _emit(out, args.json)
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

    for name, path in write_mvm_figures(args.output, quick=args.quick).items():
        print(f"{name}: {path}")
    if args.schemes:
        from pymem.report.writing import plot_schemes, scheme_table

        rows = [row for model in args.schemes for row in scheme_table(model, n=args.size)]
        print(
            f"{'model':14s} {'scheme':6s} {'V':>6s} {'selected':>9s} {'dist max':>9s} "
            f"{'dist mean':>9s} {'energy J':>10s}"
        )
        for r in rows:
            print(
                f"{r['model']:14s} {r['scheme']:6s} {r['v_write']:6.3f} {r['selected_change']:9.2e} "
                f"{r['disturb_max']:9.2e} {r['disturb_mean']:9.2e} {r['energy_j']:10.3e}"
            )
        print(f"write_schemes: {plot_schemes(rows, Path(args.output) / 'write_schemes.png')}")
    if args.bitslice:
        from pymem.stories.bitslice import bitslice_table

        print("201 as an 8-bit weight on Yakopcic devices, programmed to 1 %, read back through ngspice")
        print(
            f"{'devices':>7} {'bits/dev':>8} {'d2d sigma':>9} {'verify':>6} {'read':>9} "
            f"{'error':>7} {'pulses':>6}"
        )
        for r in bitslice_table():
            print(
                f"{r['devices']:7d} {r['bits_per_device']:8d} {r['d2d_sigma']:9.2f} {r['verify']!s:>6} "
                f"{r['value_read']:9.3f} {r['abs_error']:7.3f} {r['pulses']:6d}"
            )
    return 0


def _sim_backend_arg(p: argparse.ArgumentParser) -> None:
    from pymem.constants import BACKENDS

    p.add_argument(
        "--sim-backend",
        default="shared",
        choices=BACKENDS,
        help="how ngspice runs: shared (libngspice in this process, default) or batch "
        "(one `ngspice -b` process per run, the binary of $PYMEM_NGSPICE; a crash cannot take pymem down)",
    )


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's subcommands to the ``pymem`` subparsers."""
    from pymem import devices

    p = sub.add_parser("netlist", help="write a crossbar read deck that plain ngspice -b runs")
    _crossbar_args(p)
    p.add_argument("--batch", type=int, default=1, help="input vectors in the deck (default 1)")
    p.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    p.set_defaults(func=cmd_netlist)

    p = sub.add_parser("mvm", help="read a random crossbar and compare with ideal math")
    _crossbar_args(p)
    p.add_argument("--backend", default="solver", choices=["ngspice", "solver", "ideal"])
    p.add_argument("--batch", type=int, default=1, help="input vectors (default 1)")
    _sim_backend_arg(p)
    p.add_argument("--check", action="store_true", help="also compare the solver with ngspice")
    p.add_argument("--energy", action="store_true", help="also the energy per MVM by part (array: ngspice)")
    from pymem.report.energy_commands import add_periphery_args

    add_periphery_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_mvm)

    p = sub.add_parser("device", help="single-device simulations")
    dsub = p.add_subparsers(dest="device_command", required=True)
    q = dsub.add_parser("iv", help="pinched I-V loop: ngspice and the numpy reference overlaid")
    q.add_argument("--model", default="hp", type=devices.model_choice)
    q.add_argument("--amplitude", type=float, default=None, help="sine amplitude, V (default: the model's)")
    q.add_argument("--frequency", type=float, default=None, help="sine frequency, Hz (default: the model's)")
    q.add_argument("--cycles", type=float, default=2.0, help="periods (default 2)")
    q.add_argument("--window", default=None, help="HP window: none, joglekar, biolek, prodromakis")
    q.add_argument("-o", "--output", default=None, help="PNG file for the figure")
    _sim_backend_arg(q)
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=cmd_device_iv)

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
        choices=["spice", "verilog-a"],
        help="spice: ngspice .lib files and example decks (default); verilog-a: one module per model "
        "under OUTPUT/verilog-a/ for Spectre, Xyce, VACASK and ngspice with OSDI",
    )
    p.set_defaults(func=cmd_circuits)
