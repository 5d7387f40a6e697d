"""Netlist text: pure functions that build SPICE decks and never run anything.

The element and value formatters live in :mod:`pymem.spice`; they are re-exported here.
"""

from pymem.spice import (
    bsource,
    capacitor,
    dc,
    deck,
    fmt,
    ic,
    include,
    instance,
    isource,
    node,
    op,
    options,
    param,
    pulse,
    pwl,
    resistor,
    sin,
    subckt,
    tran,
    vsource,
)

__all__ = [
    "bsource",
    "capacitor",
    "dc",
    "deck",
    "fmt",
    "ic",
    "include",
    "instance",
    "isource",
    "node",
    "op",
    "options",
    "param",
    "pulse",
    "pwl",
    "resistor",
    "sin",
    "subckt",
    "tran",
    "vsource",
]
