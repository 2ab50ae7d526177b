"""What the server translates with: one engine, one glossary, one memory, one batcher.

Built once when ``align serve`` starts; every route goes through it, and it goes
through align's library: sentences through :func:`align.translate.translate_sentences`
(glossary protection and repair, translation memory), articles through
:func:`align.translate.translate_document` and :func:`align.tei.write_tei`.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from align.serve.batcher import DEFAULT_MAX_TOKENS, DEFAULT_MAX_WAIT, SentenceBatcher
from align.serve.http import DEFAULT_MAX_BODY

if TYPE_CHECKING:  # pragma: no cover
    from align.cache import TranslationMemory
    from align.document import AlignedDocument
    from align.engines.base import Engine
    from align.errors import AlignError
    from align.glossary import Glossary
    from align.translate import SentenceTranslation

#: a workspace document's id: what its file is called, less ".tei.xml"
DOCUMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")


@dataclass
class ServeSettings:
    """Everything ``align serve``'s options decide."""

    engine: "Engine"
    glossary: "Glossary | None" = None
    memory: "TranslationMemory | None" = None
    glossary_mode: str | None = None
    workspace: Path = field(default_factory=lambda: Path("."))
    api_keys: list[bytes] | None = None  # None: no key needed
    max_body: int = DEFAULT_MAX_BODY
    max_wait: float = DEFAULT_MAX_WAIT
    max_delay: float | None = None  # None: ten times max_wait
    max_tokens: int = DEFAULT_MAX_TOKENS
    char_limit: int = -1  # per text, as LibreTranslate's --char-limit; -1: none
    batch_limit: int = -1  # texts per request, as LibreTranslate's --batch-limit; -1: none
    user: str = ""  # the editor's name recorded in the workbench's revisionDesc/change (--user); "": none


class TranslationService:
    """The engine behind every route, shared by all clients through one batcher."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.batcher: SentenceBatcher[SentenceTranslation] = SentenceBatcher(
            self._translate_now, max_wait=settings.max_wait, max_tokens=settings.max_tokens,
            max_delay=settings.max_delay)

    def _translate_now(self, sentences: list[str]) -> "list[SentenceTranslation]":
        """In the engine's thread: align's pipeline, exactly as ``align translate`` runs it."""
        from align.translate import translate_sentences

        s = self.settings
        return translate_sentences(sentences, s.engine, glossary=s.glossary, memory=s.memory,
                                   glossary_mode=s.glossary_mode)

    async def start(self) -> None:
        await self.batcher.start()

    async def close(self) -> None:
        """After the last request: close the memory in the engine's thread (its SQLite
        connection belongs there), then stop the batcher."""
        if self.settings.memory is not None:
            await self.batcher.run_in_worker(self.settings.memory.close)
        await self.batcher.close()

    # -- LibreTranslate's /translate ------------------------------------------
    async def translate_texts(self, texts: Sequence[str], text_format: str = "text") -> list[str]:
        """Each text (plain or HTML) translated; all their sentences in one batcher call."""
        from align.serve.texts import plan_html, plan_text

        plans = [plan_html(t) if text_format == "html" else plan_text(t) for t in texts]
        sentences = [s for plan in plans for s in plan.sentences]
        results = await self.batcher.translate(sentences)
        english = [r.text for r in results]
        out, position = [], 0
        for plan in plans:
            count = len(plan.sentences)
            out.append(plan.render(english[position:position + count]))
            position += count
        return out

    # -- align's /v1/documents ------------------------------------------------
    def document_path(self, doc_id: str) -> Path:
        """Where document ``doc_id`` lives (or will): ``WORKSPACE/doc_id.tei.xml``. ``doc_id`` must
        match :data:`DOCUMENT_ID` (no separators, no leading dot), so it cannot leave the workspace."""
        if not DOCUMENT_ID.fullmatch(doc_id):
            raise ValueError(f"not a document id: {doc_id!r}")
        return self.settings.workspace / f"{doc_id}.tei.xml"

    def existing_document(self, doc_id: str) -> Path | None:
        """The file of a stored document, or None: no such id, no such file, or a symbolic
        link (a link could point out of the workspace; align never writes one)."""
        if not DOCUMENT_ID.fullmatch(doc_id):
            return None
        path = self.document_path(doc_id)
        if path.is_symlink() or not path.is_file():
            return None
        return path

    def document_ids(self) -> list[str]:
        """The ids of the workspace's documents (regular files only), sorted."""
        workspace = self.settings.workspace
        if not workspace.is_dir():
            return []
        names = (p.name[: -len(".tei.xml")] for p in workspace.glob("*.tei.xml"))
        return sorted(i for i in names if self.existing_document(i) is not None)

    def documents(self) -> "Iterator[tuple[str, AlignedDocument | None, AlignError | None]]":
        """Each workspace document read from its TEI, in :meth:`document_ids` order:
        ``(id, document, None)``, or ``(id, None, the error)`` for a file that does not read."""
        from align import tei
        from align.errors import AlignError

        for doc_id in self.document_ids():
            try:
                doc = tei.read_tei(self.document_path(doc_id))
            except AlignError as exc:
                yield doc_id, None, exc
                continue
            yield doc_id, doc, None

    def translate_article(self, text: str, doc_id: str, title: str | None = None) -> "AlignedDocument":
        """Clean, segment, translate (through the shared batcher) and store one article as
        ``WORKSPACE/doc_id.tei.xml``, atomically, as ``align translate`` does a file.
        Runs in a worker thread."""
        from align.translate import article_from_text, translate_article

        source, provenance = article_from_text(text, doc_id, title=title)
        s = self.settings
        s.workspace.mkdir(parents=True, exist_ok=True)
        return translate_article(source, provenance, s.engine, self.document_path(doc_id), glossary=s.glossary,
                                 glossary_mode=s.glossary_mode, sentence_translator=self.batcher.translate_blocking)

    async def translate_article_async(self, text: str, doc_id: str, title: str | None = None) -> "AlignedDocument":
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.translate_article, text, doc_id, title)

