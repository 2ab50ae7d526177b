"""TMX 1.4b translation memory, written with translate-toolkit: one translation
unit per link, for CAT tools (OmegaT, Trados, memoQ).

The sentences of an n-m link are joined with a space into one segment; an
empty side is an empty segment. Each unit keeps where it came from in
``<prop>`` elements that CAT tools show and ignore, and that
:mod:`align.export.importers` reads back (paragraph grouping and kind)::

    <prop type="x-align-link">fr.s2 fr.s3;en.s2</prop>
    <prop type="x-align-paragraph">fr.p2</prop>
    <prop type="x-align-kind">body</prop>
    <prop type="x-align-confidence">0.973</prop>   (links found by the aligner)

Problems noted on a sentence (``Sentence.notes``) become ``<note>``.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from align.document import AlignedDocument, format_confidence

SUFFIX = ".tmx"
PROP_LINK = "x-align-link"
PROP_PARAGRAPH = "x-align-paragraph"
PROP_KIND = "x-align-kind"
PROP_CONFIDENCE = "x-align-confidence"


def to_bytes(doc: AlignedDocument) -> bytes:
    """The TMX file of ``doc``."""
    from translate.storage.tmx import tmxfile

    from align.export import link_pairs

    source_lang, target_lang = doc.source.lang, doc.target.lang
    memory = tmxfile(sourcelanguage=source_lang, targetlanguage=target_lang)
    _set_header(memory, source_lang)
    paragraph_of = _paragraph_index(doc)
    notes = {s.id: s.notes for s in doc.source.sentences() + doc.target.sentences()}
    for link, (source, target) in zip(doc.links, link_pairs(doc)):
        unit = memory.addsourceunit(source, source_lang)
        unit.settarget(target, target_lang, append=True)
        for sentence_id in link.source + link.target:
            for note in notes[sentence_id]:
                unit.addnote(f"{sentence_id}: {note}")
        paragraph = paragraph_of[(link.source or link.target)[0]]
        props = {
            PROP_LINK: f"{' '.join(link.source)};{' '.join(link.target)}",
            PROP_PARAGRAPH: paragraph.id,
            PROP_KIND: paragraph.kind,
        }
        if link.confidence is not None:
            props[PROP_CONFIDENCE] = format_confidence(link.confidence)
        _add_props(unit, props)
    return bytes(memory)


def export(doc: AlignedDocument, out_path: str | os.PathLike[str]) -> list[Path]:
    """Write the TMX of ``doc`` to ``out_path``; return ``[out_path]``."""
    from align.io import write_atomic

    write_atomic(out_path, to_bytes(doc))
    return [Path(out_path)]


def _set_header(memory, source_lang: str) -> None:
    from align import __version__

    header = memory.document.getroot().find(memory.namespaced("header"))
    header.set("creationtool", "align")
    header.set("creationtoolversion", __version__)
    header.set("creationdate", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    header.set("srclang", source_lang)
    header.set("segtype", "sentence")
    header.set("datatype", "plaintext")
    header.set("o-tmf", "align-tei")
    header.set("adminlang", "en")


def _paragraph_index(doc: AlignedDocument) -> dict:
    return {s.id: p for document in (doc.source, doc.target) for p, s in document.iter_sentences()}


def _add_props(unit, props: dict[str, str]) -> None:
    """Add ``<prop type=...>`` elements before the first ``<tuv>`` (TMX order: note*, prop*, tuv+)."""
    from lxml import etree

    element = unit.xmlelement
    first_tuv = element.find(unit.namespaced("tuv"))
    position = element.index(first_tuv) if first_tuv is not None else len(element)
    for offset, (kind, value) in enumerate(props.items()):
        prop = etree.Element(unit.namespaced("prop"), type=kind)
        prop.text = value
        element.insert(position + offset, prop)
