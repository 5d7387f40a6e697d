"""``pymem doctor``: the promised JSON keys, and a loud failure when ngspice is missing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pymem import cli
from pymem.backends import doctor


def test_doctor_json_has_the_promised_keys() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pymem.cli", "doctor", "--json"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert isinstance(info["ngspice_version"], int) and info["ngspice_version"] >= 30
    assert isinstance(info["klu"], bool)
    assert info["shared_library"].endswith(tuple([".so", ".dylib"])) or ".so." in info["shared_library"]
    assert isinstance(info["pyspice_version"], str) and info["pyspice_version"]
    assert info["ok"] is True and info["verdict"].startswith("ready")


def test_doctor_text_exits_nonzero_with_the_fix(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("PYMEM_NGSPICE", "/nonexistent/ngspice")
    monkeypatch.setattr(doctor, "_pyspice_version", lambda: "1.5")
    status = cli.main(["doctor"])
    captured = capsys.readouterr()
    assert status == 1
    assert "NOT READY" in captured.out
    assert "apt-get install -y ngspice libngspice0-dev" in captured.err
