"""Voltage waveforms that drive a device, as numpy functions and as SPICE sources.

Each waveform gives the same voltage to the reference integrator
(``values(t)``) and to ngspice (``spice()``, the source's wave text), and
lists its corners so both sides can step on them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem import spice as nl
from pymem.errors import ParameterError


def _check_positive(**values: float) -> None:
    for key, value in values.items():
        if not (np.isfinite(value) and value > 0):
            raise ParameterError(f"{key} must be finite and > 0, got {value!r}")


@dataclass(frozen=True)
class Sine:
    """``amplitude_v * sin(2 pi frequency_hz t)`` for ``cycles`` periods."""

    amplitude_v: float
    frequency_hz: float
    cycles: float = 1.0

    def __post_init__(self) -> None:
        _check_positive(frequency_hz=self.frequency_hz, cycles=self.cycles)
        if not np.isfinite(self.amplitude_v):
            raise ParameterError(f"amplitude_v must be finite, got {self.amplitude_v!r}")

    @property
    def duration_s(self) -> float:
        """Length of the drive (s)."""
        return self.cycles / self.frequency_hz

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        """Times (s) where the waveform has a corner: none inside a sine."""
        return np.array([0.0, self.duration_s])

    def values(self, t: ArrayLike) -> NDArray[np.float64]:
        """Voltage (V) at times ``t`` (s)."""
        return self.amplitude_v * np.sin(2 * np.pi * self.frequency_hz * np.asarray(t, dtype=float))

    def spice(self) -> str:
        """Wave text of an independent source."""
        return nl.sin(0.0, self.amplitude_v, self.frequency_hz)


@dataclass(frozen=True)
class PWL:
    """Piecewise-linear voltage through ``(times_s[k], volts[k])``, held after the last point."""

    times_s: tuple[float, ...]
    volts: tuple[float, ...]

    def __post_init__(self) -> None:
        t = np.asarray(self.times_s, dtype=float)
        v = np.asarray(self.volts, dtype=float)
        if t.shape != v.shape or t.ndim != 1 or t.size < 2:
            raise ParameterError(
                f"PWL needs two equal-length 1-D sequences of at least 2 points, got shapes "
                f"{t.shape} and {v.shape}"
            )
        if t[0] != 0 or np.any(np.diff(t) <= 0) or not np.all(np.isfinite(t)):
            raise ParameterError("PWL times must start at 0 and increase strictly")
        if not np.all(np.isfinite(v)):
            raise ParameterError("PWL voltages must be finite")

    @property
    def duration_s(self) -> float:
        return float(self.times_s[-1])

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        return np.asarray(self.times_s, dtype=float)

    def values(self, t: ArrayLike) -> NDArray[np.float64]:
        return np.interp(np.asarray(t, dtype=float), self.times_s, self.volts)

    def spice(self) -> str:
        return nl.pwl(self.times_s, self.volts)


def triangle(amplitude_v: float, frequency_hz: float, cycles: int = 1) -> PWL:
    """A triangle 0 -> +A -> 0 -> -A -> 0 per period, as a :class:`PWL`."""
    _check_positive(frequency_hz=frequency_hz, cycles=cycles)
    period = 1.0 / frequency_hz
    times = [0.0]
    volts = [0.0]
    for k in range(int(cycles)):
        for frac, val in ((0.25, amplitude_v), (0.5, 0.0), (0.75, -amplitude_v), (1.0, 0.0)):
            times.append((k + frac) * period)
            volts.append(val)
    return PWL(tuple(times), tuple(volts))


def pulse_train(
    amplitudes_v: ArrayLike,
    width_s: float,
    gap_s: float,
    edge_s: float | None = None,
) -> PWL:
    """Rectangular pulses of the given amplitudes, each ``width_s`` long, ``gap_s`` apart.

    Parameters
    ----------
    amplitudes_v : array_like, shape (n_pulses,)
        One amplitude per pulse (V); signs set the polarity.
    width_s, gap_s : float
        Pulse width at the top and the 0 V time between pulses (s).
    edge_s : float, optional
        Rise and fall time (s); default ``width_s / 100``.
    """
    amps = np.atleast_1d(np.asarray(amplitudes_v, dtype=float))
    _check_positive(width_s=width_s, gap_s=gap_s)
    edge = width_s / 100 if edge_s is None else edge_s
    _check_positive(edge_s=edge)
    times = [0.0]
    volts = [0.0]
    t = 0.0
    for a in amps:
        t += gap_s / 2
        times += [t, t + edge, t + edge + width_s, t + 2 * edge + width_s]
        volts += [0.0, a, a, 0.0]
        t += 2 * edge + width_s + gap_s / 2
    times.append(t)
    volts.append(0.0)
    return PWL(tuple(times), tuple(volts))


Waveform = Sine | PWL
