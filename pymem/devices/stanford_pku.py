"""Stanford-PKU RRAM model: a filament gap that grows and shrinks by field- and heat-driven hopping.

Jiang, Wu, Yu, Yang, Song, Karim, Wong, "A Compact Model for Metal-Oxide
Resistive Random Access Memory With Experiment Verification", IEEE TED 63(5),
1884-1892 (2016); SISPAD 2014 version; the authors' Verilog-A release
"Stanford University RRAM Model v1.0.0" (Z. Jiang, H.-S. P. Wong,
doi:10.4231/D37H1DN48, 2014). The equations below are those of that release,
written from its published equations and parameter list (no code copied).

State ``x = g``: the tunnelling gap between the filament tip and the electrode,
in nm (O(1)), clamped to ``[g_min, g_max]``. With ``V`` the voltage across the
device (top minus bottom electrode, V):

    I     = I0 exp(-g/g0) sinh(V/V0)                                     (current)
    T     = T0 + |V I| Rth                                   (algebraic Joule heating)
    gamma = gamma_0 - beta (g/g1)^3,  gamma_0 = gamma0 (V > 0) or gamma0_reset (V < 0)
    gamma = gamma S(gamma |V| / tox - F_min)                 (minimum-field gate)
    dg/dt = -nu0 exp(-Ea/(kT)) sinh(gamma a0 V / (tox k T))              (gap rate)

where ``S(f) = (1 + tanh(f / w_F)) / 2`` is the release's hard step
``f >= 0`` smoothed over ``w_F = f_min_width_v_per_m`` (1.4e6 V/m, 0.1 % of
F_min: about 1.4 mV of gate voltage; tanh is exactly +-1 in floating point
beyond 20 widths, so the gate is exactly 0 or 1 away from that band), and the
rate is brought to zero at the bounds by a linear ramp of width
``bound_width_m`` (1e-3 nm by default): ``dg/dt * clip((g - g_min)/w, 0, 1)``
while setting, ``dg/dt * clip((g_max - g)/w, 0, 1)`` while resetting. The
release clamps the integrated gap instead (an ``if`` after ``idt``), which
winds up past the bound and is not Lipschitz; the ramp keeps the state inside
its bounds with a continuous rate, the same in numpy and in SPICE.
Positive ``V`` (set) shrinks the gap and lowers the resistance; negative ``V``
(reset) widens it. The variability term of the release (a Gaussian gap rate
scaled by ``deltaGap0 / (1 + exp((T_crit - T)/T_smth))``) is left out; it adds
to :meth:`StanfordPKU.drift_rate` before the bound gate, where a later model
variant can put it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import constants, integrate

from pymem.devices.base import DeviceModel, Preset, require
from pymem.devices.waveforms import Sine

K_B_EV = constants.k / constants.e
"""Boltzmann constant in eV/K (k/q), so that ``Ea/(k T)`` takes ``Ea`` in eV."""

PER_NM = 1e9
"""Nanometres per metre: the state is the gap in nm (multiplying, 0.2e-9 * 1e9 is exactly 0.2)."""

SWITCH_TIME_S = 1e-6
"""Pulse length (s) that defines the effective switching voltages (:attr:`StanfordPKU.thresholds`)."""


@dataclass(frozen=True)
class StanfordPKU(DeviceModel):
    """Stanford-PKU RRAM model; defaults are the published v1.0.0 parameter set (HfOx)."""

    i0_a: float = 1e-3
    """Current scale I0 (A)."""
    g0_m: float = 0.25e-9
    """Gap decay length of the tunnelling current g0 (m)."""
    v0_v: float = 0.25
    """Voltage scale of the current non-linearity V0 (V)."""
    nu0_m_per_s: float = 10.0
    """Gap velocity prefactor (Vel0 of the release) (m/s)."""
    ea_ev: float = 0.6
    """Activation energy of vacancy generation and migration Ea (eV)."""
    a0_m: float = 0.25e-9
    """Atomic hopping distance a0 (m)."""
    tox_m: float = 12e-9
    """Oxide thickness tox (m)."""
    gamma0: float = 16.0
    """Field enhancement factor at zero gap for set, V > 0 (dimensionless)."""
    gamma0_reset: float = 16.0
    """Field enhancement factor at zero gap for reset, V < 0 (dimensionless; 16 hard-coded in v1.0.0)."""
    beta: float = 0.8
    """Decrease of the enhancement factor with the gap, gamma = gamma0 - beta (g/g1)^3 (dimensionless)."""
    g1_m: float = 1e-9
    """Gap scale of the enhancement-factor decrease g1 (m)."""
    f_min_v_per_m: float = 1.4e9
    """Minimum field gamma |V| / tox below which the gap does not move (V/m); 0 disables the gate."""
    f_min_width_v_per_m: float = 1.4e6
    """Width of the tanh step of the minimum-field gate (V/m); the release has a hard step."""
    rth_k_per_w: float = 2.1e3
    """Effective thermal resistance Rth (K/W)."""
    t0_k: float = 298.0
    """Ambient temperature T0 (K)."""
    g_min_m: float = 0.2e-9
    """Smallest gap g_min, the low-resistance state (m)."""
    g_max_m: float = 1.7e-9
    """Largest gap g_max, the high-resistance state (m)."""
    bound_width_m: float = 1e-12
    """Width of the ramp that stops the gap rate at g_min and g_max (m); not in the release."""
    x0: float = 0.2
    """Initial gap (nm, in [g_min, g_max]); the release starts at g_min (0.2 nm)."""

    name: ClassVar[str] = "stanford-pku"
    spice_max_step_s: ClassVar[float | None] = 5e-12
    """The set is a runaway (the gap rate climbs 4e5 -> 2e9 nm/s within a few hundred ps)
    and ngspice does not shrink its step for it: 5 ps keeps the state within 1e-4 of the
    range of the reference (1e-3 at 20 ps, 3e-3 at 50 ps)."""
    spice_write_reltol: ClassVar[float] = 1e-8
    spice_write_tight_reltol: ClassVar[float] = 1e-9
    presets: ClassVar[Mapping[str, Preset]] = {
        "release": Preset(
            {}, "Stanford RRAM Verilog-A model v1.0.0 (HfOx), doi:10.4231/D37H1DN48 (the defaults)"
        ),
    }
    citation: ClassVar[str] = (
        "Jiang et al., IEEE TED 63(5), 1884 (2016); "
        "Stanford RRAM Verilog-A model v1.0.0, doi:10.4231/D37H1DN48"
    )

    def __post_init__(self) -> None:
        for field, unit in (
            ("i0_a", "A"),
            ("g0_m", "m"),
            ("v0_v", "V"),
            ("nu0_m_per_s", "m/s"),
            ("ea_ev", "eV"),
            ("a0_m", "m"),
            ("tox_m", "m"),
            ("g1_m", "m"),
            ("rth_k_per_w", "K/W"),
            ("t0_k", "K"),
            ("g_min_m", "m"),
            ("f_min_width_v_per_m", "V/m"),
        ):
            value = getattr(self, field)
            require(
                bool(np.isfinite(value) and value > 0),
                f"{field} must be finite and > 0 {unit}, got {value!r}; give a positive value in SI units",
            )
        for field in ("gamma0", "gamma0_reset", "beta", "f_min_v_per_m"):
            value = getattr(self, field)
            require(
                bool(np.isfinite(value) and value >= 0),
                f"{field} must be finite and >= 0, got {value!r}",
            )
        require(
            bool(np.isfinite(self.g_max_m) and self.g_max_m > self.g_min_m),
            f"g_max_m={self.g_max_m!r} must exceed g_min_m={self.g_min_m!r}; "
            "swap them or widen the gap range",
        )
        widest = 0.01 * (self.g_max_m - self.g_min_m)
        require(
            bool(np.isfinite(self.bound_width_m) and 0 < self.bound_width_m <= widest),
            f"bound_width_m={self.bound_width_m!r} must be > 0 and at most 1 % of the gap range "
            f"({widest:.3g} m); a wider stop distorts the model",
        )
        for field in ("gamma0", "gamma0_reset"):
            g_top = getattr(self, field) - self.beta * (self.g_max_m / self.g1_m) ** 3
            require(
                g_top > 0,
                f"{field} - beta (g_max/g1)^3 = {g_top:.6g} <= 0: the enhancement factor changes sign "
                f"inside the gap range; raise {field}, lower beta or g_max_m",
            )
        self.check_x0()

    # ----- state -------------------------------------------------------------
    @property
    def x_bounds(self) -> tuple[float, float]:
        return (self.g_min_m * PER_NM, self.g_max_m * PER_NM)

    def _gap(self, x: ArrayLike) -> NDArray[np.float64]:
        """The gap (nm) clamped to its bounds."""
        lo, hi = self.x_bounds
        return np.clip(np.asarray(x, dtype=float), lo, hi)

    # ----- equations -----------------------------------------------------------
    def current(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        v = np.asarray(v, dtype=float)
        return self.i0_a * np.exp(-self._gap(x) / (self.g0_m * PER_NM)) * np.sinh(v / self.v0_v)

    def temperature(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """Local filament temperature ``T = T0 + |V I| Rth``.

        Parameters
        ----------
        v : array_like
            Voltage across the device (V).
        x : array_like
            Gap (nm); broadcast against ``v``.

        Returns
        -------
        ndarray, broadcast shape of ``v`` and ``x``
            Temperature (K).
        """
        v = np.asarray(v, dtype=float)
        return self.t0_k + np.abs(v * self.current(v, x)) * self.rth_k_per_w

    def gamma(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """Field enhancement factor ``gamma`` after the minimum-field gate.

        Parameters
        ----------
        v : array_like
            Voltage across the device (V); its sign picks ``gamma0`` or ``gamma0_reset``.
        x : array_like
            Gap (nm); broadcast against ``v``.

        Returns
        -------
        ndarray, broadcast shape of ``v`` and ``x``
            ``gamma`` (dimensionless), exactly 0 well below the gate.
        """
        v = np.asarray(v, dtype=float)
        g0 = np.where(v > 0, self.gamma0, self.gamma0_reset)
        gam = g0 - self.beta * (self._gap(x) / (self.g1_m * PER_NM)) ** 3
        if self.f_min_v_per_m == 0:
            return gam + 0.0 * v
        step = 0.5 * (
            1.0 + np.tanh((gam * np.abs(v) / self.tox_m - self.f_min_v_per_m) / self.f_min_width_v_per_m)
        )
        return gam * step

    def drift_rate(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """Gap rate before the bound ramp; a variability term would add here.

        Parameters
        ----------
        v : array_like
            Voltage across the device (V).
        x : array_like
            Gap (nm); broadcast against ``v``.

        Returns
        -------
        ndarray, broadcast shape of ``v`` and ``x``
            dg/dt (nm/s): negative (set) for ``v > 0``, positive (reset) for ``v < 0``.
        """
        v = np.asarray(v, dtype=float)
        kt = K_B_EV * self.temperature(v, x)
        field = self.gamma(v, x) * self.a0_m * v / (self.tox_m * kt)
        return -(self.nu0_m_per_s * PER_NM) * np.exp(-self.ea_ev / kt) * np.sinh(field)

    def dxdt(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        # the rate has the sign of -V (gamma >= 0): set (V > 0) ramps down to 0
        # over the last bound_width above g_min, reset (V < 0) below g_max
        v = np.asarray(v, dtype=float)
        x = np.asarray(x, dtype=float)
        lo, hi = self.x_bounds
        w = self.bound_width_m * PER_NM
        stop = np.where(v > 0, np.clip((x - lo) / w, 0.0, 1.0), np.clip((hi - x) / w, 0.0, 1.0))
        return self.drift_rate(v, x) * stop

    # ----- effective thresholds -------------------------------------------------
    def switching_time(self, v: float, g_from: float, g_to: float) -> float:
        """Time a constant voltage takes to move the gap from ``g_from`` to ``g_to``.

        ``t = integral of dg / |dg/dt|`` along the way (scipy ``quad``, relative
        accuracy 1e-8), with Joule heating and without the bound ramp.

        Parameters
        ----------
        v : float
            Constant voltage across the device (V).
        g_from, g_to : float
            Start and end gap (nm).

        Returns
        -------
        float
            Time (s); ``inf`` when the rate vanishes or points the other way
            somewhere on the way (below the gate, or the wrong polarity).
        """
        a, b = sorted((g_from, g_to))
        grid = np.linspace(a, b, 401)
        rate = self.drift_rate(v, grid) * np.sign(g_to - g_from)
        if not np.all(rate > 0):
            return float("inf")
        t, _ = integrate.quad(
            lambda g: 1.0 / float(np.abs(self.drift_rate(v, g))), a, b, limit=200, epsabs=0, epsrel=1e-8
        )
        return float(t)

    def demo_drive(self) -> Sine:
        """A 1.7 V, 2 MHz sine: one full reset and set of the default device."""
        return Sine(1.7, 2e6, cycles=1)

    @cached_property
    def thresholds(self) -> tuple[float, float]:
        """Effective write voltages ``(v_reset, v_set)`` (V): switching half the range in 1 us.

        ``v_set`` is the constant positive voltage that moves the gap from
        ``g_max`` to the middle of the range in :data:`SWITCH_TIME_S` (1 us),
        ``v_reset`` the negative one that moves it from ``g_min`` to the
        middle, both with Joule heating from ``T0``; found by bisection on
        :meth:`switching_time` to 1e-9 V. A read below half of these (and
        below the minimum-field gate ``F_min tox / gamma``) moves nothing.
        For the defaults: (-1.1136, 1.3920) V; the set value is the gate
        ``F_min tox / gamma(g_max)`` (1.3919 V), above which the runaway set
        takes less than 0.5 us.

        Raises
        ------
        ParameterError
            If even 100 V does not switch half the range in 1 us.
        """
        lo, hi = self.x_bounds
        mid = 0.5 * (lo + hi)

        def solve(sign: float, g_from: float) -> float:
            a, b = 0.0, 1.0
            while self.switching_time(sign * b, g_from, mid) > SWITCH_TIME_S:
                a, b = b, 2.0 * b
                require(
                    b <= 100.0,
                    f"{self.name} with these parameters cannot switch half its range in "
                    f"{SWITCH_TIME_S} s below 100 V; check nu0_m_per_s, ea_ev and gamma0",
                )
            while b - a > 1e-9:
                m = 0.5 * (a + b)
                a, b = (a, m) if self.switching_time(sign * m, g_from, mid) <= SWITCH_TIME_S else (m, b)
            return sign * b

        return (solve(-1.0, lo), solve(1.0, hi))

    def gate_voltage(self, x: float, polarity: int) -> float:
        """Voltage at which the minimum-field gate opens for the gap ``x``: ``F_min tox / gamma(x)``.

        Parameters
        ----------
        x : float
            Gap (nm).
        polarity : {1, -1}
            +1 for set (uses ``gamma0``), -1 for reset (uses ``gamma0_reset``).

        Returns
        -------
        float
            Gate voltage (V), signed like ``polarity``; 0 when ``F_min`` is 0.
            The smoothed gate is half open there and fully shut 20 widths below.
        """
        g0 = self.gamma0 if polarity > 0 else self.gamma0_reset
        gam = g0 - self.beta * (float(self._gap(x)) / (self.g1_m * PER_NM)) ** 3
        return float(np.sign(polarity) * self.f_min_v_per_m * self.tox_m / gam)

    # ----- SPICE ---------------------------------------------------------------
    def spice_params(self) -> dict[str, float]:
        lo, hi = self.x_bounds
        return {
            "i0": self.i0_a,
            "g0n": self.g0_m * PER_NM,
            "vsc": self.v0_v,
            "nu0n": self.nu0_m_per_s * PER_NM,
            "ea": self.ea_ev,
            "kbq": K_B_EV,
            "a0": self.a0_m,
            "tox": self.tox_m,
            "gams": self.gamma0,
            "gamr": self.gamma0_reset,
            "betag": self.beta,
            "g1n": self.g1_m * PER_NM,
            "fmin": self.f_min_v_per_m,
            "fminw": self.f_min_width_v_per_m,
            "rth": self.rth_k_per_w,
            "tamb": self.t0_k,
            "glo": lo,
            "ghi": hi,
            "gbw": self.bound_width_m * PER_NM,
        }

    @staticmethod
    def _gc(x: str) -> str:
        return f"min(max({x},glo),ghi)"

    def spice_current(self, v: str, x: str) -> str:
        return f"i0*exp(-{self._gc(x)}/g0n)*sinh({v}/vsc)"

    def _spice_drift(self, v: str, x: str) -> str:
        temp = f"(tamb+abs({v}*({self.spice_current(v, x)}))*rth)"
        gam_raw = f"(({v}>0?gams:gamr)-betag*pow({self._gc(x)}/g1n,3))"
        if self.f_min_v_per_m == 0:
            gam = gam_raw
        else:
            gam = f"({gam_raw}*0.5*(1+tanh(({gam_raw}*abs({v})/tox-fmin)/fminw)))"
        return f"(-nu0n*exp(-ea/(kbq*{temp}))*sinh({gam}*a0*{v}/(tox*kbq*{temp})))"

    def spice_dxdt(self, v: str, x: str) -> str:
        stop = f"({v}>0?min(max(({x}-glo)/gbw,0),1):min(max((ghi-{x})/gbw,0),1))"
        return f"{self._spice_drift(v, x)}*{stop}"
