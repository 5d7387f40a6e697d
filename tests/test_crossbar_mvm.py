"""Crossbar reads: the sparse solver against ngspice, and both against ideal math."""

from __future__ import annotations

import numpy as np
import pytest

from pymem import devices
from pymem.crossbar import ADC, TIA, Crossbar, random_crossbar
from pymem.crossbar.mapping import ideal_mvm
from pymem.engine.static import CrossbarSolver
from pymem.errors import ParameterError
from pymem.netlist.crossbar import read_deck
from pymem.ops.mvm import mvm


def _solver_at_ngspice_states(xb: Crossbar, v: np.ndarray, states: np.ndarray) -> np.ndarray:
    """Solver outputs with each vector's states as ngspice had them at that sample."""
    return np.stack([CrossbarSolver(xb.with_states(states[k])).solve(v[k]).y[0] for k in range(v.shape[0])])


def _assert_agree(xb: Crossbar, batch: int = 2, seed: int = 3) -> None:
    v = xb.random_inputs(batch, seed=seed)
    ng = mvm(xb, v, backend="ngspice")
    solver_y = _solver_at_ngspice_states(xb, v, ng.extra["states_at_samples"])
    np.testing.assert_allclose(solver_y, ng.y, rtol=1e-6, atol=0)
    if xb.sense == "tia":
        sol = CrossbarSolver(xb.with_states(ng.extra["states_at_samples"][-1])).solve(v[-1])
        np.testing.assert_allclose(sol.v_out[0], ng.v_out[-1], rtol=1e-6, atol=0)


MODELS = devices.names()


@pytest.mark.parametrize("sense", ["ideal", "tia"])
@pytest.mark.parametrize("model", MODELS)
def test_solver_matches_ngspice_for_every_model(model: str, sense: str) -> None:
    xb = random_crossbar(3, 5, model, seed=11, r_row_ohm=2.5, r_col_ohm=1.5, r_driver_ohm=1.0, sense=sense)
    _assert_agree(xb)


@pytest.mark.parametrize(
    ("rows", "cols", "r_wire"),
    [(1, 1, 0.0), (1, 7, 10.0), (7, 1, 10.0), (8, 8, 0.0), (12, 5, 0.5), (16, 16, 10.0), (64, 64, 1.0)],
    ids=lambda p: str(p),
)
def test_solver_matches_ngspice_over_sizes_and_wires(rows: int, cols: int, r_wire: float) -> None:
    xb = random_crossbar(rows, cols, "hp", seed=rows * 100 + cols, r_row_ohm=r_wire, r_col_ohm=r_wire)
    _assert_agree(xb, batch=1 if rows * cols > 1000 else 2)


def test_tia_saturation_matches_ngspice() -> None:
    """A small feedback resistor's complement: a large one drives some outputs into the rails."""
    xb0 = random_crossbar(4, 4, "hp", seed=5, r_row_ohm=1.0, r_col_ohm=1.0, sense="tia")
    xb = Crossbar(
        4,
        4,
        "hp",
        states=xb0.states,
        r_row_ohm=1.0,
        r_col_ohm=1.0,
        sense="tia",
        tia=TIA(r_f_ohm=4 * xb0.tia.r_f_ohm, v_sat_v=1.5),
    )
    # One vector per run: after a saturated vector the op-amp needs time to recover (a transient
    # effect ngspice shows and a DC solver cannot), so vectors are not chained here.
    for k, v in enumerate(xb.random_inputs(3, seed=1)):
        ng = mvm(xb, v, backend="ngspice")
        if k == 0:
            assert np.any(np.isclose(np.abs(ng.v_out), 1.5, rtol=1e-9)), "expected saturated outputs"
        solver_y = _solver_at_ngspice_states(xb, v[None, :], ng.extra["states_at_samples"])
        np.testing.assert_allclose(solver_y, ng.y, rtol=1e-6)


def test_ideal_wires_and_ideal_sensing_give_ideal_math() -> None:
    xb = random_crossbar(6, 4, "hp", seed=2)
    v = xb.random_inputs(5, seed=9)
    res = mvm(xb, v, backend="solver")
    np.testing.assert_allclose(res.y, ideal_mvm(xb.conductances(), v), rtol=1e-12)
    assert res.max_rel_error < 1e-12


def test_single_cell_with_driver_and_wire_is_a_voltage_divider() -> None:
    """1x1 array: I = V / (R_driver + R_cell + R_col), by hand."""
    xb = random_crossbar(1, 1, "hp", seed=4, r_driver_ohm=3.0, r_col_ohm=2.0)
    r_cell = 1.0 / xb.conductances()[0, 0]
    res = mvm(xb, [0.05], backend="solver")
    assert res.y[0, 0] == pytest.approx(0.05 / (3.0 + r_cell + 2.0), rel=1e-12)


def test_batch_through_ngspice_is_one_run() -> None:
    xb = random_crossbar(3, 3, "yakopcic", seed=1, r_row_ohm=1.0, r_col_ohm=1.0)
    res = mvm(xb, xb.random_inputs(4, seed=0), backend="ngspice")
    assert res.y.shape == (4, 3)
    assert res.extra["time_points"] > 4


@pytest.mark.parametrize("model", [m for m in MODELS if devices.get(m).thresholds is not None])
def test_reads_do_not_disturb_threshold_devices(model: str) -> None:
    xb = random_crossbar(4, 4, model, seed=8, r_row_ohm=2.0, r_col_ohm=2.0)
    res = mvm(xb, xb.random_inputs(3, seed=1), backend="ngspice")
    assert np.max(np.abs(res.states_after - xb.states)) < 1e-9 * xb.device.x_range


@pytest.mark.parametrize("model", [m for m in MODELS if devices.get(m).thresholds is not None])
def test_read_above_threshold_is_refused(model: str) -> None:
    xb = random_crossbar(2, 2, model, seed=0)
    v_pos = xb.device.thresholds[1]
    with pytest.raises(ParameterError, match=r"would cross .* write threshold"):
        mvm(xb, [v_pos, 0.0], backend="solver")
    with pytest.raises(ParameterError, match=r"write threshold"):
        Crossbar(2, 2, model, v_read=2 * v_pos)


def test_error_grows_with_wire_resistance_and_size() -> None:
    errs = []
    for n, r in [(8, 0.5), (8, 5.0), (32, 5.0)]:
        xb = random_crossbar(n, n, "hp", seed=0, r_row_ohm=r, r_col_ohm=r)
        errs.append(mvm(xb, xb.random_inputs(4, seed=1), backend="solver").mean_rel_error)
    assert errs[0] < errs[1] < errs[2]


def test_adc_quantizes_outputs() -> None:
    xb = random_crossbar(4, 4, "hp", seed=0)
    fs = float(np.max(ideal_mvm(xb.conductances(), np.full(4, xb.v_read))))
    q = Crossbar(4, 4, "hp", states=xb.states, adc=ADC(bits=4, full_scale=fs))
    res = mvm(q, q.random_inputs(3, seed=2), backend="solver")
    steps = res.y / q.adc.lsb
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)
    assert np.max(np.abs(res.y - res.y_ideal)) <= q.adc.lsb / 2 + 1e-15


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rows": 0, "cols": 2}, r"rows must be a positive integer, got 0"),
        ({"rows": 2, "cols": -1}, r"cols must be a positive integer, got -1"),
        (
            {"rows": 2, "cols": 2, "r_row_ohm": -1.0},
            r"r_row_ohm must be a finite resistance >= 0 ohm, got -1.0",
        ),
        ({"rows": 2, "cols": 2, "r_col_ohm": float("nan")}, r"r_col_ohm must be a finite resistance"),
        ({"rows": 2, "cols": 2, "sense": "sa"}, r"sense='sa' is unknown"),
        ({"rows": 2, "cols": 2, "cell": "2t2r"}, r"cell='2t2r' is unknown"),
        ({"rows": 2, "cols": 2, "model": "nosuch"}, r"unknown device model 'nosuch'"),
        ({"rows": 2, "cols": 2, "states": np.zeros((3, 2))}, r"states has shape \(3, 2\), expected"),
        ({"rows": 1, "cols": 1, "states": [[7.0]]}, r"state of cell \(0, 0\) = 7.0 is outside"),
        ({"rows": 1, "cols": 1, "v_read": -0.1}, r"v_read must be a finite voltage > 0"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_crossbar_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        Crossbar(**kwargs)


def test_bad_inputs_are_refused() -> None:
    xb = random_crossbar(3, 2, "hp", seed=0)
    with pytest.raises(ParameterError, match=r"input voltages have shape \(2,\); expected \(3,\)"):
        mvm(xb, [0.01, 0.02])
    with pytest.raises(ParameterError, match="must be finite"):
        mvm(xb, [0.01, np.nan, 0.0])
    with pytest.raises(ParameterError, match="unknown MVM backend 'gpu'"):
        mvm(xb, [0.01, 0.0, 0.0], backend="gpu")
    with pytest.raises(ParameterError, match="TIA r_f_ohm must be finite and > 0, got -5"):
        TIA(r_f_ohm=-5)
    with pytest.raises(ParameterError, match=r"ADC bits must be an integer in 1\.\.24, got 0"):
        ADC(bits=0, full_scale=1.0)


@pytest.mark.parametrize("sense", ["ideal", "tia"])
@pytest.mark.parametrize("model", MODELS)
def test_solver_matches_ngspice_for_1t1r(model: str, sense: str) -> None:
    xb = random_crossbar(
        4, 3, model, seed=2, r_row_ohm=1.0, r_col_ohm=2.0, r_driver_ohm=0.5, sense=sense, cell="1t1r"
    )
    _assert_agree(xb)


def test_1t1r_single_cell_matches_a_scalar_solve() -> None:
    """One cell: device and level-1 transistor in series, solved by brentq on the mid node."""
    from scipy.optimize import brentq

    xb = random_crossbar(1, 1, "hp", seed=3, cell="1t1r")
    g_dev = xb.conductances()[0, 0]
    beta = xb.nmos.kp_a_per_v2 * xb.nmos.w_over_l
    vgst = xb.nmos.v_gate_v - xb.nmos.vto_v
    v_in = 0.08

    def kcl(vm: float) -> float:  # device current in = transistor current out (triode, source at 0)
        return g_dev * (v_in - vm) - beta * (vgst - vm / 2) * vm

    vm = brentq(kcl, 0.0, v_in, xtol=1e-15)
    res = mvm(xb, [v_in], backend="solver")
    assert res.y[0, 0] == pytest.approx(g_dev * (v_in - vm), rel=1e-12)


def test_deck_holds_each_vector_until_the_tia_settles():
    """A plain-ngspice deck of a slow TIA read holds each input as long as mvm() does, and settles."""
    from pymem import backends
    from pymem.crossbar import random_crossbar
    from pymem.netlist.crossbar import read_times

    xb = random_crossbar(4, 4, "vteam", seed=2, sense="tia")
    assert xb.settle_time_s > 1e-6  # VTEAM's low resistances load the amplifier
    v = xb.random_inputs(2, seed=3)
    deck = read_deck(xb, v)
    assert f"{xb.settle_time_s!r} s each" in deck
    res = backends.run(deck, backend="batch")
    t = read_times(2, xb.settle_time_s)
    solved = mvm(xb, v, backend="solver").v_out
    for j in range(xb.cols):
        assert np.interp(t, res["time"], res.v(f"c{j}_vo")) == pytest.approx(solved[:, j], rel=1e-6, abs=1e-9)


def test_cell_states_reads_every_cell_at_one_or_many_time_points():
    from pymem.netlist.crossbar import cell_states, state_vector

    res = {
        state_vector(i, j): np.array([10.0 * i + j, 100.0 + 10 * i + j]) for i in range(2) for j in range(3)
    }
    np.testing.assert_array_equal(cell_states(res, 2, 3), [[100, 101, 102], [110, 111, 112]])
    np.testing.assert_array_equal(cell_states(res, 2, 3, 0), [[0, 1, 2], [10, 11, 12]])
    both = cell_states(res, 2, 3, np.array([0, 1]))
    assert both.shape == (2, 2, 3)
    np.testing.assert_array_equal(both[1], cell_states(res, 2, 3))


def test_compare_with_ngspice_reuses_a_reference_read():
    from pymem.ops.mvm import compare_solver_with_ngspice

    xb = random_crossbar(3, 3, "hp", seed=7, r_row_ohm=2.0, r_col_ohm=2.0)
    v = xb.random_inputs(2, seed=8)
    ng = mvm(xb, v, backend="ngspice")
    fresh = compare_solver_with_ngspice(xb, v)
    assert compare_solver_with_ngspice(xb, v, reference=ng) == pytest.approx(fresh, rel=1e-9, abs=1e-15)
    with pytest.raises(
        ParameterError, match="reference must be an ngspice read of these inputs, got a 'solver'"
    ):
        compare_solver_with_ngspice(xb, v, reference=mvm(xb, v, backend="solver"))
    with pytest.raises(ParameterError, match=r"got a 'ngspice' read of shape \(2, 3\)"):
        compare_solver_with_ngspice(xb, v[:1], reference=ng)
