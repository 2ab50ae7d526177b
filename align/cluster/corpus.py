"""Generated French corpora for tests and benchmarks of the cluster path.

``generate_corpus(seeds, folder, count)`` writes ``count`` articles built from
the paragraphs of real French articles: a title line, then two to five
paragraphs drawn at random (seeded, so the same call writes the same files).
Many sentences recur between articles, as in a news archive, which exercises
the translation memory; every article is new as a whole.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Sequence


def paragraphs_of(texts: Sequence[str]) -> list[str]:
    """The non-empty blocks (separated by blank lines) of ``texts``."""
    blocks = []
    for text in texts:
        blocks.extend(block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip())
    return blocks


def generate_corpus(seeds: Sequence[Path], folder: Path, count: int, *, seed: int = 18) -> list[Path]:
    """Write ``count`` articles ``folder/gen_NNNN.txt`` and return their paths."""
    pool = paragraphs_of([path.read_text(encoding="utf-8") for path in seeds])
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(2, 5)))
        title = chosen[0].split("\n")[0][:80].rstrip(" ,;:")
        path = folder / f"gen_{number:04d}.txt"
        path.write_text("\n\n".join([title, *chosen]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
