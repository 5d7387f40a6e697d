"""``pymem doctor`` and ``pymem demo`` (the whole demonstration, or one of the seed's stories)."""

from __future__ import annotations

import argparse
import sys

from pymem.cli.args import add_model_args, model_from
from pymem.cli.output import emit
from pymem.constants import WRITE_BACKENDS

STORY_MODELS = {"multiplier": "vteam", "bitslice": "yakopcic"}
"""Each story's default device model."""


def cmd_doctor(args: argparse.Namespace) -> int:
    from pymem.backends.doctor import diagnose

    info = diagnose()
    rows = [
        ("ngspice version", info["ngspice_version"] or "not loaded"),
        ("ngspice binary", f"{info['binary'] or 'not found'} (version {info['binary_version']})"),
        ("shared library", info["shared_library"] or "not found"),
        ("KLU solver", "yes" if info["klu"] else "no"),
        ("PySpice", info["pyspice_version"] or "not installed"),
        ("Python", info["python"]),
    ]
    emit(info, args.json, lines=[f"{key:16s} {value}" for key, value in rows] + [info["verdict"]])
    if not args.json:
        for problem in info["problems"]:
            print(f"problem: {problem}", file=sys.stderr)
    return 0 if info["ok"] else 1


def cmd_demo(args: argparse.Namespace) -> int:
    if args.story == "multiplier":
        from pymem import devices
        from pymem.stories.multiplier import train_multiplier

        model = devices.resolve(model_from(args, STORY_MODELS["multiplier"]))
        res = train_multiplier(
            model, args.x, args.z, tol=args.tol, max_pulses=args.max_pulses, backend=args.backend
        )
        out = {
            "model": model.name,
            "backend": args.backend,
            "x": res.x,
            "z": res.z,
            "w_target": res.w_target,
            "w_final": res.w_final,
            "abs_error": res.abs_error,
            "pulses": res.pulses,
            "converged": res.converged,
            "seconds": res.seconds,
            "seconds_per_step": res.step_seconds,
            "trajectory": res.trajectory,
        }
        emit(out, args.json, skip=("trajectory", "x", "z", "seconds_per_step"))
        return 0 if res.converged else 1
    if args.story == "bitslice":
        from pymem import devices
        from pymem.stories.bitslice import store_and_read

        model = model_from(args, STORY_MODELS["bitslice"])
        r = store_and_read(args.value, args.bits, args.bits_per_device, model=model, backend=args.backend)
        out = {
            "model": devices.model_name(model),
            "backend": args.backend,
            "value": r.value,
            "bits": r.bits,
            "devices": r.devices,
            "digits": r.digits,
            "value_read": r.value_read,
            "abs_error": r.abs_error,
            "pulses": r.pulses,
            "seconds": r.seconds,
        }
        emit(out, args.json)
        return 0
    from pymem.report.demo import run_demo

    return run_demo(out_dir=args.out, quick=args.quick)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``doctor`` and ``demo``."""
    p = sub.add_parser("doctor", help="check ngspice, its shared library, KLU and PySpice")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("demo", help="run the end-to-end demonstration on built-in defaults")
    p.add_argument(
        "story",
        nargs="?",
        default="all",
        choices=["all", *STORY_MODELS],
        help="all (default), or one story: multiplier (train one memristor until x*w = z), "
        "bitslice (store an integer on several devices, read it back by shift-and-add)",
    )
    p.add_argument("--out", default="report", help="report folder (default: report)")
    p.add_argument("--quick", action="store_true", help="smaller arrays, for a fast look")
    p.add_argument("--x", type=float, default=0.5, help="multiplier: input in (0, 1] (default 0.5)")
    p.add_argument("--z", type=float, default=0.2, help="multiplier: target product (default 0.2)")
    add_model_args(p, None, "multiplier, bitslice: device model (default vteam, bitslice yakopcic)")
    p.add_argument("--tol", type=float, default=0.005, help="multiplier: |x*w - z| to stop at")
    p.add_argument("--max-pulses", type=int, default=200, help="multiplier: pulse budget")
    p.add_argument("--value", type=int, default=13, help="bitslice: integer to store (default 13)")
    p.add_argument("--bits", type=int, default=4, help="bitslice: weight width (default 4)")
    p.add_argument("--bits-per-device", type=int, default=1, help="bitslice: bits per device (default 1)")
    p.add_argument("--json", action="store_true", help="multiplier, bitslice: print one JSON object")
    p.add_argument(
        "--backend",
        default="solver",
        choices=WRITE_BACKENDS,
        help="multiplier, bitslice: engine of the writes and reads: pymem's native engine and exact "
        "solver (default), or ngspice",
    )
    p.set_defaults(func=cmd_demo)
