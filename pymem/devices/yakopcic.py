"""Yakopcic generalised memristor model (threshold drive, exponential-decay motion windows).

Yakopcic, Taha, Subramanyam, Pino & Rogers, "A Memristor Device Model",
IEEE Electron Device Letters 32(10), 1436-1438 (2011); Yakopcic, Taha,
Subramanyam & Pino, "Generalized Memristive Device SPICE Model and its
Application in Circuit Design", IEEE TCAD 32(8), 1201-1214 (2013).

State ``x`` in [0, 1] (dimensionless). Equations as written in the papers
(``V`` in volts inside the exponentials, as there):

    I(V, x)  = a1 x sinh(b V)                      V >= 0
             = a2 x sinh(b V)                      V <  0
    g(V)     = Ap (e^V - e^Vp)                     V >  Vp
             = -An (e^-V - e^Vn)                   V < -Vn
             = 0                                   otherwise
    f(x)     = e^(-alphap (x - xp)) wp(x, xp)      eta V > 0 and x >= xp
             = e^( alphan (x + xn - 1)) wn(x, xn)  eta V <= 0 and x <= 1 - xn
             = 1                                   otherwise
    wp(x, xp) = (xp - x) / (1 - xp) + 1 = (1 - x) / (1 - xp)
    wn(x, xn) = x / (1 - xn)
    dx/dt    = eta g(V) f(x)

Both thresholds are magnitudes: ``v_p_v`` = Vp > 0 and ``v_n_v`` = Vn > 0;
the negative threshold sits at -Vn (the papers' convention). ``wp`` vanishes
at x = 1 and ``wn`` at x = 0, so the state stops at its bounds; the state
is also clamped to [0, 1] inside every expression. At x = 0 the current is
zero for every V (the papers' lower bound, kept as published); the chord
conductance ``a x sinh(b V) / V`` is linear in x, so the conductance-state
mapping of :class:`DeviceModel` is monotonic and includes g = 0 at x = 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem.devices.base import DeviceModel, Preset, require, spice_clamp01
from pymem.devices.waveforms import Sine


def _finite_positive(value: float) -> bool:
    return bool(np.isfinite(value) and value > 0)


@dataclass(frozen=True)
class Yakopcic(DeviceModel):
    """Yakopcic model; defaults: the fit to the Ag-chalcogenide device of Oblea et al. (EDL 2011)."""

    v_p_v: float = 0.16
    """Positive write threshold Vp (V, > 0); the state moves for V > Vp."""
    v_n_v: float = 0.15
    """Negative write threshold magnitude Vn (V, > 0); the state moves for V < -Vn."""
    a_p_per_s: float = 4000.0
    """Positive motion amplitude Ap (1/s, > 0)."""
    a_n_per_s: float = 4000.0
    """Negative motion amplitude An (1/s, > 0)."""
    x_p: float = 0.3
    """State above which positive motion decays, xp (dimensionless, in (0, 1))."""
    x_n: float = 0.5
    """Negative motion decays below x = 1 - xn, xn (dimensionless, in (0, 1))."""
    alpha_p: float = 1.0
    """Decay rate of positive motion alphap (dimensionless, >= 0)."""
    alpha_n: float = 5.0
    """Decay rate of negative motion alphan (dimensionless, >= 0)."""
    a1_a: float = 0.17
    """Current amplitude for V >= 0, a1 (A, > 0)."""
    a2_a: float = 0.17
    """Current amplitude for V < 0, a2 (A, > 0)."""
    b_per_v: float = 0.05
    """Curvature of the sinh I-V, b (1/V, > 0)."""
    eta: float = 1.0
    """Direction of state motion relative to the voltage polarity, +1 or -1 (dimensionless)."""
    x0: float = 0.11
    """Initial state (dimensionless, in [0, 1])."""

    name: ClassVar[str] = "yakopcic"
    spice_write_reltol: ClassVar[float] = 1e-8
    spice_write_tight_reltol: ClassVar[float] = 1e-9
    presets: ClassVar[Mapping[str, Preset]] = {
        "oblea": Preset(
            {},
            "Yakopcic, Taha, Subramanyam, Pino & Rogers, IEEE EDL 32(10), 1436 (2011): the fit to the "
            "Ag-chalcogenide device of Oblea et al. (IJCNN 2010) (the defaults)",
        ),
    }
    citation: ClassVar[str] = (
        "Yakopcic et al., IEEE EDL 32(10), 1436 (2011); Yakopcic et al., IEEE TCAD 32(8), 1201 (2013); "
        "defaults: fit to the Ag-chalcogenide device of Oblea et al. (IJCNN 2010)"
    )

    def __post_init__(self) -> None:
        for key, value, unit in (("v_p_v", self.v_p_v, "V"), ("v_n_v", self.v_n_v, "V")):
            require(
                _finite_positive(value),
                f"{key}={value!r} must be a finite threshold magnitude > 0 {unit}: the negative "
                "threshold sits at -v_n_v, so give both thresholds as positive numbers",
            )
        for key, value, unit in (
            ("a_p_per_s", self.a_p_per_s, "1/s"),
            ("a_n_per_s", self.a_n_per_s, "1/s"),
            ("a1_a", self.a1_a, "A"),
            ("a2_a", self.a2_a, "A"),
            ("b_per_v", self.b_per_v, "1/V"),
        ):
            require(
                _finite_positive(value),
                f"{key}={value!r} must be finite and > 0 {unit}; a zero or negative value has no "
                "meaning in the Yakopcic model (set eta=-1 to reverse the switching direction)",
            )
        for key, value in (("x_p", self.x_p), ("x_n", self.x_n)):
            require(
                bool(np.isfinite(value) and 0 < value < 1),
                f"{key}={value!r} must lie strictly inside (0, 1): the window divides by 1 - {key}",
            )
        for key, value in (("alpha_p", self.alpha_p), ("alpha_n", self.alpha_n)):
            require(
                bool(np.isfinite(value) and value >= 0),
                f"{key}={value!r} must be finite and >= 0 (a decay rate); use 0 for no decay",
            )
        require(
            self.eta in (1.0, -1.0),
            f"eta={self.eta!r} must be +1 or -1 (the direction of state motion); use -1 to swap polarity",
        )
        self.check_x0()

    @property
    def x_bounds(self) -> tuple[float, float]:
        return (0.0, 1.0)

    def demo_drive(self) -> Sine:
        """The drive of the Oblea fit: a 0.45 V, 100 Hz sine."""
        return Sine(0.45, 100.0, cycles=1)

    @property
    def thresholds(self) -> tuple[float, float]:
        return (-self.v_n_v, self.v_p_v)

    # ----- equations (numpy) ---------------------------------------------------
    def current(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        v = np.asarray(v, dtype=float)
        xc = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
        amp = np.where(v >= 0, self.a1_a, self.a2_a)
        return amp * xc * np.sinh(self.b_per_v * v)

    def threshold_rate(self, v: ArrayLike) -> NDArray[np.float64]:
        """The threshold function g(V) (1/s) at voltage ``v`` (V); zero for -Vn <= V <= Vp."""
        v = np.asarray(v, dtype=float)
        up = self.a_p_per_s * np.maximum(np.exp(v) - np.exp(self.v_p_v), 0.0)
        down = self.a_n_per_s * np.maximum(np.exp(-v) - np.exp(self.v_n_v), 0.0)
        return up - down

    def motion_window(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """The motion function f(x) (dimensionless, in [0, 1]); its branch follows sign(eta V)."""
        v = np.asarray(v, dtype=float)
        xc = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
        # x >= xp: e^(-alphap (x - xp)) (1 - x)/(1 - xp); x < xp: 1 (both factors are 1 there)
        f_pos = np.exp(-self.alpha_p * np.maximum(xc - self.x_p, 0.0)) * np.minimum(
            (1.0 - xc) / (1.0 - self.x_p), 1.0
        )
        # x <= 1 - xn: e^(alphan (x + xn - 1)) x/(1 - xn); x > 1 - xn: 1
        f_neg = np.exp(self.alpha_n * np.minimum(xc + self.x_n - 1.0, 0.0)) * np.minimum(
            xc / (1.0 - self.x_n), 1.0
        )
        return np.where(self.eta * v > 0, f_pos, f_neg)

    def dxdt(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        return self.eta * self.threshold_rate(v) * self.motion_window(v, x)

    # ----- SPICE ---------------------------------------------------------------
    def spice_params(self) -> dict[str, float]:
        return {
            "vp": self.v_p_v,
            "vn": self.v_n_v,
            "ap": self.a_p_per_s,
            "an": self.a_n_per_s,
            "xp": self.x_p,
            "xn": self.x_n,
            "alphap": self.alpha_p,
            "alphan": self.alpha_n,
            "a1": self.a1_a,
            "a2": self.a2_a,
            "bcurv": self.b_per_v,
            "eta": self.eta,
        }

    def spice_current(self, v: str, x: str) -> str:
        return f"(({v})>=0?a1:a2)*{spice_clamp01(x)}*sinh(bcurv*({v}))"

    def spice_dxdt(self, v: str, x: str) -> str:
        xc = spice_clamp01(x)
        g = f"(ap*max(exp({v})-exp(vp),0)-an*max(exp(-({v}))-exp(vn),0))"
        f_pos = f"exp(-alphap*max({xc}-xp,0))*min((1-{xc})/(1-xp),1)"
        f_neg = f"exp(alphan*min({xc}+xn-1,0))*min({xc}/(1-xn),1)"
        return f"eta*{g}*((eta*({v})>0)?({f_pos}):({f_neg}))"
