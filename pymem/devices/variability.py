"""Device-to-device and cycle-to-cycle variability, reproducible from a seed.

- Device-to-device: each device's current is scaled by a factor drawn once
  from a lognormal distribution of median 1 (a conducting area or filament
  count that differs from device to device). In the netlist it is the
  subcircuit parameter ``gscale``; in the solver and the ideal twin it scales
  the cell's current and conductance (``Crossbar.g_scale``).
- Cycle-to-cycle: every write's change of state is multiplied by
  ``1 + c2c_sigma N(0, 1)``, drawn per device and per pulse (write noise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pymem.errors import ParameterError


@dataclass(frozen=True)
class Variability:
    """Spreads of a device population and of its writes."""

    d2d_sigma: float = 0.0
    """Standard deviation of the log of the per-device current scale (dimensionless, >= 0)."""
    c2c_sigma: float = 0.0
    """Relative standard deviation of each write's state change (dimensionless, >= 0)."""
    seed: int = 0
    """Seed of both draws (integer)."""

    def __post_init__(self) -> None:
        for name in ("d2d_sigma", "c2c_sigma"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise ParameterError(f"{name} must be a finite spread >= 0, got {value!r}")

    def device_scales(self, shape: tuple[int, ...]) -> NDArray[np.float64]:
        """Per-device current scales of median 1, the same for the same seed and shape."""
        rng = np.random.default_rng([self.seed, 0])
        return np.exp(self.d2d_sigma * rng.standard_normal(shape))

    def write_rng(self) -> np.random.Generator:
        """The generator of the write noise (a fresh one replays the same noise)."""
        return np.random.default_rng([self.seed, 1])

    def noisy_change(
        self, before: NDArray[np.float64], after: NDArray[np.float64], rng: np.random.Generator
    ) -> NDArray[np.float64]:
        """``after`` with the change from ``before`` scaled by 1 + c2c_sigma N(0, 1) per device."""
        if self.c2c_sigma == 0:
            return after
        factor = 1.0 + self.c2c_sigma * rng.standard_normal(np.shape(after))
        return before + (after - before) * factor
