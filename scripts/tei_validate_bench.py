#!/usr/bin/env python3
"""Validation time per TEI file: align's compact tei/align.rng vs the full tei_all.rng.

    python3 scripts/tei_validate_bench.py [--files N] [--tei-all PATH]

Builds N aligned TEI files from the five seed articles (segmented with
align.segment; the "translation" is a copy of the French, which is all a
schema sees), then times, in this run:

  * compiling each schema once;
  * RelaxNG validation per file with each schema (parse excluded);
  * align.tei.validate per file (parse + align.rng + reference checks), the
    work `align validate` does per file.

Prints the times and the ratio tei_all / align.rng.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--tei-all", type=Path, default=REPO.parent / "shared" / "data" / "tei" / "tei_all.rng")
    args = parser.parse_args(argv)

    from lxml import etree

    from align import tei

    with tempfile.TemporaryDirectory() as folder:
        paths = _write_files(Path(folder), args.files)
        sentences = sum(len(tei.read_tei(p).source.sentences()) for p in paths[:5]) / min(5, len(paths))
        start = time.perf_counter()
        compact = tei.relaxng()
        compile_compact = time.perf_counter() - start
        start = time.perf_counter()
        full = tei.relaxng(str(args.tei_all))
        compile_full = time.perf_counter() - start
        trees = [etree.parse(str(p)) for p in paths]
        per_file_compact = _per_file(lambda t: _must(compact.validate(t)), trees)
        per_file_full = _per_file(lambda t: _must(full.validate(t)), trees)
        per_file_checks = _per_file(lambda p: _must(tei.validate(p) == []), paths)

    print(f"{len(paths)} files, about {sentences:.0f} French sentences each (seed articles)")
    print(f"compile   align.rng {compile_compact * 1000:8.1f} ms   tei_all.rng {compile_full * 1000:8.1f} ms")
    print(f"validate  align.rng {per_file_compact * 1000:8.3f} ms/file   tei_all.rng "
          f"{per_file_full * 1000:8.3f} ms/file   ratio {per_file_full / per_file_compact:.1f}x")
    print(f"align.tei.validate (parse + align.rng + reference checks) {per_file_checks * 1000:.3f} ms/file")
    total_compact = compile_compact + len(paths) * per_file_checks
    total_full = compile_full + len(paths) * (per_file_checks + per_file_full)
    print(f"{len(paths)} files end to end: align.rng {total_compact:.2f} s, with --full-tei {total_full:.2f} s "
          f"(ratio {total_full / total_compact:.0f}x)")
    return 0


def _write_files(folder: Path, count: int) -> list[Path]:
    from align import tei
    from align.document import AlignedDocument, Link, Provenance
    from align.segment import segment

    seeds = sorted((REPO.parent / "shared" / "seeds").glob("*.txt"))
    documents = []
    for seed in seeds:
        source = segment(seed.read_text("utf-8"), "fr")
        target = copy.deepcopy(source)
        target.lang = "en"
        for paragraph in target.paragraphs:
            paragraph.id = "en" + paragraph.id[2:]
            for sentence in paragraph.sentences:
                sentence.id = "en" + sentence.id[2:]
        links = [Link((s.id,), ("en" + s.id[2:],)) for s in source.sentences()]
        documents.append(AlignedDocument(source, target, links, Provenance(title=seed.stem, align_version="0.1.0")))
    paths = []
    for n in range(count):
        path = folder / f"{n:04d}.tei.xml"
        tei.write_tei(documents[n % len(documents)], path)
        paths.append(path)
    return paths


def _per_file(check, items) -> float:
    rounds = []
    for _ in range(3):
        start = time.perf_counter()
        for item in items:
            check(item)
        rounds.append((time.perf_counter() - start) / len(items))
    return statistics.median(rounds)


def _must(ok: bool) -> None:
    if not ok:
        raise SystemExit("a generated file is not valid: the benchmark would measure error paths")


if __name__ == "__main__":
    sys.exit(main())
