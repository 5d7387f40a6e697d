"""CLI subcommands beyond ``doctor`` and ``demo``, registered on the ``pymem`` parser."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's subcommands to the ``pymem`` subparsers."""
    return None
