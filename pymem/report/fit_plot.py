"""The figure of a fit: data against the fitted model (I-V loop, and current against time)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pymem.fit.core import FitResult
from pymem.fit.data import Sweep
from pymem.report.plots import _pyplot


def plot_fit(data: Sweep, result: FitResult, path: str | Path) -> Path:
    """Write a PNG: the I-V loop and the current against time, data (dots) against fit (line).

    The current axes are logarithmic in |i| when the fit used the log residual.
    """
    plt = _pyplot()
    fig, (ax_iv, ax_t) = plt.subplots(1, 2, figsize=(10, 4))
    log = result.scale == "log"
    show = np.abs if log else (lambda a: a)
    ax_iv.plot(data.v, show(data.i), ".", ms=2, color="0.5", label="data")
    ax_iv.plot(data.v, show(result.i_fit), "-", lw=1, color="C0", label=f"fit ({result.model.name})")
    ax_iv.set_xlabel("voltage (V)")
    ax_iv.set_ylabel("|current| (A)" if log else "current (A)")
    ax_t.plot(data.t, show(data.i), ".", ms=2, color="0.5", label="data")
    ax_t.plot(data.t, show(result.i_fit), "-", lw=1, color="C0", label="fit")
    ax_t.set_xlabel("time (s)")
    if log:
        for ax in (ax_iv, ax_t):
            ax.set_yscale("log")
            ax.set_ylim(bottom=result.floor_a)
    ax_iv.legend(loc="best", fontsize=8)
    fig.suptitle(f"rms relative error {result.rms_relative_error:.3g}, nrmse {result.nrmse:.3g}")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
