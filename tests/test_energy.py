"""Energy per MVM from the ngspice read, against the power the solver's node voltages imply."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from pymem.crossbar import random_crossbar
from pymem.ops.energy import digital_energy_per_mac, mvm_energy
from pymem.ops.solver import CrossbarSolver


def test_ideal_wires_give_t_times_sum_of_g_v_squared() -> None:
    xb = random_crossbar(3, 4, "vteam", seed=1)
    v = xb.random_inputs(2, seed=2)
    e = mvm_energy(xb, v, t_read_s=1e-6)
    hold = 1e-6 - 1e-9  # the settled part of each vector's hold
    expected = [hold * float(np.sum(xb.conductances() * vk[:, None] ** 2)) for vk in v]
    np.testing.assert_allclose(e["energy_per_vector_j"], expected, rtol=1e-6)
    assert e["energy_per_mac_j"] == pytest.approx(np.mean(expected) / 12, rel=1e-6)


def test_with_wires_the_drivers_deliver_what_the_solver_says() -> None:
    xb = random_crossbar(4, 3, "vteam", seed=3, r_row_ohm=2.0, r_col_ohm=1.0, r_driver_ohm=0.5)
    v = xb.random_inputs(1, seed=4)
    nodes = CrossbarSolver(xb).node_voltages(v[0])
    cell_currents = xb.conductances() * (nodes["wl"] - nodes["bl"])
    expected = (1e-6 - 1e-9) * float(np.sum(v[0] * cell_currents.sum(axis=1)))
    assert mvm_energy(xb, v, t_read_s=1e-6)["energy_j"] == pytest.approx(expected, rel=1e-6)


def test_digital_reference_is_horowitz_2014() -> None:
    d = digital_energy_per_mac()
    assert d["compute_j"] == pytest.approx(4.6e-12)
    assert d["total_j"] == pytest.approx(4.6e-12 + 0.65e-9)


def test_cli_energy_keys() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pymem.cli",
            "mvm",
            "--rows",
            "4",
            "--cols",
            "4",
            "--model",
            "vteam",
            "--energy",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    for key in ("energy_j", "energy_per_mac_j", "digital_energy_per_mac_j"):
        assert info[key] > 0
