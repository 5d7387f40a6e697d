"""A small reader for ngspice raw files (binary and ASCII), real and complex.

The format: a text header per plot (``Title:``, ``Plotname:``, ``Flags:``,
``No. Variables:``, ``No. Points:``, ``Variables:`` with one line per vector),
then ``Binary:`` followed by little-endian float64 data, point by point (one
double per real vector, two per complex one), or ``Values:`` followed by the
same numbers as text. Several plots may follow each other in one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pymem.errors import RawFileTruncatedError


@dataclass(frozen=True)
class RawPlot:
    """One plot of a raw file.

    Attributes
    ----------
    title, plotname : str
        The deck's title line and ngspice's name of the analysis.
    names : list of str
        Vector names in file order, lower case.
    kinds : list of str
        Vector types (``time``, ``voltage``, ``current``, ``frequency``).
    data : dict of str to ndarray
        Each of shape (n_points,), float64 or complex128.
    """

    title: str
    plotname: str
    names: list[str]
    kinds: list[str]
    data: dict[str, np.ndarray]


def _parse_header(buf: bytes, pos: int) -> tuple[dict[str, str], list[tuple[str, str]], str, int]:
    fields: dict[str, str] = {}
    variables: list[tuple[str, str]] = []
    in_vars = False
    n_vars = 0
    while True:
        end = buf.find(b"\n", pos)
        if end < 0:
            raise RawFileTruncatedError(
                f"the raw file is truncated: its header ends at byte {len(buf)} without a "
                "'Binary:' or 'Values:' line. ngspice stopped while writing it (killed, crashed, "
                "or the disk is full); run the deck again"
            )
        line = buf[pos:end].decode("latin-1").rstrip("\r")
        pos = end + 1
        if in_vars and len(variables) < n_vars:
            parts = line.split()
            variables.append((parts[1].lower(), parts[2].lower() if len(parts) > 2 else ""))
            continue
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("binary", "values"):
            return fields, variables, key, pos
        if key == "variables":
            in_vars = True
            n_vars = int(fields["no. variables"])
            continue
        fields[key] = value.strip()


def parse_raw(buf: bytes) -> list[RawPlot]:
    """Parse the bytes of an ngspice raw file into its plots.

    Parameters
    ----------
    buf : bytes
        Whole file content.

    Returns
    -------
    list of RawPlot
        In file order.
    """
    plots: list[RawPlot] = []
    pos = 0
    while pos < len(buf) and buf[pos:].strip():
        fields, variables, mode, pos = _parse_header(buf, pos)
        n_vars = len(variables)
        n_points = int(fields["no. points"])
        is_complex = "complex" in fields.get("flags", "")
        width = 2 if is_complex else 1
        if mode == "binary":
            count = n_points * n_vars * width
            if pos + 8 * count > len(buf):
                raise RawFileTruncatedError(
                    f"the raw file is truncated: plot {fields.get('plotname', '')!r} announces "
                    f"{n_points} points of {n_vars} vectors ({8 * count} bytes of data) but only "
                    f"{len(buf) - pos} bytes follow its header. ngspice stopped while writing it "
                    "(killed, crashed, or the disk is full); run the deck again"
                )
            flat = np.frombuffer(buf, dtype="<f8", count=count, offset=pos)
            pos += count * 8
        else:
            flat, pos = _parse_ascii_values(buf, pos, n_points, n_vars, is_complex)
        table = flat.reshape(n_points, n_vars * width)
        data: dict[str, np.ndarray] = {}
        for k, (name, kind) in enumerate(variables):
            if is_complex and kind == "frequency":
                # ngspice writes the frequency axis as complex with an unset imaginary part
                data[name] = table[:, 2 * k].copy()
            elif is_complex:
                data[name] = table[:, 2 * k] + 1j * table[:, 2 * k + 1]
            else:
                data[name] = table[:, k].copy()
        plots.append(
            RawPlot(
                title=fields.get("title", ""),
                plotname=fields.get("plotname", ""),
                names=[n for n, _ in variables],
                kinds=[t for _, t in variables],
                data=data,
            )
        )
    return plots


def _parse_ascii_values(
    buf: bytes, pos: int, n_points: int, n_vars: int, is_complex: bool
) -> tuple[np.ndarray, int]:
    width = 2 if is_complex else 1
    out = np.empty(n_points * n_vars * width)
    k = 0
    lines = buf[pos:].split(b"\n")
    consumed = 0
    for raw_line in lines:
        if k == n_points * n_vars * width:
            break
        consumed += len(raw_line) + 1
        tokens = raw_line.split()
        if not tokens:
            continue
        # The first token on a point's first line is the point index.
        if (k // width) % n_vars == 0 and k % width == 0:
            tokens = tokens[1:]
        for tok in tokens:
            for part in tok.split(b","):
                out[k] = float(part)
                k += 1
    if k < out.size:
        raise RawFileTruncatedError(
            f"the raw file is truncated: its header announces {n_points} points of {n_vars} vectors "
            f"({out.size} numbers) but only {k} follow. ngspice stopped while writing it "
            "(killed, crashed, or the disk is full); run the deck again"
        )
    return out, pos + consumed


def read_raw(path: str | Path) -> list[RawPlot]:
    """Read an ngspice raw file from disk; see :func:`parse_raw`."""
    return parse_raw(Path(path).read_bytes())
