"""Faults of the simulator become named errors within their timeout, and leave no process behind.

Hung, crashing and half-writing ngspice binaries are small shell scripts that
each test writes into its tmp_path and names with PYMEM_NGSPICE.
"""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from pymem import backends, cli
from pymem.backends import rawfile
from pymem.backends.shared import check_is_libngspice
from pymem.crossbar import random_crossbar
from pymem.errors import (
    NgspiceCrashError,
    NgspiceNotFoundError,
    ParameterError,
    RawFileTruncatedError,
    SimulationTimeout,
    SingularMatrixError,
)
from pymem.ops.mvm import mvm

OK_DECK = "ok\nV1 a 0 2\nR1 a 0 4\n.op\n.end\n"
PARALLEL_SOURCES = "parallel\nV1 a 0 1\nV2 a 0 2\nR1 a 0 1k\n.op\n.end\n"


def _fake_ngspice(folder: Path, body: str) -> Path:
    """An executable shell script standing in for ngspice."""
    path = folder / "fake-ngspice"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def _hung_ngspice(folder: Path) -> tuple[Path, Path]:
    """A binary that starts a child, records its pid, then hangs; returns (binary, pid file)."""
    pid_file = folder / "child.pid"
    body = f'sleep 600 &\necho $! > "{pid_file}"\nsleep 600'
    return _fake_ngspice(folder, body), pid_file


def _is_gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie waiting for its reaper counts as ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return True
    return fields[0] in ("Z", "X")


def _assert_child_killed(pid_file: Path) -> None:
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5.0
    while not _is_gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not _is_gone(pid):  # clean up before failing
        os.kill(pid, 9)
        pytest.fail(f"the fake ngspice's child {pid} outlived the timeout")


@pytest.mark.parametrize("klu", ["off", "auto"])
def test_batch_timeout_kills_ngspice_and_its_children(
    klu: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary, pid_file = _hung_ngspice(tmp_path)
    monkeypatch.setenv("PYMEM_NGSPICE", str(binary))
    t0 = time.monotonic()
    with pytest.raises(SimulationTimeout, match=r"did not finish .*within 1\.5 s"):
        backends.run(OK_DECK, backend="batch", timeout=1.5, klu=klu)  # type: ignore[arg-type]
    assert time.monotonic() - t0 < 10.0
    _assert_child_killed(pid_file)


def test_batch_mvm_timeout_covers_the_klu_probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's case: timeout=5 used to wait for the probe's fixed 60 s."""
    binary, pid_file = _hung_ngspice(tmp_path)
    monkeypatch.setenv("PYMEM_NGSPICE", str(binary))
    xb = random_crossbar(2, 2, "hp", seed=0)
    t0 = time.monotonic()
    with pytest.raises(SimulationTimeout, match=r"probe deck within 2 s: it hangs.*PYMEM_NGSPICE"):
        mvm(xb, np.full(2, 0.05), backend="ngspice", sim_backend="batch", timeout=2)
    assert time.monotonic() - t0 < 10.0
    _assert_child_killed(pid_file)


def test_default_timeout_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary, pid_file = _hung_ngspice(tmp_path)
    monkeypatch.setenv("PYMEM_NGSPICE", str(binary))
    monkeypatch.setenv("PYMEM_NGSPICE_TIMEOUT", "1")
    with pytest.raises(SimulationTimeout, match=r"within 1 s; it was killed with its process group"):
        backends.BatchSession().run(OK_DECK)  # no timeout given
    _assert_child_killed(pid_file)


@pytest.mark.parametrize("value", ["soon", "0", "-5", "nan"])
def test_bad_default_timeout_is_refused(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYMEM_NGSPICE_TIMEOUT", value)
    with pytest.raises(ParameterError, match=r"PYMEM_NGSPICE_TIMEOUT=.* is not a positive number"):
        backends.resolve_timeout(None)


def test_default_timeout_without_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from pymem.constants import DEFAULT_TIMEOUT_S

    monkeypatch.delenv("PYMEM_NGSPICE_TIMEOUT", raising=False)
    assert backends.resolve_timeout(None) == DEFAULT_TIMEOUT_S
    monkeypatch.setenv("PYMEM_NGSPICE_TIMEOUT", "inf")
    assert backends.resolve_timeout(None) == float("inf")
    assert backends.resolve_timeout(7) == 7.0


@pytest.mark.parametrize("timeout", [0, -1.0, True, "5"])
def test_bad_timeout_argument_is_refused(timeout: object) -> None:
    with pytest.raises(ParameterError, match="timeout must be a positive number of seconds"):
        backends.run(OK_DECK, backend="batch", timeout=timeout)  # type: ignore[arg-type]


def test_doctor_with_a_hung_binary_reports_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    binary, pid_file = _hung_ngspice(tmp_path)
    monkeypatch.setenv("PYMEM_NGSPICE", str(binary))
    monkeypatch.setenv("PYMEM_NGSPICE_TIMEOUT", "1")
    assert cli.main(["doctor"]) == 1
    captured = capsys.readouterr()
    verdict = captured.out.strip().splitlines()[-1]
    assert verdict.startswith("NOT READY: ")
    assert f"{binary} --version did not finish within 1 s" in verdict
    assert "Traceback" not in captured.out + captured.err
    _assert_child_killed(pid_file)


def test_binary_version_of_a_hung_binary_is_a_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pymem.backends.locate import binary_version

    binary, pid_file = _hung_ngspice(tmp_path)
    with pytest.raises(SimulationTimeout, match=r"--version did not finish within 0\.5 s.*PYMEM_NGSPICE"):
        binary_version(str(binary), timeout=0.5)
    _assert_child_killed(pid_file)


def test_crash_names_the_signal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYMEM_NGSPICE", str(_fake_ngspice(tmp_path, "echo 'Circuit: ok'\nkill -SEGV $$")))
    with pytest.raises(NgspiceCrashError, match=r"ngspice crashed: it was ended by SIGSEGV \(11\)") as info:
        backends.run(OK_DECK, backend="batch", klu="off")
    assert info.value.signal_number == 11
    assert "no data" not in str(info.value)


def test_crash_behind_a_wrapper_script_names_the_signal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYMEM_NGSPICE", str(_fake_ngspice(tmp_path, "exit 139")))
    with pytest.raises(NgspiceCrashError, match=r"SIGSEGV \(11\) \(exit status 139"):
        backends.run(OK_DECK, backend="batch", klu="off")


def _real_raw(tmp_path: Path, deck: str) -> bytes:
    backends.BatchSession(workdir=tmp_path / "real").run(deck)
    return (tmp_path / "real" / "deck.raw").read_bytes()


TRAN_DECK = "tr\nV1 in 0 SIN(0 1 1k)\nR1 in out 1k\nC1 out 0 100n\n.tran 10u 2m\n.end\n"


def test_truncated_binary_raw_file_is_named(tmp_path: Path) -> None:
    buf = _real_raw(tmp_path, TRAN_DECK)
    assert rawfile.parse_raw(buf)[0].data["time"].size > 10
    with pytest.raises(RawFileTruncatedError, match=r"raw file is truncated: .* but only \d+ bytes follow"):
        rawfile.parse_raw(buf[: len(buf) - 100])


def test_truncated_raw_header_is_named(tmp_path: Path) -> None:
    buf = _real_raw(tmp_path, TRAN_DECK)
    with pytest.raises(RawFileTruncatedError, match="raw file is truncated: its header ends"):
        rawfile.parse_raw(buf[: buf.index(b"Variables:")])


def test_truncated_ascii_raw_file_is_named() -> None:
    header = (
        "Title: t\nPlotname: Transient Analysis\nFlags: real\nNo. Variables: 2\nNo. Points: 3\n"
        "Variables:\n\t0\ttime\ttime\n\t1\tv(a)\tvoltage\nValues:\n"
    )
    body = " 0\t0.0\n\t1.0\n 1\t1e-3\n\t2.0\n 2\t2e-3\n"  # the last value is missing
    with pytest.raises(
        RawFileTruncatedError, match=r"announces 3 points of 2 vectors \(6 numbers\) but only 5"
    ):
        rawfile.parse_raw((header + body).encode())


def test_batch_backend_reports_a_truncated_raw_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    half = tmp_path / "half.raw"
    buf = _real_raw(tmp_path, TRAN_DECK)
    half.write_bytes(buf[: len(buf) // 2])
    # ngspice -b -r FILE.raw deck.cir: the raw file is the third argument
    monkeypatch.setenv("PYMEM_NGSPICE", str(_fake_ngspice(tmp_path, f'cp "{half}" "$3"')))
    with pytest.raises(RawFileTruncatedError, match="raw file is truncated"):
        backends.run(TRAN_DECK, backend="batch", klu="off")


@pytest.mark.parametrize("backend", ["shared", "batch"])
def test_parallel_voltage_sources_are_a_singular_matrix(backend: str) -> None:
    with pytest.raises(SingularMatrixError, match=r"at node 'v[12]#branch'.*loop of voltage sources") as info:
        backends.run(PARALLEL_SOURCES, backend=backend)  # type: ignore[arg-type]
    assert "singular matrix" in info.value.ngspice_message.lower()


def _libm() -> str:
    name = ctypes.util.find_library("m")
    assert name, "the C math library is part of every Linux system"
    for folder in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/lib64"):
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    return name


def test_a_library_that_is_not_libngspice_is_named() -> None:
    with pytest.raises(
        NgspiceNotFoundError, match=r"is a shared library but not libngspice.*ngSpice_Init"
    ) as info:
        check_is_libngspice(_libm())
    assert "PySpice" not in str(info.value)


def test_a_file_that_is_no_library_is_named(tmp_path: Path) -> None:
    fake = tmp_path / "libngspice.so"
    fake.write_text("not a library")
    with pytest.raises(
        NgspiceNotFoundError, match=r"cannot load .* as a shared library.*PYMEM_NGSPICE_LIBRARY"
    ):
        check_is_libngspice(str(fake))


def test_library_variable_pointing_at_libm_gives_the_right_message(tmp_path: Path) -> None:
    """In a fresh process, as a user would meet it: no wrong hint about PySpice."""
    code = (
        "from pymem import backends\n"
        "from pymem.errors import PymemError\n"
        "try:\n"
        "    backends.run('t\\nV1 a 0 1\\nR1 a 0 1k\\n.op\\n.end\\n', backend='shared')\n"
        "except PymemError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    root = str(Path(__file__).resolve().parents[1])  # this checkout's pymem
    env = {**os.environ, "PYMEM_NGSPICE_LIBRARY": _libm(), "PYTHONPATH": root}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path
    )
    assert out.stdout.startswith("NgspiceNotFoundError "), out.stdout + out.stderr
    assert "not libngspice" in out.stdout and "PYMEM_NGSPICE_LIBRARY" in out.stdout
    assert "PySpice" not in out.stdout
