#!/usr/bin/env python3
"""BLEU / chrF / sentences-per-second of every available engine, with and without the glossary.

    python3 scripts/mt_eval.py [--limit N] [--engine argos|apertium] [--glossary FILE] [--data DIR]

Runs align.evaluate (the code behind ``align eval``) on the line-aligned test
sets in ../shared/data/mt (newstest2013 and TICO-19 fr-en) for each engine that
can be built here (argos when an fr->en package is installed, Apertium when its
binaries are), once without and once with the glossary, and prints one table.
Engines that cannot run are listed with the reason. Speed is translation only
(scoring excluded), measured in this run, on this machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TEST_SETS = {"newstest2013": "newstest2013.fr-en", "tico19": "tico19-test.fr-en"}
ENGINES = ("argos", "apertium")


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    from align.engines.base import get_engine
    from align.errors import AlignError
    from align.evaluate import evaluate, read_parallel
    from align.glossary import load_glossary

    glossary = load_glossary(args.glossary)
    engines, unavailable = {}, {}
    for name in args.engine or ENGINES:
        try:
            engines[name] = get_engine(name)
        except AlignError as exc:
            unavailable[name] = str(exc)
    rows = []
    for set_name, stem in TEST_SETS.items():
        sources, references = read_parallel(args.data / f"{stem}.fr", args.data / f"{stem}.en",
                                            args.limit or None)
        for name, engine in engines.items():
            for with_glossary in (None, glossary):
                result = evaluate(sources, references, engine, with_glossary)
                rows.append((set_name, result))
                print(f"done: {set_name} {name} glossary={result.glossary or 'none'}", file=sys.stderr)
    _print_table(rows, unavailable)
    return 0 if rows else 1


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="first N sentences of each set (0 = all)")
    parser.add_argument("--engine", action="append", choices=ENGINES, help="only this engine (repeatable)")
    parser.add_argument("--glossary", type=Path, default=REPO / "glossaries" / "russia-dprk.tsv")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "mt")
    return parser.parse_args(argv)


def _print_table(rows, unavailable: dict[str, str]) -> None:
    header = f"{'test set':<13} {'engine':<9} {'glossary':<13} {'sents':>6} {'BLEU':>6} {'chrF':>6} {'sent/s':>8}"
    print(header)
    print("-" * len(header))
    for set_name, r in rows:
        print(f"{set_name:<13} {r.engine.name:<9} {r.glossary or 'none':<13} {r.sentences:>6} "
              f"{r.bleu:>6.1f} {r.chrf:>6.1f} {r.sentences_per_second:>8.1f}")
    if rows:
        first = rows[0][1]
        print(f"\nBLEU signature: {first.bleu_signature}\nchrF signature: {first.chrf_signature}")
        for name in sorted({r.engine.name for _, r in rows}):
            info = next(r.engine for _, r in rows if r.engine.name == name)
            print(f"{name}: version {info.version}, model {info.model} {info.model_version}".rstrip())
    for name, reason in unavailable.items():
        print(f"{name}: not available: {reason}")


if __name__ == "__main__":
    sys.exit(main())
