"""The ``pymem`` command line.

One room per command group, each with a ``register(sub)`` that adds its
subcommands; every command parses, calls the library, and prints through the
one printer (:mod:`pymem.cli.output`): text for people, one JSON object with
``--json`` for scripts. Choices come from :mod:`pymem.constants` and the device
registry; every command that takes ``--model`` also takes ``--preset`` and
``--param NAME=VALUE`` (:mod:`pymem.cli.args`).

================  ==============================================
room              commands
================  ==============================================
``basics``        ``doctor``, ``demo``
``arrays``        ``netlist``, ``mvm``, ``figures``, ``circuits``
``device``        ``device iv``, ``device params``
``energy``        ``energy``
``train``         ``train``, ``infer``
``sweep``         ``sweep``, ``plot``
``fit``           ``fit``
``pages``         ``animate``, ``page``
================  ==============================================
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pymem.cli import arrays, basics, device, energy, fit, pages, sweep, train
from pymem.errors import PymemError

ROOMS = (basics, arrays, device, energy, pages, train, sweep, fit)
"""The command groups, in the order ``pymem --help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``pymem`` with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="pymem", description="SPICE-level co-simulation of memristor crossbars"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for room in ROOMS:
        room.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pymem`` console script; returns the exit status (2 for a refused input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except PymemError as exc:
        print(f"pymem: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (``pymem device params | head``)
        sys.stderr.close()
        return 0


__all__ = ["build_parser", "main"]
