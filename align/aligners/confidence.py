"""How sure the aligner is of each link: posterior probabilities by forward-backward.

The search (:mod:`.search`) keeps the single best alignment, the one path of
least cost through a lattice of links. Read as negative log-probabilities,
the same costs define a distribution over *all* paths through the band, and
the probability that a given link is part of the alignment is the total
weight of the paths that use it over the total weight of all paths (the
forward-backward algorithm of HMMs, Rabiner 1989; for sentence alignment,
the link posteriors that Moore 2002 thresholds and that Hunalign's and
Vecalign's per-link scores stand in for). A link that the texts support
clearly gets a posterior near 1; one that a neighbouring segmentation could
replace at almost the same cost, near 0.5 or below: the links an editor
should check first.

The lattice is exactly the search's: joined link types with their priors,
length, lexical and boundary costs; omitted source passages (1-0 .. 4-0) with
an affine cost; runs of omitted target sentences (0-k), never two runs in a
row. The forward pass sums, for every cell ``(i, j)`` of the band, the
weights of the paths from ``(0, 0)`` to it (``log``-space, one numpy row at a
time, as the search's rows; a run of 0-1 links is a cumulative
``logaddexp``). The backward pass is the same forward pass over both texts
reversed (the costs of a block do not depend on its direction), so both share
one piece of code.

The costs are divided by a temperature (``TEMPERATURE``) before they are
read as probabilities: the search's costs were set to find the best path, not
to be calibrated, and at 1 the posteriors are too sure of themselves (on the
TransRead books, links given 0.7 to 0.9 were right 68% of the time). 1.5 is
what every leave-one-book-out fold but one chose, for anchors and for mt
(``scripts/align_eval.py --confidence-held-out``, Brier score); for the
length-only costs of gale-church, 1 (``LENGTH_ONLY_TEMPERATURE``). The links
themselves do not depend on it.

What a link's confidence is:

* a joined link (1-1, 2-1, ...): its posterior probability;
* an omitted passage (n-0 or 0-n): the smallest, over its sentences, of the
  probability that the sentence is left unaligned (by any omitted passage).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from align.aligners import search as S

Range = tuple[int, int, int, int]
_NEG = -np.inf
#: costs are divided by this before they are read as -log probabilities
TEMPERATURE = 1.5
#: the same for the length-only aligner (gale-church), whose costs have no
#: lexical reward: at 1 it is, if anything, too unsure already
LENGTH_ONLY_TEMPERATURE = 1.0


@dataclass
class Lattice:
    """The search's costs, shared by both passes."""

    sides: S.Sides
    lo: np.ndarray
    hi: np.ndarray
    temperature: float | None = None  # None: default_temperature(sides)

    def __post_init__(self) -> None:
        scale = 1.0 / (self.temperature or default_temperature(self.sides))
        fixed = S.fixed_costs(self.sides)
        self.joined = fixed.joined
        self.skip, self.extend = fixed.skip * scale, fixed.extend * scale
        self.prior, self.deletion = fixed.prior * scale, fixed.deletion * scale
        self.costs = _Tempered(S._RowCosts(self.sides, self.lo, self.hi, self.joined), scale)

    def band(self, i: int) -> np.ndarray:
        return np.arange(int(self.lo[i]), int(self.hi[i]) + 1)


def default_temperature(sides: S.Sides) -> float:
    """``TEMPERATURE`` for aligners with lexical evidence, ``LENGTH_ONLY_TEMPERATURE`` without."""
    lexical = sides.src_vec is not None and sides.lexical_weight > 0
    return TEMPERATURE if lexical else LENGTH_ONLY_TEMPERATURE


class _Tempered:
    """The search's link costs (:class:`.search._RowCosts`) times ``scale``."""

    def __init__(self, costs: S._RowCosts, scale: float) -> None:
        self.inner, self.scale = costs, scale

    def row(self, i: int, cols: np.ndarray) -> np.ndarray:
        return self.scale * self.inner.row(i, cols)

    def costs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return self.scale * self.inner.costs(rows, cols)

    def src_crossings(self, i: int, a: int) -> float:
        return self.scale * self.inner.src_crossings(i, a)

    def tgt_crossings(self, cols: np.ndarray) -> np.ndarray:
        return self.scale * self.inner.tgt_crossings(cols)


@dataclass
class Forward:
    """Per row ``i``, over the band's columns: ``total[i]``, the log weight of
    all paths from the start to ``(i, j)``, and ``settled[i]``, of those whose
    last link is not a run of 0-1 links (a run may follow only them)."""

    total: list[np.ndarray]
    settled: list[np.ndarray]
    lo: np.ndarray

    def at(self, i: int, j: int) -> float:
        k = j - int(self.lo[i])
        row = self.total[i]
        return float(row[k]) if 0 <= k < len(row) else _NEG


def forward(lattice: Lattice, wanted: dict[int, list[tuple[int, int]]] | None = None,
            found: dict[tuple[int, int, int], float] | None = None) -> Forward:
    """The forward pass (see the module docstring).

    ``wanted[i]`` names joined links ending in row ``i`` as (type index,
    column) pairs; their costs (prior included) are stored in
    ``found[(i, type, column)]``, since the pass computes every cost of the
    band anyway."""
    sides, n_joined = lattice.sides, len(lattice.joined)
    n, m = sides.shape
    span_of = np.array([a for a, _ in S._TYPES])
    shift_of = np.array([b for _, b in S._TYPES])[:, None]
    slots = S._MAX_SPAN + 1
    ring = np.full((slots, m + 1 + S._PAD), _NEG)
    total: list[np.ndarray] = []
    settled: list[np.ndarray] = []
    for i in range(n + 1):
        cols = lattice.band(i)
        if i == 0:
            ends = np.full(len(cols), _NEG)
            if cols[0] == 0:
                ends[0] = 0.0  # the start
        else:
            cand = ring[((i - span_of) % slots)[:, None], cols[None, :] + S._PAD - shift_of]
            costs = lattice.prior[:, None] + lattice.costs.row(i, cols)
            for t, j in (wanted or {}).get(i, ()):
                found[(i, t, j)] = float(costs[t, j - cols[0]])
            cand[:n_joined] -= costs
            cand[n_joined:] -= (lattice.deletion + [lattice.costs.src_crossings(i, a)
                                                    for a, _ in S._DELETIONS])[:, None]
            ends = np.logaddexp.reduce(cand, axis=0)
        crossings = lattice.costs.tgt_crossings(cols)
        runs = _runs_into(ends, cols, crossings, lattice.skip, lattice.extend)
        row = np.logaddexp(ends, runs)
        ring[i % slots, :] = _NEG
        ring[i % slots, cols[0] + S._PAD : cols[-1] + S._PAD + 1] = row
        total.append(row)
        settled.append(ends)
    return Forward(total, settled, lattice.lo.copy())


def _runs_into(ends: np.ndarray, cols: np.ndarray, crossings: np.ndarray, first: float,
               extend: float) -> np.ndarray:
    """Log weight of the paths into each cell whose last link is a run of 0-1
    links starting at an earlier cell of the row (a run of target sentences
    k .. j-1 costs first + (j-k-1) * extend + crossings[j] - crossings[k+1],
    separable in k and j: a cumulative logaddexp)."""
    runs = np.full(len(cols), _NEG)
    if len(cols) < 2:
        return runs
    starts = ends[:-1] + cols[:-1] * extend + crossings[1:]
    runs[1:] = np.logaddexp.accumulate(starts) - (first - extend) - cols[1:] * extend - crossings[1:]
    return runs


def reverse(lattice: Lattice) -> Lattice:
    """The same lattice over both texts read backwards: cell ``(i, j)`` becomes
    ``(n - i, m - j)``, a block keeps its sentences, so its cost is unchanged."""
    sides = lattice.sides
    n, m = sides.shape
    reversed_sides = replace(
        sides,
        src_len=sides.src_len[::-1].copy(), tgt_len=sides.tgt_len[::-1].copy(),
        src_vec=None if sides.src_vec is None else sides.src_vec[::-1],  # views: the costs copy what they use
        tgt_vec=None if sides.tgt_vec is None else sides.tgt_vec[::-1],
        src_boundaries=_reverse_boundaries(sides.src_boundaries),
        tgt_boundaries=_reverse_boundaries(sides.tgt_boundaries),
    )
    return Lattice(reversed_sides, (m - lattice.hi[::-1]).copy(), (m - lattice.lo[::-1]).copy(),
                   lattice.temperature)


def _reverse_boundaries(costs: np.ndarray | None) -> np.ndarray | None:
    """Boundary costs read backwards: the boundary before sentence s (of N)
    is the boundary before sentence N - s of the reversed text."""
    if costs is None:
        return None
    flipped = np.zeros_like(costs)
    flipped[1:] = costs[:0:-1]  # flipped[r] = costs[N - r]
    return flipped


def link_confidence(sides: S.Sides, lo: np.ndarray, hi: np.ndarray, links: list[Range],
                    temperature: float | None = None) -> np.ndarray:
    """Confidence of each of ``links`` (the search's result on ``sides``, in the
    band ``lo``/``hi``), between 0 and 1 (see the module docstring)."""
    lattice = Lattice(sides, lo, hi, temperature)
    wanted: dict[int, list[tuple[int, int]]] = {}
    for i0, i1, j0, j1 in links:
        if i1 > i0 and j1 > j0 and (i1 - i0, j1 - j0) in lattice.joined:
            wanted.setdefault(i1, []).append((lattice.joined.index((i1 - i0, j1 - j0)), j1))
    link_costs: dict[tuple[int, int, int], float] = {}
    ahead = forward(lattice, wanted, link_costs)
    back_lattice = reverse(lattice)
    behind = forward(back_lattice)
    n, m = sides.shape
    log_z = ahead.at(n, m)
    if not np.isfinite(log_z):
        raise RuntimeError("alignment band holds no path")  # a bug, not a user error
    src_free = _source_unaligned(lattice, ahead, behind, log_z)
    tgt_free = _target_unaligned(lattice, ahead, behind, log_z)
    confidence = np.empty(len(links))
    for k, (i0, i1, j0, j1) in enumerate(links):
        if i1 == i0:
            confidence[k] = tgt_free[j0:j1].min()
        elif j1 == j0:
            confidence[k] = src_free[i0:i1].min()
        else:
            confidence[k] = _joined_posterior(lattice, ahead, behind, log_z, (i0, i1, j0, j1), link_costs)
    return np.clip(confidence, 0.0, 1.0)


def _joined_posterior(lattice: Lattice, ahead: Forward, behind: Forward, log_z: float, link: Range,
                      known: dict[tuple[int, int, int], float] | None = None) -> float:
    """P(link); its cost is looked up in ``known`` (from the forward pass) or computed."""
    i0, i1, j0, j1 = link
    n, m = lattice.sides.shape
    kind = (i1 - i0, j1 - j0)
    if kind not in lattice.joined:
        return 0.0  # a link type the search does not make
    t = lattice.joined.index(kind)
    cost = (known or {}).get((i1, t, j1))
    if cost is None:
        cost = lattice.prior[t] + lattice.costs.costs(np.array([i1]), np.array([j1]))[0, t, 0]
    return math.exp(min(0.0, ahead.at(i0, j0) - cost + behind.at(n - i1, m - j1) - log_z))


def _source_unaligned(lattice: Lattice, ahead: Forward, behind: Forward, log_z: float) -> np.ndarray:
    """P(source sentence s is in an omitted passage), for every s."""
    n, m = lattice.sides.shape
    free = np.zeros(n)
    for i in range(1, n + 1):
        for a, cost in zip((a for a, _ in S._DELETIONS), lattice.deletion):
            if a > i:
                break
            first, last = int(lattice.lo[i]), int(lattice.hi[i - a])  # columns in both rows' bands
            if last < first:
                continue
            cols = np.arange(first, last + 1)
            before = ahead.total[i - a][cols - int(lattice.lo[i - a])]
            after = behind.total[n - i][(m - cols) - int(behind.lo[n - i])]
            weight = np.logaddexp.reduce(before + after) - cost - lattice.costs.src_crossings(i, a) - log_z
            free[i - a : i] += math.exp(min(0.0, weight))
    return free


def _target_unaligned(lattice: Lattice, ahead: Forward, behind: Forward, log_z: float) -> np.ndarray:
    """P(target sentence t is in an omitted passage), for every t: the runs of
    0-1 links of a row that cover t start at a column <= t and end at one > t;
    a run follows a settled cell and is followed by one (read backwards)."""
    n, m = lattice.sides.shape
    free = np.zeros(m)
    first, extend = lattice.skip, lattice.extend
    for i in range(n + 1):
        cols = lattice.band(i)
        if len(cols) < 2:
            continue
        crossings = lattice.costs.tgt_crossings(cols)
        after_settled = behind.settled[n - i][::-1]  # reversed row n - i covers m - cols, descending
        starts = ahead.settled[i] + cols * extend
        starts[:-1] += crossings[1:]
        ends = after_settled - cols * extend - crossings
        from_left = np.logaddexp.accumulate(starts)  # runs starting at or before column q
        to_right = np.logaddexp.accumulate(ends[::-1])[::-1]  # runs ending at or after column q
        weight = from_left[:-1] + to_right[1:] - (first - extend) - log_z
        free[cols[:-1]] += np.exp(np.minimum(weight, 0.0))
    return free
