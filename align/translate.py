"""The translation pipeline: a French Document in, an AlignedDocument out.

    text --segment--> Document (fr) --engine (+glossary, +memory)--> Document (en)
         --> AlignedDocument with one 1-1 Link per French sentence --> TEI

Body sentences go to the engine in one batch per article (the engine sorts and
batches them itself); page furniture is copied to the English side untouched.
With a glossary, every sentence is protected before translation and repaired
after it (align/enforce.py); what cannot be repaired lands in Sentence.notes.
With a translation memory (align/cache.py), known sentences never reach the
engine, and finished batches survive an interrupted run.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from align import __version__
from align.document import (
    AlignedDocument,
    Document,
    Link,
    Paragraph,
    Provenance,
    Sentence,
    TermSpan,
)

if TYPE_CHECKING:  # pragma: no cover
    from align.cache import TranslationMemory
    from align.engines.base import Engine
    from align.glossary import Glossary
    from align.srx import SegmentationRules

TranslateBatch = Callable[[list[str]], list[str]]
#: French sentences -> one SentenceTranslation each (translate_sentences, or a server's shared batcher)
SentenceTranslator = Callable[[list[str]], "list[SentenceTranslation]"]
#: values of ``typography``: English typography on the English side, or the engine's text as it is
TYPOGRAPHY = ("english", "engine")


@dataclass
class SentenceTranslation:
    """One engine output, with the glossary's findings on both sides."""

    text: str
    source_terms: list[TermSpan] = field(default_factory=list)
    target_terms: list[TermSpan] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def translate_sentences(
    sentences: Sequence[str],
    engine: "Engine",
    *,
    glossary: "Glossary | None" = None,
    memory: "TranslationMemory | None" = None,
    glossary_mode: str | None = None,
    typography: str = "english",
) -> list[SentenceTranslation]:
    """Translate French sentences, one result per input, in order.

    The engine gets a copy of each sentence without its bullet marker ("• "),
    which goes back in front of the English. ``typography``: "english" puts
    the engine's English into English typography (align/typography.py: “ ” for
    « », no space before : ; ! ?), "engine" keeps the engine's text as it is.
    The translation memory stores the engine's own text. A sentence an editor
    translated (the memory's human rows, see align/cache.py) gets the editor's
    text as it is, for any engine and glossary, and never reaches the engine.
    """
    if typography not in TYPOGRAPHY:
        raise ValueError(f"typography must be one of {TYPOGRAPHY}, not {typography!r}")
    human = memory.human_many(sentences) if memory is not None and sentences else {}
    rest = [s for s in sentences if s not in human]
    machine = iter(_machine_translations(rest, engine, glossary, memory, glossary_mode, typography))
    return [_human_result(s, human[s], glossary) if s in human else next(machine) for s in sentences]


def _machine_translations(sentences: list[str], engine: "Engine", glossary: "Glossary | None",
                          memory: "TranslationMemory | None", glossary_mode: str | None,
                          typography: str) -> list[SentenceTranslation]:
    """The pipeline: bullet markers set aside, the engine (or the memory) on copies, then typography."""
    from align.segment import leading_marker

    markers = [leading_marker(text) for text in sentences]
    texts = [text[len(marker):] for text, marker in zip(sentences, markers)]
    results = _translate_copies(texts, engine, glossary, memory, glossary_mode)
    return [_finish(result, marker, typography) for result, marker in zip(results, markers)]


def _human_result(source: str, english: str, glossary: "Glossary | None") -> SentenceTranslation:
    """An editor's translation, with the glossary's terms found on both sides."""
    if glossary is None:
        return SentenceTranslation(english)
    return SentenceTranslation(english, [TermSpan(m.start, m.end, m.entry.id) for m in glossary.find(source)],
                               [TermSpan(m.start, m.end, m.entry.id) for m in glossary.find(english)])


def _translate_copies(texts: list[str], engine: "Engine", glossary: "Glossary | None",
                      memory: "TranslationMemory | None", glossary_mode: str | None) -> list[SentenceTranslation]:
    translate_batch = _batch_translator(engine, glossary, memory)
    if not texts:
        return []
    if glossary is None:
        return [SentenceTranslation(text) for text in translate_batch(texts)]
    from align import enforce

    options = {"mode": glossary_mode} if glossary_mode else {}
    restored = enforce.enforce_batch(texts, glossary, translate_batch, **options)
    return [
        SentenceTranslation(r.text, list(r.source_terms), list(r.target_terms), list(r.problems))
        for r in restored
    ]


def _batch_translator(
    engine: "Engine", glossary: "Glossary | None", memory: "TranslationMemory | None"
) -> TranslateBatch:
    if memory is None:
        return lambda batch: list(engine.translate_batch(batch))
    from align.cache import translate_with_memory

    glossary_key = glossary.sha256 if glossary is not None else ""
    return lambda batch: translate_with_memory(batch, engine, memory, glossary_key=glossary_key)


def translate_document(
    source: Document,
    engine: "Engine",
    *,
    glossary: "Glossary | None" = None,
    memory: "TranslationMemory | None" = None,
    glossary_mode: str | None = None,
    provenance: Provenance | None = None,
    sentence_translator: SentenceTranslator | None = None,
    typography: str = "english",
    srx: "SegmentationRules | None" = None,
) -> AlignedDocument:
    """Translate every body sentence of ``source``; copy furniture as it is.

    ``sentence_translator`` replaces the call to :func:`translate_sentences`
    (with the same engine, glossary and memory behind it): ``align serve``
    passes its batcher, which shares engine calls between clients (it calls
    translate_sentences with its default ``typography``, "english").

    ``typography`` is translate_sentences's: "english" (the default) or
    "engine" (the engine's text as it is); it is recorded in the settings, with
    ``srx``, the SRX rules that cut ``source`` into sentences (None: align's own).
    """
    to_translate = [s for p, s in source.iter_sentences() if p.kind != "furniture"]
    texts = [s.text for s in to_translate]
    if sentence_translator is not None:
        results = sentence_translator(texts)
    else:
        results = translate_sentences(texts, engine, glossary=glossary, memory=memory, glossary_mode=glossary_mode,
                                      typography=typography)
    by_id = dict(zip((s.id for s in to_translate), results))

    target_paragraphs: list[Paragraph] = []
    links: list[Link] = []
    sentence_count = 0
    for p_index, paragraph in enumerate(source.paragraphs, start=1):
        target_sentences = []
        for sentence in paragraph.sentences:
            sentence_count += 1
            target_id = f"en.s{sentence_count}"
            result = by_id.get(sentence.id)
            if result is None:  # furniture: kept verbatim on both sides
                target_sentences.append(Sentence(target_id, sentence.text))
            else:
                sentence.terms = result.source_terms
                sentence.notes = list(result.problems)
                target_sentences.append(
                    Sentence(target_id, result.text, list(result.target_terms), list(result.problems))
                )
            links.append(Link((sentence.id,), (target_id,)))
        target_paragraphs.append(Paragraph(f"en.p{p_index}", target_sentences, paragraph.kind))

    aligned = AlignedDocument(source, Document("en", target_paragraphs), links)
    aligned.provenance = _provenance(engine, glossary, provenance, typography, srx)
    return aligned


def _finish(result: SentenceTranslation, marker: str, typography: str) -> SentenceTranslation:
    """The English as stored: in English typography unless told otherwise, the source's
    bullet marker in front; term spans moved with the characters."""
    text, target_terms = result.text, list(result.target_terms)
    if typography == "english":
        from align.typography import english_with_offsets

        text, offsets = english_with_offsets(text)
        target_terms = [TermSpan(offsets[t.start], offsets[t.end], t.ref) for t in target_terms]
    shift = len(marker)
    return SentenceTranslation(
        marker + text,
        [TermSpan(t.start + shift, t.end + shift, t.ref) for t in result.source_terms],
        [TermSpan(t.start + shift, t.end + shift, t.ref) for t in target_terms],
        list(result.problems),
    )


def _settings(engine: "Engine", typography: str, srx: "SegmentationRules | None" = None) -> dict[str, str]:
    """The settings a translation records: the engine's, the typography of its English, and
    the SRX rules that cut its sentences (when not align's own)."""
    settings = {**{k: str(v) for k, v in engine.info().settings.items()}, "typography": typography}
    if srx is not None:
        settings["segmentation"] = srx.describe()
    return settings


def _provenance(engine: "Engine", glossary: "Glossary | None", base: Provenance | None,
                typography: str = "english", srx: "SegmentationRules | None" = None) -> Provenance:
    info = engine.info()
    prov = base or Provenance()
    prov.method = "translation"
    prov.engine = info.name
    prov.engine_version = info.version
    prov.model = info.model
    prov.model_version = info.model_version
    prov.settings = _settings(engine, typography, srx)
    prov.glossary = glossary.info() if glossary is not None else None
    prov.date = prov.date or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    prov.align_version = __version__
    return prov


def sha256_file(path: Path) -> str:
    """The sha256 of the file's bytes, as recorded in the TEI header."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def output_path(article: Path, out_dir: Path | None) -> Path:
    """``dir/000_x.txt`` -> ``OUT/000_x.tei.xml`` (beside the input without -o)."""
    name = article.name[: -len(article.suffix)] if article.suffix else article.name
    return (out_dir or article.parent) / f"{name}.tei.xml"


def is_up_to_date(out_path: Path, article: Path, engine: "Engine", glossary: "Glossary | None",
                  typography: str = "english", srx: "SegmentationRules | None" = None) -> bool:
    """True when ``out_path`` already holds ``article`` translated with the
    same engine, model, settings, typography and glossary: a rerun after an interruption
    skips it (outputs are written atomically, so an existing file is whole). The
    article is read (hashed) only when there is an output to compare it with."""
    if not out_path.is_file() or not article.is_file():
        return False
    from align import tei
    from align.errors import AlignError

    try:
        prov = tei.read_tei(out_path).provenance
    except AlignError:
        return False
    info = engine.info()
    wanted_glossary = glossary.sha256 if glossary is not None else ""
    have_glossary = prov.glossary.sha256 if prov.glossary is not None else ""
    return (
        prov.source_sha256 == sha256_file(article)
        and (prov.engine, prov.engine_version, prov.model, prov.model_version)
        == (info.name, info.version, info.model, info.model_version)
        and prov.settings == _settings(engine, typography, srx)
        and have_glossary == wanted_glossary
    )


def translate_file(
    article: Path,
    engine: "Engine",
    out_path: Path,
    *,
    glossary: "Glossary | None" = None,
    memory: "TranslationMemory | None" = None,
    glossary_mode: str | None = None,
    strict: bool = False,
    typography: str = "english",
    srx: "SegmentationRules | None" = None,
) -> AlignedDocument:
    """Read, segment, translate and write one article as aligned TEI (atomically).

    Characters XML cannot hold are replaced and counted in the header
    (``strict=True`` refuses the article instead; see align.io.read_clean_text)."""
    source, provenance = read_article(article, strict=strict, srx=srx)
    return translate_article(source, provenance, engine, out_path, glossary=glossary, memory=memory,
                             glossary_mode=glossary_mode, typography=typography, srx=srx)


def translate_article(
    source: Document,
    provenance: Provenance,
    engine: "Engine",
    out_path: Path,
    *,
    glossary: "Glossary | None" = None,
    memory: "TranslationMemory | None" = None,
    glossary_mode: str | None = None,
    typography: str = "english",
    srx: "SegmentationRules | None" = None,
    sentence_translator: SentenceTranslator | None = None,
) -> AlignedDocument:
    """Translate an article :func:`read_article` read and write it as aligned TEI (atomically):
    the second step of :func:`translate_file`, which ``align translate --ray`` runs on the driver
    and ``align serve`` with its shared batcher as ``sentence_translator``."""
    from align import tei

    aligned = translate_document(
        source, engine, glossary=glossary, memory=memory,
        glossary_mode=glossary_mode, provenance=provenance, typography=typography,
        sentence_translator=sentence_translator, srx=srx,
    )
    tei.write_tei(aligned, out_path)
    return aligned


def read_article(article: Path, *, strict: bool = False,
                 srx: "SegmentationRules | None" = None) -> tuple[Document, Provenance]:
    """Read and segment one French article: its Document and the provenance that
    names it (title, file name, sha256, replaced characters), or InputError
    (unreadable, not UTF-8, empty, no sentences). The first step of
    :func:`translate_file`, on its own so that ``align translate --ray`` runs it on a worker."""
    from align.io import read_clean_text

    content = read_clean_text(article, strict=strict)
    source = _segmented(content.text, srx, str(article))
    provenance = Provenance(
        title=_title(source, article),
        source_file=article.name,
        source_sha256=sha256_file(article),
        source_replaced=content.replaced,
    )
    return source, provenance


def article_from_text(text: str, name: str, *, title: str | None = None,
                      srx: "SegmentationRules | None" = None) -> tuple[Document, Provenance]:
    """:func:`read_article` for an article that arrives as text (``align serve``): the
    same cleaning of what XML cannot hold and the same segmentation; it is named
    ``name.txt`` and its sha256 is that of the text's UTF-8 bytes."""
    from align.io import clean_xml_unsafe

    content = clean_xml_unsafe(text.replace("\r\n", "\n").replace("\r", "\n"))
    source = _segmented(content.text, srx, name)
    provenance = Provenance(
        title=title or _title(source, Path(name)),
        source_file=f"{name}.txt",
        source_sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        source_replaced=content.replaced,
    )
    return source, provenance


def _segmented(text: str, srx: "SegmentationRules | None", where: str) -> Document:
    from align.segment import segment

    source = segment(text, "fr", srx)  # srx: a CAT tool's sentence rules (align.srx)
    if not source.sentences():
        from align.errors import InputError

        raise InputError(f"{where}: no sentences found")
    return source


def _title(source: Document, article: Path) -> str:
    for paragraph in source.paragraphs:
        if paragraph.kind == "heading" and paragraph.sentences:
            return paragraph.sentences[0].text
    return article.stem
