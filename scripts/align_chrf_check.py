#!/usr/bin/env python3
"""Does sacrebleu's chrF score MT-assisted alignment links better than the mt cosine?

Bleualign (Sennrich & Volk 2010) scores candidate links by BLEU between the
machine translation of the source block and the target block. align's ``mt``
method (:mod:`align.aligners.mt`) instead adds the translation's words and
word bigrams to the anchor features and rewards a link by the cosine of the
blocks' feature vectors, which the banded search gets for a whole band from a
few matrix products. This script measures the alternative on the TransRead
books, with Apertium as the translator:

1. the ``mt`` alignment as shipped (the baseline row);
2. then one more pass of the same search in a narrow band (``--band``
   sentences) around that alignment, where every candidate link (all link
   types) also gets ``-W * chrF / 100``: sacrebleu's sentence-level chrF
   (character 6-grams, beta 2) of the translation of the French block
   against the English block, with the mt cosine kept at ``keep`` times its
   weight (``keep`` 0: chrF alone decides the lexical part).

Block statistics are the sums of the sentences' n-gram counts (sacrebleu's
own ``extract_all_char_ngrams``), and the score is sacrebleu's
``CHRF._compute_f_score``; the script first checks that this equals
``sacrebleu.sentence_chrf`` on single sentences. The extra cost is hooked
into the search's cost function for the experiment (it is not an option of
align: it was measured worse; see the issue note).

    python3 scripts/align_chrf_check.py [--settings 10:0,10:1,5:0.5] [--band 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import align_eval  # noqa: E402

CHAR_ORDER = 6


class BlockChrf:
    """sacrebleu chrF of (translation block, English block) pairs, with
    per-sentence n-gram counts extracted once and block sums cached."""

    def __init__(self, hypotheses: list[str], references: list[str]) -> None:
        from sacrebleu.metrics.chrf import CHRF
        from sacrebleu.metrics.helpers import extract_all_char_ngrams

        self.metric = CHRF()
        self.hyp = [extract_all_char_ngrams(s, CHAR_ORDER) for s in hypotheses]
        self.ref = [extract_all_char_ngrams(s, CHAR_ORDER) for s in references]
        self.hyp_blocks: dict = {}
        self.ref_blocks: dict = {}

    @staticmethod
    def _block(grams, store: dict, start: int, end: int):
        if (start, end) not in store:
            if end - start == 1:
                store[start, end] = grams[start]
            else:
                total = [counter.copy() for counter in grams[start]]
                for k in range(start + 1, end):
                    for order, counter in enumerate(grams[k]):
                        total[order].update(counter)
                store[start, end] = total
        return store[start, end]

    def score(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """chrF / 100 of translations i0..i1-1 against English sentences j0..j1-1."""
        hyp = self._block(self.hyp, self.hyp_blocks, i0, i1)
        ref = self._block(self.ref, self.ref_blocks, j0, j1)
        stats = []
        for h, r in zip(hyp, ref):
            small, big = (h, r) if len(h) <= len(r) else (r, h)
            matches = sum(min(count, big[g]) for g, count in small.items() if g in big)
            stats += [sum(h.values()), sum(r.values()), matches]
        return self.metric._compute_f_score(stats) / 100.0


def check_against_sacrebleu(hypotheses: list[str], references: list[str], pairs: int = 20) -> None:
    import sacrebleu

    block = BlockChrf(hypotheses[:pairs], references[:pairs])
    for k in range(min(pairs, len(hypotheses), len(references))):
        expected = sacrebleu.sentence_chrf(hypotheses[k], [references[k]]).score / 100.0
        if abs(block.score(k, k + 1, k, k + 1) - expected) > 1e-9:
            raise SystemExit(f"block chrF differs from sacrebleu.sentence_chrf on pair {k}")


def hook_chrf(state: dict) -> None:
    """Subtract ``state['weight'] * chrF`` from the cost of every band cell
    while ``state['chrf']`` is set (the search's costs are per chunk of rows)."""
    from align.aligners import search

    plain_costs = search._RowCosts.costs

    def costs(self, rows, cols):
        cost = plain_costs(self, rows, cols)
        chrf = state.get("chrf")
        if chrf is None:
            return cost
        first = int(cols[0])
        for r, i in enumerate(rows):
            for j in range(max(int(self.lo[i]), first), min(int(self.hi[i]), int(cols[-1])) + 1):
                for t, (a, b) in enumerate(zip(self.a_of, self.b_of)):
                    if 0 < a <= i and b <= j:
                        cost[r, t, j - first] -= state["weight"] * chrf.score(i - a, i, j - b, j)
        return cost

    search._RowCosts.costs = costs


def chrf_pass(src: list[str], tgt: list[str], translations: list[str], links, state: dict,
              weight: float, keep: float, band: int):
    from align.aligners import anchors, mt, search
    from align.aligners.boundaries import both_sides

    sides = anchors.build_sides(
        src, tgt,
        anchors.featurise(src, extra=lambda i: mt.mt_features(translations[i])),
        anchors.featurise(tgt, extra=lambda j: mt.mt_features(tgt[j])),
        mt.MT_LEXICAL_WEIGHT * keep)
    saved_band = search.BAND_WIDTH
    state.update(chrf=BlockChrf(translations, tgt), weight=weight)
    search.BAND_WIDTH = band
    try:
        return search.search(sides, both_sides(src, tgt), guide=links)  # the dialogue turns mt.align uses
    finally:
        state["chrf"] = None
        search.BAND_WIDTH = saved_band


def as_pairs(links) -> list[align_eval.Link]:
    """Range links ``(i0, i1, j0, j1)`` as align_eval's (French indices, English indices)."""
    return [(tuple(range(i0, i1)), tuple(range(j0, j1))) for i0, i1, j0, j1 in links]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=align_eval.DEFAULT_DATA)
    parser.add_argument("--settings", default="10:0,10:1,5:0.5",
                        help="chrF weight W : share of the mt cosine weight kept, comma-separated")
    parser.add_argument("--band", type=int, default=3)
    args = parser.parse_args(argv)
    settings = [tuple(float(v) for v in item.split(":")) for item in args.settings.split(",")]
    from align.aligners import mt

    translate = align_eval.apertium_translate()
    state: dict = {}
    hook_chrf(state)
    books = sorted(p for p in args.data.iterdir() if p.is_dir())
    rows: dict[str, list[float]] = {}
    print(f"{'book':<24} {'setting':<22} {'F1':>6} {'seconds':>8}")
    for folder in books:
        src, tgt, gold = align_eval.load_book(folder)
        translations = translate(src)
        check_against_sacrebleu(translations, tgt)
        start = time.perf_counter()
        links = mt.align(src, tgt, lambda batch: translations)
        seconds = time.perf_counter() - start
        f1 = align_eval.prf(*align_eval.score(as_pairs(links), gold))[2]
        rows.setdefault("mt (cosine)", []).append(f1)
        print(f"{folder.name:<24} {'mt (cosine)':<22} {f1:6.3f} {seconds:8.2f}", flush=True)
        for weight, keep in settings:
            label = f"+chrF W {weight:g} keep {keep:g}"
            start = time.perf_counter()
            rescored = chrf_pass(src, tgt, translations, links, state, weight, keep, args.band)
            seconds = time.perf_counter() - start
            f1 = align_eval.prf(*align_eval.score(as_pairs(rescored), gold))[2]
            rows.setdefault(label, []).append(f1)
            print(f"{folder.name:<24} {label:<22} {f1:6.3f} {seconds:8.2f}", flush=True)
    print()
    for label, values in rows.items():
        print(f"{label:<30} mean F1 {sum(values) / len(values):.3f}  min {min(values):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
