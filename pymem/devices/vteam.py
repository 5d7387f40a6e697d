"""VTEAM: the voltage-controlled threshold adaptive memristor model.

Kvatinsky, Ramadan, Friedman & Kolodny, "VTEAM: A General Model for
Voltage-Controlled Memristors", IEEE TCAS-II 62(8), 786-790 (2015).

State ``x = (w - w_on) / (w_off - w_on)`` in [0, 1] (normalised, so O(1)):
x = 0 is the ON (low resistance, Ron) end, x = 1 the OFF end (Roff).

    dx/dt = k_off/(w_off - w_on) (v/v_off - 1)^alpha_off f(x, v)   v > v_off > 0
          = 0                                                    v_on < v < v_off
          = k_on /(w_off - w_on) (v/v_on  - 1)^alpha_on  f(x, v)   v < v_on < 0

(k_off > 0, k_on < 0: a positive voltage turns the device OFF). Written
without branches as ``k_off' max(v/v_off - 1, 0)^a_off + k_on' max(v/v_on - 1, 0)^a_on``:
both terms vanish in the dead zone, and the rate is continuous in ``v``.

Current ``i = v / R(x)`` with

    linear       R = Ron + (Roff - Ron) x
    exponential  R = Ron exp(lambda x),  lambda = ln(Roff / Ron)

(x is clamped to [0, 1] inside R, so R never leaves [Ron, Roff]).

Windows ``f(x, v)`` (x clamped to [0, 1]):

    none    f = min(1, (1 - x)/delta) for v >= 0,  min(1, x/delta) for v < 0
    biolek  f = 1 - (x - s)^(2p),  s = 1 if v < 0 else 0   (zero at the bound the drive pushes towards)

The Biolek window is evaluated as ``d (1 + y + ... + y^(2p-1))`` with ``d`` the
distance to the bound the drive pushes towards (x for v < 0, 1 - x otherwise)
and ``y = 1 - d``: the same polynomial for whole p, but free of the
cancellation in ``1 - (1 - x)^(2p)`` near x = 0, whose round-off (steps of
1e-16 in f) stalls ngspice's step control when a fast ON drive pins the
state at 0. Hence p is a whole number. Both windows vanish 1e-12 inside the
bound (``d`` is replaced by ``d - 1e-12`` in the factor that vanishes) and turn
negative beyond it, so a pinned state settles on the bound to 1e-12 instead of
underflowing towards it.

"none" is the paper's unwindowed drift (f = 1) with an end stop: within the
last ``delta = stop_layer`` (default 1e-3) of the range the rate ramps
linearly to zero at the bound it is pushed towards. A hard stop (f jumping
from 1 to 0 at the bound) is a discontinuity that ngspice overshoots by about
``h rate / 2`` and scipy's LSODA crawls through (minutes per loop); the ramp is
continuous, so both integrate it exactly as written, and the state never
leaves [0, 1].

The window picks its branch by the sign of ``v``; the switch at v = 0 lies in
the dead zone, where the rate is zero, so dx/dt stays continuous in ``v``.

The helpers at module level (rates, windows, resistances, as numpy and as
SPICE text) are shared with the current-controlled TEAM model
(:mod:`pymem.devices.team`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem.constants import R_MODELS, RModel
from pymem.constants import VTEAM_WINDOWS as WINDOWS
from pymem.constants import VteamWindow as Window
from pymem.devices.base import DeviceModel, Preset, require, spice_clamp01
from pymem.devices.waveforms import Sine
from pymem.numeric import significant

BOUND_GAP = 1e-12
"""The windows vanish at ``BOUND_GAP`` inside each bound rather than on it, and
are negative (restoring) beyond: a state pinned at a bound then settles exactly
on ``bound -+ 1e-12`` instead of decaying towards 0 through denormal numbers,
which makes scipy's LSODA return NaN."""


# ----- equations shared with TEAM: numpy ---------------------------------------------
def clamp01(x: ArrayLike) -> NDArray[np.float64]:
    """The state clamped to [0, 1] (dimensionless)."""
    return np.clip(np.asarray(x, dtype=float), 0.0, 1.0)


def resistance_of(
    x: ArrayLike, r_on: float, r_off: float, r_model: str, clamped: bool = True
) -> NDArray[np.float64]:
    """R(x) (ohm) of the normalised state ``x`` (clamped to [0, 1] unless ``clamped=False``); broadcasts."""
    xc = clamp01(x) if clamped else np.asarray(x, dtype=float)
    if r_model == "exponential":
        return r_on * np.exp(math.log(r_off / r_on) * xc)
    return r_on + (r_off - r_on) * xc


def threshold_rate(
    u: ArrayLike, u_off: float, u_on: float, k_off: float, k_on: float, a_off: float, a_on: float
) -> NDArray[np.float64]:
    """The (V)TEAM drift without window, in state units / s.

    ``k_off' max(u/u_off - 1, 0)^a_off + k_on' max(u/u_on - 1, 0)^a_on`` for the
    control quantity ``u`` (voltage for VTEAM, current for TEAM) with thresholds
    ``u_on < 0 < u_off`` and normalised rates ``k_off > 0 > k_on`` (1/s).
    """
    u = np.asarray(u, dtype=float)
    up = np.maximum(u / u_off - 1.0, 0.0)
    dn = np.maximum(u / u_on - 1.0, 0.0)
    return k_off * up**a_off + k_on * dn**a_on


def window_of(x: ArrayLike, drive: ArrayLike, window: str, p: float, layer: float) -> NDArray[np.float64]:
    """The window f(x) (dimensionless); ``drive`` (V or A) picks the branch by its sign.

    With ``d`` the distance to the bound the drive pushes towards (``x`` for
    drive < 0, ``1 - x`` otherwise) and ``g`` = :data:`BOUND_GAP`: ``biolek``
    is ``1 - (1 - d)^(2p)`` (whole p), evaluated as
    ``(d - g) * sum_k (1 - d)^k, k < 2p``; ``none`` is 1, ramping linearly to 0
    over the last ``layer`` of the range: ``min(1, (d - g) / layer)``.
    """
    x = np.asarray(x, dtype=float)
    d = np.where(np.asarray(drive, dtype=float) < 0, x, 1.0 - x)
    if window == "biolek":
        y = 1.0 - d
        poly = np.ones_like(y)
        for _ in range(2 * round(p) - 1):
            poly = 1.0 + y * poly
        return (d - BOUND_GAP) * poly
    return np.minimum(1.0, (d - BOUND_GAP) / layer)


# ----- equations shared with TEAM: SPICE text ----------------------------------------
def spice_resistance(x: str, r_model: str, clamped: bool = True) -> str:
    """B-source text of R(x) over the subcircuit parameters ``ron``, ``roff``, ``lam``.

    ``clamped=False`` uses the state as it is, not clamped to [0, 1] (TEAM's ``r_clamped``).
    """
    xc = spice_clamp01(x) if clamped else x
    if r_model == "exponential":
        return f"(ron*exp(lam*{xc}))"
    return f"(ron+(roff-ron)*{xc})"


def spice_threshold_rate(u: str, u_off: str, u_on: str) -> str:
    """B-source text of :func:`threshold_rate` over ``koffn, konn, aoff, aon`` and the named thresholds.

    ``pow(a, b)`` is ``|a|^b`` in ngspice; its base is ``max(., 0) >= 0`` here.
    """
    return f"(koffn*pow(max({u}/{u_off}-1,0),aoff)+konn*pow(max({u}/{u_on}-1,0),aon))"


def spice_window(x: str, drive: str, window: str, p: float) -> str:
    """B-source text of :func:`window_of` over ``xlayer`` and ``xgap`` (the whole ``p`` is written in)."""
    d = f"(({drive})<0?{x}:1-{x})"
    if window == "biolek":
        poly = "1"
        for _ in range(2 * round(p) - 1):
            poly = f"1+(1-{d})*({poly})"
        return f"(({d}-xgap)*({poly}))"
    return f"min(1,({d}-xgap)/xlayer)"


class SharedFields(Protocol):
    """The fields VTEAM and TEAM share (checked by :func:`check_common_fields`)."""

    r_on_ohm: float
    r_off_ohm: float
    w_on_m: float
    w_off_m: float
    k_on_m_per_s: float
    k_off_m_per_s: float
    alpha_on: float
    alpha_off: float
    r_model: str
    window: str
    p: float
    stop_layer: float


def check_common_fields(m: SharedFields, windows: tuple[str, ...] = WINDOWS) -> None:
    """Validate the fields VTEAM and TEAM share (resistances, widths, rates, exponents, window).

    ``windows`` are the window names the model accepts (VTEAM's :data:`WINDOWS` by default).

    Raises
    ------
    ParameterError
        Naming the bad field and the fix.
    """
    require(
        math.isfinite(m.r_on_ohm) and m.r_on_ohm > 0,
        f"r_on_ohm must be finite and > 0 ohm, got {m.r_on_ohm!r}",
    )
    require(
        math.isfinite(m.r_off_ohm) and m.r_off_ohm > m.r_on_ohm,
        f"r_off_ohm={m.r_off_ohm!r} must exceed r_on_ohm={m.r_on_ohm!r} "
        "(Roff <= Ron is not a memristor); swap them or fix the values",
    )
    require(
        math.isfinite(m.w_on_m) and m.w_on_m >= 0,
        f"w_on_m must be finite and >= 0 m, got {m.w_on_m!r}",
    )
    require(
        math.isfinite(m.w_off_m) and m.w_off_m > m.w_on_m,
        f"w_off_m={m.w_off_m!r} must exceed w_on_m={m.w_on_m!r}: the state range "
        "w_off - w_on must be a positive width in m (3e-9 for 3 nm)",
    )
    require(
        math.isfinite(m.k_off_m_per_s) and m.k_off_m_per_s > 0,
        f"k_off_m_per_s must be > 0 m/s (it drives the state towards w_off), got {m.k_off_m_per_s!r}",
    )
    require(
        math.isfinite(m.k_on_m_per_s) and m.k_on_m_per_s < 0,
        f"k_on_m_per_s must be < 0 m/s (it drives the state towards w_on), got "
        f"{m.k_on_m_per_s!r}; give it as a negative number",
    )
    for key in ("alpha_on", "alpha_off"):
        value = getattr(m, key)
        require(
            math.isfinite(value) and value >= 1,
            f"{key} must be finite and >= 1 (below 1 the rate has an infinite slope at the "
            f"threshold, which breaks Newton's method in ngspice), got {value!r}",
        )
    require(m.r_model in R_MODELS, f"r_model={m.r_model!r} is unknown; choose one of {R_MODELS}")
    require(m.window in windows, f"window={m.window!r} is unknown; choose one of {windows}")
    require(
        math.isfinite(m.p) and m.p == round(m.p) and 1 <= m.p <= 10,
        f"window exponent p must be a whole number in 1..10 (the Biolek window is evaluated as a "
        f"polynomial), got {m.p!r}",
    )
    require(
        math.isfinite(m.stop_layer) and 0 < m.stop_layer <= 0.1,
        f"stop_layer must be in (0, 0.1] of the state range, got {m.stop_layer!r}; "
        "1e-3 stops the state within 0.1 % of its bound",
    )


POWER_WINDOWS = ("biolek", "joglekar", "prodromakis")
"""Windows with a whole exponent ``p``, which the subcircuit writes in (and names)."""


@dataclass(frozen=True)
class ThresholdModel(DeviceModel):
    """What VTEAM and TEAM share: the fields of R(x) and of the drift, and the code over them.

    The normalised state ``x = (w - w_on)/(w_off - w_on)`` in [0, 1] (ON end at
    0), R(x), the current ``v / R(x)``, the normalised rates, the SPICE
    parameters of those and the subcircuit's name. The defaults are VTEAM's;
    TEAM overrides its own. A subclass adds its thresholds and the fields
    ``r_model``, ``window``, ``p`` and ``stop_layer`` (after these, so that each
    model keeps its field order).
    """

    r_on_ohm: float = 50.0
    """ON (lowest) resistance, at w = w_on (ohm)."""
    r_off_ohm: float = 1000.0
    """OFF (highest) resistance, at w = w_off (ohm)."""
    w_on_m: float = 0.0
    """State variable bound w_on (x_on in the TEAM paper) of the ON end (m)."""
    w_off_m: float = 3e-9
    """State variable bound w_off (x_off in the TEAM paper) of the OFF end (m); the film
    thickness D when w_on = 0."""
    k_on_m_per_s: float = -10.0
    """Drift coefficient k_on of the ON (v < v_on) branch (m/s, < 0)."""
    k_off_m_per_s: float = 5e-4
    """Drift coefficient k_off of the OFF (v > v_off) branch (m/s, > 0)."""
    alpha_on: float = 3.0
    """Exponent alpha_on of the ON branch (dimensionless, >= 1)."""
    alpha_off: float = 1.0
    """Exponent alpha_off of the OFF branch (dimensionless, >= 1)."""

    r_clamped: ClassVar[bool] = True
    """R(x) of the state clamped to [0, 1]; TEAM makes it a field."""

    def check_thresholds(self, off: str, on: str, unit: str, model: str, on_hint: str) -> None:
        """Require the fields ``on < 0 < off`` (``unit``); ``on_hint`` ends the ON field's message."""
        need = f"({model} needs {on.rsplit('_', 1)[0]} < 0 < {off.rsplit('_', 1)[0]})"
        u_off, u_on = getattr(self, off), getattr(self, on)
        require(math.isfinite(u_off) and u_off > 0, f"{off} must be > 0 {unit} {need}, got {u_off!r}")
        require(math.isfinite(u_on) and u_on < 0, f"{on} must be < 0 {unit} {need}, got {u_on!r}; {on_hint}")

    @property
    def subckt_name(self) -> str:
        """``pymem_{name}_{lin|exp}_{window}``: a power window with its whole exponent, and
        ``_free`` when R(x) is of the unclamped state."""
        window: str = self.window  # type: ignore[attr-defined]
        tail = f"{window}{round(self.p)}" if window in POWER_WINDOWS else window  # type: ignore[attr-defined]
        clamp = "" if self.r_clamped else "_free"
        return f"pymem_{self.name}_{self.r_model[:3]}_{tail}{clamp}"  # type: ignore[attr-defined]

    @property
    def x_bounds(self) -> tuple[float, float]:
        return (0.0, 1.0)

    @property
    def width_m(self) -> float:
        """State range w_off - w_on (m)."""
        return self.w_off_m - self.w_on_m

    @property
    def k_off_per_s(self) -> float:
        """Normalised k_off / (w_off - w_on) (1/s)."""
        return self.k_off_m_per_s / self.width_m

    @property
    def k_on_per_s(self) -> float:
        """Normalised k_on / (w_off - w_on) (1/s, < 0)."""
        return self.k_on_m_per_s / self.width_m

    def resistance(self, x: ArrayLike) -> NDArray[np.float64]:
        """R (ohm) at state ``x`` (clamped to [0, 1] if ``r_clamped``); broadcasts."""
        r_model: str = self.r_model  # type: ignore[attr-defined]
        return resistance_of(x, self.r_on_ohm, self.r_off_ohm, r_model, self.r_clamped)

    def current(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        return np.asarray(v, dtype=float) / self.resistance(x)

    def rate_params(self, thresholds: dict[str, float]) -> dict[str, float]:
        """Subcircuit parameters of R(x) and the drift, with the model's ``thresholds`` (SI)."""
        return {
            "ron": self.r_on_ohm,
            "roff": self.r_off_ohm,
            "lam": significant(math.log(self.r_off_ohm / self.r_on_ohm)),
            "koffn": self.k_off_per_s,
            "konn": self.k_on_per_s,
            "aoff": self.alpha_off,
            "aon": self.alpha_on,
            **thresholds,
            "xlayer": self.stop_layer,  # type: ignore[attr-defined]
            "xgap": BOUND_GAP,
        }

    def spice_current(self, v: str, x: str) -> str:
        return f"{v}/{spice_resistance(x, self.r_model, self.r_clamped)}"  # type: ignore[attr-defined]


@dataclass(frozen=True)
class VTEAM(ThresholdModel):
    """VTEAM model; defaults are the VTEAM set of Kvatinsky's reference code.

    Defaults: the Technion/ASIC2 reference Verilog-A memristor model (VTEAM
    branch) as carried over in MemTorch's ``VTEAM`` (coreylammie/MemTorch,
    ``memtorch/bh/memristor/VTEAM.py``, which cites
    https://asic2.group/tools/memristor-models/): Ron = 50 ohm, Roff = 1 kohm,
    D = 3 nm, k_on = -10 m/s, k_off = 5e-4 m/s, alpha_on = 3, alpha_off = 1,
    v_on = -0.2 V, v_off = 0.02 V, w_on = 0, w_off = 3 nm.
    """

    v_on_v: float = -0.2
    """ON (SET) threshold voltage v_on (V, < 0)."""
    v_off_v: float = 0.02
    """OFF (RESET) threshold voltage v_off (V, > 0)."""
    r_model: RModel = "linear"
    """Resistance law: linear or exponential in the state."""
    window: Window = "none"
    """Window function: none (f = 1 with an end stop at the bounds) or biolek."""
    p: float = 1.0
    """Biolek window exponent p (dimensionless, whole number 1..10)."""
    stop_layer: float = 1e-3
    """Window none: end-stop width, the last part of the range where the rate ramps to 0 (in (0, 0.1])."""
    x0: float = 0.5
    """Initial state (w0 - w_on) / (w_off - w_on) (dimensionless, in [0, 1])."""

    name: ClassVar[str] = "vteam"
    spice_max_step_s: ClassVar[float | None] = 5e-11
    """ON switching (k_on = -10 m/s on a 3 nm film) takes a few ns: 50 ps resolves it."""
    spice_write_reltol: ClassVar[float] = 1e-6
    spice_write_max_step_s: ClassVar[float | None] = 2e-10
    """In array writes 0.2 ns keeps cells stopping at x = 1 within 1e-5 of the range of the
    tight run (docs/write-tolerances.md); longer steps make them overshoot."""
    spice_write_tight_reltol: ClassVar[float] = 1e-7
    presets: ClassVar[Mapping[str, Preset]] = {
        "memtorch": Preset(
            {},
            "the VTEAM set of Kvatinsky et al.'s reference Verilog-A (asic2.group) as carried by MemTorch's "
            "VTEAM (coreylammie/MemTorch, memtorch/bh/memristor/VTEAM.py) (the defaults)",
        ),
    }
    citation: ClassVar[str] = (
        "Kvatinsky, Ramadan, Friedman & Kolodny, IEEE TCAS-II 62(8), 786 (2015); defaults: "
        "VTEAM set of Kvatinsky et al.'s reference Verilog-A (asic2.group), as in MemTorch's VTEAM"
    )

    def __post_init__(self) -> None:
        check_common_fields(self)
        self.check_thresholds(
            "v_off_v", "v_on_v", "V", "VTEAM", "give the ON threshold as a negative voltage"
        )
        self.check_x0()

    # ----- equations (numpy) -----------------------------------------------------
    def demo_drive(self) -> Sine:
        """A 1 V, 2 MHz sine: the positive half (250 ns) outlasts the 122 ns OFF switch."""
        return Sine(1.0, 2e6, cycles=1)

    @property
    def thresholds(self) -> tuple[float, float]:
        """``(v_on, v_off)`` in V."""
        return (self.v_on_v, self.v_off_v)

    def dxdt(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        rate = threshold_rate(
            v, self.v_off_v, self.v_on_v, self.k_off_per_s, self.k_on_per_s, self.alpha_off, self.alpha_on
        )
        return rate * window_of(x, v, self.window, self.p, self.stop_layer)

    # ----- SPICE -----------------------------------------------------------------
    def spice_params(self) -> dict[str, float]:
        return self.rate_params({"voff": self.v_off_v, "von": self.v_on_v})

    def spice_dxdt(self, v: str, x: str) -> str:
        rate = spice_threshold_rate(v, "voff", "von")
        return f"{rate}*{spice_window(x, v, self.window, self.p)}"
