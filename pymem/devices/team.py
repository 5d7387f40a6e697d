"""TEAM: the current-controlled threshold adaptive memristor model.

Kvatinsky, Friedman, Kolodny & Weiser, "TEAM: ThrEshold Adaptive Memristor
Model", IEEE TCAS-I 60(1), 211-221 (2013).

Same state, resistance laws and windows as :mod:`pymem.devices.vteam`
(``x = (w - w_on)/(w_off - w_on)`` in [0, 1], ON end at x = 0), but the drift
is controlled by the device current ``i = v / R(x)``:

    dx/dt = k_off/(w_off - w_on) (i/i_off - 1)^alpha_off f(x, i)   i > i_off > 0
          = 0                                                    i_on < i < i_off
          = k_on /(w_off - w_on) (i/i_on  - 1)^alpha_on  f(x, i)   i < i_on < 0

written without branches as in VTEAM. Since R > 0, ``i`` and ``v`` have the
same sign, so the windows pick their branch by ``v``.

The current thresholds correspond to state-dependent voltage thresholds
``v = i R(x)``; :attr:`TEAM.thresholds` returns them at the initial state x0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem.constants import TEAM_WINDOWS, RModel, TeamWindow
from pymem.devices import team_windows
from pymem.devices.base import Preset, require
from pymem.devices.team_windows import OWN_WINDOWS
from pymem.devices.vteam import (
    ThresholdModel,
    check_common_fields,
    spice_threshold_rate,
    spice_window,
    threshold_rate,
    window_of,
)
from pymem.devices.waveforms import Sine
from pymem.numeric import significant

XYCE_REGRESSION_SET: Mapping[str, object] = MappingProxyType(
    {
        "r_on_ohm": 50.0,
        "r_off_ohm": 1000.0,
        "w_on_m": 0.0,
        "w_off_m": 3e-9,
        "k_off_m_per_s": 1.46e-18,
        "k_on_m_per_s": -4.68e-22,
        "alpha_off": 10.0,
        "alpha_on": 10.0,
        "i_off_a": 115e-6,
        "i_on_a": -8.9e-6,
        "window": "kvatinsky",
        "a_on_m": 0.0,
        "a_off_m": 3e-9,
        "w_c_m": 1e-12,
        "r_clamped": False,
        "x0": 0.0,
    }
)
"""Xyce's regression test of its TEAM memristor (``memristorTEAM_test.cir``): ``level=2 ron=50
roff=1000 koff=1.46e-18 kon=-4.68e-22 alphaoff=10 alphaon=10 wc=1.0e-12 ioff=115e-6 ion=-8.9e-6
xscaling=1.0e9 wt=4``, Xyce's defaults xon = aon = 0, xoff = aoff = 3 nm and IVRELATION = 0
(linear R), and its DC operating point x = 0. xscaling only sets Xyce's state unit (nm)."""


@dataclass(frozen=True)
class TEAM(ThresholdModel):
    """TEAM model; defaults are the TEAM set of Kvatinsky et al.'s reference Verilog-A.

    Rates, exponents, current thresholds and widths from the TEAM branch of
    Kvatinsky, Talisveyberg, Fliter et al., "Verilog-A for Memristor Models"
    (Technion CCIT report 801, 2011): k_off = 8e-13 m/s, k_on = -8e-13 m/s,
    alpha_off = alpha_on = 3, i_off = 115 uA, i_on = -8.9 uA (published as
    +8.9 uA, a sign slip: see docs/models/team.md), x_on = 0, x_off = 3 nm.
    Ron = 50 ohm and Roff = 1 kohm as in the later (2015) release of that code,
    also Xyce's MEMRISTOR level 2 defaults.
    """

    k_on_m_per_s: float = -8e-13
    """Drift coefficient k_on of the ON (i < i_on) branch (m/s, < 0)."""
    k_off_m_per_s: float = 8e-13
    """Drift coefficient k_off of the OFF (i > i_off) branch (m/s, > 0)."""
    alpha_off: float = 3.0
    """Exponent alpha_off of the OFF branch (dimensionless, >= 1)."""
    i_on_a: float = -8.9e-6
    """ON threshold current i_on (A, < 0)."""
    i_off_a: float = 115e-6
    """OFF threshold current i_off (A, > 0)."""
    r_model: RModel = "linear"
    """Resistance law: linear or exponential in the state."""
    window: TeamWindow = "none"
    """Window function: none (f = 1 with an end stop at the bounds), biolek, joglekar, prodromakis
    or kvatinsky (the TEAM paper's own f_off / f_on; Xyce's window type 4)."""
    p: float = 1.0
    """Biolek, Joglekar and Prodromakis window exponent p (dimensionless, whole number 1..10)."""
    j: float = 1.0
    """Prodromakis window scale j (dimensionless, > 0)."""
    a_on_m: float = 0.0
    """Kvatinsky window: position a_on where f_on falls to exp(-1) (m); Xyce's AON default."""
    a_off_m: float = 3e-9
    """Kvatinsky window: position a_off where f_off falls to exp(-1) (m); Xyce's AOFF default."""
    w_c_m: float = 1.07e-12
    """Kvatinsky window: width w_c of its fall (m, > 0); Xyce's WC default."""
    r_clamped: bool = True
    """R(x) of the state clamped to [0, 1] (True), or of the state as it is (False: the TEAM paper
    and Xyce, where the soft Kvatinsky window lets the state, and R, pass the bounds slightly)."""
    stop_layer: float = 1e-3
    """Window none: end-stop width, the last part of the range where the rate ramps to 0 (in (0, 0.1])."""
    x0: float = 0.5
    """Initial state (w0 - w_on) / (w_off - w_on) (dimensionless, in [0, 1])."""

    name: ClassVar[str] = "team"
    thresholds_depend_on_state: ClassVar[bool] = True
    presets: ClassVar[Mapping[str, Preset]] = {
        "kvatinsky": Preset(
            {},
            "the TEAM set of Kvatinsky et al.'s reference Verilog-A (Technion CCIT report 801, 2011), "
            "i_on sign fixed (the defaults)",
        ),
        "xyce": Preset(
            XYCE_REGRESSION_SET,
            "Xyce's regression test memristorTEAM_test.cir (MEMRISTOR level 2, window type 4)",
        ),
    }
    """``xyce``: Xyce's MEMRISTOR level 2 equations with window type 4 (the TEAM paper's own
    window, R of the unclamped state) and the parameter set of Xyce's regression test
    ``memristorTEAM_test.cir``; see docs/models/team.md."""
    citation: ClassVar[str] = (
        "Kvatinsky, Friedman, Kolodny & Weiser, IEEE TCAS-I 60(1), 211 (2013); defaults: TEAM set "
        "of Kvatinsky et al.'s reference Verilog-A (Technion CCIT report 801, 2011), i_on sign fixed"
    )

    def __post_init__(self) -> None:
        check_common_fields(self, TEAM_WINDOWS)
        self.check_thresholds(
            "i_off_a",
            "i_on_a",
            "A",
            "TEAM",
            "a positive i_on (as printed in the 2011 reference code) makes the state drift at zero current",
        )
        self.check_window_fields()
        self.check_x0()

    def check_window_fields(self) -> None:
        """Validate j, a_on, a_off, w_c and r_clamped; raise :class:`ParameterError` naming the field."""
        require(
            math.isfinite(self.j) and self.j > 0,
            f"Prodromakis window scale j must be finite and > 0, got {self.j!r}",
        )
        require(
            math.isfinite(self.w_c_m) and self.w_c_m > 0,
            f"w_c_m must be finite and > 0 m (the Kvatinsky window's width, 1e-12 m in Xyce's "
            f"regression test), got {self.w_c_m!r}",
        )
        require(
            math.isfinite(self.a_on_m) and math.isfinite(self.a_off_m) and self.a_on_m < self.a_off_m,
            f"a_on_m={self.a_on_m!r} must be below a_off_m={self.a_off_m!r} (both finite, in m): "
            "the Kvatinsky window stops ON drives at a_on and OFF drives at a_off",
        )
        require(
            isinstance(self.r_clamped, bool),
            f"r_clamped must be True or False, got {self.r_clamped!r}",
        )
        if self.r_model == "linear" and not self.r_clamped and self.window == "kvatinsky":
            # the ON drive stops within ~4 w_c below a_on (f_on = exp(-e^4) = 2e-24 there);
            # the linear R must stay positive down to 10 w_c below it
            lowest = (self.a_on_m - 10 * self.w_c_m - self.w_on_m) / self.width_m
            require(
                self.r_on_ohm + (self.r_off_ohm - self.r_on_ohm) * lowest > 0,
                f"with r_clamped=False the linear R turns negative where the ON drive stops "
                f"(a_on_m={self.a_on_m!r} is too far below w_on_m={self.w_on_m!r}); raise a_on_m "
                "or keep r_clamped=True",
            )

    @property
    def thresholds(self) -> tuple[float, float]:
        """Voltage thresholds ``(i_on R(x0), i_off R(x0))`` (V) at the initial state x0.

        TEAM's thresholds are currents; the voltage that reaches them scales
        with R(x), so these hold while the state stays at x0.
        """
        r0 = float(self.resistance(self.x0))
        return (self.i_on_a * r0, self.i_off_a * r0)

    def demo_drive(self) -> Sine:
        """65 mV at 1 Hz, one cycle: just past the OFF threshold at x0 = 0.5 (60.4 mV), then an ON
        drift of a quarter of the range.

        Larger drives end in TEAM's ON runaway (once |i| passes -i_on, R falls, |i| grows and the
        rate with it): the state then reaches x_on within microseconds at a time so sensitive to
        round-off that no two integrators agree on the state at given points (docs/models/team.md).
        """
        return Sine(0.065, 1.0, cycles=1)

    @property
    def window_positions(self) -> tuple[float, float, float]:
        """Kvatinsky window's a_on, a_off and w_c in units of the state range (dimensionless)."""
        w = self.width_m
        return ((self.a_on_m - self.w_on_m) / w, (self.a_off_m - self.w_on_m) / w, self.w_c_m / w)

    def window_value(self, x: ArrayLike, drive: ArrayLike) -> NDArray[np.float64]:
        """The window f(x) (dimensionless); ``drive`` (V or A) picks the branch by its sign."""
        if self.window in OWN_WINDOWS:
            return team_windows.window(x, drive, self.window, self.p, self.j, *self.window_positions)
        return window_of(x, drive, self.window, self.p, self.stop_layer)

    def dxdt(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        i = self.current(v, x)
        rate = threshold_rate(
            i, self.i_off_a, self.i_on_a, self.k_off_per_s, self.k_on_per_s, self.alpha_off, self.alpha_on
        )
        return rate * self.window_value(x, v)

    # ----- SPICE -----------------------------------------------------------------
    def spice_params(self) -> dict[str, float]:
        return {**self.rate_params({"ioff": self.i_off_a, "ion": self.i_on_a}), **self._spice_window_params()}

    def _spice_window_params(self) -> dict[str, float]:
        if self.window == "prodromakis":
            return {"jw": self.j}
        if self.window == "kvatinsky":
            a_on, a_off, w_c = self.window_positions
            return {"aonx": significant(a_on), "aoffx": significant(a_off), "wcx": significant(w_c)}
        return {}

    def spice_dxdt(self, v: str, x: str) -> str:
        rate = spice_threshold_rate(f"({self.spice_current(v, x)})", "ioff", "ion")
        if self.window in OWN_WINDOWS:
            return f"{rate}*{team_windows.spice_window(x, v, self.window, self.p)}"
        return f"{rate}*{spice_window(x, v, self.window, self.p)}"
