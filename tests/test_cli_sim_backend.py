"""``--sim-backend shared|batch``: the CLI runs ngspice either way, and PYMEM_NGSPICE chooses the binary."""

from __future__ import annotations

import json

import pytest

from pymem.cli import main

MVM = ["mvm", "--rows", "3", "--cols", "3", "--backend", "ngspice", "--batch", "2", "--check", "--json"]


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_mvm_reads_the_same_through_either_backend(capsys):
    shared = _json([*MVM, "--sim-backend", "shared"], capsys)
    batch = _json([*MVM, "--sim-backend", "batch"], capsys)
    assert (shared["sim_backend"], batch["sim_backend"]) == ("shared", "batch")
    for key in ("max_rel_error_vs_ideal", "max_rel_diff_solver_vs_ngspice", "state_change_max"):
        assert batch[key] == pytest.approx(shared[key], rel=1e-6)


@pytest.mark.parametrize(
    "argv",
    [
        [*MVM, "--sim-backend", "batch"],
        ["mvm", "--rows", "2", "--cols", "2", "--backend", "solver", "--energy", "--sim-backend", "batch"],
        ["device", "iv", "--sim-backend", "batch"],
    ],
)
def test_pymem_ngspice_is_the_binary_of_the_batch_backend(argv, monkeypatch, capsys):
    monkeypatch.setenv("PYMEM_NGSPICE", "/nonexistent/ngspice")
    assert main(argv) == 2
    assert "PYMEM_NGSPICE='/nonexistent/ngspice' is not an executable ngspice" in capsys.readouterr().err


def test_device_iv_through_the_batch_backend(capsys):
    out = _json(["device", "iv", "--model", "hp", "--sim-backend", "batch", "--json"], capsys)
    assert out["max_state_error"] < 1e-2 and out["loop_area"] > 0


def test_an_unknown_sim_backend_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["mvm", "--sim-backend", "fork"])
    assert exc.value.code == 2
    assert "invalid choice: 'fork'" in capsys.readouterr().err
