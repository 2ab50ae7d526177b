"""Score a translation engine against reference translations (sacrebleu BLEU and chrF).

Input is line-aligned: one French sentence per line in SOURCE, its English
reference on the same line of REF (the layout of newstest / TICO-19 in
../shared/data/mt). Every line is translated through the same pipeline as
``align translate`` (align.translate.translate_sentences), with the glossary
when one is given, and scored at corpus level. The sacrebleu signatures are
reported with the scores so that numbers can be compared across runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from align.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from align.engines.base import Engine, EngineInfo
    from align.glossary import Glossary


@dataclass
class EvalResult:
    """Scores of one engine (and glossary) on one test set."""

    engine: "EngineInfo"
    glossary: str  # glossary name, "" without one
    sentences: int
    seconds: float  # translation time only (scoring excluded)
    bleu: float
    chrf: float
    bleu_signature: str
    chrf_signature: str
    hypotheses: list[str]

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds if self.seconds > 0 else float("inf")

    def summary(self) -> str:
        """Human-readable report, one fact per line."""
        engine = f"{self.engine.name} {self.engine.version} ({self.engine.model})"
        lines = [
            f"engine: {engine}",
            f"glossary: {self.glossary or 'none'}",
            f"sentences: {self.sentences} in {self.seconds:.1f} s ({self.sentences_per_second:.1f} sentences/s)",
            f"BLEU {self.bleu:.1f}  {self.bleu_signature}",
            f"chrF {self.chrf:.1f}  {self.chrf_signature}",
        ]
        return "\n".join(lines)


def read_parallel(source: Path, reference: Path, limit: int | None = None) -> tuple[list[str], list[str]]:
    """Read two line-aligned files; the first ``limit`` lines. InputError if they do not pair up."""
    from align.io import read_line_aligned

    sources, references = read_line_aligned(source, reference)
    if limit is not None:
        sources, references = sources[:limit], references[:limit]
    return sources, references


def read_tei_pairs(path: Path, limit: int | None = None) -> tuple[list[str], list[str]]:
    """French and English sides of the links of an aligned TEI file, as test set.

    For the TEI of `align align` or `align import` (two existing texts): each
    link with sentences on both sides becomes one segment (an n-m link joins
    its sentences with a space); 1-0 and 0-1 links have nothing to score and
    are left out. The TEI of `align translate` is refused: its English side is
    a machine translation, not a reference.
    """
    from align.tei import read_tei

    doc = read_tei(path)
    if doc.provenance.method == "translation":
        raise InputError(
            f"{path}: its English side is a machine translation ({doc.provenance.engine or 'unknown engine'}), "
            "not a reference; give the TEI of `align align` or `align import`, or --ref REF.en with a French text"
        )
    french = {s.id: s.text for s in doc.source.sentences()}
    english = {s.id: s.text for s in doc.target.sentences()}
    sources, references = [], []
    for link in doc.links:
        if link.source and link.target:
            sources.append(" ".join(french[i] for i in link.source))
            references.append(" ".join(english[j] for j in link.target))
    if limit is not None:
        sources, references = sources[:limit], references[:limit]
    return sources, references


def score(hypotheses: Sequence[str], references: Sequence[str]) -> tuple[float, float, str, str]:
    """Corpus BLEU and chrF with their sacrebleu signatures."""
    from sacrebleu.metrics import BLEU, CHRF

    bleu, chrf = BLEU(), CHRF()
    refs = [list(references)]
    bleu_score = bleu.corpus_score(list(hypotheses), refs)
    chrf_score = chrf.corpus_score(list(hypotheses), refs)
    return bleu_score.score, chrf_score.score, str(bleu.get_signature()), str(chrf.get_signature())


def evaluate(
    sources: Sequence[str],
    references: Sequence[str],
    engine: "Engine",
    glossary: "Glossary | None" = None,
) -> EvalResult:
    """Translate ``sources`` with ``engine`` (and ``glossary``), score against ``references``."""
    from align.translate import translate_sentences

    if len(sources) != len(references):
        raise InputError(f"{len(sources)} sources but {len(references)} references")
    if not sources:
        raise InputError("nothing to evaluate: no sentences")
    started = time.perf_counter()
    hypotheses = [t.text for t in translate_sentences(list(sources), engine, glossary=glossary)]
    seconds = time.perf_counter() - started
    bleu, chrf, bleu_signature, chrf_signature = score(hypotheses, references)
    return EvalResult(
        engine=engine.info(),
        glossary=glossary.name if glossary is not None else "",
        sentences=len(sources),
        seconds=seconds,
        bleu=bleu,
        chrf=chrf,
        bleu_signature=bleu_signature,
        chrf_signature=chrf_signature,
        hypotheses=hypotheses,
    )
