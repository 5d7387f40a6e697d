"""Matrix stamps of two-terminal branches, and the access transistor's equations.

Shared by the static solver and the transient engine: both assemble the
nodal equations of the same :mod:`pymem.circuit` elements from these.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from pymem.circuit.array import GROUND, Branches


def stamps(
    n: int, a: NDArray[np.int64], b: NDArray[np.int64], d_a: NDArray[np.float64], d_b: NDArray[np.float64]
) -> sp.csr_matrix:
    """Jacobian stamps (n x n) of branches a -> b whose current i has di/dva = d_a, di/dvb = d_b.

    KCL counts i leaving node a and entering node b; a conductance g is
    ``d_a = g, d_b = -g``. Terminals at ``GROUND`` (-1) are left out.
    """
    a = np.asarray(a)
    b = np.asarray(b)
    d_a = np.broadcast_to(np.asarray(d_a, dtype=float), a.shape)
    d_b = np.broadcast_to(np.asarray(d_b, dtype=float), a.shape)
    ii = np.concatenate([a, a, b, b])
    jj = np.concatenate([a, b, a, b])
    vv = np.concatenate([d_a, d_b, -d_a, -d_b])
    keep = (ii != GROUND) & (jj != GROUND)
    return sp.csr_matrix((vv[keep], (ii[keep], jj[keep])), shape=(n, n))


def branch_matrix(n: int, br: Branches) -> sp.csr_matrix:
    """Conductance matrix (n x n, S) of one kind of linear resistor."""
    g = 1.0 / br.r_ohm
    return stamps(n, br.a, br.b, np.full(br.a.size, g), np.full(br.a.size, -g))


def nmos_level1(
    v_d: NDArray[np.float64],
    v_s: NDArray[np.float64],
    v_g: float | NDArray[np.float64],
    vto: float,
    beta: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """ngspice's level-1 NMOS (Shichman-Hodges, lambda = gamma = 0) with bulk at 0 V.

    Parameters
    ----------
    v_d, v_s : ndarray
        Voltages of the terminals called drain and source (V); they swap roles when v_d < v_s.
    v_g : float or ndarray
        Gate voltage (V), broadcast against ``v_d``.
    vto : float
        Threshold voltage (V).
    beta : float
        KP W / L (A/V^2).

    Returns
    -------
    i, di_dvd, di_dvs : ndarray
        Current from terminal d to terminal s (A) and its derivatives (S).
    """
    swap = v_d < v_s
    hi = np.where(swap, v_s, v_d)
    lo = np.where(swap, v_d, v_s)
    vgst = v_g - lo - vto
    vds = hi - lo
    on = vgst > 0
    triode = on & (vds < vgst)
    i = np.where(triode, beta * (vgst - vds / 2) * vds, np.where(on, 0.5 * beta * vgst**2, 0.0))
    d_hi = np.where(triode, beta * (vgst - vds), 0.0)
    d_lo = np.where(on, -beta * vgst, 0.0)
    sign = np.where(swap, -1.0, 1.0)
    return sign * i, sign * np.where(swap, d_lo, d_hi), sign * np.where(swap, d_hi, d_lo)


THERMAL_VOLTAGE_V = 1.380649e-23 * 300.15 / 1.602176634e-19
"""kT/q at ngspice's default temperature of 27 C (V)."""
JUNCTION_IS_A = 1e-14
"""Saturation current of the level-1 MOSFET's bulk junctions: ngspice's default ``is`` (A)."""
GMIN_S = 1e-12
"""ngspice's gmin, in parallel with every junction (S)."""
_MAX_EXP_ARG = 709.0


def bulk_junction(v_node: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Current (A) from a grounded bulk into a drain or source at ``v_node`` (V), and its conductance (S).

    ngspice's level-1 bulk diode with its default parameters (``is`` = 1e-14 A,
    no series resistance, no capacitance) and gmin in parallel: with
    ``vbd = -v_node``, ``i = is (exp(vbd / vt) - 1) + gmin vbd``, and below
    ``-3 vt`` the saturated form ``gmin vbd - is``. The conductance is ``di/dvbd``.
    """
    vbd = -np.asarray(v_node, dtype=float)
    vt = THERMAL_VOLTAGE_V
    e = np.exp(np.minimum(_MAX_EXP_ARG, vbd / vt))
    fwd = vbd > -3 * vt
    i = np.where(fwd, JUNCTION_IS_A * (e - 1) + GMIN_S * vbd, GMIN_S * vbd - JUNCTION_IS_A)
    g = np.where(fwd, JUNCTION_IS_A * e / vt + GMIN_S, GMIN_S)
    return i, g


def junction_step_limit(v_old: NDArray[np.float64], v_new: NDArray[np.float64]) -> float:
    """Fraction of a Newton step that keeps every bulk junction within SPICE's ``pnjlim`` limit.

    ``v_old`` and ``v_new`` are the node voltages of junction terminals before and
    after the full step (V); the junction voltage is their negative. Returns 1
    when no forward-biased junction jumps past the critical voltage by more
    than 2 vt.
    """
    vt = THERMAL_VOLTAGE_V
    vcrit = vt * np.log(vt / (np.sqrt(2.0) * JUNCTION_IS_A))
    a, b = -np.asarray(v_old, dtype=float), -np.asarray(v_new, dtype=float)
    limit = (b > vcrit) & (np.abs(b - a) > 2 * vt)
    if not limit.any():
        return 1.0
    a, b = a[limit], b[limit]
    with np.errstate(invalid="ignore", divide="ignore"):
        arg = 1 + (b - a) / vt
        lim = np.where(
            a > 0, np.where(arg > 0, a + vt * np.log(np.maximum(arg, 1e-300)), vcrit), vt * np.log(b / vt)
        )
        frac = (lim - a) / (b - a)
    frac = frac[np.isfinite(frac)]
    return float(np.clip(frac.min(), 1e-3, 1.0)) if frac.size else 1.0
