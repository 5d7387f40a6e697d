"""Options shared by several commands; their choices come from :mod:`pymem.constants` and the registry."""

from __future__ import annotations

import argparse
from typing import Any

from pymem import devices
from pymem.constants import BACKENDS, CELLS, SENSES
from pymem.devices.base import DeviceModel
from pymem.devices.params import model_with


def add_model_args(p: argparse.ArgumentParser, default: str | None, what: str = "device model") -> None:
    """``--model``, ``--preset`` and the repeatable ``--param NAME=VALUE`` of every command with a model."""
    shown = "" if default is None else f"; default {default}"
    p.add_argument(
        "--model",
        default=default,
        type=devices.model_choice,
        help=f"{what}: one of {devices.names()} or a fit file (fit.json of pymem fit){shown}",
    )
    p.add_argument(
        "--preset",
        default=None,
        help="a named parameter set of the model (pymem device params --model M lists them)",
    )
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a device parameter, SI units (pymem device params --model M lists them); repeatable",
    )


def model_from(args: argparse.Namespace, default: str | None = None, **fixed: Any) -> str | DeviceModel:
    """The model the options ask for: the bare name when nothing is overridden, else the built model.

    ``fixed`` are overrides a command sets from its own options (``--window``).

    Raises
    ------
    ParameterError
        For an unknown preset or parameter (listing the model's, with units) or a bad value.
    """
    name = args.model if args.model is not None else default
    return model_with(name, getattr(args, "preset", None), getattr(args, "param", []), **fixed)


def add_sim_backend_arg(p: argparse.ArgumentParser) -> None:
    """``--sim-backend shared | batch``: how ngspice runs."""
    p.add_argument(
        "--sim-backend",
        default="shared",
        choices=BACKENDS,
        help="how ngspice runs: shared (libngspice in this process, default) or batch "
        "(one `ngspice -b` process per run, the binary of $PYMEM_NGSPICE; a crash cannot take pymem down)",
    )


def add_crossbar_args(p: argparse.ArgumentParser) -> None:
    """Size, model, wires, driver, sensing, cell type and seed of a random crossbar."""
    p.add_argument("--rows", type=int, default=16, help="word lines (default 16)")
    p.add_argument("--cols", type=int, default=16, help="bit lines (default 16)")
    add_model_args(p, "hp")
    p.add_argument(
        "--r-row", type=float, default=1.0, help="word-line resistance per segment, ohm (default 1)"
    )
    p.add_argument(
        "--r-col", type=float, default=1.0, help="bit-line resistance per segment, ohm (default 1)"
    )
    p.add_argument("--r-driver", type=float, default=0.0, help="driver output resistance, ohm (default 0)")
    p.add_argument("--sense", default="ideal", choices=SENSES, help="sense amplifier (default ideal)")
    p.add_argument("--cell", default="1r", choices=CELLS, help="cell type (default 1r)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random states and inputs (default 0)")


def crossbar_from(args: argparse.Namespace) -> Any:
    """The random crossbar of :func:`add_crossbar_args`'s options."""
    from pymem.crossbar import random_crossbar

    return random_crossbar(
        args.rows,
        args.cols,
        model_from(args),
        seed=args.seed,
        r_row_ohm=args.r_row,
        r_col_ohm=args.r_col,
        r_driver_ohm=args.r_driver,
        sense=args.sense,
        cell=args.cell,
    )


def check_crossbar_args(args: argparse.Namespace, use: str) -> None:
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


def add_adc_args(p: argparse.ArgumentParser) -> None:
    """Column ADC of tiled networks."""
    p.add_argument("--adc-bits", type=int, default=8, help="tiles: column ADC resolution (default 8)")
    p.add_argument(
        "--adc-range",
        type=float,
        default=1.0,
        help="tiles: ADC full scale as a fraction of a column's largest current (default 1)",
    )


def add_periphery_args(p: argparse.ArgumentParser) -> None:
    """The periphery options shared by ``pymem energy`` and ``pymem mvm --energy``."""
    from pymem.ops.energy import Periphery

    d = Periphery()
    p.add_argument("--adc-bits", type=int, default=d.adc_bits, help=f"ADC bits, 1..16 (default {d.adc_bits})")
    p.add_argument(
        "--adc-rate", type=float, default=d.adc_rate_hz, help="ADC samples/s (default ISAAC's 1.2e9)"
    )
    p.add_argument(
        "--adc-fom", type=float, default=d.adc_fom_j, help="Walden FoM, J/step (default ISAAC's ADC)"
    )
    p.add_argument(
        "--dac-power", type=float, default=d.dac_power_w, help="W per row driver (default ISAAC's)"
    )
    p.add_argument("--tia-power", type=float, default=d.tia_power_w, help="W per column TIA (assumed 1e-4)")
    p.add_argument("--t-read", type=float, default=d.t_read_s, help="read time, s (default ISAAC's 1e-7)")


def periphery_from(args: argparse.Namespace) -> Any:
    """The :class:`pymem.ops.energy.Periphery` of the options (refuses bad values with a named error)."""
    from pymem.ops.energy import Periphery

    return Periphery(
        adc_bits=args.adc_bits,
        adc_rate_hz=args.adc_rate,
        adc_fom_j=args.adc_fom,
        dac_power_w=args.dac_power,
        tia_power_w=args.tia_power,
        t_read_s=args.t_read,
    )
