"""A square resistor mesh: the foundation's benchmark and cross-check circuit."""

from __future__ import annotations

from pymem import spice as nl
from pymem.errors import NetlistError


def grid_node(r: int, c: int) -> str:
    """Name of the mesh node at row ``r``, column ``c`` (0-based)."""
    return f"n{r}_{c}"


def resistor_grid_deck(n: int, r_ohm: float = 1.0, v_in: float = 1.0, analysis: str = ".op") -> str:
    """An ``n`` x ``n`` mesh of ``r_ohm`` resistors, driven at one corner, grounded at the other.

    Node ``n0_0`` is held at ``v_in`` volts by source ``Vin``; node
    ``n{n-1}_{n-1}`` is tied to ground through ``r_ohm``. Every horizontal
    and vertical neighbour pair is joined by a resistor, 2 n (n - 1) in all.

    Parameters
    ----------
    n : int
        Mesh side (nodes per row), >= 2.
    r_ohm : float
        Resistance of each segment (ohm).
    v_in : float
        Drive voltage (V).
    analysis : str
        The analysis line.
    """
    if not isinstance(n, int) or n < 2:
        raise NetlistError(f"grid size n must be an integer >= 2, got {n!r}")
    lines = [nl.vsource("Vin", grid_node(0, 0), "0", v_in)]
    for r in range(n):
        for c in range(n):
            if c + 1 < n:
                lines.append(nl.resistor(f"Rh{r}_{c}", grid_node(r, c), grid_node(r, c + 1), r_ohm))
            if r + 1 < n:
                lines.append(nl.resistor(f"Rv{r}_{c}", grid_node(r, c), grid_node(r + 1, c), r_ohm))
    lines.append(nl.resistor("Rgnd", grid_node(n - 1, n - 1), "0", r_ohm))
    lines.append(analysis)
    return nl.deck(f"pymem resistor grid {n}x{n}", lines)
