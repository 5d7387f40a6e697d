"""Bad CLI input is a one-line error with exit status 2 before any work; bad API input a named error."""

from __future__ import annotations

import re

import numpy as np
import pytest

from pymem import checks, devices
from pymem.cli import main
from pymem.crossbar import Crossbar, random_crossbar
from pymem.errors import OutputPathError, ParameterError, TooLargeError
from pymem.ops.mvm import mvm
from pymem.sweep.store import ResultStore


def _no_work(*args: object, **kwargs: object) -> None:
    raise AssertionError("the command started its work before checking its input")


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command's work fails the test: the checks must come first."""
    import pymem.cli.arrays
    import pymem.ops.device
    import pymem.report.animate
    import pymem.report.sweep_plots
    import pymem.sweep.runner
    import pymem.train.network

    monkeypatch.setattr(pymem.cli.arrays, "crossbar_from", _no_work)
    monkeypatch.setattr(pymem.ops.device, "simulate", _no_work)
    monkeypatch.setattr(pymem.report.animate, "animate_page", _no_work)
    monkeypatch.setattr(pymem.report.sweep_plots, "plot_sweep", _no_work)
    monkeypatch.setattr(pymem.train.network, "train", _no_work)
    monkeypatch.setattr(pymem.sweep.runner, "_run_locked", _no_work)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.startswith("pymem: error: ") and err.count("\n") == 1  # one line
    return err


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["netlist", "--rows", "-3"], "--rows must be an integer >= 1, got -3"),
        (["mvm", "--rows", "-3"], "--rows must be an integer >= 1, got -3"),
        (["mvm", "--cols", "0"], "--cols must be an integer >= 1, got 0"),
        (["netlist", "--batch", "0"], "--batch must be an integer >= 1, got 0"),
        (["mvm", "--batch", "0"], "--batch must be an integer >= 1, got 0"),
        (["mvm", "--batch", "-1"], "--batch must be an integer >= 1, got -1"),
        (["netlist", "--seed", "-1"], "--seed must be an integer >= 0, got -1"),
        (["mvm", "--seed", "-1"], "--seed must be an integer >= 0, got -1"),
        (["train", "--batch", "0"], "--batch must be an integer >= 1, got 0"),
        (["train", "--batch", "-1"], "--batch must be an integer >= 1, got -1"),
        (["train", "--seed", "-1"], "--seed must be an integer >= 0, got -1"),
        (["mvm", "--rows", "1000000000"], r"needs about [0-9.e+]+ GiB .* GiB available"),
        (["netlist", "--rows", "1000000000"], r"needs about [0-9.e+]+ GiB .* GiB available"),
    ],
)
def test_bad_counts_exit_2_before_work(argv, match, capsys, no_work):
    err = _run(argv, capsys)
    assert re.search(match, err), err


def test_the_memory_estimate_names_both_figures(monkeypatch, capsys, no_work):
    monkeypatch.setattr(checks, "available_memory_bytes", lambda: int(checks.GIB))
    err = _run(["mvm", "--rows", "1000", "--cols", "1000"], capsys)
    need = (1000 * 1000 * checks.BYTES_PER_CELL["solver"] + 3 * 1000 * 1000 * 16) / checks.GIB
    assert f"needs about {need:.3g} GiB for solver" in err and "has 1 GiB available" in err
    err = _run(["mvm", "--rows", "1000", "--cols", "1000", "--backend", "ngspice"], capsys)
    assert "for ngspice" in err


def test_a_large_array_below_the_memory_is_accepted():
    checks.check_crossbar_memory(64, 64, 4, "ngspice")  # well under any machine's memory: no error
    with pytest.raises(TooLargeError, match=r"a 1000000000 x 16 crossbar \(1.6e\+10 cells, 4.8e\+10 nodes\)"):
        checks.check_crossbar_memory(10**9, 16, 1, "netlist")


BAD_OUTPUTS = {
    "proc": (lambda tmp: "/proc/x.out", "folder '/proc' is not writable"),
    "directory": (lambda tmp: str(tmp), "is a directory"),
    "missing folder": (lambda tmp: str(tmp / "missing" / "x.out"), "folder .*missing' does not exist"),
}


def _results_file(tmp_path) -> str:
    path = tmp_path / "r.parquet"
    ResultStore(path).add({"point_id": "a", "task": "mvm", "status": "ok"})
    return str(path)


def _spec_file(tmp_path) -> str:
    spec = tmp_path / "s.toml"
    spec.write_text('task = "mvm"\n[fixed]\nsize = 2\nbackend = "solver"\n[grid]\nmodel = ["hp"]\n')
    return str(spec)


COMMANDS = {
    "netlist": lambda tmp, out: ["netlist", "--rows", "2", "--cols", "2", "-o", out],
    "device iv": lambda tmp, out: ["device", "iv", "-o", out],
    "train": lambda tmp, out: ["train", "-o", out],
    "animate": lambda tmp, out: ["animate", "-o", out],
    "sweep": lambda tmp, out: ["sweep", _spec_file(tmp), "--out", out],
}
MAKE_FOLDERS = ("animate", "sweep")
"""Commands that create a missing output folder (a missing folder is no error there)."""


@pytest.mark.parametrize(
    ("command", "bad"),
    [
        (c, b)
        for c in sorted(COMMANDS)
        for b in BAD_OUTPUTS
        if not (c in MAKE_FOLDERS and b == "missing folder")
    ],
)
def test_unwritable_outputs_exit_2_before_work(command, bad, tmp_path, capsys, no_work):
    path_of, match = BAD_OUTPUTS[bad]
    err = _run(COMMANDS[command](tmp_path, path_of(tmp_path)), capsys)
    assert re.search(match, err), err


@pytest.mark.parametrize(
    ("folder", "match"),
    [("/proc/figs", "folder '/proc' is not writable"), ("FILE", "is a file; give a folder")],
)
def test_plot_output_folder_checked_before_work(folder, match, tmp_path, capsys, no_work):
    results = _results_file(tmp_path)
    err = _run(["plot", results, "-o", results if folder == "FILE" else folder], capsys)
    assert match in err


def test_check_writable_leaves_files_and_folders_alone(tmp_path):
    existing = tmp_path / "keep.txt"
    existing.write_text("data")
    assert checks.check_writable(existing) == existing and existing.read_text() == "data"
    assert checks.check_writable(tmp_path / "new.txt") == tmp_path / "new.txt"
    assert checks.check_writable(tmp_path / "a" / "b" / "new.txt", make_folders=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]  # no probe left, no folder made
    with pytest.raises(OutputPathError, match="is not a folder"):
        checks.check_writable(existing / "x.txt")
    with pytest.raises(OutputPathError, match="is a file; give a folder"):
        checks.check_writable_folder(existing)


@pytest.mark.parametrize(
    ("value", "match"), [(0, "got 0"), (True, "got True"), (1.5, "got 1.5"), ("3", "got '3'")]
)
def test_check_count_refuses_non_counts(value, match):
    with pytest.raises(ParameterError, match=f"n must be an integer >= 1, {match}"):
        checks.check_count("n", value, 1)


def test_complex_inputs_to_mvm_are_refused():
    xb = Crossbar(2, 3, "hp")
    with pytest.raises(ParameterError, match="input voltages must be real numbers, got complex values"):
        mvm(xb, np.array([0.05 + 0.01j, 0.05]))
    with pytest.raises(ParameterError, match="input voltages must be an array of real numbers, got"):
        mvm(xb, ["a", "b"])


@pytest.mark.parametrize("backend", ["ideal", "solver", "ngspice"])
def test_an_empty_batch_is_a_clear_error(backend):
    with pytest.raises(
        ParameterError, match=r"shape \(0, 4\): no vectors to read; give at least one row of 4"
    ):
        mvm(Crossbar(4, 2, "hp"), np.zeros((0, 4)), backend=backend)


def test_complex_states_and_scales_are_refused():
    with pytest.raises(ParameterError, match="states must be real numbers, got complex values"):
        Crossbar(2, 2, "hp", states=np.full((2, 2), 0.5 + 0.1j))
    with pytest.raises(ParameterError, match="states must be an array of real numbers"):
        Crossbar(2, 2, "hp", states=[["a", "b"], ["c", "d"]])
    with pytest.raises(ParameterError, match="g_scale must be real numbers, got complex values"):
        Crossbar(2, 2, "hp", g_scale=np.ones((2, 2), dtype=complex))


@pytest.mark.parametrize("model", devices.names())
def test_a_non_numeric_x0_is_a_parameter_error(model):
    with pytest.raises(ParameterError, match=f"x0='a' of {model} is not a number; give an initial state in"):
        devices.get(model, x0="a")


@pytest.mark.parametrize(
    ("rows", "cols", "match"),
    [(-3, 4, "rows must be a positive integer, got -3"), (4, 0, "cols must be a positive integer, got 0"),
     (2.5, 2, "rows must be a positive integer, got 2.5")],
)  # fmt: skip
def test_random_crossbar_refuses_bad_sizes_by_name(rows, cols, match):
    with pytest.raises(ParameterError, match=match):
        random_crossbar(rows, cols, "hp")
