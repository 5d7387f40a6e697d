"""Verilog-A export: golden files, the translation, and a compiler's residuals against numpy.

The compiler check uses openvaf-py (OpenVAF's front end with a MIR interpreter; a test-only
extra on CPython 3.11, the only Python it has wheels for, so CI's Debian 13 run (3.13) says it
skips): it compiles each module and evaluates its residuals at given node voltages.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from pymem import cli
from pymem.devices.base import STATE_LEAK_OHM, DeviceModel
from pymem.devices.vteam import VTEAM
from pymem.errors import NoVerilogAFormError
from pymem.netlist.library import library_models
from pymem.netlist.verilog_a import module_text, translate, verilog_a_files

ROOT = Path(__file__).resolve().parents[1]
MODELS = {m.subckt_name: m for models in library_models().values() for m in models}


@pytest.mark.parametrize("rel", sorted(verilog_a_files()), ids=str)
def test_verilog_a_files_are_what_pymem_emits(rel: str) -> None:
    path = ROOT / "circuits" / rel
    assert path.exists(), f"{path} is missing: run `pymem circuits --dialect verilog-a -o circuits`"
    assert path.read_text() == verilog_a_files()[rel], (
        f"{rel} is stale: run `pymem circuits --dialect verilog-a`"
    )


def test_cli_writes_the_verilog_a_library(tmp_path: Path) -> None:
    assert cli.main(["circuits", "--dialect", "verilog-a", "-o", str(tmp_path)]) == 0
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.va")) == sorted(
        verilog_a_files()
    )


def test_translation_rewrites_what_verilog_a_reads_differently() -> None:
    out = translate("pow(2*x-1,2*p)+log(r)/2+1e-12*a1", {"x", "p", "r", "a1"}, "demo")
    assert out == "pow(abs(2.0*x-1.0),2.0*p)+ln(r)/2.0+1e-12*a1"


@dataclass(frozen=True)
class _StepModel(VTEAM):
    """VTEAM with ngspice's u() step function in its rate: no Verilog-A form."""

    name: ClassVar[str] = "step-demo"

    def spice_dxdt(self, v: str, x: str) -> str:
        return f"koffn*u({v}-voff)"


@dataclass(frozen=True)
class _UnknownParamModel(VTEAM):
    name: ClassVar[str] = "param-demo"

    def spice_params(self) -> dict[str, float]:
        return {**super().spice_params(), "zeta": 1.0}


def test_a_model_without_a_verilog_a_form_is_refused() -> None:
    with pytest.raises(
        NoVerilogAFormError, match=r"step-demo has no Verilog-A form: its equations call u\(\)"
    ):
        module_text(_StepModel())


def test_a_parameter_without_units_is_refused() -> None:
    with pytest.raises(NoVerilogAFormError, match=r"param-demo .* units of its parameters \['zeta'\]"):
        module_text(_UnknownParamModel())


def test_an_unknown_name_in_an_equation_is_refused() -> None:
    with pytest.raises(NoVerilogAFormError, match=r"use 'q', which is not one of its parameters"):
        translate("ron*q", {"ron"}, "demo")


def _grid(model: DeviceModel) -> list[tuple[float, float]]:
    """(v, x) points over both polarities, below and above the thresholds, and the whole state range."""
    amp = model.demo_drive().amplitude_v
    lo, hi = model.x_bounds
    vs = amp * np.array([-1.0, -0.6, -0.25, -0.05, 0.0, 0.05, 0.25, 0.6, 1.0])
    xs = lo + (hi - lo) * np.array([0.0, 1e-4, 0.1, 0.37, 0.5, 0.82, 0.9999, 1.0])
    return [(float(v), float(x)) for v in vs for x in xs]


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(b), 1e-12 * scale)


@pytest.mark.parametrize("subckt", sorted(MODELS))
def test_compiled_module_matches_the_numpy_equations(subckt: str, tmp_path: Path) -> None:
    if sys.version_info >= (3, 12):
        pytest.skip("openvaf-py ships wheels for CPython 3.11 only; CI's Debian 12 run compiles these")
    import openvaf_py as openvaf  # a test extra on 3.11 (pyproject.toml): missing it is a failure
    model = MODELS[subckt]
    path = tmp_path / f"{subckt}.va"
    path.write_text(module_text(model))
    (mod,) = openvaf.compile_va(str(path))
    assert mod.name == subckt
    assert mod.nodes and mod.num_residuals == 3
    params = {"x0": float(model.x0), **model.spice_params(), "gscale": 1.0, "mfactor": 1.0}
    i_scale = float(np.max(np.abs(model.current(model.demo_drive().amplitude_v, np.array(model.x_bounds)))))
    r_scale = float(
        np.max(np.abs(model.dxdt(model.demo_drive().amplitude_v, np.linspace(*model.x_bounds, 9))))
    )
    checked_rates = 0
    for v, x in _grid(model):
        inputs = {n: params[n] for n in mod.param_names if n in params}
        inputs.update({"V(p,n)": v, "V(x)": x, "I(p,n)": 0.0})
        residuals, _ = mod.run_init_eval(inputs)
        (ip, _), (i_n, _), (rx, qx) = residuals
        i_ref = float(model.current(v, x))
        rate_ref = float(model.dxdt(v, x))
        leak = (x - model.x0) / STATE_LEAK_OHM
        assert _close(ip, i_ref, i_scale), (v, x, ip, i_ref)
        assert _close(-i_n, i_ref, i_scale)
        assert _close(-(rx - leak), rate_ref, r_scale), (v, x, -(rx - leak), rate_ref)
        assert qx == x
        checked_rates += rate_ref != 0
    assert checked_rates >= 4, "the grid should reach voltages where the state moves"
