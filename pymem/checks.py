"""Checks made before any work: output paths that can be written, counts, and memory.

A command that simulates for minutes and then cannot save its result loses
the run, and an array too large for the machine fails deep inside numpy.
These checks run first and raise a named :class:`~pymem.errors.ParameterError`
subclass with the bad value and the fix.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

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


def check_count(name: str, value: object, minimum: int) -> int:
    """``value`` as an integer >= ``minimum``, or a ParameterError naming ``name``.

    Raises
    ------
    ParameterError
        If ``value`` is not an integer (bools are refused) or below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


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
