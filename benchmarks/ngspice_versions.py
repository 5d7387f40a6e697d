"""Compare two ngspice versions on the same reads and writes (docs/ngspice-versions.md).

Run ``dump`` once under each ngspice (for example on the host and in the Debian 13 root
of ``.ci/debian13``), then ``compare`` the two files:

    python benchmarks/ngspice_versions.py dump out/ng39.npz
    python benchmarks/ngspice_versions.py dump out/ng44.npz      # under the other ngspice
    python benchmarks/ngspice_versions.py compare out/ng39.npz out/ng44.npz
    python benchmarks/ngspice_versions.py dump --no-klu out/ng44-noklu.npz   # 44 without KLU

Per device model: an 8x8 read of 4 vectors with TIA sensing (column outputs and the states
after it) and one V/2 write pulse on a 4x4 array (states after it, energy), each through
ngspice with pymem's defaults (``klu="auto"``), plus the wall time of one 32x32 HP read.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time

import numpy as np

from pymem import backends, devices
from pymem.crossbar import random_crossbar
from pymem.ops.mvm import mvm
from pymem.ops.program import write_pulses


def ngspice_version() -> str:
    """The version line of the ``ngspice`` on PATH, e.g. ``ngspice-44.2``."""
    out = subprocess.run([str(backends.find_binary()), "-v"], capture_output=True, text=True, timeout=60)
    m = re.search(r"ngspice-[0-9.]+", out.stdout + out.stderr)
    return m.group(0) if m else "unknown"


def dump(path: str, klu: bool = True) -> None:
    """Run every case under the installed ngspice and save the results to ``path`` (.npz).

    With ``klu=False`` every deck runs as ``klu="off"`` (Sparse 1.3 even where KLU is there),
    to tell what the solver changes from what the ngspice version changes.
    """
    if not klu:
        backends.has_klu = lambda backend="shared": False  # what klu="auto" asks before adding it
    data: dict[str, np.ndarray] = {}
    meta = {
        "ngspice": ngspice_version(),
        "klu_shared": backends.has_klu("shared"),
        "klu_batch": backends.has_klu("batch"),
    }
    for name in devices.names():
        xb = random_crossbar(8, 8, name, seed=0, r_row_ohm=1.0, r_col_ohm=1.0, sense="tia")
        res = mvm(xb, xb.random_inputs(4), backend="ngspice")
        data[f"read/{name}/y"] = np.asarray(res.y)
        data[f"read/{name}/states"] = np.asarray(res.states_after)
        meta[f"read/{name}/klu"] = res.extra["klu"]
        model = devices.get(name)
        amp = 1.5 * model.thresholds[1] if model.thresholds else 1.0
        wb = random_crossbar(4, 4, name, seed=1, r_row_ohm=1.0, r_col_ohm=1.0)
        w = write_pulses(wb, (1, 2), amp, model.demo_drive().duration_s / 100, "v2")
        data[f"write/{name}/states"] = w.states_after
        data[f"write/{name}/energy_j"] = np.array([w.energy_j])
    big = random_crossbar(32, 32, "hp", seed=0, r_row_ohm=1.0, r_col_ohm=1.0, sense="tia")
    v = big.random_inputs(2)
    t0 = time.perf_counter()
    res = mvm(big, v, backend="ngspice")
    meta["read32_seconds"] = round(time.perf_counter() - t0, 2)
    meta["read32_klu"] = res.extra["klu"]
    data["read/hp32/y"] = np.asarray(res.y)
    np.savez(path, meta=np.array(repr(meta)), **data)
    print(meta)


def compare(path_a: str, path_b: str) -> None:
    """Print, per case, the largest difference between two dumps, relative to the case's scale."""
    a, b = np.load(path_a), np.load(path_b)
    print("A:", a["meta"].item())
    print("B:", b["meta"].item())
    worst = 0.0
    for key in sorted(set(a.files) & set(b.files) - {"meta"}):
        diff = float(np.max(np.abs(a[key] - b[key])))
        scale = float(np.max(np.abs(a[key]))) or 1.0
        worst = max(worst, diff / scale)
        print(f"{key:32s} max |A-B| = {diff:.3e}   relative to max |A| = {diff / scale:.3e}")
    print(f"largest relative difference: {worst:.3e}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out")
    d.add_argument("--no-klu", action="store_true", help='run every deck as klu="off"')
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    args = p.parse_args(argv)
    if args.cmd == "dump":
        dump(args.out, klu=not args.no_klu)
    else:
        compare(args.a, args.b)


if __name__ == "__main__":
    main(sys.argv[1:])
