"""Length-based sentence alignment (Gale & Church 1993).

"A program for aligning sentences in bilingual corpora": a sentence and its
translation have proportional lengths in characters. With ``c`` the expected
number of target characters per source character and ``s2`` the variance of
that ratio per source character, the normalised difference

    delta = (l_tgt - l_src * c) / sqrt(l_src * s2)

is roughly standard normal for true translations, and a link costs
``-log P(|delta|)`` = ``-log(2 * (1 - Phi(|delta|)))`` plus ``-log`` of its
type's prior. Gale & Church fixed ``c = 1``; here ``c`` is measured on the two
texts themselves (total target characters / total source characters), so the
aligner adapts to the language pair and to tokenised or raw text alike.

The search is the shared banded, coarse-to-fine dynamic programme in
:mod:`align.aligners.search` (nltk's ``align_blocks`` fills the full n x m
table in pure Python, and it assumes ``c = 1``).
"""

from __future__ import annotations

import numpy as np

#: variance of the length ratio per source character. Gale & Church measured
#: 6.8 on the Canadian Hansard; literary and news translation is freer, and
#: 15 keeps the length term from overruling the lexical evidence there
VARIANCE = 15.0


def length_cost(src_len, tgt_len, ratio: float) -> np.ndarray:
    """``-log P(match | lengths)`` for blocks of ``src_len`` and ``tgt_len``
    characters (numpy arrays or numbers, broadcast)."""
    src_len = np.asarray(src_len, dtype=np.float64)
    tgt_len = np.asarray(tgt_len, dtype=np.float64)
    mean = (src_len + tgt_len / ratio) / 2.0
    delta = np.abs(tgt_len - src_len * ratio) / np.sqrt(np.maximum(mean, 1.0) * VARIANCE)
    return _minus_log_erfc(delta / np.sqrt(2.0))


def _minus_log_erfc(z: np.ndarray) -> np.ndarray:
    """``-log(erfc(z))`` for z >= 0 without underflow (Numerical Recipes erfcc,
    fractional error below 1.2e-7), so far-off lengths get large finite costs."""
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    return -np.log(t) + z * z - poly


#: plausible range of the length ratio of a translation: outside it the texts
#: are not whole translations of each other (a summary against the full text)
#: and the ratio says nothing about the sentences that do correspond
RATIO_RANGE = (0.5, 2.0)


def clamp_ratio(ratio: float) -> float:
    """``ratio`` if plausible, else 1.0 (French and English run about as long)."""
    return ratio if RATIO_RANGE[0] <= ratio <= RATIO_RANGE[1] else 1.0


def length_ratio(src: list[str], tgt: list[str]) -> float:
    """Target characters per source character over the whole texts."""
    src_chars = sum(len(s) for s in src)
    tgt_chars = sum(len(s) for s in tgt)
    if src_chars == 0 or tgt_chars == 0:
        return 1.0
    return clamp_ratio(tgt_chars / src_chars)


def align(src: list[str], tgt: list[str], paragraph_starts: tuple | None = None, scored: bool = False):
    """Align by sentence lengths alone (and paragraph and dialogue-turn
    boundaries: :mod:`.boundaries`); links as ``(i0, i1, j0, j1)`` half-open
    ranges (and, if ``scored``, their confidences: :func:`.search.scored_search`)."""
    from align.aligners.boundaries import both_sides
    from align.aligners.search import Sides, scored_search, search

    sides = Sides(
        np.array([len(s) for s in src], dtype=np.float64),
        np.array([len(s) for s in tgt], dtype=np.float64),
        length_ratio(src, tgt),
    )
    return (scored_search if scored else search)(sides, both_sides(src, tgt, paragraph_starts))
