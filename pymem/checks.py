"""Input checks of every layer: numbers, counts, arrays and shapes; output paths and memory.

The one home of pymem's generic checks (ground floor: it imports only
:mod:`pymem.errors`). Each raises a :class:`~pymem.errors.ParameterError`
(or the subclass the caller names) with the bad value and the fix; callers
pass their own wording where a message is part of their contract.

A command that simulates for minutes and then cannot save its result loses
the run, and an array too large for the machine fails deep inside numpy:
:func:`check_writable` and :func:`check_crossbar_memory` run first.
"""

from __future__ import annotations

import math
import os
import reprlib
import tempfile
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem.errors import OutputPathError, ParameterError, TooLargeError

GIB = 1024.0**3
"""Bytes per GiB."""

BYTES_PER_CELL = {"netlist": 1024, "ideal": 256, "solver": 4096, "ngspice": 36 * 1024}
"""Memory one crossbar cell costs per use (bytes), measured as the growth of the peak
resident size of ``pymem netlist`` / ``pymem mvm`` between 32x32 and 256x256 arrays
(ngspice: 16x16 to 48x48, shared library) on Debian 12, rounded up."""

BYTES_PER_NODE_AND_VECTOR = 16
"""Memory per circuit node and input vector (bytes): a node voltage and a state sample."""

NODES_PER_CELL = 3
"""Circuit nodes per cell: its word-line node, its bit-line node and the device's state node."""


def require(condition: bool, message: str, error: type[ParameterError] = ParameterError) -> None:
    """Raise ``error`` (default :class:`ParameterError`) with ``message`` unless ``condition``."""
    if not condition:
        raise error(message)


def num(x: object) -> str:
    """repr of a Python or numpy scalar, without numpy 2's ``np.float64(...)`` wrapper."""
    return repr(x.item() if isinstance(x, np.generic) else x)


def count_text(n: int, one: str, many: str) -> str:
    """``"1 entry"`` / ``"3 entries"``: ``n`` with the singular or plural noun."""
    return f"{n} {one if n == 1 else many}"


def index_text(idx: NDArray[np.intp]) -> str:
    """``[i, j]`` of an index array; empty for a 0-d array's index."""
    return "[" + ", ".join(str(int(i)) for i in idx) + "]" if len(idx) else ""


def finite_float(name: str, value: object) -> float:
    """``value`` as a finite float, or a ParameterError naming ``name`` (bools and strings refused)."""
    if isinstance(value, bool | str | bytes):
        raise ParameterError(f"{name} must be a number, got {num(value)}; give a finite float")
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {num(value)}; give a finite float") from None
    if not math.isfinite(x):
        raise ParameterError(f"{name} must be finite, got {num(value)}; give a finite float")
    return x


def check_positive(name: str, value: object, what: str) -> None:
    """Refuse a ``value`` that is not a finite number > 0; ``what`` is the fix (``give {what}``)."""
    if finite_float(name, value) <= 0:
        raise ParameterError(f"{name} must be > 0, got {num(value)}; give {what}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def check_finite(
    name: str,
    value: object,
    low: float | None = None,
    *,
    strict: bool = True,
    phrase: str,
    error: type[ParameterError] = ParameterError,
) -> float:
    """``value`` as a finite float above ``low``, or ``error``: ``{name} must be {phrase}, got ...``.

    Parameters
    ----------
    name : str
        What the value is, as the message names it.
    value : object
        The value to check (a real number; bools, strings and arrays are refused).
    low : float, optional
        Lower limit (units of the value); None: any finite number.
    strict : bool
        True: ``value > low``; False: ``value >= low``.
    phrase : str
        What the value must be, e.g. ``"a finite resistance >= 0 ohm"``.
    error : type
        The ParameterError subclass to raise.
    """
    ok = _is_number(value) and bool(np.isfinite(value))  # type: ignore[arg-type]
    if ok and low is not None:
        ok = value > low if strict else value >= low  # type: ignore[operator]
    if not ok:
        raise error(f"{name} must be {phrase}, got {value!r}")
    return float(value)  # type: ignore[arg-type]


def check_int(
    name: str,
    value: object,
    low: int,
    high: int | None = None,
    hint: str = "",
    *,
    phrase: str | None = None,
    error: type[ParameterError] = ParameterError,
) -> int:
    """``value`` as an integer in ``low .. high`` (Python or numpy; bools refused), or ``error``.

    With ``phrase`` the message is ``{name} must be {phrase}, got {value}``;
    without, it tells the type and the range apart, ``hint`` being the fix of
    a value out of range.
    """
    is_int = isinstance(value, int | np.integer) and not isinstance(value, bool)
    inside = is_int and low <= value and (high is None or value <= high)  # type: ignore[operator]
    if not inside and phrase is not None:
        raise error(f"{name} must be {phrase}, got {num(value)}")
    span = f"{low} .. {high}" if high is not None else f">= {low}"
    if not is_int:
        raise error(f"{name} must be an integer, got {num(value)}; give an int in {span}")
    if not inside:
        raise error(f"{name}={num(value)} is outside {span}; {hint}")
    return int(value)  # type: ignore[arg-type]


def check_count(name: str, value: object, minimum: int) -> int:
    """``value`` as an integer >= ``minimum``, or a ParameterError naming ``name``.

    Raises
    ------
    ParameterError
        If ``value`` is not an integer (bools are refused) or below ``minimum``.
    """
    return check_int(name, value, minimum, phrase=f"an integer >= {minimum}")


def real_array(name: str, x: ArrayLike, finite: bool = True) -> NDArray[np.float64]:
    """``x`` as a float64 array, or a ParameterError for complex or non-numeric entries.

    With ``finite``, NaN and inf are refused too, naming the first such entry and how many there are.
    """
    if np.iscomplexobj(x):
        raise ParameterError(f"{name} must be real numbers, got complex values; pass their real part")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be an array of real numbers, got {reprlib.repr(x)}") from None
    bad = ~np.isfinite(arr) if finite else None
    if bad is not None and bad.any():
        idx = index_text(np.argwhere(bad)[0])
        count = count_text(int(bad.sum()), "such entry", "such entries")
        raise ParameterError(
            f"{name}{idx} = {num(arr[bad].flat[0])} is not finite ({count}); "
            f"replace NaN and inf in {name} with finite values"
        )
    return arr


def check_shape(name: str, arr: NDArray, shape: tuple[int, ...], expected: str = "") -> None:
    """Refuse ``arr`` unless its shape is ``shape``: ``{name} has shape ..., expected {expected}{shape}``."""
    if arr.shape != shape:
        raise ParameterError(f"{name} has shape {arr.shape}, expected {expected}{shape}")


def _probe_folder(folder: Path, target: Path) -> None:
    """Create and remove a scratch file in ``folder``; an OutputPathError if that fails."""
    try:
        fd, scratch = tempfile.mkstemp(prefix=".pymem-probe-", dir=folder)
    except OSError as exc:
        raise OutputPathError(
            f"cannot write {str(target)!r}: folder {str(folder)!r} is not writable ({exc.strerror}); "
            "choose another output path"
        ) from None
    os.close(fd)
    os.unlink(scratch)


def check_writable(path: str | os.PathLike[str], make_folders: bool = False) -> Path:
    """Check that a file can be written at ``path`` before any work is done; write nothing.

    An existing file is opened for appending (its content is left alone); a
    new file is checked by creating and removing a scratch file in its folder.

    Parameters
    ----------
    path : str or PathLike
        The output file.
    make_folders : bool
        True when the caller creates missing folders: then the nearest existing
        folder above ``path`` must be writable.

    Returns
    -------
    Path
        ``path`` as a Path.

    Raises
    ------
    OutputPathError
        If ``path`` is a directory, its folder is missing (and ``make_folders`` is
        False) or is not a folder, or the file or folder cannot be written.
    """
    p = Path(path)
    if p.is_dir():
        raise OutputPathError(f"output {str(p)!r} is a directory; give a file name inside it or elsewhere")
    if p.exists():
        try:
            with open(p, "ab"):
                pass
        except OSError as exc:
            raise OutputPathError(
                f"cannot write {str(p)!r} ({exc.strerror}); choose another output path"
            ) from None
        return p
    folder = p.parent
    if make_folders:
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
    if not folder.exists():
        raise OutputPathError(
            f"cannot write {str(p)!r}: folder {str(folder)!r} does not exist; create it first"
        )
    if not folder.is_dir():
        raise OutputPathError(f"cannot write {str(p)!r}: {str(folder)!r} is not a folder")
    _probe_folder(folder, p)
    return p


def check_writable_folder(path: str | os.PathLike[str]) -> Path:
    """Check that files can be written into folder ``path`` (made if missing); write nothing.

    Raises
    ------
    OutputPathError
        If ``path`` is an existing file, or it or its nearest existing parent is not writable.
    """
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise OutputPathError(f"output folder {str(p)!r} is a file; give a folder")
    folder = p
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputPathError(f"cannot make folder {str(p)!r}: {str(folder)!r} is not a folder")
    _probe_folder(folder, p)
    return p


def available_memory_bytes() -> int | None:
    """Memory the machine can give a new allocation (bytes): MemAvailable; None when unknown."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def crossbar_memory_bytes(rows: int, cols: int, batch: int = 1, use: str = "solver") -> int:
    """Estimated peak memory of one use of a rows x cols crossbar (bytes).

    ``cells * BYTES_PER_CELL[use] + nodes * batch * BYTES_PER_NODE_AND_VECTOR``,
    with ``NODES_PER_CELL`` nodes per cell.

    Parameters
    ----------
    rows, cols, batch : int
        Array size and input vectors.
    use : {"netlist", "ideal", "solver", "ngspice"}
        What is done with the array.
    """
    cells = rows * cols
    return cells * BYTES_PER_CELL[use] + NODES_PER_CELL * cells * batch * BYTES_PER_NODE_AND_VECTOR


def check_crossbar_memory(rows: int, cols: int, batch: int = 1, use: str = "solver") -> None:
    """Refuse an array whose estimated memory exceeds what the machine has available.

    Raises
    ------
    TooLargeError
        With the estimate and the available memory, both in GiB.
    """
    need = crossbar_memory_bytes(rows, cols, batch, use)
    have = available_memory_bytes()
    if have is not None and need > have:
        cells = rows * cols
        raise TooLargeError(
            f"a {rows} x {cols} crossbar ({cells:.3g} cells, {NODES_PER_CELL * cells:.3g} nodes) with "
            f"{batch} input vector(s) needs about {need / GIB:.3g} GiB for {use}, but this machine has "
            f"{have / GIB:.3g} GiB available; use fewer rows, columns or vectors"
        )
