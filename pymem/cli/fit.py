"""``pymem fit``: fit a device model to a measured I-V sweep, save it as a preset, plot data against fit."""

from __future__ import annotations

import argparse
from pathlib import Path

from pymem.cli.output import emit
from pymem.constants import FIT_SCALES
from pymem.errors import ParameterError


def cmd_fit(args: argparse.Namespace) -> int:
    from pymem import devices
    from pymem.devices.params import parse_params
    from pymem.fit import fit_model, read_sweep
    from pymem.fit.preset import check_preset, save_fit
    from pymem.report.fit_plot import plot_fit

    out = Path(args.output)
    preset = check_preset(args.name or out.stem.lower().replace("-", "_"))
    columns = {}
    for item in args.column:
        key, sep, value = item.partition("=")
        if not sep or key not in ("t", "v", "i"):
            raise ParameterError(f"--column {item!r} must be t=NAME, v=NAME or i=NAME")
        columns[key] = value
    data = read_sweep(args.data, columns=columns)
    start = devices.get(args.model, preset=args.preset)
    base = start.with_params(**parse_params(start, args.param)) if args.param else start
    result = fit_model(
        base, data, fix=args.fix, free=args.free, scale=args.scale, floor_a=args.floor, max_nfev=args.max_nfev
    )
    paths = save_fit(result, out, preset, data_source=str(args.data))
    png = plot_fit(data, result, out.with_suffix(".png"))
    summary = {
        "preset": preset,
        "model": base.name,
        "subckt": f"pymem_{preset}",
        "fitted": {k: {"value": p.value, "stderr": p.stderr} for k, p in result.params.items()},
        "rms_relative_error": result.rms_relative_error,
        "nrmse": result.nrmse,
        "seconds": result.seconds,
        "files": [str(paths["json"]), str(paths["lib"]), str(png)],
        "warnings": result.warnings,
        "use": f"--model {paths['json']}",
    }
    lines = [
        f"{k:16s} {p.value:.6g} +- {p.stderr:.2g}{'  (on a bound)' if p.at_bound else ''}"
        for k, p in result.params.items()
    ]
    lines.append(
        f"rms relative error {result.rms_relative_error:.4g}, nrmse {result.nrmse:.4g}, "
        f"{result.seconds:.1f} s"
    )
    lines.append(f"wrote {', '.join(summary['files'])}; use it with {summary['use']}")
    lines += [f"warning: {w}" for w in result.warnings]
    emit(summary, args.json, lines=lines)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``fit``."""
    from pymem import devices

    p = sub.add_parser("fit", help="fit a device model to a measured I-V sweep (CSV of Time, V, I)")
    p.add_argument("--model", required=True, choices=devices.names(), help="model to fit (a registered name)")
    p.add_argument("--preset", default=None, help="start from a named parameter set of the model")
    p.add_argument("--data", required=True, help="CSV with time, voltage and current columns")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="start value of a free parameter, or value of a fixed one (SI units); repeatable",
    )
    p.add_argument("--fix", action="append", default=[], metavar="NAME", help="hold a parameter; repeatable")
    p.add_argument(
        "--free",
        action="append",
        default=[],
        metavar="NAME",
        help="also fit a parameter that is held by default; repeatable",
    )
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="KEY=NAME",
        help="column of t, v or i when its name is not a usual one (e.g. v=Vsmu1); repeatable",
    )
    p.add_argument(
        "--scale",
        default="log",
        choices=FIT_SCALES,
        help="residual: asinh(i/floor), log-current above the floor (default), or linear",
    )
    p.add_argument(
        "--floor",
        type=float,
        default=None,
        help="current floor of the log residual, A (default 1e-3 of the peak)",
    )
    p.add_argument("--max-nfev", type=int, default=400, help="budget of model integrations (default 400)")
    p.add_argument("--name", default=None, help="preset name (default: the output file's stem)")
    p.add_argument("-o", "--output", required=True, help="fit JSON; .lib and .png are written beside it")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_fit)
