"""Models loaded from fit files of ``pymem fit``: a fitted preset as a model class.

A fit file (JSON, written by :func:`pymem.fit.preset.save_fit`) names its base model and the fitted
values. Loading it needs only the registry, so it lives with the devices; fitting lives in
:mod:`pymem.fit`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pymem.devices.base import DeviceModel
from pymem.errors import ParameterError

FORMAT = "pymem-fit-1"
_PRESET_RE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def check_preset(name: str) -> str:
    """Return ``name`` if it can name a preset and a subckt (lower case letters, digits, ``_``).

    Raises
    ------
    ParameterError
        For another name, or one of the built-in models.
    """
    from pymem import devices

    if not isinstance(name, str) or not _PRESET_RE.match(name):
        raise ParameterError(
            f"preset name {name!r} must start with a lower-case letter and hold only a-z, 0-9 and _ "
            "(at most 41 characters), as it names a SPICE subcircuit; for example 'mydev_2024'"
        )
    if name in devices.names():
        raise ParameterError(f"preset name {name!r} is a built-in model; choose another name")
    return name


def fitted_class(base: type[DeviceModel], preset: str, values: dict[str, Any]) -> type[DeviceModel]:
    """A subclass of ``base`` with ``values`` as defaults, named ``preset``, subckt ``pymem_<preset>``."""
    fields = []
    for f in dataclasses.fields(base):
        if f.init and f.name in values:
            fields.append((f.name, f.type, dataclasses.field(default=values[f.name])))
    cls = dataclasses.make_dataclass(
        f"Fitted_{preset}",
        fields,
        bases=(base,),
        frozen=True,
        namespace={
            "name": preset,
            "base_name": base.name,
            "subckt_name": property(lambda self: f"pymem_{preset}"),
            "__doc__": f"{base.__name__} fitted to measured data (preset {preset!r}).",
        },
    )
    return cls


def load_record(record: dict[str, Any], source: str) -> type[DeviceModel]:
    """The model class of a fit record (``source`` names it in errors)."""
    from pymem import devices

    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ParameterError(
            f"{source} is not a pymem fit file (format {FORMAT!r}); write one with pymem fit"
        )
    base = record.get("base_model")
    if base not in devices.REGISTRY:
        raise ParameterError(f"{source}: base model {base!r} is unknown; choose one of {devices.names()}")
    cls = fitted_class(devices.REGISTRY[base], check_preset(record.get("preset", "")), record["parameters"])
    cls()  # validates the stored values
    return cls


@lru_cache(maxsize=32)
def _load_cached(path: str, mtime_ns: int) -> type[DeviceModel]:
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ParameterError(f"cannot read the fit file {path}: {exc}; write it with pymem fit -o") from exc
    return load_record(record, path)


def load_fitted(path: str | Path, **overrides: Any) -> DeviceModel:
    """The model saved in a fit JSON file, with some parameters overridden.

    Raises
    ------
    ParameterError
        For a missing or foreign file, an unknown base model, or bad values.
    """
    p = Path(path)
    if not p.is_file():
        raise ParameterError(f"fit file {path} does not exist; write it with pymem fit -o {path}")
    cls = _load_cached(str(p.resolve()), p.stat().st_mtime_ns)
    return cls(**overrides)
