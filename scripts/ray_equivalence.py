#!/usr/bin/env python3
"""`align translate --ray` writes the files `align translate` writes, on a large corpus.

The tests (tests/test_cluster.py) compare 205 articles with the synthetic model
and 10 with Apertium; this runs the real command lines on the seeds and
``--count`` generated articles (align.cluster.corpus) for each engine, with the
russia-dprk glossary, a fresh translation memory per run and ``--actors``
engine actors on a Ray instance the command starts itself, and prints, per
engine, how many TEI files are identical apart from the header's date.
Exit status 1 when one differs.

    python3 scripts/ray_equivalence.py --count 300
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("ALIGN_SHARED", REPO.parent / "shared"))
sys.path.insert(0, str(REPO / "scripts"))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="generated articles (default 300)")
    parser.add_argument("--engines", default="synthetic,apertium", help="synthetic and/or apertium")
    parser.add_argument("--actors", type=int, default=2)
    return parser.parse_args()


def translate(inputs: list[Path], out: Path, env: dict[str, str], *extra: str) -> tuple[float, str]:
    command = [sys.executable, "-m", "align", "translate", *map(str, inputs), "-o", str(out),
               "--glossary", "russia-dprk", *extra]
    started = time.perf_counter()
    result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed:\n{result.stderr[-2000:]}")
    return time.perf_counter() - started, result.stderr


def main() -> int:
    args = parse_args()
    from align.cluster.corpus import generate_corpus
    from bench_ray import same_files
    from kill_test import synthetic_packages  # the tests' tiny synthetic model, in work/packages

    work = Path(tempfile.mkdtemp(prefix="ray-equivalence-"))
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    inputs = [*seeds, *generate_corpus(seeds, work / "corpus", args.count)]
    failed = False
    for engine in args.engines.split(","):
        if engine == "synthetic":
            env, extra = {"ARGOS_PACKAGES_DIR": str(synthetic_packages(work))}, ("--threads", "1")
        else:
            env, extra = {}, ("--engine", "apertium")
        local_s, _ = translate(inputs, work / engine / "local",
                               {**env, "ALIGN_CACHE_DIR": str(work / engine / "tm-local")}, *extra)
        ray_s, _ = translate(inputs, work / engine / "ray", {**env, "ALIGN_CACHE_DIR": str(work / engine / "tm-ray")},
                             *extra, "--ray", "--actors", str(args.actors))
        same, total = same_files(work / engine / "local", work / engine / "ray")
        failed |= same != total or total != len(inputs)
        print(f"{engine}: {same} of {total} TEI files identical ({len(inputs)} articles); "
              f"local {local_s:.1f} s, --ray --actors {args.actors} {ray_s:.1f} s (with Ray's start)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
