"""ngspice failures surface as pymem exceptions carrying ngspice's own words."""

from __future__ import annotations

import math
import re

import pytest
from scipy.integrate import quad

from pymem import backends
from pymem.backends import locate
from pymem.errors import (
    NgspiceNotFoundError,
    NgspiceSyntaxError,
    SimulationError,
    SimulationTimeout,
    SingularMatrixError,
    TimestepTooSmallError,
)

BACKENDS = ["shared", "batch"]

SYNTAX = "syntax\nV1 in 0 1\nR1 in out 1k\nR2 out 0 foo bar\n.op\n.end\n"
FLOATING = "floating\nV1 in 0 1\nR1 in out 1k\nR2 out 0 1k\nR3 a b 1k\n.op\n.end\n"
FLOATING_NODES = {"a", "b"}  # the nodes of FLOATING without a DC path to ground
RUNAWAY_C_F, RUNAWAY_I0_A, RUNAWAY_K_PER_V, RUNAWAY_R_OHM, RUNAWAY_STOP_S = 1e-12, 1e-3, 40.0, 1e3, 1e-6
RUNAWAY = (
    f"runaway\nC1 out 0 {RUNAWAY_C_F:g}\nB1 0 out I={RUNAWAY_I0_A:g}*exp({RUNAWAY_K_PER_V:g}*v(out))\n"
    f"R1 out 0 {RUNAWAY_R_OHM:g}\n.ic v(out)=0\n.tran 1n {RUNAWAY_STOP_S:g}\n.end\n"
)
STUCK_AT_START = (
    "stuck\nV1 in 0 PULSE(0 1 1n 0 0 1n 2n)\nR1 in out 1\nC1 out 0 1e-18\n"
    "B1 out 0 I = v(out)>0.5 ? 1e3 : -1e3\n.tran 1p 10n\n.end\n"
)
NO_ANALYSIS = "nothing\nV1 a 0 1\nR1 a 0 1k\n.end\n"
LONG_TRAN = "long\nV1 a 0 SIN(0 1 1e6)\nR1 a b 1k\nC1 b 0 1n\n.tran 1p 1 0 1p\n.end\n"


@pytest.mark.parametrize("backend", BACKENDS)
def test_syntax_error_names_the_deck_line(backend: str) -> None:
    with pytest.raises(NgspiceSyntaxError, match=r"unknown parameter \(foo\)") as info:
        backends.run(SYNTAX, backend=backend)
    assert info.value.deck_line == "line 4: R2 out 0 foo bar"
    assert "offending deck line: line 4: R2 out 0 foo bar" in str(info.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_unknown_subcircuit_is_a_syntax_error(backend: str) -> None:
    deck = "sub\nV1 a 0 1\nX1 a 0 nosuch\nR1 a 0 1\n.op\n.end\n"
    with pytest.raises(NgspiceSyntaxError, match=r"(?i)nosuch"):
        backends.run(deck, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_singular_matrix_names_the_node(backend: str) -> None:
    # R3 hangs between a and b with no path to the rest: either node is the singular part, and which
    # one ngspice names depends on its solver (a with Sparse 1.3 in ngspice 39, b with KLU in 44)
    with pytest.raises(SingularMatrixError, match=r"singular circuit matrix at node '(a|b)'") as info:
        backends.run(FLOATING, backend=backend)
    assert info.value.node in FLOATING_NODES
    assert f"check node {info.value.node}" in info.value.ngspice_message
    assert f"node {info.value.node!r}" in str(info.value)


def runaway_blowup_s() -> float:
    """The time (s) at which RUNAWAY's exact v(out) diverges (about 2.5e-11 s).

    C dv/dt = I0 exp(k v) - v / R from v = 0, so t = C * integral of dv / (I0 exp(k v) - v / R).
    Past 1 V the integrand is below C exp(-39 k / 40) / I0: that tail is below a float's resolution.
    """
    t, _ = quad(
        lambda v: RUNAWAY_C_F / (RUNAWAY_I0_A * math.exp(RUNAWAY_K_PER_V * v) - v / RUNAWAY_R_OHM),
        0.0, 1.0, epsabs=0.0, epsrel=1e-10,
    )
    return t


@pytest.mark.parametrize("backend", BACKENDS)
def test_timestep_too_small_reports_the_time(backend: str) -> None:
    # Where ngspice gives up depends on its solver (2.6e-17 s with ngspice 39's Sparse 1.3, 5.2e-12 s
    # with ngspice 44's KLU), but never past the time at which the exact solution diverges.
    expected = r"timestep too small at t = \S+ s near node 'out'"
    with pytest.raises(TimestepTooSmallError, match=expected) as info:
        backends.run(RUNAWAY, backend=backend)
    time_s = info.value.time_s
    assert isinstance(time_s, float)
    assert 0.0 < time_s < runaway_blowup_s() < RUNAWAY_STOP_S
    assert f"at t = {time_s:.6g} s" in str(info.value)
    # ngspice's own line, with the time pymem read from it
    said = re.search(r"(?i)timestep too small;\s*time\s*=\s*([-+0-9.eE]+)", info.value.ngspice_message)
    assert said is not None and float(said.group(1)) == time_s
    assert 'trouble with node "out"' in info.value.ngspice_message


@pytest.mark.parametrize("backend", BACKENDS)
def test_timestep_too_small_at_the_initial_point(backend: str) -> None:
    with pytest.raises(TimestepTooSmallError, match="initial time point") as info:
        backends.run(STUCK_AT_START, backend=backend)
    assert info.value.time_s is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_deck_without_analysis_is_an_error(backend: str) -> None:
    with pytest.raises(SimulationError, match="ngspice produced no data"):
        backends.run(NO_ANALYSIS, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_timeout_stops_the_run(backend: str) -> None:
    with pytest.raises(SimulationTimeout, match=r"did not finish within 0\.2 s"):
        backends.run(LONG_TRAN, backend=backend, timeout=0.2)


def test_shared_session_is_usable_after_failures() -> None:
    for deck in (SYNTAX, FLOATING, RUNAWAY):
        with pytest.raises(SimulationError):
            backends.run(deck, backend="shared")
    res = backends.run("ok\nV1 a 0 2\nR1 a 0 4\n.op\n.end\n", backend="shared")
    assert res.i("v1")[0] == pytest.approx(-0.5, rel=1e-12)


def test_bad_binary_variable_names_the_value_and_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYMEM_NGSPICE", "/nonexistent/ngspice")
    with pytest.raises(NgspiceNotFoundError, match=r"PYMEM_NGSPICE='/nonexistent/ngspice'.*apt-get install"):
        locate.find_binary()


def test_missing_binary_gives_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYMEM_NGSPICE", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(NgspiceNotFoundError, match="apt-get install -y ngspice libngspice0-dev"):
        locate.find_binary()


def test_bad_library_variable_names_the_value_and_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYMEM_NGSPICE_LIBRARY", "/nonexistent/libngspice.so")
    with pytest.raises(NgspiceNotFoundError, match=r"PYMEM_NGSPICE_LIBRARY=.*not a file.*apt-get install"):
        locate.find_library()


def test_missing_library_gives_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYMEM_NGSPICE_LIBRARY", raising=False)
    monkeypatch.setattr(locate, "_LIB_DIRS", ("/nonexistent",))
    monkeypatch.setattr(locate.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(locate.ctypes.util, "find_library", lambda name: None)
    with pytest.raises(
        NgspiceNotFoundError, match=r"libngspice\.so.*apt-get install -y ngspice libngspice0-dev"
    ):
        locate.find_library()


def test_second_library_in_one_process_is_refused(tmp_path: pytest.TempPathFactory) -> None:
    from pymem.backends.shared import engine_for

    engine_for()  # the default library is loaded
    with pytest.raises(NgspiceNotFoundError, match="cannot be loaded twice in one process"):
        engine_for("/some/other/libngspice.so")


def test_shared_backend_after_pyspice_in_the_same_process_is_a_clear_error(tmp_path):
    """PySpice's own NgSpiceShared first: pymem's shared backend says so and names the fix."""
    import subprocess
    import sys

    script = tmp_path / "first.py"
    script.write_text(
        "from PySpice.Spice.NgSpice.Shared import NgSpiceShared\n"
        "NgSpiceShared.new_instance()\n"
        "from pymem import backends\n"
        "from pymem.errors import SimulationError\n"
        "deck = 't\\nV1 a 0 1\\nR1 a 0 1k\\n.op\\n.end\\n'\n"
        "try:\n"
        "    backends.run(deck, backend='shared')\n"
        "except SimulationError as exc:\n"
        "    print('raised:', exc)\n"
        "print('batch:', backends.run(deck, backend='batch').i('v1')[0])\n"
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120).stdout
    assert "raised: cannot start ngspice's shared library" in out and "backend='batch'" in out
    assert "batch: -0.001" in out
