"""Device parameters as run-time data: name, unit, default, meaning and citation of every field.

Each model documents its fields where they are declared (one docstring line per
field, the unit in the field's name or in parentheses). :func:`describe` reads
those docstrings from the class source, so the CLI (``--param NAME=VALUE``,
``pymem device params``), sweeps (``"param.NAME"`` keys) and the docs reach
every parameter through one function, and nothing is typed twice.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import math
import re
import textwrap
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any

from pymem.devices.base import DeviceModel
from pymem.errors import ParameterError

UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_m2_per_vs", "m^2/(V s)"),
    ("_v_per_m", "V/m"),
    ("_k_per_w", "K/W"),
    ("_m_per_s", "m/s"),
    ("_per_v", "1/V"),
    ("_per_s", "1/s"),
    ("_ohm", "ohm"),
    ("_siemens", "S"),
    ("_hz", "Hz"),
    ("_ev", "eV"),
    ("_k", "K"),
    ("_farad", "F"),
    ("_a", "A"),
    ("_v", "V"),
    ("_s", "s"),
    ("_m", "m"),
)
"""Unit of a field from its name's suffix (pymem names carry their unit: ``r_on_ohm``)."""

_PAREN = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class ParamInfo:
    """One settable field of a device model.

    Attributes
    ----------
    name : str
        Field name, as ``--param NAME=VALUE`` and ``devices.get(model, NAME=...)`` take it.
    unit : str
        SI unit (``"ohm"``, ``"m/s"``, ``"V"``, ...), ``"1"`` when dimensionless, ``""`` for a choice.
    default : Any
        The model's default (after the preset, if one was asked for).
    description : str
        The field's docstring.
    choices : tuple of str
        Allowed values of a string option (a ``Literal`` field); empty for numbers.
    kind : str
        ``"float"``, ``"int"``, ``"bool"``, ``"choice"`` or ``"text"``.
    """

    name: str
    unit: str
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    kind: str = "float"


@cache
def _field_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings of ``cls`` and its bases (the string right after each field)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or not dataclasses.is_dataclass(klass):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):  # made at run time (fitted presets): their bases carry the docs
            continue
        body = ast.parse(source).body[0]
        if not isinstance(body, ast.ClassDef):
            continue
        stmts = body.body
        for a, b in itertools.pairwise(stmts):
            if (
                isinstance(a, ast.AnnAssign)
                and isinstance(a.target, ast.Name)
                and isinstance(b, ast.Expr)
                and isinstance(b.value, ast.Constant)
                and isinstance(b.value.value, str)
            ):
                docs[a.target.id] = " ".join(b.value.value.split())
    return docs


def _unit(name: str, doc: str, kind: str) -> str:
    if kind != "float" and kind != "int":
        return ""
    for suffix, unit in UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit
    for group in reversed(_PAREN.findall(doc)):  # the unit closes the sentence: "(m/s, < 0)"
        head = group.split(",")[0].strip()
        if head.startswith("dimensionless"):
            return "1"
        unit_like = head and len(head) <= 12 and " " not in head and "=" not in head
        if unit_like and any(c.isalpha() for c in head):
            return head
    return "1"


def _kind(tp: Any) -> tuple[str, tuple[str, ...]]:
    if typing.get_origin(tp) is typing.Literal:
        return "choice", tuple(str(a) for a in typing.get_args(tp))
    if tp is bool:
        return "bool", ()
    if tp is int:
        return "int", ()
    if tp is float:
        return "float", ()
    return "text", ()


def describe(model: DeviceModel | type[DeviceModel]) -> list[ParamInfo]:
    """Every settable field of ``model`` with unit, default, meaning and choices, in declaration order.

    Parameters
    ----------
    model : DeviceModel or its class
        An instance gives its own values as defaults (a preset's, say); a class its defaults.
    """
    cls = model if isinstance(model, type) else type(model)
    docs = _field_docs(cls)
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if not f.init or f.name.startswith("_"):
            continue
        kind, choices = _kind(hints.get(f.name, float))
        if isinstance(model, type):
            default = f.default if f.default is not dataclasses.MISSING else None
        else:
            default = getattr(model, f.name)
        doc = docs.get(f.name, "")
        out.append(ParamInfo(f.name, _unit(f.name, doc, kind), default, doc, choices, kind))
    return out


def parse_params(
    model: DeviceModel | type[DeviceModel], items: list[str] | tuple[str, ...]
) -> dict[str, Any]:
    """Overrides of ``NAME=VALUE`` strings, checked against ``model``'s fields and converted to their types.

    Values are plain SI numbers (``k_off_m_per_s=1e-4``), or one of a string
    option's choices (``window=biolek``).

    Raises
    ------
    ParameterError
        For a malformed item, an unknown name (listing the model's fields with
        their units), a non-number, or a choice the field does not have.
    """
    info = {p.name: p for p in describe(model)}
    name = getattr(model, "name", "model")
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = str(item).partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not key or not text:
            raise ParameterError(
                f"--param {item!r} must be NAME=VALUE in SI units, e.g. --param {next(iter(info))}=..."
            )
        if key not in info:
            listing = ", ".join(f"{p.name} [{p.unit}]" if p.unit else p.name for p in info.values())
            raise ParameterError(
                f"model {name!r} has no parameter {key!r}; its parameters are: {listing} "
                f"(pymem device params --model {name} explains them)"
            )
        p = info[key]
        out[key] = convert(p, text)
    return out


def convert(p: ParamInfo, text: str) -> Any:
    """``text`` as a value of parameter ``p`` (number, whole number or choice).

    Raises
    ------
    ParameterError
        Naming the parameter, its unit and what it takes.
    """
    if p.kind == "choice":
        if text not in p.choices:
            raise ParameterError(f"{p.name}={text!r} is not a choice; choose one of {list(p.choices)}")
        return text
    if p.kind == "bool":
        if text.lower() not in ("true", "false", "1", "0"):
            raise ParameterError(f"{p.name}={text!r} must be true or false")
        return text.lower() in ("true", "1")
    if p.kind == "text":
        return text
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(
            f"{p.name}={text!r} is not a number; give it in {p.unit or 'SI units'}, e.g. {p.name}={p.default}"
        ) from None
    if not math.isfinite(value):
        raise ParameterError(f"{p.name}={text!r} must be finite ({p.unit or 'dimensionless'})")
    if p.kind == "int":
        if value != int(value):
            raise ParameterError(f"{p.name}={text!r} must be a whole number")
        return int(value)
    return value


def model_with(
    name: str, preset: str | None = None, items: list[str] | tuple[str, ...] = (), **fixed: Any
) -> str | DeviceModel:
    """The model ``name`` with a preset, ``NAME=VALUE`` items and ``fixed`` overrides applied.

    The bare ``name`` when nothing is overridden, so that configurations and sweep
    points that do not touch the device keep naming it; else the built model.
    ``items`` are checked by :func:`parse_params`; ``fixed`` are typed overrides a
    caller sets itself (the CLI's ``--window``).

    Raises
    ------
    ParameterError
        For an unknown model, preset or parameter (listing the model's, with units) or a bad value.
    """
    from pymem import devices

    if preset is None and not items and not fixed:
        return name
    base = devices.get(name, preset=preset)
    return devices.get(name, preset=preset, **{**fixed, **parse_params(base, items)})
