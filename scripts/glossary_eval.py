#!/usr/bin/env python3
"""How well the glossary is enforced in translation, and how well check-terms finds variants.

    python3 scripts/glossary_eval.py [--glossary FILE] [--seeds DIR] [--data DIR] [--no-argos]

1. Enforcement. The sentences of the five seed articles that carry glossary
   terms are translated by every engine available (Apertium; the synthetic
   argos model if align.engines.argos and align.synthetic_model are there; a
   fake engine that mangles placeholders and drops some, always) without the
   glossary, and with it in both protection modes, with and without the
   piecewise fallback. Score: the share of sentences whose translation holds
   exactly the canonical forms of their terms (every term's canonical form,
   and no other spelling of a glossary entry; align.enforce.canonical_problems).
2. Checker. Discovery (no glossary) on each corpus of tests/data/term_clusters.tsv;
   precision and recall of the clusters it proposes against the hand annotation,
   per cluster (a proposed cluster is right when two of its spellings are one
   annotated variant cluster) and per pair of spellings.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CORPORA = {
    "seeds": lambda shared: sorted((shared / "seeds").glob("*.txt")),
    "newstest-fr": lambda shared: [shared / "data" / "mt" / "newstest2013.fr-en.fr"],
    "newstest-en": lambda shared: [shared / "data" / "mt" / "newstest2013.fr-en.en"],
    "tico-fr": lambda shared: [shared / "data" / "mt" / "tico19-test.fr-en.fr"],
    "tico-en": lambda shared: [shared / "data" / "mt" / "tico19-test.fr-en.en"],
    "transread": lambda shared: sorted((shared / "data" / "align" / "transread").glob("*/*.txt")),
}


PER_FILE = {"transread"}


class MangleEngine:
    """A fake engine that returns the French with its placeholders damaged the
    ways real engines damage them: re-cased, split, dropped (one in four each),
    and "Un" translated as "One" (what Apertium does to "Kim Jong Un")."""

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return [self._mangle(s) for s in sentences]

    @staticmethod
    def _mangle(text: str) -> str:
        def damage(match: re.Match[str]) -> str:
            roll = int(hashlib.md5((text + match.group()).encode()).hexdigest(), 16) % 4
            return [match.group(), match.group().lower(), match.group()[:3] + " " + match.group()[3:], ""][roll]

        text = re.sub(r"ZXQ\d+", damage, text)
        return re.sub(r"\bUn\b", "One", text)


def seed_sentences(seeds: Path, glossary) -> list[str]:
    from align.segment import segment

    sentences = []
    for path in sorted(seeds.glob("*.txt")):
        doc = segment(path.read_text(encoding="utf-8"))
        sentences += [s.text for s in doc.sentences() if glossary.find(s.text)]
    return sentences


def engines(no_argos: bool, seeds: Path, tmp: Path) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    from align.engines.apertium import ApertiumEngine, apertium_available

    if apertium_available():
        found.append(("apertium", ApertiumEngine()))
    else:
        print("apertium: not installed, skipped", file=sys.stderr)
    if not no_argos:
        argos = synthetic_argos(seeds, tmp)
        if argos is not None:
            found.append(("synthetic-argos", argos))
    found.append(("fake-mangler", MangleEngine()))
    return found


def synthetic_argos(seeds: Path, tmp: Path):
    try:
        from align.engines.argos import ArgosEngine
        from align.models import install_package
        from align.synthetic_model import build_argos_package
    except ImportError as exc:
        print(f"synthetic argos: not available ({exc}), skipped", file=sys.stderr)
        return None
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    archive = build_argos_package(tmp, texts=texts)
    return ArgosEngine(install_package(archive, tmp / "packages"))


def share_canonical(sources: list[str], translations: list[str], glossary) -> float:
    from align.enforce import canonical_problems

    good = sum(not canonical_problems(s, t, glossary) for s, t in zip(sources, translations))
    return good / len(sources)


def enforcement_rows(sentences: list[str], glossary, available) -> list[tuple]:
    from align.enforce import enforce_batch

    rows = []
    for name, engine in available:
        raw = engine.translate_batch(list(sentences))
        rows.append((name, "none", "-", share_canonical(sentences, raw, glossary), 0))
        for mode, fallback in itertools.product(("placeholder", "canonical"), (False, True)):
            restored = enforce_batch(sentences, glossary, engine.translate_batch, mode=mode,
                                     piecewise_fallback=fallback)
            texts = [r.text for r in restored]
            reported = sum(bool(r.problems) for r in restored)
            rows.append((name, mode, "yes" if fallback else "no",
                         share_canonical(sentences, texts, glossary), reported))
    return rows


def token_styles() -> dict[str, object]:
    """Placeholder shapes to try through Apertium: ZXQn -> shape(n)."""
    from align.engines.apertium import passthrough

    return {
        "ZXQ1 (default)": lambda n: f"ZXQ{n}",
        "__GL1__": lambda n: f"__GL{n}__",
        "digits 90019": lambda n: f"900{n}9",
        "superblank": lambda n: passthrough(f"ZXQ{n}"),
    }


def token_style_rows(sentences: list[str], glossary, engine) -> list[tuple]:
    """Per shape: sentences whose every token came back unchanged, and the
    canonical share after restore without fallback."""
    from align.enforce import protect, restore

    protected = [protect(s, glossary) for s in sentences]
    rows = []
    for name, shape in token_styles().items():
        def to_shape(text: str) -> str:
            return re.sub(r"ZXQ(\d+)", lambda m: shape(int(m.group(1))), text)

        outputs = engine.translate_batch([to_shape(p.text) for p in protected])
        intact = 0
        restored_texts = []
        for p, out in zip(protected, outputs):
            tokens = [shape(n).strip("\ue000\ue001") for n in range(1, len(p.matches) + 1)]
            intact += all(out.count(t) == 1 for t in tokens)
            for n in sorted(range(1, len(tokens) + 1), reverse=True):
                out = out.replace(tokens[n - 1], f"ZXQ{n}")
            restored_texts.append(restore(p, out).text)
        rows.append((name, intact / len(sentences), share_canonical(sentences, restored_texts, glossary)))
    return rows


def quality_rows(glossary, engine, shared: Path) -> tuple[int, list[tuple]]:
    """BLEU/chrF of Apertium on the newstest2013 sentences that carry glossary
    terms, without and with enforcement: what each protection mode costs in fluency."""
    import sacrebleu

    from align.enforce import enforce_batch

    folder = shared / "data" / "mt"
    sources = (folder / "newstest2013.fr-en.fr").read_text(encoding="utf-8").split("\n")
    references = (folder / "newstest2013.fr-en.en").read_text(encoding="utf-8").split("\n")
    keep = [i for i, s in enumerate(sources) if s.strip() and glossary.find(s)]
    src, ref = [sources[i] for i in keep], [references[i] for i in keep]
    outputs = {"none": engine.translate_batch(src)}
    for mode in ("placeholder", "canonical"):
        outputs[mode] = [r.text for r in enforce_batch(src, glossary, engine.translate_batch, mode=mode)]
    rows = []
    for name, hyp in outputs.items():
        rows.append((name, sacrebleu.corpus_bleu(hyp, [ref]).score, sacrebleu.corpus_chrf(hyp, [ref]).score,
                     share_canonical(src, hyp, glossary)))
    return len(keep), rows


def read_gold(path: Path) -> dict[str, list[tuple[str, set[str]]]]:
    gold: dict[str, list[tuple[str, set[str]]]] = {}
    header_seen = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        corpus, label, spellings = line.split("\t")[:3]
        if not header_seen:
            header_seen = True
            continue
        gold.setdefault(corpus, []).append((label, {s.casefold() for s in spellings.split("|")}))
    return gold


def pairs(spellings: set[str]) -> set[frozenset[str]]:
    return {frozenset(p) for p in itertools.combinations(sorted(spellings), 2)}


def checker_rows(gold: dict, shared: Path, notes: list[str]) -> list[tuple]:
    from align.term_check import check_files

    rows = []
    for corpus, annotated in gold.items():
        files = CORPORA[corpus](shared)
        if not all(f.is_file() for f in files):
            print(f"{corpus}: data missing, skipped", file=sys.stderr)
            continue
        # transread: each book's French and English files are checked one by one
        groups = [[f] for f in files] if corpus in PER_FILE else [files]
        predicted = [{f.casefold() for f, _ in c.forms} for group in groups for c in check_files(group).candidates]
        variants = [s for label, s in annotated if label == "variant"]
        right = [p for p in predicted if any(len(p & g) >= 2 for g in variants)]
        recalled = [g for g in variants if any(len(p & g) >= 2 for p in predicted)]
        gold_pairs = set().union(*(pairs(g) for g in variants)) if variants else set()
        predicted_pairs = set().union(*(pairs(p) for p in predicted)) if predicted else set()
        good_pairs = gold_pairs & predicted_pairs
        rows.append((corpus, len(variants), len(predicted), len(right), len(recalled),
                     _ratio(len(right), len(predicted)), _ratio(len(recalled), len(variants)),
                     _ratio(len(good_pairs), len(predicted_pairs)), _ratio(len(good_pairs), len(gold_pairs))))
        for p in predicted:
            if p not in right:
                notes.append(f"  {corpus}: false positive {' ~ '.join(sorted(p))}")
        for g in variants:
            if g not in recalled:
                notes.append(f"  {corpus}: missed {' ~ '.join(sorted(g))}")
    return rows


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--glossary", type=Path, default=REPO / "glossaries" / "russia-dprk.tsv")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--gold", type=Path, default=REPO / "tests" / "data" / "term_clusters.tsv")
    parser.add_argument("--no-argos", action="store_true", help="skip the synthetic argos model")
    args = parser.parse_args()
    from align.glossary import load_glossary

    glossary = load_glossary(args.glossary)
    sentences = seed_sentences(args.shared / "seeds", glossary)
    terms = sum(len(glossary.find(s)) for s in sentences)
    with tempfile.TemporaryDirectory() as tmp:
        available = engines(args.no_argos, args.shared / "seeds", Path(tmp))
        rows = enforcement_rows(sentences, glossary, available)
        apertium = dict(available).get("apertium")
        styles = token_style_rows(sentences, glossary, apertium) if apertium else []
        quality = quality_rows(glossary, apertium, args.shared) if apertium else (0, [])
    print(f"Enforcement: {len(sentences)} seed sentences with {terms} glossary terms ({glossary.name})")
    print(f"{'engine':<16} {'protection':<12} {'fallback':<9} {'canonical':>10} {'reported':>9}")
    for name, mode, fallback, share, reported in rows:
        print(f"{name:<16} {mode:<12} {fallback:<9} {share:>9.1%} {reported:>9}")
    print("  canonical: share of sentences whose translation holds exactly the canonical forms;")
    print("  reported: sentences left with a problem in Restored.problems (reported per sentence).")
    if styles:
        print()
        print("Placeholder shapes through Apertium (no fallback)")
        print(f"{'shape':<16} {'all intact':>11} {'canonical':>10}")
        for name, intact, share in styles:
            print(f"{name:<16} {intact:>10.1%} {share:>9.1%}")
    if quality[1]:
        print()
        print(f"Apertium on the {quality[0]} newstest2013 sentences with glossary terms (references are not glossary-aware)")
        print(f"{'protection':<12} {'BLEU':>6} {'chrF':>6} {'canonical':>10}")
        for name, bleu, chrf, share in quality[1]:
            print(f"{name:<12} {bleu:>6.1f} {chrf:>6.1f} {share:>9.1%}")
    print()
    print("Checker (discovery, no glossary) against tests/data/term_clusters.tsv")
    print(f"{'corpus':<12} {'gold':>5} {'found':>6} {'right':>6} {'recalled':>9} {'P':>6} {'R':>6} {'pair P':>7} {'pair R':>7}")
    notes: list[str] = []
    totals = [0, 0, 0, 0]
    for corpus, n_gold, n_found, n_right, n_recalled, p, r, pp, pr in checker_rows(read_gold(args.gold), args.shared, notes):
        print(f"{corpus:<12} {n_gold:>5} {n_found:>6} {n_right:>6} {n_recalled:>9} {p:>6.2f} {r:>6.2f} {pp:>7.2f} {pr:>7.2f}")
        totals = [t + n for t, n in zip(totals, (n_gold, n_found, n_right, n_recalled))]
    n_gold, n_found, n_right, n_recalled = totals
    print(f"{'all':<12} {n_gold:>5} {n_found:>6} {n_right:>6} {n_recalled:>9} "
          f"{_ratio(n_right, n_found):>6.2f} {_ratio(n_recalled, n_gold):>6.2f}")
    print("  P/R: clusters (right = two spellings of one annotated cluster); pair P/R: pairs of spellings.")
    print("  Recall outside the seeds is over the clusters the annotator found (an upper bound).")
    print("\n".join(notes))


if __name__ == "__main__":
    main()
