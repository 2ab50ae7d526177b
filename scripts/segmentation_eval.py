#!/usr/bin/env python3
"""Measure sentence segmenters: boundary precision / recall / F1.

Approaches compared:
  pysbd           pysbd.Segmenter(language=fr|en, clean=False) alone
  punkt-trained   nltk PunktSentenceTokenizer from PunktTrainer trained offline on French
                  (English) news text: ../shared/data/mt/*.fr (.en) and, for French, the seeds
  align           align.segment.split_sentences (the rules kept in align/segment.py)

Test sets:
  seeds-paragraphs  the hand-made gold of the five seeds (tests/data/segmentation/): each gold
                    paragraph is split by the approach; a boundary is a character offset between
                    two sentences of one paragraph.
  seeds-documents   align.segment.segment() on the raw seed files, with each approach plugged in
                    as the sentence splitter: boundaries are sentence starts in the whole document
                    (paragraph starts included), so paragraphing and furniture splitting count too.
  newstest2013      held-out news (one segment per line; Punkt is trained without it): every 5
                    consecutive lines joined into one pseudo-paragraph; gold boundaries are the
                    line joins. A few lines hold two sentences, so precision is a lower bound,
                    equally for every approach. Some of align's rules (spaced straight quotes)
                    were written after reading newstest errors.
  tico19            TICO-19 test set, same protocol, never looked at while writing the rules
                    (Punkt trained on newstest2013 + seeds for it).

Usage: python3 scripts/segmentation_eval.py [--shared ../shared] [--lines 3000]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
GOLD_DIR = REPO / "tests" / "data" / "segmentation"

Splitter = Callable[[str], list[str]]


# --------------------------------------------------------------------------- gold


@dataclass
class GoldParagraph:
    kind: str
    sentences: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def read_gold(path: Path) -> list[GoldParagraph]:
    """Read one gold file (format: tests/data/segmentation/README.md)."""
    paragraphs: list[GoldParagraph] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#kind:"):
            paragraphs.append(GoldParagraph(line.split(":", 1)[1].strip(), []))
        elif line.startswith("# ") or not line.strip():
            continue
        elif not paragraphs:
            raise ValueError(f"{path}: sentence before the first #kind: line: {line[:40]!r}")
        else:
            paragraphs[-1].sentences.append(line)
    return paragraphs


def gold_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.txt"))


# --------------------------------------------------------------------------- scoring


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    seconds: float = 0.0

    def add(self, predicted: set[int], gold: set[int]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def boundaries(sentences: Iterable[str]) -> set[int]:
    """Offsets (in the whitespace-normalised, space-joined text) where sentences 2..n start."""
    offsets, position = set(), 0
    for index, sentence in enumerate(sentences):
        sentence = " ".join(sentence.split())
        if not sentence:
            continue
        if index:
            offsets.add(position)
        position += len(sentence) + 1
    return offsets


def score_paragraphs(splitter: Splitter, paragraphs: list[list[str]]) -> Score:
    """Split each gold paragraph's text and compare the boundaries with the gold ones."""
    score = Score()
    start = time.perf_counter()
    predictions = [splitter(" ".join(p)) for p in paragraphs]
    score.seconds = time.perf_counter() - start
    for gold, predicted in zip(paragraphs, predictions):
        score.add(boundaries(predicted), boundaries(gold))
    return score


# --------------------------------------------------------------------------- approaches


def pysbd_splitter(lang: str) -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language=lang, clean=False, char_span=False)
    return lambda text: [s.strip() for s in segmenter.segment(text) if s.strip()]


def punkt_splitter(training_texts: list[str]) -> Splitter:
    from nltk.tokenize.punkt import PunktSentenceTokenizer, PunktTrainer

    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    trainer.train("\n".join(training_texts), finalize=True)
    tokenizer = PunktSentenceTokenizer(trainer.get_params())
    return tokenizer.tokenize


def align_splitter(lang: str) -> Splitter:
    from align.segment import split_sentences

    return lambda text: split_sentences(text, lang)


def read_lines(path: Path, limit: int | None = None) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[:limit] if limit else lines


def seed_texts(shared: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))]


# --------------------------------------------------------------------------- test sets


def seeds_paragraphs() -> list[list[str]]:
    return [p.sentences for path in gold_files() for p in read_gold(path)]


def score_documents(splitter: Splitter, shared: Path) -> tuple[Score, int, int]:
    """segment() on the raw seeds with ``splitter`` plugged in; also paragraph-kind agreement."""
    import align.segment as segment_module

    original = segment_module.split_sentences
    segment_module.split_sentences = lambda text, lang="fr": splitter(text)
    score, kinds_right, kinds_total = Score(), 0, 0
    try:
        for gold_path in gold_files():
            gold = read_gold(gold_path)
            raw = (shared / "seeds" / gold_path.name).read_text(encoding="utf-8")
            start = time.perf_counter()
            doc = segment_module.segment(raw, "fr")
            score.seconds += time.perf_counter() - start
            predicted = [s.text for p in doc.paragraphs for s in p.sentences]
            score.add(boundaries(predicted), boundaries(s for p in gold for s in p.sentences))
            got = {" ".join(s.text for s in p.sentences): p.kind for p in doc.paragraphs}
            kinds_right += sum(got.get(p.text) == p.kind for p in gold)
            kinds_total += len(gold)
    finally:
        segment_module.split_sentences = original
    return score, kinds_right, kinds_total


def pseudo_paragraphs(lines: list[str], size: int = 5) -> list[list[str]]:
    return [lines[i:i + size] for i in range(0, len(lines), size)]


# --------------------------------------------------------------------------- report


def row(name: str, test: str, score: Score, extra: str = "") -> str:
    return (f"| {test} | {name} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} "
            f"| {score.tp} | {score.fp} | {score.fn} | {score.seconds * 1000:.0f} |{extra}")


def approaches(lang: str, punkt_training: list[str]) -> dict[str, Splitter]:
    return {"pysbd": pysbd_splitter(lang), "punkt-trained": punkt_splitter(punkt_training),
            "align": align_splitter(lang)}


def print_held_out(test: str, lines: list[str], splitters: dict[str, Splitter]) -> None:
    paragraphs = pseudo_paragraphs(lines)
    for name, splitter in splitters.items():
        print(row(name, f"{test} ({len(lines)} lines)", score_paragraphs(splitter, paragraphs)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--lines", type=int, default=3000, help="newstest2013 lines to use")
    args = parser.parse_args(argv)
    mt = args.shared / "data" / "mt"
    seeds = seed_texts(args.shared)
    news = {lang: read_lines(mt / f"newstest2013.fr-en.{lang}") for lang in ("fr", "en")}
    tico = {lang: read_lines(mt / f"tico19-test.fr-en.{lang}") for lang in ("fr", "en")}

    print("| test set | approach | precision | recall | F1 | TP | FP | FN | ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    # Seeds: Punkt learns from all the French text there is (mt files and the seeds).
    seed_splitters = approaches("fr", tico["fr"] + news["fr"] + seeds)
    for name, splitter in seed_splitters.items():
        print(row(name, "seeds-paragraphs (fr)", score_paragraphs(splitter, seeds_paragraphs())))
    for name, splitter in seed_splitters.items():
        score, right, total = score_documents(splitter, args.shared)
        print(row(name, "seeds-documents (fr)", score, f" kinds {right}/{total}"))
    # Held out: Punkt never trains on the test set.
    print_held_out("newstest2013 fr", news["fr"][:args.lines], approaches("fr", tico["fr"] + seeds))
    print_held_out("newstest2013 en", news["en"][:args.lines], approaches("en", tico["en"]))
    # TICO-19: never looked at while writing align's rules.
    print_held_out("tico19 fr", tico["fr"], approaches("fr", news["fr"] + seeds))
    print_held_out("tico19 en", tico["en"], approaches("en", news["en"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
