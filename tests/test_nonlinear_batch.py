"""Nonlinear reads: the batched chord Newton against the per-vector Newton (ngspice checks are in
test_crossbar_mvm.py), and its errors."""

from __future__ import annotations

import numpy as np
import pytest

from pymem.crossbar import TIA, Crossbar, random_crossbar
from pymem.engine.static import CrossbarSolver
from pymem.errors import NewtonConvergenceError, ParameterError, SimulationError

NONLINEAR = ["yakopcic", "stanford-pku"]


def _both(xb: Crossbar, v: np.ndarray) -> tuple:
    s = CrossbarSolver(xb)
    return s.solve(v), s.solve(v, method="per-vector")


@pytest.mark.parametrize("wires", [(1.0, 2.0), (0.0, 0.0)], ids=["wires", "no-wires"])
@pytest.mark.parametrize("sense", ["ideal", "tia"])
@pytest.mark.parametrize("cell", ["1r", "1t1r"])
@pytest.mark.parametrize("model", NONLINEAR)
def test_batch_matches_per_vector_newton(model: str, cell: str, sense: str, wires: tuple) -> None:
    xb = random_crossbar(
        6, 5, model, seed=4, r_row_ohm=wires[0], r_col_ohm=wires[1], r_driver_ohm=0.5, sense=sense, cell=cell
    )
    v = xb.random_inputs(40, seed=1)  # two chunks of vectors
    batch, ref = _both(xb, v)
    np.testing.assert_allclose(batch.y, ref.y, rtol=1e-12, atol=0)
    if sense == "tia":
        np.testing.assert_allclose(batch.v_out, ref.v_out, rtol=1e-12, atol=0)
    assert np.all(batch.newton_iterations >= 1)


def test_batch_tia_saturation_matches_per_vector() -> None:
    """A large feedback resistor drives some outputs into the rails: vectors group by saturation pattern."""
    xb0 = random_crossbar(5, 4, "yakopcic", seed=5, r_row_ohm=1.0, r_col_ohm=1.0, sense="tia")
    xb = Crossbar(
        5, 4, "yakopcic", states=xb0.states, r_row_ohm=1.0, r_col_ohm=1.0, sense="tia",
        tia=TIA(r_f_ohm=4 * xb0.tia.r_f_ohm, v_sat_v=1.5),
    )  # fmt: skip
    v = xb.random_inputs(30, seed=2)
    batch, ref = _both(xb, v)
    saturated = np.isclose(np.abs(ref.v_out), 1.5, rtol=1e-12)
    assert saturated.any() and not saturated.all(), "expected a mix of saturated and linear outputs"
    np.testing.assert_allclose(batch.v_out, ref.v_out, rtol=1e-12, atol=0)
    np.testing.assert_allclose(batch.y, ref.y, rtol=1e-12, atol=0)


def test_batch_of_one_vector_and_node_voltages_agree() -> None:
    xb = random_crossbar(4, 4, "stanford-pku", seed=8, r_row_ohm=2.0, r_col_ohm=2.0)
    v = xb.random_inputs(1, seed=3)[0]
    s = CrossbarSolver(xb)
    y = s.solve(v).y[0]
    nodes = s.node_voltages(v)
    i_cells = xb.g_scale * xb.device.current(nodes["wl"] - nodes["bl"], xb.states)
    np.testing.assert_allclose(y, i_cells.sum(axis=0), rtol=1e-9)


@pytest.mark.parametrize("method", ["batch", "per-vector"])
def test_non_convergence_names_the_vector_and_residual(method: str) -> None:
    xb = random_crossbar(4, 3, "yakopcic", seed=2, r_row_ohm=1.0, r_col_ohm=1.0)
    v = np.vstack([np.zeros((2, 4)), xb.random_inputs(1, seed=1)])  # zero inputs converge at once
    with pytest.raises(
        NewtonConvergenceError, match=r"1 iterations for yakopcic at input vector 2: largest KCL residual"
    ) as err:
        CrossbarSolver(xb).solve(v, method=method, max_iterations=1)
    assert isinstance(err.value, SimulationError)
    assert err.value.vector_index == 2
    assert err.value.residual_a > 0


def test_bad_solve_options_are_refused() -> None:
    s = CrossbarSolver(random_crossbar(2, 2, "yakopcic", seed=1, r_row_ohm=1.0, r_col_ohm=1.0))
    with pytest.raises(ParameterError, match="unknown solve method 'gpu'; choose 'batch' or 'per-vector'"):
        s.solve([0.01, 0.02], method="gpu")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="max_iterations must be an integer >= 1, got 0"):
        s.solve([0.01, 0.02], max_iterations=0)
