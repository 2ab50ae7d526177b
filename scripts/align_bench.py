#!/usr/bin/env python3
"""Speed and memory of the sentence aligners on long texts, against nltk.

Builds a 10,000 x 10,000 sentence pair by concatenating the TransRead books
(French and English sides, repeated) and aligns it with align's gale-church
and anchors methods, each in a fresh subprocess, printing wall-clock seconds
(and CPU seconds: this machine is shared) and peak resident memory above the interpreter's baseline (ru_maxrss after
imports). nltk's ``align_blocks`` fills the full n x m table in pure Python:
it is run on square prefixes (``--nltk-sizes``) and its time and memory are
extrapolated quadratically to the full size, which the output says.

The "+confidence" rows align with :func:`align_sentences_with_confidence`,
as ``align align`` does: the same links plus each link's posterior
probability (one more forward-backward pass over the final band).

When Apertium is installed, the mt method is measured too: the French side is
translated once, up front (that time is printed on its own line), and the
child process aligns with those translations, so its row is the aligner's
own time and memory, comparable with the others.

    python3 scripts/align_bench.py [--size 10000] [--nltk-sizes 1000,2000] [--no-mt]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = REPO.parent / "shared" / "data" / "align" / "transread"


def build_texts(size: int, data: Path = DATA) -> tuple[list[str], list[str]]:
    """The books' French and English sides concatenated and repeated, cut at ``size``."""
    books = sorted(p for p in data.iterdir() if p.is_dir())
    src: list[str] = []
    tgt: list[str] = []
    while len(src) < size or len(tgt) < size:
        for book in books:
            src += (book / f"{book.name}.fr.txt").read_text(encoding="utf-8").splitlines()
            tgt += (book / f"{book.name}.en.txt").read_text(encoding="utf-8").splitlines()
    return src[:size], tgt[:size]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def child(method: str, size: int, translations_file: str | None = None) -> dict:
    """Run one alignment in this process; report seconds and peak memory."""
    src, tgt = build_texts(size)
    translate = None
    if translations_file:  # a sentence the aligner did not translate up front is a KeyError
        translated = dict(zip(src, json.loads(Path(translations_file).read_text(encoding="utf-8"))))
        translate = lambda batch: [translated[s] for s in batch]  # noqa: E731
    if method == "nltk":
        from nltk.translate.gale_church import align_blocks

        run = lambda: align_blocks([len(s) for s in src], [len(t) for t in tgt])  # noqa: E731
    else:
        import numpy  # noqa: F401  (imported before the baseline is taken)

        from align.aligners import align_sentences, align_sentences_with_confidence

        name, _, scored = method.partition("+")
        align = align_sentences_with_confidence if scored else align_sentences
        run = lambda: align(src, tgt, method=name, translate=translate)  # noqa: E731
    baseline = _peak_rss_mb()
    start, cpu_start = time.perf_counter(), time.process_time()
    links = run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    pairs = [(tuple(link[0]), tuple(link[1])) for link in links] if method != "nltk" else []
    return {"method": method, "size": size, "seconds": seconds, "cpu": cpu, "links": len(links),
            "links_hash": hashlib.sha256(repr(pairs).encode()).hexdigest(), "peak_mb": _peak_rss_mb() - baseline}


def measure(method: str, size: int, translations_file: str | None = None) -> dict:
    command = [sys.executable, __file__, "--child", method, str(size)]
    if translations_file:
        command += ["--translations", translations_file]
    proc = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def translate_french(size: int, folder: Path) -> str | None:
    """Translate the French side once with Apertium (None if it is not
    installed); returns the path of a JSON list of the translations."""
    from align.engines.apertium import ApertiumEngine

    try:
        engine = ApertiumEngine()
        src, _ = build_texts(size)
        start = time.perf_counter()
        translations = engine.translate_batch(src)
    except Exception as error:  # noqa: BLE001 (any engine failure: skip the mt rows)
        print(f"mt: skipped ({error})", flush=True)
        return None
    print(f"mt: {size} French sentences translated by Apertium in {time.perf_counter() - start:.1f} s "
          "(once, before the mt rows; not counted in them)", flush=True)
    path = folder / "translations.json"
    path.write_text(json.dumps(translations), encoding="utf-8")
    return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--nltk-sizes", default="1000,2000")
    parser.add_argument("--scaling", default="2500,5000", help="smaller sizes for align's methods (linearity)")
    parser.add_argument("--no-mt", action="store_true", help="leave out the mt method (Apertium)")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--translations", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), args.translations)))
        return 0

    sizes = [int(s) for s in args.scaling.split(",") if s] + [args.size]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        methods = [("gale-church", None), ("anchors", None), ("anchors+confidence", None)]
        if not args.no_mt:
            translations_file = translate_french(max(sizes), Path(folder))
            if translations_file:
                methods += [("mt", translations_file), ("mt+confidence", translations_file)]
        for method, translations_file in methods:
            for size in sizes:
                rows.append(measure(method, size, translations_file))
                _print_row(rows[-1])
    nltk_rows = [measure("nltk", int(s)) for s in args.nltk_sizes.split(",") if s]
    for row in nltk_rows:
        _print_row(row)
    largest = nltk_rows[-1]
    factor = (args.size / largest["size"]) ** 2
    nltk_seconds = largest["seconds"] * factor
    nltk_cpu = largest["cpu"] * factor
    nltk_mb = largest["peak_mb"] * factor
    print(f"nltk at {args.size} x {args.size}: EXTRAPOLATED quadratically from {largest['size']} x "
          f"{largest['size']} (x{factor:.0f}): ~{nltk_seconds:.0f} s ({nltk_cpu:.0f} s CPU), ~{nltk_mb:.0f} MB")
    for row in rows:
        if row["size"] == args.size:
            print(f"{row['method']:<18} {args.size} x {args.size}: {row['seconds']:.1f} s "
                  f"({row['cpu']:.1f} s CPU), {row['peak_mb']:.0f} MB peak; nltk/align CPU-time ratio "
                  f"~{nltk_cpu / max(row['cpu'], 1e-9):.0f}x (extrapolated)")
    _print_confidence_cost(rows, args.size)
    return 0


def _print_confidence_cost(rows: list[dict], size: int) -> None:
    """What scoring the links adds to each method's own time and memory."""
    plain = {row["method"]: row for row in rows if row["size"] == size}
    for method, row in plain.items():
        base = plain.get(method.partition("+")[0])
        if base is not None and method != base["method"]:
            print(f"{method}: the confidences add {row['seconds'] - base['seconds']:.1f} s "
                  f"({row['seconds'] / base['seconds']:.2f}x the links alone), "
                  f"{row['peak_mb'] - base['peak_mb']:+.0f} MB peak; same links: {row['links_hash'] == base['links_hash']}")


def _print_row(row: dict) -> None:
    print(f"{row['method']:<18} {row['size']:>6} x {row['size']:<6} {row['seconds']:8.2f} s "
          f"({row['cpu']:.2f} s CPU) "
          f"{row['peak_mb']:8.1f} MB peak above baseline  ({row['links']} links)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
