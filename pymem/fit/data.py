"""Measured sweeps: read a CSV of time, voltage and current into SI arrays.

Accepted files: comma, semicolon or tab separated text; lines starting with
``#`` and blank lines are skipped; the first other line names the columns.
Column names are matched without case and without a unit in brackets, so a
source-measure unit's ``Time (s)``, ``V [mV]`` or ``Current(A)`` are found.
A unit in the header scales its column to SI (``ms``, ``uA``, ``mV`` ...).
Aliases: time ``t``/``time``; voltage ``v``/``voltage``/``vd``; current
``i``/``current``/``id``. Other names can be mapped with ``columns=``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pymem.errors import DataFileError

ALIASES: dict[str, tuple[str, ...]] = {
    "t": ("t", "time"),
    "v": ("v", "voltage", "vd", "vdev", "v_device"),
    "i": ("i", "current", "id", "idev", "i_device"),
}
"""Quantity key to the column names (lower case, without units) that hold it."""

BASE_UNIT = {"t": "s", "v": "V", "i": "A"}
PREFIX = {"": 1.0, "p": 1e-12, "n": 1e-9, "u": 1e-6, "µ": 1e-6, "μ": 1e-6, "m": 1e-3, "k": 1e3}
_UNIT_RE = re.compile(r"^(?P<name>[^(\[]*?)\s*[(\[](?P<unit>[^)\]]*)[)\]]\s*$")


@dataclass(frozen=True)
class Sweep:
    """A measured sweep in SI units.

    Attributes
    ----------
    t, v, i : ndarray, shape (n,)
        Time (s, strictly increasing), voltage across the device (V) and current through it (A).
    source : str
        Where it came from (file path or a description).
    """

    t: NDArray[np.float64]
    v: NDArray[np.float64]
    i: NDArray[np.float64]
    source: str = "arrays"

    def __post_init__(self) -> None:
        for key in ("t", "v", "i"):
            object.__setattr__(self, key, np.asarray(getattr(self, key), dtype=float))
        check_sweep(self.t, self.v, self.i, self.source)


def check_sweep(t: NDArray[np.float64], v: NDArray[np.float64], i: NDArray[np.float64], source: str) -> None:
    """Refuse arrays that cannot be a sweep (shapes, too few points, time not increasing).

    Raises
    ------
    DataFileError
        Naming ``source`` and the first bad point (line numbers are point indices here).
    """
    if not (t.ndim == v.ndim == i.ndim == 1 and t.shape == v.shape == i.shape):
        raise DataFileError(
            f"{source}: t, v and i must be 1-D arrays of one length, got {t.shape, v.shape, i.shape}"
        )
    if t.size < 3:
        raise DataFileError(
            f"{source}: {t.size} data point(s); a fit needs a sweep of many points (at least 3, "
            "better hundreds over a full I-V loop)"
        )
    for key, arr in (("t", t), ("v", v), ("i", i)):
        if not np.all(np.isfinite(arr)):
            k = int(np.flatnonzero(~np.isfinite(arr))[0])
            raise DataFileError(f"{source}: {key}[{k}] = {float(arr[k])!r} is not finite; remove that point")
    bad = np.flatnonzero(np.diff(t) <= 0)
    if bad.size:
        k = int(bad[0]) + 1
        raise DataFileError(
            f"{source}: time t[{k}] = {float(t[k])!r} s does not increase past "
            f"t[{k - 1}] = {float(t[k - 1])!r} s; sort the points by time"
        )


def _parse_header(cell: str) -> tuple[str, str]:
    """Column name (lower case, no unit) and unit text (may be empty) of one header cell."""
    text = cell.strip().strip('"').strip()
    m = _UNIT_RE.match(text)
    if m:
        return m.group("name").strip().lower(), m.group("unit").strip()
    return text.lower(), ""


def _unit_scale(unit: str, key: str, path: str, line: int, header: str) -> float:
    if unit == "":
        return 1.0
    base = BASE_UNIT[key]
    if unit.endswith(base) and unit[: -len(base)] in PREFIX:
        return PREFIX[unit[: -len(base)]]
    raise DataFileError(
        f"{path}, line {line}: column {header!r} has the unit {unit!r}, which is not a unit of "
        f"{base}; use {base} with an SI prefix (p, n, u, m, k) or leave the unit out (SI assumed)"
    )


def read_sweep(path: str | Path, columns: dict[str, str] | None = None) -> Sweep:
    """Read a measured sweep from a CSV file.

    Parameters
    ----------
    path : str or Path
        The file.
    columns : dict, optional
        Column names for ``t``, ``v`` and ``i`` when the aliases do not find them
        (``{"v": "Vsmu1"}``); matched like the aliases, without case and units.

    Returns
    -------
    Sweep
        Time (s), voltage (V) and current (A), scaled to SI by the header units.

    Raises
    ------
    DataFileError
        For a missing file or column, a non-numeric or non-finite cell, a row
        of the wrong length, time that does not increase, or fewer than 3
        points; the message names the file and the line.
    """
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read the data file ({exc.strerror}); check the path") from exc
    rows = [
        (n, ln)
        for n, ln in enumerate(text.splitlines(), start=1)
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if not rows:
        raise DataFileError(f"{path}: no header line and no data; give a CSV with columns such as Time, V, I")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(rows[0][1], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    header_line, header_text = rows[0]
    header = next(csv.reader([header_text], dialect))
    parsed = [_parse_header(h) for h in header]
    wanted = {
        k: ((columns or {})[k].strip().lower(),) if k in (columns or {}) else ALIASES[k] for k in ALIASES
    }
    index: dict[str, int] = {}
    for key, names in wanted.items():
        hits = [j for j, (name, _) in enumerate(parsed) if name in names]
        if not hits:
            raise DataFileError(
                f"{path}, line {header_line}: no {key!r} column among {[h.strip() for h in header]}; "
                f"name one {names[0]!r} (or {', '.join(repr(n) for n in names[1:]) or 'map it'}), "
                f"or map it with --column {key}=NAME"
            )
        index[key] = hits[0]
    scale = {k: _unit_scale(parsed[j][1], k, path, header_line, header[j]) for k, j in index.items()}
    values: dict[str, list[float]] = {k: [] for k in index}
    lines: list[int] = []
    for n, ln in rows[1:]:
        cells = next(csv.reader([ln], dialect))
        if len(cells) < len(header):
            raise DataFileError(
                f"{path}, line {n}: {len(cells)} cells where the header has {len(header)}; "
                "fill the row or delete it"
            )
        for key, j in index.items():
            cell = cells[j].strip()
            try:
                value = float(cell)
            except ValueError:
                raise DataFileError(
                    f"{path}, line {n}: cell {cell!r} of column {header[j].strip()!r} is not a number; "
                    "fix or delete the row"
                ) from None
            if not np.isfinite(value):
                raise DataFileError(
                    f"{path}, line {n}: cell {cell!r} of column {header[j].strip()!r} is not finite; "
                    "delete the row"
                )
            values[key].append(value * scale[key])
        lines.append(n)
    t, v, i = (np.asarray(values[k], dtype=float) for k in ("t", "v", "i"))
    if t.size < 3:
        raise DataFileError(
            f"{path}, line {lines[-1] if lines else header_line}: {t.size} data point(s); a fit needs a "
            "sweep of many points (at least 3, better hundreds over a full I-V loop)"
        )
    bad = np.flatnonzero(np.diff(t) <= 0)
    if bad.size:
        k = int(bad[0]) + 1
        raise DataFileError(
            f"{path}, line {lines[k]}: time {float(t[k])!r} s does not increase (the line before has "
            f"{float(t[k - 1])!r} s); sort the rows by time or remove the repeated point"
        )
    return Sweep(t=t, v=v, i=i, source=path)


def write_sweep(path: str | Path, sweep: Sweep) -> Path:
    """Write ``sweep`` as the CSV :func:`read_sweep` reads (header ``Time (s),V (V),I (A)``)."""
    path = Path(path)
    rows = "\n".join(
        f"{float(a)!r},{float(b)!r},{float(c)!r}" for a, b, c in zip(sweep.t, sweep.v, sweep.i, strict=True)
    )
    path.write_text("Time (s),V (V),I (A)\n" + rows + "\n")
    return path
