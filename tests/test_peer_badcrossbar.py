"""The sparse solver against an independent exact solver: badcrossbar (Joksas et al., SoftwareX 2020).

badcrossbar applies the inputs at the row ends through one word-line segment
and takes the outputs at the column ends through one bit-line segment, so
pymem matches it with the driver resistance equal to the row segment.
``./dev.sh`` installs it without its plotting dependencies
(``pip install --no-deps badcrossbar pathvalidate``).
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pytest

from pymem.crossbar import random_crossbar
from pymem.ops.mvm import mvm

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # its plotting module needs cairo, which we do not install
    import badcrossbar


@pytest.mark.parametrize(
    ("rows", "cols", "r_wl", "r_bl"),
    [(1, 1, 0.5, 0.5), (3, 7, 2.0, 0.5), (9, 4, 0.1, 5.0), (32, 32, 1.0, 1.0), (40, 24, 10.0, 3.0)],
    ids=lambda p: str(p),
)
def test_solver_matches_badcrossbar(rows: int, cols: int, r_wl: float, r_bl: float) -> None:
    xb = random_crossbar(
        rows, cols, "hp", seed=rows + cols, r_row_ohm=r_wl, r_col_ohm=r_bl, r_driver_ohm=r_wl
    )
    v = xb.random_inputs(20, seed=1)
    logging.disable(logging.INFO)
    try:
        sol = badcrossbar.compute(v.T, 1.0 / xb.conductances(), r_i_word_line=r_wl, r_i_bit_line=r_bl)
    finally:
        logging.disable(logging.NOTSET)
    theirs = np.asarray(sol.currents.output).reshape(20, cols)
    ours = mvm(xb, v, backend="solver").y
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0)
