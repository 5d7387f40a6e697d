"""pymem: SPICE-level co-simulation of memristor crossbars with ngspice.

The layers, from the ground floor up. A module imports only from its own layer
and the layers below it; ``tests/test_layers.py`` reads this list and every
module's imports (function-level ones too) and fails on an arrow against it,
on a module this list leaves out, and on an import circle.

1. errors, constants, numeric, checks -- the error hierarchy, every option type, rounding, input checks
2. spice -- SPICE value formatting and element lines
3. devices -- models: parameters with units, numpy equations, ``.subckt`` text, presets
4. crossbar -- array data: Crossbar, periphery (TIA, ADC, NMOS), weight mappings
5. circuit -- one circuit description of a read or a write of a Crossbar
6. netlist -- the SPICE writer: circuit to deck text; device library and Verilog-A
7. backends -- the only code that runs ngspice: shared library, batch, raw files, doctor
8. engine -- the native engine: static solves (reads) and transients (writes) of circuit/
9. ops -- device simulation, read/MVM, write, program-and-verify, energy; each picks an engine
10. fit -- fitting a device model to measured sweeps
11. stories -- the seed's stories: one memristor trained to x*w = z, bit slicing
12. train -- training and inference in the circuit
13. sweep -- the sweep runner, its tasks and its result store
14. report -- figures, the explorable pages, the demo
15. cli -- the ``pymem`` command and its one printer

This module, the package front, may import anything: ``pymem.mvm``,
``pymem.read_deck`` and ``pymem.simulate`` are shortcuts to the operations.
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
