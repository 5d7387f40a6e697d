"""The contract every memristor model fulfils: numpy equations and SPICE text of the same.

A model is a frozen dataclass of parameters in SI units. It has one state
variable ``x`` (kept O(1): a normalised position or a gap in nm) between
``x_bounds``, and offers:

- ``current(v, x)`` (A) and ``dxdt(v, x)`` (state units per s): vectorised
  numpy, the reference equations;
- ``spice_params()``, ``spice_current(v, x)`` and ``spice_dxdt(v, x)``: the
  same equations as ngspice B-source expressions over subcircuit parameters;
- ``subckt()``: the ``.subckt NAME p n params: ...`` block built from them,
  with the state integrated on a 1 F capacitor at the internal node ``x``
  (probe it as ``v(xNAME.x)``).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem import spice as nl
from pymem.checks import require
from pymem.devices.waveforms import Sine
from pymem.errors import ParameterError

__all__ = [
    "BISECTION_MAX_STEPS",
    "BISECTION_XTOL",
    "CONDUCTANCE_RANGE_RTOL",
    "STATE_LEAK_OHM",
    "DeviceModel",
    "require",
]

STATE_LEAK_OHM = 1e12
"""DC path of the state node: a 1e12 ohm resistor to ground in parallel with a
current source of x0 / 1e12 A (the Norton form of a leak to a source at
``x0``, without the extra node). It keeps the matrix regular and the
operating point at ``x0``; with the 1 F capacitor its time constant is 1e12 s,
so it never moves the state during a simulation."""
BISECTION_MAX_STEPS = 200
"""Most halvings of :meth:`DeviceModel.state_for_conductance` (more than the 53 bits of a
double need: the loop stops on :data:`BISECTION_XTOL` first)."""
BISECTION_XTOL = 1e-13
"""Width of the final bisection bracket, as a fraction of the state range."""
CONDUCTANCE_RANGE_RTOL = 1e-12
"""Relative slack on the reachable conductance range: a target that far outside the
conductance of a bound state is still accepted (round-off of the bound itself)."""


def spice_clamp01(x: str) -> str:
    """B-source text of ``x`` clamped to [0, 1] (every model's state inside its current)."""
    return f"min(max({x},0),1)"


@dataclasses.dataclass(frozen=True)
class Preset:
    """A named parameter set of a model: overrides of its defaults, with the source they come from.

    Attributes
    ----------
    values : mapping
        Field name to value (SI units); empty when the set is the model's defaults.
    citation : str
        Where the set is published.
    """

    values: Mapping[str, object]
    citation: str


class DeviceModel(ABC):
    """Base class of memristor models; subclasses are frozen dataclasses.

    Subclasses define the class attributes ``name`` (registry key) and
    ``citation``, a field ``x0`` (initial state), and the abstract methods.
    """

    name: ClassVar[str]
    citation: ClassVar[str]
    x0: float
    spice_max_step_s: ClassVar[float | None] = None
    """Largest ngspice time step that keeps this model's transients within 1e-3 of the
    state range of the reference (s); None when the drive's own scale suffices."""
    thresholds_depend_on_state: ClassVar[bool] = False
    """True when :attr:`thresholds` hold at ``x0`` only (a current-controlled model, whose
    voltage thresholds scale with R(x)): fixed-voltage half-select margins do not apply."""
    spice_write_reltol: ClassVar[float] = 1e-7
    """ngspice reltol of array write decks: fast, and within about 1e-5 of the state range
    of the tight setting (the study in docs/write-tolerances.md)."""
    spice_write_max_step_s: ClassVar[float | None] = None
    """Largest time step of array write decks (s); None: ``spice_max_step_s``."""
    spice_write_tight_reltol: ClassVar[float] = 1e-7
    """ngspice reltol of reference write runs (with ``spice_max_step_s``), within about
    2e-6 of the state range of the finest runs of the study."""
    presets: ClassVar[Mapping[str, Preset]] = {}
    """Named parameter sets (preset name to :class:`Preset`: overrides of the defaults with their
    citation), for ``pymem.devices.get(name, preset=...)`` and ``--preset`` on the CLI."""

    # ----- equations (numpy) -------------------------------------------------
    @property
    @abstractmethod
    def x_bounds(self) -> tuple[float, float]:
        """Lowest and highest state (state units)."""

    @abstractmethod
    def current(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """Device current (A) for voltage ``v`` (V) across p-n at state ``x``; broadcasts."""

    @abstractmethod
    def dxdt(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """State rate (state units / s) for voltage ``v`` (V) at state ``x``; broadcasts."""

    @property
    def thresholds(self) -> tuple[float, float] | None:
        """Write thresholds ``(v_neg, v_pos)`` in V (v_neg < 0 < v_pos), or None."""
        return None

    # ----- the same equations as SPICE text ------------------------------------
    @abstractmethod
    def spice_params(self) -> dict[str, float]:
        """Subcircuit parameters (name to SI value) the expressions refer to."""

    @abstractmethod
    def spice_current(self, v: str, x: str) -> str:
        """B-source expression of the current (A) in terms of the symbols ``v`` and ``x``."""

    @abstractmethod
    def spice_dxdt(self, v: str, x: str) -> str:
        """B-source expression of dx/dt in terms of the symbols ``v`` and ``x``."""

    def demo_drive(self) -> Sine:
        """A sine drive that switches this device visibly (for examples, plots and tests)."""
        return Sine(1.0, 1.0, cycles=1)

    @property
    def subckt_name(self) -> str:
        """Name of the emitted ``.subckt``."""
        return f"pymem_{self.name.replace('-', '_')}"

    # ----- derived -------------------------------------------------------------
    @property
    def x_range(self) -> float:
        """Width of the state range (state units)."""
        lo, hi = self.x_bounds
        return hi - lo

    def with_params(self, **overrides: object) -> DeviceModel:
        """A copy with some parameters replaced (validated again)."""
        return dataclasses.replace(self, **overrides)  # type: ignore[type-var]

    def conductance(self, x: ArrayLike, v_read: float) -> NDArray[np.float64]:
        """Chord conductance I/V (S) at state ``x`` and read voltage ``v_read`` (V, != 0)."""
        if v_read == 0 or not np.isfinite(v_read):
            raise ParameterError(f"read voltage must be finite and non-zero, got {v_read!r}")
        return np.asarray(self.current(v_read, x), dtype=float) / v_read

    def state_for_conductance(self, g: ArrayLike, v_read: float) -> NDArray[np.float64]:
        """State giving chord conductance ``g`` (S) at ``v_read`` (V): inverse of :meth:`conductance`.

        Solved by bisection over the state bounds (the conductance is monotonic
        in the state for every model here), to :data:`BISECTION_XTOL` of the state range.

        Raises
        ------
        ParameterError
            If a target lies outside the reachable conductance range.
        """
        g = np.asarray(g, dtype=float)
        lo, hi = self.x_bounds
        g_lo = float(self.conductance(lo, v_read))
        g_hi = float(self.conductance(hi, v_read))
        g_min, g_max = min(g_lo, g_hi), max(g_lo, g_hi)
        bad = ~((g >= g_min * (1 - CONDUCTANCE_RANGE_RTOL)) & (g <= g_max * (1 + CONDUCTANCE_RANGE_RTOL)))
        if np.any(bad):
            raise ParameterError(
                f"target conductance {float(g[bad].ravel()[0])!r} S is outside what {self.name} reaches "
                f"at {v_read} V: [{g_min:.6g}, {g_max:.6g}] S; map your weights into that range"
            )
        increasing = g_hi > g_lo
        a = np.full(g.shape, lo)
        b = np.full(g.shape, hi)
        for _ in range(BISECTION_MAX_STEPS):
            mid = 0.5 * (a + b)
            gm = self.conductance(mid, v_read)
            go_up = (gm < g) == increasing
            a = np.where(go_up, mid, a)
            b = np.where(go_up, b, mid)
            if np.all(b - a < BISECTION_XTOL * (hi - lo)):
                break
        return 0.5 * (a + b)

    def check_x0(self) -> None:
        """Raise if ``x0`` is outside the state bounds; call from ``__post_init__``."""
        lo, hi = self.x_bounds
        if isinstance(self.x0, bool) or not isinstance(self.x0, int | float | np.integer | np.floating):
            raise ParameterError(
                f"x0={self.x0!r} of {self.name} is not a number; give an initial state in [{lo}, {hi}]"
            )
        if not (np.isfinite(self.x0) and lo <= self.x0 <= hi):
            raise ParameterError(
                f"x0={self.x0!r} is outside the state range [{lo}, {hi}] of {self.name}; "
                "give an initial state inside it"
            )

    def subckt(self) -> str:
        """The ``.subckt`` text of this model for ngspice 39 and newer.

        Ports ``p n``; the internal node ``x`` holds the state as a voltage.
        Parameters (``x0``, ``gscale`` and the model's own) can be overridden per
        instance; ``gscale`` scales the device current (device-to-device
        variability of the conducting area), leaving the state dynamics alone.
        """
        v, x = "v(p,n)", "v(x)"
        params = {"x0": float(self.x0), **self.spice_params(), "gscale": 1.0}
        body = [
            nl.bsource("Bi", "p", "n", f"gscale*({self.spice_current(v, x)})"),
            nl.bsource("Bx", "0", "x", self.spice_dxdt(v, x)),
            "Cx x 0 1 IC={x0}",
            nl.resistor("Rx", "x", "0", STATE_LEAK_OHM),
            f"Ix0 0 x DC {{x0/{nl.fmt(STATE_LEAK_OHM)}}}",
        ]
        comment = f"pymem {self.name} memristor: ports p n; state v(x)\n{self.citation}"
        return nl.subckt(self.subckt_name, ["p", "n"], body, params, comment=comment)
