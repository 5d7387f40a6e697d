"""The ``pymem`` command line.

Subcommands are small functions that parse, call the library, and print;
plain text for people, one JSON object with ``--json`` for scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pymem.constants import WRITE_BACKENDS
from pymem.errors import PymemError

Handler = Callable[[argparse.Namespace], int]


def _print_json(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, indent=2, sort_keys=True, default=float))


def _print_story(out: dict[str, Any], as_json: bool, skip: tuple[str, ...] = ()) -> None:
    """One JSON object, or one ``key value`` line per entry (without ``skip``) for people."""
    if as_json:
        _print_json(out)
        return
    for key, value in out.items():
        if key not in skip:
            print(f"{key:12s} {value}")


def cmd_doctor(args: argparse.Namespace) -> int:
    from pymem.backends.doctor import diagnose

    info = diagnose()
    if args.json:
        _print_json(info)
    else:
        rows = [
            ("ngspice version", info["ngspice_version"] or "not loaded"),
            ("ngspice binary", f"{info['binary'] or 'not found'} (version {info['binary_version']})"),
            ("shared library", info["shared_library"] or "not found"),
            ("KLU solver", "yes" if info["klu"] else "no"),
            ("PySpice", info["pyspice_version"] or "not installed"),
            ("Python", info["python"]),
        ]
        for key, value in rows:
            print(f"{key:16s} {value}")
        for problem in info["problems"]:
            print(f"problem: {problem}", file=sys.stderr)
        print(info["verdict"])
    return 0 if info["ok"] else 1


def cmd_demo(args: argparse.Namespace) -> int:
    if args.story == "multiplier":
        from pymem import devices
        from pymem.stories.multiplier import train_multiplier

        res = train_multiplier(
            devices.get(args.model),
            args.x,
            args.z,
            tol=args.tol,
            max_pulses=args.max_pulses,
            backend=args.backend,
        )
        out = {
            "model": args.model,
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
        _print_story(out, args.json, skip=("trajectory", "x", "z", "seconds_per_step"))
        return 0 if res.converged else 1
    if args.story == "bitslice":
        from pymem.stories.bitslice import store_and_read

        model = args.model if args.model != "vteam" else "yakopcic"
        r = store_and_read(args.value, args.bits, args.bits_per_device, model=model, backend=args.backend)
        out = {
            "model": model,
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
        _print_story(out, args.json)
        return 0
    from pymem.report.demo import run_demo

    return run_demo(out_dir=args.out, quick=args.quick)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``pymem`` with every subcommand."""
    parser = argparse.ArgumentParser(prog="pymem", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("doctor", help="check ngspice, its shared library, KLU and PySpice")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("demo", help="run the end-to-end demonstration on built-in defaults")
    p.add_argument(
        "story",
        nargs="?",
        default="all",
        choices=["all", "multiplier", "bitslice"],
        help="all (default), or one story: multiplier (train one memristor until x*w = z), "
        "bitslice (store an integer on several devices, read it back by shift-and-add)",
    )
    p.add_argument("--out", default="report", help="report folder (default: report)")
    p.add_argument("--quick", action="store_true", help="smaller arrays, for a fast look")
    p.add_argument("--x", type=float, default=0.5, help="multiplier: input in (0, 1] (default 0.5)")
    p.add_argument("--z", type=float, default=0.2, help="multiplier: target product (default 0.2)")
    p.add_argument("--model", default="vteam", help="multiplier: device model (default vteam)")
    p.add_argument("--tol", type=float, default=0.005, help="multiplier: |x*w - z| to stop at")
    p.add_argument("--max-pulses", type=int, default=200, help="multiplier: pulse budget")
    p.add_argument("--value", type=int, default=13, help="bitslice: integer to store (default 13)")
    p.add_argument("--bits", type=int, default=4, help="bitslice: weight width (default 4)")
    p.add_argument("--bits-per-device", type=int, default=1, help="bitslice: bits per device (default 1)")
    p.add_argument("--json", action="store_true", help="multiplier, bitslice: print one JSON object")
    p.add_argument(
        "--backend",
        default="solver",
        choices=list(WRITE_BACKENDS),
        help="multiplier, bitslice: engine of the writes and reads: pymem's native engine and exact "
        "solver (default), or ngspice",
    )
    p.set_defaults(func=cmd_demo)

    from pymem.report import animate, commands, energy_commands, fit_commands, story, train_commands

    commands.register(sub)
    energy_commands.register(sub)
    animate.register(sub)
    story.register(sub)
    train_commands.register(sub)
    fit_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pymem`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except PymemError as exc:
        print(f"pymem: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
