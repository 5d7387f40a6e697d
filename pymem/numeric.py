"""Numbers that do not depend on a library's last-place rounding.

Values that pymem computes with numpy, scipy or libm (a TIA's feedback
resistor sized from device conductances, a settling time, a logarithm of a
resistance ratio) can move by one unit in the last place when a dependency
changes its summation order or its SIMD kernels. Where such a value becomes
part of a deck, pymem rounds it to :data:`SIGNIFICANT_DIGITS` significant
digits at the point where it is computed: the decks stay byte-identical
across numpy and scipy releases, and ngspice reads the shorter text back
exactly.
"""

from __future__ import annotations

import math

SIGNIFICANT_DIGITS = 12
"""Significant digits kept of computed deck values: 1e-12 relative, far below
any tolerance a simulation is run at, and well above a double's last-place
noise (2.2e-16)."""


def significant(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """``value`` rounded to ``digits`` significant decimal digits.

    Parameters
    ----------
    value : float
        Any real number; 0, infinities and NaN come back unchanged.
    digits : int
        Significant digits to keep (1 to 17).

    Returns
    -------
    float
        The double nearest to the rounded decimal, so ``repr`` prints at most
        ``digits`` digits and ngspice parses it back to the same double.
    """
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits}g}")
