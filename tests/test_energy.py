"""Energy per MVM from the ngspice read, against the power the solver's node voltages imply."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from pymem.crossbar import random_crossbar
from pymem.engine.static import CrossbarSolver
from pymem.errors import ParameterError, PeripheryParameterError
from pymem.ops import published as pub
from pymem.ops.energy import (
    Periphery,
    digital_energy_per_mac,
    energy_breakdown,
    mvm_energy,
    periphery_energy,
    read_energy,
    solver_array_energy,
)


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


def test_read_energy_reuses_an_ngspice_read_and_agrees_with_its_own_run() -> None:
    from pymem.ops.mvm import mvm

    xb = random_crossbar(3, 4, "vteam", seed=5, r_row_ohm=1.0, r_col_ohm=1.0)
    v = xb.random_inputs(3, seed=6)
    read = mvm(xb, v, backend="ngspice")
    reused, own = read_energy(xb, read), mvm_energy(xb, v)
    np.testing.assert_allclose(reused["energy_per_vector_j"], own["energy_per_vector_j"], rtol=1e-12)
    assert reused["t_read_s"] == own["t_read_s"] == pytest.approx(1e-6 - 1e-9)
    with pytest.raises(ParameterError, match="read_energy needs an ngspice read, got a 'solver' one"):
        read_energy(xb, mvm(xb, v, backend="solver"))


def test_digital_reference_is_horowitz_2014() -> None:
    d = digital_energy_per_mac()
    assert d["compute_j"] == pytest.approx(4.6e-12)
    assert d["total_j"] == pytest.approx(4.6e-12 + 0.65e-9)


def test_cli_energy_is_the_power_the_solver_implies_and_the_periphery_formula() -> None:
    """`pymem mvm --energy` (ngspice) against the exact solver's driver power and the periphery formulas."""
    out = subprocess.run(
        [sys.executable, "-m", "pymem.cli", "mvm", "--rows", "4", "--cols", "4", "--model", "vteam",
         "--energy", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    # the command's crossbar and input: defaults --seed 0, --r-row 1, --r-col 1, --batch 1
    xb = random_crossbar(4, 4, "vteam", seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    v = xb.random_inputs(1, seed=1)[0]
    assert info["t_read_s"] == pytest.approx(1e-6 - 1e-9)  # the settled part of the 1 us hold
    expected = solver_array_energy(xb, v, info["t_read_s"])
    assert info["energy_j"] == pytest.approx(expected, rel=1e-6)
    assert info["energy_per_mac_j"] == pytest.approx(expected / 16, rel=1e-6)
    assert info["digital_energy_per_mac_j"] == pytest.approx(3.7e-12 + 0.9e-12 + 1.3e-9 / 2)  # Horowitz
    parts = info["breakdown"]["parts_j"]
    assert parts["array"] == info["energy_j"]
    assert parts["dac"] == pytest.approx(4 * pub.ISAAC_DAC_POWER_EACH_W * info["t_read_s"])
    assert parts["tia"] == pytest.approx(4 * pub.TIA_POWER_W * info["t_read_s"])
    assert parts["adc"] == pytest.approx(4 * pub.WALDEN_FOM_J * 2**pub.ISAAC_ADC_BITS)
    assert info["breakdown"]["total_j"] == pytest.approx(sum(parts.values()), rel=1e-12)


# --- the periphery: each term against its formula with the published constants ---


def test_published_constants() -> None:
    assert pytest.approx(16e-3 / (8 * 1.2e9)) == pub.ISAAC_ADC_CONVERSION_J
    assert pytest.approx(1.6667e-12 / 256, rel=1e-4) == pub.WALDEN_FOM_J
    assert pytest.approx(4e-3 / 1024) == pub.ISAAC_DAC_POWER_EACH_W
    assert pytest.approx(16 / 22.4) == pub.ISAAC_ADC_SHARE


@pytest.mark.parametrize("bits", [1, 4, 8, 16])
def test_periphery_terms(bits: int) -> None:
    p = Periphery(adc_bits=bits, t_read_s=2e-7, tia_power_w=5e-5, dac_power_w=1e-6, adc_fom_j=1e-14)
    e = periphery_energy(32, 64, p)
    assert e["dac_j"] == pytest.approx(32 * 1e-6 * 2e-7)
    assert e["tia_j"] == pytest.approx(64 * 5e-5 * 2e-7)
    assert e["adc_j"] == pytest.approx(64 * 1e-14 * 2**bits)
    assert e["adc_time_s"] == pytest.approx(64 / 1.2e9)


def test_default_periphery_is_isaac() -> None:
    e = periphery_energy(128, 128)
    assert e["adc_j"] == pytest.approx(128 * 16e-3 / (8 * 1.2e9))
    assert e["dac_j"] == pytest.approx(128 * 4e-3 / 1024 * 100e-9)
    assert e["tia_j"] == pytest.approx(128 * pub.TIA_POWER_W * 100e-9)


def test_total_is_the_sum_of_parts_and_digital_lines() -> None:
    xb = random_crossbar(8, 6, "vteam", seed=1)
    v = xb.random_inputs(1, seed=2)[0]
    array = solver_array_energy(xb, v, 1e-7)
    assert array == pytest.approx(1e-7 * float(np.sum(xb.conductances() * v[:, None] ** 2)), rel=1e-9)
    e = energy_breakdown(array, 8, 6)
    assert e["total_j"] == pytest.approx(sum(e["parts_j"].values()), rel=1e-12)
    assert e["total_per_mac_j"] == pytest.approx(e["total_j"] / 48)
    assert e["parts_j"]["array"] == array
    d = e["digital"]
    assert d["compute_j"] == pytest.approx(4.6e-12)
    assert d["sram_j"] == pytest.approx(4.6e-12 + 10e-12)
    assert d["dram_j"] == pytest.approx(4.6e-12 + 650e-12)
    assert e["ratio"]["sram"] == pytest.approx(d["sram_j"] / e["total_per_mac_j"])


@pytest.mark.parametrize("bits", [0, 17, -3, 8.0, True])
def test_adc_bits_outside_1_16_are_refused(bits: object) -> None:
    with pytest.raises(PeripheryParameterError, match=r"adc_bits must be an integer in 1\.\.16, got"):
        Periphery(adc_bits=bits)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["adc_rate_hz", "adc_fom_j", "t_read_s"])
@pytest.mark.parametrize("value", [0.0, -1e-9, float("nan")])
def test_non_positive_rates_and_times_are_refused(name: str, value: float) -> None:
    with pytest.raises(PeripheryParameterError, match=rf"{name} must be a positive finite number, got"):
        Periphery(**{name: value})


def test_negative_power_and_bad_sizes_are_refused() -> None:
    with pytest.raises(PeripheryParameterError, match=r"tia_power_w must be a finite number >= 0, got -1"):
        Periphery(tia_power_w=-1.0)
    with pytest.raises(PeripheryParameterError, match=r"rows must be a positive integer, got 0"):
        periphery_energy(0, 4)
    with pytest.raises(PeripheryParameterError, match=r"array energy must be finite and >= 0 J, got -1"):
        energy_breakdown(-1.0, 4, 4)
    xb = random_crossbar(2, 2, "vteam", seed=1)
    with pytest.raises(PeripheryParameterError, match=r"t_read_s must be a positive finite number, got 0"):
        solver_array_energy(xb, [0.01, 0.01], 0.0)


def test_cli_energy_breakdown_and_figure(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from pymem.cli import main
    from pymem.report.energy import energy_grid

    png = tmp_path / "e.png"
    assert (
        main(["energy", "--rows", "16", "--cols", "16", "--adc-bits", "6", "--figure", str(png), "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["parts_j"]["adc"] == pytest.approx(16 * pub.WALDEN_FOM_J * 2**6)
    assert out["isaac"]["isaac_adc_share"] == pytest.approx(16 / 22.4)
    assert png.stat().st_size > 10_000 and set(out["claim_holds_at_sizes"]) == {"4", "5", "6", "7", "8"}
    grid = energy_grid("vteam", sizes=(16,), bits=(4, 8))
    assert grid[1]["per_mac_j"]["adc"] == pytest.approx(16 * grid[0]["per_mac_j"]["adc"])
    assert main(["energy", "--adc-bits", "17"]) == 2
    assert "adc_bits must be an integer in 1..16, got 17" in capsys.readouterr().err
    assert main(["energy", "--t-read", "0"]) == 2
    assert "t_read_s must be a positive finite number, got 0.0" in capsys.readouterr().err
