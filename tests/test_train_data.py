"""Data loaders: scikit-learn's bundled sets, MNIST-format IDX files and .npz arrays, on files tests write."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from pymem.errors import DataFileError, ParameterError
from pymem.train import data, files
from pymem.train.network import TrainConfig

MNIST = files.MNIST_FILES


def idx_bytes(values: np.ndarray, magic: bytes | None = None) -> bytes:
    """An IDX file of unsigned bytes: header (magic, sizes) and the values."""
    head = magic if magic is not None else bytes([0, 0, 8, values.ndim])
    return head + struct.pack(f">{values.ndim}I", *values.shape) + values.astype(np.uint8).tobytes()


def write_mnist(folder: Path, n_train: int = 30, n_test: int = 10, side: int = 6, gz: bool = False) -> dict:
    """Four IDX files of random images and labels 0..2; returns what was written."""
    rng = np.random.default_rng(5)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, side, side)),
        "train_labels": np.arange(n_train) % 3,
        "test_images": rng.integers(0, 256, (n_test, side, side)),
        "test_labels": np.arange(n_test) % 3,
    }
    folder.mkdir(parents=True, exist_ok=True)
    for key, values in arrays.items():
        raw = idx_bytes(values)
        name = MNIST[key] + (".gz" if gz else "")
        (folder / name).write_bytes(gzip.compress(raw) if gz else raw)
    return arrays


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzipped"])
def test_mnist_files_are_read_exactly(tmp_path, gz):
    arrays = write_mnist(tmp_path / "m", gz=gz)
    split = data.load_dataset("mnist", data_dir=tmp_path / "m")
    assert split.image_shape == (6, 6) and split.classes == 3 and split.features == 36
    assert split.x_train == pytest.approx(arrays["train_images"].reshape(30, 36) / 255.0, abs=1e-15)
    assert np.array_equal(split.y_test, arrays["test_labels"])


def test_mnist_images_are_pooled_to_fit_the_rows(tmp_path):
    arrays = write_mnist(tmp_path / "m")
    ds = data.load("mnist", rows=10, cols=6, data_dir=tmp_path / "m")  # 6x6 pixels pooled to 3x3
    assert ds.features == 9 and ds.classes == 3 and ds.x_train.shape == (30, 10)
    img = arrays["train_images"][:, :2, :2].mean(axis=(1, 2)) / 255.0
    lo, hi = img.min(), img.max()
    assert ds.x_train[:, 0] == pytest.approx((img - lo) / (hi - lo), abs=1e-12)
    assert np.all(ds.x_train[:, -1] == 1.0)


def test_npz_files_by_path_or_by_name_give_the_same_split(tmp_path):
    rng = np.random.default_rng(2)
    path = tmp_path / "set.npz"
    np.savez(path, x_train=rng.random((20, 2, 3)) * 5, y_train=np.arange(20) % 4,
             x_test=rng.random((8, 2, 3)) * 5, y_test=np.arange(8) % 4)  # fmt: skip
    by_path = data.load_dataset(str(path))
    by_name = data.load_dataset("npz", data_file=path)
    assert by_path.x_train == pytest.approx(by_name.x_train) and by_path.classes == 4
    assert by_path.features == 6 and by_path.x_train.min() == 0.0 and by_path.x_train.max() == 1.0
    assert by_path.x_test.min() >= 0.0 and by_path.x_test.max() <= 1.0


@pytest.mark.parametrize("name", data.SKLEARN_SETS)
def test_bundled_sets_are_features_in_the_unit_interval(name):
    split = data.load_dataset(name)
    assert split.x_train.min() >= 0 and split.x_train.max() <= 1 and split.x_test.max() <= 1
    assert set(np.unique(split.y_train)) == set(range(split.classes))
    assert data.natural_shape(name) == (split.features + 1, 2 * split.classes)


def test_the_default_digits_fill_a_65x20_array():
    ds = data.load("digits")
    assert (ds.rows, ds.classes, ds.features) == (65, 10, 64)
    assert TrainConfig().rows is None and TrainConfig().data == "digits"


def test_max_train_keeps_a_seeded_subset():
    ds = data.load("digits", max_train=100, seed=3)
    again = data.load("digits", max_train=100, seed=3)
    assert ds.x_train.shape == (100, 65) and np.array_equal(ds.y_train, again.y_train)


# -- bad files: each fault is named with its file --------------------------------------


def test_a_wrong_magic_number_is_named(tmp_path):
    write_mnist(tmp_path)
    bad = tmp_path / MNIST["train_labels"]
    bad.write_bytes(idx_bytes(np.arange(30) % 3, magic=bytes([0, 0, 8, 3])))
    with pytest.raises(DataFileError, match=r"train-labels-idx1-ubyte.*magic number 00000803, not 00000801"):
        data.load_dataset("mnist", data_dir=tmp_path)


def test_a_text_file_is_not_idx(tmp_path):
    (tmp_path / "x").write_text("hello")
    with pytest.raises(DataFileError, match=r"'.*x' has the magic number 68656c6c"):
        files.read_idx(tmp_path / "x", "images")


@pytest.mark.parametrize("cut", [3, 10, 20], ids=["in-magic", "in-header", "in-data"])
def test_a_truncated_idx_file_is_named(tmp_path, cut):
    write_mnist(tmp_path)
    path = tmp_path / MNIST["test_images"]
    path.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(DataFileError, match=r"t10k-images-idx3-ubyte.*(truncated|magic number)"):
        data.load_dataset("mnist", data_dir=tmp_path)


def test_a_truncated_data_part_says_how_much_is_there(tmp_path):
    path = tmp_path / "img"
    path.write_bytes(idx_bytes(np.zeros((4, 3, 3)))[:-5])
    with pytest.raises(
        DataFileError, match=r"truncated: its header announces \(4, 3, 3\) = 36 values.* 31 b"
    ):
        files.read_idx(path, "images")


def test_a_truncated_gzip_is_named(tmp_path):
    write_mnist(tmp_path, gz=True)
    path = tmp_path / (MNIST["train_images"] + ".gz")
    path.write_bytes(path.read_bytes()[:-12])
    with pytest.raises(DataFileError, match=r"train-images-idx3-ubyte.gz.*truncated or damaged gzip"):
        data.load_dataset("mnist", data_dir=tmp_path)


def test_images_and_labels_of_different_counts_are_named(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / MNIST["train_labels"]).write_bytes(idx_bytes(np.arange(29) % 3))
    with pytest.raises(DataFileError, match=r"holds 30 images but '.*train-labels-idx1-ubyte' 29 labels"):
        data.load_dataset("mnist", data_dir=tmp_path)


def test_a_missing_mnist_file_is_named(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / MNIST["test_labels"]).unlink()
    with pytest.raises(
        DataFileError, match=r"'t10k-labels-idx1-ubyte' \(or t10k-labels-idx1-ubyte.gz\) is mis"
    ):
        data.load_dataset("mnist", data_dir=tmp_path)


def test_a_missing_mnist_folder_is_named(tmp_path):
    with pytest.raises(DataFileError, match=r"MNIST folder '.*nowhere' does not exist"):
        data.load_dataset("mnist", data_dir=tmp_path / "nowhere")


def test_train_and_test_images_of_different_sizes_are_named(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / MNIST["test_images"]).write_bytes(idx_bytes(np.zeros((10, 5, 5))))
    with pytest.raises(DataFileError, match=r"training images are \(6, 6\) pixels, test images \(5, 5\)"):
        data.load_dataset("mnist", data_dir=tmp_path)


def good_npz(**override) -> dict:
    arrays = {"x_train": np.zeros((6, 3)), "y_train": np.arange(6) % 2,
              "x_test": np.zeros((4, 3)), "y_test": np.arange(4) % 2}  # fmt: skip
    arrays.update(override)
    return {k: v for k, v in arrays.items() if v is not None}


@pytest.mark.parametrize(("override", "match"), [
    ({"y_train": np.arange(5) % 2}, r"x_train has 6 samples but y_train 5 labels"),
    ({"y_test": np.arange(7) % 2}, r"x_test has 4 samples but y_test 7 labels"),
    ({"x_test": None}, r"lacks the array\(s\) \['x_test'\]"),
    ({"x_test": np.zeros((4, 2))}, r"x_train has 3 features per sample, x_test 2"),
    ({"x_train": np.full((6, 3), np.nan)}, r"x_train holds NaN or infinite values"),
    ({"y_train": np.array([0, 1, 0.5, 1, 0, 1])}, r"y_train must hold whole class numbers"),
    ({"y_train": np.array(["a"] * 6)}, r"y_train must hold class numbers"),
    ({"x_train": np.zeros(6)}, r"x_train must be numbers of shape \(n, features\)"),
], ids=["train-lengths", "test-lengths", "missing-array", "features", "nan", "fractional-label",
        "text-label", "1d-x"])  # fmt: skip
def test_bad_npz_contents_are_named(tmp_path, override, match):
    path = tmp_path / "bad.npz"
    np.savez(path, **good_npz(**override))
    with pytest.raises(DataFileError, match=r"bad\.npz.*" + match):
        data.load_dataset(str(path))


def test_a_truncated_npz_is_named(tmp_path):
    path = tmp_path / "cut.npz"
    np.savez(path, **good_npz())
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(DataFileError, match=r"cut\.npz' is not a readable \.npz file"):
        data.load_dataset(str(path))


def test_a_missing_npz_is_named(tmp_path):
    with pytest.raises(DataFileError, match=r"data file '.*gone\.npz' does not exist"):
        data.load_dataset(str(tmp_path / "gone.npz"))


@pytest.mark.parametrize(("kw", "match"), [
    ({"name": "mnist"}, r"'mnist' needs data_dir"),
    ({"name": "npz"}, r"'npz' needs data_file"),
    ({"name": "cifar"}, r"unknown data set 'cifar'"),
])  # fmt: skip
def test_incomplete_requests_are_refused(kw, match):
    with pytest.raises(ParameterError, match=match):
        data.load_dataset(**kw)


@pytest.mark.parametrize(("kw", "match"), [
    ({"data": "mnist"}, r"data='mnist' needs data_dir"),
    ({"max_train": 0}, r"max_train must be a positive integer"),
    ({"data": "svhn"}, r"unknown data set 'svhn'"),
])  # fmt: skip
def test_bad_training_data_configs_are_refused(kw, match):
    with pytest.raises(ParameterError, match=match):
        TrainConfig(**kw)


def test_load_refuses_a_bad_subset_and_natural_shape_an_unloaded_file():
    with pytest.raises(ParameterError, match=r"max_train must be a positive integer or None, got 0"):
        data.load("digits", max_train=0)
    with pytest.raises(ParameterError, match=r"'mnist' is not a bundled data set; load it first"):
        data.natural_shape("mnist")
