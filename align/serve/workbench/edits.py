"""What an editor does to a document, on align's dataclasses (no HTTP here).

Post-editing keeps the text the sentence had before its first edit
(``Sentence.original``: for a translation, the machine output) and records
each edit as a ``Change`` (TEI ``revisionDesc/change``). Every sentence has a
version, a short hash of its text and original: a save names the version it
started from, and a save from an older version is a conflict, so that two
editors never silently overwrite each other.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from align.document import DOUBTFUL_BELOW, AlignedDocument, Change, Document, Link, Sentence, TermSpan
from align.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from align.glossary import Glossary


class Conflict(Exception):
    """The sentence changed since the editor loaded it."""

    def __init__(self, sentence: Sentence) -> None:
        super().__init__(f"{sentence.id} was changed by someone else")
        self.sentence = sentence


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def sentence_version(sentence: Sentence) -> str:
    """A short hash of what an editor sees and keeps: the text and the original."""
    data = f"{sentence.text}\x00{sentence.original}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass
class Counts:
    sentences: int
    problems: int
    doubtful: int
    post_edited: int


def counts(doc: AlignedDocument, threshold: float = DOUBTFUL_BELOW) -> Counts:
    """What the workspace page lists for a document; problems are links with a problem
    note on either side."""
    noted = {s.id for side in (doc.source, doc.target) for s in side.sentences() if s.notes}
    return Counts(
        sentences=len(doc.source.sentences()),
        problems=sum(1 for link in doc.links if any(i in noted for i in (*link.source, *link.target))),
        doubtful=sum(1 for link in doc.links if link.confidence_below(threshold)),
        post_edited=sum(1 for s in doc.target.sentences() if s.original is not None),
    )


def term_spans(text: str, glossary: "Glossary | None", known: set[str]) -> list[TermSpan]:
    """Glossary terms in an edited sentence, limited to the entries the document declares."""
    if glossary is None or not known:
        return []
    return [TermSpan(m.start, m.end, m.entry.id) for m in glossary.find(text, entries=known)]


def post_edit(doc: AlignedDocument, sentence_id: str, text: str, base_version: str, who: str = "",
              glossary: "Glossary | None" = None, when: str | None = None) -> bool:
    """Replace the English sentence ``sentence_id`` with ``text``.

    Conflict if its version is no longer ``base_version``. Returns False when
    ``text`` is already the sentence's text (nothing to record).
    """
    sentence = _target_sentence(doc, sentence_id)
    if sentence_version(sentence) != base_version:
        raise Conflict(sentence)
    if not text.strip():
        raise InputError("an English sentence cannot be empty")
    if text == sentence.text:
        return False
    if sentence.original is None:
        sentence.original = sentence.text
    elif text == sentence.original:
        sentence.original = None  # back to the machine's text: not post-edited any more
    sentence.text = text
    sentence.terms = term_spans(text, glossary, _declared_entries(doc))
    doc.provenance.changes.append(Change(when or now(), f"post-edited {sentence_id}", who))
    return True


def _declared_entries(doc: AlignedDocument) -> set[str]:
    glossary = doc.provenance.glossary
    return {entry_id for entry_id, _ in glossary.entries} if glossary else set()


def _by_id(document: Document) -> dict[str, Sentence]:
    """Every sentence of ``document`` by its id, built once (the first of an id, as
    Document.sentence finds it), for lookups that would otherwise scan it per link."""
    out: dict[str, Sentence] = {}
    for sentence in document.sentences():
        out.setdefault(sentence.id, sentence)
    return out


def _target_sentence(doc: AlignedDocument, sentence_id: str,
                     targets: dict[str, Sentence] | None = None) -> Sentence:
    """The English sentence ``sentence_id`` (looked up in ``targets``, from :func:`_by_id`, when given)."""
    try:
        return targets[sentence_id] if targets is not None else doc.target.sentence(sentence_id)
    except KeyError:
        raise InputError(f"no English sentence {sentence_id}") from None


def _one_to_one_links(doc: AlignedDocument) -> dict[str, Link]:
    """English sentence id -> the first 1-1 link to it."""
    out: dict[str, Link] = {}
    for link in doc.links:
        if len(link.source) == 1 and len(link.target) == 1:
            out.setdefault(link.target[0], link)
    return out


def one_to_one_source(doc: AlignedDocument, target_id: str) -> Sentence | None:
    """The French sentence of a 1-1 link to ``target_id`` (the translation memory's unit), else None."""
    link = _one_to_one_links(doc).get(target_id)
    return None if link is None else doc.source.sentence(link.source[0])


def affected_sentences(doc: AlignedDocument, glossary: "Glossary", entry_id: str) -> list[str]:
    """English sentence ids of 1-1 links whose French sentence spells glossary entry ``entry_id``."""
    sources = _by_id(doc.source)
    out = []
    for link in doc.links:
        if len(link.source) == 1 and len(link.target) == 1:
            french = sources[link.source[0]]
            if glossary.find(french.text, entries={entry_id}):
                out.append(link.target[0])
    return out


@dataclass
class Retranslation:
    changed: list[str]
    kept_post_edited: list[str]


def retranslate(doc: AlignedDocument, target_ids: list[str],
                translate: Callable[[list[str]], list], reason: str, who: str = "",
                glossary: "Glossary | None" = None) -> Retranslation:
    """Translate again the French of ``target_ids`` (1-1 links) with ``translate``
    (align.translate.translate_sentences or the server's batcher: SentenceTranslation
    results). Post-edited sentences are left as the editor wrote them."""
    targets, sources, links = _by_id(doc.target), _by_id(doc.source), _one_to_one_links(doc)
    todo: list[tuple[Sentence, Sentence]] = []
    kept = []
    for target_id in dict.fromkeys(target_ids):
        english = _target_sentence(doc, target_id, targets)
        link = links.get(target_id)
        if link is None:
            raise InputError(f"{target_id} is not one English sentence for one French sentence")
        french = sources[link.source[0]]
        if english.original is not None:
            kept.append(target_id)
        else:
            todo.append((french, english))
    results = translate([french.text for french, _ in todo]) if todo else []
    changed = []
    for (french, english), result in zip(todo, results):
        french.terms, french.notes = list(result.source_terms), list(result.problems)
        if (result.text, result.target_terms, result.problems) != (english.text, english.terms, english.notes):
            changed.append(english.id)
        english.text, english.terms, english.notes = result.text, list(result.target_terms), list(result.problems)
    if changed:
        if glossary is not None:
            _declare_glossary(doc, glossary)
        doc.provenance.changes.append(Change(now(), f"re-translated {', '.join(changed)} ({reason})", who))
    return Retranslation(changed, kept)


def _declare_glossary(doc: AlignedDocument, glossary: "Glossary") -> None:
    """Term refs must name categories of the document's glossary taxonomy (see
    align.tei.reference_problems): the document now declares the server's glossary,
    and still every entry its other sentences refer to."""
    from align.document import GlossaryInfo

    info = glossary.info()
    entries = dict(doc.provenance.glossary.entries) if doc.provenance.glossary else {}
    entries.update(info.entries)
    doc.provenance.glossary = GlossaryInfo(info.name, info.sha256, list(entries.items()))
