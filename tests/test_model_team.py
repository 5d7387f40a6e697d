"""TEAM model: pinched loops, read disturb, reference-code figures.

Default parameters: the TEAM set of Kvatinsky et al.'s reference Verilog-A
(k_off = -k_on = 8e-13 m/s, alpha = 3, i_off = 115 uA, i_on = -8.9 uA,
D = 3 nm, Ron = 50 ohm, Roff = 1 kohm); see docs/models/team.md.
ngspice against the numpy reference: tests/test_devices.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from pymem import devices
from pymem.devices.team import TEAM
from pymem.devices.waveforms import PWL, pulse_train, triangle
from pymem.errors import ParameterError
from pymem.ops.device import simulate


def test_numpy_rates_match_the_paper_equations() -> None:
    """dx/dt against eq. (14) of the TEAM paper written out by hand (1/s), i = v/R(x)."""
    m = TEAM()
    d, r = 3e-9, 525.0  # linear R at x = 0.5
    i = 1.0 / r
    assert m.dxdt(1.0, 0.5) == pytest.approx(8e-13 * (i / 115e-6 - 1) ** 3 / d, rel=1e-9)
    assert m.dxdt(-1.0, 0.5) == pytest.approx(-8e-13 * (-i / -8.9e-6 - 1) ** 3 / d, rel=1e-9)
    v_on, v_off = m.thresholds
    below = np.array([0.0, 0.999 * v_off, 0.999 * v_on])
    np.testing.assert_array_equal(m.dxdt(below, 0.5), 0.0)
    assert m.dxdt(1.001 * v_off, 0.5) > 0 and m.dxdt(1.001 * v_on, 0.5) < 0
    assert m.dxdt(np.zeros((2, 1)), np.zeros(5)).shape == (2, 5)


def test_thresholds_are_the_current_thresholds_times_r_at_x0() -> None:
    assert TEAM(x0=0.5).thresholds == pytest.approx((-8.9e-6 * 525.0, 115e-6 * 525.0), rel=1e-12)
    lo, hi = TEAM(r_model="exponential", x0=1.0).thresholds
    assert (lo, hi) == pytest.approx((-8.9e-6 * 1000.0, 115e-6 * 1000.0), rel=1e-12)


def test_pinched_hysteresis_loop() -> None:
    """Zero current at zero voltage, and two different branches at the same voltage."""
    model = TEAM()
    waveform = triangle(1.0, 0.1, 1)
    ng = simulate(model, waveform, x0=0.0, max_step_s=waveform.duration_s / 10_000)
    at_zero = ng.v == 0.0
    assert at_zero.sum() >= 2  # T/2 and T are corners ngspice steps on
    assert np.all(np.abs(ng.i[at_zero]) <= 1e-12)
    nz = np.abs(ng.v) > 1e-9
    g = ng.i[nz] / ng.v[nz]
    assert np.all(np.isfinite(g))
    assert np.all((g >= (1 - 1e-6) / model.r_off_ohm) & (g <= (1 + 1e-6) / model.r_on_ohm))
    quarter = waveform.duration_s / 4
    rising = np.interp(0.5 * quarter, ng.t, ng.i)
    falling = np.interp(1.5 * quarter, ng.t, ng.i)
    assert rising > 1.5 * falling > 0


def test_1000_reads_at_half_threshold_do_not_write() -> None:
    """1,000 read pulses at half of each (state-x0) voltage threshold leave the state alone (ngspice)."""
    model = TEAM(x0=0.5)
    v_on, v_off = model.thresholds
    reads = pulse_train([v_off / 2, v_on / 2] * 500, 10e-3, 10e-3)
    ng = simulate(model, reads, x0=0.5, max_step_s=5e-3)
    assert ng.t[-1] == pytest.approx(reads.duration_s)
    assert np.max(np.abs(ng.x - 0.5)) < 1e-6 * model.x_range
    assert np.min(ng.v) == pytest.approx(v_on / 2) and np.max(ng.v) == pytest.approx(v_off / 2)


def _seconds_to_move(model: TEAM, volts: float, x_from: float, x_to: float) -> float:
    """Time (s) for the state to go from x_from to x_to at constant ``volts`` (no window):
    t = integral dx / (k' (i(x)/i_th - 1)^alpha), written out from the paper, not the model code."""
    width = model.w_off_m - model.w_on_m

    def r_of(x: float) -> float:
        if model.r_model == "linear":
            return model.r_on_ohm + (model.r_off_ohm - model.r_on_ohm) * x
        return model.r_on_ohm * (model.r_off_ohm / model.r_on_ohm) ** x

    if volts > 0:
        k, i_th, a = model.k_off_m_per_s / width, model.i_off_a, model.alpha_off
    else:
        k, i_th, a = model.k_on_m_per_s / width, model.i_on_a, model.alpha_on
    seconds, _ = quad(lambda x: 1.0 / (k * (volts / r_of(x) / i_th - 1.0) ** a), x_from, x_to, epsrel=1e-12)
    return seconds


@pytest.mark.parametrize("r_model", ["linear", "exponential"])
def test_one_write_pulse_moves_the_state_as_integrated_by_hand(r_model: str) -> None:
    """Under a 1 V step from x = 0.2 the state reaches 0.5 after the time the paper's
    equation gives by quadrature (127.0 ms linear, 7.03 ms exponential)."""
    model = TEAM(r_model=r_model)
    t_expected = _seconds_to_move(model, 1.0, 0.2, 0.5)
    start, edge = 0.01, 1e-9
    step = PWL((0.0, start, start + edge, start + 1.5 * t_expected), (0.0, 0.0, 1.0, 1.0))
    ng = simulate(model, step, x0=0.2, max_step_s=t_expected / 5000)
    assert ng.x[-1] - 0.2 > 0.01 * model.x_range
    k = np.argmax(ng.x >= 0.5)
    t_cross = np.interp(0.5, ng.x[k - 1 : k + 1], ng.t[k - 1 : k + 1]) - start
    assert t_cross == pytest.approx(t_expected, rel=1e-3)
    assert t_expected == pytest.approx({"linear": 0.12703, "exponential": 0.0070329}[r_model], rel=1e-4)


@pytest.mark.parametrize("r_model", ["linear", "exponential"])
@pytest.mark.parametrize("x", [0.0, 0.5, 1.0], ids=["x_on", "middle", "x_off"])
def test_resistance_at_given_states_through_ngspice(r_model: str, x: float) -> None:
    """Reference code figure: R(x_on) = Ron = 50 ohm, R(x_off) = Roff = 1 kohm, in between
    Ron + (Roff - Ron) x (IV_relation 0) or Ron exp(ln(Roff/Ron) x) (IV_relation 1: 223.6 ohm
    mid-way), read at 0.1 mV (|i| <= 2 uA, below the 115 uA and -8.9 uA thresholds)."""
    model = TEAM(r_model=r_model)
    expected = {
        ("linear", 0.0): 50.0,
        ("linear", 0.5): 525.0,
        ("linear", 1.0): 1000.0,
        ("exponential", 0.0): 50.0,
        ("exponential", 0.5): math.sqrt(50.0 * 1000.0),
        ("exponential", 1.0): 1000.0,
    }[(r_model, x)]
    read = PWL((0.0, 1e-6, 2e-6), (0.0, 1e-4, 1e-4))
    ng = simulate(model, read, x0=x, max_step_s=0.1e-6)
    assert ng.v[-1] / ng.i[-1] == pytest.approx(expected, rel=1e-9)
    assert ng.x[-1] == x


def test_subckt_text_carries_the_parameters() -> None:
    text = TEAM(window="biolek", p=2.0).subckt()
    assert ".subckt pymem_team_lin_biolek2 p n params: x0=0.5 ron=50.0 roff=1000.0" in text
    assert "ioff=0.000115 ion=-8.9e-06" in text
    assert "if(" not in text and "stp(" not in text and "limit(" not in text


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"r_on_ohm": -1.0}, "r_on_ohm must be finite and > 0"),
        ({"r_off_ohm": 10.0}, "Roff <= Ron is not a memristor"),
        ({"w_on_m": float("inf")}, "w_on_m must be finite and >= 0"),
        ({"w_off_m": -3e-9}, "w_off_m=-3e-09 must exceed w_on_m"),
        ({"k_off_m_per_s": -8e-13}, "k_off_m_per_s must be > 0"),
        ({"k_on_m_per_s": 8e-13}, "k_on_m_per_s must be < 0"),
        ({"alpha_on": 0.0}, "alpha_on must be finite and >= 1"),
        ({"alpha_off": 0.9}, "alpha_off must be finite and >= 1"),
        ({"i_off_a": 0.0}, "i_off_a must be > 0 A"),
        ({"i_on_a": 8.9e-6}, "i_on_a must be < 0 A .* makes the state drift at zero current"),
        ({"r_model": "quadratic"}, "r_model='quadratic' is unknown"),
        ({"window": "hann"}, "window='hann' is unknown; choose one of .*kvatinsky"),
        ({"j": 0.0}, "Prodromakis window scale j must be finite and > 0"),
        ({"w_c_m": -1e-12}, "w_c_m must be finite and > 0 m"),
        ({"a_on_m": 3e-9}, "a_on_m=3e-09 must be below a_off_m=3e-09"),
        ({"r_clamped": 1}, "r_clamped must be True or False"),
        (
            {"window": "kvatinsky", "r_clamped": False, "a_on_m": -0.5e-9},
            "linear R turns negative where the ON drive stops",
        ),
        ({"i_on_a": 0.0}, "i_on_a must be < 0 A"),
        ({"p": 0.0}, "window exponent p must be a whole number in 1..10"),
        ({"stop_layer": 0.5}, r"stop_layer must be in \(0, 0.1\]"),
        ({"x0": -0.1}, r"x0=-0.1 is outside the state range \[0.0, 1.0\] of team"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else "",
)
def test_bad_parameters_raise(overrides: dict[str, object], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        TEAM(**overrides)  # type: ignore[arg-type]


# ----- windows of the TEAM paper and Xyce, presets ----------------------------------------------
def test_windows_match_the_papers() -> None:
    """Joglekar, Prodromakis and the TEAM paper's own window against their formulas written out."""
    x = np.linspace(0.0, 1.0, 11)
    base = TEAM()
    rate_on, rate_off = base.dxdt(-1.0, 0.5), base.dxdt(1.0, 0.5)  # window none: f = 1 at x = 0.5
    jog = TEAM(window="joglekar", p=2.0)
    np.testing.assert_allclose(jog.window_value(x, 1.0), 1 - (2 * x - 1) ** 4, atol=1e-15)
    pro = TEAM(window="prodromakis", p=3.0, j=0.5)
    np.testing.assert_allclose(
        pro.window_value(x, -1.0), 0.5 * (1 - ((x - 0.5) ** 2 + 0.75) ** 3), atol=1e-15
    )
    kva = TEAM(window="kvatinsky", a_on_m=0.6e-9, a_off_m=2.4e-9, w_c_m=0.1e-9)
    w = 3e-9 * x
    np.testing.assert_allclose(kva.window_value(x, 1.0), np.exp(-np.exp((w - 2.4e-9) / 0.1e-9)), rtol=1e-12)
    np.testing.assert_allclose(kva.window_value(x, -1.0), np.exp(-np.exp(-(w - 0.6e-9) / 0.1e-9)), rtol=1e-12)
    # the window multiplies the rate; R is unchanged
    r = TEAM().resistance(0.5)
    assert kva.dxdt(1.0, 0.5) == pytest.approx(rate_off * np.exp(-np.exp(-9.0)), rel=1e-12)
    assert jog.dxdt(-1.0, 0.5) == pytest.approx(rate_on, rel=1e-12)
    assert float(kva.resistance(0.5)) == float(r)


def test_presets_apply_before_overrides() -> None:
    assert devices.presets("team") == ["kvatinsky", "xyce"]
    assert devices.presets("vteam") == ["memtorch"]
    xyce = devices.get("team", preset="xyce", x0=0.2)
    assert isinstance(xyce, TEAM)
    assert (xyce.window, xyce.alpha_on, xyce.k_off_m_per_s, xyce.r_clamped, xyce.x0) == (
        "kvatinsky",
        10.0,
        1.46e-18,
        False,
        0.2,
    )


@pytest.mark.parametrize(
    ("name", "preset", "match"),
    [
        ("team", "spectre", r"model 'team' has no preset 'spectre'; its presets are \['kvatinsky', 'xyce'\]"),
        ("hp", "xyce", r"model 'hp' has no preset 'xyce'; its presets are \['strukov2008'\]"),
        ("tea", "xyce", "unknown device model 'tea'"),
    ],
)
def test_unknown_preset_is_refused(name: str, preset: str, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        devices.get(name, preset=preset)
