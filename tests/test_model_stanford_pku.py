"""Stanford-PKU RRAM model: reads, writes, published values, validation.

ngspice against the reference: tests/test_devices.py (its Stanford-PKU cases).
"""

from __future__ import annotations

import numpy as np
import pytest

from pymem.devices.stanford_pku import StanfordPKU
from pymem.devices.waveforms import PWL, Sine, pulse_train
from pymem.errors import ParameterError
from pymem.ops.device import DeviceTrace, simulate

MODEL = StanfordPKU()
LO, HI = MODEL.x_bounds
MID = 0.5 * (LO + HI)


# ----- 1. pinched hysteresis -----------------------------------------------------
def test_hysteresis_is_pinched_at_zero_volts() -> None:
    """The current vanishes with the voltage, while the loop is open elsewhere (ngspice)."""
    tr = simulate(MODEL, Sine(1.7, 2e6, 1), x0=HI, backend="ngspice", max_step_s=5e-11)
    # small-signal conductance is largest in LRS: I0 exp(-g_min/g0) / V0
    g_small = MODEL.i0_a * np.exp(-LO / (MODEL.g0_m * 1e9)) / MODEL.v0_v
    near_zero = np.abs(tr.v) < 1e-3
    assert near_zero.sum() >= 3
    assert np.all(np.abs(tr.i[near_zero]) <= 1.001 * g_small * np.abs(tr.v[near_zero]) + 1e-15)
    # no offset: the current has the sign of the voltage everywhere (quadrants I and III only)
    assert np.all(np.sign(tr.i[tr.v != 0]) == np.sign(tr.v[tr.v != 0]))
    # open loop: at +0.5 V the current on the way up (HRS) and down (LRS) differ by > 100x
    up = np.flatnonzero((tr.v[:-1] < 0.5) & (tr.v[1:] >= 0.5))[0]
    down = np.flatnonzero((tr.v[:-1] > 0.5) & (tr.v[1:] <= 0.5))[0]
    assert tr.i[down] > 100 * tr.i[up]


def test_numpy_current_is_zero_at_zero_volts() -> None:
    x = np.linspace(LO, HI, 31)
    assert np.all(MODEL.current(0.0, x) == 0.0)
    assert np.all(MODEL.dxdt(0.0, x) == 0.0)


# ----- 2. reads do not write, writes do -----------------------------------------------
def _read_train() -> PWL:
    """1,000 reads of 10 ns at half the thresholds, alternating +v_set/2 and v_reset/2."""
    v_reset, v_set = MODEL.thresholds
    amps = np.tile([0.5 * v_set, 0.5 * v_reset], 500)
    return pulse_train(amps, 10e-9, 10e-9, edge_s=1e-9)


@pytest.mark.parametrize("x0", [LO, MID, HI], ids=["lrs", "mid", "hrs"])
def test_reads_do_not_write(x0: float) -> None:
    """1,000 half-threshold reads (ngspice) move the gap by < 1e-6 of its range."""
    train = _read_train()
    assert len(train.times_s) == 4 * 1000 + 2
    tr = simulate(MODEL, train, x0=x0, backend="ngspice", max_step_s=2e-9)
    assert np.isclose(np.max(np.abs(tr.v)), 0.5 * MODEL.thresholds[1], rtol=1e-9)
    assert np.max(np.abs(tr.x - x0)) < 1e-6 * MODEL.x_range


def test_reads_have_exactly_zero_rate_in_numpy() -> None:
    """Below the minimum-field gate the tanh step is exactly 0 in floating point."""
    v_reset, v_set = MODEL.thresholds
    x = np.linspace(LO, HI, 61)
    assert np.all(MODEL.dxdt(0.5 * v_set, x) == 0.0)
    assert np.all(MODEL.dxdt(0.5 * v_reset, x) == 0.0)


@pytest.mark.parametrize(("polarity", "x0"), [(1, HI), (-1, LO)], ids=["set", "reset"])
def test_one_write_pulse_moves_the_gap(polarity: int, x0: float) -> None:
    """One 1-us pulse at 1.02 x the threshold moves the gap by > 1 % of its range (ngspice)."""
    v_write = 1.02 * MODEL.thresholds[1 if polarity > 0 else 0]
    tr = simulate(
        MODEL, pulse_train([v_write], 1e-6, 20e-9, edge_s=5e-9), x0=x0, backend="ngspice", max_step_s=1e-9
    )
    moved = (tr.x[-1] - x0) * -polarity
    assert moved > 0.01 * MODEL.x_range


# ----- thresholds from the equations ------------------------------------------------
def test_set_threshold_is_the_minimum_field_gate_at_g_max() -> None:
    """From HRS the set is faster than 1 us as soon as the field gate opens: F_min tox / gamma(g_max)."""
    gamma_hrs = MODEL.gamma0 - MODEL.beta * (MODEL.g_max_m / MODEL.g1_m) ** 3
    gate = MODEL.f_min_v_per_m * MODEL.tox_m / gamma_hrs
    assert gate == pytest.approx(1.3919268, abs=1e-6)
    # the smoothed step is half open at the gate; the threshold sits within its band
    assert gate < MODEL.thresholds[1] < gate * (1 + 5e-3)


@pytest.mark.parametrize("polarity", [1, -1], ids=["set", "reset"])
def test_threshold_switches_half_the_range_in_one_microsecond(polarity: int) -> None:
    """Integrating dx/dt at the constant threshold voltage for 1 us reaches mid-range (reference)."""
    v = MODEL.thresholds[1 if polarity > 0 else 0]
    x0 = HI if polarity > 0 else LO
    tr: DeviceTrace = simulate(
        MODEL, PWL((0.0, 1e-6), (v, v)), x0=x0, backend="reference", max_step_s=1e-8, n_points=200
    )
    assert tr.x[-1] == pytest.approx(MID, abs=2e-3 * MODEL.x_range)


def _gate_curve_nm(v: np.ndarray) -> np.ndarray:
    """Gap (nm) where the reset field gate closes: gamma0_reset - beta (g/g1)^3 = F_min tox / |V|."""
    gamma = MODEL.f_min_v_per_m * MODEL.tox_m / np.abs(v)
    return (MODEL.g1_m * 1e9) * ((MODEL.gamma0_reset - gamma) / MODEL.beta) ** (1 / 3)


def test_dc_sweep_abrupt_set_and_gradual_reset() -> None:
    """The authors' DCSweep.sp benchmark (0 to +-2 V in 4 ms), in ngspice.

    Set from HRS is abrupt at the gate F_min tox / gamma(g_max) = 1.3919 V;
    reset from LRS starts at F_min tox / gamma(g_min) = -1.0504 V and is
    gradual: the gap tracks the closed-form gate curve g(V) within 5e-3 nm.
    """
    v_gate_set = MODEL.gate_voltage(HI, 1)
    v_gate_reset = MODEL.gate_voltage(LO, -1)
    assert v_gate_reset == pytest.approx(-1.0504202, abs=1e-6)
    up = simulate(MODEL, PWL((0.0, 4e-3), (0.0, 2.0)), x0=HI, backend="ngspice", max_step_s=1e-6)
    v_set = up.v[np.argmax(up.x < MID)]
    assert v_set == pytest.approx(v_gate_set, abs=2e-3)
    down = simulate(MODEL, PWL((0.0, 4e-3), (0.0, -2.0)), x0=LO, backend="ngspice", max_step_s=1e-6)
    v_onset = down.v[np.argmax(down.x > LO + 1e-3 * MODEL.x_range)]
    assert v_onset == pytest.approx(v_gate_reset, abs=2e-3)
    ramp = (down.v < -1.1) & (down.v > -1.38)
    assert np.max(np.abs(down.x[ramp] - _gate_curve_nm(down.v[ramp]))) < 5e-3
    assert down.x[-1] > HI - 1e-3 * MODEL.x_range


# ----- 3. the published parameter set ------------------------------------------------
@pytest.mark.parametrize(
    ("gap_nm", "r_published_ohm"), [(LO, 542.0), (HI, 218586.0)], ids=["lrs-g_min", "hrs-g_max"]
)
def test_read_resistance_of_published_defaults(gap_nm: float, r_published_ohm: float) -> None:
    """Read resistance V/I at 0.1 V of the v1.0.0 defaults at g_min (0.2 nm) and g_max (1.7 nm).

    Published values: r_on = 542 ohm, r_off = 218586 ohm at read_voltage = 0.1 V,
    the defaults MemTorch's Stanford_PKU model (MemTorch PR #19) derives from the
    Stanford-PKU v1.0.0 parameters (I0 = 1 mA, g0 = 0.25 nm, V0 = 0.25 V).
    Tolerance 0.1 % (542 is rounded to the ohm: ours is 541.82 ohm).
    """
    r = 0.1 / float(MODEL.current(0.1, gap_nm))
    assert r == pytest.approx(r_published_ohm, rel=1e-3)


# ----- 4. validation -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"tox_m": 0.0}, r"tox_m must be finite and > 0 m"),
        ({"g0_m": -1e-10}, r"g0_m must be finite and > 0 m"),
        ({"v0_v": 0.0}, r"v0_v must be finite and > 0 V"),
        ({"i0_a": 0.0}, r"i0_a must be finite and > 0 A"),
        ({"rth_k_per_w": -5.0}, r"rth_k_per_w must be finite and > 0 K/W"),
        ({"f_min_width_v_per_m": 0.0}, r"f_min_width_v_per_m must be finite and > 0 V/m"),
        ({"beta": -0.1}, r"beta must be finite and >= 0"),
        ({"f_min_v_per_m": float("nan")}, r"f_min_v_per_m must be finite and >= 0"),
        ({"g_max_m": 0.2e-9}, r"g_max_m=2e-10 must exceed g_min_m=2e-10"),
        ({"bound_width_m": 1e-10}, r"bound_width_m=1e-10 must be > 0 and at most 1 % of the gap range"),
        ({"beta": 4.0}, r"gamma0 - beta \(g_max/g1\)\^3 = -3.652 <= 0"),
        ({"gamma0_reset": 3.0}, r"gamma0_reset - beta \(g_max/g1\)\^3 = -0.9304 <= 0"),
        ({"x0": 1.8}, r"x0=1.8 is outside the state range \[0.2, 1.7\]"),
    ],
    ids=[
        "tox",
        "g0",
        "V0",
        "I0",
        "Rth",
        "gate-width",
        "beta-negative",
        "fmin-nan",
        "gmin>=gmax",
        "bound-width",
        "gamma-set-sign",
        "gamma-reset-sign",
        "x0-range",
    ],
)
def test_rejects_bad_parameters(overrides: dict[str, float], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        StanfordPKU(**overrides)  # type: ignore[arg-type]


def test_thresholds_reject_a_device_that_cannot_switch() -> None:
    slow = StanfordPKU(nu0_m_per_s=1e-60)
    with pytest.raises(ParameterError, match=r"cannot switch half its range in 1e-06 s below 100 V"):
        _ = slow.thresholds
