"""Netlist text: pure functions that build SPICE decks and never run anything.

The element and value formatters live one floor down, in :mod:`pymem.spice`;
they are re-exported here (``pymem.netlist.resistor`` is ``pymem.spice.resistor``).
"""

from pymem.spice import *  # noqa: F403
from pymem.spice import __all__ as __all__
