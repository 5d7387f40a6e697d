"""Energy of a read: what the drivers deliver during one MVM, next to a digital estimate.

The ngspice read's sources are integrated over each input vector's settled
hold: E_k = sum over drivers of the integral of v i dt from k T + t_edge to
(k + 1) T (the 1 ns input edge, and ngspice's first ``uic`` point, left out).
That is the energy dissipated in the devices and wires (the ideal virtual
grounds take none); it is proportional to the hold time, which the result
reports. A TIA's op-amp is a macromodel without a supply, so its own power
is not counted: with ``sense="tia"`` the figure is the array's share only.

The digital reference is M. Horowitz, "Computing's energy problem (and what we
can do about it)", ISSCC 2014 (45 nm, 0.9 V): a 32-bit floating-point
multiply 3.7 pJ and add 0.9 pJ, and a DRAM access 1.3 to 2.6 nJ per 64 bits,
of which a 32-bit weight takes half of the lower figure.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from pymem import backends
from pymem.crossbar.spec import Crossbar
from pymem.netlist import crossbar as xnet

FP32_MULT_J = 3.7e-12
"""32-bit floating-point multiply, 45 nm (Horowitz, ISSCC 2014)."""
FP32_ADD_J = 0.9e-12
"""32-bit floating-point add, 45 nm (Horowitz, ISSCC 2014)."""
DRAM_32BIT_J = 1.3e-9 / 2
"""Reading one 32-bit weight from DRAM: half of a 1.3 nJ 64-bit access (Horowitz, ISSCC 2014)."""


def digital_energy_per_mac() -> dict[str, float]:
    """Energy of one multiply-accumulate on a digital processor (J), with its weight fetched from DRAM."""
    compute = FP32_MULT_J + FP32_ADD_J
    return {"compute_j": compute, "weight_fetch_j": DRAM_32BIT_J, "total_j": compute + DRAM_32BIT_J}


def mvm_energy(
    xb: Crossbar,
    v: ArrayLike,
    t_read_s: float | None = None,
    t_edge_s: float = 1e-9,
    sim_backend: backends.BackendName = "shared",
) -> dict[str, Any]:
    """Energy the drivers deliver for each input vector of an ngspice read (``sim_backend`` runs it).

    Returns
    -------
    dict
        ``energy_j`` (mean per MVM over the settled hold, J), ``energy_per_vector_j`` (list, J),
        ``energy_per_mac_j`` (J), ``digital_energy_per_mac_j`` (J, compute plus
        a DRAM weight fetch), ``digital_breakdown``, ``t_read_s`` and ``macs``.
    """
    batch = xb.check_inputs(v)
    hold = max(1e-6, xb.settle_time_s) if t_read_s is None else t_read_s
    res = backends.run(xnet.read_deck(xb, batch, t_read_s=hold, t_edge_s=t_edge_s), backend=sim_backend)
    t = res["time"]
    power = np.zeros_like(t)
    for i in range(xb.rows):
        power += -res.v(xnet.source_node(xb, i)) * res.i(f"vin{i}")
    # cumulative energy, read at the window ends by interpolation (the power is flat there)
    cumulative = np.concatenate([[0.0], np.cumsum(0.5 * (power[1:] + power[:-1]) * np.diff(t))])
    starts = hold * np.arange(batch.shape[0]) + t_edge_s
    ends = hold * np.arange(1, batch.shape[0] + 1)
    energies = (np.interp(ends, t, cumulative) - np.interp(starts, t, cumulative)).tolist()
    macs = xb.rows * xb.cols
    digital = digital_energy_per_mac()
    mean = float(np.mean(energies))
    return {
        "energy_j": mean,
        "energy_per_vector_j": energies,
        "energy_per_mac_j": mean / macs,
        "digital_energy_per_mac_j": digital["total_j"],
        "digital_breakdown": digital,
        "t_read_s": hold - t_edge_s,
        "macs": macs,
    }
