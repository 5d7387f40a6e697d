"""Readers of data files the user already has: MNIST-format IDX files and ``.npz`` arrays.

Nothing here downloads anything. Every fault of a file (missing, wrong magic
number, truncated, lengths that do not match, values that are not numbers)
raises :class:`~pymem.errors.DataFileError` naming the file and what is wrong.

IDX (the format of MNIST, Fashion-MNIST, EMNIST): a big-endian header of two
zero bytes, a type code (0x08: unsigned byte), the number of dimensions, one
32-bit size per dimension, then the values in C order. Files may be gzipped
(recognised by their content, not their name).
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pymem.errors import DataFileError

IDX_UBYTE = 0x08
"""IDX type code of unsigned bytes (the only type MNIST files use)."""
IDX_DIMS = {"images": 3, "labels": 1}
"""Dimensions of an IDX images file (n, rows, cols) and a labels file (n,)."""
MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
"""The four standard MNIST file names (each may also end in ``.gz``)."""
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
"""Arrays a ``.npz`` data file must hold."""


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise DataFileError(f"data file {str(path)!r} does not exist (or is not a file)")
    raw = path.read_bytes()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError) as exc:
        raise DataFileError(f"data file {str(path)!r} is a truncated or damaged gzip file ({exc})") from exc


def read_idx(path: str | Path, kind: str) -> NDArray[np.uint8]:
    """Read one IDX file of unsigned bytes, gzipped or not.

    Parameters
    ----------
    path : str or Path
    kind : {"images", "labels"}
        What the file must hold: 3 dimensions (n, height, width) or 1 (n,).

    Returns
    -------
    ndarray of uint8, shape (n, height, width) or (n,)

    Raises
    ------
    DataFileError
        For a missing file, a wrong magic number (not IDX, another type code or
        number of dimensions), or a size that does not match the header.
    """
    path = Path(path)
    ndim = IDX_DIMS[kind]
    raw = _read_bytes(path)
    want = bytes([0, 0, IDX_UBYTE, ndim])
    if len(raw) < 4 or raw[:4] != want:
        got = raw[:4].hex() if raw else "an empty file"
        raise DataFileError(
            f"data file {str(path)!r} has the magic number {got}, not {want.hex()} "
            f"(IDX {kind}: unsigned bytes, {ndim} dimension(s)); is it the right file?"
        )
    head = 4 + 4 * ndim
    if len(raw) < head:
        raise DataFileError(f"data file {str(path)!r} is truncated: it ends inside its {head}-byte header")
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    need = int(np.prod(shape))
    have = len(raw) - head
    if have != need:
        what = "truncated" if have < need else "longer than its header says"
        raise DataFileError(
            f"data file {str(path)!r} is {what}: its header announces {shape} = {need} values, "
            f"it holds {have} bytes of data"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=head).reshape(shape)


def _find(folder: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise DataFileError(
        f"MNIST file {stem!r} (or {stem}.gz) is missing from {str(folder)!r}; the folder needs the four "
        f"standard files {sorted(MNIST_FILES.values())}"
    )


def read_mnist(
    folder: str | Path,
) -> tuple[NDArray[np.uint8], NDArray[np.int64], NDArray[np.uint8], NDArray[np.int64]]:
    """Read the four standard MNIST-format files of ``folder``.

    Returns
    -------
    x_train, y_train, x_test, y_test
        Images (n, height, width) as uint8 and labels (n,) as int64.

    Raises
    ------
    DataFileError
        For a missing folder or file, any fault of :func:`read_idx`, images and
        labels of different counts, or train and test images of different sizes.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFileError(f"MNIST folder {str(folder)!r} does not exist; pass the folder of the IDX files")
    out = []
    for split in ("train", "test"):
        img_path = _find(folder, MNIST_FILES[f"{split}_images"])
        lab_path = _find(folder, MNIST_FILES[f"{split}_labels"])
        images, labels = read_idx(img_path, "images"), read_idx(lab_path, "labels")
        if images.shape[0] != labels.shape[0]:
            raise DataFileError(
                f"{str(img_path)!r} holds {images.shape[0]} images but {str(lab_path)!r} "
                f"{labels.shape[0]} labels; they must be the same count"
            )
        out += [images, labels.astype(np.int64)]
    if out[0].shape[1:] != out[2].shape[1:]:
        raise DataFileError(
            f"MNIST files in {str(folder)!r}: training images are {out[0].shape[1:]} pixels, test images "
            f"{out[2].shape[1:]}"
        )
    return out[0], out[1], out[2], out[3]


def _labels(y: NDArray, path: Path, key: str) -> NDArray[np.int64]:
    y = np.asarray(y)
    if y.ndim != 1:
        raise DataFileError(f"{str(path)!r}: {key} must be one label per sample, shape (n,); got {y.shape}")
    if y.dtype.kind not in "iuf" or not np.all(np.isfinite(y)):
        raise DataFileError(f"{str(path)!r}: {key} must hold class numbers 0, 1, 2, ...; got {y.dtype}")
    if y.size and (np.any(y != np.round(y)) or y.min() < 0):
        raise DataFileError(f"{str(path)!r}: {key} must hold whole class numbers >= 0")
    return y.astype(np.int64)


def read_npz(
    path: str | Path,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    """Read ``x_train, y_train, x_test, y_test`` from a ``.npz`` file.

    ``x`` arrays may have any shape (n, ...): each sample is flattened.

    Returns
    -------
    x_train, y_train, x_test, y_test
        Inputs (n, features) as float64, labels (n,) as int64.

    Raises
    ------
    DataFileError
        For a missing or unreadable file, a missing array, x and y of different
        lengths, train and test of different feature counts, non-finite inputs or
        labels that are not whole numbers >= 0.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"data file {str(path)!r} does not exist (or is not a file)")
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = [k for k in NPZ_KEYS if k not in z.files]
            if missing:
                raise DataFileError(
                    f"{str(path)!r} lacks the array(s) {missing}; a data file holds {list(NPZ_KEYS)} "
                    f"(it has {z.files})"
                )
            arrays = {k: z[k] for k in NPZ_KEYS}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        if isinstance(exc, DataFileError):
            raise
        raise DataFileError(f"{str(path)!r} is not a readable .npz file ({exc})") from exc
    out = []
    for split in ("train", "test"):
        x, key = np.asarray(arrays[f"x_{split}"]), f"x_{split}"
        if x.ndim < 2 or x.dtype.kind not in "iuf":
            raise DataFileError(f"{str(path)!r}: {key} must be numbers of shape (n, features); got {x.shape}")
        x = x.reshape(x.shape[0], -1).astype(float)
        if not np.all(np.isfinite(x)):
            raise DataFileError(f"{str(path)!r}: {key} holds NaN or infinite values")
        y = _labels(arrays[f"y_{split}"], path, f"y_{split}")
        if x.shape[0] != y.shape[0]:
            raise DataFileError(
                f"{str(path)!r}: {key} has {x.shape[0]} samples but y_{split} {y.shape[0]} labels; "
                "they must be the same length"
            )
        out += [x, y]
    if out[0].shape[1] != out[2].shape[1]:
        raise DataFileError(
            f"{str(path)!r}: x_train has {out[0].shape[1]} features per sample, x_test {out[2].shape[1]}"
        )
    if out[1].size == 0:
        raise DataFileError(f"{str(path)!r}: x_train holds no samples")
    return out[0], out[1], out[2], out[3]
