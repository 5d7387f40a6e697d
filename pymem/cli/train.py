"""Training commands: ``pymem train`` (one layer, or two layers on tiles) and ``pymem infer``."""

from __future__ import annotations

import argparse
from typing import Any

from pymem.cli.args import add_adc_args, add_model_args, model_from
from pymem.cli.output import emit
from pymem.constants import BACKENDS, INFER_DATASETS, READ_BACKENDS, RULES, WRITE_BACKENDS

LONG_KEYS = ("history", "config", "pulse")
"""Parts of a training summary that only ``--json`` prints."""


def _training_done(out: dict[str, Any], history: Any, output: str | None, title: str, as_json: bool) -> None:
    if output:
        from pymem.report.sweep_plots import plot_training

        out["figure"] = str(plot_training(history, output, title=title))
    emit(out, as_json, skip=LONG_KEYS)


def cmd_train(args: argparse.Namespace) -> int:
    from pymem import devices
    from pymem.checks import check_count, check_writable

    check_count("--batch", args.batch, 1)
    check_count("--seed", args.seed, 0)
    if args.output:
        check_writable(args.output)
    model = model_from(args)
    name = devices.model_name(model)
    if args.hidden is not None or args.tile is not None:
        from pymem.train.twolayer import TwoLayerConfig, train_two_layer

        d2 = TwoLayerConfig()
        cfg2 = TwoLayerConfig(
            model=model, data=args.data, hidden=d2.hidden if args.hidden is None else args.hidden,
            tile=d2.tile if args.tile is None else args.tile, r_wire_ohm=args.r_wire, epochs=args.epochs,
            batch=args.batch, lr=d2.lr if args.lr is None else args.lr, rule=args.rule, levels=args.levels,
            adc_bits=args.adc_bits, adc_range=args.adc_range, d2d_sigma=args.d2d_sigma, seed=args.seed,
            read_backend=args.read_backend, backend=args.backend,
        )  # fmt: skip
        res2 = train_two_layer(cfg2, quiet=args.quiet or args.json)
        title = f"{name}, {cfg2.data}, hidden {cfg2.hidden}, tiles {cfg2.tile}, {cfg2.r_wire_ohm} ohm"
        _training_done(res2.summary(), res2.history, args.output, title, args.json)
        return 0

    from pymem.train.network import TrainConfig, train

    cfg = TrainConfig(
        model=model, data=args.data, rows=args.rows, cols=args.cols, r_wire_ohm=args.r_wire,
        data_dir=args.data_dir, max_train=args.max_train, epochs=args.epochs, batch=args.batch,
        lr=TrainConfig.lr if args.lr is None else args.lr, rule=args.rule, levels=args.levels,
        d2d_sigma=args.d2d_sigma, seed=args.seed, read_backend=args.read_backend,
        backend=args.backend, sim_backend=args.sim_backend,
    )  # fmt: skip
    res = train(cfg, quiet=args.quiet or args.json)
    rows, cols = res.weights["circuit"].shape[0], 2 * res.weights["circuit"].shape[1]
    title = f"{name}, {cfg.data} on {rows}x{cols}, {cfg.r_wire_ohm} ohm/segment, {cfg.rule}"
    _training_done(res.summary(), res.history, args.output, title, args.json)
    return 0


def cmd_infer(args: argparse.Namespace) -> int:
    from pymem.train.infer import infer

    res = infer(
        args.weights, data=args.data, model=model_from(args), tile=args.tile, r_wire_ohm=args.r_wire,
        activation=args.activation, adc_bits=args.adc_bits, adc_range=args.adc_range, rtol=args.rtol,
        max_pulses=args.max_pulses, seed=args.seed,
    )  # fmt: skip
    emit(res.summary(), args.json)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``train`` and ``infer``."""
    from pymem.constants import ACTIVATIONS, DATASETS
    from pymem.train.network import TrainConfig

    d = TrainConfig()
    p = sub.add_parser("train", help="train a classifier in the crossbar by write pulses, against ideal SGD")
    add_model_args(p, str(d.model))
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
        "--rows", type=int, default=d.rows, help="crossbar rows: features + bias (default: the data's)"
    )
    p.add_argument(
        "--cols", type=int, default=d.cols, help="crossbar columns: 2 per class (default: the data's)"
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
    p.add_argument("--read-backend", default=d.read_backend, choices=READ_BACKENDS)
    p.add_argument(
        "--sim-backend",
        default=d.sim_backend,
        choices=BACKENDS,
        help="how ngspice runs when it reads or writes: libngspice (default) or an ngspice -b process "
        "per run ($PYMEM_NGSPICE)",
    )
    p.add_argument(
        "--backend",
        default=d.backend,
        choices=WRITE_BACKENDS,
        help="engine of the weight updates: pymem's native engine (default) or ngspice transients",
    )
    p.add_argument(
        "--hidden", type=int, default=None,
        help="two-layer network on tiles: hidden units (sigmoid; default 32 when --tile is given)",
    )  # fmt: skip
    p.add_argument("--tile", type=int, default=None, help="two-layer network: largest tile side (default 32)")
    add_adc_args(p)
    p.add_argument("-o", "--output", default=None, help="PNG of the training curves")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("infer", help="program weights trained elsewhere onto tiles and classify through them")
    p.add_argument("--weights", required=True, help="npz of w0, b0, w1, b1, ... (inputs x outputs)")
    p.add_argument("--data", default="digits", choices=INFER_DATASETS, help="data set (default digits)")
    add_model_args(p, "vteam")
    p.add_argument("--tile", type=int, default=32, help="largest tile side (default 32)")
    p.add_argument("--r-wire", type=float, default=0.02, help="ohm per segment (default 0.02)")
    p.add_argument("--activation", default="relu", choices=ACTIVATIONS, help="(default relu)")
    add_adc_args(p)
    p.add_argument("--rtol", type=float, default=0.02, help="program-and-verify tolerance (default 0.02)")
    p.add_argument("--max-pulses", type=int, default=60, help="pulse budget per cell (default 60)")
    p.add_argument("--seed", type=int, default=0, help="seed of the data split (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_infer)
