"""``align align --pairs MANIFEST --ray``: one Ray task per French/English pair.

Pairs are independent, so each is a plain task running
:func:`align.pairs.align_pair` (the function ``align align`` runs for one
pair) on a worker, which writes its TEI file atomically: the output folder
must be one every node can write (a shared file system) unless Ray runs on
one machine. A task whose worker dies is run again by Ray (``max_retries``);
a pair that fails (bad encoding, empty file) is reported and the others go on.
Workers keep the engine of ``--method mt`` loaded between their tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from align.cluster.runtime import absolute, as_given
from align.errors import AlignError

if TYPE_CHECKING:  # pragma: no cover
    from align.glossary import Glossary
    from align.srx import SegmentationRules


@dataclass
class PairOptions:
    """How every pair is aligned (the ``align align`` options, ``method`` already resolved)."""

    method: str = "anchors"
    engine_name: str | None = None  # for method "mt"
    presplit: bool = False
    glossary: "Glossary | None" = None
    strict: bool = False
    srx: "SegmentationRules | None" = None  # a CAT tool's sentence rules (align.srx)


@dataclass
class PairOutcome:
    french: Path
    english: Path
    output: Path
    summary: str = ""  # "12 1-1, 2 1-2" when written
    links: int = 0
    doubtful: int = 0
    error: str = ""  # the one-line error when it failed


#: the engine each worker process loaded for --method mt, by name
_ENGINES: dict = {}


def _engine(name: str | None):
    if name not in _ENGINES:
        from align.engines.base import get_engine

        _ENGINES[name] = get_engine(name)
    return _ENGINES[name]


def align_pair_task(french: Path, english: Path, output: Path, options: PairOptions,
                    doubtful_below: float) -> PairOutcome:
    """Align one pair on a worker, with the engine this worker keeps loaded."""
    try:
        translator = _engine(options.engine_name) if options.method == "mt" else None
    except AlignError as exc:
        return PairOutcome(french, english, output, error=str(exc))
    return run_pair(french, english, output, options, translator, doubtful_below)


def run_pair(french: Path, english: Path, output: Path, options: PairOptions, translator,
             doubtful_below: float) -> PairOutcome:
    """Align one pair with :func:`align.pairs.align_pair`; its outcome (an error is a value, not an exception)."""
    from align.pairs import align_pair, summary

    outcome = PairOutcome(french, english, output)
    try:
        aligned = align_pair(french, english, output, method=options.method, presplit=options.presplit,
                             translator=translator, glossary=options.glossary, strict=options.strict,
                             srx=options.srx)
    except AlignError as exc:
        outcome.error = str(exc)
        return outcome
    outcome.summary, outcome.links = summary(aligned.links), len(aligned.links)
    outcome.doubtful = sum(link.confidence_below(doubtful_below) for link in aligned.links)
    return outcome


def align_pairs(ray, jobs: list[tuple[Path, Path, Path]], options: PairOptions, doubtful_below: float,
                report: Callable[[PairOutcome], None]) -> list[PairOutcome]:
    """Run every (French, English, output) job as a task; ``report`` each outcome as it comes."""
    remote = ray.remote(max_retries=5)(align_pair_task)
    options_ref = ray.put(options)
    pending = {remote.remote(*map(absolute, job), options_ref, doubtful_below): i for i, job in enumerate(jobs)}
    outcomes: dict[int, PairOutcome] = {}
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        for ref in ready:
            index = pending.pop(ref)
            outcomes[index] = _as_given(ray.get(ref), *jobs[index])
            report(outcomes[index])
    return [outcomes[i] for i in range(len(jobs))]


def _as_given(outcome: PairOutcome, french: Path, english: Path, output: Path) -> PairOutcome:
    """The outcome with the paths as the manifest gave them, in its fields and its error."""
    outcome.error = as_given(outcome.error, french, english, output)
    outcome.french, outcome.english, outcome.output = french, english, output
    return outcome
