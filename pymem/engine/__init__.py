"""pymem's native engine: exact static solves and transients of the :mod:`pymem.circuit` description.

It earns trust the way ngspice's results are trusted here: tests run the same
circuit through both and compare.
"""
