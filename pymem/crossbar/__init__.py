"""Crossbar arrays as data: geometry, devices, wires, sense amplifiers, weight mappings."""

from pymem.crossbar.spec import ADC, NMOS, TIA, Crossbar, random_crossbar

__all__ = ["ADC", "NMOS", "TIA", "Crossbar", "random_crossbar"]
