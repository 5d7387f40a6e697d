"""pymem's raw-file reader, against hand-built files, ngspice's own output and spicelib's ``RawRead``."""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest
from spicelib import RawRead

from pymem import backends
from pymem.backends.rawfile import parse_raw, read_raw

AC_DECK = "ac\nV1 in 0 DC 0 AC 1\nR1 in out 1k\nC1 out 0 1u\n.ac dec 5 10 1e4\n.end\n"
TRAN_DECK = "tr\nV1 in 0 SIN(0 1 1k)\nR1 in out 1k\nC1 out 0 100n\n.tran 10u 2m\n.end\n"
OP_DECK = "op\nV1 in 0 DC 1.3\nR1 in out 1k\nR2 out 0 3k\nD1 out 0 dmod\n.model dmod d\n.op\n.end\n"


def _header(plotname: str, flags: str, names: list[tuple[str, str]], n_points: int, mode: str) -> bytes:
    lines = [
        "Title: hand made",
        "Date: today",
        f"Plotname: {plotname}",
        f"Flags: {flags}",
        f"No. Variables: {len(names)}",
        f"No. Points: {n_points}",
        "Variables:",
        *[f"\t{k}\t{n}\t{t}" for k, (n, t) in enumerate(names)],
        f"{mode}:",
    ]
    return ("\n".join(lines) + "\n").encode()


def test_binary_complex_hand_made() -> None:
    f = np.array([10.0, 100.0, 1000.0])
    v = np.array([1 + 2j, -3.5 + 0.25j, 1e-9 - 1e9j])
    table = np.empty((3, 4))
    table[:, 0], table[:, 1] = f, 0.0
    table[:, 2], table[:, 3] = v.real, v.imag
    buf = _header("AC Analysis", "complex", [("frequency", "frequency"), ("v(out)", "voltage")], 3, "Binary")
    plots = parse_raw(buf + table.astype("<f8").tobytes())
    assert len(plots) == 1 and plots[0].plotname == "AC Analysis"
    np.testing.assert_array_equal(plots[0].data["v(out)"], v)
    np.testing.assert_array_equal(plots[0].data["frequency"], f)
    assert plots[0].data["frequency"].dtype == np.float64


def test_binary_real_two_plots_hand_made() -> None:
    a = np.arange(6, dtype=float).reshape(3, 2)
    b = np.array([[7.0, -1.0]])
    buf = _header("Transient Analysis", "real", [("time", "time"), ("v(a)", "voltage")], 3, "Binary")
    buf += a.astype("<f8").tobytes()
    buf += _header("Operating Point", "real", [("v(a)", "voltage"), ("i(v1)", "current")], 1, "Binary")
    buf += b.astype("<f8").tobytes()
    first, second = parse_raw(buf)
    np.testing.assert_array_equal(first.data["time"], [0, 2, 4])
    np.testing.assert_array_equal(first.data["v(a)"], [1, 3, 5])
    assert second.names == ["v(a)", "i(v1)"] and second.data["i(v1)"][0] == -1.0


def test_ascii_complex_hand_made() -> None:
    text = "0\t1.0e+01,0.0e+00\n\t2.5e-01,-5.0e-01\n1\t1.0e+02,0.0e+00\n\t-1.0e+00,3.0e+00\n"
    buf = _header("AC Analysis", "complex", [("frequency", "frequency"), ("v(o)", "voltage")], 2, "Values")
    (plot,) = parse_raw(buf + text.encode())
    np.testing.assert_array_equal(plot.data["v(o)"], [0.25 - 0.5j, -1 + 3j])


def _ngspice_raw(deck: str, tmp_path, ascii_format: bool) -> list:
    (tmp_path / "d.cir").write_text(deck)
    env = dict(os.environ)
    if ascii_format:
        env["SPICE_ASCIIRAWFILE"] = "1"
    subprocess.run(
        [backends.find_binary(), "-b", "-r", "d.raw", "d.cir"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=True,
    )
    return read_raw(tmp_path / "d.raw")


@pytest.mark.parametrize("deck", [AC_DECK, TRAN_DECK], ids=["ac-complex", "tran-real"])
def test_ascii_and_binary_files_of_ngspice_agree(deck: str, tmp_path) -> None:
    (binary,) = _ngspice_raw(deck, tmp_path, ascii_format=False)
    (text,) = _ngspice_raw(deck, tmp_path, ascii_format=True)
    assert binary.names == text.names
    for name in binary.names:
        np.testing.assert_allclose(binary.data[name], text.data[name], rtol=1e-12, atol=1e-300)


def test_ac_reader_matches_rc_lowpass_formula(tmp_path) -> None:
    (plot,) = _ngspice_raw(AC_DECK, tmp_path, ascii_format=False)
    f = plot.data["frequency"]
    expected = 1 / (1 + 2j * np.pi * f * 1e3 * 1e-6)
    np.testing.assert_allclose(plot.data["v(out)"], expected, rtol=1e-9)


def test_ac_through_both_backends() -> None:
    shared = backends.run(AC_DECK, backend="shared")
    batch = backends.run(AC_DECK, backend="batch")
    assert shared.analysis == batch.analysis == "ac"
    for name in batch:
        np.testing.assert_allclose(shared[name], batch[name], rtol=1e-12, err_msg=name)


@pytest.mark.parametrize("fmt", ["binary", "ascii"])
@pytest.mark.parametrize("deck", [AC_DECK, TRAN_DECK, OP_DECK], ids=["ac-complex", "tran-real", "op-real"])
def test_spicelib_reads_every_vector_as_pymem_does(deck: str, fmt: str, tmp_path) -> None:
    """spicelib's RawRead, an independent reader, on the same file: names, kinds and every value."""
    (ours,) = _ngspice_raw(deck, tmp_path, ascii_format=fmt == "ascii")
    peer = RawRead(tmp_path / "d.raw", dialect="ngspice", verbose=False)
    assert peer.get_raw_property("Plotname") == ours.plotname
    assert list(peer.get_trace_names()) == ours.names
    n_points = int(peer.get_raw_property("No. Points"))
    for name in ours.names:
        mine, theirs = ours.data[name], np.asarray(peer.get_wave(name))
        if name == "frequency":  # spicelib leaves the axis's imaginary part unset; ngspice writes 0
            theirs = theirs.real
        assert mine.shape == theirs.shape == (n_points,), name
        assert np.iscomplexobj(mine) == np.iscomplexobj(theirs), name
        if fmt == "binary":  # the same doubles
            np.testing.assert_array_equal(mine, theirs, err_msg=name)
        else:  # the same decimal text, parsed twice
            np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=0, err_msg=name)
    assert np.iscomplexobj(ours.data[ours.names[-1]]) == (deck is AC_DECK)
