"""The ngspice deck of one device under a voltage waveform (what ``pymem.ops.device.simulate`` runs)."""

from __future__ import annotations

from pymem import spice as nl
from pymem.devices.base import DeviceModel
from pymem.devices.waveforms import Waveform

SPICE_OPTIONS = {"reltol": 1e-6, "abstol": 1e-15, "vntol": 1e-9, "chgtol": 1e-18}
"""Tolerances of device transients: tight enough that ngspice matches the
reference to 1e-3 of the state range (ngspice's defaults are 1e-3 relative)."""


def device_deck(model: DeviceModel, waveform: Waveform, x0: float, max_step_s: float) -> str:
    """The ngspice deck of one device driven by ``waveform`` from state ``x0``."""
    lines = [
        model.subckt(),
        nl.vsource("Vin", "p", "0", 0.0, waveform.spice()),
        nl.instance("X1", ["p", "0"], model.subckt_name, {"x0": x0}),
        nl.options(**SPICE_OPTIONS),
        nl.tran(max_step_s, waveform.duration_s, 0.0, max_step_s, uic=True),
    ]
    return nl.deck(f"pymem device {model.name}", lines)
