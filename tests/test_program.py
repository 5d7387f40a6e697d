"""Writing by pulses: schemes, disturbance, energy, closed loop against one continuous transient."""

from __future__ import annotations

import numpy as np
import pytest

from pymem import devices
from pymem.crossbar import random_crossbar
from pymem.errors import ParameterError
from pymem.netlist.write import line_voltages, write_deck
from pymem.ops.device import simulate as simulate_device
from pymem.ops.program import program_and_verify, write_pulses

THRESHOLD_MODELS = [m for m in devices.names() if devices.get(m).thresholds is not None]


def _write_amplitude(name: str) -> float:
    """1.5 times the positive threshold: above it, while half of it stays below."""
    th = devices.get(name).thresholds
    return 1.5 * th[1] if th else 1.0


def test_scheme_line_voltages_by_hand() -> None:
    rows, cols = line_voltages(3, 3, (1, 2), 0.9, "v2")
    assert rows == [0.0, 0.45, 0.0] and cols == [0.0, 0.0, -0.45]
    rows, cols = line_voltages(3, 3, (1, 2), 0.9, "v3")
    assert rows == pytest.approx([0.3, 0.9, 0.3]) and cols == pytest.approx([0.6, 0.6, 0.0])
    rows, cols = line_voltages(2, 2, (0, 0), -1.0, "float")
    assert rows == [-1.0, None] and cols == [0.0, None]


@pytest.mark.parametrize("scheme", ["v2", "v3", "float"])
@pytest.mark.parametrize("name", [*THRESHOLD_MODELS, "hp"])
def test_pulses_in_a_loop_equal_one_continuous_transient(name: str, scheme: str) -> None:
    """Each step starts from the exact states of the last: the loop is the same circuit as one run."""
    amp = _write_amplitude(name)
    amps = [amp, amp, -amp, 1.1 * amp, -0.8 * amp]
    width = devices.get(name).demo_drive().duration_s / 100
    xb = random_crossbar(3, 4, name, seed=1, r_row_ohm=1.0, r_col_ohm=1.0)
    current = xb
    moved = 0.0
    for a in amps:
        step = write_pulses(current, (1, 2), a, width, scheme)
        moved += abs(step.selected_change)
        current = current.with_states(step.states_after)
    one = write_pulses(xb, (1, 2), amps, width, scheme)
    assert np.max(np.abs(one.states_after - current.states)) <= 1e-6 * xb.device.x_range
    assert moved > 1e-3 * xb.device.x_range, "the pulses should move the selected cell"


FIXED_THRESHOLD_MODELS = [m for m in THRESHOLD_MODELS if not devices.get(m).thresholds_depend_on_state]
"""TEAM's voltage thresholds are i R(x): a cell of lower R switches at a lower voltage, so no fixed
V/2 amplitude leaves every half-selected cell alone (its own tests cover its thresholds)."""


@pytest.mark.parametrize("name", FIXED_THRESHOLD_MODELS)
def test_v2_below_twice_the_threshold_leaves_half_selected_cells_alone(name: str) -> None:
    amp = _write_amplitude(name)
    width = devices.get(name).demo_drive().duration_s / 10
    xb = random_crossbar(4, 4, name, seed=2, r_row_ohm=0.5, r_col_ohm=0.5)
    res = write_pulses(xb, (2, 1), amp, width, "v2")
    assert res.disturb_max < 1e-9
    assert abs(res.selected_change) > 1e-3 * xb.device.x_range


def test_write_energy_equals_the_device_energy_of_the_reference() -> None:
    """1x1, ideal wires: the sources deliver exactly what the device dissipates, int v i dt."""
    model = devices.get("hp")
    xb = random_crossbar(1, 1, "hp", seed=0)
    width = 1e-3
    res = write_pulses(xb, (0, 0), 1.0, width, "v2")
    edge, gap = width / 100, width / 10
    wave = devices.PWL(
        (0.0, gap, gap + edge, gap + edge + width, gap + 2 * edge + width, 2 * gap + 2 * edge + width),
        (0.0, 0.0, 1.0, 1.0, 0.0, 0.0),
    )
    ref = simulate_device(model, wave, x0=float(xb.states[0, 0]), backend="reference", n_points=20000)
    e_ref = float(np.trapezoid(ref.v * ref.i, ref.t))
    assert res.energy_j == pytest.approx(e_ref, rel=1e-3)


def test_program_and_verify_reaches_targets() -> None:
    xb = random_crossbar(2, 3, "yakopcic", seed=3, r_row_ohm=0.5, r_col_ohm=0.5)
    rng = np.random.default_rng(0)
    g_now = xb.conductances()
    g_target = g_now * rng.uniform(0.7, 1.3, size=g_now.shape)
    th = xb.device.thresholds
    out = program_and_verify(
        xb, g_target, v_set=1.4 * th[1], v_reset=1.4 * th[0], width_s=2e-5, rtol=0.01, max_pulses=80
    )
    assert out.converged.all(), out.rel_error
    assert np.all(out.rel_error <= 0.01)
    assert out.pulses.sum() > 0 and len(out.step_seconds) == out.pulses.sum()


def test_program_and_verify_reports_cells_out_of_budget() -> None:
    xb = random_crossbar(1, 2, "yakopcic", seed=4)
    g_max = float(xb.device.conductance(1.0, xb.v_read))
    g_target = np.array([[0.95 * g_max, xb.conductances()[0, 1]]])
    th = xb.device.thresholds
    out = program_and_verify(xb, g_target, 1.2 * th[1], 1.2 * th[0], width_s=1e-6, rtol=1e-3, max_pulses=2)
    assert not out.converged[0, 0] and out.pulses[0, 0] == 2
    assert out.converged[0, 1] and out.pulses[0, 1] == 0


def test_unreachable_targets_are_refused() -> None:
    xb = random_crossbar(1, 1, "hp", seed=0)
    g_max = float(xb.device.conductance(1.0, xb.v_read))
    with pytest.raises(ParameterError, match=r"outside what hp reaches"):
        program_and_verify(xb, np.array([[2 * g_max]]), 1.0, -1.0, 1e-3)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scheme": "v4"}, r"unknown write scheme 'v4'"),
        ({"cell": (5, 0)}, r"cell \(5, 0\) is outside the 2x2 array"),
        ({"width_s": 0.0}, r"pulse width must be finite and > 0 s, got 0.0"),
        ({"v_write": 0.0}, r"write amplitudes must be finite and non-zero"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_write_requests(kwargs: dict, match: str) -> None:
    args = {"cell": (0, 0), "v_write": 1.0, "width_s": 1e-3, "scheme": "v2"} | kwargs
    with pytest.raises(ParameterError, match=match):
        write_deck(random_crossbar(2, 2, "hp", seed=0), **args)


def test_1t1r_write_moves_only_the_selected_row() -> None:
    """Only the selected row's transistors are on: cells of other rows see no voltage at all."""
    xb = random_crossbar(3, 3, "hp", seed=5, r_row_ohm=1.0, r_col_ohm=1.0, cell="1t1r")
    res = write_pulses(xb, (1, 1), 1.0, 1e-3, "v2")
    delta = np.abs(res.states_after - xb.states)
    assert delta[1, 1] > 1e-4
    assert delta[1, 1] > np.max(delta[1, [0, 2]])  # same row, transistor on, but only Vw/2
    assert np.max(delta[[0, 2], :]) < 1e-9 * xb.device.x_range


def test_row_by_row_programming_reaches_targets_in_fewer_steps() -> None:
    xb = random_crossbar(2, 4, "yakopcic", seed=3, r_row_ohm=0.5, r_col_ohm=0.5)
    rng = np.random.default_rng(1)
    g_target = xb.conductances() * rng.uniform(0.75, 1.25, size=(2, 4))
    th = xb.device.thresholds
    kw = {"v_set": 1.4 * th[1], "v_reset": 1.4 * th[0], "width_s": 2e-5, "rtol": 0.01, "max_pulses": 80}
    by_cell = program_and_verify(xb, g_target, **kw)
    by_row = program_and_verify(xb, g_target, order="row", **kw)
    assert by_cell.converged.all() and by_row.converged.all()
    assert np.all(by_row.rel_error <= 0.01)
    assert len(by_row.step_seconds) < len(by_cell.step_seconds)


def test_unknown_programming_order() -> None:
    xb = random_crossbar(1, 1, "yakopcic", seed=0)
    with pytest.raises(ParameterError, match="unknown programming order 'diagonal'"):
        program_and_verify(xb, xb.conductances(), 0.2, -0.2, 1e-5, order="diagonal")


def test_a_failed_transient_is_reported_and_the_rest_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pulse whose ngspice run fails marks its cell; the other cells are still programmed."""
    from pymem.errors import TimestepTooSmallError
    from pymem.ops import program as prog

    real = prog.write_pulses

    def flaky(xb, cell, *args, **kwargs):
        if cell[0] == 0 and 0 in cell[1]:
            raise TimestepTooSmallError("transient analysis stopped: timestep too small", time_s=1e-9)
        return real(xb, cell, *args, **kwargs)

    monkeypatch.setattr(prog, "write_pulses", flaky)
    xb = random_crossbar(1, 2, "yakopcic", seed=2)
    g_target = xb.conductances() * 1.1
    th = xb.device.thresholds
    out = program_and_verify(xb, g_target, 1.4 * th[1], 1.4 * th[0], 2e-5, rtol=0.01, max_pulses=60)
    assert (0, 0) in out.failures and "timestep too small" in out.failures[(0, 0)]
    assert not out.converged[0, 0] and out.converged[0, 1]
