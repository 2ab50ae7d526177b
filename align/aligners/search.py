"""Banded dynamic programming over sentence links, coarse to fine.

The search every aligner here shares (the length-only Gale-Church aligner, the
lexical-anchor aligner and the MT-assisted one differ only in what they put in
:class:`Sides`). It follows Vecalign (Thompson & Koehn 2019):

* A link joins ``a`` source sentences to ``b`` target sentences. Its cost is
  the Gale & Church (1993) length cost of the two blocks, minus a lexical
  reward ``weight * cos(x, y)`` where ``x`` and ``y`` are the blocks' feature
  vectors (sums of their sentences' vectors), plus ``-log`` of the link
  type's prior, plus a cost per paragraph or dialogue-turn boundary inside
  the link (:mod:`.boundaries`).
  The cosine is normalised, as Vecalign's cost is: a sentence with no
  counterpart *lowers* the similarity of any block it joins, so an extra
  English sentence is cheaper to leave out (0-1) than to merge (1-2), while
  a sentence whose translation really was split keeps the cosine high. (A
  reward for the shared mass ``sum_f min(x_f, y_f)``, the previous cost, only
  grows with the block, and merged unrelated sentences whenever the length
  and priors allowed.) The price: the reward is per link, so two 1-1 links
  that each match partly beat the 2-2 link that merges them unless the 1-1
  halves share almost nothing; 2-2 links are found only then.
  An omitted passage (n-0 or 0-n) costs ``SKIP`` for its first sentence and
  ``SKIP_EXTEND`` for each further one.
* The dynamic programme runs over prefix boundaries ``(i, j)`` (the first
  ``i`` source and ``j`` target sentences aligned), one numpy row at a time;
  0-1 links inside a row are a running minimum (``np.minimum.accumulate``), so
  no cell is visited in Python.
* Memory is linear: the DP is restricted to a band around a first-pass path.
  That path comes from aligning both texts at half resolution (adjacent
  sentences merged, vectors and lengths summed), recursively, until the table
  is small enough to fill in full; the coarse path is projected back and
  widened by ``BAND_WIDTH`` sentences on each side.
* The length ratio is measured twice: on the whole texts, then again on the
  1-1 links of a first (coarse, for long texts) pass, which leaves out
  passages one side lacks and the sentences merged into a link by mistake.

Consecutive 1-0 (or 0-1) links are merged into one n-0 (0-n) link: an
untranslated passage is one link, as in hand alignments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from align.aligners.gale_church import clamp_ratio, length_cost

#: link types searched besides 1-0 and 0-1, with their prior probabilities.
#: Gale & Church's priors give 1-1 0.89; literary translation merges and splits
#: sentences more often, so the mass is spread a little wider here.
LINK_PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.80,
    (1, 2): 0.06,
    (2, 1): 0.06,
    (2, 2): 0.02,
    (1, 3): 0.01,
    (3, 1): 0.01,
    (2, 3): 0.002,
    (3, 2): 0.002,
    (1, 4): 0.002,
    (4, 1): 0.002,
}
#: cost of leaving one sentence unaligned (1-0 or 0-1), in nats
SKIP = -math.log(0.005)
#: cost of each further sentence of an omitted passage
SKIP_EXTEND = -math.log(0.1)
#: fine-level band half width around the projected coarse path, in sentences
BAND_WIDTH = 10
#: DP rows whose link costs are computed together (see ``_RowCosts``)
CHUNK_ROWS = 64
#: at most this many band cells per chunk of rows (a wide band takes fewer rows)
MAX_CHUNK_CELLS = 16_384
#: tables up to this many cells are filled in full instead of banded
MAX_FULL_CELLS = 40_000

_DELETIONS = [(1, 0), (2, 0), (3, 0), (4, 0)]  # omitted source passages, affine cost
_TYPES = list(LINK_PRIORS) + _DELETIONS
_MAX_SPAN = max(a for a, _ in _TYPES)
_PAD = max(b for _, b in _TYPES)  # inf columns left of column 0 in the DP rows
_INSERT = len(_TYPES)  # code for a 0-1 link in the back-pointer rows
_INF = np.inf


@dataclass
class Sides:
    """What the search knows about the two texts.

    ``*_len`` are sentence lengths in characters; ``*_vec`` optional feature
    vectors (one row per sentence, comparable by cosine); ``ratio`` the
    expected target length per source character; ``lexical_weight`` how many
    nats a link with nothing in common (cosine 0) costs more than a perfect
    match (cosine 1).
    """

    src_len: np.ndarray
    tgt_len: np.ndarray
    ratio: float
    src_vec: np.ndarray | None = None
    tgt_vec: np.ndarray | None = None
    lexical_weight: float = 0.0
    #: per side, optional: what a link pays (nats) for the boundary just
    #: before each sentence, when that boundary is inside one of its blocks
    #: (a paragraph or dialogue-turn start: :mod:`.boundaries`)
    src_boundaries: np.ndarray | None = None
    tgt_boundaries: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.src_len), len(self.tgt_len)

    def skip_cost(self) -> float:
        """Cost of one unaligned sentence (1-0 or 0-1 link).

        ``SKIP`` in general; when one text has many more sentences than the
        other can absorb in 1-2 and 2-1 links (more than half as many again),
        the surplus must stay unaligned and a skip is that much more likely.
        """
        n, m = self.shape
        surplus = abs(n - m) - 0.5 * min(n, m)
        if surplus <= 0:
            return SKIP
        return min(SKIP, -math.log(surplus / (n + m)))

    def coarsen(self) -> "Sides":
        """Both texts at half resolution: sentences merged in adjacent pairs."""
        return Sides(
            _pair_sums(self.src_len), _pair_sums(self.tgt_len), self.ratio,
            None if self.src_vec is None else _pair_sums(self.src_vec),
            None if self.tgt_vec is None else _pair_sums(self.tgt_vec),
            self.lexical_weight,
            None if self.src_boundaries is None else _pair_first(self.src_boundaries),
            None if self.tgt_boundaries is None else _pair_first(self.tgt_boundaries),
        )


def _pair_first(values: np.ndarray) -> np.ndarray:
    """Boundaries at half resolution: a boundary inside a merged pair is not seen."""
    return values[0::2].copy()


def _pair_sums(values: np.ndarray) -> np.ndarray:
    if len(values) % 2:
        values = np.concatenate([values, np.zeros_like(values[:1])])
    return values[0::2] + values[1::2]


# ------------------------------------------------------------------ public
def search(sides: Sides, boundaries: tuple[np.ndarray, np.ndarray] | None = None,
           guide: list[tuple[int, int, int, int]] | None = None) -> list[tuple[int, int, int, int]]:
    """Best monotone alignment as links ``(i0, i1, j0, j1)``: source sentences
    ``i0..i1-1`` with target sentences ``j0..j1-1``; every sentence once.

    ``boundaries`` = (source, target) boundary costs, one per sentence
    (:func:`.boundaries.both_sides`), if any. ``guide``, the links of an
    earlier alignment of the same texts (a second pass with more features),
    replaces the coarse levels: the band is ``BAND_WIDTH`` sentences either
    side of its path.
    """
    if 0 in sides.shape:
        return _one_sided(sides)
    return merge_null_runs(banded_dp(*final_pass(sides, boundaries, guide)))


def scored_search(sides: Sides, boundaries: tuple[np.ndarray, np.ndarray] | None = None,
                  guide: list[tuple[int, int, int, int]] | None = None
                  ) -> tuple[list[tuple[int, int, int, int]], np.ndarray]:
    """:func:`search`'s links and the confidence of each, between 0 and 1
    (its posterior probability: :mod:`align.aligners.confidence`)."""
    from align.aligners.confidence import link_confidence

    if 0 in sides.shape:
        links = _one_sided(sides)
        return links, np.ones(len(links))
    refined, lo, hi = final_pass(sides, boundaries, guide)
    links = merge_null_runs(banded_dp(refined, lo, hi))
    return links, link_confidence(refined, lo, hi, links)


def _one_sided(sides: Sides) -> list[tuple[int, int, int, int]]:
    n, m = sides.shape
    return [(0, n, 0, m)] if n or m else []


def final_pass(sides: Sides, boundaries: tuple[np.ndarray, np.ndarray] | None = None,
               guide: list[tuple[int, int, int, int]] | None = None) -> tuple[Sides, np.ndarray, np.ndarray]:
    """What the last DP of :func:`search` runs on: the sides with their
    boundary costs and the refined length ratio, and the band (``lo``, ``hi``)."""
    n, m = sides.shape
    if boundaries is not None:
        src_boundaries, tgt_boundaries = (np.asarray(costs, dtype=np.float64) for costs in boundaries)
        if src_boundaries.shape != (n,) or tgt_boundaries.shape != (m,):
            raise ValueError("one boundary cost per sentence is needed on each side")
        sides = replace(sides, src_boundaries=src_boundaries, tgt_boundaries=tgt_boundaries)
    probe = sides
    while (probe.shape[0] + 1) * (probe.shape[1] + 1) > MAX_FULL_CELLS:
        probe = probe.coarsen()  # a long text: estimate the ratio on the coarse level
    refined = replace(sides, ratio=refine_ratio(probe, _raw_search(probe)))
    if guide is not None:
        return (refined, *project_band(guide, n, m, BAND_WIDTH, scale=1))
    return (refined, *_band(refined))


def refine_ratio(sides: Sides, links: list[tuple[int, int, int, int]]) -> float:
    """Length ratio measured on the 1-1 links of a first alignment (on all
    its non-null links if it has no 1-1 link).

    The ratio of the whole texts is biased when one side has passages the
    other lacks (an abridged translation): those passages are 1-0/0-1 links
    in the first pass, or merged into a neighbour's link when the biased ratio
    made that cheap; either way they are left out of the second estimate.
    (Emma: whole texts 1.31 English characters per French one, all linked
    sentences of a first pass 1.20, its 1-1 links 1.09, the gold's 1-1 links 1.07.)
    """
    used = [link for link in links if link[1] - link[0] == 1 and link[3] - link[2] == 1]
    if not used:
        used = [link for link in links if link[1] > link[0] and link[3] > link[2]]
    src = sum(sides.src_len[i0:i1].sum() for i0, i1, j0, j1 in used)
    tgt = sum(sides.tgt_len[j0:j1].sum() for i0, i1, j0, j1 in used)
    return clamp_ratio(float(tgt / src)) if src > 0 and tgt > 0 else sides.ratio


def merge_null_runs(links: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Join consecutive 1-0 links (and consecutive 0-1 links) into one."""
    merged: list[tuple[int, int, int, int]] = []
    for link in links:
        if merged and _same_null_side(merged[-1], link):
            i0, _, j0, _ = merged[-1]
            merged[-1] = (i0, link[1], j0, link[3])
        else:
            merged.append(link)
    return merged


def _same_null_side(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    a_src, a_tgt = a[1] - a[0], a[3] - a[2]
    b_src, b_tgt = b[1] - b[0], b[3] - b[2]
    return (a_tgt == 0 and b_tgt == 0) or (a_src == 0 and b_src == 0)


def _raw_search(sides: Sides) -> list[tuple[int, int, int, int]]:
    return banded_dp(sides, *_band(sides))


def _band(sides: Sides) -> tuple[np.ndarray, np.ndarray]:
    """The whole table if it is small, else a band around the path found at half resolution."""
    n, m = sides.shape
    if (n + 1) * (m + 1) <= MAX_FULL_CELLS:
        return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)
    return project_band(_raw_search(sides.coarsen()), n, m, BAND_WIDTH)


def project_band(coarse_links, n: int, m: int, width: int,
                 scale: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Fine-level column range ``[lo[i], hi[i]]`` for every row boundary ``i``,
    covering the coarse path scaled by ``scale`` and ``width`` sentences either side."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for i0, i1, j0, j1 in coarse_links:
        r0, r1 = min(scale * i0, n), min(scale * i1, n)
        c0, c1 = min(scale * j0, m), min(scale * j1, m)
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], c0)
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], c1)
    lo = np.clip(lo - width, 0, m)
    hi = np.clip(hi + width, 0, m)
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # non-decreasing
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    return lo, hi


# ------------------------------------------------------------------ the DP
class FixedCosts(NamedTuple):
    """The costs of the lattice that do not depend on the sentences' content:
    what :func:`banded_dp` minimises over and :mod:`.confidence` sums over."""

    joined: list[tuple[int, int]]  # every type but the deletions, in _TYPES order
    prior: np.ndarray  # -log prior of each joined type
    skip: float  # the first sentence of an omitted passage (1-0 or 0-1)
    extend: float  # each further sentence of it
    deletion: np.ndarray  # each omitted source passage type of _DELETIONS (1-0 .. 4-0)


def fixed_costs(sides: Sides) -> FixedCosts:
    joined = [t for t in _TYPES if t[1] > 0]
    skip = sides.skip_cost()
    extend = min(skip, SKIP_EXTEND)
    return FixedCosts(joined, np.array([-math.log(LINK_PRIORS[t]) for t in joined]), skip, extend,
                      np.array([skip + (a - 1) * extend for a, _ in _DELETIONS]))


def banded_dp(sides: Sides, lo: np.ndarray, hi: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Fill the DP inside the band, one row at a time, and trace the best path back.

    Rows are kept in a ring of full-width arrays (``_MAX_SPAN + 1`` rows, padded
    with ``inf`` on the left), so that the predecessors of a whole band row for
    link type (a, b) are one slice of row ``i - a`` shifted by ``b``; all link
    types of a row are scored as one (types x band) matrix.
    """
    n, m = sides.shape
    fixed = fixed_costs(sides)
    joined, skip, extend, deletion_cost = fixed.joined, fixed.skip, fixed.extend, fixed.deletion
    costs = _RowCosts(sides, lo, hi, joined)
    prior_cost = fixed.prior[:, None]
    span_of = np.array([a for a, _ in _TYPES])  # source sentences of each type, deletions too
    shift_of = np.array([b for _, b in _TYPES])[:, None]  # target sentences (0 for deletions)
    n_joined = len(joined)
    slots = _MAX_SPAN + 1
    ring = np.full((slots, m + 1 + _PAD), _INF)
    ring_band: list[tuple[int, int] | None] = [None] * slots
    back: list[np.ndarray] = []
    starts: list[np.ndarray | None] = []  # per row: where each run of 0-1 links begins
    for i in range(n + 1):
        first, last = int(lo[i]), int(hi[i])
        cols = np.arange(first, last + 1)
        if i == 0:
            cand = np.full((len(_TYPES), len(cols)), _INF)
            if first == 0:
                cand[n_joined, 0] = 0.0  # the start; other cells of row 0 come from 0-1 links
        else:
            # predecessors: row i - a (a ring slot; a slot not written yet, for
            # a > i, is all inf), shifted by b columns
            cand = ring[((i - span_of) % slots)[:, None], cols[None, :] + _PAD - shift_of]
            cand[:n_joined] += prior_cost + costs.row(i, cols)
            cand[n_joined:] += (deletion_cost + [costs.src_crossings(i, a) for a, _ in _DELETIONS])[:, None]
        code = np.argmin(cand, axis=0).astype(np.int8)
        best = cand[code, np.arange(len(cols))]
        starts.append(_insertions(best, code, cols, skip, extend, costs.tgt_crossings(cols)))
        slot, old = i % slots, ring_band[i % slots]
        if old is not None:
            ring[slot, old[0] + _PAD : old[1] + _PAD + 1] = _INF
        ring[slot, first + _PAD : last + _PAD + 1] = best
        ring_band[slot] = (first, last)
        back.append(code)
    if not np.isfinite(ring[n % slots, m + _PAD]):
        raise RuntimeError("alignment band lost the path")  # a bug, not a user error
    return _trace(back, starts, lo, n, m)


def _insertions(best: np.ndarray, code: np.ndarray, cols: np.ndarray, first: float,
                extend: float, crossings: np.ndarray) -> np.ndarray | None:
    """Runs of 0-1 links within the row, with an affine cost (the first
    sentence ``first``, each further one ``extend``): an omitted passage is
    one decision, not one per sentence. With ``crossings[c]`` the summed
    boundary costs before column c, a run of target sentences k .. j-1 costs
    first + (j-k-1) * extend + crossings[j] - crossings[k+1]: separable, so the
    best k for every j is a running minimum. Returns, per cell, the column
    where its run begins."""
    after = np.zeros(len(cols))
    after[:-1] = crossings[1:]
    shifted = best - cols * extend - after
    shifted[-1] = _INF  # a run cannot start at the band's last column
    running_min = np.minimum.accumulate(shifted)
    where = np.maximum.accumulate(np.where(shifted <= running_min, np.arange(len(cols)), 0))
    running = np.full(len(cols), _INF)
    running[1:] = running_min[:-1] + cols[1:] * extend + (first - extend) + crossings[1:]
    wins = running < best - 1e-9
    if not wins.any():
        return None
    best[wins] = running[wins]
    code[wins] = _INSERT
    begin = np.zeros(len(cols), dtype=np.int64)
    begin[1:] = cols[where[:-1]]
    return begin


def _trace(back: list[np.ndarray], starts: list[np.ndarray | None], lo: np.ndarray,
           n: int, m: int) -> list[tuple[int, int, int, int]]:
    links = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(back[i][j - lo[i]])
        if t == _INSERT:
            k = int(starts[i][j - lo[i]])
            links.append((i, i, k, j))
            j = k
            continue
        a, b = _TYPES[t]
        links.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    links.reverse()
    return links


class _RowCosts:
    """Length + lexical (+ boundary) costs of every joined link type ending
    in row ``i``, for the whole band row: a (types x columns) matrix.

    The costs do not depend on the DP's values, so they are computed for a
    chunk of consecutive rows at once (``CHUNK_ROWS``, fewer where the band is
    wide), as (rows x types x columns) arrays: a few large numpy operations
    instead of many small ones per row.

    The lexical part is a reward, ``-weight * cos(x, y)`` for the blocks'
    summed feature vectors. Block vectors are sums, so ``x . y`` is a sum of
    sentence-to-sentence dot products: one matrix product of the chunk's
    source sentences with its target sentences, turned into a summed-area
    table (cumulative sums along both axes), gives the dot product of every
    pair of blocks as four lookups. Block norms are computed once per text
    (``_block_norms``).
    """

    def __init__(self, sides: Sides, lo: np.ndarray, hi: np.ndarray, types: list[tuple[int, int]]) -> None:
        self.sides, self.lo, self.hi = sides, lo, hi
        self.a_of = np.array([a for a, _ in types])
        self.b_of = np.array([b for _, b in types])
        self.src_cum = np.concatenate([[0.0], np.cumsum(sides.src_len, dtype=np.float64)])
        self.tgt_cum = np.concatenate([np.zeros(_PAD + 1), np.cumsum(sides.tgt_len, dtype=np.float64)])
        self.lexical = sides.src_vec is not None and sides.lexical_weight > 0
        if self.lexical:
            self.src_norm = _block_norms(sides.src_vec, _MAX_SPAN, 0)
            self.tgt_norm = _block_norms(sides.tgt_vec, _PAD, _PAD)
        self.src_boundary_sums = self.tgt_boundary_sums = None  # cumulative: cost of the boundaries before k
        if sides.src_boundaries is not None and sides.tgt_boundaries is not None:
            self.src_boundary_sums = np.concatenate([[0.0], np.cumsum(sides.src_boundaries)])
            self.tgt_boundary_sums = np.concatenate([np.zeros(_PAD + 1), np.cumsum(sides.tgt_boundaries)])
        self.chunk_rows = range(0)
        self.first_col = 0
        self.chunk = np.zeros((0, len(types), 0))

    def src_crossings(self, i: int, a: int) -> float:
        """Boundary cost of the source block i-a .. i-1 (boundaries strictly inside)."""
        if self.src_boundary_sums is None or a > i:
            return 0.0
        return float(self.src_boundary_sums[i] - self.src_boundary_sums[i - a + 1])

    def tgt_crossings(self, cols: np.ndarray) -> np.ndarray:
        """The summed boundary costs of the target sentences before each column."""
        if self.tgt_boundary_sums is None:
            return np.zeros(len(cols))
        return self.tgt_boundary_sums[cols + _PAD]

    def row(self, i: int, cols: np.ndarray) -> np.ndarray:
        """Costs of the link types (rows) ending at ``(i, j)`` for ``j`` in
        ``cols`` (a band row); entries for blocks reaching before the first
        sentence are meaningless (the DP gives them ``inf`` predecessors)."""
        if i not in self.chunk_rows:
            self._next_chunk(i)
        start = int(cols[0]) - self.first_col
        return self.chunk[i - self.chunk_rows.start, :, start : start + len(cols)]

    def _next_chunk(self, i: int) -> None:
        n = len(self.lo) - 1
        end = min(n + 1, i + CHUNK_ROWS)
        while end > i + 1 and (end - i) * (self.hi[end - 1] - self.lo[i] + 1) > MAX_CHUNK_CELLS:
            end = i + max(1, (end - i) // 2)
        rows = np.arange(i, end)
        cols = np.arange(int(self.lo[i]), int(self.hi[end - 1]) + 1)
        self.chunk_rows, self.first_col = range(i, end), int(cols[0])
        self.chunk = self.costs(rows, cols)

    def costs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """(rows x types x cols) costs of the links ending at every ``(i, j)``."""
        a_of, b_of = self.a_of[None, :, None], self.b_of[None, :, None]
        ends_i, ends_j = rows[:, None, None], cols[None, None, :]
        src_len = self.src_cum[ends_i] - self.src_cum[np.maximum(ends_i - a_of, 0)]
        tgt_len = self.tgt_cum[ends_j + _PAD] - self.tgt_cum[ends_j + _PAD - b_of]
        cost = length_cost(src_len, tgt_len, self.sides.ratio)
        if self.lexical:
            cost -= self.sides.lexical_weight * self.cosines(rows, cols)
        if self.src_boundary_sums is not None:
            # boundaries strictly inside the blocks: before sentences i-a+1 .. i-1, j-b+1 .. j-1
            inside_src = self.src_boundary_sums[ends_i] - self.src_boundary_sums[np.maximum(ends_i - a_of + 1, 0)]
            inside_tgt = self.tgt_boundary_sums[ends_j + _PAD] - self.tgt_boundary_sums[ends_j + _PAD - b_of + 1]
            cost += inside_src + inside_tgt
        return cost

    def cosines(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """(rows x types x cols): cosine of source block (i-a .. i-1) and
        target block (j-b .. j-1), 0 where a block has no features (or would
        begin before the first sentence)."""
        src_first = max(0, int(rows[0]) - _MAX_SPAN)
        tgt_first = max(0, int(cols[0]) - _PAD)
        src = self.sides.src_vec[src_first : int(rows[-1])].astype(np.float32)
        tgt = self.sides.tgt_vec[tgt_first : int(cols[-1])].astype(np.float32)
        table = np.zeros((len(src) + 1, len(tgt) + 1))  # table[s, t]: sum of products before (s, t)
        table[1:, 1:] = (src @ tgt.T).astype(np.float64).cumsum(axis=0).cumsum(axis=1)
        a_of, b_of = self.a_of[None, :, None], self.b_of[None, :, None]
        ends_i, ends_j = rows[:, None, None], cols[None, None, :]
        i1, i0 = ends_i - src_first, np.maximum(ends_i - a_of, src_first) - src_first
        j1, j0 = ends_j - tgt_first, np.maximum(ends_j - b_of, tgt_first) - tgt_first
        dots = table[i1, j1] - table[i0, j1] - table[i1, j0] + table[i0, j0]
        norms = self.src_norm[a_of, ends_i] * self.tgt_norm[b_of, ends_j + _PAD]
        return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)


def _block_norms(vectors: np.ndarray, span: int, pad: int) -> np.ndarray:
    """``norms[k, e + pad]``: the length of the sum of the ``k`` vectors before
    row ``e``, for k = 1 .. span (0 where that block would start before row 0)."""
    n = len(vectors)
    norms = np.zeros((span + 1, n + 1 + pad))
    block = np.zeros((n + 1, vectors.shape[1]), dtype=np.float32)
    for k in range(1, span + 1):
        block[k:] += vectors[: n + 1 - k]  # block[e] = vectors[e-k] + ... + vectors[e-1]
        norms[k, pad + k :] = np.sqrt(np.einsum("ij,ij->i", block[k:], block[k:], dtype=np.float64))
    return norms
