"""Fit device models to measured I-V sweeps, and use the fitted model like a preset.

``read_sweep(path)`` reads a measured CSV; ``fit_model(base, sweep)`` fits the
free parameters by least squares on the current; ``save_fit`` writes the
result (JSON, a ``.subckt`` library, a plot) and ``load_fitted(path)`` turns a
saved fit back into a model, which is how ``--model fit.json`` works.
"""

from __future__ import annotations

from pymem.fit.core import FitResult, FittedParameter, fit_model, state_on_grid
from pymem.fit.data import Sweep, read_sweep, write_sweep

__all__ = ["FitResult", "FittedParameter", "Sweep", "fit_model", "read_sweep", "state_on_grid", "write_sweep"]
