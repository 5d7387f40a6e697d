"""Batched chord Newton for nonlinear crossbar reads.

A read of nonlinear devices (Yakopcic, Stanford-PKU, any 1T1R cell) solves,
for every input vector, the node equations

    F(v) = L v + A i(A^T v) - b = 0,

where L holds the linear wires, drivers and sense loads, A the incidence of
the cells (and access transistors), the only nonlinear branches, and b the
inputs. Every vector shares one sparsity pattern, and over a read's small
voltages the devices are close to linear. So instead of factorising the
Jacobian per vector and per step, the chord matrix

    J0 = L + A G0 A^T

(G0: each cell's chord conductance at half the read voltage, a transistor's
on-conductance) is factorised once, in a nested-dissection order, and a whole
batch of vectors iterates the chord step

    J0 dv = -F(v),    v <- v + dv

with the batch as one matrix of right-hand sides. The chord step converges
linearly, at the rate of the devices' nonlinearity over the read range (about
1e-6 per step for Yakopcic at its read voltage, 1e-2 for Stanford-PKU). It
stops on the per-vector Newton's own test: the last step's largest |dv| at
most 1e-14 of the vector's largest node voltage. A vector whose chord steps
stall (a step more than half the one before) or that runs out of steps goes
to the solver's per-vector Newton, which raises
:class:`~pymem.errors.NewtonConvergenceError` naming the vector when it
does not converge either.

TIA sensing is an active set over the saturated columns, as in the
per-vector path: vectors are grouped by saturation pattern, one chord
factorisation per pattern.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from pymem.engine.ordering import nested_dissection
from pymem.engine.stamps import nmos_level1
from pymem.errors import SimulationError


class CrossbarSolver(Protocol):
    """What the batched Newton reads of its solver (:class:`pymem.engine.static.CrossbarSolver`).

    Stated as a protocol so that this module does not import the solver that imports it.
    """

    xbar: Any
    """The crossbar read (:class:`pymem.crossbar.Crossbar`)."""
    topo: Any
    """The read circuit's node numbering and linear part."""
    _beta: float
    """Access transistors' transconductance factor (A/V^2)."""

    def _solve_one(
        self,
        v: NDArray[np.float64],
        saturated: NDArray[np.float64],
        max_iterations: int = ...,
        index: int | None = None,
    ) -> tuple[NDArray[np.float64], int]: ...


CONVERGENCE_TOL = 1e-14
"""Largest chord or Newton step accepted as converged, relative to the vector's largest node voltage."""

_STALL_RATIO = 0.5
# SuperLU's multi-right-hand-side solve is fastest at a few tens of vectors (measured at 64x64 and
# 256x256), and only with single-threaded BLAS: OpenBLAS threads on its small supernode products
# made it 10 times slower. Chunks of vectors run in parallel threads instead.
_CHUNK = 32
_WORKERS = max(1, min(2, os.cpu_count() or 1))


class _Chord:
    """The chord matrix of one TIA saturation pattern, factorised once.

    Every matrix is in the batch numbering: the free nodes first, in
    elimination order (positions 0 .. n_free - 1), then the fixed nodes.

    Parameters
    ----------
    full : scipy.sparse matrix, shape (n, n)
        Linear part plus the chord stamps of the nonlinear branches (S).
    lin : scipy.sparse matrix, shape (n, n)
        Linear part only (S), with this pattern's saturated TIA loads.
    rhs : ndarray, shape (n,)
        Currents injected by the saturated TIA outputs (A).
    n_free : int
        Number of free nodes.
    ordered : bool
        The free nodes are in a fill-reducing order of an SPD matrix: factorise
        without pivoting. Otherwise SuperLU orders and pivots.
    """

    def __init__(
        self, full: sp.spmatrix, lin: sp.spmatrix, rhs: NDArray[np.float64], n_free: int, ordered: bool
    ) -> None:
        full = sp.csr_matrix(full)
        a = full[:n_free, :n_free].tocsc()
        if ordered:
            opts = {"permc_spec": "NATURAL", "diag_pivot_thresh": 0.0, "options": {"SymmetricMode": True}}
        else:
            opts = {}
        self.lu = spla.splu(a, **opts)  # type: ignore[arg-type]
        # single-precision factors of the same matrix for the chord corrections, whose residuals stay
        # in double (mixed-precision iterative refinement); dropped if a vector stalls with them
        self.lu32: spla.SuperLU | None = spla.splu(a.astype(np.float32), **opts)  # type: ignore[arg-type]
        self.j0_free = full[:n_free]
        self.lin_free = sp.csr_matrix(lin)[:n_free]
        self.rhs_free = rhs[:n_free]
        self.has_rhs = bool(np.any(self.rhs_free))

    def correction(self, residual: NDArray[np.float64]) -> NDArray[np.float64]:
        """The chord step's J0^-1 F (V) for residuals F (A), shape (n_free, k)."""
        lu32 = self.lu32
        if lu32 is None:
            return np.asarray(self.lu.solve(residual))
        return np.asarray(lu32.solve(residual.astype(np.float32)), dtype=np.float64)


class BatchNewton:
    """Batched chord-Newton reads of one crossbar; factorisations kept across calls.

    Parameters
    ----------
    solver : CrossbarSolver
        The solver whose topology and devices are read (its ``topo``, ``xbar``).
    """

    def __init__(self, solver: CrossbarSolver) -> None:
        self.solver = solver
        self.max_iterations = 100
        t, xb = solver.topo, solver.xbar
        x = xb.states.reshape(-1, 1)
        self.x = x
        self.k = np.asarray(xb.g_scale, dtype=float).reshape(-1, 1) * np.ones_like(x)
        # chord conductance at half the read voltage: the middle of the range a read meets
        v_half = 0.5 * float(xb.v_read)
        g0 = (self.k * xb.device.current(v_half, x) / v_half).ravel()
        spd = bool(np.all(np.isfinite(g0)) and np.all(g0 >= 0))
        order = _free_order(solver) if spd else None
        free = t.free if order is None else t.free[order]
        self.ordered = order is not None
        # batch numbering: free nodes first (in elimination order), then the fixed ones
        self.old = np.concatenate([free, t.fixed]).astype(np.int64)
        self.new = np.empty(t.n, dtype=np.int64)
        self.new[self.old] = np.arange(t.n)
        self.n_free = free.size
        new = self.new
        self.cell_a, self.cell_b = new[t.wl.ravel()], new[t.mid.ravel()]
        self.src, self.out = new[t.src], new[t.out]
        self.bl_last = new[t.bl[-1, :]]
        self.t_d, self.t_s = new[t.mid.ravel()], new[t.bl.ravel()]
        inc = _incidence(t.n, self.cell_a, self.cell_b)
        self.a_free = sp.csr_matrix(inc[: self.n_free] @ sp.diags(self.k.ravel()))  # scaled by g_scale
        chord = _branch_matrix(inc, g0)
        self.t_free = None
        if xb.cell == "1t1r":
            t_inc = _incidence(t.n, self.t_d, self.t_s)
            self.t_free = sp.csr_matrix(t_inc[: self.n_free])
            g_on = np.full(self.t_d.size, solver._beta * (xb.nmos.v_gate_v - xb.nmos.vto_v))
            chord = chord + _branch_matrix(t_inc, g_on)
        self.lin = sp.csr_matrix(t.lin[self.old][:, self.old])
        self.chord_cells = chord
        self._chords: dict[bytes, _Chord] = {}

    # ----- one saturation pattern -------------------------------------------------
    def _chord(self, saturated: NDArray[np.float64]) -> _Chord:
        key = saturated.tobytes()
        if key not in self._chords:
            t, xb = self.solver.topo, self.solver.xbar
            lin = self.lin
            rhs = np.zeros(t.n)
            sat = np.flatnonzero(saturated)
            if sat.size:
                g_f = 1.0 / xb.tia.r_f_ohm
                nodes = self.out[sat]
                load = sp.csr_matrix((np.full(sat.size, g_f - t.g_sense), (nodes, nodes)), shape=lin.shape)
                lin = lin + load
                rhs[nodes] = g_f * saturated[sat]
            self._chords[key] = _Chord(lin + self.chord_cells, lin, rhs, self.n_free, self.ordered)
        return self._chords[key]

    def residual(self, chord: _Chord, v_nodes: NDArray[np.float64]) -> NDArray[np.float64]:
        """KCL residual F (A) at the free nodes, shape (n_free, k), of node voltages (n, k)."""
        vd = v_nodes[self.cell_a] - v_nodes[self.cell_b]
        res = chord.lin_free @ v_nodes
        res += self.a_free @ self.solver.xbar.device.current(vd, self.x)
        if chord.has_rhs:
            res -= chord.rhs_free[:, None]
        if self.t_free is not None:
            res += self.t_free @ self._transistor(v_nodes[self.t_d], v_nodes[self.t_s])
        return np.asarray(res)

    def _transistor(self, v_d: NDArray[np.float64], v_s: NDArray[np.float64]) -> NDArray[np.float64]:
        nmos = self.solver.xbar.nmos
        return nmos_level1(v_d, v_s, nmos.v_gate_v, nmos.vto_v, self.solver._beta)[0]

    def sense_currents(self, v_nodes: NDArray[np.float64]) -> NDArray[np.float64]:
        """Currents into the sense amplifiers (A), shape (cols, k), of node voltages (n, k)."""
        xb = self.solver.xbar
        if xb.r_col_ohm > 0:
            return (v_nodes[self.bl_last] - v_nodes[self.out]) / xb.r_col_ohm
        if xb.cell == "1t1r":
            i_c = self._transistor(v_nodes[self.t_d], v_nodes[self.t_s])
        else:
            vd = v_nodes[self.cell_a] - v_nodes[self.cell_b]
            i_c = self.k * xb.device.current(vd, self.x)
        return i_c.reshape(xb.rows, xb.cols, -1).sum(axis=0)

    def _chunk(
        self, chord: _Chord, saturated: NDArray[np.float64], v: NDArray[np.float64], index: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """Solve one chunk of vectors ``v`` (k, rows); node voltages (n, k) and steps per vector."""
        nf = self.n_free
        n_vec = v.shape[0]
        nodes = np.zeros((self.new.size, n_vec))
        nodes[self.src] = v.T
        iters = np.zeros(n_vec, dtype=np.int64)
        if nf == 0:
            return nodes, iters
        # the chord circuit first: J0_ff v_free = rhs - J0_fs v_fixed
        rhs = np.asarray(chord.j0_free @ nodes)
        if chord.has_rhs:
            rhs -= chord.rhs_free[:, None]
        nodes[:nf] = -chord.lu.solve(rhs)
        active = np.arange(n_vec)
        work = nodes
        prev = np.full(n_vec, np.inf)
        fallback: list[int] = []
        for it in range(1, self.max_iterations + 1):
            dv = chord.correction(self.residual(chord, work))
            work[:nf] -= dv
            step = np.max(np.abs(dv), axis=0)
            scale = np.maximum(np.max(np.abs(work), axis=0), 1e-30)
            done = step <= CONVERGENCE_TOL * scale
            stalled = ~done & (~np.isfinite(step) | ((step > _STALL_RATIO * prev) & (it >= 3)))
            finished = done | stalled
            iters[active[finished]] = it
            fallback.extend(active[stalled].tolist())
            if np.all(finished):
                if work is not nodes:
                    nodes[:, active] = work
                active = active[:0]
                break
            if np.any(finished):
                if work is not nodes:
                    nodes[:, active[finished]] = work[:, finished]
                work = work[:, ~finished]
                active, prev = active[~finished], step[~finished]
            else:
                prev = step
        fallback.extend(active.tolist())  # out of chord steps
        if fallback and chord.lu32 is not None:
            # retry in double precision before Newton vector by vector
            chord.lu32 = None
            redo = np.asarray(fallback)
            nodes[:, redo], its = self._chunk(chord, saturated, v[redo], index[redo])
            iters[redo] += its
            return nodes, iters
        for j in fallback:
            full_v, its = self.solver._solve_one(
                v[j], saturated, max_iterations=self.max_iterations, index=int(index[j])
            )
            nodes[:, j] = full_v[self.old]
            iters[j] += its
        return nodes, iters

    def _run(
        self, saturated: NDArray[np.float64], v: NDArray[np.float64], index: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
        """Solve vectors ``v`` (k, rows) sharing one saturation pattern.

        Returns the sense currents (k, cols) (A), the column-end voltages
        (k, cols) (V) and the steps per vector.
        """
        chord = self._chord(saturated)
        n_vec = v.shape[0]
        size = _CHUNK
        starts = list(range(0, n_vec, size))

        def work(s: int) -> tuple[NDArray, NDArray, NDArray]:
            nodes, its = self._chunk(chord, saturated, v[s : s + size], index[s : s + size])
            return self.sense_currents(nodes).T, nodes[self.out].T, its

        if len(starts) > 1 and _WORKERS > 1:
            with ThreadPoolExecutor(_WORKERS) as pool:
                parts = list(pool.map(work, starts))
        else:
            parts = [work(s) for s in starts]
        return (
            np.concatenate([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]),
        )

    # ----- all vectors ------------------------------------------------------------------
    def solve(
        self, batch: NDArray[np.float64], max_iterations: int
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.int64]]:
        """Read every vector of ``batch`` (V), shape (n_vec, rows).

        ``max_iterations`` bounds the chord steps per vector, and the Newton
        steps of a vector that falls back to the per-vector path.

        Returns
        -------
        y : ndarray, shape (n_vec, cols)
            Column output currents (A), as :class:`~pymem.engine.static.SolveResult` defines them.
        v_out : ndarray, shape (n_vec, cols) or None
            TIA output voltages (V); None for ideal sensing.
        iterations : ndarray of int, shape (n_vec,)
            Chord (and fallback Newton) steps per vector, over all saturation rounds for a TIA.
        """
        with threadpool_limits(1, user_api="blas"):
            return self._solve(batch, int(max_iterations))

    def _solve(
        self, batch: NDArray[np.float64], max_iterations: int
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.int64]]:
        xb = self.solver.xbar
        self.max_iterations = max_iterations
        n_vec = batch.shape[0]
        index = np.arange(n_vec)
        zero = np.zeros(xb.cols)
        if xb.sense != "tia":
            y, _, iters = self._run(zero, batch, index)
            return y, None, iters
        tia = xb.tia
        sat = np.zeros((n_vec, xb.cols))
        v_out = np.empty((n_vec, xb.cols))
        total = np.zeros(n_vec, dtype=np.int64)
        pending = index
        for _ in range(xb.cols + 2):
            patterns, group = np.unique(sat[pending], axis=0, return_inverse=True)
            still: list[NDArray[np.int64]] = []
            for g, pattern in enumerate(patterns):
                idx = pending[np.asarray(group).ravel() == g]
                _, node, its = self._run(pattern, batch[idx], idx)
                total[idx] += its + 1
                v_lin = -tia.gain * node
                new = np.where(v_lin > tia.v_sat_v, tia.v_sat_v, 0.0)
                new = np.where(v_lin < -tia.v_sat_v, -tia.v_sat_v, new)
                # a saturated column stays so while its unclamped drive still exceeds the rail
                keep = (pattern != 0) & (np.sign(v_lin) == np.sign(pattern)) & (np.abs(v_lin) >= tia.v_sat_v)
                new = np.where(keep, pattern, new)
                same = np.all(new == pattern, axis=1)
                v_out[idx[same]] = np.where(pattern != 0, pattern, v_lin[same])
                sat[idx[~same]] = new[~same]
                still.append(idx[~same])
            pending = np.concatenate(still)
            if pending.size == 0:
                return -v_out / tia.r_f_ohm, v_out, total
        raise SimulationError(
            f"TIA saturation pattern did not settle for input vector {int(pending[0])}; "
            "lower the inputs or r_f_ohm"
        )


def _incidence(n: int, a: NDArray[np.int64], b: NDArray[np.int64]) -> sp.csr_matrix:
    """Node-by-branch incidence (n x branches): +1 where a branch leaves (a), -1 where it enters (b)."""
    k = a.size
    cols = np.concatenate([np.arange(k), np.arange(k)])
    return sp.csr_matrix((np.concatenate([np.ones(k), -np.ones(k)]), (np.concatenate([a, b]), cols)), (n, k))


def _branch_matrix(inc: sp.csr_matrix, g: NDArray[np.float64]) -> sp.csr_matrix:
    """Conductance stamps (S) of branches of conductance ``g`` with incidence ``inc``."""
    return sp.csr_matrix(inc @ sp.diags(g) @ inc.T)


def _free_order(solver: CrossbarSolver) -> NDArray[np.int64] | None:
    """Nested-dissection order of the free positions, or None when lines have no resistance.

    1T1R mid nodes go first (each joins one word- and one bit-line node), then
    the word- and bit-line grid by nested dissection, then the rest (column ends).
    """
    t, xb = solver.topo, solver.xbar
    if not (xb.r_row_ohm > 0 and xb.r_col_ohm > 0):
        return None
    nodes = nested_dissection(t.wl, t.bl)
    if xb.cell == "1t1r":
        nodes = np.concatenate([t.mid.ravel(), nodes])
    pos = t.pos[nodes]
    pos = pos[pos >= 0]
    rest = np.setdiff1d(np.arange(t.free.size), pos)
    return np.concatenate([pos, rest]).astype(np.int64)
