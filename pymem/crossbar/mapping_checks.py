"""Input checks and small helpers of the weight mappings (:mod:`pymem.crossbar.mapping`).

The generic checks (numbers, integers, arrays) live in :mod:`pymem.checks`; these
are the mappings' own. Each check raises :class:`~pymem.errors.ParameterError` naming the bad
value and the fix.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem.checks import check_int as _check_int
from pymem.checks import check_positive as _check_positive
from pymem.checks import count_text as _count
from pymem.checks import finite_float as _finite_float
from pymem.checks import index_text as _index
from pymem.checks import num as _num
from pymem.checks import real_array as _real_array
from pymem.errors import ParameterError

MAX_BITS = 53
"""Widest integer weight: float64 represents every integer up to 2**53 exactly."""


def _lerp(t: NDArray[np.float64], g_min: float, g_max: float) -> NDArray[np.float64]:
    """``g_min * (1 - t) + g_max * t`` clipped to [g_min, g_max]: exact at t = 0 and t = 1."""
    return np.clip(g_min * (1.0 - t) + g_max * t, g_min, g_max)


def _check_range(g_min: object, g_max: object) -> None:
    _check_positive("g_min_s", g_min, "the lowest conductance in siemens, e.g. 1e-6")
    lo, hi = _finite_float("g_min_s", g_min), _finite_float("g_max_s", g_max)
    if hi <= lo:
        raise ParameterError(
            f"g_max_s={_num(g_max)} must be > g_min_s={_num(g_min)}; "
            "give g_max_s above g_min_s (did you swap them?)"
        )


def _check_bits(bits: object, bits_per_device: object) -> None:
    _check_int(
        "bits",
        bits,
        1,
        MAX_BITS,
        f"use 1 to {MAX_BITS} bits (float64 holds integers exactly only up to 2**{MAX_BITS})",
    )
    _check_int(
        "bits_per_device",
        bits_per_device,
        1,
        MAX_BITS,
        f"use 1 to {MAX_BITS} bits per device",
    )
    if bits_per_device > bits:  # type: ignore[operator]
        raise ParameterError(
            f"bits_per_device={_num(bits_per_device)} exceeds bits={_num(bits)}: a device would hold more "
            f"levels than the weights use; use bits_per_device <= bits (did you swap them?)"
        )


def _weights(w: ArrayLike, w_max: float) -> NDArray[np.float64]:
    """``w`` as a finite 2-D float array with ``|w| <= w_max``."""
    arr = _real_array("W", w)
    if arr.ndim != 2:
        raise ParameterError(
            f"W must be 2-D (rows, cols), got shape {arr.shape}; reshape it (a single column is (rows, 1))"
        )
    over = np.abs(arr) > w_max
    if over.any():
        first = np.argwhere(over)[0]
        worst = np.unravel_index(np.argmax(np.abs(arr)), arr.shape)
        peak = float(np.abs(arr[worst]))
        count = _count(int(over.sum()), "entry does", "entries do")
        raise ParameterError(
            f"W{_index(first)} = {_num(arr[tuple(first)])} exceeds w_max={_num(w_max)} in magnitude "
            f"({count}; the largest is |W{_index(np.array(worst))}| = {peak!r}); "
            f"scale W by {w_max / peak:.6g} or raise w_max to at least {peak!r}"
        )
    return arr


def _unsigned_ints(name: str, w: ArrayLike, bits: int) -> NDArray[np.int64]:
    """``w`` as int64 in ``0 .. 2**bits - 1``; whole floats accepted."""
    top = (1 << bits) - 1
    arr = np.asarray(w)
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iuf":
        raise ParameterError(
            f"{name} must hold integers in 0 .. {top} (2**{bits} - 1), got dtype {arr.dtype}; "
            "convert it to an integer array"
        )
    if arr.dtype.kind == "f":
        arr = _real_array(name, arr)
        frac = arr != np.round(arr)
        if frac.any():
            first = np.argwhere(frac)[0]
            raise ParameterError(
                f"{name}{_index(first)} = {_num(arr[tuple(first)])} is not an integer; bit slicing takes "
                f"integers in 0 .. {top} (2**{bits} - 1): round or quantize the weights first"
            )
    bad = (arr < 0) | (arr > top)
    if bad.any():
        first = np.argwhere(bad)[0]
        raise ParameterError(
            f"{name}{_index(first)} = {_num(arr[tuple(first)])} is outside 0 .. {top} (2**{bits} - 1); "
            f"clip or rescale the weights into that range, or use more bits"
        )
    return arr.astype(np.int64)


def _currents(
    y: ArrayLike, v: ArrayLike | None, group: int, layout: str, min_cols: int = 1
) -> NDArray[np.float64]:
    """``y`` as a finite float array whose last axis is a positive multiple of ``group``.

    ``v``, when given, must be finite with the batch shape of ``y``.
    """
    y_arr = _real_array("y", y)
    n = y_arr.shape[-1] if y_arr.ndim else 0
    if y_arr.ndim == 0 or n % group or n < max(group, min_cols):
        raise ParameterError(
            f"y of shape {y_arr.shape} does not fit the layout {layout}: its last axis must be a "
            f"multiple of {group} and at least {max(group, min_cols)}; pass the currents of every "
            "column the mapping's encode produced"
        )
    if v is not None:
        v_arr = _real_array("v", v)
        if v_arr.ndim == 0 or v_arr.shape[:-1] != y_arr.shape[:-1]:
            raise ParameterError(
                f"v of shape {v_arr.shape} does not match y of shape {y_arr.shape}: v must be "
                f"(..., rows) with the batch shape {y_arr.shape[:-1]} of y"
            )
    return y_arr
