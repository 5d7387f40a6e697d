"""One circuit description: the deck and the engines read the same nodes and elements."""

from __future__ import annotations

import numpy as np
import pytest

from pymem.circuit import array_circuit, write_circuit
from pymem.circuit.write import FLOAT_LEAK_OHM
from pymem.crossbar import random_crossbar
from pymem.engine.static import CrossbarSolver
from pymem.netlist.crossbar import array_lines
from pymem.netlist.write import circuit_deck

ARRAYS = [
    {"r_row_ohm": 1.0, "r_col_ohm": 2.0, "r_driver_ohm": 5.0, "cell": "1t1r"},
    {"r_row_ohm": 0.0, "r_col_ohm": 2.0},
    {"r_row_ohm": 1.0, "r_col_ohm": 0.0, "r_driver_ohm": 3.0},
    {"r_row_ohm": 0.0, "r_col_ohm": 0.0, "cell": "1t1r"},
]


@pytest.mark.parametrize("kw", ARRAYS, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()))
def test_the_deck_names_exactly_the_circuit_nodes(kw: dict) -> None:
    xb = random_crossbar(3, 4, "vteam", seed=0, **kw)
    arr = array_circuit(xb)
    named = set()
    for line in array_lines(xb, periphery=False):
        parts = line.split()
        ends = parts[1:3] if parts[0][0] in "RX" else [parts[1], parts[3]]  # Mt: drain, source
        named.update(ends)
    assert named == set(arr.names), "every array node appears in the deck, and nothing else"
    assert len(set(arr.names)) == arr.n, "node names are unique"


@pytest.mark.parametrize("kw", ARRAYS, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()))
def test_the_solver_reads_the_circuit_numbering(kw: dict) -> None:
    xb = random_crossbar(3, 4, "hp", seed=0, **kw)
    arr = array_circuit(xb)
    topo = CrossbarSolver(xb).topo
    for field in ("wl", "bl", "mid", "out", "src"):
        assert np.array_equal(getattr(topo, field), getattr(arr, field)), field
    n_wires = sum(br.a.size for br in arr.linear_branches())
    expected = (xb.cols - 1) * xb.rows * (xb.r_row_ohm > 0) + xb.rows * xb.cols * (xb.r_col_ohm > 0)
    assert n_wires == expected + xb.rows * (xb.r_driver_ohm > 0)


def test_floating_lines_leak_to_ground_in_the_deck_and_the_circuit() -> None:
    xb = random_crossbar(3, 3, "vteam", seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    circuit = write_circuit(xb, (1, 2), 1.0, 1e-8, "float")
    assert circuit.leaks is not None and circuit.leaks.a.size == 4  # two rows and two columns float
    leaks = [ln for ln in circuit_deck(circuit).splitlines() if ln.startswith("Rleak_")]
    assert len(leaks) == 4
    assert all(ln.split()[2] == "0" and float(ln.split()[3]) == FLOAT_LEAK_OHM for ln in leaks)
    driven = {s.name for s in circuit.sources}
    assert driven == {"Vr1", "Vc2"}


def test_the_write_waveforms_are_the_scheme_levels() -> None:
    xb = random_crossbar(2, 3, "vteam", seed=0)
    circuit = write_circuit(xb, (0, 1), [0.8, -0.6], 1e-8, "v3")
    peaks = {s.name: s.volts[[2, 6]].tolist() for s in circuit.sources}  # flat tops of the two pulses
    assert peaks["Vr0"] == [0.8, -0.6] and peaks["Vr1"] == pytest.approx([0.8 / 3, -0.2])
    assert peaks["Vc1"] == [0.0, 0.0] and peaks["Vc0"] == pytest.approx([1.6 / 3, -0.4])
    assert np.all(np.diff(circuit.breakpoints()) > 0) and circuit.breakpoints()[-1] == circuit.stop_s
