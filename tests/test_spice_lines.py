"""SPICE lines (pymem.spice): exact values, legal names, lines ngspice accepts, clear errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pymem import backends
from pymem import spice as nl
from pymem.errors import NetlistError

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
resistances = st.floats(min_value=1e-3, max_value=1e12, allow_nan=False)
voltages = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)
node_names = st.from_regex(r"\A[a-z][a-z0-9_]{0,12}\Z", fullmatch=True)
ngspice_settings = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(finite)
def test_fmt_round_trips_exactly(x: float) -> None:
    assert float(nl.fmt(x)) == x


@ngspice_settings
@given(r=resistances, v=voltages, a=node_names)
def test_resistor_line_is_read_back_by_ngspice(r: float, v: float, a: str) -> None:
    deck = nl.deck("prop", [nl.vsource("V1", a, "0", v), nl.resistor("R1", a, "0", r), nl.op()])
    res = backends.run(deck)
    expected = -v / r
    assert res.i("v1")[0] == pytest.approx(expected, rel=1e-12, abs=1e-300)


@ngspice_settings
@given(
    times=st.lists(st.floats(min_value=1e-9, max_value=1e-3), min_size=1, max_size=6, unique=True),
    vals=st.lists(voltages, min_size=7, max_size=7),
)
def test_pwl_source_is_read_back_by_ngspice(times: list[float], vals: list[float]) -> None:
    t = [0.0, *sorted(times)]
    # ngspice resolves corners down to its minimum step (about 1e-9 of the run here), not
    # 2e-19 s apart: closer corners are not a netlist-writing question
    assume(min(np.diff(t)) > 1e-9 * t[-1])
    v = vals[: len(t)]
    stop = t[-1] * 1.5
    deck = nl.deck(
        "pwl prop",
        [
            nl.vsource("V1", "a", "0", 0.0, nl.pwl(t, v)),
            nl.resistor("R1", "a", "0", 1.0),
            nl.tran(stop / 10, stop),
        ],
    )
    res = backends.run(deck)
    # ngspice puts a time point on every PWL corner: the values there are exact.
    for tk, vk in zip(t, v, strict=True):
        hit = np.isclose(res["time"], tk, rtol=1e-12, atol=0)
        if hit.any():
            assert res.v("a")[hit][0] == pytest.approx(vk, rel=1e-12, abs=1e-12)
    assert np.interp(t[-1], res["time"], res.v("a")) == pytest.approx(v[-1], rel=1e-9, abs=1e-12)


@ngspice_settings
@given(
    amp=st.floats(min_value=0.01, max_value=10),
    freq=st.floats(min_value=1.0, max_value=1e6),
)
def test_sin_source_is_read_back_by_ngspice(amp: float, freq: float) -> None:
    stop = 1.0 / freq
    deck = nl.deck(
        "sin prop",
        [
            nl.vsource("V1", "a", "0", 0.0, nl.sin(0.0, amp, freq)),
            nl.resistor("R1", "a", "0", 1.0),
            nl.tran(stop / 50, stop, 0.0, stop / 50),
        ],
    )
    res = backends.run(deck)
    np.testing.assert_allclose(res.v("a"), amp * np.sin(2 * np.pi * freq * res["time"]), atol=1e-9 * amp)


@ngspice_settings
@given(c=st.floats(min_value=1e-15, max_value=1e-3), ic=voltages)
def test_capacitor_initial_condition_is_read_back(c: float, ic: float) -> None:
    deck = nl.deck(
        "cap prop",
        [
            nl.capacitor("C1", "a", "0", c, ic_volt=ic),
            nl.resistor("R1", "a", "0", 1e15),
            nl.tran(1e-12, 1e-11, 0.0, 1e-12, uic=True),
        ],
    )
    res = backends.run(deck)
    assert res.v("a")[0] == pytest.approx(ic, rel=1e-12, abs=1e-12)


def test_subckt_instance_and_options_run() -> None:
    body = [nl.resistor("R1", "a", "m", 1.0), nl.bsource("B1", "m", "b", "v(m,b)/rr")]
    lib = nl.subckt("half", ["a", "b"], body, {"rr": 2.0}, comment="two in series")
    deck = nl.deck(
        "sub",
        [
            lib,
            nl.vsource("V1", "p", "0", 3.0),
            nl.instance("X1", ["p", "0"], "half", {"rr": 2.0}),
            nl.options(reltol=1e-6, gmin=1e-15),
            nl.param(scale=1.0),
            nl.op(),
        ],
    )
    assert deck.splitlines()[1] == "* two in series"
    assert deck.splitlines()[2] == ".subckt half a b params: rr=2.0"
    res = backends.run(deck)
    assert res.i("v1")[0] == pytest.approx(-3.0 / 3.0, rel=1e-12)


def test_dc_tran_ic_include_lines() -> None:
    assert nl.dc("V1", 0.0, 1.0, 0.1) == ".dc V1 0 1.0 0.1"
    assert nl.tran(1e-9, 1e-6) == ".tran 1e-09 1e-06"
    assert nl.tran(1e-9, 1e-6, 0.0, 1e-10, uic=True) == ".tran 1e-09 1e-06 0 1e-10 uic"
    assert nl.ic({"a": 1.0, "b_2": -0.5}) == ".ic v(a)=1.0 v(b_2)=-0.5"
    assert nl.include("/lib/x.lib") == '.include "/lib/x.lib"'
    assert nl.options(klu=True, reltol=1e-4) == ".options klu reltol=0.0001"
    assert nl.pulse(0, 1, 0, 1e-9, 1e-9, 1e-6, 2e-6) == "PULSE(0 1.0 0 1e-09 1e-09 1e-06 2e-06)"


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: nl.resistor("R1", "a", "b", -5.0), r"resistance of R1 \(ohm\) must be > 0, got -5.0"),
        (lambda: nl.resistor("R1", "a", "b", math.nan), r"resistance of R1 \(ohm\) must be finite, got nan"),
        (lambda: nl.resistor("R1", "a", "b", 0.0), r"must be > 0, got 0.0"),
        (lambda: nl.resistor("R1", "", "b", 1.0), r"illegal node name ''"),
        (lambda: nl.resistor("R1", "a b", "b", 1.0), r"illegal node name 'a b'"),
        (lambda: nl.resistor("R1", "a(1)", "b", 1.0), r"illegal node name 'a\(1\)'"),
        (lambda: nl.resistor("C1", "a", "b", 1.0), r"'C1' must start with 'R'.*e.g. RC1"),
        (lambda: nl.resistor("R-1", "a", "b", 1.0), r"illegal element name 'R-1'"),
        (lambda: nl.capacitor("C1", "a", "b", math.inf), r"must be finite, got inf"),
        (lambda: nl.vsource("V1", "a", "0", "high"), r"DC value of V1 \(V\) must be a number, got 'high'"),
        (lambda: nl.pwl([0.0, 1e-6, 1e-6], [0, 1, 2]), r"strictly increasing; time #2 = 1e-06 follows 1e-06"),
        (lambda: nl.pwl([0.0, 2e-6, 1e-6], [0, 1, 2]), r"strictly increasing"),
        (lambda: nl.pwl([0.0], [0, 1]), r"as many times as values"),
        (lambda: nl.pwl([-1.0, 1.0], [0, 1]), r">= 0 and strictly increasing"),
        (lambda: nl.pulse(0, 1, 0, 0, 1e-9, 1e-6, 2e-6), r"pulse rise time \(s\) must be > 0"),
        (lambda: nl.pulse(0, 1, -1, 1e-9, 1e-9, 1e-6, 2e-6), r"pulse delay must be >= 0"),
        (lambda: nl.sin(0, 1, 0), r"sine frequency \(Hz\) must be > 0"),
        (lambda: nl.dc("V1", 0, 1, -0.1), r"DC sweep step -0.1 cannot go from 0 to 1"),
        (lambda: nl.tran(1e-9, 1e-6, 2e-6), r"transient start 2e-06 s must be in \[0, stop=1e-06\)"),
        (lambda: nl.ic({}), r"\.ic needs at least one"),
        (lambda: nl.options(), r"\.options needs at least one"),
        (lambda: nl.options(method="gear;x"), r"illegal value 'gear;x'"),
        (lambda: nl.param(), r"\.param needs at least one"),
        (lambda: nl.param(time=1.0), r"illegal parameter name 'time'"),
        (lambda: nl.include('a"b'), r"illegal \.include path"),
        (lambda: nl.bsource("B1", "a", "0", "v(a"), r"unbalanced expression"),
        (lambda: nl.bsource("B1", "a", "0", "1", kind="Q"), r"kind must be 'I' or 'V', got 'Q'"),
        (lambda: nl.subckt("s", [], []), r"needs at least one port"),
        (lambda: nl.subckt("s", ["a", "a"], []), r"lists ports twice: \['a'\]"),
        (lambda: nl.fmt(True), r"boolean True"),
        (lambda: nl.deck("a\nb", []), r"title must be one line"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_input_raises_named_error(call, match: str) -> None:
    with pytest.raises(NetlistError, match=match):
        call()


def test_duplicate_element_names_are_refused_case_insensitively() -> None:
    with pytest.raises(NetlistError, match=r"duplicate element name 'r1' on deck lines 2 and 3"):
        nl.deck("dup", [nl.resistor("R1", "a", "0", 1.0), nl.resistor("r1", "a", "b", 1.0)])


def test_same_element_name_inside_two_subckts_is_fine() -> None:
    a = nl.subckt("s1", ["a"], [nl.resistor("R1", "a", "0", 1.0)])
    b = nl.subckt("s2", ["a"], [nl.resistor("R1", "a", "0", 1.0)])
    assert nl.deck("ok", [a, b, nl.op()]).count("R1 a 0 1.0") == 2


def test_decks_are_deterministic() -> None:
    def build() -> str:
        return nl.deck("d", [nl.vsource("V1", "a", "0", 0.1), nl.resistor("R1", "a", "0", 1 / 3), nl.op()])

    assert build() == build()
    assert build().endswith(".end\n")
