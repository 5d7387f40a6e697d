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

The periphery (:class:`Periphery`, :func:`periphery_energy`) adds, per MVM of
an ``rows x cols`` array read for ``t_read_s``: the row drivers (DACs)
``rows * P_dac * t_read``, the column TIAs ``cols * P_tia * t_read`` and one
ADC conversion per column ``cols * FoM_W * 2**bits`` (Walden). The constants
live in :mod:`pymem.ops.published` with their citations.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from pymem import backends
from pymem.backends.result import source_energy_steps
from pymem.checks import check_finite, check_int
from pymem.crossbar.spec import Crossbar
from pymem.errors import ParameterError, PeripheryParameterError
from pymem.netlist import crossbar as xnet
from pymem.ops import published as pub
from pymem.ops.mvm import MVMResult

FP32_MULT_J = pub.FP32_MULT_J
FP32_ADD_J = pub.FP32_ADD_J
DRAM_32BIT_J = pub.DRAM_64BIT_J / 2
"""Reading one 32-bit weight from DRAM: half of a 1.3 nJ 64-bit access (Horowitz, ISSCC 2014)."""
SRAM_32BIT_J = pub.SRAM_32KB_64BIT_J / 2
"""Reading one 32-bit weight from a 32 KB SRAM: half of a 20 pJ 64-bit access (Horowitz, ISSCC 2014)."""


def digital_energy_per_mac() -> dict[str, float]:
    """Energy of one 32-bit floating-point multiply-accumulate (J): alone, with an SRAM or a DRAM fetch.

    Returns
    -------
    dict
        ``compute_j`` (the MAC alone), ``sram_j`` (MAC + 32-bit SRAM fetch), ``dram_j`` (MAC + 32-bit
        DRAM fetch), and, as before, ``weight_fetch_j`` (DRAM) and ``total_j`` (= ``dram_j``).
    """
    compute = FP32_MULT_J + FP32_ADD_J
    return {
        "compute_j": compute,
        "sram_j": compute + SRAM_32BIT_J,
        "dram_j": compute + DRAM_32BIT_J,
        "weight_fetch_j": DRAM_32BIT_J,
        "total_j": compute + DRAM_32BIT_J,
    }


@dataclass(frozen=True)
class Periphery:
    """Assumptions of the periphery energy; defaults from :mod:`pymem.ops.published`."""

    adc_bits: int = pub.ISAAC_ADC_BITS
    """ADC resolution (bits), 1..16."""
    adc_rate_hz: float = pub.ISAAC_ADC_RATE_HZ
    """ADC sample rate (samples/s); sets the conversion time, not the energy (Walden)."""
    adc_fom_j: float = pub.WALDEN_FOM_J
    """Walden figure of merit (J per conversion step)."""
    dac_power_w: float = pub.ISAAC_DAC_POWER_EACH_W
    """Power of one row driver / DAC while a read lasts (W)."""
    tia_power_w: float = pub.TIA_POWER_W
    """Power of one column TIA while a read lasts (W); an assumption."""
    t_read_s: float = pub.ISAAC_READ_S
    """Duration of one read (s)."""

    def __post_init__(self) -> None:
        err = PeripheryParameterError
        check_int("adc_bits", self.adc_bits, 1, 16, phrase="an integer in 1..16", error=err)
        for name in ("adc_rate_hz", "adc_fom_j", "t_read_s"):
            check_finite(name, getattr(self, name), 0.0, phrase="a positive finite number", error=err)
        for name in ("dac_power_w", "tia_power_w"):
            value = getattr(self, name)
            check_finite(name, value, 0.0, strict=False, phrase="a finite number >= 0", error=err)


def periphery_energy(rows: int, cols: int, p: Periphery = Periphery()) -> dict[str, float]:
    """Energy of the periphery of one MVM on a ``rows x cols`` array (J per MVM).

    Returns
    -------
    dict
        ``dac_j`` = rows * P_dac * t_read, ``tia_j`` = cols * P_tia * t_read,
        ``adc_j`` = cols * FoM_W * 2**bits, and ``adc_time_s`` = cols / f_s
        (one ADC converting every column in turn).
    """
    for name, n in (("rows", rows), ("cols", cols)):
        check_int(name, n, 1, phrase="a positive integer", error=PeripheryParameterError)
    return {
        "dac_j": rows * p.dac_power_w * p.t_read_s,
        "tia_j": cols * p.tia_power_w * p.t_read_s,
        "adc_j": cols * p.adc_fom_j * 2.0**p.adc_bits,
        "adc_time_s": cols / p.adc_rate_hz,
    }


def energy_breakdown(array_j: float, rows: int, cols: int, p: Periphery = Periphery()) -> dict[str, Any]:
    """One MVM's energy by part (J), per MAC, and against the three digital references.

    Parameters
    ----------
    array_j : float
        Energy the drivers deliver into the array (cells and wires) for one MVM (J), from a simulation.
    rows, cols : int
    p : Periphery

    Returns
    -------
    dict
        ``parts_j`` {array, dac, tia, adc}, ``total_j``, ``per_mac_j`` {part: J}, ``total_per_mac_j``,
        ``digital`` (:func:`digital_energy_per_mac`), ``ratio`` {compute, sram, dram}: digital over analog
        per MAC, ``assumptions``.
    """
    check_finite(
        "array energy", array_j, 0.0, strict=False, phrase="finite and >= 0 J", error=PeripheryParameterError
    )
    per = periphery_energy(rows, cols, p)
    parts = {"array": float(array_j), "dac": per["dac_j"], "tia": per["tia_j"], "adc": per["adc_j"]}
    total = sum(parts.values())
    macs = rows * cols
    digital = digital_energy_per_mac()
    return {
        "parts_j": parts,
        "total_j": total,
        "per_mac_j": {k: v / macs for k, v in parts.items()},
        "total_per_mac_j": total / macs,
        "digital": digital,
        "ratio": {k: digital[f"{k}_j"] / (total / macs) for k in ("compute", "sram", "dram")},
        "adc_time_s": per["adc_time_s"],
        "assumptions": asdict(p),
        "macs": macs,
    }


def solver_array_energy(xb: Crossbar, v: ArrayLike, t_read_s: float) -> float:
    """Energy (J) the row drivers deliver for one input ``v`` (V) held ``t_read_s`` (s), by the exact solver.

    The sum over rows of v_i times the current the row's cells draw; with ideal
    wires it is ``t_read * sum G v**2``.
    """
    from pymem.engine.static import CrossbarSolver

    check_finite("t_read_s", t_read_s, 0.0, phrase="a positive finite number", error=PeripheryParameterError)
    vec = np.asarray(v, dtype=float)
    nodes = CrossbarSolver(xb).node_voltages(vec)
    cell = xb.conductances() * (nodes["wl"] - nodes["bl"])
    return float(t_read_s * np.sum(vec * cell.sum(axis=1)))


def mvm_energy(
    xb: Crossbar,
    v: ArrayLike,
    t_read_s: float | None = None,
    t_edge_s: float = xnet.READ_EDGE_S,
    sim_backend: backends.BackendName = "shared",
) -> dict[str, Any]:
    """Energy the drivers deliver for each input vector of an ngspice read (``sim_backend`` runs it).

    To reuse a read already run (``mvm(..., backend="ngspice")``) instead of
    running ngspice again, call :func:`read_energy` on its result.

    Returns
    -------
    dict
        ``energy_j`` (mean per MVM over the settled hold, J), ``energy_per_vector_j`` (list, J),
        ``energy_per_mac_j`` (J), ``digital_energy_per_mac_j`` (J, compute plus
        a DRAM weight fetch), ``digital_breakdown``, ``t_read_s`` and ``macs``.
    """
    batch = xb.check_inputs(v)
    hold = xb.read_hold_s if t_read_s is None else t_read_s
    res = backends.run(xnet.read_deck(xb, batch, t_read_s=hold, t_edge_s=t_edge_s), backend=sim_backend)
    return _read_energy(xb, res, batch.shape[0], hold, t_edge_s)


def read_energy(xb: Crossbar, read: MVMResult) -> dict[str, Any]:
    """The energy of :func:`mvm_energy` from an ngspice read already run: no new simulation.

    Parameters
    ----------
    xb : Crossbar
        The array that was read.
    read : MVMResult
        The result of ``mvm(xb, v, backend="ngspice")`` (it keeps ngspice's vectors).

    Returns
    -------
    dict
        As :func:`mvm_energy`.

    Raises
    ------
    ParameterError
        If ``read`` is not an ngspice read (the solver and ideal backends have no source currents).
    """
    sim = read.extra.get("sim_result")
    if read.backend != "ngspice" or not isinstance(sim, backends.SimResult):
        raise ParameterError(
            f"read_energy needs an ngspice read, got a {read.backend!r} one; "
            "read with mvm(..., backend='ngspice') or call mvm_energy"
        )
    return _read_energy(xb, sim, read.v.shape[0], read.extra["t_read_s"], read.extra["t_edge_s"])


def _read_energy(
    xb: Crossbar, res: backends.SimResult, n_vectors: int, hold: float, t_edge_s: float
) -> dict[str, Any]:
    """Per-vector driver energy of an ngspice read deck's result (see :func:`mvm_energy`)."""
    t = res["time"]
    steps = source_energy_steps(res, {f"vin{i}" for i in range(xb.rows)})
    # cumulative energy, read at the window ends by interpolation (the power is flat there)
    cumulative = np.concatenate([[0.0], np.cumsum(np.sum(list(steps.values()), axis=0))])
    starts = hold * np.arange(n_vectors) + t_edge_s
    ends = hold * np.arange(1, n_vectors + 1)
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
