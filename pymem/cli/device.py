"""Single-device commands: ``pymem device iv`` and ``pymem device params``."""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from pymem.cli.args import add_model_args, add_sim_backend_arg, model_from
from pymem.cli.output import emit


def cmd_device_iv(args: argparse.Namespace) -> int:
    from pymem import devices
    from pymem.ops.device import check_drive
    from pymem.ops.device import simulate as simulate_device
    from pymem.report.plots import loop_area, plot_iv

    if args.output:
        from pymem.checks import check_writable

        check_writable(args.output)
    model = devices.resolve(model_from(args, **({"window": args.window} if args.window else {})))
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
    out: dict[str, Any] = {
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
    emit(out, args.json)
    return 0


def cmd_device_params(args: argparse.Namespace) -> int:
    from pymem import devices
    from pymem.devices.params import describe

    model = devices.resolve(model_from(args))
    params = describe(model)
    name = args.model if devices.is_fit_path(args.model) else model.name
    out = {
        "model": name,
        "preset": args.preset,
        "presets": {k: v.citation for k, v in sorted(type(model).presets.items())},
        "citation": model.citation,
        "parameters": [
            {"name": p.name, "unit": p.unit, "default": p.default, "description": p.description}
            | ({"choices": list(p.choices)} if p.choices else {})
            for p in params
        ],
    }
    width = max(len(p.name) for p in params)
    lines = [f"{name}: {model.citation}"]
    for key, cite in out["presets"].items():
        lines.append(f"preset {key}{' (in use)' if key == args.preset else ''}: {cite}")
    lines.append(f"{'name':{width}s}  {'unit':9s}  {'default':>12s}  meaning")
    for p in params:
        value = f"{p.default:.6g}" if isinstance(p.default, float) else str(p.default)
        unit = "|".join(p.choices) if p.choices else p.unit
        lines.append(f"{p.name:{width}s}  {unit:9s}  {value:>12s}  {p.description}")
    lines.append(f"set any of them with --param NAME=VALUE (SI units), e.g. --param {params[0].name}=...")
    emit(out, args.json, lines=lines)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``device iv`` and ``device params``."""
    p = sub.add_parser("device", help="single-device simulations and parameters")
    dsub = p.add_subparsers(dest="device_command", required=True)
    q = dsub.add_parser("iv", help="pinched I-V loop: ngspice and the numpy reference overlaid")
    add_model_args(q, "hp")
    q.add_argument("--amplitude", type=float, default=None, help="sine amplitude, V (default: the model's)")
    q.add_argument("--frequency", type=float, default=None, help="sine frequency, Hz (default: the model's)")
    q.add_argument("--cycles", type=float, default=2.0, help="periods (default 2)")
    q.add_argument("--window", default=None, help="window function (as --param window=NAME)")
    q.add_argument("-o", "--output", default=None, help="PNG file for the figure")
    add_sim_backend_arg(q)
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=cmd_device_iv)

    q = dsub.add_parser("params", help="a model's parameters: unit, default, meaning, citation, presets")
    add_model_args(q, "vteam")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=cmd_device_params)
