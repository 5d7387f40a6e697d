"""SPICE text on the ground floor: value formatting and element, source, analysis and deck lines.

Pure functions, usable by every layer (devices emit their ``.subckt`` with them, the netlist writer
builds decks with them). Nothing here knows a crossbar or runs a simulator.
"""

from pymem.spice.lines import (
    bsource,
    capacitor,
    dc,
    deck,
    element_name,
    fmt,
    ic,
    include,
    instance,
    isource,
    node,
    op,
    options,
    param,
    param_name,
    positive,
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
    "element_name",
    "fmt",
    "ic",
    "include",
    "instance",
    "isource",
    "node",
    "op",
    "options",
    "param",
    "param_name",
    "positive",
    "pulse",
    "pwl",
    "resistor",
    "sin",
    "subckt",
    "tran",
    "vsource",
]
