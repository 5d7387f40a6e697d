"""A fitted model as a preset: saved as JSON, loaded back as a model with its own name and subckt.

``save_fit(result, "fit.json", preset="mydev")`` writes ``fit.json`` (the
fitted parameters with standard errors and the fit error), ``fit.lib`` (the
``.subckt pymem_mydev``) and ``fit.png`` (the plot). Everywhere pymem takes a
model name (``pymem netlist --model``, ``mvm``, ``train``, sweep specs,
``pymem.devices.get``), the path of such a JSON file works too: it loads as
the base model's class with the fitted values as defaults, named after the
preset.
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pymem.devices.base import DeviceModel
from pymem.errors import ParameterError
from pymem.fit.core import FitResult

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


def fit_record(result: FitResult, preset: str, data_source: str) -> dict[str, Any]:
    """The JSON-ready record of a fit (see :func:`save_fit`)."""
    model = result.model
    values = {f.name: getattr(model, f.name) for f in dataclasses.fields(model) if f.init}
    return {
        "format": FORMAT,
        "preset": check_preset(preset),
        "base_model": model.name,
        "subckt": f"pymem_{preset}",
        "data": data_source,
        "parameters": values,
        "fitted": {
            name: {**dataclasses.asdict(p), "relative_stderr": abs(p.stderr / p.value) if p.value else None}
            for name, p in result.params.items()
        },
        "correlation": np.where(np.isfinite(result.correlation), result.correlation, None).tolist(),
        "scale": result.scale,
        "floor_a": result.floor_a,
        "rms_residual": result.rms_residual,
        "rms_relative_error": result.rms_relative_error,
        "nrmse": result.nrmse,
        "nfev": result.nfev,
        "seconds": result.seconds,
        "warnings": list(result.warnings),
    }


def save_fit(result: FitResult, path: str | Path, preset: str, data_source: str = "") -> dict[str, Path]:
    """Write ``path`` (JSON record) and, beside it, the ``.lib`` with the fitted subckt.

    Returns
    -------
    dict
        ``{"json": ..., "lib": ...}`` paths written.
    """
    path = Path(path)
    record = fit_record(result, preset, data_source)
    model = load_record(record, str(path))()
    path.write_text(json.dumps(record, indent=2, default=float) + "\n")
    lib = path.with_suffix(".lib")
    lib.write_text(
        f"* pymem fit of {result.model.name} to {data_source or 'data'}: preset {preset}\n"
        + model.subckt()
        + "\n"
    )
    return {"json": path, "lib": lib}


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
