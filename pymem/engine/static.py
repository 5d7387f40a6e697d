"""Exact nodal analysis of a crossbar read in ``scipy.sparse``.

The same circuit as the netlist (see :mod:`pymem.crossbar.spec`): drivers,
word- and bit-line segments, one device per cell, and a sense amplifier per
column (an ideal virtual ground, or a TIA: at DC a conductance
(1 + A) / R_f to ground at the column end, the output -A times that node's
voltage, clamped at +/- v_sat).

Ohmic devices (current linear in voltage: HP, VTEAM) make the whole read
linear: y = M v. The solver factorises the nodal matrix once and computes the
transfer matrix M (cols x rows) from one adjoint solve per column, so a batch
of any size costs one dense product. Nonlinear devices (Yakopcic,
Stanford-PKU) and 1T1R cells are solved with the model's own
``current(v, x)``: a batch by the chord Newton of :mod:`pymem.engine.newton`
(one factorisation shared by every step and vector), or vector by vector by
Newton's method (``method="per-vector"``, the fallback of the batch path).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import ArrayLike, NDArray

from pymem.circuit.array import array_circuit
from pymem.constants import NonlinearMethod
from pymem.crossbar.spec import Crossbar
from pymem.engine.newton import CONVERGENCE_TOL, BatchNewton
from pymem.engine.ordering import nested_dissection
from pymem.engine.stamps import branch_matrix, nmos_level1
from pymem.engine.stamps import stamps as _stamps
from pymem.errors import NewtonConvergenceError, ParameterError, SimulationError

VOLTAGE_SCALE_FLOOR_V = 1e-30
"""Smallest voltage scale of Newton's relative convergence test (V): keeps the test
``|dv| <= CONVERGENCE_TOL * max |v|`` defined when every node sits at 0 V."""
DIFF_STEP_REL = 1e-6
"""Step of the central difference that gives a device's small-signal conductance,
relative to the voltage across it: small against the I-V curvature, large against
round-off (about 1e-10 relative error)."""
DIFF_STEP_FLOOR_V = 1e-3
"""Voltage below which that step stops shrinking (V): the step is at least
``DIFF_STEP_REL * DIFF_STEP_FLOOR_V`` = 1 nV, so a cell at 0 V still gets a slope."""
_NEWTON_MAX_ITER = 100
_CHUNK = 64


@dataclass(frozen=True)
class SolveResult:
    """Outputs of a solved read.

    Attributes
    ----------
    y : ndarray, shape (batch, cols)
        Column output currents (A): current into each sense amplifier; for a
        TIA the current its output implies, -v_out / R_f.
    v_out : ndarray, shape (batch, cols) or None
        TIA output voltages (V); None for ideal sensing.
    newton_iterations : ndarray of int, shape (batch,)
        Newton iterations per vector (0 for the linear path).
    seconds : float
        Wall time of the solve (s), factorisation included when it happened here.
    """

    y: NDArray[np.float64]
    v_out: NDArray[np.float64] | None
    newton_iterations: NDArray[np.int64]
    seconds: float


class _Topology:
    """The read circuit's nodes (from :func:`pymem.circuit.array_circuit`) and its linear part.

    The linear part is the array's resistors (drivers, wires) plus, for a TIA,
    its DC input conductance at each column end. Fixed nodes are the driver
    sources and, for ideal sensing, the virtual grounds.
    """

    def __init__(self, xb: Crossbar) -> None:
        arr = array_circuit(xb)
        self.circuit = arr
        self.wl, self.bl, self.mid, self.out = arr.wl, arr.bl, arr.mid, arr.out
        self.src, self.n = arr.src, arr.n
        n = self.n
        mats = [branch_matrix(n, br) for br in arr.linear_branches()]
        self.g_sense = 0.0
        if xb.sense == "tia":
            self.g_sense = (1.0 + xb.tia.gain) / xb.tia.r_f_ohm
            mats.append(sp.csr_matrix((np.full(xb.cols, self.g_sense), (self.out, self.out)), shape=(n, n)))
        self.lin = sum(mats[1:], mats[0]).tocsr() if mats else sp.csr_matrix((n, n))
        # fixed nodes: sources (values = inputs), and the virtual grounds of ideal sensing
        fixed = [self.src]
        if xb.sense == "ideal":
            fixed.append(self.out)
        self.fixed = np.unique(np.concatenate(fixed))
        mask = np.ones(n, bool)
        mask[self.fixed] = False
        self.free = np.flatnonzero(mask)
        self.pos = -np.ones(n, int)
        self.pos[self.free] = np.arange(self.free.size)


class CrossbarSolver:
    """Solve reads of one crossbar; the factorisation is reused across calls.

    Parameters
    ----------
    xbar : Crossbar
        The array (its states are fixed for the solver's lifetime).
    """

    def __init__(self, xbar: Crossbar) -> None:
        self.xbar = xbar
        self.topo = _Topology(xbar)
        v_probe = float(xbar.v_read)
        i1 = xbar.g_scale * xbar.device.current(v_probe, xbar.states)
        i2 = xbar.g_scale * xbar.device.current(2 * v_probe, xbar.states)
        # a 1T1R read is never linear: the access transistor is not a resistor
        self.ohmic = xbar.cell == "1r" and bool(np.allclose(i2, 2 * i1, rtol=1e-12, atol=0))
        self.g_cell = np.asarray(i1 / v_probe, dtype=float)
        self._transfer: NDArray[np.float64] | None = None
        self._batch: BatchNewton | None = None
        self.factorize_seconds = 0.0

    # ----- assembly --------------------------------------------------------------
    def _cell_matrix(self, g: NDArray[np.float64]) -> sp.csr_matrix:
        """Conductance stamps of the devices (word line to bit line, or to the 1T1R mid node)."""
        t = self.topo
        return _stamps(t.n, t.wl.ravel(), t.mid.ravel(), g.ravel(), -g.ravel())

    def _fixed_values(self, v: NDArray[np.float64]) -> NDArray[np.float64]:
        """Voltages of all nodes with fixed values set (free nodes 0), shape (batch, n)."""
        full = np.zeros((v.shape[0], self.topo.n))
        full[:, self.topo.src] = v
        return full

    def _output_rows(self, full_matrix: sp.csr_matrix) -> sp.csr_matrix:
        """Rows giving the current into each sense amplifier from the array side (cols x n)."""
        t = self.topo
        if self.xbar.r_col_ohm > 0:
            g = 1.0 / self.xbar.r_col_ohm
            last = t.bl[-1, :]
            cols = self.xbar.cols
            data = np.concatenate([np.full(cols, g), np.full(cols, -g)])
            ii = np.concatenate([np.arange(cols), np.arange(cols)])
            jj = np.concatenate([last, t.out])
            return sp.csr_matrix((data, (ii, jj)), shape=(cols, t.n))
        # merged bit line: the sense node collects every cell current of its column
        cell = self._cell_matrix(self.g_cell)
        rows = -cell[t.out, :].tocsr()
        return rows

    # ----- linear path -------------------------------------------------------------
    def transfer_matrix(self) -> NDArray[np.float64]:
        """M (cols x rows, siemens) with y = M v for unsaturated reads of ohmic devices."""
        if not self.ohmic:
            raise ParameterError(f"{self.xbar.device.name} is not ohmic: its read is not linear in v")
        if self._transfer is None:
            t0 = time.perf_counter()
            t = self.topo
            full = (self.topo.lin + self._cell_matrix(self.g_cell)).tocsr()
            out = self._output_rows(full)
            c_fixed = out[:, t.src].toarray()  # (cols, rows)
            if t.free.size == 0:
                self._transfer = c_fixed
                return self._transfer
            a = full[t.free][:, t.free].tocsc()
            c_f = out[:, t.free].tocsr()  # (cols, n_free)
            l_f_src = full[t.free][:, t.src].tocsr()  # (n_free, rows)
            # y = c_f v_free + c_fixed v, with v_free = -a^-1 L_f,src v. Only the block of a^-1
            # between the nodes c_f reads and the nodes L_f,src feeds is needed: order those
            # nodes last, factorise once, and that block is the inverse of the trailing
            # Schur complement, which the LU factors hold as L22 U22.
            boundary = np.union1d(np.unique(c_f.indices), np.unique(l_f_src.tocsc().indices))
            self._transfer = c_fixed - self._boundary_block_product(a, boundary, c_f, l_f_src)
            self.factorize_seconds = time.perf_counter() - t0
        return self._transfer

    def _interior_order(self, a: sp.csc_matrix, interior: NDArray[np.int64]) -> NDArray[np.int64]:
        """Fill-reducing order of the interior free nodes (positions in the free-node numbering)."""
        t = self.topo
        xb = self.xbar
        if xb.r_row_ohm > 0 and xb.r_col_ohm > 0:
            nodes = nested_dissection(t.wl, t.bl)
            nodes = nodes[t.pos[nodes] >= 0]
            pos = t.pos[nodes]
            keep = np.zeros(a.shape[0], bool)
            keep[interior] = True
            ordered = pos[keep[pos]]
            rest = np.setdiff1d(interior, ordered, assume_unique=False)
            return np.concatenate([ordered, rest])
        sub = a[interior][:, interior].tocsc()
        perm = spla.splu(sub, permc_spec="MMD_AT_PLUS_A").perm_c
        return interior[perm]

    def _boundary_block_product(
        self, a: sp.csc_matrix, boundary: NDArray[np.int64], c_f: sp.csr_matrix, l_f_src: sp.csr_matrix
    ) -> NDArray[np.float64]:
        """c_f a^-1 l_f_src, using that both touch only the ``boundary`` free nodes."""
        n = a.shape[0]
        interior = np.setdiff1d(np.arange(n), boundary)
        order = np.concatenate([self._interior_order(a, interior), boundary])
        ap = a[order][:, order].tocsc()
        lu = spla.splu(ap, permc_spec="NATURAL", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
        k = boundary.size
        if not (np.array_equal(lu.perm_r, np.arange(n)) and np.array_equal(lu.perm_c, np.arange(n))):
            raise SimulationError("SuperLU reordered an SPD crossbar matrix; please report this")
        l22 = lu.L[n - k :, n - k :].toarray()
        u22 = lu.U[n - k :, n - k :].toarray()
        s_inv = np.linalg.inv(l22 @ u22)  # (a^-1) restricted to the boundary nodes
        return (c_f[:, boundary] @ s_inv) @ l_f_src[boundary].toarray()

    # ----- general path ---------------------------------------------------------------
    def _solve_one(
        self,
        v: NDArray[np.float64],
        saturated: NDArray[np.float64],
        max_iterations: int = _NEWTON_MAX_ITER,
        index: int | None = None,
    ) -> tuple[NDArray[np.float64], int]:
        """Node voltages for one input vector; ``saturated`` holds +/-v_sat or 0 per column.

        ``index`` (the vector's place in its batch) only names the vector in errors.
        """
        t = self.topo
        xb = self.xbar
        lin = t.lin.tolil(copy=True)
        rhs_sense = np.zeros(t.n)
        if xb.sense == "tia":
            sat = saturated != 0
            g_f = 1.0 / xb.tia.r_f_ohm
            for j in np.flatnonzero(sat):
                node = t.out[j]
                lin[node, node] += g_f - t.g_sense
                rhs_sense[node] += g_f * saturated[j]
        lin = lin.tocsr()
        full_v = self._fixed_values(v[None, :])[0]
        if t.free.size == 0:
            return full_v, 0
        model = xb.device

        def newton_step(jac_cells: sp.csr_matrix, resid: NDArray[np.float64]) -> NDArray[np.float64]:
            jac = (lin + jac_cells).tocsr()
            dv = np.atleast_1d(spla.spsolve(jac[t.free][:, t.free].tocsc(), -resid[t.free]))
            full_v[t.free] += dv
            return dv

        # first, the linear circuit with chord conductances (and transistors at their
        # on-conductance): exact for ohmic 1R devices
        jac0 = self._cell_matrix(self.g_cell)
        if xb.cell == "1t1r":
            g_on = np.full(t.wl.size, self._beta * (xb.nmos.v_gate_v - xb.nmos.vto_v))
            jac0 = jac0 + _stamps(t.n, t.mid.ravel(), t.bl.ravel(), g_on, -g_on)
        newton_step(jac0, (lin + jac0) @ full_v - rhs_sense)
        if self.ohmic:
            return full_v, 0
        for iterations in range(1, max_iterations + 1):  # noqa: B007 (returned below)
            inj, jac = self._branch_stamps(full_v)
            dv = newton_step(jac, lin @ full_v + inj - rhs_sense)
            if np.max(np.abs(dv)) <= CONVERGENCE_TOL * max(
                float(np.max(np.abs(full_v))), VOLTAGE_SCALE_FLOOR_V
            ):
                break
        else:
            inj, _ = self._branch_stamps(full_v)
            resid = float(np.max(np.abs((lin @ full_v + inj - rhs_sense)[t.free])))
            where = "" if index is None else f" at input vector {index}"
            raise NewtonConvergenceError(
                f"Newton did not converge in {max_iterations} iterations for {model.name}{where}: "
                f"largest KCL residual {resid:.3g} A; lower the read voltage or check the device parameters",
                vector_index=index,
                residual_a=resid,
            )
        return full_v, iterations

    def solve(
        self, v: ArrayLike, *, method: NonlinearMethod = "batch", max_iterations: int = _NEWTON_MAX_ITER
    ) -> SolveResult:
        """Solve reads of inputs ``v`` (V), shape (rows,) or (batch, rows).

        Parameters
        ----------
        v : array_like
            Read voltages (V).
        method : {"batch", "per-vector"}
            Nonlinear reads only: the batched chord Newton (default), or Newton
            vector by vector with a factorisation per step (the reference).
        max_iterations : int
            Newton (or chord) steps allowed per vector before
            :class:`~pymem.errors.NewtonConvergenceError`.
        """
        t0 = time.perf_counter()
        xb = self.xbar
        if method not in ("batch", "per-vector"):
            raise ParameterError(f"unknown solve method {method!r}; choose 'batch' or 'per-vector'")
        integer = isinstance(max_iterations, (int, np.integer)) and not isinstance(max_iterations, bool)
        if not integer or max_iterations < 1:
            raise ParameterError(f"max_iterations must be an integer >= 1, got {max_iterations!r}")
        batch = xb.check_inputs(v)
        n_vec = batch.shape[0]
        iters = np.zeros(n_vec, dtype=np.int64)
        if self.ohmic:
            m = self.transfer_matrix()
            y = batch @ m.T
            v_out = None
            if xb.sense == "tia":
                v_node = y / self.topo.g_sense  # column-end voltage
                v_out = -xb.tia.gain * v_node
                bad = np.any(np.abs(v_out) > xb.tia.v_sat_v, axis=1)
                for k in np.flatnonzero(bad):
                    y[k], v_out[k], iters[k] = self._solve_tia(batch[k])
                y = -v_out / xb.tia.r_f_ohm
            return SolveResult(y=y, v_out=v_out, newton_iterations=iters, seconds=time.perf_counter() - t0)
        if method == "batch":
            if self._batch is None:
                self._batch = BatchNewton(self)
            y, v_out, iters = self._batch.solve(batch, max_iterations)
            return SolveResult(y=y, v_out=v_out, newton_iterations=iters, seconds=time.perf_counter() - t0)
        y = np.empty((n_vec, xb.cols))
        v_out = np.empty((n_vec, xb.cols)) if xb.sense == "tia" else None
        for k in range(n_vec):
            if xb.sense == "tia":
                _, vo, iters[k] = self._solve_tia(batch[k], max_iterations, k)
                y[k] = -vo / xb.tia.r_f_ohm
                v_out[k] = vo  # type: ignore[index]
            else:
                full_v, iters[k] = self._solve_one(batch[k], np.zeros(xb.cols), max_iterations, k)
                y[k] = self._currents_into_sense(full_v)
        return SolveResult(y=y, v_out=v_out, newton_iterations=iters, seconds=time.perf_counter() - t0)

    def _currents_into_sense(self, full_v: NDArray[np.float64]) -> NDArray[np.float64]:
        t = self.topo
        xb = self.xbar
        if xb.r_col_ohm > 0:
            return (full_v[t.bl[-1, :]] - full_v[t.out]) / xb.r_col_ohm
        if xb.cell == "1t1r":
            i_t, _, _ = nmos_level1(full_v[t.mid], full_v[t.bl], xb.nmos.v_gate_v, xb.nmos.vto_v, self._beta)
            return i_t.sum(axis=0)
        vcell = full_v[t.wl] - full_v[t.bl]
        return np.asarray(xb.g_scale * xb.device.current(vcell, xb.states), dtype=float).sum(axis=0)

    @property
    def _beta(self) -> float:
        """Level-1 transistor gain KP W / L (A/V^2)."""
        return self.xbar.nmos.kp_a_per_v2 * self.xbar.nmos.w_over_l

    def _branch_stamps(self, full_v: NDArray[np.float64]) -> tuple[NDArray[np.float64], sp.csr_matrix]:
        """KCL currents of the nonlinear branches and their Jacobian stamps at ``full_v``."""
        t = self.topo
        xb = self.xbar
        a, b, x, k = t.wl.ravel(), t.mid.ravel(), xb.states.ravel(), xb.g_scale.ravel()
        vd = full_v[a] - full_v[b]
        i_d = k * xb.device.current(vd, x)
        h = DIFF_STEP_REL * np.maximum(np.abs(vd), DIFF_STEP_FLOOR_V)
        g = k * (xb.device.current(vd + h, x) - xb.device.current(vd - h, x)) / (2 * h)
        inj = np.zeros(t.n)
        np.add.at(inj, a, i_d)
        np.add.at(inj, b, -i_d)
        jac = _stamps(t.n, a, b, g, -g)
        if xb.cell == "1t1r":
            m, s_ = t.mid.ravel(), t.bl.ravel()
            i_t, d_m, d_s = nmos_level1(full_v[m], full_v[s_], xb.nmos.v_gate_v, xb.nmos.vto_v, self._beta)
            np.add.at(inj, m, i_t)
            np.add.at(inj, s_, -i_t)
            jac = jac + _stamps(t.n, m, s_, d_m, d_s)
        return inj, jac.tocsr()

    def _solve_tia(
        self, v: NDArray[np.float64], max_iterations: int = _NEWTON_MAX_ITER, index: int | None = None
    ) -> tuple[NDArray, NDArray, int]:
        """One TIA read with output clamping, by active-set iteration on the saturated columns."""
        xb = self.xbar
        sat = np.zeros(xb.cols)
        total = 0
        for _ in range(xb.cols + 2):
            full_v, it = self._solve_one(v, sat, max_iterations, index)
            total += it + 1
            node = full_v[self.topo.out]
            v_lin = -xb.tia.gain * node
            new_sat = np.where(v_lin > xb.tia.v_sat_v, xb.tia.v_sat_v, 0.0)
            new_sat = np.where(v_lin < -xb.tia.v_sat_v, -xb.tia.v_sat_v, new_sat)
            # a saturated column stays so while its unclamped drive still exceeds the rail
            keep = (sat != 0) & (np.sign(v_lin) == np.sign(sat)) & (np.abs(v_lin) >= xb.tia.v_sat_v)
            new_sat = np.where(keep, sat, new_sat)
            if np.array_equal(new_sat, sat):
                v_out = np.where(sat != 0, sat, v_lin)
                return self._currents_into_sense(full_v), v_out, total
            sat = new_sat
        raise SimulationError("TIA saturation pattern did not settle; lower the inputs or r_f_ohm")

    def node_voltages(self, v: ArrayLike) -> dict[str, NDArray[np.float64]]:
        """Word- and bit-line voltages at every cell for one input vector (V), each (rows, cols)."""
        xb = self.xbar
        vec = xb.check_inputs(v)
        if vec.shape[0] != 1:
            raise ParameterError(f"node_voltages takes one input vector, got {vec.shape[0]}")
        full_v = self._solve_one(vec[0], np.zeros(xb.cols))[0]
        return {"wl": full_v[self.topo.wl], "bl": full_v[self.topo.bl], "mid": full_v[self.topo.mid]}
