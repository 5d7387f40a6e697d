"""Node voltages of a write circuit at one instant, for given device states.

Wires carry no capacitance, so the node voltages follow the sources and the
device states algebraically. Two solvers of the same equations:

- :class:`LinearNetwork` (1R arrays of ohmic devices: HP, VTEAM). The nodal
  matrix is factorised once, at the states the write starts from. Only the
  cells that move (the "active" cells) change it, by a rank-k update, so the
  voltages across them come from a k x k system (Woodbury), and the power the
  sources deliver from k-vectors. Between two waveform corners every source is
  linear in time, so the unperturbed solution is too: two sparse solves per
  corner, then every evaluation costs O(k^3) and no sparse work at all.
- :class:`NonlinearNetwork` (nonlinear devices, 1T1R): Newton's method on the
  whole network at every evaluation, warm-started from the last solution.

Both report the voltage across every cell (for choosing and checking the
active set) and the power delivered by the sources (W).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray
from scipy.linalg.lapack import dgesv

from pymem.circuit.write import WriteCircuit
from pymem.engine.stamps import branch_matrix, bulk_junction, junction_step_limit, nmos_level1, stamps
from pymem.errors import EngineConvergenceError

NEWTON_MAX_ITER = 200
DENSE_MAX_NODES = 300
"""Free-node systems up to this size are solved dense (numpy), larger ones sparse (SuperLU)."""
NEWTON_ABSTOL_A = 1e-15
"""Largest current imbalance at a node that counts as converged (A)."""
NEWTON_RELTOL = 1e-10
"""Newton stops when no node moves by more than this fraction of the largest node voltage..."""
NEWTON_VNTOL_V = 1e-12
"""... plus this absolute voltage (V)."""


def _solve(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``a^-1 b`` for a small dense system, through LAPACK directly (numpy's checks cost more here)."""
    _, _, x, info = dgesv(a, b)
    return x if info == 0 else np.linalg.solve(a, b)  # a singular system: numpy raises its error


def is_ohmic(circuit: WriteCircuit) -> bool:
    """True when every cell's current is linear in its voltage (1R, ohmic model)."""
    xb = circuit.xb
    if xb.cell != "1r":
        return False
    x = np.linspace(*xb.device.x_bounds, 7)
    for v in (0.05, 0.3, 1.0):
        i1, i2 = xb.device.current(v, x), xb.device.current(-2 * v, x)
        if not np.allclose(i2, -2 * i1, rtol=1e-12, atol=0):
            return False
    return True


class _Base:
    """Node numbering, fixed (driven) nodes and the linear part of a write circuit."""

    def __init__(self, circuit: WriteCircuit) -> None:
        arr = circuit.array
        xb = circuit.xb
        self.circuit = circuit
        self.n = arr.n
        self.p = arr.cell_p
        self.m = arr.cell_n
        self.scale = xb.g_scale.ravel()
        self.model = xb.device
        self.src_nodes = np.array([int(s.node) for s in circuit.sources], dtype=np.int64)
        fixed = np.zeros(self.n, bool)
        fixed[self.src_nodes] = True
        self.free = np.flatnonzero(~fixed)
        branches = arr.linear_branches() + ([circuit.leaks] if circuit.leaks is not None else [])
        mats = [branch_matrix(self.n, br) for br in branches]
        self.g_lin = sum(mats[1:], mats[0]).tocsr() if mats else sp.csr_matrix((self.n, self.n))
        self._times = np.unique(np.concatenate([s.times_s for s in circuit.sources]))
        self._volts = np.array([np.interp(self._times, s.times_s, s.volts) for s in circuit.sources])

    def source_volts(self, t: float) -> NDArray[np.float64]:
        """Voltage of every source at ``t`` (V), shape (sources,); constant outside the corners."""
        times = self._times
        i = int(np.searchsorted(times, t, side="right")) - 1  # times[i] <= t < times[i + 1]
        if i < 0:
            return self._volts[:, 0].copy()
        if i >= times.size - 1:
            return self._volts[:, -1].copy()
        w = (t - times[i]) / (times[i + 1] - times[i])
        return (1.0 - w) * self._volts[:, i] + w * self._volts[:, i + 1]

    def cell_volts(self, v_all: NDArray[np.float64]) -> NDArray[np.float64]:
        """Voltage across every cell's device (V), shape (cells,)."""
        return v_all[self.p] - v_all[self.m]


class LinearNetwork(_Base):
    """Ohmic 1R arrays: one factorisation, rank-k updates for the moving cells.

    Parameters
    ----------
    circuit : WriteCircuit
    states : ndarray, shape (cells,)
        States the factorisation is made at (state units).
    """

    def __init__(self, circuit: WriteCircuit, states: NDArray[np.float64]) -> None:
        super().__init__(circuit)
        self.refactor(states)

    def refactor(self, states: NDArray[np.float64]) -> None:
        """Factorise the nodal matrix afresh at ``states``; no cell is active afterwards.

        The network is algebraic, so this changes no result: it only empties the
        rank-k update of the cells that have moved since the last factorisation.
        """
        self.g0 = self.conductance(np.arange(states.size), states)
        g_full = (self.g_lin + stamps(self.n, self.p, self.m, self.g0, -self.g0)).tocsr()
        self.g_full = g_full
        a = g_full[self.free][:, self.free].tocsc()
        self.g_fs = g_full[self.free][:, self.src_nodes].tocsr()
        self.g_s = g_full[self.src_nodes].tocsr()
        self.lu = spla.splu(
            a, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True}
        )
        self._corner: dict[bytes, tuple[NDArray, NDArray, NDArray]] = {}
        self.cells = np.zeros(0, dtype=np.int64)
        self.z_all = np.zeros((self.n, 0))
        self.__dict__.pop("pmat", None)  # set_active() rebuilds it: no stale k x k block of the old cells
        self.reach = np.zeros(states.size)
        if hasattr(self, "_ends"):
            del self._ends

    def conductance(self, cells: NDArray[np.int64], x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Conductance of ``cells`` at states ``x`` (S)."""
        return self.scale[cells] * np.asarray(self.model.current(1.0, x), dtype=float)

    def corner(self, t: float) -> tuple[NDArray, NDArray, NDArray]:
        """Unperturbed node voltages (n,), source volts and source currents at ``t``.

        Solved once per distinct set of source voltages (a pulse's two flat-top
        corners share one solve; all sources at 0 V need none).
        """
        v_s = self.source_volts(t)
        key = v_s.tobytes()
        hit = self._corner.get(key)
        if hit is None:
            v_all = np.zeros(self.n)
            v_all[self.src_nodes] = v_s
            if self.free.size and np.any(v_s):
                v_all[self.free] = self.lu.solve(-(self.g_fs @ v_s))
            hit = (v_all, v_s, self.g_s @ v_all)
            self._corner[key] = hit
        return hit

    def set_active(self, cells: NDArray[np.int64]) -> None:
        """Make ``cells`` (flat indices) the moving ones; their update columns are solved once."""
        new = np.setdiff1d(cells, self.cells)
        if not new.size and hasattr(self, "pmat"):
            return
        if new.size:
            u = np.zeros((self.n, new.size))
            np.add.at(u, (self.p[new], np.arange(new.size)), 1.0)
            np.add.at(u, (self.m[new], np.arange(new.size)), -1.0)
            z = np.zeros((self.n, new.size))
            if self.free.size:
                z[self.free] = self.lu.solve(np.ascontiguousarray(u[self.free]))
            # reach: how far each cell's voltage moves per ampere of extra current in any update cell
            for c0 in range(0, new.size, 16):  # in blocks: a (cells, new) temporary is large at 256x256
                zc = z[:, c0 : c0 + 16]
                self.reach += np.abs(zc[self.p] - zc[self.m]).sum(axis=1)
            self.cells = np.concatenate([self.cells, new])
            self.z_all = np.hstack([self.z_all, z])
            order = np.argsort(self.cells)
            self.cells, self.z_all = self.cells[order], self.z_all[:, order]
        k = self.cells.size
        p, m = self.p[self.cells], self.m[self.cells]
        self.pmat = self.z_all[p] - self.z_all[m]  # U^T H U, (k, k)
        # source currents per unit extra current j: U_s - G0_s H U, (sources, k)
        slot = -np.ones(self.n, dtype=np.int64)
        slot[self.src_nodes] = np.arange(self.src_nodes.size)
        u_s = np.zeros((self.src_nodes.size, k))
        for nodes, sign in ((p, 1.0), (m, -1.0)):
            hit = slot[nodes] >= 0
            np.add.at(u_s, (slot[nodes][hit], np.flatnonzero(hit)), sign)
        self.w = u_s - self.g_s @ self.z_all

    def segment(
        self,
        ta: float,
        tb: float,
        integrated: NDArray[np.int64] | None = None,
        states: NDArray[np.float64] | None = None,
    ) -> None:
        """Prepare evaluations between corners ``ta`` < ``tb`` (sources linear in between).

        ``integrated`` (flat indices, default: the whole update, :meth:`set_active`)
        are the cells whose states evaluations take. The update's other cells
        (moved since the factorisation, still now) keep their ``states`` (all
        cells) and are eliminated here once (a Schur complement of the k x k
        system). Evaluations need only a value at ``ta`` plus a slope per unit
        of ``alpha = (t - ta) / (tb - ta)``: a few vector operations each.
        """
        self._ta, self._dt = ta, tb - ta
        self._ends = [self.corner(ta), self.corner(tb)]
        c = self.cells
        a_pos = np.arange(c.size) if integrated is None else np.searchsorted(c, integrated)
        if integrated is not None and not (
            np.all(a_pos < c.size) and np.array_equal(c[np.minimum(a_pos, c.size - 1)], integrated)
        ):
            raise RuntimeError("the engine's active set lost track of its cells; please report this")
        s_pos = np.setdiff1d(np.arange(c.size), a_pos)
        (va, vsa, isa), (vb, vsb, isb) = self._ends
        u0 = [v[self.p[c]] - v[self.m[c]] for v in (va, vb)]
        cm = [self.w.T @ vs for vs in (vsa, vsb)]
        dvs, dis = vsb - vsa, isb - isa  # power of the unperturbed network: quadratic in alpha
        self._pw = (float(vsa @ isa), float(vsa @ dis + dvs @ isa), float(dvs @ dis))
        self.integrated = c[a_pos]
        self._a_pos, self._s_pos = a_pos, s_pos
        p_aa = self.pmat[np.ix_(a_pos, a_pos)]
        if s_pos.size:
            if states is None:
                raise RuntimeError("segment() needs the states of the still cells; please report this")
            d_s = self.conductance(c[s_pos], states[c[s_pos]]) - self.g0[c[s_pos]]
            k_s = np.eye(s_pos.size) + self.pmat[np.ix_(s_pos, s_pos)] * d_s[None, :]
            lu = sla.lu_factor(k_s, check_finite=False)
            t_sa = sla.lu_solve(lu, self.pmat[np.ix_(s_pos, a_pos)], check_finite=False)
            r = [sla.lu_solve(lu, u[s_pos], check_finite=False) for u in u0]
            p_as_d = self.pmat[np.ix_(a_pos, s_pos)] * d_s[None, :]
            p_aa = p_aa - p_as_d @ t_sa
            u0a = [u[a_pos] - p_as_d @ ri for u, ri in zip(u0, r, strict=True)]
            self._js = [d_s * ri for ri in r]  # still cells' extra currents: js(alpha) - dst @ j_a
            self._dst = d_s[:, None] * t_sa
            ca = [ci[a_pos] - self._dst.T @ ci[s_pos] for ci in cm]
        else:
            u0a = [u[a_pos] for u in u0]
            self._js = [np.zeros(0), np.zeros(0)]
            self._dst = np.zeros((0, a_pos.size))
            ca = [ci[a_pos] for ci in cm]
        self._pmat_a = p_aa
        self._cm, self._dcm = cm[0], cm[1] - cm[0]
        self._u0a, self._du0 = u0a[0], u0a[1] - u0a[0]
        self._ca, self._dc = ca[0], ca[1] - ca[0]
        self._jsa, self._djs = self._js[0], self._js[1] - self._js[0]
        self._g0c, self._scale_c = self.g0[self.integrated], self.scale[self.integrated]
        self._eye = np.eye(a_pos.size)
        self._coupled = bool(np.any(self.pmat))  # False when every node is driven (no free node)
        self._zd: dict[bytes, tuple[NDArray, NDArray, NDArray]] = {}
        self._rows: tuple[NDArray, NDArray, NDArray, NDArray] | None = None

    def _lerp(self, pair: list, alpha: float):
        return (1 - alpha) * pair[0] + alpha * pair[1]

    def _alpha(self, t: float) -> float:
        return (t - self._ta) / self._dt if self._dt > 0 else 0.0

    def _cond_c(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return self._scale_c * self.model.current(1.0, x)

    def _full_j(self, alpha: float, j_a: NDArray[np.float64]) -> NDArray[np.float64]:
        """Extra currents of every cell of the update (A) from those of the integrated cells."""
        if not self._s_pos.size:
            return j_a
        j = np.empty(self.cells.size)
        j[self._a_pos] = j_a
        j[self._s_pos] = self._jsa + alpha * self._djs - self._dst @ j_a
        return j

    def active(self, t: float, x: NDArray[np.float64]) -> tuple[NDArray, float, NDArray]:
        """Voltages across the integrated cells (V) at their states ``x``, the source power (W),
        and the extra currents of every cell of the update (A)."""
        alpha = (t - self._ta) / self._dt if self._dt > 0 else 0.0
        u0 = self._u0a + alpha * self._du0
        d = self._cond_c(x) - self._g0c
        u = _solve(self._eye + self._pmat_a * d, u0) if self._coupled and d.size else u0
        j = self._full_j(alpha, d * u)
        p0, p1, p2 = self._pw
        power = p0 + alpha * (p1 + alpha * p2) + float((self._cm + alpha * self._dcm) @ j)
        return u, power, j

    def active_jacobian(
        self, t: float, x: NDArray[np.float64], span: float
    ) -> tuple[NDArray, NDArray, NDArray, NDArray]:
        """Derivatives of the integrated cells' voltages and extra currents with respect to their states.

        Returns
        -------
        u : ndarray, shape (k,)
            Voltages across the integrated cells (V).
        du_dx, dj_dx : ndarray, shape (k, k)
            d u_a / d x_b (V per state unit) and d j_a / d x_b (A per state unit).
        c : ndarray, shape (k,)
            Source power per unit extra current of each integrated cell (V): dP/dj,
            with the still cells' response included.
        """
        alpha = self._alpha(t)
        u0 = self._u0a + alpha * self._du0
        h = 1e-7 * span
        g = self._cond_c(x)
        gp = (self._cond_c(x + h) - self._cond_c(x - h)) / (2 * h)
        d = g - self._g0c
        if self._coupled:
            lu = sla.lu_factor(self._eye + self._pmat_a * d[None, :], check_finite=False)
            u = sla.lu_solve(lu, u0, check_finite=False)
            du_dx = -sla.lu_solve(lu, self._pmat_a * (gp * u)[None, :], check_finite=False)
        else:
            u, du_dx = u0, np.zeros((d.size, d.size))
        dj_dx = np.diag(gp * u) + d[:, None] * du_dx
        return u, du_dx, dj_dx, self._ca + alpha * self._dc

    def cell_volts_at(
        self, t: float, j: NDArray[np.float64], cells: NDArray[np.int64]
    ) -> NDArray[np.float64]:
        """Voltage across ``cells`` (V) at ``t`` given the active cells' extra currents ``j`` (A)."""
        key = cells.tobytes()
        hit = self._zd.get(key)
        if hit is None:  # the same cells are checked at every step of an interval
            (va, _, _), (vb, _, _) = self._ends
            p, m = self.p[cells], self.m[cells]
            wa = va[p] - va[m]
            hit = self._zd[key] = (wa, vb[p] - vb[m] - wa, self.z_all[p] - self.z_all[m])
        wa, dw, zd = hit
        return wa + self._alpha(t) * dw - zd @ j

    def some_cell_volts(self, t: float, j: NDArray[np.float64], cells: NDArray[np.int64]) -> NDArray:
        """Voltage across ``cells`` (V) at ``t``, as :meth:`cell_volts_at`, for sets that change from
        call to call: each cell's row of the update's response is worked out once per segment."""
        if self._rows is None:
            size = self.p.size
            rows = np.empty((size, self.cells.size))
            self._rows = (np.zeros(size, bool), rows, np.empty(size), np.empty(size))
        known, zd, wa, dw = self._rows
        new = cells[~known[cells]]
        if new.size:
            (va, _, _), (vb, _, _) = self._ends
            p, m = self.p[new], self.m[new]
            wa[new] = va[p] - va[m]
            dw[new] = vb[p] - vb[m] - wa[new]
            zd[new] = self.z_all[p] - self.z_all[m]
            known[new] = True
        return wa[cells] + self._alpha(t) * dw[cells] - zd[cells] @ j

    def all_cell_volts(self, t: float, j: NDArray[np.float64]) -> NDArray[np.float64]:
        """Voltage across every cell (V) at ``t`` given the active cells' extra currents ``j``."""
        v_all = self._lerp([e[0] for e in self._ends], self._alpha(t)) - self.z_all @ j
        return self.cell_volts(v_all)

    def solve_all(self, t: float, x_all: NDArray[np.float64]) -> tuple[NDArray, float]:
        """Every cell's voltage (V) and the source power (W) at ``t`` for states ``x_all`` (any change)."""
        g = self.conductance(np.arange(x_all.size), x_all)
        mat = (self.g_lin + stamps(self.n, self.p, self.m, g, -g)).tocsr()
        v_s = self.source_volts(t)
        v_all = np.zeros(self.n)
        v_all[self.src_nodes] = v_s
        if self.free.size:
            a = mat[self.free][:, self.free].tocsc()
            v_all[self.free] = spla.spsolve(a, -(mat[self.free][:, self.src_nodes] @ v_s))
        return self.cell_volts(v_all), float(v_s @ (mat[self.src_nodes] @ v_all))


class NonlinearNetwork(_Base):
    """Nonlinear devices or 1T1R cells: Newton on the whole network at each evaluation.

    The Jacobian's sparsity never changes, so its pattern on the free nodes is
    worked out once; each iteration only sums the entries (dense below
    ``DENSE_MAX_NODES`` free nodes, where that is faster than a sparse solve).
    """

    def __init__(self, circuit: WriteCircuit) -> None:
        super().__init__(circuit)
        xb = circuit.xb
        self.one_t = xb.cell == "1t1r"
        self.bl = circuit.array.bl.ravel()
        self.beta = xb.nmos.kp_a_per_v2 * xb.nmos.w_over_l
        self.vto = xb.nmos.vto_v
        self.rows = np.repeat(np.arange(xb.rows), xb.cols)
        gates = circuit.gates
        self._gate_t = np.unique(np.concatenate([g.times_s for g in gates])) if gates else None
        self._gate_v = (
            np.array([np.interp(self._gate_t, g.times_s, g.volts) for g in gates]) if gates else None
        )
        self.junctions = np.concatenate([self.m, self.bl]) if self.one_t else np.zeros(0, dtype=np.int64)
        self.v_last = np.zeros(self.n)
        self.iterations = 0
        self._pattern()

    def _pattern(self) -> None:
        """Positions of every Jacobian entry in the free-node system, summed by a key per entry."""
        pos = -np.ones(self.n, dtype=np.int64)
        pos[self.free] = np.arange(self.free.size)
        lin = self.g_lin.tocoo()
        rows = [lin.row, *self._pairs(self.p, self.m)[0]]
        cols = [lin.col, *self._pairs(self.p, self.m)[1]]
        if self.one_t:
            rows += [*self._pairs(self.m, self.bl)[0], self.junctions]
            cols += [*self._pairs(self.m, self.bl)[1], self.junctions]
        r = pos[np.concatenate(rows)]
        c = pos[np.concatenate(cols)]
        self._keep = (r >= 0) & (c >= 0)
        nf = self.free.size
        keys = c[self._keep] * nf + r[self._keep]  # column-major, as CSC stores them
        self._lin_data = lin.data
        self.dense = nf <= DENSE_MAX_NODES
        if self.dense:
            self._keys = keys
            return
        uniq, self._inverse = np.unique(keys, return_inverse=True)
        self._n_uniq = uniq.size
        self._indices = (uniq % nf).astype(np.int32)
        self._indptr = np.searchsorted(uniq // nf, np.arange(nf + 1)).astype(np.int32)

    @staticmethod
    def _pairs(a: NDArray[np.int64], b: NDArray[np.int64]) -> tuple[list, list]:
        return [a, a, b, b], [a, b, a, b]

    def _solve(self, values: NDArray[np.float64], rhs: NDArray[np.float64]) -> NDArray[np.float64]:
        """Solve the free-node system whose entries are ``values`` (in pattern order) for ``rhs``."""
        nf = self.free.size
        vals = values[self._keep]
        if self.dense:
            mat = np.bincount(self._keys, weights=vals, minlength=nf * nf).reshape(nf, nf).T
            return np.linalg.solve(mat, rhs)
        data = np.bincount(self._inverse, weights=vals, minlength=self._n_uniq)
        mat = sp.csc_matrix((data, self._indices, self._indptr), shape=(nf, nf))
        return np.atleast_1d(spla.spsolve(mat, rhs))

    def _gate(self, t: float) -> NDArray[np.float64]:
        return np.array([np.interp(t, self._gate_t, row) for row in self._gate_v])[self.rows]  # type: ignore[index]

    def _currents(
        self, v_all: NDArray[np.float64], x_all: NDArray[np.float64], v_g: NDArray | None
    ) -> tuple[NDArray, NDArray]:
        """KCL injections of the devices, transistors and junctions (A), and their Jacobian entries (S)."""
        vd = v_all[self.p] - v_all[self.m]
        i_d = self.scale * self.model.current(vd, x_all)
        h = 1e-6 * np.maximum(np.abs(vd), 1e-3)
        g = self.scale * (self.model.current(vd + h, x_all) - self.model.current(vd - h, x_all)) / (2 * h)
        inj = np.zeros(self.n)
        np.add.at(inj, self.p, i_d)
        np.add.at(inj, self.m, -i_d)
        entries = [self._lin_data, g, -g, -g, g]
        if self.one_t:
            i_t, d_m, d_s = nmos_level1(v_all[self.m], v_all[self.bl], v_g, self.vto, self.beta)
            np.add.at(inj, self.m, i_t)
            np.add.at(inj, self.bl, -i_t)
            # bulk junctions of both terminals (bulk grounded), forward-biased by negative lines
            i_j, g_j = bulk_junction(v_all[self.junctions])
            np.add.at(inj, self.junctions, -i_j)
            entries += [d_m, d_s, -d_m, -d_s, g_j]
        return inj, np.concatenate(entries)

    def solve_all(self, t: float, x_all: NDArray[np.float64]) -> tuple[NDArray, float]:
        """Every cell's voltage (V) and the source power (W) at ``t`` for states ``x_all``.

        Raises
        ------
        EngineConvergenceError
            When Newton does not converge, naming the time and the worst node.
        """
        v = self.v_last.copy()
        v_s = self.source_volts(t)
        v[self.src_nodes] = v_s
        v_g = self._gate(t) if self.one_t else None
        f = self.free
        it = 0
        for it in range(1, NEWTON_MAX_ITER + 1):  # noqa: B007 (counted below)
            if f.size == 0:
                break
            inj, values = self._currents(v, x_all, v_g)
            resid = self.g_lin @ v + inj
            dv = self._solve(values, -resid[f])
            if self.one_t:
                step = np.zeros(self.n)
                step[f] = dv
                j = self.junctions
                dv = dv * junction_step_limit(v[j], v[j] + step[j])
            v[f] += dv
            # SPICE's tests: no node moves by more than reltol of the largest voltage plus vntol,
            # or every node's currents balance to within the write decks' abstol
            if np.max(np.abs(dv)) <= NEWTON_RELTOL * float(np.max(np.abs(v))) + NEWTON_VNTOL_V:
                break
            if np.max(np.abs(resid[f])) <= NEWTON_ABSTOL_A:
                break
        else:
            worst = int(f[np.argmax(np.abs(dv))])
            raise EngineConvergenceError(
                f"Newton did not converge in {NEWTON_MAX_ITER} iterations at t = {t!r} s "
                f"(largest update {float(np.max(np.abs(dv))):.3g} V at node "
                f"{self.circuit.array.name(worst)}); shorten the pulse edges or check the device parameters",
                time_s=float(t),
            )
        self.iterations += it
        self.v_last = v
        inj, _ = self._currents(v, x_all, v_g)
        i_s = (self.g_lin @ v + inj)[self.src_nodes]
        return self.cell_volts(v), float(v_s @ i_s)
