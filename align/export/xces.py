"""OPUS-style XCES: a ``cesAlign`` alignment file and the two ``cesDoc``
sentence files it points to (the format of the OPUS corpora, read by
OpusTools, Uplug and ISA/ICA).

For ``STEM.xces.xml`` the sentence files are ``STEM.fr.xml`` and
``STEM.en.xml`` beside it (named relative to it in ``fromDoc``/``toDoc``).
Sentence ids are align's ids, so a link reads::

    <link id="SL2" type="2-1" xtargets="fr.s2 fr.s3;en.s2"/>

and an empty side is an empty list (``xtargets="fr.s4;"``), as in OPUS. A link
found by the sentence aligner has ``certainty``, its confidence (OPUS's attribute
for an aligner's score).
"""

from __future__ import annotations

import os
from pathlib import Path

from align.document import AlignedDocument, Document, format_confidence

SUFFIX = ".xces.xml"
VERSION = "1.0"


def paths(out_path: str | os.PathLike[str], source_lang: str = "fr", target_lang: str = "en"
          ) -> tuple[Path, Path, Path]:
    """(alignment file, source sentence file, target sentence file) for ``out_path``."""
    out_path = Path(out_path)
    name = out_path.name
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name.removesuffix(".xml")
    return (out_path, out_path.with_name(f"{stem}.{source_lang}.xml"),
            out_path.with_name(f"{stem}.{target_lang}.xml"))


def alignment_tree(doc: AlignedDocument, from_doc: str, to_doc: str):
    """The ``cesAlign`` element: one ``<link xtargets>`` per link."""
    from lxml import etree

    root = etree.Element("cesAlign", version=VERSION)
    group = etree.SubElement(root, "linkGrp", targType="s", fromDoc=from_doc, toDoc=to_doc)
    for number, link in enumerate(doc.links, start=1):
        element = etree.SubElement(group, "link", id=f"SL{number}", type=link.kind,
                                   xtargets=f"{' '.join(link.source)};{' '.join(link.target)}")
        if link.confidence is not None:
            element.set("certainty", format_confidence(link.confidence))  # as OPUS writes its aligners' scores
    return root


def sentence_tree(document: Document, title: str):
    """The ``cesDoc`` of one side: paragraphs of ``<s id>`` sentences, as plain text."""
    from lxml import etree

    from align.tei import XML_LANG

    root = etree.Element("cesDoc", version=VERSION)
    root.set(XML_LANG, document.lang)
    header = etree.SubElement(root, "cesHeader", version=VERSION)
    title_stmt = etree.SubElement(etree.SubElement(header, "fileDesc"), "titleStmt")
    etree.SubElement(title_stmt, "h.title").text = title
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for paragraph in document.paragraphs:
        p = etree.SubElement(body, "p", id=paragraph.id)
        if paragraph.kind != "body":
            p.set("type", paragraph.kind)
        for sentence in paragraph.sentences:
            etree.SubElement(p, "s", id=sentence.id).text = sentence.text
    return root


def export(doc: AlignedDocument, out_path: str | os.PathLike[str]) -> list[Path]:
    """Write the alignment file and both sentence files; return the three paths."""
    from align.io import write_atomic

    align_path, source_path, target_path = paths(out_path, doc.source.lang, doc.target.lang)
    title = doc.provenance.title
    write_atomic(source_path, _serialize(sentence_tree(doc.source, title)))
    write_atomic(target_path, _serialize(sentence_tree(doc.target, title)))
    write_atomic(align_path, _serialize(alignment_tree(doc, source_path.name, target_path.name)))
    return [align_path, source_path, target_path]


def _serialize(root) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
