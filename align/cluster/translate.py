"""``align translate --ray``: a corpus translated as a stream on a Ray cluster.

    driver: skip up-to-date outputs --> Ray tasks: read + segment (align.translate.read_article)
    driver threads: translate_document (memory, glossary) --> engine actors (align.cluster.engines)
    driver: write_tei, atomically --> OUT/NAME.tei.xml

Every step is the local path's own function (the two halves of
:func:`align.translate.translate_file`): :func:`align.translate.read_article` on a
worker, then on the driver :func:`align.translate.translate_article` with an
:class:`~align.cluster.engines.ActorPoolEngine` as its engine. So the translation memory and the glossary
stay with the driver (known sentences never reach an actor, new ones are
stored as their batch comes back), and each TEI file is the one the local run
writes, apart from its date. Several documents are in flight at once (one per
driver thread), which keeps every actor busy; at most ``window`` documents are
held in memory.

A document that cannot be read (bad encoding, empty, no sentences) is
reported and the others go on. Outputs are written atomically and skipped when up to date,
so a rerun after an interrupted driver resumes where it stopped.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from align.cluster.runtime import absolute, as_given
from align.errors import AlignError

if TYPE_CHECKING:  # pragma: no cover
    from align.document import AlignedDocument
    from align.glossary import Glossary
    from align.srx import SegmentationRules


@dataclass
class Settings:
    """How the stream runs: the engine and its actors, the glossary, the memory."""

    engine_name: str | None = None
    engine_options: dict = field(default_factory=dict)
    glossary: "Glossary | None" = None
    glossary_mode: str | None = None
    use_memory: bool = True
    force: bool = False
    strict: bool = False
    typography: str = "english"
    srx: "SegmentationRules | None" = None  # a CAT tool's sentence rules (align.srx)
    actors: int | None = None  # None: one per GPU, else one per `threads` free CPUs
    threads: int = 1  # CPU threads per actor
    driver_threads: int | None = None  # documents translated at once (None: 2 per actor slot)


@dataclass
class Outcome:
    """What happened to one article: written, up to date, or failed. ``document`` is the
    AlignedDocument while ``report`` runs, then dropped, so that a long run keeps none."""

    article: Path
    output: Path
    status: str  # "written" | "up to date" | "failed"
    document: "AlignedDocument | None" = None
    error: str = ""
    sentences: int = 0  # source sentences written


Report = Callable[[Outcome], None]

#: documents in translation at once per actor: while one waits on its actor, others are
#: protected, looked up in the memory, reassembled or written on the driver
DOCUMENTS_PER_ACTOR = 4


def translate_corpus(ray, jobs: list[tuple[Path, Path]], settings: Settings, report: Report) -> list[Outcome]:
    """Translate every (article, output) of ``jobs`` on the cluster ``ray`` is connected to.

    ``report`` is called once per article, from the driver's main thread, as
    soon as its outcome is known. Returns the outcomes in ``jobs`` order.
    """
    from align.cluster.engines import start_pool

    actors, gpus = _actor_count(ray, settings)
    engine = start_pool(ray, settings.engine_name, settings.engine_options, actors=actors,
                        threads=settings.threads, gpus_per_actor=gpus)
    if settings.engine_name is None and engine.info().name == "apertium":  # the actors chose, as get_engine does
        from align.engines.select import APERTIUM_NOTICE

        print(f"align: {APERTIUM_NOTICE}", file=sys.stderr)
    threads = settings.driver_threads or DOCUMENTS_PER_ACTOR * actors
    stream = _Stream(ray, engine, settings, report, threads, _reader_cpus(ray, actors, settings.threads, gpus))
    try:
        return stream.run(jobs)
    finally:
        for actor in engine.actors:
            ray.kill(actor)


def _actor_count(ray, settings: Settings) -> tuple[int, float]:
    """(actors, GPUs per actor): one actor per GPU where the cluster has GPUs
    (and the engine is argos), else one per ``threads`` CPUs, keeping one CPU
    for the segmentation tasks."""
    from align.cluster.runtime import cluster_cpus, cluster_gpus

    gpus = cluster_gpus(ray) if settings.engine_name != "apertium" and \
        settings.engine_options.get("device") != "cpu" else 0
    if settings.actors is not None:
        return settings.actors, min(1.0, gpus / settings.actors)
    if gpus:
        return gpus, 1.0
    return max(1, (cluster_cpus(ray) - 1) // settings.threads), 0.0


def _reader_cpus(ray, actors: int, threads: int, gpus: float) -> float:
    """CPUs a segmentation task reserves: 1, or 0 when the actors hold every
    CPU of the cluster (the tasks would otherwise wait for ever)."""
    from align.cluster.runtime import cluster_cpus

    held = actors * (1 if gpus else threads)
    return 1 if cluster_cpus(ray) - held >= 1 else 0


def read_article_task(article: Path, strict: bool, srx):
    """Read and segment one article (on a worker): ("ok", Document, Provenance) or ("failed", message)."""
    from align.translate import read_article

    try:
        source, provenance = read_article(article, strict=strict, srx=srx)
    except AlignError as exc:
        return ("failed", str(exc))
    return ("ok", source, provenance)


class _Stream:
    def __init__(self, ray, engine, settings: Settings, report: Report, threads: int, reader_cpus: float) -> None:
        self.ray = ray
        self.engine = engine
        self.settings = settings
        self.report = report
        self.window = 2 * threads
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="align-translate")
        self.local = threading.local()
        self.read_remote = ray.remote(max_retries=5, num_cpus=reader_cpus)(read_article_task)
        self.srx_ref = ray.put(settings.srx)  # the rules travel once, not with every article

    def run(self, jobs: list[tuple[Path, Path]]) -> list[Outcome]:
        self.jobs = jobs
        outcomes: dict[int, Outcome] = {}
        reading: dict = {}  # object ref -> job index
        translating: dict[Future, int] = {}
        todo = iter(enumerate(jobs))
        exhausted = False
        try:
            while not exhausted or reading or translating:
                while not exhausted and len(reading) + len(translating) < self.window:
                    item = next(todo, None)
                    if item is None:
                        exhausted = True
                        break
                    index, (article, output) = item
                    if self._up_to_date(article, output):
                        self._settle(outcomes, index, Outcome(article, output, "up to date"))
                    else:
                        reading[self.read_remote.remote(absolute(article), self.settings.strict,
                                                        self.srx_ref)] = index
                self._collect_read(reading, translating, outcomes)
                self._collect_translated(translating, outcomes)
        finally:
            for future in translating:
                future.cancel()
            self.executor.shutdown(wait=True)
        return [outcomes[i] for i in range(len(jobs))]

    def _settle(self, outcomes: dict, index: int, outcome: Outcome) -> None:
        if outcome.document is not None:
            outcome.sentences = len(outcome.document.links)
        self.report(outcome)
        outcome.document = None
        outcomes[index] = outcome

    def _up_to_date(self, article: Path, output: Path) -> bool:
        from align.translate import is_up_to_date

        return not self.settings.force and is_up_to_date(output, article, self.engine, self.settings.glossary,
                                                         self.settings.typography, self.settings.srx)

    def _collect_read(self, reading: dict, translating: dict, outcomes: dict) -> None:
        if not reading:
            return
        timeout = 0 if translating else 0.2
        ready, _ = self.ray.wait(list(reading), num_returns=len(reading), timeout=timeout)
        for ref in ready:
            index = reading.pop(ref)
            article, output = self.jobs[index]
            result = self.ray.get(ref)
            if result[0] == "failed":
                error = as_given(result[1], article)
                self._settle(outcomes, index, Outcome(article, output, "failed", error=error))
                continue
            future = self.executor.submit(self._translate_and_write, result[1], result[2], output)
            translating[future] = index

    def _collect_translated(self, translating: dict, outcomes: dict) -> None:
        if not translating:
            return
        done, _ = wait(list(translating), timeout=0.05, return_when=FIRST_COMPLETED)
        for future in done:
            index = translating.pop(future)
            article, output = self.jobs[index]
            try:
                outcome = Outcome(article, output, "written", document=future.result())
            except AlignError as exc:
                outcome = Outcome(article, output, "failed", error=str(exc))
            self._settle(outcomes, index, outcome)

    def _translate_and_write(self, source, provenance, output: Path):
        from align.translate import translate_article

        settings = self.settings
        return translate_article(source, provenance, self.engine, output, glossary=settings.glossary,
                                 memory=self._memory(), glossary_mode=settings.glossary_mode,
                                 typography=settings.typography, srx=settings.srx)

    def _memory(self):
        """This driver thread's own connection to the translation memory (SQLite
        connections stay in the thread that opened them)."""
        if not self.settings.use_memory:
            return None
        memory = getattr(self.local, "memory", None)
        if memory is None:
            from align.cache import TranslationMemory

            memory = self.local.memory = TranslationMemory()
        return memory
