"""Memristor device models: numpy equations and ngspice subcircuits of the same.

The registry maps names to model classes; ``get(name, **overrides)`` builds
a validated model, ``names()`` lists them. ``simulate`` (forwarded to
:mod:`pymem.ops.device`, which runs ngspice) drives one device with a waveform.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pymem.devices.base import DeviceModel
from pymem.devices.hp import HPMemristor
from pymem.devices.stanford_pku import StanfordPKU
from pymem.devices.vteam import VTEAM
from pymem.devices.waveforms import PWL, Sine, pulse_train, triangle
from pymem.devices.yakopcic import Yakopcic
from pymem.errors import ParameterError

REGISTRY: dict[str, type[DeviceModel]] = {
    HPMemristor.name: HPMemristor,
    Yakopcic.name: Yakopcic,
    StanfordPKU.name: StanfordPKU,
    VTEAM.name: VTEAM,
}


def register(cls: type[DeviceModel]) -> type[DeviceModel]:
    """Add a model class to the registry under ``cls.name``."""
    REGISTRY[cls.name] = cls
    return cls


def names() -> list[str]:
    """Names of the registered models, sorted."""
    return sorted(REGISTRY)


def get(name: str, /, **overrides: Any) -> DeviceModel:
    """Build the model ``name`` with its published defaults, some overridden.

    Parameters
    ----------
    name : str
        A name of :func:`names` (``hp``, ``vteam``, ``yakopcic``, ``stanford-pku``), or the
        path of a fit file written by ``pymem fit -o fit.json`` (the fitted preset).
    **overrides
        Parameter fields to replace, in SI units (``window="joglekar"`` for hp).

    Raises
    ------
    ParameterError
        For an unknown name or parameter, or a value the model rejects.
    """
    if is_fit_path(name):
        from pymem.fit.preset import load_fitted

        return load_fitted(name, **overrides)
    try:
        cls = REGISTRY[name]
    except KeyError:
        raise ParameterError(f"unknown device model {name!r}; choose one of {names()}") from None
    fields = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ParameterError(
            f"model {name!r} has no parameter {unknown[0]!r}; its parameters are {sorted(fields)}"
        )
    return cls(**overrides)


def is_fit_path(name: object) -> bool:
    """Whether ``name`` refers to a fit file of ``pymem fit`` (a string ending in ``.json``)."""
    return isinstance(name, str) and name.lower().endswith(".json")


def model_choice(name: str) -> str:
    """``name`` if it is a registered model or an existing fit file (argparse ``type=``).

    Raises
    ------
    argparse.ArgumentTypeError
        Naming the choices.
    """
    import argparse
    from pathlib import Path

    if name in REGISTRY or (is_fit_path(name) and Path(name).is_file()):
        return name
    raise argparse.ArgumentTypeError(
        f"invalid model {name!r}: choose one of {names()} or give the path of an existing fit file "
        "(pymem fit -o fit.json)"
    )


def __getattr__(attr: str) -> Any:
    # ``simulate`` runs ngspice, so it lives in pymem.ops; forwarded here for users.
    if attr in ("simulate", "DeviceTrace"):
        from pymem.ops import device

        return getattr(device, attr)
    raise AttributeError(f"module 'pymem.devices' has no attribute {attr!r}")


__all__ = [
    "PWL",
    "REGISTRY",
    "VTEAM",
    "DeviceModel",
    "HPMemristor",
    "Sine",
    "StanfordPKU",
    "Yakopcic",
    "get",
    "names",
    "pulse_train",
    "register",
    "simulate",
    "triangle",
]
