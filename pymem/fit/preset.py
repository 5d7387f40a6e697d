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
from pathlib import Path
from typing import Any

import numpy as np

from pymem.devices.fitted import FORMAT, check_preset, load_record
from pymem.fit.core import FitResult


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
