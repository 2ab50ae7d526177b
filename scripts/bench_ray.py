#!/usr/bin/env python3
"""align translate on Ray vs one local process, on this machine.

Translates the same generated articles (align.cluster.corpus, from the seeds'
paragraphs) with a transformer-base synthetic argos model (built once by
scripts/bench_translate.py's get_package and kept in --work-dir), one CTranslate2
thread per engine, the russia-dprk glossary and a fresh translation memory per run:

  local     align.translate.translate_file in a loop, one process (the baseline)
  ray x1    align.cluster.translate.translate_corpus, one engine actor
  ray x2    the same with two actors

and prints sentences/s, the ratio to the local run, whether every TEI file is
the local one (apart from the date), Ray's start-up cost (starting a local
instance; starting the actors and loading the model), and the driver's cost
per sentence: what the driver does for each sentence besides the engine call
(memory look-up and storing, glossary protection and repair, reassembly, TEI
writing), measured with an engine that answers at once; segmentation, which
runs on workers, is given apart. From these it computes how many actors one
driver can feed before it is the bottleneck.

    python3 scripts/bench_ray.py --docs 40
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("ALIGN_SHARED", REPO.parent / "shared"))
GLOSSARY = "russia-dprk"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=40, help="generated articles (default 40)")
    parser.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "align-bench"),
                        help="where the model is built and kept (shared with bench_translate.py)")
    parser.add_argument("--package", help="an installed package folder or .argosmodel (default: build one)")
    parser.add_argument("--actors", default="1,2", help="actor counts of the Ray runs (default 1,2)")
    return parser.parse_args()


def get_model(args: argparse.Namespace):
    """The transformer-base package, as bench_translate.py builds and caches it."""
    from bench_translate import get_package

    return get_package(argparse.Namespace(package=args.package, work_dir=args.work_dir, vocab_size=32000,
                                          eos_bias=None))


def fresh_memory_dir(work: Path, name: str) -> Path:
    """A new translation memory for one run (ALIGN_CACHE_DIR, which the driver reads)."""
    folder = Path(tempfile.mkdtemp(prefix=f"tm-{name}-", dir=work))
    os.environ["ALIGN_CACHE_DIR"] = str(folder)
    return folder


def run_local(articles: list[Path], out: Path, engine, glossary) -> float:
    from align.cache import TranslationMemory
    from align.translate import output_path, translate_file

    memory = TranslationMemory()
    started = time.perf_counter()
    for article in articles:
        translate_file(article, engine, output_path(article, out), glossary=glossary, memory=memory)
    elapsed = time.perf_counter() - started
    memory.close()
    return elapsed


def run_ray(ray, articles: list[Path], out: Path, model: str, glossary, actors: int) -> tuple[float, float]:
    """(seconds for the whole run, seconds of it spent starting the actors)."""
    from align.cluster import engines
    from align.cluster.translate import Settings, translate_corpus
    from align.translate import output_path

    pool_seconds = []
    start_pool = engines.start_pool

    def timed_start_pool(*a, **k):
        begun = time.perf_counter()
        pool = start_pool(*a, **k)
        pool_seconds.append(time.perf_counter() - begun)
        return pool

    engines.start_pool = timed_start_pool
    try:
        settings = Settings(engine_name="argos", engine_options={"model": model}, glossary=glossary,
                            actors=actors, threads=1)
        jobs = [(article, output_path(article, out)) for article in articles]
        started = time.perf_counter()
        outcomes = translate_corpus(ray, jobs, settings, lambda outcome: None)
        elapsed = time.perf_counter() - started
    finally:
        engines.start_pool = start_pool
    failed = [o for o in outcomes if o.status != "written"]
    if failed:
        raise SystemExit(f"{len(failed)} article(s) not written: {failed[0].error}")
    return elapsed, pool_seconds[0]


class InstantEngine:
    """Answers every sentence at once (its own text): what is left is the driver's work."""

    def translate_batch(self, sentences):
        return list(sentences)

    def info(self):
        from align.engines.base import EngineInfo

        return EngineInfo(name="instant", version="0", model="echo")


def driver_costs(articles: list[Path], out: Path, glossary) -> dict[str, float]:
    """Seconds per sentence of segmentation (on workers under Ray) and of the driver's own work."""
    from align import tei
    from align.cache import TranslationMemory
    from align.translate import output_path, read_article, translate_document

    engine, memory = InstantEngine(), TranslationMemory()
    read = driver = 0.0
    sentences = 0
    for article in articles:
        begun = time.perf_counter()
        source, provenance = read_article(article)
        read += time.perf_counter() - begun
        begun = time.perf_counter()
        aligned = translate_document(source, engine, glossary=glossary, memory=memory, provenance=provenance)
        tei.write_tei(aligned, output_path(article, out))
        driver += time.perf_counter() - begun
        sentences += len(aligned.links)
    memory.close()
    return {"segmentation": read / sentences, "driver": driver / sentences}


def comparable(path: Path) -> bytes:
    """The TEI file without the header's date (the only thing a rerun changes); tests/test_cluster.py
    compares with it too."""
    from lxml import etree

    from align.tei import safe_parser

    tree = etree.parse(str(path), safe_parser())
    for date in tree.getroot().iter("{http://www.tei-c.org/ns/1.0}date"):
        date.getparent().remove(date)
    return etree.tostring(tree, encoding="utf-8")


def same_files(reference: Path, produced: Path) -> tuple[int, int]:
    """(files identical apart from the header's date, files compared)."""
    names = sorted(p.name for p in reference.glob("*.tei.xml"))
    same = sum(1 for name in names if (produced / name).is_file()
               and comparable(reference / name) == comparable(produced / name))
    return same, len(names)


def main() -> int:
    args = parse_args()
    from align.cluster.corpus import generate_corpus
    from align.cluster.runtime import connect
    from align.engines.base import get_engine
    from align.glossary import load_glossary
    from align.translate import read_article

    package = get_model(args)
    model = str(package.path)
    os.environ["ARGOS_PACKAGES_DIR"] = str(package.path.parent)
    work = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    articles = generate_corpus(sorted((SHARED / "seeds").glob("*.txt")), work / "corpus", args.docs)
    sentences = sum(len(read_article(a)[0].sentences()) for a in articles)
    glossary = load_glossary(GLOSSARY)
    load = os.getloadavg()[0]
    print(f"{len(articles)} articles, {sentences} sentences; model {package.name} (transformer-base, synthetic); "
          f"{os.cpu_count()} cores, load average {load:.1f}", flush=True)

    rows = []
    fresh_memory_dir(work, "local")
    engine = get_engine("argos", model=model, threads=1)
    local_seconds = run_local(articles, work / "local", engine, glossary)
    del engine
    rows.append(("local, 1 process", local_seconds, None, "reference"))
    print(f"local: {sentences / local_seconds:.2f} sentences/s", flush=True)

    begun = time.perf_counter()
    with connect(None, num_cpus=max(3, max(int(n) for n in args.actors.split(",")) + 1)) as ray:
        init_seconds = time.perf_counter() - begun
        for actors in (int(n) for n in args.actors.split(",")):
            fresh_memory_dir(work, f"ray{actors}")
            out = work / f"ray{actors}"
            seconds, pool = run_ray(ray, articles, out, model, glossary, actors)
            same, total = same_files(work / "local", out)
            rows.append((f"ray, {actors} actor(s)", seconds, pool, f"{same}/{total} identical"))
            print(f"ray x{actors}: {sentences / seconds:.2f} sentences/s", flush=True)

    fresh_memory_dir(work, "instant")
    costs = driver_costs(articles, work / "instant", glossary)

    print()
    print("| run | seconds | sentences/s | vs local | actors' start | TEI |")
    print("|---|---|---|---|---|---|")
    for name, seconds, pool, files in rows:
        pool_text = f"{pool:.1f} s" if pool is not None else "-"
        print(f"| {name} | {seconds:.1f} | {sentences / seconds:.2f} | {local_seconds / seconds:.2f}x | "
              f"{pool_text} | {files} |")
    print()
    per_actor = sentences / local_seconds  # one engine on one thread: the local run's rate
    driver_rate = 1 / costs["driver"]
    print(f"Ray start-up (local instance): {init_seconds:.1f} s")
    print(f"segmentation (on workers under Ray): {costs['segmentation'] * 1000:.2f} ms/sentence")
    print(f"driver (memory, glossary, reassembly, TEI): {costs['driver'] * 1000:.2f} ms/sentence "
          f"= {driver_rate:.0f} sentences/s")
    print(f"one engine on one thread: {per_actor:.2f} sentences/s -> one driver feeds about "
          f"{driver_rate / per_actor:.0f} such actors before it is the bottleneck")
    return 0


if __name__ == "__main__":
    sys.exit(main())
