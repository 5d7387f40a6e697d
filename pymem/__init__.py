"""pymem: SPICE-level co-simulation of memristor crossbars with ngspice.

Layers (each imports only those above it): ``devices`` (models: equations and
subcircuit text), ``netlist`` (deck text), ``backends`` (the only code that
runs ngspice), ``ops`` (simulate, read/MVM, solver), ``report`` (figures, CLI).
"""

from pymem.crossbar import ADC, NMOS, TIA, Crossbar, random_crossbar
from pymem.crossbar.mapping import ideal_mvm
from pymem.errors import PymemError
from pymem.netlist.crossbar import read_deck
from pymem.ops.device import simulate
from pymem.ops.mvm import mvm

__version__ = "0.1.0"

__all__ = [
    "ADC",
    "NMOS",
    "TIA",
    "Crossbar",
    "PymemError",
    "__version__",
    "ideal_mvm",
    "mvm",
    "random_crossbar",
    "read_deck",
    "simulate",
]
