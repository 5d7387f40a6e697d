"""The seed's second story: several memristors bit-sliced into one multi-bit weight.

An integer of ``bits`` bits is split into digits of ``bits_per_device`` bits
(4 one-bit devices hold 0..15), each digit mapped to a conductance level,
each device programmed to its level by pulses through ngspice
(program-and-verify on a 1 x k crossbar row), then the row is read through
ngspice and the column currents recombined by shift-and-add. The read-back
error comes from the program-and-verify tolerance: the more levels a device
holds, the smaller the gap between levels that tolerance must stay inside.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from pymem import devices
from pymem.constants import WriteBackend
from pymem.crossbar.mapping import BitSlicedMapping
from pymem.crossbar.spec import Crossbar
from pymem.devices.base import DeviceModel
from pymem.devices.variability import Variability
from pymem.errors import ParameterError
from pymem.ops.mvm import mvm
from pymem.ops.program import program_and_verify
from pymem.stories.multiplier import set_polarity


@dataclass(frozen=True)
class BitSliceResult:
    """One integer stored on k devices and read back.

    Attributes
    ----------
    value : int
        The stored integer.
    value_read : float
        What shift-and-add of the ngspice read gives back (ideally ``value``).
    abs_error : float
        |value_read - value|.
    digits : list of int
        Digit per device, least significant first.
    g_target, g_final : ndarray, shape (k,)
        Conductance levels asked for and reached (S).
    level_step_s : float
        Conductance between two adjacent digit levels (S).
    pulses : int
        Write pulses spent on all devices.
    seconds : float
    """

    value: int
    bits: int
    bits_per_device: int
    devices: int
    value_read: float
    abs_error: float
    digits: list[int]
    g_target: np.ndarray
    g_final: np.ndarray
    level_step_s: float
    pulses: int
    seconds: float
    i_read_a: np.ndarray | None = None
    """Column currents of the read-back (A), shape (k,), least significant device first."""
    v_read: float = 0.0
    """Read voltage of the read-back (V)."""
    g_min_s: float = 0.0
    """Conductance of digit 0 (S); digit d is ``g_min_s + d * level_step_s``."""


def store_and_read(
    value: int,
    bits: int = 4,
    bits_per_device: int = 1,
    model: str | DeviceModel = "yakopcic",
    rtol: float = 0.01,
    seed: int = 0,
    max_pulses: int = 200,
    variability: Variability | None = None,
    verify: bool = True,
    backend: WriteBackend = "solver",
    width_s: float | None = None,
) -> BitSliceResult:
    """Store ``value`` on ceil(bits / bits_per_device) devices through the circuit and read it back.

    Parameters
    ----------
    value : int
        Integer in 0 .. 2**bits - 1.
    bits, bits_per_device : int
        Weight width and bits per device.
    model : str or DeviceModel
        Device model (a registry name, or a built model) with write thresholds.
    rtol : float
        Program-and-verify tolerance on each conductance (relative).
    seed : int
        Seed of the devices' random starting states.
    max_pulses : int
        Pulse budget per device.
    variability : Variability, optional
        Device-to-device spread (each device's current scale) and write noise.
    width_s : float, optional
        First write pulse width (s); default 1/200 of the model's demo drive period.
        Program-and-verify halves it after an overshoot.
    verify : bool
        True: the verify reads see the real devices, so their spread is
        compensated. False: the devices are programmed as if they were
        nominal (open loop), and the spread shows up in the read-back.
    """
    m = devices.resolve(model)
    if m.thresholds is None:
        raise ParameterError(f"bit slicing needs a model with write thresholds; {m.name!r} has none")
    t0 = time.perf_counter()
    lo, hi = m.x_bounds
    k = -(-bits // bits_per_device)
    rng = np.random.default_rng(seed)
    start = rng.uniform(lo + 0.2 * (hi - lo), hi - 0.2 * (hi - lo), size=(1, k))
    scale = variability.device_scales((1, k)) if variability is not None else None
    xb = Crossbar(1, k, m, states=start, g_scale=scale)
    nominal = Crossbar(1, k, m, states=start)
    v_read = float(xb.v_read)
    g_a, g_b = (float(m.conductance(lo + f * (hi - lo), v_read)) for f in (0.1, 0.9))
    mapping = BitSlicedMapping(min(g_a, g_b), max(g_a, g_b), bits, bits_per_device)
    digits = mapping.slices(np.array([[value]]))[0, 0].astype(int).tolist()
    g_target = mapping.encode(np.array([[value]]))
    th = m.thresholds
    amp = 1.5 * max(-th[0], th[1])
    up = set_polarity(m, amp)
    prog = program_and_verify(
        xb if verify else nominal,
        g_target,
        v_set=up * amp,
        v_reset=-up * amp,
        width_s=m.demo_drive().duration_s / 200 if width_s is None else width_s,
        rtol=rtol,
        max_pulses=max_pulses,
        noise=variability,
        backend=backend,
    )
    read = mvm(xb.with_states(prog.states), [v_read], backend=backend)
    estimate = float(mapping.decode(read.y, np.array([[v_read]]))[0, 0]) / v_read
    return BitSliceResult(
        value=int(value),
        bits=bits,
        bits_per_device=bits_per_device,
        devices=k,
        value_read=estimate,
        abs_error=abs(estimate - value),
        digits=digits,
        g_target=g_target[0],
        g_final=xb.with_states(prog.states).conductances()[0],
        level_step_s=mapping.step,
        pulses=int(prog.pulses.sum()),
        seconds=time.perf_counter() - t0,
        i_read_a=np.asarray(read.y[0], dtype=float),
        v_read=v_read,
        g_min_s=mapping.g_min_s,
    )


def bitslice_table(
    value: int = 201,
    bits: int = 8,
    bits_per_device: tuple[int, ...] = (8, 4, 2, 1),
    sigmas: tuple[float, ...] = (0.0, 0.05, 0.1),
    model: str | DeviceModel = "yakopcic",
    seed: int = 0,
) -> list[dict[str, float]]:
    """Read-back error against the number of devices and the device-to-device spread.

    Returns one row per (bits per device, spread, verify on/off) with
    ``devices``, ``d2d_sigma``, ``verify``, ``value_read``, ``abs_error``, ``pulses``.
    """
    rows = []
    for b in bits_per_device:
        for sigma in sigmas:
            for verify in (True, False):
                var = Variability(d2d_sigma=sigma, seed=seed)
                r = store_and_read(value, bits, b, model=model, seed=seed, variability=var, verify=verify)
                rows.append(
                    {
                        "devices": r.devices,
                        "bits_per_device": b,
                        "d2d_sigma": sigma,
                        "verify": verify,
                        "value_read": r.value_read,
                        "abs_error": r.abs_error,
                        "pulses": r.pulses,
                    }
                )
    return rows
