"""Sweep commands: ``pymem sweep`` (run a TOML spec) and ``pymem plot`` (its standard figures)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pymem.cli.output import emit


def cmd_sweep(args: argparse.Namespace) -> int:
    from pymem.sweep.runner import run_sweep

    rep = run_sweep(args.spec, args.out, workers=args.workers, dask=args.dask, quiet=args.quiet or args.json)
    out = {
        "path": str(rep.path),
        "points": rep.points,
        "skipped": rep.skipped,
        "ran": rep.ran,
        "failed": rep.failed,
        "seconds": rep.seconds,
        "points_per_minute": rep.points_per_minute,
    }
    emit(out, args.json)
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from pymem.checks import check_writable_folder
    from pymem.report.sweep_plots import plot_sweep
    from pymem.sweep.store import read_rows

    rows = read_rows(args.results)
    folder = args.output or str(Path(args.results).with_suffix("")) + "_figures"
    check_writable_folder(folder)
    made = plot_sweep(rows, folder)
    out = {
        "rows": len(rows),
        "failed": sum(1 for r in rows if r.get("status") == "error"),
        "figures": [str(p) for p in made],
    }
    lines = [f"{out['rows']} points ({out['failed']} failed); figures:", *(f"  {p}" for p in made)]
    emit(out, args.json, lines=lines)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``sweep`` and ``plot``."""
    p = sub.add_parser("sweep", help="run a TOML sweep spec in parallel into a Parquet results file")
    p.add_argument("spec", help="sweep spec (TOML)")
    p.add_argument("--out", required=True, help="Parquet results file (resumed when it exists)")
    p.add_argument("--workers", type=int, default=None, help="local worker processes (default 2)")
    p.add_argument("--dask", default=None, metavar="ADDR", help="Dask scheduler address tcp://HOST:PORT")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("plot", help="draw the standard figures of a sweep's results")
    p.add_argument("results", help="Parquet results file of pymem sweep")
    p.add_argument("-o", "--output", default=None, help="folder (default RESULTS_figures)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_plot)
