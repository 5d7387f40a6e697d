"""One parameter system: every device field reachable by name, with its unit, from the CLI and sweeps."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from pymem import devices
from pymem.cli import build_parser, main
from pymem.cli.args import model_from
from pymem.devices.params import describe, parse_params
from pymem.errors import ParameterError
from pymem.sweep import tasks
from pymem.sweep.runner import expand

# the units the models' own docstrings state, read back independently of describe()'s suffix table
EXPECTED_UNITS = {
    ("vteam", "k_off_m_per_s"): "m/s",
    ("vteam", "v_on_v"): "V",
    ("vteam", "r_on_ohm"): "ohm",
    ("vteam", "alpha_on"): "1",
    ("hp", "mu_v_m2_per_vs"): "m^2/(V s)",
    ("yakopcic", "b_per_v"): "1/V",
    ("yakopcic", "a_p_per_s"): "1/s",
    ("stanford-pku", "f_min_v_per_m"): "V/m",
    ("stanford-pku", "ea_ev"): "eV",
    ("stanford-pku", "rth_k_per_w"): "K/W",
    ("team", "i_off_a"): "A",
}


@pytest.mark.parametrize("name", devices.names())
def test_every_field_is_described(name: str) -> None:
    model = devices.get(name)
    info = describe(model)
    fields = [f for f in dataclasses.fields(model) if f.init and not f.name.startswith("_")]
    assert [p.name for p in info] == [f.name for f in fields]
    for p in info:
        assert p.description, f"{name}.{p.name} has no docstring"
        assert p.default == getattr(model, p.name)
        assert p.unit or p.choices or p.kind == "bool"


@pytest.mark.parametrize(("name", "field"), sorted(EXPECTED_UNITS), ids=lambda x: str(x))
def test_units_are_the_documented_ones(name: str, field: str) -> None:
    p = {q.name: q for q in describe(devices.get(name))}[field]
    assert p.unit == EXPECTED_UNITS[(name, field)]
    if p.unit != "1":  # the field's docstring states the same unit, opening a parenthesis
        assert "(" + p.unit.replace(" ", "") in p.description.replace(" ", "")


def test_parse_params_converts_and_checks() -> None:
    model = devices.get("vteam")
    got = parse_params(model, ["k_off_m_per_s=1e-4", "window=biolek", "p=2"])
    assert got == {"k_off_m_per_s": 1e-4, "window": "biolek", "p": 2.0}
    assert devices.get("vteam", **got).k_off_m_per_s == 1e-4


@pytest.mark.parametrize(
    ("item", "match"),
    [
        ("k_off=1", r"has no parameter 'k_off'; its parameters are: .*k_off_m_per_s \[m/s\]"),
        ("k_off_m_per_s", r"must be NAME=VALUE"),
        ("k_off_m_per_s=fast", r"k_off_m_per_s='fast' is not a number; give it in m/s"),
        ("k_off_m_per_s=nan", r"must be finite \(m/s\)"),
        ("window=hann", r"window='hann' is not a choice; choose one of \['none', 'biolek'\]"),
    ],
)
def test_parse_params_refuses(item: str, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        parse_params(devices.get("vteam"), [item])


def test_device_params_lists_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["device", "params", "--model", "team", "--preset", "xyce", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    xyce = devices.get("team", preset="xyce")
    assert sorted(out["presets"]) == ["kvatinsky", "xyce"] and out["citation"] == xyce.citation
    assert "memristorTEAM_test.cir" in out["presets"]["xyce"]
    rows = {r["name"]: r for r in out["parameters"]}
    assert rows["k_off_m_per_s"]["default"] == xyce.k_off_m_per_s  # the preset's value, not the default
    assert rows["k_off_m_per_s"]["unit"] == "m/s"
    assert set(rows) == {p.name for p in describe(xyce)}
    assert main(["device", "params", "--model", "vteam"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"^k_off_m_per_s\s+m/s\s+0\.0005\s+Drift coefficient", text, re.M)


@pytest.mark.parametrize(
    "argv",
    [
        ["mvm", "--model", "vteam"],
        ["netlist", "--model", "vteam"],
        ["device", "iv", "--model", "vteam"],
        ["energy", "--model", "vteam"],
        ["train", "--model", "vteam"],
        ["infer", "--weights", "w.npz", "--model", "vteam"],
        ["animate", "--model", "vteam"],
        ["demo", "multiplier", "--model", "vteam"],
    ],
    ids=lambda a: a[0] if a[0] != "device" else "device-iv",
)
def test_every_model_command_takes_param(argv: list[str]) -> None:
    args = build_parser().parse_args([*argv, "--param", "k_off_m_per_s=1e-4", "--param", "v_off_v=0.05"])
    model = model_from(args)
    assert isinstance(model, devices.VTEAM)
    assert (model.k_off_m_per_s, model.v_off_v) == (1e-4, 0.05)


def test_param_reaches_the_netlist(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["netlist", "--model", "vteam", "--rows", "2", "--cols", "2"]
    assert main(base) == 0
    default = capsys.readouterr().out
    assert main([*base, "--param", "r_off_ohm=2000"]) == 0
    changed = capsys.readouterr().out
    assert "roff=1000.0" in default and "roff=2000.0" in changed


def test_bad_param_is_refused_before_work(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mvm", "--model", "vteam", "--param", "k_off=1"]) == 2
    assert "has no parameter 'k_off'" in capsys.readouterr().err


def test_demo_stories_keep_the_model_asked_for() -> None:
    parse = build_parser().parse_args
    assert model_from(parse(["demo", "bitslice"]), "yakopcic") == "yakopcic"
    assert model_from(parse(["demo", "bitslice", "--model", "vteam"]), "yakopcic") == "vteam"


def test_sweep_points_set_device_parameters() -> None:
    spec = {"task": "mvm", "fixed": {"model": "vteam"}, "grid": {"param.r_off_ohm": [1000.0, 2000.0]}}
    points = expand(spec)
    assert len({p.id for p in points}) == 2
    models = [tasks.device_of(p.params) for p in points]
    assert [m.r_off_ohm for m in models] == [1000.0, 2000.0]


def test_sweep_refuses_an_unknown_device_parameter() -> None:
    spec = {"task": "train", "grid": {"param.k_off": [1.0]}}
    with pytest.raises(ParameterError, match=r"has no parameter 'k_off'"):
        expand(spec)


@pytest.mark.parametrize("name", devices.names())
def test_every_model_names_its_published_set(name: str) -> None:
    cls = devices.REGISTRY[name]
    assert cls.presets, f"{name} has no named preset"
    for key, preset in cls.presets.items():
        assert re.search(r"\d{4}|doi:|\w/\w|\.cir\b", preset.citation), "a preset cites its source"
        model = devices.get(name, preset=key)  # every preset builds a valid model
        for field, value in preset.values.items():
            assert getattr(model, field) == value
    # the set named "(the defaults)" is the model's defaults, so its overrides are empty
    defaults = [k for k, p in cls.presets.items() if p.citation.endswith("(the defaults)")]
    assert len(defaults) == 1 and cls.presets[defaults[0]].values == {}


def test_preset_from_the_command_line() -> None:
    args = build_parser().parse_args(["mvm", "--model", "team", "--preset", "xyce", "--param", "alpha_on=5"])
    model = model_from(args)
    assert (model.k_off_m_per_s, model.alpha_on) == (1.46e-18, 5.0)
