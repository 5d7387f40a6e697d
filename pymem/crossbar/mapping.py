"""Weight mapping: weight matrices to crossbar conductances, column currents back to weight space.

A crossbar with conductances ``G`` (rows x cols, S) driven by row voltages
``v`` (V) gives column currents ``y = G^T v`` (A), computed here by
:func:`ideal_mvm`, the one ideal math twin every crossbar result is compared
with. A mapping turns a weight matrix ``W`` into ``G`` (``encode``) and the
currents of those columns back into an estimate of ``W^T v`` (``decode``):

- :class:`DifferentialMapping`: signed real weights on column pairs
  ``(G+, G-)``; the pair difference cancels ``g_min``.
- :class:`OffsetMapping`: signed real weights on one column each, plus one
  reference column at the mid conductance that is subtracted.
- :class:`BitSlicedMapping`: unsigned integer weights split into digits of
  ``bits_per_device`` bits, one device per digit, recombined by shift-and-add.

Conductances are computed as ``g_min * (1 - t) + g_max * t`` for a fraction
``t`` in [0, 1] and clipped to [g_min, g_max], so the extreme weights land on
``g_min`` and ``g_max`` exactly. See docs/mapping.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem.checks import check_int, check_positive, index_text, real_array
from pymem.crossbar.mapping_checks import (
    MAX_BITS,
    _check_bits,
    _check_range,
    _currents,
    _lerp,
    _unsigned_ints,
    _weights,
)
from pymem.errors import ParameterError


# ----- pure array functions ---------------------------------------------------
def ideal_mvm(g: ArrayLike, v: ArrayLike) -> NDArray[np.float64]:
    """Column currents of an ideal crossbar: ``y = G^T v``.

    Ideal means zero wire resistance and virtual-ground columns, so each device
    sees its full row voltage and the column sums its currents.

    Parameters
    ----------
    g : array_like, shape (rows, cols)
        Conductances (S).
    v : array_like, shape (rows,) or (batch, rows)
        Row input voltages (V).

    Returns
    -------
    ndarray, shape (cols,) or (batch, cols)
        Column currents (A).

    Raises
    ------
    ParameterError
        If ``g`` is not 2-D, ``v`` is not 1-D or 2-D, their row counts differ,
        or a value is not finite.
    """
    g_arr = real_array("g", g)
    v_arr = real_array("v", v)
    if g_arr.ndim != 2:
        raise ParameterError(f"g must be 2-D (rows, cols), got shape {g_arr.shape}; reshape it")
    if v_arr.ndim not in (1, 2) or v_arr.shape[-1] != g_arr.shape[0]:
        raise ParameterError(
            f"v of shape {v_arr.shape} does not fit g of shape {g_arr.shape}: v must be (rows,) or "
            f"(batch, rows) with rows = {g_arr.shape[0]}"
        )
    return v_arr @ g_arr


def slice_digits(w_int: ArrayLike, bits: int, bits_per_device: int = 1) -> NDArray[np.int64]:
    """Split unsigned integers into base ``2**bits_per_device`` digits, least significant first.

    Parameters
    ----------
    w_int : array_like of int, shape (...)
        Integers in ``0 .. 2**bits - 1`` (floats with whole values are accepted).
    bits : int
        Width of the integers (1 .. 53).
    bits_per_device : int
        Bits per digit (1 .. ``bits``).

    Returns
    -------
    ndarray of int64, shape (..., k)
        Digit ``s`` of each integer in ``0 .. 2**bits_per_device - 1``, with
        ``k = ceil(bits / bits_per_device)``.

    Raises
    ------
    ParameterError
        If ``bits`` or ``bits_per_device`` is out of range, or a value is not
        an integer in ``0 .. 2**bits - 1``.
    """
    _check_bits(bits, bits_per_device)
    w = _unsigned_ints("w_int", w_int, bits)
    k = -(-bits // bits_per_device)
    shifts = bits_per_device * np.arange(k, dtype=np.int64)
    return (w[..., None] >> shifts) & ((1 << bits_per_device) - 1)


def combine_digits(digits: ArrayLike, bits_per_device: int = 1) -> NDArray[np.int64]:
    """Recombine digits, least significant first: ``sum_s digits[..., s] * 2**(bits_per_device * s)``.

    The inverse of :func:`slice_digits`.

    Parameters
    ----------
    digits : array_like of int, shape (..., k)
        Digits in ``0 .. 2**bits_per_device - 1``.
    bits_per_device : int
        Bits per digit (1 .. 53).

    Returns
    -------
    ndarray of int64, shape (...)
        The integers.

    Raises
    ------
    ParameterError
        If ``digits`` is 0-D, a digit is out of range, or a result would exceed
        ``2**53 - 1``.
    """
    digits_arr = np.asarray(digits)
    if digits_arr.ndim == 0:
        raise ParameterError(
            "digits must have a last axis of digits (..., k), got a scalar; wrap it in a list"
        )
    check_int("bits_per_device", bits_per_device, 1, MAX_BITS, f"use 1 to {MAX_BITS} bits per device")
    d = _unsigned_ints("digits", digits_arr, bits_per_device)
    shifts = bits_per_device * np.arange(d.shape[-1], dtype=np.int64)
    # Sums of exact float terms are exact below 2**53 and land at or above 2**53 otherwise.
    approx = np.sum(d * np.exp2(shifts), axis=-1)
    over = approx >= 2.0**MAX_BITS
    if over.any():
        first = np.argwhere(over)[0]
        raise ParameterError(
            f"digits{index_text(first)} recombine to about {float(approx[tuple(first)]):.17g}, above "
            f"2**{MAX_BITS} - 1 (float64 holds integers exactly only up to 2**{MAX_BITS}); "
            "check the digits and bits_per_device"
        )
    low = shifts < MAX_BITS  # higher digits are zero here, and shifting by 64 or more is undefined
    return np.sum(d[..., low] << shifts[low], axis=-1)


# ----- mappings -----------------------------------------------------------------
@dataclass(frozen=True)
class _SignedMapping:
    """Fields and checks shared by the mappings of real, signed weights."""

    g_min_s: float
    """Lowest programmed conductance (S), > 0."""
    g_max_s: float
    """Highest programmed conductance (S), > ``g_min_s``."""
    w_max: float
    """Largest weight magnitude (weight units), > 0; every ``|W| <= w_max``."""

    def __post_init__(self) -> None:
        _check_range(self.g_min_s, self.g_max_s)
        check_positive("w_max", self.w_max, "a positive bound on |W|")


@dataclass(frozen=True)
class DifferentialMapping(_SignedMapping):
    """Signed real weights on column pairs: ``W = (G+ - G-) / scale``.

    ``G+ = g_min + scale * max(W, 0)`` and ``G- = g_min + scale * max(-W, 0)``
    with ``scale = (g_max_s - g_min_s) / w_max``: ``W = w_max`` gives the pair
    ``(g_max, g_min)``, ``W = -w_max`` gives ``(g_min, g_max)``, ``W = 0`` gives
    ``(g_min, g_min)``.
    """

    @property
    def scale(self) -> float:
        """Conductance per weight unit (S per weight unit)."""
        return (self.g_max_s - self.g_min_s) / self.w_max

    def physical_cols(self, cols: int) -> int:
        """Crossbar columns needed for ``cols`` weight columns: ``2 * cols``."""
        return 2 * cols

    def encode(self, w: ArrayLike) -> NDArray[np.float64]:
        """Conductances of the weights.

        Parameters
        ----------
        w : array_like, shape (rows, cols)
            Weights, ``|W| <= w_max`` (weight units).

        Returns
        -------
        ndarray, shape (rows, 2 * cols)
            Conductances (S), columns interleaved ``[+0, -0, +1, -1, ...]``.

        Raises
        ------
        ParameterError
            If ``w`` is not 2-D, not finite, or exceeds ``w_max`` in magnitude.
        """
        w_arr = _weights(w, self.w_max)
        g = np.empty((w_arr.shape[0], 2 * w_arr.shape[1]))
        g[:, 0::2] = _lerp(np.maximum(w_arr, 0.0) / self.w_max, self.g_min_s, self.g_max_s)
        g[:, 1::2] = _lerp(np.maximum(-w_arr, 0.0) / self.w_max, self.g_min_s, self.g_max_s)
        return g

    def decode(self, y: ArrayLike, v: ArrayLike | None = None) -> NDArray[np.float64]:
        """Estimate ``W^T v`` from the pair currents: ``(y+ - y-) / scale``.

        Parameters
        ----------
        y : array_like, shape (..., 2 * cols)
            Column currents (A), interleaved as :meth:`encode` lays them out.
        v : array_like, shape (..., rows), optional
            Row inputs (V); not needed here (the pair difference cancels
            ``g_min``), checked for shape when given.

        Returns
        -------
        ndarray, shape (..., cols)
            ``W^T v`` (weight units x V).

        Raises
        ------
        ParameterError
            If the last axis of ``y`` is not even, ``v``'s batch shape differs
            from ``y``'s, or a value is not finite.
        """
        y_arr = _currents(y, v, group=2, layout="(..., 2 * cols) pairs")
        return (y_arr[..., 0::2] - y_arr[..., 1::2]) / self.scale


@dataclass(frozen=True)
class OffsetMapping(_SignedMapping):
    """Signed real weights on one column each, plus a reference column at the mid conductance.

    ``G = g_ref + scale * W`` with ``g_ref = (g_min_s + g_max_s) / 2`` and
    ``scale = (g_max_s - g_min_s) / (2 * w_max)``; the reference column holds
    ``g_ref`` in every row. ``W = w_max`` gives ``g_max``, ``W = -w_max`` gives
    ``g_min``. Decoding subtracts the reference column current.
    """

    @property
    def scale(self) -> float:
        """Conductance per weight unit (S per weight unit)."""
        return (self.g_max_s - self.g_min_s) / (2.0 * self.w_max)

    @property
    def g_ref_s(self) -> float:
        """Conductance of the reference column, the weight 0 (S)."""
        return float(_lerp(np.float64(0.5), self.g_min_s, self.g_max_s))

    def physical_cols(self, cols: int) -> int:
        """Crossbar columns needed for ``cols`` weight columns: ``cols + 1``."""
        return cols + 1

    def encode(self, w: ArrayLike) -> NDArray[np.float64]:
        """Conductances of the weights and the reference column.

        Parameters
        ----------
        w : array_like, shape (rows, cols)
            Weights, ``|W| <= w_max`` (weight units).

        Returns
        -------
        ndarray, shape (rows, cols + 1)
            Conductances (S); the last column is the reference at ``g_ref_s``.

        Raises
        ------
        ParameterError
            If ``w`` is not 2-D, not finite, or exceeds ``w_max`` in magnitude.
        """
        w_arr = _weights(w, self.w_max)
        g = np.empty((w_arr.shape[0], w_arr.shape[1] + 1))
        g[:, :-1] = _lerp((w_arr + self.w_max) / (2.0 * self.w_max), self.g_min_s, self.g_max_s)
        g[:, -1] = self.g_ref_s
        return g

    def decode(self, y: ArrayLike, v: ArrayLike | None = None) -> NDArray[np.float64]:
        """Estimate ``W^T v``: ``(y_j - y_ref) / scale``.

        Parameters
        ----------
        y : array_like, shape (..., cols + 1)
            Column currents (A), the reference column last.
        v : array_like, shape (..., rows), optional
            Row inputs (V); not needed here (the reference current removes
            ``g_ref * sum(v)``), checked for shape when given.

        Returns
        -------
        ndarray, shape (..., cols)
            ``W^T v`` (weight units x V).

        Raises
        ------
        ParameterError
            If ``y`` has fewer than 2 columns, ``v``'s batch shape differs from
            ``y``'s, or a value is not finite.
        """
        y_arr = _currents(y, v, group=1, layout="(..., cols + 1) with the reference last", min_cols=2)
        return (y_arr[..., :-1] - y_arr[..., -1:]) / self.scale


@dataclass(frozen=True)
class BitSlicedMapping:
    """Unsigned integer weights of ``bits`` bits over ``k = ceil(bits / bits_per_device)`` devices.

    Each weight is split into base ``2**bits_per_device`` digits (least
    significant first), one device per digit; digit ``d`` is programmed to
    ``g_min + d * step`` with ``step = (g_max_s - g_min_s) / (2**bits_per_device - 1)``.
    Decoding removes ``g_min * sum(v)`` from each column, divides by ``step``
    and adds the slices with their weights ``2**(bits_per_device * s)``.
    """

    g_min_s: float
    """Conductance of digit 0 (S), > 0."""
    g_max_s: float
    """Conductance of the largest digit ``2**bits_per_device - 1`` (S), > ``g_min_s``."""
    bits: int
    """Width of the integer weights (1 .. 53); weights are ``0 .. 2**bits - 1``."""
    bits_per_device: int = 1
    """Bits stored per device (1 .. ``bits``); a device holds ``2**bits_per_device`` levels."""

    def __post_init__(self) -> None:
        _check_range(self.g_min_s, self.g_max_s)
        _check_bits(self.bits, self.bits_per_device)

    @property
    def devices(self) -> int:
        """Devices per weight, ``k = ceil(bits / bits_per_device)``."""
        return -(-self.bits // self.bits_per_device)

    @property
    def step(self) -> float:
        """Conductance per digit unit (S)."""
        return (self.g_max_s - self.g_min_s) / ((1 << self.bits_per_device) - 1)

    def physical_cols(self, cols: int) -> int:
        """Crossbar columns needed for ``cols`` weight columns: ``cols * devices``."""
        return cols * self.devices

    def slices(self, w_int: ArrayLike) -> NDArray[np.int64]:
        """Digits of the weights, least significant first.

        Parameters
        ----------
        w_int : array_like of int, shape (rows, cols)
            Weights in ``0 .. 2**bits - 1`` (any shape is accepted).

        Returns
        -------
        ndarray of int64, shape (rows, cols, k)
            Digit per device, in ``0 .. 2**bits_per_device - 1``.

        Raises
        ------
        ParameterError
            If a weight is not an integer in ``0 .. 2**bits - 1``.
        """
        return slice_digits(w_int, self.bits, self.bits_per_device)

    def encode(self, w_int: ArrayLike) -> NDArray[np.float64]:
        """Conductances of the digits.

        Parameters
        ----------
        w_int : array_like of int, shape (rows, cols)
            Weights in ``0 .. 2**bits - 1``.

        Returns
        -------
        ndarray, shape (rows, cols * k)
            Conductances (S); column ``j * k + s`` holds digit ``s`` (least
            significant first) of weight column ``j``.

        Raises
        ------
        ParameterError
            If ``w_int`` is not 2-D or a weight is not an integer in
            ``0 .. 2**bits - 1``.
        """
        shape = np.shape(w_int)
        if len(shape) != 2:
            raise ParameterError(f"w_int must be 2-D (rows, cols), got shape {shape}; reshape it")
        d = self.slices(w_int)
        t = d / float((1 << self.bits_per_device) - 1)
        return _lerp(t, self.g_min_s, self.g_max_s).reshape(shape[0], shape[1] * self.devices)

    def decode(self, y: ArrayLike, v: ArrayLike) -> NDArray[np.float64]:
        """Estimate ``W_int^T v`` by shift-and-add.

        ``sum_s 2**(bits_per_device * s) * (y_s - g_min * sum(v)) / step`` over
        the ``k`` slice columns ``y_s`` of each weight column.

        Parameters
        ----------
        y : array_like, shape (..., cols * k)
            Column currents (A), grouped as :meth:`encode` lays them out.
        v : array_like, shape (..., rows)
            Row inputs (V) that produced ``y``; their sum gives the ``g_min``
            offset.

        Returns
        -------
        ndarray, shape (..., cols)
            ``W_int^T v`` (V).

        Raises
        ------
        ParameterError
            If the last axis of ``y`` is not a multiple of ``k``, ``v`` is
            missing or its batch shape differs from ``y``'s, or a value is not
            finite.
        """
        if v is None:
            raise ParameterError(
                "BitSlicedMapping.decode needs the inputs v (..., rows): it removes g_min * sum(v) "
                "from every column; pass the v that produced y"
            )
        k = self.devices
        y_arr = _currents(y, v, group=k, layout=f"(..., cols * {k}) slice groups")
        v_sum = real_array("v", v).sum(axis=-1)
        digits = (y_arr - self.g_min_s * v_sum[..., None]) / self.step
        grouped = digits.reshape(*digits.shape[:-1], digits.shape[-1] // k, k)
        weights = 2.0 ** (self.bits_per_device * np.arange(k))
        return grouped @ weights


WeightMapping: TypeAlias = DifferentialMapping | OffsetMapping | BitSlicedMapping
"""Any of the weight mappings."""
