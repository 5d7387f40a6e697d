"""``pymem fit``: fit a model to a measured sweep; and the plot of data against fit."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from pymem.errors import ParameterError
from pymem.fit.core import FitResult
from pymem.fit.data import Sweep
from pymem.report.plots import _pyplot


def plot_fit(data: Sweep, result: FitResult, path: str | Path) -> Path:
    """Write a PNG: the I-V loop and the current against time, data (dots) against fit (line).

    The current axes are logarithmic in |i| when the fit used the log residual.
    """
    plt = _pyplot()
    fig, (ax_iv, ax_t) = plt.subplots(1, 2, figsize=(10, 4))
    log = result.scale == "log"
    show = np.abs if log else (lambda a: a)
    ax_iv.plot(data.v, show(data.i), ".", ms=2, color="0.5", label="data")
    ax_iv.plot(data.v, show(result.i_fit), "-", lw=1, color="C0", label=f"fit ({result.model.name})")
    ax_iv.set_xlabel("voltage (V)")
    ax_iv.set_ylabel("|current| (A)" if log else "current (A)")
    ax_t.plot(data.t, show(data.i), ".", ms=2, color="0.5", label="data")
    ax_t.plot(data.t, show(result.i_fit), "-", lw=1, color="C0", label="fit")
    ax_t.set_xlabel("time (s)")
    if log:
        for ax in (ax_iv, ax_t):
            ax.set_yscale("log")
            ax.set_ylim(bottom=result.floor_a)
    ax_iv.legend(loc="best", fontsize=8)
    fig.suptitle(f"rms relative error {result.rms_relative_error:.3g}, nrmse {result.nrmse:.3g}")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _pairs(items: list[str], flag: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise ParameterError(
                f"{flag} {item!r} must be NAME=NUMBER in SI units, e.g. {flag} r_on_ohm=100"
            ) from None
    return out


def cmd_fit(args: argparse.Namespace) -> int:
    from pymem import devices
    from pymem.fit import fit_model, read_sweep
    from pymem.fit.preset import check_preset, save_fit

    out = Path(args.output)
    preset = check_preset(args.name or out.stem.lower().replace("-", "_"))
    columns = {}
    for item in args.column:
        key, sep, value = item.partition("=")
        if not sep or key not in ("t", "v", "i"):
            raise ParameterError(f"--column {item!r} must be t=NAME, v=NAME or i=NAME")
        columns[key] = value
    data = read_sweep(args.data, columns=columns)
    base = devices.get(args.model, **_pairs(args.param, "--param"))
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
    if args.json:
        print(json.dumps(summary, indent=2, default=float))
    else:
        for k, p in result.params.items():
            print(f"{k:16s} {p.value:.6g} +- {p.stderr:.2g}{'  (on a bound)' if p.at_bound else ''}")
        print(
            f"rms relative error {result.rms_relative_error:.4g}, nrmse {result.nrmse:.4g}, "
            f"{result.seconds:.1f} s"
        )
        print(f"wrote {', '.join(summary['files'])}; use it with {summary['use']}")
        for w in result.warnings:
            print(f"warning: {w}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``pymem fit`` to the subcommands."""
    p = sub.add_parser("fit", help="fit a device model to a measured I-V sweep (CSV of Time, V, I)")
    p.add_argument("--model", required=True, help="model to fit (a registered name, e.g. vteam)")
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
        choices=["log", "linear"],
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
