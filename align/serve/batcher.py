"""Sentences from concurrent requests, gathered into shared engine calls.

A translation model on a CPU is fastest when it gets many sentences at once
(one padded batch, its threads all busy) and slowest when it gets one request
at a time. A server whose clients each send a sentence or two therefore
gathers them: the first request that arrives opens a batch; the batch closes
when no other request has come for ``max_wait`` seconds, when ``max_delay``
seconds have passed since it opened, or when ``max_tokens`` source words are
waiting, whichever comes first, and goes to the engine as one call. While the
engine works, new requests queue up and form the next batch, so under load a
batch is as big as the traffic of one engine call. Clients that all got their
answers from one engine call come back within a few milliseconds of each
other, not at once: waiting for a quiet ``max_wait`` rather than a fixed one
keeps them in one batch instead of splitting them into two half-full ones.
With a single client the extra latency is ``max_wait``.

The batch goes through one worker thread, the only one that touches the engine
and the translation memory (an SQLite connection belongs to its thread). It
calls ``translate(texts)``: align's own pipeline (glossary protection and
repair, translation memory, the engine's length-sorted batches), so that each
sentence gets exactly what ``align translate`` gives it.

A request whose client went away is cancelled by the server; its sentences
are dropped from a batch that has not started, and a batch that has started
finishes for the others.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from dataclasses import dataclass
from typing import Callable, Generic, Sequence, TypeVar

Result = TypeVar("Result")

#: default quiet time that closes an open batch (seconds)
DEFAULT_MAX_WAIT = 0.005
#: default longest time a batch stays open (seconds)
DEFAULT_MAX_DELAY = 0.05
#: default source words per engine call before a batch closes early
DEFAULT_MAX_TOKENS = 4096


@dataclass
class _Job(Generic[Result]):
    sentences: list[str]
    future: "asyncio.Future[list[Result]]"
    tokens: int = 0


@dataclass
class BatcherStats:
    """What the batcher did: engine calls and the requests and sentences they carried."""

    calls: int = 0
    requests: int = 0
    sentences: int = 0
    largest_call: int = 0  # sentences
    busiest_call: int = 0  # requests

    def record(self, requests: int, sentences: int) -> None:
        self.calls += 1
        self.requests += requests
        self.sentences += sentences
        self.largest_call = max(self.largest_call, sentences)
        self.busiest_call = max(self.busiest_call, requests)

    def to_json(self) -> dict:
        return {"calls": self.calls, "requests": self.requests, "sentences": self.sentences,
                "largest_call": self.largest_call, "busiest_call": self.busiest_call}


def word_count(sentence: str) -> int:
    """The batch budget's measure: whitespace-separated words, at least 1."""
    return max(1, len(sentence.split()))


class SentenceBatcher(Generic[Result]):
    """``await batcher.translate(sentences)`` -> one result per sentence, in order.

    ``translate`` is called in the batcher's worker thread with the sentences
    of every request in the batch, concatenated in arrival order; it must
    return one result per sentence.
    """

    def __init__(self, translate: Callable[[list[str]], Sequence[Result]], *,
                 max_wait: float = DEFAULT_MAX_WAIT, max_tokens: int = DEFAULT_MAX_TOKENS,
                 max_delay: float | None = None) -> None:
        """``max_delay`` defaults to ten times ``max_wait`` (at least ``max_wait``)."""
        if max_wait < 0 or max_tokens < 1:
            raise ValueError("max_wait must be >= 0 and max_tokens >= 1")
        self._translate = translate
        self.max_wait = max_wait
        self.max_delay = max(max_wait, 10 * max_wait if max_delay is None else max_delay)
        self.max_tokens = max_tokens
        self.stats = BatcherStats()
        self._queue: asyncio.Queue[_Job[Result]] | None = None
        self._runner: asyncio.Task | None = None
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="align-engine")
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle ----------------------------------------------------------
    async def start(self) -> None:
        """Start gathering (in the server's event loop)."""
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._runner = asyncio.create_task(self._run(), name="align-batcher")

    async def close(self) -> None:
        """Stop gathering; requests still queued get an error."""
        if self._runner is not None:
            self._runner.cancel()
            try:
                await self._runner
            except asyncio.CancelledError:
                pass
            self._runner = None
        while self._queue is not None and not self._queue.empty():
            job = self._queue.get_nowait()
            if not job.future.done():
                job.future.set_exception(RuntimeError("the server is shutting down"))
        self._executor.shutdown(wait=True)

    def run_in_worker(self, function: Callable[[], Result]) -> "asyncio.Future[Result]":
        """Run ``function`` in the engine's thread (for work that must not race the engine
        or the translation memory, such as reading the memory's statistics)."""
        assert self._loop is not None, "start() the batcher first"
        return self._loop.run_in_executor(self._executor, function)

    # -- requests -----------------------------------------------------------
    async def translate(self, sentences: Sequence[str]) -> list[Result]:
        """Translate ``sentences`` in a batch shared with concurrent callers."""
        sentences = list(sentences)
        if not sentences:
            return []
        if self._queue is None:
            raise RuntimeError("the batcher is not running: start() it first")
        future: asyncio.Future[list[Result]] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Job(sentences, future, sum(word_count(s) for s in sentences)))
        return await future

    def translate_blocking(self, sentences: Sequence[str]) -> list[Result]:
        """:meth:`translate` for code running in another thread (a document being built)."""
        assert self._loop is not None, "start() the batcher first"
        return asyncio.run_coroutine_threadsafe(self.translate(sentences), self._loop).result()

    # -- the loop -----------------------------------------------------------
    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            jobs = await self._gather()
            jobs = [job for job in jobs if not job.future.done()]  # clients that left
            if jobs:
                await self._translate_jobs(jobs)

    async def _gather(self) -> list[_Job[Result]]:
        """Wait for a first job, then for more until a quiet ``max_wait``, ``max_delay``
        or the token budget runs out."""
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        first = await self._queue.get()
        jobs, tokens = [first], first.tokens
        opened = loop.time()
        while tokens < self.max_tokens:
            try:
                job = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                now = loop.time()
                remaining = min(opened + self.max_delay, now + self.max_wait) - now
                if remaining <= 0:
                    break
                try:
                    job = await asyncio.wait_for(self._queue.get(), remaining)
                except asyncio.TimeoutError:
                    break
            jobs.append(job)
            tokens += job.tokens
        return jobs

    async def _translate_jobs(self, jobs: list[_Job[Result]]) -> None:
        texts = [s for job in jobs for s in job.sentences]
        loop = asyncio.get_running_loop()
        try:
            results = list(await loop.run_in_executor(self._executor, self._translate, texts))
            if len(results) != len(texts):
                raise RuntimeError(f"the translator returned {len(results)} results for {len(texts)} sentences")
        except Exception as exc:  # every waiting request hears about it; the loop goes on
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(exc)
            return
        self.stats.record(len(jobs), len(texts))
        start = 0
        for job in jobs:
            end = start + len(job.sentences)
            if not job.future.done():  # cancelled while the engine worked
                job.future.set_result(results[start:end])
            start = end

