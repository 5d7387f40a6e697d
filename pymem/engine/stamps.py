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
