"""The window functions TEAM adds to the ones it shares with VTEAM: numpy and SPICE text of each.

The TEAM paper (Kvatinsky et al., IEEE TCAS-I 60(1), 2013, section II and
eq. (13)) compares Joglekar's, Biolek's and Prodromakis' windows and proposes
its own; Xyce's MEMRISTOR level 2 offers the same four (``WT`` = 1 Joglekar,
2 Biolek, 3 Prodromakis, 4 Kvatinsky). ``none`` and ``biolek`` live in
:mod:`pymem.devices.vteam`; this module holds the other three, over the
normalised state ``x = (w - w_on)/(w_off - w_on)``:

    joglekar     f = 1 - (2x - 1)^(2p)
    prodromakis  f = j (1 - ((x - 1/2)^2 + 3/4)^p)
    kvatinsky    f = exp(-exp((w - a_off)/w_c))    drive >= 0   (f_off)
                 f = exp(-exp(-(w - a_on)/w_c))    drive < 0    (f_on)

Joglekar and Prodromakis use the state clamped to [0, 1] and vanish at both
bounds whatever the drive (their known "terminal state" problem: a state
that reaches a bound stays there). With whole p they are evaluated as
``4x(1 - x) sum_k (2x - 1)^(2k)`` and ``x(1 - x) sum_k (1 - x(1 - x))^k``
(k < p), the same polynomials without the cancellation near the bounds.

The Kvatinsky window is soft: it falls from 1 to 0 over a few ``w_c``
around ``a_off`` (OFF drive) or ``a_on`` (ON drive), so the state may pass
those points slightly. Its inner exponent is capped at :data:`EXP_CAP`
(where f is already exp(-e^50) = 0 in doubles) so that neither numpy nor
ngspice overflows far beyond them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem.devices.base import spice_clamp01
from pymem.devices.vteam import clamp01

OWN_WINDOWS = ("joglekar", "prodromakis", "kvatinsky")
"""The windows this module evaluates (the others are VTEAM's)."""
EXP_CAP = 50.0
"""Cap of the Kvatinsky window's inner exponent (dimensionless): exp(-exp(50)) is 0 in doubles."""


def joglekar(x: ArrayLike, p: float) -> NDArray[np.float64]:
    """Joglekar's window ``1 - (2x - 1)^(2p)`` (whole p) of the clamped state; broadcasts."""
    xc = clamp01(x)
    y2 = (2.0 * xc - 1.0) ** 2
    poly = np.ones_like(y2)
    for _ in range(round(p) - 1):
        poly = 1.0 + y2 * poly
    return 4.0 * xc * (1.0 - xc) * poly


def prodromakis(x: ArrayLike, p: float, j: float) -> NDArray[np.float64]:
    """Prodromakis' window ``j (1 - ((x - 1/2)^2 + 3/4)^p)`` (whole p) of the clamped state."""
    xc = clamp01(x)
    s = xc * (1.0 - xc)
    poly = np.ones_like(s)
    for _ in range(round(p) - 1):
        poly = 1.0 + (1.0 - s) * poly
    return j * s * poly


def kvatinsky(
    x: ArrayLike, drive: ArrayLike, a_on_x: float, a_off_x: float, w_c_x: float
) -> NDArray[np.float64]:
    """The TEAM paper's window f_off (drive >= 0) or f_on (drive < 0); broadcasts.

    Parameters
    ----------
    x : array_like
        Normalised state (dimensionless, not clamped).
    drive : array_like
        Voltage or current (V or A); only its sign is used.
    a_on_x, a_off_x, w_c_x : float
        a_on, a_off and w_c in units of the state range: ``(a - w_on)/(w_off - w_on)``
        and ``w_c/(w_off - w_on)`` (dimensionless).
    """
    x = np.asarray(x, dtype=float)
    z = np.where(np.asarray(drive, dtype=float) < 0, (a_on_x - x) / w_c_x, (x - a_off_x) / w_c_x)
    return np.exp(-np.exp(np.minimum(z, EXP_CAP)))


def window(
    x: ArrayLike, drive: ArrayLike, name: str, p: float, j: float, a_on_x: float, a_off_x: float, w_c_x: float
) -> NDArray[np.float64]:
    """One of :data:`OWN_WINDOWS` by name (dimensionless)."""
    if name == "joglekar":
        return joglekar(x, p) * np.ones_like(np.asarray(drive, dtype=float))
    if name == "prodromakis":
        return prodromakis(x, p, j) * np.ones_like(np.asarray(drive, dtype=float))
    return kvatinsky(x, drive, a_on_x, a_off_x, w_c_x)


def spice_window(x: str, drive: str, name: str, p: float) -> str:
    """B-source text of :func:`window` over the subcircuit parameters ``jw``, ``aonx``, ``aoffx``, ``wcx``.

    The whole ``p`` is written into the polynomial.
    """
    if name == "kvatinsky":
        z = f"(({drive})<0?(aonx-{x})/wcx:({x}-aoffx)/wcx)"
        return f"exp(-exp(min({z},{EXP_CAP:g})))"
    xc = spice_clamp01(x)
    if name == "joglekar":
        y2 = f"(2*{xc}-1)*(2*{xc}-1)"
        poly = "1"
        for _ in range(round(p) - 1):
            poly = f"1+{y2}*({poly})"
        return f"(4*{xc}*(1-{xc})*({poly}))"
    s = f"{xc}*(1-{xc})"
    poly = "1"
    for _ in range(round(p) - 1):
        poly = f"1+(1-{s})*({poly})"
    return f"(jw*{s}*({poly}))"
