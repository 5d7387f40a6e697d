"""The generic input checks of pymem.checks, shared by every layer."""

from __future__ import annotations

import numpy as np
import pytest

from pymem import checks
from pymem.errors import ParameterError, PeripheryParameterError


@pytest.mark.parametrize(
    ("value", "low", "strict", "shown"),
    [
        (0.0, 0.0, True, "0.0"),
        (-1.0, 0.0, False, "-1.0"),
        (float("nan"), None, True, "nan"),
        ("3", None, True, "'3'"),
        (True, 0.0, False, "True"),
    ],
)
def test_check_finite_refuses_with_the_callers_phrase(value, low, strict, shown):
    with pytest.raises(ParameterError, match=rf"x_v must be what the caller says, got {shown}"):
        checks.check_finite("x_v", value, low, strict=strict, phrase="what the caller says")


def test_check_finite_returns_a_float_and_raises_the_named_class():
    assert checks.check_finite("x", np.float32(2.5), 0.0, phrase="> 0") == 2.5
    assert checks.check_finite("x", 0, 0.0, strict=False, phrase=">= 0") == 0.0
    with pytest.raises(PeripheryParameterError, match="p must be > 0, got -2"):
        checks.check_finite("p", -2, 0.0, phrase="> 0", error=PeripheryParameterError)


def test_check_int_with_and_without_a_phrase():
    assert checks.check_int("n", np.int64(3), 1, 5) == 3
    with pytest.raises(ParameterError, match=r"n must be an integer in 1\.\.5, got 6"):
        checks.check_int("n", 6, 1, 5, phrase="an integer in 1..5")
    with pytest.raises(ParameterError, match=r"n must be an integer, got 2\.0; give an int in 1 \.\. 5"):
        checks.check_int("n", 2.0, 1, 5)
    with pytest.raises(ParameterError, match=r"n=0 is outside >= 1; use at least one"):
        checks.check_int("n", 0, 1, hint="use at least one")


def test_require_raises_the_named_class():
    checks.require(True, "never")
    with pytest.raises(PeripheryParameterError, match="the message"):
        checks.require(False, "the message", PeripheryParameterError)


def test_real_array_names_the_first_non_finite_entry_unless_told_not_to():
    with pytest.raises(ParameterError, match=r"a\[1\] = inf is not finite \(2 such entries\)"):
        checks.real_array("a", [1.0, np.inf, np.nan])
    assert np.isnan(checks.real_array("a", [np.nan], finite=False)[0])


def test_check_shape_names_the_expected_shape():
    checks.check_shape("g", np.zeros((2, 3)), (2, 3))
    with pytest.raises(ParameterError, match=r"g has shape \(3, 2\), expected \(rows, cols\) = \(2, 3\)"):
        checks.check_shape("g", np.zeros((3, 2)), (2, 3), "(rows, cols) = ")


@pytest.mark.parametrize(("value", "text"), [(np.float64(0.5), "0.5"), (3, "3"), ("s", "'s'")])
def test_num_drops_the_numpy_wrapper(value, text):
    assert checks.num(value) == text
