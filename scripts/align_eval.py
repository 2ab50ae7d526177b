#!/usr/bin/env python3
"""Score the sentence aligners against TransRead's gold alignments.

For every book in ../shared/data/align/transread and every method -- nltk's
Gale-Church (``align_blocks`` on sentence character lengths, links formed from
its sentence pairs), align's gale-church, anchors, and mt (Apertium as the
translator) -- prints precision, recall and F1 of links (a link is correct
only if both its French and its English index sets equal a gold link's) and
the seconds the method took, then the overall figures (links pooled over all
books) and the mean F1 over the books.

    python3 scripts/align_eval.py [--data DIR] [--methods nltk,gale-church,anchors,mt]

Then, for align's methods, how well each link's confidence
(:func:`align.aligners.align_sentences_with_confidence`, its posterior
probability) predicts that the link is right: the links of all books pooled
in bins of confidence, with the share of them that are correct
(``--no-confidence`` leaves this out).

``--confidence-held-out`` checks the confidence's temperature
(:data:`align.aligners.confidence.TEMPERATURE`, ``LENGTH_ONLY_TEMPERATURE`` for
gale-church) leave one book out: for each
book, the temperature of ``--temperatures`` with the best Brier score (mean
squared difference between confidence and correctness) on the other five,
and the held-out book's Brier score with it and with 1.

``--held-out`` checks the tuned global parameters leave one book out: for
each book, the setting with the best mean F1 on the other five books is chosen
and the held-out book is scored with it. The settings are the lexical weight
(``anchors.LEXICAL_WEIGHT``, ``mt.MT_LEXICAL_WEIGHT``) from ``--grid``, the
cost of a link across a dialogue turn (``boundaries.TURN_CROSSING``) from
``--turn-grid``, then,
for anchors, the learned lexicon's (:mod:`align.aligners.lexicon`): no second
pass, or ``PER_WORD`` x ``MAX_SHARE`` x ``MIN_DICE`` from ``--lexicon-grid``.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_DATA = REPO.parent / "shared" / "data" / "align" / "transread"
METHODS = ("nltk", "gale-church", "anchors", "mt")

Link = tuple[tuple[int, ...], tuple[int, ...]]


def load_book(folder: Path) -> tuple[list[str], list[str], list[Link]]:
    name = folder.name
    src = (folder / f"{name}.fr.txt").read_text(encoding="utf-8").splitlines()
    tgt = (folder / f"{name}.en.txt").read_text(encoding="utf-8").splitlines()
    gold = []
    for line in (folder / f"{name}.gold.fr-en").read_text(encoding="utf-8").splitlines():
        if line.strip():
            left, right = line.split(":")
            gold.append((tuple(ast.literal_eval(left)), tuple(ast.literal_eval(right))))
    return src, tgt, gold


def nltk_links(src: list[str], tgt: list[str]) -> list[Link]:
    """nltk's Gale-Church on character lengths; its sentence pairs joined into
    links (connected components), unpaired sentences as 1-0 / 0-1 links."""
    from nltk.translate.gale_church import align_blocks

    pairs = align_blocks([len(s) for s in src], [len(t) for t in tgt])
    return links_from_pairs(pairs, len(src), len(tgt))


def links_from_pairs(pairs, n_src: int, n_tgt: int) -> list[Link]:
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for i, j in pairs:
        parent[find(("s", i))] = find(("t", j))
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for i in range(n_src):
        groups.setdefault(find(("s", i)), ([], []))[0].append(i)
    for j in range(n_tgt):
        groups.setdefault(find(("t", j)), ([], []))[1].append(j)
    links = [(tuple(sorted(s)), tuple(sorted(t))) for s, t in groups.values()]
    return sorted(links, key=lambda link: (min(link[0], default=-1), min(link[1], default=-1)))


def align_links(method: str, src: list[str], tgt: list[str], translate) -> list[Link]:
    if method == "nltk":
        return nltk_links(src, tgt)
    from align.aligners import align_sentences

    links = align_sentences(src, tgt, method=method, translate=translate)
    return [(tuple(s), tuple(t)) for s, t in links]


def score(predicted: list[Link], gold: list[Link]) -> tuple[int, int, int]:
    """(correct, predicted, gold) link counts."""
    return len(set(predicted) & set(gold)), len(predicted), len(gold)


def prf(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return precision, recall, f1


def apertium_translate():
    """Apertium fr->en through align's engine module (one subprocess per batch)."""
    from align.engines.apertium import ApertiumEngine

    return ApertiumEngine().translate_batch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--held-out", action="store_true",
                        help="leave-one-book-out check of the lexical weight (anchors, mt)")
    parser.add_argument("--no-confidence", action="store_true", help="leave out the confidence calibration table")
    parser.add_argument("--confidence-held-out", action="store_true",
                        help="leave-one-book-out check of the confidence's temperature")
    parser.add_argument("--temperatures", default="1,1.25,1.5,2,3")
    parser.add_argument("--grid", default="3,6,10,15,20,30")
    parser.add_argument("--lexicon-grid", default="1,2/0.1,0.3,1.0/0.2,0.3,0.5",
                        help="PER_WORD values / MAX_SHARE values / MIN_DICE values")
    parser.add_argument("--turn-grid", default="0,1,1.5,2,2.5,3,4",
                        help="TURN_CROSSING values (nats; 0: dialogue turns ignored)")
    args = parser.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = set(methods) - set(METHODS)
    if unknown:
        parser.error(f"unknown methods: {', '.join(sorted(unknown))}")
    books = sorted(p for p in args.data.iterdir() if p.is_dir())
    if not books:
        parser.error(f"no books in {args.data}")
    translate = apertium_translate() if "mt" in methods else None
    if args.confidence_held_out:
        for method in [m for m in methods if m != "nltk"]:
            temperature_held_out(books, method, translate, [float(t) for t in args.temperatures.split(",")])
        return 0
    if args.held_out:
        return held_out(books, [m for m in methods if m in ("anchors", "mt")], translate,
                        [float(w) for w in args.grid.split(",")], args.lexicon_grid,
                        [float(c) for c in args.turn_grid.split(",")])

    totals = {m: [0, 0, 0] for m in methods}
    f1s: dict[str, list[float]] = {m: [] for m in methods}
    print(f"{'book':<24} {'method':<12} {'P':>6} {'R':>6} {'F1':>6} {'seconds':>8}")
    for folder in books:
        src, tgt, gold = load_book(folder)
        for method in methods:
            start = time.perf_counter()
            predicted = align_links(method, src, tgt, translate)
            seconds = time.perf_counter() - start
            counts = score(predicted, gold)
            totals[method] = [a + b for a, b in zip(totals[method], counts)]
            p, r, f = prf(*counts)
            f1s[method].append(f)
            print(f"{folder.name:<24} {method:<12} {p:6.3f} {r:6.3f} {f:6.3f} {seconds:8.2f}", flush=True)
    print()
    print(f"{'overall (pooled links)':<24} {'method':<12} {'P':>6} {'R':>6} {'F1':>6} {'meanF1':>7} {'minF1':>6}")
    for method in methods:
        p, r, f = prf(*totals[method])
        mean = sum(f1s[method]) / len(f1s[method])
        print(f"{'':<24} {method:<12} {p:6.3f} {r:6.3f} {f:6.3f} {mean:7.3f} {min(f1s[method]):6.3f}")
    scored_methods = [m for m in methods if m != "nltk"]
    if scored_methods and not args.no_confidence:
        print()
        calibration(books, scored_methods, translate)
    return 0


#: confidence bins of the calibration table (lower bounds; the last bin ends at 1 inclusive)
BINS = (0.0, 0.5, 0.7, 0.9, 0.99)


def calibration(books: list[Path], methods: list[str], translate) -> None:
    """Per method: the links of every book pooled by confidence bin, with the
    share that are right. A useful confidence has few wrong links at the top
    and many at the bottom; a calibrated one has precision ~ mean confidence."""
    print(f"{'confidence calibration':<24} {'method':<12} {'bin':<12} {'links':>6} {'share':>6} "
          f"{'mean conf':>9} {'precision':>9}")
    for method in methods:
        scored = [x for folder in books for x in scored_links(folder, method, translate)]
        for low, high in zip(BINS, BINS[1:] + (1.01,)):
            in_bin = [(c, right) for c, right in scored if low <= c < high]
            if not in_bin:
                continue
            label = f"[{low:.2f}, {min(high, 1.0):.2f}{']' if high > 1 else ')'}"
            print(f"{'':<24} {method:<12} {label:<12} {len(in_bin):6d} {len(in_bin) / len(scored):6.1%} "
                  f"{sum(c for c, _ in in_bin) / len(in_bin):9.3f} "
                  f"{sum(right for _, right in in_bin) / len(in_bin):9.3f}", flush=True)


def scored_links(folder: Path, method: str, translate) -> list[tuple[float, bool]]:
    """(confidence, right) for every link align finds in one book."""
    from align.aligners import align_sentences_with_confidence

    src, tgt, gold = load_book(folder)
    gold_set = set(gold)
    return [(c, (tuple(s), tuple(t)) in gold_set)
            for s, t, c in align_sentences_with_confidence(src, tgt, method=method, translate=translate)]


def brier(scored: list[tuple[float, bool]]) -> float:
    return sum((c - right) ** 2 for c, right in scored) / len(scored)


def temperature_held_out(books: list[Path], method: str, translate, temperatures: list[float]) -> None:
    from align.aligners import confidence

    saved = confidence.TEMPERATURE, confidence.LENGTH_ONLY_TEMPERATURE
    scored = {}
    try:
        for temperature in dict.fromkeys(temperatures + [1.0]):  # 1, the reference, once
            confidence.TEMPERATURE = confidence.LENGTH_ONLY_TEMPERATURE = temperature
            scored[temperature] = {book.name: scored_links(book, method, translate) for book in books}
    finally:
        confidence.TEMPERATURE, confidence.LENGTH_ONLY_TEMPERATURE = saved
    print(f"{method}: Brier score of the confidence per temperature (pooled over the books)")
    for temperature in temperatures:
        print(f"  T {temperature:<5} {brier([x for links in scored[temperature].values() for x in links]):.4f}")
    for book in books:
        others = [b.name for b in books if b != book]
        best = min(temperatures, key=lambda t: brier([x for b in others for x in scored[t][b]]))
        print(f"  held out {book.name:<24} T {best} (best on the other five): Brier {brier(scored[best][book.name]):.4f}"
              f" (T 1: {brier(scored[1.0][book.name]):.4f})", flush=True)


def held_out(books: list[Path], methods: list[str], translate, grid: list[float], lexicon_grid: str,
             turn_grid: list[float]) -> int:
    """Leave-one-book-out: tune each global setting on five books, score the sixth."""
    import itertools

    from align.aligners import anchors, boundaries, lexicon, mt

    attribute = {"anchors": (anchors, "LEXICAL_WEIGHT"), "mt": (mt, "MT_LEXICAL_WEIGHT")}
    data = {folder.name: load_book(folder) for folder in books}
    if translate is not None:  # translate each book once
        cache = {}
        for src, _, _ in data.values():
            cache.update(zip(src, translate(src)))
        translate = lambda batch: [cache[s] for s in batch]  # noqa: E731
    for method in methods:
        module, name = attribute[method]
        candidates = [(f"{weight:g}", {(module, name): weight}) for weight in grid]
        leave_one_out(f"{method}: lexical weight (default {getattr(module, name):g})",
                      method, candidates, data, translate)
        candidates = [(f"turn crossing {cost:g}", {(boundaries, "TURN_CROSSING"): cost}) for cost in turn_grid]
        leave_one_out(f"{method}: dialogue-turn crossing cost (default {boundaries.TURN_CROSSING:g})",
                      method, candidates, data, translate)
    if "anchors" in methods:
        per_word, share, dice = ([float(v) for v in part.split(",")] for part in lexicon_grid.split("/"))
        candidates = [("no lexicon pass", {(anchors, "LEXICON_PASS"): False})]
        for p, s, d in itertools.product(per_word, share, dice):
            candidates.append((f"per_word {p:g} max_share {s:g} min_dice {d:g}", {
                (lexicon, "PER_WORD"): int(p), (lexicon, "MAX_SHARE"): s, (lexicon, "MIN_DICE"): d}))
        default = (f"per_word {lexicon.PER_WORD} max_share {lexicon.MAX_SHARE:g} "
                   f"min_dice {lexicon.MIN_DICE:g}")
        leave_one_out(f"anchors: lexicon (default {default})", "anchors", candidates, data, translate)
    return 0


def leave_one_out(title: str, method: str, candidates, data, translate) -> None:
    """Score every candidate setting on every book, then choose per held-out book."""
    f1 = {}  # (label, book) -> F1
    for label, settings in candidates:
        saved = {key: getattr(*key) for key in settings}
        try:
            for (module, name), value in settings.items():
                setattr(module, name, value)
            for book, (src, tgt, gold) in data.items():
                f1[label, book] = prf(*score(align_links(method, src, tgt, translate), gold))[2]
        finally:
            for (module, name), value in saved.items():
                setattr(module, name, value)
    labels = [label for label, _ in candidates]
    print(f"{title}: F1 per setting ({', '.join(data)})")
    for label in labels:
        row = [f1[label, book] for book in data]
        print(f"  {label:<40} " + " ".join(f"{v:.3f}" for v in row) + f"  mean {sum(row) / len(row):.3f}")
    held = []
    for book in data:
        others = [b for b in data if b != book]
        best = max(labels, key=lambda label: sum(f1[label, b] for b in others))
        held.append(f1[best, book])
        print(f"  held out {book:<24} {best} (best on the other five)  F1 {held[-1]:.3f}")
    print(f"  {method} held-out mean F1 {sum(held) / len(held):.3f}, min {min(held):.3f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
