"""Write pulses for training: their design, and schedules of them as row and column pulses.

Every schedule is a list of pulse slots for :func:`pymem.netlist.write.schedule_deck`
under the V/2 scheme: in a slot, the driven rows sit at +V/2 and the driven
columns at -V/2 (V the signed write amplitude of the slot's direction); a cell
on a driven row and a driven column sees V and is written, a cell on only one
of them sees V/2 (half-selected, below the threshold for models that have one),
every other cell 0 V. Cells are laid out as differential pairs, columns
``[+0, -0, +1, -1, ...]``: raising weight w_ij raises G+ and lowers G-.

Two rules:

- ``manhattan``: sign-based (Zamanidoost et al., 2015): each weight whose
  batch gradient is non-negligible gets one pulse against its sign. Row by
  row, an "up" slot then a "down" slot.
- ``outer``: the outer-product update, coded as coincidences: for each sample,
  row i fires in the first round(x_i L) of L slots, column j fires m_j times at
  random slots, m_j drawn (stochastic rounding) so that the expected number of
  coincidences is lr x_i |delta_j| / (batch dw), the SGD step in pulses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pymem.devices.base import DeviceModel
from pymem.errors import ParameterError

Slot = tuple[list[float | None], list[float | None]]


@dataclass(frozen=True)
class PulseDesign:
    """The two write pulses of a training run.

    Attributes
    ----------
    v_up, v_down : float
        Signed amplitude across a selected cell that raises / lowers its conductance (V).
    width_up_s, width_down_s : float
        Flat-top width of each pulse (s).
    dg_up, dg_down : float
        Nominal conductance change of one pulse at the mid conductance, as a
        fraction of the programmed range (dimensionless, > 0).
    x_mid : float
        State of the mid conductance (state units).
    g_min_s, g_max_s : float
        Programmed conductance range at the read voltage (S).
    """

    v_up: float
    v_down: float
    width_up_s: float
    width_down_s: float
    dg_up: float
    dg_down: float
    x_mid: float
    g_min_s: float
    g_max_s: float

    @property
    def dw(self) -> float:
        """Nominal weight step of one pulse on both devices of a pair (weight units, w in [-1, 1])."""
        return self.dg_up + self.dg_down

    def pulse(self, direction: int) -> tuple[float, float]:
        """Amplitude (V) and width (s) of the pulse that moves G up (+1) or down (-1)."""
        return (self.v_up, self.width_up_s) if direction > 0 else (self.v_down, self.width_down_s)


def design_pulses(
    model: DeviceModel,
    v_read: float,
    levels: int = 32,
    amplitude_factor: float = 1.5,
    v_write: float = 1.0,
) -> PulseDesign:
    """Choose training pulses: each moves the mid-range device by 1/``levels`` of its conductance range.

    Under V/2 a half-selected cell sees half the write amplitude, so each
    direction's amplitude is ``amplitude_factor`` (< 2) times its threshold; a
    model without thresholds is written at +/-``v_write``. Each direction gets
    the width that gives the nominal step at the mid conductance, from the
    model's own rate there.

    Parameters
    ----------
    model : DeviceModel
    v_read : float
        Read voltage at which conductances are measured (V).
    levels : int
        Pulses that nominally span the conductance range (>= 2).
    amplitude_factor : float
        Amplitude as a multiple of the threshold, in (1, 2).
    v_write : float
        Amplitude for models without thresholds (V).
    """
    if not (isinstance(levels, int) and levels >= 2):
        raise ParameterError(f"levels must be an integer >= 2, got {levels!r}")
    if not 1.0 < amplitude_factor < 2.0:
        raise ParameterError(
            f"amplitude_factor={amplitude_factor!r} must be in (1, 2): at 2 or more a half-selected "
            "cell under V/2 would reach the write threshold"
        )
    lo, hi = model.x_bounds
    g_lo, g_hi = float(model.conductance(lo, v_read)), float(model.conductance(hi, v_read))
    g_min, g_max = min(g_lo, g_hi), max(g_lo, g_hi)
    x_mid = float(model.state_for_conductance(0.5 * (g_min + g_max), v_read))
    h = 1e-6 * (hi - lo)
    dgdx = float(model.conductance(x_mid + h, v_read) - model.conductance(x_mid - h, v_read)) / (2 * h)
    th = model.thresholds
    out: dict[int, tuple[float, float]] = {}
    for direction in (1, -1):  # +1 raises G
        for pol in (1.0, -1.0):
            amp = pol * (abs(v_write) if th is None else amplitude_factor * (th[1] if pol > 0 else -th[0]))
            rate = float(model.dxdt(amp, x_mid)) * dgdx  # dG/dt (S/s)
            if rate * direction > 0:
                break
        else:
            raise ParameterError(f"{model.name}: no write pulse moves the conductance at mid-range")
        width = (g_max - g_min) / levels / abs(rate)
        out[direction] = (amp, width)
    return PulseDesign(
        out[1][0], out[-1][0], out[1][1], out[-1][1], 1 / levels, 1 / levels, x_mid, g_min, g_max
    )


def _pair_directions(dw_sign: NDArray[np.int64]) -> NDArray[np.int64]:
    """Conductance directions of the physical cells, shape (rows, 2 cols), from weight directions."""
    out = np.empty((dw_sign.shape[0], 2 * dw_sign.shape[1]), dtype=np.int64)
    out[:, 0::2] = dw_sign
    out[:, 1::2] = -dw_sign
    return out


def _slot(rows: int, cols: int, row_on: NDArray, col_on: NDArray, v: float) -> Slot:
    return (
        [v / 2 if row_on[i] else 0.0 for i in range(rows)],
        [-v / 2 if col_on[j] else 0.0 for j in range(cols)],
    )


@dataclass
class Schedule:
    """Pulse slots of one update and what each physical cell is meant to get.

    Attributes
    ----------
    slots : list of Slot
        Line levels per slot (V).
    widths_s : list of float
        Flat-top width per slot (s).
    commanded : ndarray of int, shape (rows, 2 classes)
        Signed pulses per physical cell (+1 raises its conductance).
    """

    slots: list[Slot]
    widths_s: list[float]
    commanded: NDArray[np.int64]

    def add(self, rows_on: NDArray, cols_on: NDArray, direction: int, design: PulseDesign) -> None:
        """Append a slot driving ``rows_on`` and ``cols_on`` to move conductances in ``direction``."""
        v, width = design.pulse(direction)
        self.slots.append(_slot(rows_on.size, cols_on.size, rows_on, cols_on, v))
        self.widths_s.append(width)
        self.commanded[np.ix_(rows_on, cols_on)] += direction


def manhattan_schedule(
    grad: NDArray[np.float64], design: PulseDesign, rel_threshold: float = 0.1
) -> Schedule:
    """Slots of one Manhattan-rule update.

    Parameters
    ----------
    grad : ndarray, shape (rows, classes)
        Batch gradient of the loss with respect to the weights.
    design : PulseDesign
    rel_threshold : float
        Weights whose |gradient| is below this fraction of the largest are left alone.

    """
    g = np.asarray(grad, dtype=float)
    scale = float(np.max(np.abs(g))) if g.size else 0.0
    sign = np.where(np.abs(g) > rel_threshold * scale, -np.sign(g), 0).astype(np.int64)
    cells = _pair_directions(sign)
    rows = cells.shape[0]
    sched = Schedule([], [], np.zeros_like(cells))
    for i in range(rows):
        for direction in (1, -1):
            on = cells[i] == direction
            if on.any():
                sched.add(np.arange(rows) == i, on, direction, design)
    return sched


def outer_schedule(
    x: NDArray[np.float64],
    delta: NDArray[np.float64],
    lr: float,
    design: PulseDesign,
    rng: np.random.Generator,
    slots_per_sample: int = 8,
) -> Schedule:
    """Slots of one outer-product update over a batch, coded as row/column pulse coincidences.

    Parameters
    ----------
    x : ndarray, shape (batch, rows)
        Inputs in [0, 1].
    delta : ndarray, shape (batch, classes)
        Output errors (softmax minus one-hot); the update is ``-lr x^T delta / batch``.
    lr : float
        Learning rate (weight units per unit gradient).
    design : PulseDesign
    rng : numpy Generator
        Draws the stochastic rounding and the column slots.
    slots_per_sample : int
        L, the row pulse resolution.

    Only slots in which some cell is fully selected are kept: a controller
    that knows the errors skips the others.
    """
    x = np.asarray(x, dtype=float)
    delta = np.asarray(delta, dtype=float)
    batch, rows = x.shape
    L = slots_per_sample
    n_row = np.rint(np.clip(x, 0, 1) * L).astype(int)
    want = lr * np.abs(delta) / (batch * design.dw)  # expected pulses per unit input
    m_col = np.floor(want + rng.random(want.shape)).astype(int).clip(0, L)
    sched = Schedule([], [], np.zeros((rows, 2 * delta.shape[1]), dtype=np.int64))
    for b in range(batch):
        wdir = -np.sign(delta[b]).astype(np.int64)  # weight directions per class
        fire = np.zeros((L, delta.shape[1]), dtype=bool)
        for k in np.nonzero(m_col[b])[0]:
            fire[rng.choice(L, size=m_col[b, k], replace=False), k] = True
        for direction in (1, -1):
            cols_dir = _pair_directions(wdir[None, :])[0] == direction
            for s in range(L):
                col_on = np.repeat(fire[s], 2) & cols_dir
                row_on = n_row[b] > s
                if col_on.any() and row_on.any():
                    sched.add(row_on, col_on, direction, design)
    return sched
