"""Memristor device models: numpy equations and ngspice subcircuits of the same.

The registry maps names to model classes; ``get(name, **overrides)`` builds
a validated model, ``names()`` lists them. Device code is pure math and text:
driving one device with a waveform through ngspice or the reference integrator
is :func:`pymem.ops.device.simulate` (also ``pymem.simulate``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pymem.devices.base import DeviceModel
from pymem.devices.hp import HPMemristor
from pymem.devices.stanford_pku import StanfordPKU
from pymem.devices.team import TEAM
from pymem.devices.vteam import VTEAM
from pymem.devices.waveforms import PWL, Sine, pulse_train, triangle
from pymem.devices.yakopcic import Yakopcic
from pymem.errors import ParameterError

REGISTRY: dict[str, type[DeviceModel]] = {
    HPMemristor.name: HPMemristor,
    Yakopcic.name: Yakopcic,
    StanfordPKU.name: StanfordPKU,
    VTEAM.name: VTEAM,
    TEAM.name: TEAM,
}


def register(cls: type[DeviceModel]) -> type[DeviceModel]:
    """Add a model class to the registry under ``cls.name``."""
    REGISTRY[cls.name] = cls
    return cls


def names() -> list[str]:
    """Names of the registered models, sorted."""
    return sorted(REGISTRY)


def presets(name: str, /) -> list[str]:
    """Names of the presets of model ``name`` (named parameter sets), sorted; often empty."""
    return sorted(_model_class(name).presets)


def _model_class(name: str) -> type[DeviceModel]:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ParameterError(f"unknown device model {name!r}; choose one of {names()}") from None


def get(name: str, /, preset: str | None = None, **overrides: Any) -> DeviceModel:
    """Build the model ``name`` with its published defaults, some overridden.

    Parameters
    ----------
    name : str
        A name of :func:`names` (``hp``, ``vteam``, ``yakopcic``, ``stanford-pku``, ``team``), or
        the path of a fit file written by ``pymem fit -o fit.json`` (the fitted preset).
    preset : str, optional
        A named parameter set of the model (:func:`presets`), applied over the
        defaults before ``overrides``: ``get("team", preset="xyce")`` is Xyce's
        TEAM (MEMRISTOR level 2, window 4) with the set of its regression test.
    **overrides
        Parameter fields to replace, in SI units (``window="joglekar"`` for hp).

    Raises
    ------
    ParameterError
        For an unknown name, preset or parameter, or a value the model rejects.
    """
    if is_fit_path(name):
        from pymem.devices.fitted import load_fitted

        if preset is not None:
            raise ParameterError(f"a fit file is its own preset; drop preset={preset!r} for {name!r}")
        return load_fitted(name, **overrides)
    cls = _model_class(name)
    params: dict[str, Any] = {}
    if preset is not None:
        if preset not in cls.presets:
            raise ParameterError(
                f"model {name!r} has no preset {preset!r}; its presets are {sorted(cls.presets)}"
            )
        params.update(cls.presets[preset].values)
    fields = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ParameterError(
            f"model {name!r} has no parameter {unknown[0]!r}; its parameters are {sorted(fields)}"
        )
    params.update(overrides)
    return cls(**params)


def resolve(model: str | DeviceModel, /, preset: str | None = None, **overrides: Any) -> DeviceModel:
    """``model`` as a :class:`DeviceModel`: a built model as it is (with ``overrides``), a name by ``get``.

    Raises
    ------
    ParameterError
        As :func:`get`; for a preset given with a built model.
    """
    if isinstance(model, DeviceModel):
        if preset is not None:
            raise ParameterError(f"preset={preset!r} applies to a model name, not to a built {model.name!r}")
        return model.with_params(**overrides) if overrides else model
    return get(model, preset=preset, **overrides)


def model_name(model: str | DeviceModel, /) -> str:
    """The name of ``model`` (a registry name, a fit file, or a built model's ``name``)."""
    return model.name if isinstance(model, DeviceModel) else str(model)


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


__all__ = [
    "PWL",
    "REGISTRY",
    "TEAM",
    "VTEAM",
    "DeviceModel",
    "HPMemristor",
    "Sine",
    "StanfordPKU",
    "Yakopcic",
    "get",
    "model_name",
    "names",
    "presets",
    "pulse_train",
    "register",
    "resolve",
    "triangle",
]
