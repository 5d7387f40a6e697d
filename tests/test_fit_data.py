"""Measured sweeps: the CSV reader, its refusals (file and line named), and pymem fit on the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from pymem import cli, devices
from pymem.errors import DataFileError, FitConvergenceError, IntegrationBudgetError, ParameterError
from pymem.fit import Sweep, core, read_sweep, write_sweep
from pymem.ops.device import simulate as simulate_device


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sweep.csv"
    path.write_text(text)
    return path


def test_reads_smu_export_with_units_comments_and_other_columns(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "# Keithley 2636B export\n\nIndex;Time (ms);V [mV];Current(uA);R\n"
        "1;0;0;0;1\n2;1;100;2.5;1\n3;2.5;-200;-5;1\n",
    )
    s = read_sweep(path)
    np.testing.assert_array_equal(s.t, [0.0, 1e-3, 2.5e-3])
    np.testing.assert_allclose(s.v, [0.0, 0.1, -0.2], rtol=1e-15)
    np.testing.assert_allclose(s.i, [0.0, 2.5e-6, -5e-6], rtol=1e-15)


def test_columns_can_be_mapped_by_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "t,Vsmu1,Ismu1\n0,0,0\n1,1,1e-3\n2,0,0\n")
    assert read_sweep(path, columns={"v": "Vsmu1", "i": "ismu1"}).i[1] == 1e-3


def test_round_trip_through_write_sweep(tmp_path: Path) -> None:
    s = Sweep(np.array([0.0, 1e-9, 3e-9]), np.array([0.0, 0.3, -0.1]), np.array([0.0, 1e-4 / 3, -2e-5]))
    back = read_sweep(write_sweep(tmp_path / "s.csv", s))
    for key in ("t", "v", "i"):
        np.testing.assert_array_equal(getattr(back, key), getattr(s, key))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("Time,V\n0,0\n1,1\n2,0\n", r"sweep.csv, line 1: no 'i' column among \['Time', 'V'\]"),
        ("Time,V,I\n0,0,0\n1,abc,1\n2,0,0\n", r"sweep.csv, line 3: cell 'abc' of column 'V' is not a number"),
        ("Time,V,I\n0,0,0\n1,nan,1\n2,0,0\n", r"sweep.csv, line 3: cell 'nan' of column 'V' is not finite"),
        ("# c\nTime,V,I\n0,0,0\n2,1,1\n1,0,0\n", r"sweep.csv, line 5: time 1.0 s does not increase"),
        ("Time,V,I\n0,0,0\n0,1,1\n1,0,0\n", r"sweep.csv, line 3: time 0.0 s does not increase"),
        ("Time,V,I\n0,0.5,1e-3\n", r"sweep.csv, line 2: 1 data point\(s\); a fit needs a sweep"),
        ("Time,V,I\n0,0,0\n1,1\n", r"sweep.csv, line 3: 2 cells where the header has 3"),
        ("Time (min),V,I\n0,0,0\n1,1,1\n2,0,0\n", r"line 1: column 'Time \(min\)' has the unit 'min'"),
        ("\n# only comments\n", r"sweep.csv: no header line and no data"),
    ],
    ids=["missing", "text", "nan", "backwards", "repeated", "single", "short", "unit", "empty"],
)
def test_bad_files_are_refused_with_file_and_line(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(DataFileError, match=match):
        read_sweep(_write(tmp_path, text))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"nothere.csv: cannot read the data file"):
        read_sweep(tmp_path / "nothere.csv")


@pytest.mark.parametrize(
    ("t", "match"),
    [([0.0, 2.0, 1.0], r"time t\[2\] = 1.0 s does not increase"), ([0.0, 1.0], r"2 data point\(s\)")],
)
def test_bad_arrays_are_refused(t: list[float], match: str) -> None:
    n = len(t)
    with pytest.raises(DataFileError, match=match):
        Sweep(np.array(t), np.zeros(n), np.zeros(n))


def test_cli_fit_writes_a_preset_that_netlist_uses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    true = devices.get("hp")
    ref = simulate_device(true, true.demo_drive(), backend="reference", n_points=400)
    noisy = ref.i * (1 + 0.01 * np.random.default_rng(3).standard_normal(ref.i.size))
    data = write_sweep(tmp_path / "meas.csv", Sweep(ref.t, ref.v, noisy))
    out = tmp_path / "my_dev.json"
    args = ["fit", "--model", "hp", "--data", str(data), "--param", "r_off_ohm=2e4", "-o", str(out), "--json"]
    assert cli.main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["preset"] == "my_dev" and summary["subckt"] == "pymem_my_dev"
    assert abs(summary["fitted"]["r_off_ohm"]["value"] - 16e3) <= 3 * summary["fitted"]["r_off_ohm"]["stderr"]
    assert out.with_suffix(".png").stat().st_size > 1000
    record = json.loads(out.read_text())
    assert record["base_model"] == "hp" and record["parameters"]["r_on_ohm"] == 100.0
    deck = tmp_path / "deck.cir"
    assert cli.main(["netlist", "--model", str(out), "--rows", "2", "--cols", "2", "-o", str(deck)]) == 0
    assert ".subckt pymem_my_dev p n" in deck.read_text()


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--param", "r_off_ohm"], r"--param 'r_off_ohm' must be NAME=VALUE"),
        (["--column", "x=V"], r"--column 'x=V' must be t=NAME"),
        (["--name", "Bad-Name"], r"preset name 'Bad-Name' must start with a lower-case letter"),
        (["--name", "vteam"], r"preset name 'vteam' is a built-in model"),
    ],
)
def test_cli_fit_refuses_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], match: str
) -> None:
    data = _write(tmp_path, "Time,V,I\n0,0,0\n1,1,1e-4\n2,0,0\n")
    args = ["fit", "--model", "hp", "--data", str(data), "-o", str(tmp_path / "f.json"), *extra]
    assert cli.main(args) == 2
    assert re.search(match, capsys.readouterr().err)


def test_cli_refuses_a_model_that_is_neither_registered_nor_a_fit_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["netlist", "--model", str(tmp_path / "nope.json"), "-o", str(tmp_path / "d.cir")])
    assert re.search(r"invalid model '.*nope.json': choose one of \[", capsys.readouterr().err)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"format": "other"}', r"is not a pymem fit file \(format 'pymem-fit-1'\)"),
        ('{"format": "pymem-fit-1", "base_model": "memristor9"}', r"base model 'memristor9' is unknown"),
        ("{not json", r"cannot read the fit file .*bad.json"),
        (
            '{"format": "pymem-fit-1", "base_model": "hp", "preset": "d", "parameters": {"r_on_ohm": -1}}',
            r"r_on_ohm must be > 0 ohm, got -1",
        ),
    ],
    ids=["format", "base", "json", "value"],
)
def test_bad_fit_files_are_refused(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ParameterError, match=match):
        devices.get(str(path))


def test_missing_fit_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"fit file .*gone.json does not exist"):
        devices.get(str(tmp_path / "gone.json"))


def test_integration_budget_ends_a_crawling_integration(monkeypatch: pytest.MonkeyPatch) -> None:
    m = devices.get("hp")
    t = np.linspace(0, 1, 200)
    monkeypatch.setattr(core, "default_evaluation_budget", lambda n: 5)
    with pytest.raises(
        IntegrationBudgetError, match=r"integration of hp over the measured times stopped after 5"
    ):
        core.state_on_grid(m, t, np.sin(2 * np.pi * t), 0.1)


def test_fit_where_the_model_never_integrates_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    m = devices.get("hp")
    t = np.linspace(0, 1, 200)
    data = Sweep(t, np.sin(2 * np.pi * t), np.asarray(m.current(np.sin(2 * np.pi * t), 0.1)))
    monkeypatch.setattr(core, "default_evaluation_budget", lambda n: 5)
    with pytest.raises(FitConvergenceError, match=r"found no parameters at which the model integrates"):
        core.fit_model(m, data)
