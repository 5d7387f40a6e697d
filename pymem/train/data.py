"""Small real data sets for training, shaped to fit a crossbar.

The data ship inside scikit-learn (no download at run time):

- ``iris``: Fisher's Iris, 150 flowers, 4 measurements, 3 species
  (UCI Machine Learning Repository, CC BY 4.0; ``sklearn.datasets.load_iris``).
- ``digits``: 1,797 handwritten digits as 8x8 images of 0..16 (UCI optical
  recognition of handwritten digits, CC BY 4.0; ``sklearn.datasets.load_digits``),
  average-pooled to p x p pixels with p*p <= rows - 1.

Features are scaled to [0, 1] with the training split's minimum and maximum
(test values clipped), so a feature times the read voltage is a valid read
input. The last row of the array carries a constant 1 (the bias). Only the
first ``cols // 2`` classes are kept: each class needs a differential pair
of columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from pymem.errors import ParameterError

DataName = Literal["iris", "digits"]
DATASETS: tuple[str, ...] = get_args(DataName)


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


def natural_shape(name: str) -> tuple[int, int]:
    """Rows and physical columns that hold a data set whole: (features + 1, 2 * classes)."""
    if name == "iris":
        return 5, 6
    if name == "digits":
        return 17, 20
    raise ParameterError(f"unknown data set {name!r}; choose one of {DATASETS}")


def _pool(images: NDArray[np.float64], p: int) -> NDArray[np.float64]:
    bins = np.array_split(np.arange(8), p)
    out = np.empty((images.shape[0], p, p))
    for a, rows in enumerate(bins):
        for b, cols in enumerate(bins):
            out[:, a, b] = images[:, rows][:, :, cols].mean(axis=(1, 2))
    return out.reshape(images.shape[0], p * p)


def load(
    name: DataName = "iris",
    rows: int | None = None,
    cols: int | None = None,
    seed: int = 0,
    test_fraction: float = 0.3,
) -> Dataset:
    """Load a bundled data set, fitted to a ``rows`` x ``cols`` crossbar.

    Parameters
    ----------
    name : {"iris", "digits"}
    rows, cols : int, optional
        Array size; default :func:`natural_shape`. ``rows - 1`` features are
        used (iris: the first ones; digits: pooled pixels), ``cols // 2`` classes.
    seed : int
        Seed of the stratified train/test split.
    test_fraction : float
        Share of samples held out, in (0, 1).

    Raises
    ------
    ParameterError
        For an unknown name, fewer than 2 rows, or fewer than 4 columns (two classes).
    """
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    nat_rows, nat_cols = natural_shape(name)
    rows = nat_rows if rows is None else rows
    cols = nat_cols if cols is None else cols
    if rows < 2:
        raise ParameterError(f"rows={rows!r}: training needs at least 2 rows (one feature and the bias)")
    if cols < 4:
        raise ParameterError(f"cols={cols!r}: training needs at least 4 columns (two classes, a pair each)")
    if not 0 < test_fraction < 1:
        raise ParameterError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    if name == "iris":
        raw = datasets.load_iris()
        x_all, y_all = raw.data[:, : rows - 1], raw.target
    else:
        raw = datasets.load_digits()
        p = min(8, int(np.sqrt(rows - 1)))
        x_all, y_all = _pool(raw.images, p), raw.target
    classes = min(int(y_all.max()) + 1, cols // 2)
    keep = y_all < classes
    x_all, y_all = x_all[keep].astype(float), y_all[keep].astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x_all, y_all, test_size=test_fraction, random_state=seed, stratify=y_all
    )
    lo, hi = x_tr.min(axis=0), x_tr.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)

    def lay_out(x: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.zeros((x.shape[0], rows))
        out[:, : x.shape[1]] = np.clip((x - lo) / span, 0.0, 1.0)
        out[:, -1] = 1.0
        return out

    return Dataset(name, lay_out(x_tr), lay_out(x_te), y_tr, y_te, classes, int(x_all.shape[1]))
