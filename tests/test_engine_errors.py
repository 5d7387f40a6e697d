"""Faults of the native engine end in named errors that say where, never in a hang."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest
from numpy.typing import ArrayLike, NDArray

from pymem.circuit import write_circuit
from pymem.crossbar import Crossbar, random_crossbar
from pymem.devices.base import DeviceModel
from pymem.engine import network
from pymem.engine.transient import simulate
from pymem.errors import EngineConvergenceError, ParameterError, StateBoundsError, StepBudgetError
from pymem.netlist.write import circuit_deck
from pymem.ops.program import program_and_verify, write_pulses


@dataclass(frozen=True)
class Runaway(DeviceModel):
    """A test device whose state drifts at 1e9 per volt-second with no window to stop it."""

    x0: float = 0.5
    name: ClassVar[str] = "runaway"
    citation: ClassVar[str] = "test device"

    @property
    def x_bounds(self) -> tuple[float, float]:
        return (0.0, 1.0)

    def current(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        return np.asarray(v, dtype=float) / 1e3 + 0.0 * np.asarray(x, dtype=float)

    def dxdt(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        return 1e9 * np.asarray(v, dtype=float) + 0.0 * np.asarray(x, dtype=float)

    def spice_params(self) -> dict[str, float]:
        return {}

    def spice_current(self, v: str, x: str) -> str:
        return f"{v}/1e3"

    def spice_dxdt(self, v: str, x: str) -> str:
        return f"1e9*{v}"


def test_a_step_budget_ends_in_a_named_error_with_the_time_and_cell() -> None:
    xb = random_crossbar(4, 4, "vteam", seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    circuit = write_circuit(xb, (1, 2), 1.0, 100e-9, "v2")
    with pytest.raises(
        StepBudgetError, match=r"more than max_steps=5 time steps \(stopped at t = .* s; fastest"
    ):
        simulate(circuit, max_steps=5)


def test_a_state_that_leaves_its_bounds_is_named_with_its_cell() -> None:
    xb = Crossbar(1, 2, Runaway(), states=[[0.5, 0.5]], r_row_ohm=1.0, r_col_ohm=1.0)
    circuit = write_circuit(xb, (0, 1), 1.0, 1e-6, "v2")
    with pytest.raises(
        StateBoundsError, match=r"the state of cell \(0, 1\) reached .* outside runaway's range"
    ):
        simulate(circuit)


def test_newton_that_does_not_converge_names_the_time_and_node(monkeypatch: pytest.MonkeyPatch) -> None:
    xb = random_crossbar(3, 3, "yakopcic", seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    circuit = write_circuit(xb, (1, 1), 0.3, 1e-5, "v2")
    monkeypatch.setattr(network, "NEWTON_MAX_ITER", 1)
    with pytest.raises(
        EngineConvergenceError, match=r"Newton did not converge in 1 iterations at t = .* at node"
    ):
        simulate(circuit)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_steps": 0}, "max_steps must be an integer >= 1"),
        ({"rtol": 2.0}, r"rtol and atol must lie in \(0, 1\)"),
    ],
)
def test_bad_engine_settings_are_refused(kwargs: dict, message: str) -> None:
    circuit = write_circuit(random_crossbar(2, 2, "vteam", seed=0), (0, 0), 1.0, 1e-8)
    with pytest.raises(ParameterError, match=message):
        simulate(circuit, **kwargs)


def test_an_unknown_write_backend_is_refused() -> None:
    xb = random_crossbar(2, 2, "vteam", seed=0)
    with pytest.raises(
        ParameterError, match=r"unknown write backend 'spice'; choose one of \('solver', 'ngspice'\)"
    ):
        write_pulses(xb, (0, 0), 1.0, 1e-8, backend="spice")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="unknown write backend 'spice'"):
        program_and_verify(xb, xb.conductances(), 0.1, -0.3, 1e-8, backend="spice")  # type: ignore[arg-type]


def test_an_unknown_ngspice_tolerance_is_refused() -> None:
    circuit = write_circuit(random_crossbar(2, 2, "vteam", seed=0), (0, 0), 1.0, 1e-8)
    with pytest.raises(
        ParameterError, match=r"unknown write tolerance 'loose'; choose one of \('default', 'tight'\)"
    ):
        circuit_deck(circuit, tolerance="loose")  # type: ignore[arg-type]
