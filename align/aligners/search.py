"""Banded dynamic programming over sentence links, coarse to fine.

The search every aligner here shares (the length-only Gale-Church aligner, the
lexical-anchor aligner and the MT-assisted one differ only in what they put in
:class:`Sides`). It follows Vecalign (Thompson & Koehn 2019):

* A link joins ``a`` source sentences to ``b`` target sentences. Its cost is
  the Gale & Church (1993) length cost of the two blocks, plus a lexical cost
  ``weight * (1 - cos(x, y))`` where ``x`` and ``y`` are the sums of the
  sentences' feature vectors, plus ``-log`` of the link type's prior.
  1-0 and 0-1 links cost a fixed ``SKIP`` per sentence.
* The dynamic programme runs over prefix boundaries ``(i, j)`` (the first
  ``i`` source and ``j`` target sentences aligned), one numpy row at a time;
  0-1 links inside a row are a running minimum (``np.minimum.accumulate``), so
  no cell is visited in Python.
* Memory is linear: the DP is restricted to a band around a first-pass path.
  That path comes from aligning both texts at half resolution (adjacent
  sentences merged, vectors and lengths summed), recursively, until the table
  is small enough to fill in full; the coarse path is projected back and
  widened by ``BAND_WIDTH`` sentences on each side.

Consecutive 1-0 (or 0-1) links are merged into one n-0 (0-n) link: an
untranslated passage is one link, as in hand alignments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from align.aligners.gale_church import length_cost

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
#: fine-level band half width around the projected coarse path, in sentences
BAND_WIDTH = 10
SCALE = None
#: tables up to this many cells are filled in full instead of banded
MAX_FULL_CELLS = 250_000

_TYPES = list(LINK_PRIORS) + [(1, 0)]
_MAX_SPAN = max(a for a, _ in _TYPES)
_INSERT = len(_TYPES)  # code for a 0-1 link in the back-pointer rows
_INF = np.inf


@dataclass
class Sides:
    """What the search knows about the two texts.

    ``*_len`` are sentence lengths in characters; ``*_vec`` optional feature
    vectors (one row per sentence, comparable by cosine); ``ratio`` the
    expected target length per source character; ``lexical_weight`` how many
    nats a link with nothing in common costs more than a perfect match.
    """

    src_len: np.ndarray
    tgt_len: np.ndarray
    ratio: float
    src_vec: np.ndarray | None = None
    tgt_vec: np.ndarray | None = None
    lexical_weight: float = 0.0
    #: per-dimension maximum of a block's vector: a feature counts once per link
    cap: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.src_len), len(self.tgt_len)

    def skip_cost(self) -> float:
        """Cost of one unaligned sentence: the null link's prior, and the
        lexical cost of a sentence matched with nothing (as in a link with
        cosine 0, so that missing evidence alone never favours skipping)."""
        return SKIP

    def coarsen(self) -> "Sides":
        """Both texts at half resolution: sentences merged in adjacent pairs."""
        return Sides(
            _pair_sums(self.src_len), _pair_sums(self.tgt_len), self.ratio,
            None if self.src_vec is None else _pair_sums(self.src_vec),
            None if self.tgt_vec is None else _pair_sums(self.tgt_vec),
            self.lexical_weight, self.cap,
        )


def _pair_sums(values: np.ndarray) -> np.ndarray:
    if len(values) % 2:
        values = np.concatenate([values, np.zeros_like(values[:1])])
    return values[0::2] + values[1::2]


# ------------------------------------------------------------------ public
def search(sides: Sides) -> list[tuple[int, int, int, int]]:
    """Best monotone alignment as links ``(i0, i1, j0, j1)``: source sentences
    ``i0..i1-1`` with target sentences ``j0..j1-1``; every sentence once."""
    n, m = sides.shape
    if n == 0 or m == 0:
        return [(0, n, 0, m)] if n or m else []
    links = _raw_search(sides)
    refined = refine_ratio(sides, links)
    if abs(refined - sides.ratio) > 0.01 * sides.ratio:
        links = _raw_search(replace(sides, ratio=refined))
    return merge_null_runs(links)


def refine_ratio(sides: Sides, links: list[tuple[int, int, int, int]]) -> float:
    """Length ratio measured on the linked sentences of a first alignment.

    The ratio of the whole texts is biased when one side has passages the
    other lacks (an abridged translation): those passages are 1-0/0-1 links
    in the first pass and are left out of the second estimate.
    """
    src = sum(sides.src_len[i0:i1].sum() for i0, i1, j0, j1 in links if i1 > i0 and j1 > j0)
    tgt = sum(sides.tgt_len[j0:j1].sum() for i0, i1, j0, j1 in links if i1 > i0 and j1 > j0)
    return float(tgt / src) if src > 0 and tgt > 0 else sides.ratio


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
    n, m = sides.shape
    if (n + 1) * (m + 1) <= MAX_FULL_CELLS:
        lo = np.zeros(n + 1, dtype=np.int64)
        hi = np.full(n + 1, m, dtype=np.int64)
    else:
        coarse_links = _raw_search(sides.coarsen())
        lo, hi = project_band(coarse_links, n, m, BAND_WIDTH)
    return banded_dp(sides, lo, hi)


def project_band(coarse_links, n: int, m: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Fine-level column range ``[lo[i], hi[i]]`` for every row boundary ``i``,
    covering the coarse path scaled by two and ``width`` sentences either side."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for i0, i1, j0, j1 in coarse_links:
        r0, r1 = min(2 * i0, n), min(2 * i1, n)
        c0, c1 = min(2 * j0, m), min(2 * j1, m)
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], c0)
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], c1)
    lo = np.clip(lo - width, 0, m)
    hi = np.clip(hi + width, 0, m)
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # non-decreasing
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    return lo, hi


# ------------------------------------------------------------------ the DP
def banded_dp(sides: Sides, lo: np.ndarray, hi: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Fill the DP inside the band, row by row, and trace the best path back."""
    n, m = sides.shape
    costs = _LinkCosts(sides)
    skip = sides.skip_cost()
    type_cost = np.array([-math.log(LINK_PRIORS[t]) for t in LINK_PRIORS] + [skip])
    rows: list[np.ndarray] = []  # cumulative costs, only the last 3 are kept alive
    back: list[np.ndarray] = []  # back-pointer codes per row (int8)
    for i in range(n + 1):
        cols = np.arange(lo[i], hi[i] + 1)
        best = np.full(len(cols), _INF)
        code = np.full(len(cols), -1, dtype=np.int8)
        if i == 0 and lo[0] == 0:
            best[0] = 0.0
        for t, (a, b) in enumerate(_TYPES):
            if a > i:
                continue
            prev = rows[i - a]
            k = cols - b - lo[i - a]
            ok = (k >= 0) & (k < len(prev))
            if not ok.any():
                continue
            cand = np.full(len(cols), _INF)
            cand[ok] = prev[k[ok]] + type_cost[t]
            if b:
                cand[ok] += costs.block(i, a, b, cols[ok])
            better = cand < best
            best[better] = cand[better]
            code[better] = t
        _insertions(best, code, cols, skip)
        rows.append(best)
        back.append(code)
        if i >= _MAX_SPAN:
            rows[i - _MAX_SPAN] = None  # type: ignore[call-overload]  # free: never read again
    if not np.isfinite(rows[n][m - lo[n]]):
        raise RuntimeError("alignment band lost the path")  # a bug, not a user error
    return _trace(back, lo, n, m)


def _insertions(best: np.ndarray, code: np.ndarray, cols: np.ndarray, skip: float) -> None:
    """Allow runs of 0-1 links within the row: D[j] = min_k D[k] + (j - k) * skip."""
    shifted = best - cols * skip
    running = np.minimum.accumulate(shifted) + cols * skip
    wins = running < best - 1e-9
    best[wins] = running[wins]
    code[wins] = _INSERT


def _trace(back: list[np.ndarray], lo: np.ndarray, n: int, m: int) -> list[tuple[int, int, int, int]]:
    links = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(back[i][j - lo[i]])
        a, b = (0, 1) if t == _INSERT else _TYPES[t]
        links.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    links.reverse()
    return links


class _LinkCosts:
    """Length + lexical cost of source blocks ending at row ``i`` against
    target blocks ending at columns ``cols`` (vectorised over ``cols``).

    The lexical part is a reward: ``-weight * sum_f min(x_f, y_f)``, the
    anchor mass the two blocks share. It is additive -- two correct 1-1 links
    share as much as the 2-2 link that merges them -- so merging only pays
    when a sentence boundary really moved, and the link priors decide the rest.
    """

    def __init__(self, sides: Sides) -> None:
        self.sides = sides
        self.src_cum = np.concatenate([[0.0], np.cumsum(sides.src_len, dtype=np.float64)])
        self.tgt_cum = np.concatenate([[0.0], np.cumsum(sides.tgt_len, dtype=np.float64)])
        self.lexical = sides.src_vec is not None and sides.lexical_weight > 0
        self._row = -1
        self._blocks: dict = {}

    def block(self, i: int, a: int, b: int, cols: np.ndarray) -> np.ndarray:
        src_len = self.src_cum[i] - self.src_cum[i - a]
        tgt_len = self.tgt_cum[cols] - self.tgt_cum[cols - b]
        cost = length_cost(src_len, tgt_len, self.sides.ratio)
        if self.lexical:
            cost = cost - self.sides.lexical_weight * self._shared_mass(i, a, b, cols)
        return cost

    def _shared_mass(self, i: int, a: int, b: int, cols: np.ndarray) -> np.ndarray:
        found = self._row_block(i, a, int(cols[0]) - b, int(cols[-1]))
        if found is None:
            return np.zeros(len(cols))
        start, cum, x = found
        y = cum[cols - start] - cum[cols - b - start]
        return np.minimum(y, x).sum(axis=1, dtype=np.float64)

    def _row_block(self, i: int, a: int, first: int, last: int):
        """The source block ``i-a .. i-1`` (its non-zero dimensions only: the
        shared mass is zero elsewhere) and prefix sums of the target vectors
        ``first .. last-1`` on those dimensions; cached per row and ``a``."""
        if self._row != i:
            self._row, self._blocks = i, {}
        cached = self._blocks.get(a, False)
        if cached is False or (cached is not None and (cached[0] > first or cached[0] + len(cached[1]) - 1 < last)):
            x = self.sides.src_vec[i - a : i].sum(axis=0)
            dims = np.flatnonzero(x)
            if len(dims) == 0:
                cached = None
            else:
                start = max(0, first - max(b for _, b in _TYPES))
                rows = self.sides.tgt_vec[start:last][:, dims]
                cum = np.zeros((len(rows) + 1, len(dims)), dtype=np.float64)
                np.cumsum(rows, axis=0, out=cum[1:])
                x = x[dims]
                if self.sides.cap is not None:
                    x = np.minimum(x, self.sides.cap[dims])
                cached = (start, cum, x)
            self._blocks[a] = cached
        return cached
