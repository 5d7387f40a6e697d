"""Data sets for training, and their layout on a crossbar's rows.

Sources (nothing is downloaded at run time):

- scikit-learn's bundled sets: ``iris`` (Fisher's Iris: 150 flowers, 4
  measurements, 3 species), ``digits`` (1,797 handwritten digits as 8x8
  images of 0..16), ``wine`` (178 wines, 13 measurements, 3 cultivars) and
  ``breast_cancer`` (569 tumours, 30 measurements, 2 classes); all from the
  UCI Machine Learning Repository (CC BY 4.0), split into train and test with
  a seeded stratified split.
- ``mnist``: the four standard MNIST-format IDX files the user already has
  (MNIST, Fashion-MNIST, ...) in a folder ``data_dir``, gzipped or not; the
  file's own train/test split.
- ``.npz`` files holding ``x_train, y_train, x_test, y_test``: pass the path
  as the name (``"path/to/file.npz"``), or the name ``"npz"`` and the path as
  ``data_file``; the file's own split.

:func:`load_dataset` returns the samples as features in [0, 1]
(:class:`DataSplit`); :func:`load` lays them out for a ``rows`` x ``cols``
crossbar (:class:`Dataset`): images average-pooled to p x p pixels with
p*p <= rows - 1 (other data: the first rows - 1 features), each feature
scaled to [0, 1] by the training split's minimum and maximum (test values
clipped), a last row of constant 1 (the bias), and the first ``cols // 2``
classes (each class needs a differential pair of columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pymem.constants import DATASETS, SKLEARN_SETS
from pymem.errors import ParameterError
from pymem.train import files


@dataclass(frozen=True)
class DataSplit:
    """A train/test split of samples as features in [0, 1] (no crossbar layout).

    Attributes
    ----------
    name : str
    x_train, x_test : ndarray, shape (n, features)
        Inputs in [0, 1] (images: pixels over the largest pixel value; other data:
        scaled by the training split's minimum and maximum per feature, test clipped).
    y_train, y_test : ndarray of int, shape (n,)
        Class labels 0 .. classes - 1.
    classes : int
    image_shape : tuple of int, optional
        (height, width) when each sample is an image flattened row by row.
    """

    name: str
    x_train: NDArray[np.float64]
    x_test: NDArray[np.float64]
    y_train: NDArray[np.int64]
    y_test: NDArray[np.int64]
    classes: int
    image_shape: tuple[int, int] | None = None

    @property
    def features(self) -> int:
        """Features per sample."""
        return int(self.x_train.shape[1])


@dataclass(frozen=True)
class Dataset:
    """A train/test split with inputs laid out for a crossbar's rows.

    Attributes
    ----------
    name : str
    x_train, x_test : ndarray, shape (n, rows)
        Inputs in [0, 1]; the last column is the bias (1), unused rows are 0.
    y_train, y_test : ndarray of int, shape (n,)
        Class labels in 0 .. classes - 1.
    classes : int
    features : int
        Data features used (rows - 1 at most).
    """

    name: str
    x_train: NDArray[np.float64]
    x_test: NDArray[np.float64]
    y_train: NDArray[np.int64]
    y_test: NDArray[np.int64]
    classes: int
    features: int

    @property
    def rows(self) -> int:
        """Crossbar rows the inputs fill."""
        return int(self.x_train.shape[1])


def resolve(name: str, data_file: str | None = None) -> tuple[str, str | None]:
    """The source name and file of a ``--data`` value: a path ending in ``.npz`` means ``npz``.

    Raises
    ------
    ParameterError
        For an unknown name, or ``npz`` without a file.
    """
    if str(name).lower().endswith(".npz"):
        return "npz", str(name)
    if name not in DATASETS:
        raise ParameterError(
            f"unknown data set {name!r}; choose one of {DATASETS} or give the path of a .npz file"
        )
    if name == "npz" and not data_file:
        raise ParameterError("data set 'npz' needs data_file (the .npz path); or pass the path as the name")
    return name, data_file


def _minmax(
    x_tr: NDArray[np.float64], x_te: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lo, hi = x_tr.min(axis=0), x_tr.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.clip((x_tr - lo) / span, 0.0, 1.0), np.clip((x_te - lo) / span, 0.0, 1.0)


def load_dataset(
    name: str = "digits",
    data_dir: str | Path | None = None,
    data_file: str | Path | None = None,
    seed: int = 0,
    test_fraction: float = 0.3,
    classes: int | None = None,
) -> DataSplit:
    """Load a data set as features in [0, 1] with integer labels.

    Parameters
    ----------
    name : str
        ``iris``, ``digits``, ``wine``, ``breast_cancer``, ``mnist`` (needs
        ``data_dir``), ``npz`` (needs ``data_file``), or a path ending in ``.npz``.
    data_dir : str or Path, optional
        Folder of the four MNIST-format IDX files (``mnist``).
    data_file : str or Path, optional
        The ``.npz`` file (``npz``).
    seed : int
        Seed of the stratified train/test split (scikit-learn sets).
    test_fraction : float
        Share of samples held out, in (0, 1) (scikit-learn sets).
    classes : int, optional
        Keep only the samples of labels 0 .. classes - 1 (for scikit-learn sets,
        before the split, so that the split is stratified over those classes).

    Raises
    ------
    ParameterError
        For an unknown name, a missing ``data_dir`` / ``data_file``, or a bad ``test_fraction``.
    DataFileError
        For any fault of the files (see :mod:`pymem.train.files`).
    """
    source, path = resolve(name, None if data_file is None else str(data_file))
    if not 0 < test_fraction < 1:
        raise ParameterError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    if source in SKLEARN_SETS:
        from sklearn import datasets
        from sklearn.model_selection import train_test_split

        raw = getattr(datasets, f"load_{source}")()
        x_all, y_all = raw.data.astype(float), raw.target.astype(np.int64)
        n_cls = int(y_all.max()) + 1 if classes is None else min(classes, int(y_all.max()) + 1)
        x_all, y_all = x_all[y_all < n_cls], y_all[y_all < n_cls]
        x_tr, x_te, y_tr, y_te = train_test_split(
            x_all, y_all, test_size=test_fraction, random_state=seed, stratify=y_all
        )
        if source == "digits":
            return DataSplit(source, x_tr / 16.0, x_te / 16.0, y_tr, y_te, n_cls, (8, 8))
        x_tr, x_te = _minmax(x_tr, x_te)
        return DataSplit(source, x_tr, x_te, y_tr, y_te, n_cls)
    if source == "mnist":
        if data_dir is None:
            raise ParameterError(
                "data set 'mnist' needs data_dir (--data-dir), the folder of the four IDX files"
            )
        im_tr, y_tr, im_te, y_te = files.read_mnist(data_dir)
        shape = (int(im_tr.shape[1]), int(im_tr.shape[2]))
        x_tr = im_tr.reshape(im_tr.shape[0], -1) / 255.0
        x_te = im_te.reshape(im_te.shape[0], -1) / 255.0
        classes = int(max(y_tr.max(), y_te.max() if y_te.size else 0)) + 1
        return DataSplit(f"mnist:{data_dir}", x_tr, x_te, y_tr, y_te, classes, shape)
    x_tr, y_tr, x_te, y_te = files.read_npz(path)  # type: ignore[arg-type]
    if not (x_tr.min() >= 0 and x_tr.max() <= 1):
        x_tr, x_te = _minmax(x_tr, x_te)
    else:
        x_te = np.clip(x_te, 0.0, 1.0)
    classes = int(max(y_tr.max(), y_te.max() if y_te.size else 0)) + 1
    return DataSplit(f"npz:{path}", x_tr, x_te, y_tr, y_te, classes)


def natural_shape(name: str | DataSplit) -> tuple[int, int]:
    """Rows and physical columns that hold a data set whole: (features + 1, 2 * classes).

    ``name`` is a scikit-learn set's name, or a loaded :class:`DataSplit`.
    """
    if isinstance(name, DataSplit):
        return name.features + 1, 2 * name.classes
    known = {"iris": (5, 6), "digits": (65, 20), "wine": (14, 6), "breast_cancer": (31, 4)}
    if name in known:
        return known[name]
    raise ParameterError(f"natural_shape: {name!r} is not a bundled data set; load it first (load_dataset)")


def pool_images(images: NDArray[np.float64], shape: tuple[int, int], p: int) -> NDArray[np.float64]:
    """Average-pool flattened images of ``shape`` (height, width) to p x p pixels, shape (n, p*p)."""
    imgs = np.asarray(images, dtype=float).reshape(-1, *shape)
    r_bins, c_bins = np.array_split(np.arange(shape[0]), p), np.array_split(np.arange(shape[1]), p)
    out = np.empty((imgs.shape[0], p, p))
    for a, rows in enumerate(r_bins):
        for b, cols in enumerate(c_bins):
            out[:, a, b] = imgs[:, rows][:, :, cols].mean(axis=(1, 2))
    return out.reshape(imgs.shape[0], p * p)


def _pool(images: NDArray[np.float64], p: int) -> NDArray[np.float64]:
    """8x8 digit images (n, 8, 8) pooled to p x p pixels, shape (n, p*p)."""
    return pool_images(images, (8, 8), p)


def load(
    name: str = "iris",
    rows: int | None = None,
    cols: int | None = None,
    seed: int = 0,
    test_fraction: float = 0.3,
    data_dir: str | Path | None = None,
    data_file: str | Path | None = None,
    max_train: int | None = None,
) -> Dataset:
    """Load a data set (:func:`load_dataset`), fitted to a ``rows`` x ``cols`` crossbar.

    Parameters
    ----------
    name : str
        A name of :data:`DATASETS` or the path of a ``.npz`` file.
    rows, cols : int, optional
        Array size; default :func:`natural_shape` (the data set whole). ``rows - 1``
        features are used (images: pooled pixels; other data: the first ones),
        ``cols // 2`` classes.
    seed : int
        Seed of the stratified train/test split, and of the ``max_train`` draw.
    test_fraction : float
        Share of samples held out, in (0, 1) (scikit-learn sets).
    data_dir, data_file : str or Path, optional
        See :func:`load_dataset`.
    max_train : int, optional
        Keep this many training samples at most (a seeded random subset).

    Raises
    ------
    ParameterError
        For an unknown name, fewer than 2 rows, fewer than 4 columns (two classes),
        or ``max_train`` below 1.
    DataFileError
        For any fault of a data file.
    """
    for label, value, least, why in (
        ("rows", rows, 2, "one feature and the bias"), ("cols", cols, 4, "two classes, a pair each"),
    ):  # fmt: skip
        if value is not None and value < least:
            raise ParameterError(f"{label}={value!r}: training needs at least {least} {label} ({why})")
    if max_train is not None and not (isinstance(max_train, int) and max_train >= 1):
        raise ParameterError(f"max_train must be a positive integer or None, got {max_train!r}")
    keep = None if cols is None else cols // 2
    split = load_dataset(name, data_dir, data_file, seed, test_fraction, classes=keep)
    nat_rows, nat_cols = natural_shape(split)
    rows = nat_rows if rows is None else rows
    cols = nat_cols if cols is None else cols
    x_tr, x_te = split.x_train, split.x_test
    if split.image_shape is not None and split.features > rows - 1:
        p = max(1, int(np.sqrt(rows - 1)))
        x_tr, x_te = pool_images(x_tr, split.image_shape, p), pool_images(x_te, split.image_shape, p)
    x_tr, x_te = x_tr[:, : rows - 1], x_te[:, : rows - 1]
    classes = min(split.classes, cols // 2)
    keep_tr, keep_te = split.y_train < classes, split.y_test < classes
    x_tr, y_tr = x_tr[keep_tr], split.y_train[keep_tr]
    x_te, y_te = x_te[keep_te], split.y_test[keep_te]
    if max_train is not None and max_train < y_tr.size:
        pick = np.random.default_rng(seed).permutation(y_tr.size)[:max_train]
        x_tr, y_tr = x_tr[pick], y_tr[pick]
    x_tr, x_te = _minmax(x_tr, x_te)

    def lay_out(x: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.zeros((x.shape[0], rows))
        out[:, : x.shape[1]] = x
        out[:, -1] = 1.0
        return out

    return Dataset(split.name, lay_out(x_tr), lay_out(x_te), y_tr, y_te, classes, int(x_tr.shape[1]))
