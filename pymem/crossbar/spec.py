"""The crossbar as data: geometry, devices and their states, wires, periphery.

A :class:`Crossbar` says what the circuit is; it builds no text and runs
nothing itself. ``netlist()`` and ``mvm()`` forward to
:mod:`pymem.netlist.crossbar` and :mod:`pymem.ops.mvm`.

Topology (the same in the netlist and in the sparse solver)::

    Vin_i --r_driver--> (i,0) --r_row--> (i,1) --r_row--> ... (i,C-1)      word line i
                          |                 |                   |
                        cell             cell                 cell         device from word to bit line
                          |                 |                   |
    bit line j: (0,j) --r_col--> (1,j) --r_col--> ... (R-1,j) --r_col--> sense amplifier j

Each row has C-1 wire segments after its driver; each column R segments,
the last one leading to its sense amplifier. A resistance of 0 merges the
nodes it would join (ideal wire).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem import devices
from pymem.checks import check_finite, check_int, check_shape, real_array
from pymem.constants import CELLS, SENSES, CellKind, SenseKind
from pymem.devices.base import DeviceModel
from pymem.devices.variability import Variability
from pymem.errors import ParameterError
from pymem.numeric import significant

DEFAULT_READ_V = 0.1
"""Read amplitude for models without write thresholds (V)."""
DEFAULT_READ_HOLD_S = 1e-6
"""Shortest time each input vector of a transient read is held (s); longer when a TIA
needs it to settle (:attr:`Crossbar.read_hold_s`)."""


def _real_float_array(name: str, value: Any) -> NDArray[np.float64]:
    """``value`` as a new float array, or a ParameterError for complex or non-numeric entries."""
    return np.array(real_array(name, value, finite=False))


def _finite_nonneg(name: str, value: float) -> float:
    return check_finite(name, value, 0.0, strict=False, phrase="a finite resistance >= 0 ohm")


@dataclass(frozen=True)
class TIA:
    """Transimpedance amplifier: a single-pole op-amp with an output clamp and a feedback resistor.

    The op-amp's non-inverting input is grounded; the column drives its
    inverting input. At DC the column sees a conductance (1 + gain) / r_f_ohm
    to ground, and the output is -gain times the column-end voltage, clamped
    to +/- v_sat_v.
    """

    gain: float = 1e5
    """Open-loop DC gain (V/V)."""
    gbw_hz: float = 100e6
    """Gain-bandwidth product (Hz); the pole sits at gbw_hz / gain."""
    v_sat_v: float = 1.5
    """Output swing limit, symmetric (V)."""
    r_f_ohm: float | None = None
    """Feedback resistor (ohm); None sizes it per crossbar so the largest possible
    column current (every input at v_read) drives the output to 80 % of v_sat_v."""

    def __post_init__(self) -> None:
        for name in ("gain", "gbw_hz", "v_sat_v", "r_f_ohm"):
            value = getattr(self, name)
            if name == "r_f_ohm" and value is None:
                continue
            check_finite(f"TIA {name}", value, 0.0, phrase="finite and > 0")


def tia_feedback_ohm(v_sat_v: float, i_max_a: float) -> float:
    """Feedback resistor that maps the largest column current to 80 % of the TIA's swing.

    Parameters
    ----------
    v_sat_v : float
        Output swing limit of the TIA (V).
    i_max_a : float
        Largest column current a read can draw (A, > 0).

    Returns
    -------
    float
        ``0.8 * v_sat_v / i_max_a`` (ohm), rounded to 12 significant digits: the
        current is a sum of device conductances computed by numpy, whose last
        digit moves between numpy releases and CPUs, and the resistor is
        written into decks that must stay byte-identical (:mod:`pymem.numeric`).
    """
    return significant(0.8 * v_sat_v / i_max_a)


@dataclass(frozen=True)
class ADC:
    """An ideal mid-tread ADC over [-full_scale, +full_scale] with 2**bits - 1 levels."""

    bits: int
    """Resolution (bits, 1 to 24)."""
    full_scale: float
    """Largest magnitude it converts (units of the quantity: A for currents, V for TIA outputs)."""

    def __post_init__(self) -> None:
        check_int("ADC bits", self.bits, 1, 24, phrase="an integer in 1..24")
        check_finite("ADC full_scale", self.full_scale, 0.0, phrase="finite and > 0")

    @property
    def lsb(self) -> float:
        """Size of one step (units of full_scale)."""
        return 2 * self.full_scale / (2**self.bits - 1) if self.bits > 1 else self.full_scale

    def quantize(self, y: ArrayLike) -> NDArray[np.float64]:
        """Clip to the full scale and round to the nearest level; any shape."""
        y = np.clip(np.asarray(y, dtype=float), -self.full_scale, self.full_scale)
        return np.round(y / self.lsb) * self.lsb


@dataclass(frozen=True)
class NMOS:
    """Access transistor of 1T1R cells: ngspice's built-in level-1 MOSFET (Shichman-Hodges)."""

    vto_v: float = 0.5
    """Threshold voltage (V)."""
    kp_a_per_v2: float = 2e-4
    """Transconductance parameter KP = mu Cox (A/V^2)."""
    w_over_l: float = 10.0
    """Width over length (dimensionless)."""
    v_gate_v: float = 1.8
    """Gate voltage of selected rows (V); unselected rows get 0 V."""

    def __post_init__(self) -> None:
        for name in ("vto_v", "kp_a_per_v2", "w_over_l", "v_gate_v"):
            check_finite(f"NMOS {name}", getattr(self, name), 0.0, phrase="finite and > 0")


@dataclass(frozen=True, eq=False)
class Crossbar:
    """A rows x cols array of memristors with line resistance and sense amplifiers.

    Parameters
    ----------
    rows, cols : int
        Array size (>= 1 each).
    model : DeviceModel or str
        A device model, or a registry name (``pymem.devices.names()``).
    states : array_like, shape (rows, cols), optional
        Each cell's state; default the model's ``x0`` everywhere.
    r_row_ohm, r_col_ohm : float
        Wire resistance per segment of word and bit lines (ohm, >= 0).
    r_driver_ohm : float
        Output resistance of each row driver (ohm, >= 0).
    sense : {"ideal", "tia"}
        Ideal virtual ground (a 0 V source) or a transimpedance amplifier.
    tia : TIA
        The amplifier used when ``sense == "tia"``.
    cell : {"1r", "1t1r"}
        Bare device, or device plus NMOS access transistor.
    nmos : NMOS
        The access transistor used when ``cell == "1t1r"``.
    adc : ADC, optional
        Quantiser applied to the outputs.
    v_read : float, optional
        Largest read amplitude (V); default half the smaller write threshold,
        or 0.1 V for a model without thresholds.
    g_scale : array_like, shape (rows, cols), optional
        Per-device current scale (device-to-device variability, see
        :class:`pymem.devices.variability.Variability`); default 1 everywhere.
    """

    rows: int
    cols: int
    model: DeviceModel | str = "hp"
    states: Any = None
    r_row_ohm: float = 0.0
    r_col_ohm: float = 0.0
    r_driver_ohm: float = 0.0
    sense: SenseKind = "ideal"
    tia: TIA = field(default_factory=TIA)
    cell: CellKind = "1r"
    nmos: NMOS = field(default_factory=NMOS)
    adc: ADC | None = None
    v_read: float | None = None
    g_scale: Any = None

    def __post_init__(self) -> None:
        for name in ("rows", "cols"):
            check_int(name, getattr(self, name), 1, phrase="a positive integer")
        model = devices.get(self.model) if isinstance(self.model, str) else self.model
        if not isinstance(model, DeviceModel):
            raise ParameterError(f"model must be a DeviceModel or a registry name, got {self.model!r}")
        object.__setattr__(self, "model", model)
        for name in ("r_row_ohm", "r_col_ohm", "r_driver_ohm"):
            object.__setattr__(self, name, _finite_nonneg(name, getattr(self, name)))
        if self.sense not in SENSES:
            raise ParameterError(f"sense={self.sense!r} is unknown; choose one of {SENSES}")
        if self.cell not in CELLS:
            raise ParameterError(f"cell={self.cell!r} is unknown; choose one of {CELLS}")
        shape = (self.rows, self.cols)
        if self.states is None:
            x = np.full(shape, float(model.x0))
        else:
            x = _real_float_array("states", self.states)
            check_shape("states", x, shape, "(rows, cols) = ")
        lo, hi = model.x_bounds
        bad = ~np.isfinite(x) | (x < lo) | (x > hi)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise ParameterError(
                f"state of cell ({i}, {j}) = {float(x[i, j])!r} is outside {model.name}'s range [{lo}, {hi}]"
            )
        x.setflags(write=False)
        object.__setattr__(self, "states", x)
        scale = np.ones(shape) if self.g_scale is None else _real_float_array("g_scale", self.g_scale)
        if scale.shape != shape or not np.all(np.isfinite(scale) & (scale > 0)):
            raise ParameterError(
                f"g_scale must be positive finite factors of shape (rows, cols) = {shape}, "
                f"got shape {scale.shape}"
            )
        scale.setflags(write=False)
        object.__setattr__(self, "g_scale", scale)
        limit = self.read_limit_v
        v_read = min(0.5 * limit, DEFAULT_READ_V) if self.v_read is None else float(self.v_read)
        check_finite("v_read", v_read, 0.0, phrase="a finite voltage > 0")
        self.check_read_voltage(v_read)
        object.__setattr__(self, "v_read", v_read)
        if self.tia.r_f_ohm is None:
            i_max = v_read * float(np.max(self.conductances().sum(axis=0)))
            r_f = tia_feedback_ohm(self.tia.v_sat_v, i_max)
            object.__setattr__(self, "tia", replace(self.tia, r_f_ohm=r_f))

    # ----- derived -------------------------------------------------------------
    @property
    def device(self) -> DeviceModel:
        """The device model (resolved from a name if one was given)."""
        assert isinstance(self.model, DeviceModel)
        return self.model

    @property
    def read_limit_v(self) -> float:
        """Largest voltage magnitude a read may put on a cell: the smaller write threshold (V)."""
        th = self.device.thresholds
        return float(min(-th[0], th[1])) if th else np.inf

    def check_read_voltage(self, v: ArrayLike) -> None:
        """Refuse read inputs whose magnitude reaches a write threshold.

        Raises
        ------
        ParameterError
            Naming the threshold, when any |v| >= the smaller threshold.
        """
        v = np.asarray(v, dtype=float)
        if not np.all(np.isfinite(v)):
            raise ParameterError("read voltages must be finite; found NaN or inf in the input")
        th = self.device.thresholds
        if th is None or v.size == 0:
            return
        v_neg, v_pos = th
        if np.max(v) >= v_pos or np.min(v) <= v_neg:
            worst = float(np.max(v)) if np.max(v) >= v_pos else float(np.min(v))
            raise ParameterError(
                f"read voltage {worst!r} V would cross {self.device.name}'s write threshold "
                f"(v_neg={v_neg!r} V, v_pos={v_pos!r} V) and disturb the stored states; "
                f"read with |v| < {min(-v_neg, v_pos)!r} V"
            )

    def conductances(self, v_read: float | None = None) -> NDArray[np.float64]:
        """Chord conductance I/V of every cell at ``v_read`` (S), shape (rows, cols)."""
        return self.g_scale * self.device.conductance(self.states, self.v_read if v_read is None else v_read)

    @property
    def settle_time_s(self) -> float:
        """Time the sense amplifiers need to settle to 1e-13 of a step (s); 0 for ideal sensing.

        A TIA's closed loop has bandwidth gbw / (1 + r_f G_col), G_col the
        conductance its column presents; 30 of its time constants.
        """
        if self.sense != "tia":
            return 0.0
        assert self.tia.r_f_ohm is not None
        noise_gain = 1.0 + self.tia.r_f_ohm * float(np.max(self.conductances().sum(axis=0)))
        # a computed deck value (the hold time of reads): rounded, see pymem.numeric
        return significant(30.0 * noise_gain / (2 * np.pi * self.tia.gbw_hz))

    @property
    def read_hold_s(self) -> float:
        """Default hold time per input vector of a transient read (s).

        :data:`DEFAULT_READ_HOLD_S`, or :attr:`settle_time_s` when the sense
        amplifiers need longer; the one default of reads, read decks and read energy.
        """
        return max(DEFAULT_READ_HOLD_S, self.settle_time_s)

    def with_states(self, states: ArrayLike) -> Crossbar:
        """A copy with new cell states."""
        return replace(self, states=np.asarray(states, dtype=float))

    def with_conductances(self, g: ArrayLike, v_read: float | None = None) -> Crossbar:
        """A copy whose cells have chord conductances ``g`` (S) at ``v_read``."""
        g = np.asarray(g, dtype=float)
        if g.shape != (self.rows, self.cols):
            raise ParameterError(f"conductances have shape {g.shape}, expected {(self.rows, self.cols)}")
        return self.with_states(
            self.device.state_for_conductance(g, self.v_read if v_read is None else v_read)
        )

    def check_inputs(self, v: ArrayLike) -> NDArray[np.float64]:
        """Validate read inputs; return them as (batch, rows) float array.

        Raises
        ------
        ParameterError
            For complex or non-numeric values, a wrong shape, an empty batch, or a
            voltage at a write threshold.
        """
        arr = _real_float_array("input voltages", v)
        batch = np.atleast_2d(arr)
        if arr.ndim > 2 or batch.shape[1] != self.rows:
            raise ParameterError(
                f"input voltages have shape {arr.shape}; expected ({self.rows},) or (batch, {self.rows})"
            )
        if batch.shape[0] == 0:
            raise ParameterError(
                f"input voltages have shape {arr.shape}: no vectors to read; give at least one row of "
                f"{self.rows} voltages"
            )
        self.check_read_voltage(batch)
        return batch

    def random_inputs(self, batch: int, seed: int = 0) -> NDArray[np.float64]:
        """Uniform read voltages in [0, v_read] (V), shape (batch, rows), reproducible from ``seed``."""
        rng = np.random.default_rng(seed)
        return rng.uniform(0.0, float(self.v_read), size=(batch, self.rows))


def random_crossbar(
    rows: int,
    cols: int,
    model: str | DeviceModel = "hp",
    seed: int = 0,
    variability: Variability | None = None,
    **kw: Any,
) -> Crossbar:
    """A crossbar with states drawn uniformly inside the model's range (10 % margins), from ``seed``.

    With ``variability``, each device also gets its own current scale (``g_scale``).
    """
    for name, value in (("rows", rows), ("cols", cols)):
        check_int(name, value, 1, phrase="a positive integer")
    m = devices.get(model) if isinstance(model, str) else model
    lo, hi = m.x_bounds
    rng = np.random.default_rng(seed)
    x = rng.uniform(lo + 0.1 * (hi - lo), hi - 0.1 * (hi - lo), size=(rows, cols))
    if variability is not None:
        kw["g_scale"] = variability.device_scales((rows, cols))
    return Crossbar(rows, cols, model=m, states=x, **kw)
