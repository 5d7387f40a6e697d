"""CLI subcommands of training and sweeps: ``pymem train``, ``infer``, ``sweep``, ``plot``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def _print(obj: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(obj, indent=2, sort_keys=True, default=float))
        return
    for key, value in obj.items():
        print(f"{key:22s} {value:.4g}" if isinstance(value, float) else f"{key:22s} {value}")


def cmd_train(args: argparse.Namespace) -> int:
    from pymem.checks import check_count, check_writable
    from pymem.train.network import TrainConfig, train

    check_count("--batch", args.batch, 1)
    check_count("--seed", args.seed, 0)
    if args.output:
        check_writable(args.output)

    if args.hidden is not None or args.tile is not None:
        return _train_two_layer(args)
    cfg = TrainConfig(
        model=args.model, data=args.data, rows=args.rows, cols=args.cols, r_wire_ohm=args.r_wire,
        data_dir=args.data_dir, max_train=args.max_train, epochs=args.epochs, batch=args.batch,
        lr=TrainConfig.lr if args.lr is None else args.lr,
        rule=args.rule, levels=args.levels,
        d2d_sigma=args.d2d_sigma, seed=args.seed, read_backend=args.read_backend,
        backend=args.backend, sim_backend=args.sim_backend,
    )  # fmt: skip
    res = train(cfg, quiet=args.quiet or args.json)
    out = res.summary()
    if args.output:
        from pymem.report.sweep_plots import plot_training

        rows, cols = res.weights["circuit"].shape[0], 2 * res.weights["circuit"].shape[1]
        title = f"{cfg.model}, {cfg.data} on {rows}x{cols}, {cfg.r_wire_ohm} ohm/segment, {cfg.rule}"
        out["figure"] = str(plot_training(res.history, args.output, title=title))
    if args.json:
        _print(out, True)
    else:
        short = {k: v for k, v in out.items() if k not in ("history", "config", "pulse")}
        _print(short, False)
    return 0


def _train_two_layer(args: argparse.Namespace) -> int:
    from pymem.train.twolayer import TwoLayerConfig, train_two_layer

    d = TwoLayerConfig()
    cfg = TwoLayerConfig(
        model=args.model, data=args.data, hidden=d.hidden if args.hidden is None else args.hidden,
        tile=d.tile if args.tile is None else args.tile, r_wire_ohm=args.r_wire, epochs=args.epochs,
        batch=args.batch, lr=d.lr if args.lr is None else args.lr, rule=args.rule, levels=args.levels,
        adc_bits=args.adc_bits, adc_range=args.adc_range, d2d_sigma=args.d2d_sigma, seed=args.seed,
        read_backend=args.read_backend, backend=args.backend,
    )  # fmt: skip
    res = train_two_layer(cfg, quiet=args.quiet or args.json)
    out = res.summary()
    if args.output:
        from pymem.report.sweep_plots import plot_training

        title = f"{cfg.model}, {cfg.data}, hidden {cfg.hidden}, tiles {cfg.tile}, {cfg.r_wire_ohm} ohm"
        out["figure"] = str(plot_training(res.history, args.output, title=title))
    if args.json:
        _print(out, True)
    else:
        _print({k: v for k, v in out.items() if k not in ("history", "config", "pulse")}, False)
    return 0


def cmd_infer(args: argparse.Namespace) -> int:
    from pymem.train.infer import infer

    res = infer(
        args.weights, data=args.data, model=args.model, tile=args.tile, r_wire_ohm=args.r_wire,
        activation=args.activation, adc_bits=args.adc_bits, adc_range=args.adc_range, rtol=args.rtol,
        max_pulses=args.max_pulses, seed=args.seed,
    )  # fmt: skip
    _print(res.summary(), args.json)
    return 0


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
    _print(out, args.json)
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
    if args.json:
        _print(out, True)
    else:
        print(f"{out['rows']} points ({out['failed']} failed); figures:")
        for p in made:
            print(f"  {p}")
    return 0


def _adc_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--adc-bits", type=int, default=8, help="tiles: column ADC resolution (default 8)")
    p.add_argument(
        "--adc-range", type=float, default=1.0,
        help="tiles: ADC full scale as a fraction of a column's largest current (default 1)",
    )  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``train``, ``infer``, ``sweep`` and ``plot`` to the ``pymem`` subparsers."""
    from pymem import devices
    from pymem.constants import DATASETS, RULES
    from pymem.train.network import TrainConfig

    d = TrainConfig()
    p = sub.add_parser("train", help="train a classifier in the crossbar by write pulses, against ideal SGD")
    p.add_argument(
        "--model",
        default=d.model,
        type=devices.model_choice,
        help=f"device model: a registered name or a fit file (fit.json); default {d.model}",
    )
    p.add_argument(
        "--data",
        default=d.data,
        metavar="NAME|FILE.npz",
        help=f"data set: one of {', '.join(DATASETS[:-1])}, or a .npz file of x_train, y_train, x_test, "
        f"y_test (default {d.data})",
    )
    p.add_argument("--data-dir", default=None, help="folder of the 4 MNIST-format IDX files (--data mnist)")
    p.add_argument(
        "--max-train", type=int, default=None, help="train on this many samples at most (default: all)"
    )
    p.add_argument(
        "--rows",
        type=int,
        default=d.rows,
        help="crossbar rows: features + bias (default: the data's; digits 65)",
    )
    p.add_argument(
        "--cols",
        type=int,
        default=d.cols,
        help="crossbar columns: 2 per class (default: the data's, digits 20)",
    )
    p.add_argument(
        "--r-wire", type=float, default=d.r_wire_ohm, help=f"ohm per segment (default {d.r_wire_ohm})"
    )
    p.add_argument("--epochs", type=int, default=d.epochs, help=f"(default {d.epochs})")
    p.add_argument("--batch", type=int, default=d.batch, help=f"samples per update (default {d.batch})")
    p.add_argument("--lr", type=float, default=None, help=f"learning rate (default {d.lr}; two layers: 0.2)")
    p.add_argument("--rule", default=d.rule, choices=RULES, help=f"pulse update rule (default {d.rule})")
    p.add_argument(
        "--levels", type=int, default=d.levels, help=f"pulses across the G range (default {d.levels})"
    )
    p.add_argument("--d2d-sigma", type=float, default=0.0, help="device-to-device spread (default 0)")
    p.add_argument("--seed", type=int, default=d.seed, help=f"(default {d.seed})")
    p.add_argument("--read-backend", default=d.read_backend, choices=["solver", "ngspice"])
    p.add_argument(
        "--sim-backend",
        default=d.sim_backend,
        choices=["shared", "batch"],
        help="how ngspice runs when it reads or writes: libngspice (default) or an ngspice -b process "
        "per run ($PYMEM_NGSPICE)",
    )
    p.add_argument(
        "--backend",
        default=d.backend,
        choices=["solver", "ngspice"],
        help="engine of the weight updates: pymem's native engine (default) or ngspice transients",
    )
    p.add_argument(
        "--hidden", type=int, default=None,
        help="two-layer network on tiles: hidden units (sigmoid; default 32 when --tile is given)",
    )  # fmt: skip
    p.add_argument("--tile", type=int, default=None, help="two-layer network: largest tile side (default 32)")
    _adc_args(p)
    p.add_argument("-o", "--output", default=None, help="PNG of the training curves")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("infer", help="program weights trained elsewhere onto tiles and classify through them")
    p.add_argument("--weights", required=True, help="npz of w0, b0, w1, b1, ... (inputs x outputs)")
    p.add_argument("--data", default="digits", choices=["iris", "digits"], help="data set (default digits)")
    p.add_argument("--model", default="vteam", choices=devices.names(), help="device model (default vteam)")
    p.add_argument("--tile", type=int, default=32, help="largest tile side (default 32)")
    p.add_argument("--r-wire", type=float, default=0.5, help="ohm per segment (default 0.5)")
    p.add_argument("--activation", default="relu", choices=["relu", "sigmoid"], help="(default relu)")
    _adc_args(p)
    p.add_argument("--rtol", type=float, default=0.02, help="program-and-verify tolerance (default 0.02)")
    p.add_argument("--max-pulses", type=int, default=60, help="pulse budget per cell (default 60)")
    p.add_argument("--seed", type=int, default=0, help="seed of the data split (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_infer)

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
