"""VTEAM model: pinched loops, read disturb, published figures.

Default parameters: the VTEAM set of Kvatinsky et al.'s reference Verilog-A
(Ron 50 ohm, Roff 1 kohm, D 3 nm, k_off 5e-4 m/s, k_on -10 m/s, alpha_off 1,
alpha_on 3, v_off 0.02 V, v_on -0.2 V); see docs/models/vteam.md.
ngspice against the numpy reference: tests/test_devices.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pymem.devices.vteam import VTEAM
from pymem.devices.waveforms import PWL, pulse_train, triangle
from pymem.errors import ParameterError
from pymem.ops.device import simulate


def test_numpy_rates_match_the_paper_equations() -> None:
    """dx/dt against eq. (1) of the paper written out by hand, state units 1/s."""
    m = VTEAM()
    d = 3e-9
    assert m.dxdt(1.0, 0.5) == pytest.approx(5e-4 * (1.0 / 0.02 - 1) / d, rel=1e-12)
    assert m.dxdt(-1.0, 0.5) == pytest.approx(-10.0 * (-1.0 / -0.2 - 1) ** 3 / d, rel=1e-12)
    np.testing.assert_array_equal(m.dxdt(np.array([0.0, 0.019, -0.199, 0.02, -0.2]), 0.5), 0.0)
    # stopped at the bounds (to the 1e-12 gap), but free to leave them
    assert abs(m.dxdt(1.0, 1.0)) <= 1e-9 * m.dxdt(1.0, 0.5)
    assert abs(m.dxdt(-1.0, 0.0)) <= 1e-9 * abs(m.dxdt(-1.0, 0.5))
    assert m.dxdt(-1.0, 1.0) == m.dxdt(-1.0, 0.5) and m.dxdt(1.0, 0.0) == m.dxdt(1.0, 0.5)
    assert m.dxdt(1.0, 1.0 - 0.5e-3) == pytest.approx(0.5 * m.dxdt(1.0, 0.5), rel=1e-6)  # end stop
    b = VTEAM(window="biolek", p=1.0)
    assert b.dxdt(1.0, 0.5) == pytest.approx(m.dxdt(1.0, 0.5) * (1 - 0.5**2), rel=1e-9)
    assert b.dxdt(-1.0, 0.25) == pytest.approx(m.dxdt(-1.0, 0.25) * (1 - 0.75**2), rel=1e-9)
    assert m.dxdt(np.zeros((3, 1)), np.zeros(4)).shape == (3, 4)


def test_pinched_hysteresis_loop() -> None:
    """Zero current at zero voltage, and two different branches at the same voltage."""
    model = VTEAM()
    amplitude = 1.0
    waveform = triangle(amplitude, 2e6, 1)
    period = waveform.duration_s
    ng = simulate(model, waveform, x0=0.0, max_step_s=period / 10_000)
    # T/2 and T are corners ngspice steps on, where v is 0 up to the rounding of ngspice's time
    # (ngspice 44 ends at t = 4.999999999999999e-07 s, where v = -8.9e-16 V; ngspice 39 at 5e-07, v = 0)
    at_zero = np.abs(ng.v) <= 1e-12 * amplitude
    for corner in (period / 2, period):
        on_corner = np.abs(ng.t - corner) <= 1e-9 * period
        assert np.any(at_zero & on_corner), f"no time point with v = 0 at the corner t = {corner} s"
    assert np.all(np.abs(ng.i[at_zero]) <= 1e-12)
    nz = np.abs(ng.v) > 1e-9
    g = ng.i[nz] / ng.v[nz]
    assert np.all(np.isfinite(g))
    assert np.all((g >= (1 - 1e-6) / model.r_off_ohm) & (g <= (1 + 1e-6) / model.r_on_ohm))
    # the loop is open: at +0.5 V the falling branch is far more resistive than the rising one
    quarter = waveform.duration_s / 4
    rising = np.interp(0.5 * quarter, ng.t, ng.i)
    falling = np.interp(1.5 * quarter, ng.t, ng.i)
    assert rising > 1.5 * falling > 0


def test_1000_reads_at_half_threshold_do_not_write() -> None:
    """1,000 read pulses at half of each threshold leave the state alone (ngspice)."""
    model = VTEAM()
    v_on, v_off = model.thresholds
    reads = pulse_train([v_off / 2, v_on / 2] * 500, 10e-9, 10e-9)
    ng = simulate(model, reads, x0=0.5, max_step_s=5e-9)
    assert ng.t[-1] == pytest.approx(reads.duration_s)
    assert np.max(np.abs(ng.x - 0.5)) < 1e-6 * model.x_range
    assert np.min(ng.v) == pytest.approx(v_on / 2) and np.max(ng.v) == pytest.approx(v_off / 2)


@pytest.mark.parametrize("amplitude", [0.5, -0.22], ids=["off-write", "on-write"])
def test_one_write_pulse_moves_the_state_as_integrated_by_hand(amplitude: float) -> None:
    """A 10 ns write pulse moves x by the closed-form integral of eq. (1) over the pulse."""
    model = VTEAM()
    width, edge = 10e-9, 0.1e-9
    pulse = pulse_train([amplitude], width, 10e-9, edge_s=edge)
    # The threshold crossing inside an edge is a kink ngspice's step control does not see
    # (with 0.05 ns steps trapezoidal integration over-counts the edge by 1.6e-3): bound the step.
    ng = simulate(model, pulse, x0=0.5, max_step_s=5e-12)
    if amplitude > 0:
        k, th, a = model.k_off_per_s, model.v_off_v, model.alpha_off
    else:
        k, th, a = model.k_on_per_s, model.v_on_v, model.alpha_on
    over = amplitude / th - 1
    # flat top, plus the two linear edges from the threshold crossing up to the amplitude
    expected = k * (over**a * width + 2 * edge * (th / amplitude) * over ** (a + 1) / (a + 1))
    moved = ng.x[-1] - 0.5
    assert abs(moved) > 0.01 * model.x_range
    assert moved == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize("r_model", ["linear", "exponential"])
@pytest.mark.parametrize("x", [0.0, 0.5, 1.0], ids=["w_on", "middle", "w_off"])
def test_resistance_at_given_states_through_ngspice(r_model: str, x: float) -> None:
    """Reference code figure: R(w_on) = Ron = 50 ohm, R(w_off) = Roff = 1 kohm, and in between
    Ron + (Roff - Ron) x (linear) or Ron exp(ln(Roff/Ron) x) (exponential: 223.6 ohm mid-way)."""
    model = VTEAM(r_model=r_model)
    expected = {
        ("linear", 0.0): 50.0,
        ("linear", 0.5): 525.0,
        ("linear", 1.0): 1000.0,
        ("exponential", 0.0): 50.0,
        ("exponential", 0.5): math.sqrt(50.0 * 1000.0),
        ("exponential", 1.0): 1000.0,
    }[(r_model, x)]
    read = PWL((0.0, 1e-9, 2e-9), (0.0, 0.01, 0.01))  # 10 mV: half v_off, no write
    ng = simulate(model, read, x0=x, max_step_s=0.1e-9)
    assert ng.v[-1] / ng.i[-1] == pytest.approx(expected, rel=1e-9)
    assert ng.x[-1] == x


@pytest.mark.parametrize("fraction", [0.5, 0.999], ids=["half", "end-stop"])
def test_switching_time_of_the_reference_parameters(fraction: float) -> None:
    """At +1 V the reference parameters switch the 3 nm film OFF in
    D / (k_off (1/v_off - 1)) = 3e-9 / (5e-4 * 49) = 122.45 ns (no window: the state moves
    linearly), and back ON at -1 V in D / (|k_on| (1/0.2 - 1)^3) = 3e-9 / 640 = 4.7 ps.
    ngspice's state crosses ``fraction`` of the range at that fraction of 122.45 ns
    (up to the end stop, which starts at 1 - 1e-3)."""
    model = VTEAM()
    t_off = 3e-9 / (5e-4 * (1.0 / 0.02 - 1.0))
    assert t_off == pytest.approx(122.45e-9, rel=1e-4)
    t_on = 3e-9 / (10.0 * (1.0 / 0.2 - 1.0) ** 3)
    assert t_on == pytest.approx(4.69e-12, rel=1e-3)
    edge, start = 1e-12, 10e-9
    step = PWL((0.0, start, start + edge, 150e-9), (0.0, 0.0, 1.0, 1.0))
    ng = simulate(model, step, x0=0.0, max_step_s=0.1e-9)
    k = np.argmax(ng.x >= fraction)
    t_cross = np.interp(fraction, ng.x[k - 1 : k + 1], ng.t[k - 1 : k + 1]) - start
    assert t_cross == pytest.approx(fraction * t_off, rel=1e-4)


def test_subckt_text_carries_the_parameters() -> None:
    text = VTEAM(r_model="exponential", window="biolek").subckt()
    assert text.splitlines()[2].startswith(".subckt pymem_vteam_exp_biolek1 p n params: x0=0.5 ron=50.0")
    lam = float(text.split(" lam=")[1].split()[0])
    assert lam == pytest.approx(math.log(1000.0 / 50.0), rel=1e-11)  # ln(r_off / r_on), 12 digits
    assert "if(" not in text and "stp(" not in text and "limit(" not in text


def test_thresholds() -> None:
    assert VTEAM().thresholds == (-0.2, 0.02)
    assert VTEAM(v_on_v=-1.0, v_off_v=0.5).thresholds == (-1.0, 0.5)


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"r_on_ohm": 0.0}, "r_on_ohm must be finite and > 0"),
        ({"r_off_ohm": 50.0}, "Roff <= Ron is not a memristor"),
        ({"w_on_m": -1e-9}, "w_on_m must be finite and >= 0"),
        ({"w_off_m": 0.0}, "w_off_m=0.0 must exceed w_on_m"),
        ({"k_off_m_per_s": 0.0}, "k_off_m_per_s must be > 0"),
        ({"k_on_m_per_s": 10.0}, "k_on_m_per_s must be < 0"),
        ({"alpha_on": 0.5}, "alpha_on must be finite and >= 1"),
        ({"alpha_off": float("nan")}, "alpha_off must be finite and >= 1"),
        ({"v_off_v": -0.1}, "v_off_v must be > 0 V"),
        ({"v_on_v": 0.2}, "v_on_v must be < 0 V"),
        ({"r_model": "tanh"}, "r_model='tanh' is unknown"),
        ({"window": "joglekar"}, "window='joglekar' is unknown"),
        ({"p": 1.5}, "window exponent p must be a whole number in 1..10"),
        ({"stop_layer": 0.0}, r"stop_layer must be in \(0, 0.1\]"),
        ({"x0": 1.5}, r"x0=1.5 is outside the state range \[0.0, 1.0\] of vteam"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else "",
)
def test_bad_parameters_raise(overrides: dict[str, object], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        VTEAM(**overrides)  # type: ignore[arg-type]
