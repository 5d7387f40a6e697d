"""HP linear ion-drift memristor with window functions.

Strukov, Snider, Stewart, Williams, "The missing memristor found",
Nature 453, 80-83 (2008). Windows: Joglekar & Wolf, Eur. J. Phys. 30, 661
(2009); Biolek, Biolek & Biolkova, Radioengineering 18(2), 210 (2009);
Prodromakis, Peh, Papavassiliou & Toumazou, IEEE TED 58(9), 3099 (2011).

State ``x = w / D`` in [0, 1] (the doped, conductive fraction of the film):

    R(x)  = Ron x + Roff (1 - x)
    i     = v / R(x)
    dx/dt = (mu_v Ron / D^2) i f(x)

Windows ``f(x)`` (written from the papers, not from circulated code):

    none        f = 1, with the state stopped at 0 and 1
    joglekar    f = 1 - (2x - 1)^(2p)
    biolek      f = 1 - (x - s(-i))^(2p),  s(-i) = 1 if i < 0 else 0
    prodromakis f = j (1 - ((x - 0.5)^2 + 0.75)^p)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pymem.constants import HP_WINDOWS as WINDOWS
from pymem.constants import HpWindow as Window
from pymem.devices.base import DeviceModel, Preset, require, spice_clamp01


@dataclass(frozen=True)
class HPMemristor(DeviceModel):
    """HP linear ion-drift model; defaults from Strukov et al. 2008 (Fig. 2 set)."""

    r_on_ohm: float = 100.0
    """Resistance when fully doped, x = 1 (ohm)."""
    r_off_ohm: float = 16e3
    """Resistance when undoped, x = 0 (ohm)."""
    d_m: float = 10e-9
    """Film thickness D (m)."""
    mu_v_m2_per_vs: float = 1e-14
    """Dopant mobility mu_v (m^2 / (V s)); 1e-10 cm^2/(V s) in the paper."""
    window: Window = "none"
    """Window function: none, joglekar, biolek or prodromakis."""
    p: float = 1.0
    """Window exponent p (> 0; an integer for Joglekar and Biolek)."""
    j: float = 1.0
    """Prodromakis window scale j (> 0)."""
    x0: float = 0.1
    """Initial state w0 / D (dimensionless, in [0, 1])."""

    name: ClassVar[str] = "hp"
    spice_write_reltol: ClassVar[float] = 1e-5
    spice_write_tight_reltol: ClassVar[float] = 1e-7
    presets: ClassVar[Mapping[str, Preset]] = {
        "strukov2008": Preset(
            {}, "Strukov, Snider, Stewart & Williams, Nature 453, 80 (2008), Fig. 2 (the defaults)"
        ),
    }
    citation: ClassVar[str] = (
        "Strukov et al., Nature 453, 80 (2008); windows: Joglekar & Wolf 2009, "
        "Biolek et al. 2009, Prodromakis et al. 2011"
    )

    def __post_init__(self) -> None:
        require(self.r_on_ohm > 0, f"r_on_ohm must be > 0 ohm, got {self.r_on_ohm!r}")
        require(
            self.r_off_ohm > self.r_on_ohm,
            f"r_off_ohm={self.r_off_ohm!r} must exceed r_on_ohm={self.r_on_ohm!r} "
            "(Roff <= Ron is not a memristor); swap them or fix the values",
        )
        require(self.d_m > 0, f"thickness d_m must be > 0 m, got {self.d_m!r}")
        require(self.mu_v_m2_per_vs > 0, f"mu_v_m2_per_vs must be > 0, got {self.mu_v_m2_per_vs!r}")
        require(self.window in WINDOWS, f"window={self.window!r} is unknown; choose one of {WINDOWS}")
        require(self.p > 0, f"window exponent p must be > 0, got {self.p!r}")
        require(self.j > 0, f"Prodromakis scale j must be > 0, got {self.j!r}")
        self.check_x0()

    @property
    def subckt_name(self) -> str:
        return f"pymem_hp_{self.window}"

    @property
    def x_bounds(self) -> tuple[float, float]:
        return (0.0, 1.0)

    @property
    def k_per_coulomb(self) -> float:
        """Drift coefficient k = mu_v Ron / D^2 (1/C)."""
        return self.mu_v_m2_per_vs * self.r_on_ohm / self.d_m**2

    def resistance(self, x: ArrayLike) -> NDArray[np.float64]:
        """Memristance (ohm) at state ``x`` (clamped to [0, 1])."""
        xc = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
        return self.r_on_ohm * xc + self.r_off_ohm * (1.0 - xc)

    def current(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        return np.asarray(v, dtype=float) / self.resistance(x)

    def window_value(self, x: ArrayLike, i: ArrayLike) -> NDArray[np.float64]:
        """The window f(x) (dimensionless); ``i`` (A) matters for Biolek only."""
        x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
        i = np.asarray(i, dtype=float)
        if self.window == "joglekar":
            return 1.0 - np.abs(2.0 * x - 1.0) ** (2 * self.p)
        if self.window == "biolek":
            s = np.where(i < 0, 1.0, 0.0)
            return 1.0 - np.abs(x - s) ** (2 * self.p)
        if self.window == "prodromakis":
            return self.j * (1.0 - ((x - 0.5) ** 2 + 0.75) ** self.p)
        # none: stop at the bounds only when pushed outwards
        blocked = ((x >= 1.0) & (i > 0)) | ((x <= 0.0) & (i < 0))
        return np.where(blocked, 0.0, 1.0) + 0.0 * i

    def dxdt(self, v: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        i = self.current(v, x)
        return self.k_per_coulomb * i * self.window_value(x, i)

    # ----- SPICE ---------------------------------------------------------------
    def spice_params(self) -> dict[str, float]:
        return {
            "ron": self.r_on_ohm,
            "roff": self.r_off_ohm,
            "kdrift": self.k_per_coulomb,
            "pwin": self.p,
            "jwin": self.j,
        }

    def spice_current(self, v: str, x: str) -> str:
        return f"{v}/(ron*{spice_clamp01(x)}+roff*(1-{spice_clamp01(x)}))"

    def spice_dxdt(self, v: str, x: str) -> str:
        i = f"({self.spice_current(v, x)})"
        xc = spice_clamp01(x)
        if self.window == "joglekar":
            f = f"(1-pow(2*{xc}-1,2*pwin))"
        elif self.window == "biolek":
            f = f"(1-pow({xc}-({v}<0?1:0),2*pwin))"
        elif self.window == "prodromakis":
            f = f"(jwin*(1-pow(pow({xc}-0.5,2)+0.75,pwin)))"
        else:
            f = f"((({x}>=1)&&({v}>0))||(({x}<=0)&&({v}<0))?0:1)"
        return f"kdrift*{i}*{f}"
