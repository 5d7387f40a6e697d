"""The one printer of the command line: a JSON object for scripts, aligned ``key  value`` lines for people."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return float(value)


def to_json(out: Mapping[str, Any]) -> str:
    """``out`` as indented JSON with sorted keys; numpy values and paths become plain JSON."""
    return json.dumps(out, indent=2, sort_keys=True, default=_jsonable)


def text_lines(out: Mapping[str, Any], skip: Iterable[str] = ()) -> list[str]:
    """``key  value`` lines aligned on the longest key; floats to 6 significant digits."""
    shown = {k: v for k, v in out.items() if k not in set(skip)}
    if not shown:
        return []
    width = max(len(k) for k in shown)
    return [f"{k:{width}s}  {f'{v:.6g}' if isinstance(v, float) else v}" for k, v in shown.items()]


def emit(
    out: Mapping[str, Any], as_json: bool, *, lines: Iterable[str] | None = None, skip: Iterable[str] = ()
) -> None:
    """Print a command's result.

    Parameters
    ----------
    out : mapping
        Everything the command found; ``--json`` prints all of it.
    as_json : bool
        One JSON object (``--json``), or text for people.
    lines : iterable of str, optional
        The text form when a table reads better than ``key  value`` lines.
    skip : iterable of str
        Keys left out of the default text form (long arrays, nested records).
    """
    if as_json:
        print(to_json(out))
        return
    for line in text_lines(out, skip) if lines is None else lines:
        print(line)
