"""Ideal-wire training writes as compact circuits of the pulsed cells: the states of the array's circuit."""

from __future__ import annotations

import numpy as np
import pytest

from pymem import devices
from pymem.circuit.write import schedule_circuit
from pymem.engine.network import LinearNetwork
from pymem.errors import ParameterError
from pymem.ops.program import run_write
from pymem.train.compact import cell_pulses, is_compactable, write_arrays, write_schedule
from pymem.train.network import TrainConfig, initial_crossbar
from pymem.train.pulses import manhattan_schedule, outer_schedule

SPAN = devices.get("vteam").x_range


def _schedule(rule: str, rows: int, cols: int, lr: float = 1.0):
    cfg = TrainConfig()
    xb, design = initial_crossbar(cfg, rows, cols, 0.0)
    rng = np.random.default_rng(3)
    if rule == "manhattan":
        return xb, manhattan_schedule(rng.normal(size=(rows, cols // 2)), design)
    return xb, outer_schedule(rng.random((8, rows)), rng.normal(size=(8, cols // 2)), lr, design, rng)


@pytest.mark.parametrize("rule", ["manhattan", "outer"])
def test_compact_write_ends_in_the_states_of_the_whole_array_circuit(rule):
    """Measured: the two agree to 4e-8 (Manhattan) and 4e-7 (outer) of the state range (the engine's
    tolerances); the margin is 1e-5 of the range, 100 times below what one pulse moves a cell."""
    xb, sched = _schedule(rule, 10, 8)
    assert is_compactable(xb, sched.slots)
    full, _ = run_write(schedule_circuit(xb, sched.slots, sched.widths_s), "solver")
    done = write_arrays([xb], [(sched.slots, sched.widths_s)], "solver")
    assert done is not None
    (compact,), runs = done
    assert runs == 1  # 80 cells: one compact circuit
    assert np.max(np.abs(compact - full)) <= 1e-5 * SPAN
    moved = np.abs(full - xb.states) > 1e-3 * SPAN
    assert moved.any() and np.array_equal(moved, sched.commanded != 0)  # exactly the pulsed cells moved


def test_compact_tiles_are_written_together_and_split_back():
    """Two arrays (as two tiles) in one compact circuit: each ends as its own circuit would leave it."""
    xb_a, sched_a = _schedule("manhattan", 10, 8)
    xb_b, design = initial_crossbar(TrainConfig(seed=5), 6, 4, 0.0)
    sched_b = manhattan_schedule(np.random.default_rng(9).normal(size=(6, 2)), design)
    done = write_arrays([xb_a, xb_b], [(s.slots, s.widths_s) for s in (sched_a, sched_b)], "solver")
    assert done is not None and done[1] == 1
    for xb, sched, got in zip((xb_a, xb_b), (sched_a, sched_b), done[0], strict=True):
        full, _ = run_write(schedule_circuit(xb, sched.slots, sched.widths_s), "solver")
        assert got.shape == xb.states.shape
        assert np.max(np.abs(got - full)) <= 1e-5 * SPAN


def test_wires_or_floating_lines_keep_the_whole_array_circuit():
    xb, sched = _schedule("manhattan", 4, 4)
    wired, _ = initial_crossbar(TrainConfig(), 4, 4, 0.02)
    assert not is_compactable(wired, sched.slots)
    floating = [([None, *rv[1:]], cv) for rv, cv in sched.slots]
    assert not is_compactable(xb, floating)
    with pytest.raises(ParameterError, match=r"floating \(None\) lines; check is_compactable"):
        cell_pulses(xb, floating, sched.widths_s)
    x_wired, runs = write_schedule(wired, sched, "solver")  # the whole array's circuit
    full, _ = run_write(schedule_circuit(wired, sched.slots, sched.widths_s), "solver")
    assert runs == 1 and np.array_equal(x_wired, full)


def test_compact_is_declined_when_it_would_need_more_slots():
    """Many pulses per cell in different orders (outer rule, large steps): the array's own slots are fewer."""
    xb, sched = _schedule("outer", 65, 20, lr=2.0)
    assert is_compactable(xb, sched.slots)
    assert write_arrays([xb], [(sched.slots, sched.widths_s)], "solver") is None


def test_refactor_then_no_active_cell_keeps_the_engine_consistent():
    """Found by two-layer training: after a refactorisation, an interval with no moving cell used the
    k x k block of the cells of before (a broadcasting error). The network must answer as with k = 0."""
    _, sched = _schedule("manhattan", 4, 4)
    wired, _ = initial_crossbar(TrainConfig(), 4, 4, 0.5)
    circuit = schedule_circuit(wired, sched.slots, sched.widths_s)
    x = wired.states.ravel().astype(float)
    net = LinearNetwork(circuit, x)
    t0, t1 = float(circuit.breakpoints()[1]), float(circuit.breakpoints()[2])
    net.set_active(np.array([0, 1, 2]))
    net.segment(t0, t1)
    net.refactor(x)
    net.set_active(np.zeros(0, dtype=np.int64))
    net.segment(t0, t1)
    u, power, _ = net.active(0.5 * (t0 + t1), x[:0])
    _, p_all = net.solve_all(0.5 * (t0 + t1), x)
    assert u.size == 0 and power == pytest.approx(p_all, rel=1e-9)
