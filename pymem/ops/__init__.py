"""Operations on devices and arrays: simulate a device, read (MVM), write, program-and-verify, energy.

Each picks its engine by name (``backend="ngspice" | "solver"``).
"""
