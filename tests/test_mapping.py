"""Weight mappings: encode/decode round trips through ideal_mvm, conductance bounds, bit slicing, errors.

The reference for every ``W^T v`` is :func:`_reference_mvm`, a math.fsum over
explicit products: it shares no code with ``ideal_mvm`` or the mappings.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pymem.crossbar.mapping import (
    BitSlicedMapping,
    DifferentialMapping,
    OffsetMapping,
    WeightMapping,
    combine_digits,
    ideal_mvm,
    slice_digits,
)
from pymem.errors import ParameterError

G_MIN, G_MAX = 1e-6, 1e-4
ROWS, COLS, BATCH = 16, 5, 7


def _reference_mvm(w: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``W^T v`` by correctly rounded sums of products, for v of shape (rows,) or (batch, rows)."""
    w = np.asarray(w, dtype=float)
    v2 = np.atleast_2d(np.asarray(v, dtype=float))
    out = np.array(
        [[math.fsum(w[r, c] * vb[r] for r in range(w.shape[0])) for c in range(w.shape[1])] for vb in v2]
    )
    return out if np.ndim(v) == 2 else out[0]


def _inputs(rng: np.random.Generator, batched: bool) -> np.ndarray:
    return rng.uniform(-0.3, 0.3, size=(BATCH, ROWS) if batched else ROWS)


REAL_MAPPINGS: dict[str, DifferentialMapping | OffsetMapping] = {
    "differential": DifferentialMapping(G_MIN, G_MAX, w_max=2.0),
    "offset": OffsetMapping(G_MIN, G_MAX, w_max=2.0),
}
SLICED_MAPPINGS: dict[str, BitSlicedMapping] = {
    "4x1bit": BitSlicedMapping(G_MIN, G_MAX, bits=4),
    "8bits-4x2bit": BitSlicedMapping(G_MIN, G_MAX, bits=8, bits_per_device=2),
    "6bits-2x3bit": BitSlicedMapping(G_MIN, G_MAX, bits=6, bits_per_device=3),
    "5bits-3x2bit": BitSlicedMapping(G_MIN, G_MAX, bits=5, bits_per_device=2),
}
SHAPES = {"single": False, "batch": True}


# ----- ideal_mvm ---------------------------------------------------------------------
def test_ideal_mvm_hand_example() -> None:
    g = np.array([[1.0, 2.0], [3.0, 4.0]])  # S
    np.testing.assert_array_equal(ideal_mvm(g, [1.0, 10.0]), [31.0, 42.0])
    np.testing.assert_array_equal(ideal_mvm(g, [[1.0, 10.0], [0.0, 1.0]]), [[31.0, 42.0], [3.0, 4.0]])


@pytest.mark.parametrize("batched", list(SHAPES.values()), ids=list(SHAPES))
def test_ideal_mvm_matches_reference(batched: bool) -> None:
    rng = np.random.default_rng(1)
    g = rng.uniform(G_MIN, G_MAX, size=(ROWS, COLS))
    v = _inputs(rng, batched)
    np.testing.assert_allclose(ideal_mvm(g, v), _reference_mvm(g, v), rtol=1e-13)


# ----- real-valued mappings -----------------------------------------------------------
@pytest.mark.parametrize("name", list(REAL_MAPPINGS), ids=list(REAL_MAPPINGS))
@pytest.mark.parametrize("batched", list(SHAPES.values()), ids=list(SHAPES))
def test_real_round_trip(name: str, batched: bool) -> None:
    mapping = REAL_MAPPINGS[name]
    rng = np.random.default_rng(7)
    w = rng.uniform(-mapping.w_max, mapping.w_max, size=(ROWS, COLS))
    v = _inputs(rng, batched)
    y = ideal_mvm(mapping.encode(w), v)
    out = mapping.decode(y, v)
    assert out.shape == ((BATCH, COLS) if batched else (COLS,))
    np.testing.assert_allclose(out, _reference_mvm(w, v), rtol=1e-12)
    np.testing.assert_allclose(mapping.decode(y), out, rtol=0, atol=0)  # v is optional and unused


@pytest.mark.parametrize("name", list(REAL_MAPPINGS), ids=list(REAL_MAPPINGS))
def test_real_encode_within_range_and_extremes_exact(name: str) -> None:
    mapping = REAL_MAPPINGS[name]
    rng = np.random.default_rng(3)
    w = rng.uniform(-mapping.w_max, mapping.w_max, size=(ROWS, COLS))
    w[0, 0], w[1, 1] = mapping.w_max, -mapping.w_max
    g = mapping.encode(w)
    assert g.shape == (ROWS, mapping.physical_cols(COLS))
    assert g.min() >= G_MIN and g.max() <= G_MAX
    if name == "differential":  # columns [+j, -j]: w_max drives G+ to g_max, -w_max drives G-
        assert g[0, 0] == G_MAX and g[0, 1] == G_MIN
        assert g[1, 2] == G_MIN and g[1, 3] == G_MAX
    else:  # offset: w_max on g_max, -w_max on g_min
        assert g[0, 0] == G_MAX and g[1, 1] == G_MIN


def test_differential_hand_example() -> None:
    mapping = DifferentialMapping(1e-6, 11e-6, w_max=2.0)  # scale 5e-6 S per weight unit
    assert mapping.scale == pytest.approx(5e-6, rel=1e-15)
    g = mapping.encode([[1.0, -2.0], [0.0, 2.0]])
    expected = [[6e-6, 1e-6, 1e-6, 11e-6], [1e-6, 1e-6, 11e-6, 1e-6]]  # [+0, -0, +1, -1]
    np.testing.assert_allclose(g, expected, rtol=1e-15)
    assert g[0, 3] == 11e-6 and g[1, 2] == 11e-6 and g[0, 1] == 1e-6
    np.testing.assert_allclose(mapping.decode(ideal_mvm(g, [0.1, 0.2])), [0.1, 0.2], rtol=1e-12)


def test_offset_hand_example() -> None:
    mapping = OffsetMapping(1e-6, 11e-6, w_max=2.0)  # mid 6e-6 S, scale 2.5e-6 S per weight unit
    assert mapping.scale == pytest.approx(2.5e-6, rel=1e-15)
    assert mapping.g_ref_s == pytest.approx(6e-6, rel=1e-15)
    g = mapping.encode([[1.0, -2.0], [0.0, 2.0]])
    expected = [[8.5e-6, 1e-6, 6e-6], [6e-6, 11e-6, 6e-6]]
    np.testing.assert_allclose(g, expected, rtol=1e-15)
    assert g[0, 1] == 1e-6 and g[1, 1] == 11e-6
    assert g[1, 0] == g[0, 2]  # weight 0 sits exactly on the reference conductance
    np.testing.assert_allclose(mapping.decode(ideal_mvm(g, [0.1, 0.2])), [0.1, 0.2], rtol=1e-12)


# ----- bit slicing -------------------------------------------------------------------
@pytest.mark.parametrize("value", range(16), ids=[f"v{i}" for i in range(16)])
def test_four_one_bit_devices_hold_0_to_15(value: int) -> None:
    mapping = BitSlicedMapping(G_MIN, G_MAX, bits=4)
    assert mapping.devices == 4
    digits = mapping.slices(value)
    assert digits.tolist() == [(value >> s) & 1 for s in range(4)]
    assert sum(int(d) << s for s, d in enumerate(digits)) == value
    assert int(combine_digits(digits)) == value


def test_eight_bits_over_four_two_bit_devices_hold_0_to_255() -> None:
    mapping = BitSlicedMapping(G_MIN, G_MAX, bits=8, bits_per_device=2)
    assert mapping.devices == 4
    values = np.arange(256)
    digits = mapping.slices(values)
    assert digits.shape == (256, 4)
    assert digits.min() == 0 and digits.max() == 3
    recombined = [sum(int(d) * 4**s for s, d in enumerate(row)) for row in digits]
    assert recombined == values.tolist()
    np.testing.assert_array_equal(combine_digits(digits, 2), values)


def test_bit_slicing_hand_example() -> None:
    assert slice_digits(13, bits=4).tolist() == [1, 0, 1, 1]  # 13 = 0b1101, least significant first
    assert slice_digits(13, bits=4, bits_per_device=2).tolist() == [1, 3]  # 0b11_01
    mapping = BitSlicedMapping(1e-6, 4e-6, bits=4, bits_per_device=2)  # step 1e-6 S
    g = mapping.encode([[13, 2]])
    np.testing.assert_allclose(g, [[2e-6, 4e-6, 3e-6, 1e-6]], rtol=1e-15)
    assert g[0, 1] == 4e-6 and g[0, 3] == 1e-6
    v = [0.2]
    np.testing.assert_allclose(mapping.decode(ideal_mvm(g, v), v), [13 * 0.2, 2 * 0.2], rtol=1e-12)


@pytest.mark.parametrize("name", list(SLICED_MAPPINGS), ids=list(SLICED_MAPPINGS))
@pytest.mark.parametrize("batched", list(SHAPES.values()), ids=list(SHAPES))
def test_sliced_round_trip(name: str, batched: bool) -> None:
    mapping = SLICED_MAPPINGS[name]
    rng = np.random.default_rng(11)
    w = rng.integers(0, 2**mapping.bits, size=(ROWS, COLS))
    v = _inputs(rng, batched)
    out = mapping.decode(ideal_mvm(mapping.encode(w), v), v)
    assert out.shape == ((BATCH, COLS) if batched else (COLS,))
    np.testing.assert_allclose(out, _reference_mvm(w, v), rtol=1e-12)


@pytest.mark.parametrize("name", list(SLICED_MAPPINGS), ids=list(SLICED_MAPPINGS))
def test_sliced_binary_inputs_give_exact_integers(name: str) -> None:
    mapping = SLICED_MAPPINGS[name]
    rng = np.random.default_rng(5)
    w = rng.integers(0, 2**mapping.bits, size=(ROWS, COLS))
    v = rng.integers(0, 2, size=(BATCH, ROWS)).astype(float)  # 0 V / 1 V input bits
    out = mapping.decode(ideal_mvm(mapping.encode(w), v), v)
    expected = [[sum(int(w[r, c]) * int(vb[r]) for r in range(ROWS)) for c in range(COLS)] for vb in v]
    np.testing.assert_array_equal(np.rint(out).astype(int), expected)


@pytest.mark.parametrize("name", list(SLICED_MAPPINGS), ids=list(SLICED_MAPPINGS))
def test_sliced_encode_within_range_and_extremes_exact(name: str) -> None:
    mapping = SLICED_MAPPINGS[name]
    rng = np.random.default_rng(9)
    w = rng.integers(0, 2**mapping.bits, size=(ROWS, COLS))
    w[0, 0], w[1, 1] = 0, 2**mapping.bits - 1
    g = mapping.encode(w)
    k = mapping.devices
    assert g.shape == (ROWS, COLS * k) == (ROWS, mapping.physical_cols(COLS))
    assert g.min() >= G_MIN and g.max() <= G_MAX
    assert np.all(g[0, :k] == G_MIN)
    # the top slice of 2**bits - 1 holds 2**(bits - b*(k-1)) - 1, the full digit only when b divides bits
    top = (1 << (mapping.bits - mapping.bits_per_device * (k - 1))) - 1
    full = (1 << mapping.bits_per_device) - 1
    assert np.all(g[1, k : 2 * k - 1] == G_MAX)
    assert g[1, 2 * k - 1] == (G_MAX if top == full else pytest.approx(G_MIN + top * mapping.step, rel=1e-15))


def test_sliced_accepts_whole_floats() -> None:
    mapping = BitSlicedMapping(G_MIN, G_MAX, bits=4)
    np.testing.assert_array_equal(mapping.encode([[13.0, 2.0]]), mapping.encode([[13, 2]]))


# ----- property tests --------------------------------------------------------------
# Inputs on a 1 uV grid in [-1, 1] V: no subnormal currents, whose rounding is not relative.
_VOLTS = st.integers(-(10**6), 10**6).map(lambda n: n * 1e-6)


def _abs_sum(v: np.ndarray) -> np.ndarray:
    return np.abs(v).sum(axis=-1, keepdims=True)


def _assert_within_rounding(out: np.ndarray, expected: np.ndarray, full_scale: np.ndarray) -> None:
    """``out`` equals ``expected`` to 1e-12 of the full scale, the largest column current
    ``g_max * sum|v|`` in output units: the float rounding of the currents is relative to it,
    not to the (possibly tiny, cancelled) result.
    """
    assert np.all(np.abs(out - expected) <= 1e-12 * full_scale), (out, expected)


@st.composite
def _real_case(draw: st.DrawFn) -> tuple[WeightMapping, np.ndarray, np.ndarray]:
    g_min = draw(st.floats(1e-8, 1e-3))
    g_max = g_min * draw(st.floats(1.5, 1e4))
    w_max = draw(st.floats(1e-3, 1e3))
    kind = draw(st.sampled_from([DifferentialMapping, OffsetMapping]))
    rows, cols = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    unit = st.floats(-1.0, 1.0, allow_nan=False)
    w = draw(hnp.arrays(float, (rows, cols), elements=unit)) * w_max
    np.clip(w, -w_max, w_max, out=w)
    batch = draw(st.sampled_from([(), (3,)]))
    v = draw(hnp.arrays(float, (*batch, rows), elements=_VOLTS))
    return kind(g_min, g_max, w_max), w, v


@given(_real_case())
@settings(max_examples=200, deadline=None)
def test_real_round_trip_property(
    case: tuple[DifferentialMapping | OffsetMapping, np.ndarray, np.ndarray],
) -> None:
    mapping, w, v = case
    g = mapping.encode(w)
    assert g.min() >= mapping.g_min_s and g.max() <= mapping.g_max_s
    out = mapping.decode(ideal_mvm(g, v), v)
    _assert_within_rounding(out, _reference_mvm(w, v), mapping.g_max_s * _abs_sum(v) / mapping.scale)


@st.composite
def _sliced_case(draw: st.DrawFn) -> tuple[BitSlicedMapping, np.ndarray, np.ndarray]:
    bits = draw(st.integers(1, 24))
    per = draw(st.integers(1, bits))
    g_min = draw(st.floats(1e-8, 1e-3))
    g_max = g_min * draw(st.floats(1.5, 1e4))
    rows, cols = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    w = draw(hnp.arrays(np.int64, (rows, cols), elements=st.integers(0, 2**bits - 1)))
    batch = draw(st.sampled_from([(), (3,)]))
    v = draw(hnp.arrays(float, (*batch, rows), elements=_VOLTS))
    return BitSlicedMapping(g_min, g_max, bits, per), w, v


@given(_sliced_case())
@settings(max_examples=200, deadline=None)
def test_sliced_round_trip_property(case: tuple[BitSlicedMapping, np.ndarray, np.ndarray]) -> None:
    mapping, w, v = case
    digits = mapping.slices(w)
    np.testing.assert_array_equal(combine_digits(digits, mapping.bits_per_device), w)
    g = mapping.encode(w)
    assert g.min() >= mapping.g_min_s and g.max() <= mapping.g_max_s
    out = mapping.decode(ideal_mvm(g, v), v)
    slice_weights = 2.0 ** (mapping.bits_per_device * np.arange(mapping.devices))
    full_scale = slice_weights.sum() * mapping.g_max_s * _abs_sum(v) / mapping.step
    _assert_within_rounding(out, _reference_mvm(w, v), full_scale)


@given(
    st.integers(1, 53).flatmap(lambda b: st.tuples(st.just(b), st.integers(1, b), st.integers(0, 2**b - 1)))
)
def test_slice_combine_property(case: tuple[int, int, int]) -> None:
    bits, per, value = case
    digits = slice_digits(value, bits, per)
    assert len(digits) == -(-bits // per)
    assert all(0 <= int(d) < 2**per for d in digits)
    assert sum(int(d) << (per * s) for s, d in enumerate(digits)) == value
    assert int(combine_digits(digits, per)) == value


# ----- errors ---------------------------------------------------------------------------
def _make(kind: str, **kw: object) -> object:
    g_min = kw.pop("g_min", G_MIN)
    g_max = kw.pop("g_max", G_MAX)
    if kind == "sliced":
        return BitSlicedMapping(g_min, g_max, kw.pop("bits", 4), kw.pop("per", 1))  # type: ignore[arg-type]
    cls = DifferentialMapping if kind == "differential" else OffsetMapping
    return cls(g_min, g_max, kw.pop("w_max", 1.0))  # type: ignore[arg-type]


KINDS = ["differential", "offset", "sliced"]
PARAM_ERRORS = {
    "g_min-zero": ({"g_min": 0.0}, r"g_min_s must be > 0, got 0\.0"),
    "g_min-negative": ({"g_min": -1e-6}, r"g_min_s must be > 0, got -1e-06"),
    "g_min-nan": ({"g_min": float("nan")}, r"g_min_s must be finite, got nan"),
    "g_max-inf": ({"g_max": float("inf")}, r"g_max_s must be finite, got inf"),
    "g_min-text": ({"g_min": "1u"}, r"g_min_s must be a number, got '1u'"),
    "g_max-numeric-text": ({"g_max": "1e-4"}, r"g_max_s must be a number, got '1e-4'"),
    "g_max-equal": ({"g_max": G_MIN}, r"g_max_s=1e-06 must be > g_min_s=1e-06.*swap"),
    "g_max-below": ({"g_max": 1e-7}, r"g_max_s=1e-07 must be > g_min_s=1e-06"),
}


@pytest.mark.parametrize("kind", KINDS, ids=KINDS)
@pytest.mark.parametrize("case", list(PARAM_ERRORS), ids=list(PARAM_ERRORS))
def test_conductance_range_errors(kind: str, case: str) -> None:
    kw, match = PARAM_ERRORS[case]
    with pytest.raises(ParameterError, match=match):
        _make(kind, **kw)


W_MAX_ERRORS = {
    "zero": (0.0, r"w_max must be > 0, got 0\.0"),
    "negative": (-2.0, r"w_max must be > 0, got -2\.0"),
    "nan": (float("nan"), r"w_max must be finite, got nan"),
    "inf": (float("inf"), r"w_max must be finite, got inf"),
}


@pytest.mark.parametrize("kind", KINDS[:2], ids=KINDS[:2])
@pytest.mark.parametrize("case", list(W_MAX_ERRORS), ids=list(W_MAX_ERRORS))
def test_w_max_errors(kind: str, case: str) -> None:
    value, match = W_MAX_ERRORS[case]
    with pytest.raises(ParameterError, match=match):
        _make(kind, w_max=value)


WEIGHT_ERRORS = {
    "too-large": (
        [[0.5, 1.5], [-3.0, 0.0]],
        r"W\[0, 1\] = 1\.5 exceeds w_max=1\.0 in magnitude \(2 entries do; the largest is "
        r"\|W\[1, 0\]\| = 3\.0\); scale W by 0\.333333 or raise w_max to at least 3\.0",
    ),
    "too-negative": ([[-1.25]], r"W\[0, 0\] = -1\.25 exceeds w_max=1\.0"),
    "nan": ([[0.0, float("nan")]], r"W\[0, 1\] = nan is not finite \(1 such entry\)"),
    "inf": ([[float("-inf")]], r"W\[0, 0\] = -inf is not finite"),
    "1-d": ([0.5, 0.5], r"W must be 2-D \(rows, cols\), got shape \(2,\).*\(rows, 1\)"),
    "complex": ([[1j]], r"W must be real numbers, got complex values; pass their real part"),
    "text": ([["a"]], r"W must be an array of real numbers, got \[\[.a.\]\]"),
}


@pytest.mark.parametrize("kind", KINDS[:2], ids=KINDS[:2])
@pytest.mark.parametrize("case", list(WEIGHT_ERRORS), ids=list(WEIGHT_ERRORS))
def test_weight_errors(kind: str, case: str) -> None:
    w, match = WEIGHT_ERRORS[case]
    mapping = _make(kind)
    with pytest.raises(ParameterError, match=match):
        mapping.encode(w)  # type: ignore[attr-defined]


INT_ERRORS = {
    "fraction": ([[2.5]], r"w_int\[0, 0\] = 2\.5 is not an integer; bit slicing takes integers in 0 \.\. 15"),
    "negative": ([[3, -1]], r"w_int\[0, 1\] = -1 is outside 0 \.\. 15 \(2\*\*4 - 1\)"),
    "too-large": ([[16]], r"w_int\[0, 0\] = 16 is outside 0 \.\. 15 \(2\*\*4 - 1\).*more bits"),
    "nan": ([[float("nan")]], r"w_int\[0, 0\] = nan is not finite"),
    "bool": ([[True]], r"w_int must hold integers in 0 \.\. 15 \(2\*\*4 - 1\), got dtype bool"),
    "text": ([["3"]], r"w_int must hold integers in 0 \.\. 15.*got dtype <U1"),
    "1-d": ([3, 4], r"w_int must be 2-D \(rows, cols\), got shape \(2,\)"),
}


@pytest.mark.parametrize("case", list(INT_ERRORS), ids=list(INT_ERRORS))
def test_integer_weight_errors(case: str) -> None:
    w, match = INT_ERRORS[case]
    with pytest.raises(ParameterError, match=match):
        BitSlicedMapping(G_MIN, G_MAX, bits=4).encode(w)


BITS_ERRORS = {
    "bits-zero": ({"bits": 0}, r"bits=0 is outside 1 \.\. 53"),
    "bits-too-wide": ({"bits": 54}, r"bits=54 is outside 1 \.\. 53.*2\*\*53"),
    "bits-float": ({"bits": 4.0}, r"bits must be an integer, got 4\.0"),
    "bits-bool": ({"bits": True}, r"bits must be an integer, got True"),
    "per-zero": ({"per": 0}, r"bits_per_device=0 is outside 1 \.\. 53"),
    "per-negative": ({"per": -2}, r"bits_per_device=-2 is outside 1 \.\. 53"),
    "per-above-bits": ({"bits": 2, "per": 8}, r"bits_per_device=8 exceeds bits=2.*swap"),
}


@pytest.mark.parametrize("case", list(BITS_ERRORS), ids=list(BITS_ERRORS))
def test_bits_errors(case: str) -> None:
    kw, match = BITS_ERRORS[case]
    with pytest.raises(ParameterError, match=match):
        _make("sliced", **kw)


def test_slice_digits_checks_bits() -> None:
    with pytest.raises(ParameterError, match=r"bits=0 is outside 1 \.\. 53"):
        slice_digits(3, bits=0)


COMBINE_ERRORS = {
    "digit-too-large": (([1, 2], 1), r"digits\[1\] = 2 is outside 0 \.\. 1 \(2\*\*1 - 1\)"),
    "scalar": ((5, 1), r"digits must have a last axis of digits \(\.\.\., k\), got a scalar"),
    "reaches-2**53": (([0] * 26 + [2], 2), r"digits recombine to about 9007199254740992, above 2\*\*53 - 1"),
    "beyond-53-bits": (([[0] * 30 + [1]], 2), r"digits\[0\] recombine to about 1\.15\d+e\+18, above 2\*\*53"),
    "per-zero": (([1], 0), r"bits_per_device=0 is outside 1 \.\. 53"),
}


def test_combine_digits_ignores_zero_high_digits() -> None:
    assert int(combine_digits([1, 0, 1] + [0] * 40, 2)) == 17
    assert int(combine_digits([1] * 53)) == 2**53 - 1


@pytest.mark.parametrize("case", list(COMBINE_ERRORS), ids=list(COMBINE_ERRORS))
def test_combine_digits_errors(case: str) -> None:
    (digits, per), match = COMBINE_ERRORS[case]
    with pytest.raises(ParameterError, match=match):
        combine_digits(digits, per)


# decode shape errors: (mapping, y shape, v shape or None, message)
DECODE_ERRORS = {
    "differential-odd": (
        REAL_MAPPINGS["differential"],
        (3,),
        None,
        r"y of shape (3,) does not fit the layout (..., 2 * cols) pairs",
    ),
    "differential-scalar": (REAL_MAPPINGS["differential"], (), None, r"y of shape () does not fit"),
    "differential-v-batch": (
        REAL_MAPPINGS["differential"],
        (4, 6),
        (3, 2),
        r"v of shape (3, 2) does not match y of shape (4, 6)",
    ),
    "offset-one-column": (
        REAL_MAPPINGS["offset"],
        (1,),
        None,
        r"y of shape (1,) does not fit the layout (..., cols + 1) with the reference last",
    ),
    "offset-v-batch": (
        REAL_MAPPINGS["offset"],
        (3,),
        (2, 4),
        r"v of shape (2, 4) does not match y of shape (3,)",
    ),
    "sliced-not-multiple": (
        SLICED_MAPPINGS["4x1bit"],
        (2, 6),
        (2, 3),
        r"y of shape (2, 6) does not fit the layout (..., cols * 4) slice groups",
    ),
    "sliced-v-batch": (
        SLICED_MAPPINGS["4x1bit"],
        (2, 8),
        (3,),
        r"v of shape (3,) does not match y of shape (2, 8)",
    ),
    "sliced-v-missing": (SLICED_MAPPINGS["4x1bit"], (8,), None, r"decode needs the inputs v"),
}


@pytest.mark.parametrize("case", list(DECODE_ERRORS), ids=list(DECODE_ERRORS))
def test_decode_shape_errors(case: str) -> None:
    mapping, y_shape, v_shape, match = DECODE_ERRORS[case]
    v = None if v_shape is None else np.zeros(v_shape)
    with pytest.raises(ParameterError, match=re.escape(match) if "(" in match else match):
        mapping.decode(np.zeros(y_shape), v)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["y", "v"], ids=["y", "v"])
def test_decode_non_finite(name: str) -> None:
    y, v = np.zeros((2, 8)), np.zeros((2, 3))
    (y if name == "y" else v)[1, 2] = np.inf
    with pytest.raises(ParameterError, match=rf"{name}\[1, 2\] = inf is not finite"):
        SLICED_MAPPINGS["4x1bit"].decode(y, v)


IDEAL_MVM_ERRORS = {
    "rows": ((3, 2), (4,), r"v of shape (4,) does not fit g of shape (3, 2)"),
    "v-3d": ((3, 2), (1, 1, 3), r"v of shape (1, 1, 3) does not fit g of shape (3, 2)"),
    "g-1d": ((3,), (3,), r"g must be 2-D (rows, cols), got shape (3,)"),
}


@pytest.mark.parametrize("case", list(IDEAL_MVM_ERRORS), ids=list(IDEAL_MVM_ERRORS))
def test_ideal_mvm_errors(case: str) -> None:
    g_shape, v_shape, match = IDEAL_MVM_ERRORS[case]
    with pytest.raises(ParameterError, match=re.escape(match)):
        ideal_mvm(np.ones(g_shape), np.ones(v_shape))


def test_ideal_mvm_non_finite() -> None:
    with pytest.raises(ParameterError, match=r"g\[0, 1\] = nan is not finite"):
        ideal_mvm([[1.0, float("nan")]], [1.0])
