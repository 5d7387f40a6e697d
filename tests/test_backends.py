"""Both ngspice backends: same vectors for the same deck, clean state between runs."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from pymem import backends
from pymem import spice as nl
from pymem.errors import ParameterError
from pymem.netlist.grid import grid_node, resistor_grid_deck

OP_DECK = nl.deck(
    "divider op",
    [
        nl.vsource("V1", "a", "0", 1.5),
        nl.resistor("R1", "a", "b", 1e3),
        nl.resistor("R2", "b", "0", 3e3),
        nl.op(),
    ],
)
DC_DECK = nl.deck(
    "divider dc sweep",
    [
        nl.vsource("V1", "a", "0", 0.0),
        nl.resistor("R1", "a", "b", 2e3),
        nl.resistor("R2", "b", "0", 1e3),
        nl.dc("V1", -1.0, 1.0, 0.25),
    ],
)
TAU_S = 1e3 * 1e-6
RC_DECK = nl.deck(
    "rc transient",
    [
        nl.vsource("V1", "a", "0", 0.0, nl.pulse(0.0, 1.0, 0.0, 1e-9, 1e-9, 1.0, 2.0)),
        nl.resistor("R1", "a", "b", 1e3),
        nl.capacitor("C1", "b", "0", 1e-6),
        nl.tran(1e-5, 5 * TAU_S, 0.0, 1e-5),
    ],
)
DECKS = {"op": OP_DECK, "dc": DC_DECK, "tran": RC_DECK}


@pytest.mark.parametrize("kind", sorted(DECKS))
def test_backends_agree(kind: str) -> None:
    shared = backends.run(DECKS[kind], backend="shared")
    batch = backends.run(DECKS[kind], backend="batch")
    assert shared.analysis == batch.analysis == kind
    assert sorted(shared) == sorted(batch)
    for name in batch:
        np.testing.assert_allclose(shared[name], batch[name], rtol=1e-12, atol=0, err_msg=name)


@pytest.mark.parametrize("backend", ["shared", "batch"])
def test_op_matches_ohms_law(backend: str) -> None:
    res = backends.run(OP_DECK, backend=backend)
    assert res.v("b")[0] == pytest.approx(1.5 * 3e3 / 4e3, rel=1e-12)
    assert res.i("v1")[0] == pytest.approx(-1.5 / 4e3, rel=1e-12)


@pytest.mark.parametrize("backend", ["shared", "batch"])
def test_dc_sweep_axis_and_values(backend: str) -> None:
    res = backends.run(DC_DECK, backend=backend)
    np.testing.assert_allclose(res.axis, np.arange(-1.0, 1.0001, 0.25), rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.v("b"), res.axis / 3, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("backend", ["shared", "batch"])
def test_rc_transient_follows_exponential(backend: str) -> None:
    res = backends.run(RC_DECK, backend=backend)
    t = res["time"]
    late = t > 10e-9
    expected = 1 - np.exp(-(t[late] - 1e-9) / TAU_S)
    np.testing.assert_allclose(res.v("b")[late], expected, atol=2e-3)


def _grid_reference(n: int) -> np.ndarray:
    """Node voltages of the resistor grid by nodal analysis in scipy (independent of ngspice)."""
    idx = {grid_node(r, c): r * n + c for r in range(n) for c in range(n)}
    g = sp.lil_matrix((n * n, n * n))
    for r in range(n):
        for c in range(n):
            for rr, cc in ((r, c + 1), (r + 1, c)):
                if rr < n and cc < n:
                    a, b = idx[grid_node(r, c)], idx[grid_node(rr, cc)]
                    g[a, a] += 1
                    g[b, b] += 1
                    g[a, b] -= 1
                    g[b, a] -= 1
    g[n * n - 1, n * n - 1] += 1  # Rgnd
    free = np.arange(1, n * n)
    rhs = -g.tocsr()[free][:, [0]].toarray().ravel() * 1.0
    v = np.zeros(n * n)
    v[0] = 1.0
    v[free] = spla.spsolve(g.tocsr()[free][:, free].tocsc(), rhs)
    return v


@pytest.mark.parametrize("backend", ["shared", "batch"])
def test_resistor_grid_matches_nodal_analysis(backend: str) -> None:
    n = 12
    res = backends.run(resistor_grid_deck(n), backend=backend)
    ref = _grid_reference(n)
    got = np.array([res.v(grid_node(r, c))[0] for r in range(n) for c in range(n)])
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)


def test_runs_do_not_leak_state() -> None:
    hot = nl.deck(
        "hot",
        [nl.vsource("V1", "a", "0", 1.0), "R1 a 0 1k tc1=0.01", ".options temp=127", nl.op()],
    )
    cold = nl.deck("cold", [nl.vsource("V1", "a", "0", 1.0), "R1 a 0 1k tc1=0.01", nl.op()])
    other = nl.deck("other", [nl.vsource("V2", "q", "0", 1.0), nl.resistor("R9", "q", "0", 1.0), nl.op()])
    with backends.SharedSession() as sim:
        r_hot = -1.0 / sim.run(hot).i("v1")[0]
        r_cold = -1.0 / sim.run(cold).i("v1")[0]
        res = sim.run(other)
    assert r_hot == pytest.approx(1e3 * (1 + 0.01 * 100), rel=1e-9)
    assert r_cold == pytest.approx(1e3, rel=1e-9)
    assert sorted(res) == ["i(v2)", "v(q)"]


def test_unknown_backend_and_bad_options_are_refused() -> None:
    with pytest.raises(ParameterError, match="unknown backend 'hspice'"):
        backends.run(OP_DECK, backend="hspice")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="unknown klu mode 'maybe'"):
        backends.run(OP_DECK, klu="maybe")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="timeout must be a positive"):
        backends.run(OP_DECK, timeout=0)


def test_missing_vector_names_what_exists() -> None:
    res = backends.run(OP_DECK)
    with pytest.raises(ParameterError, match=r"no vector 'v\(zz\)'.*available: i\(v1\), v\(a\), v\(b\)"):
        res.v("zz")


def test_with_klu_inserts_option_before_end() -> None:
    assert backends.with_klu(OP_DECK).splitlines()[-2:] == [".options klu", ".end"]
    assert backends.with_klu("t\nR1 a 0 1\n").splitlines()[-2:] == [".options klu", ".end"]


def test_klu_detection_matches_the_log() -> None:
    """KLU is reported exactly when ngspice says it used it (ngspice 39 never does)."""
    res = backends.run(OP_DECK, klu="on")
    assert backends.has_klu("shared") == ("using klu" in res.log.lower())


@pytest.mark.parametrize("backend", ["shared", "batch"])
def test_auto_uses_klu_exactly_where_ngspice_has_it(backend: str) -> None:
    """``klu="auto"``, the default, turns KLU on with an ngspice that has it (44 in Debian 13) and
    leaves it off where it has not (39 in Debian 12); ``"off"`` never uses it; both solve alike."""
    auto = backends.run(OP_DECK, backend=backend)
    off = backends.run(OP_DECK, backend=backend, klu="off")
    assert ("using klu" in auto.log.lower()) == backends.has_klu(backend)
    assert "using klu" not in off.log.lower()
    for res in (auto, off):
        assert res.v("b")[0] == pytest.approx(1.5 * 3e3 / 4e3, rel=1e-12)
