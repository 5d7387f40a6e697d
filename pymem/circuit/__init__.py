"""One circuit description: the nodes and elements of a crossbar read or write, as data.

Built by pure functions from a :class:`~pymem.crossbar.spec.Crossbar` and an
operation; read by the netlist writer (:mod:`pymem.netlist`), the static
solver (:mod:`pymem.engine.static`) and the transient engine
(:mod:`pymem.engine`). Nothing here formats SPICE text or runs a simulator.
"""

from pymem.circuit.array import GROUND, ArrayCircuit, Branches, array_circuit
from pymem.circuit.write import (
    Cells,
    LineLevels,
    Source,
    WriteCircuit,
    line_voltages,
    schedule_circuit,
    selected_columns,
    write_circuit,
)
from pymem.constants import SCHEMES, WriteScheme

__all__ = [
    "GROUND",
    "SCHEMES",
    "ArrayCircuit",
    "Branches",
    "Cells",
    "LineLevels",
    "Source",
    "WriteCircuit",
    "WriteScheme",
    "array_circuit",
    "line_voltages",
    "schedule_circuit",
    "selected_columns",
    "write_circuit",
]
