"""AlignedDocument <-> aligned TEI P5, with lxml; validation helpers.

The shape (tei/README.md has a full example)::

    <TEI xmlns="http://www.tei-c.org/ns/1.0">
      <teiHeader> ... provenance, glossary as <taxonomy xml:id="glossary"> ... </teiHeader>
      <text>
        <group>
          <text xml:id="fr" xml:lang="fr" type="source"><body>
            <p xml:id="fr.p1" rend="heading"><s xml:id="fr.s1">M. <term ref="#gl-putin">Poutine</term></s></p>
          </body></text>
          <text xml:id="en" xml:lang="en" type="translation"><body>
            <p xml:id="en.p1" rend="heading"><s xml:id="en.s1">Mr <term ref="#gl-putin">Putin</term></s>
              <note type="problem" target="#en.s1">...</note></p>
          </body></text>
        </group>
        <linkGrp type="translation">
          <link type="1-1" target="#fr.s1 #en.s1"/>
          <link type="1-0" target="#fr.s2 #en"/>   <!-- empty side: the other <text> -->
        </linkGrp>
      </text>
    </TEI>

Decisions worth knowing:

* ``<s>`` content is the sentence text exactly (no indentation inside it);
  ``<term ref="#gl-{id}">`` wraps ``text[start:end]`` of each TermSpan.
* Body paragraphs have no ``@rend``; others have ``rend="heading|bullet|furniture"``
  (``<p>`` has no ``@type`` in TEI; ``@rend`` says how the source presented it).
* ``Sentence.notes`` are ``<note type="problem" target="#{sentence id}">``
  elements placed right after their ``<s>`` in the same ``<p>``; a post-edited
  sentence's text before the edit (``Sentence.original``, the machine output of
  a translation) follows them as ``<note type="original" target="#{id}">``.
* Editors' changes (``Provenance.changes``) are ``revisionDesc/change`` with
  ``@when``, ``<desc>`` (what) and, when known, ``<name>`` (who).
* A link found by the sentence aligner has ``@cert``, the aligner's
  confidence in it (a probability, three decimals); translation links have none.
* TEI requires at least two pointers in ``link/@target``. A 1-0 or 0-1 link
  points at the ``<text>`` element of the empty side (``#en`` / ``#fr``)
  instead of a sentence; ``@type`` is always ``"{n}-{m}"``.
* Characters XML cannot hold, replaced when an input file was read
  (align.io.clean_xml_unsafe), are counted in ``<note type="replacedCharacters"
  n="3">`` inside that file's ``<bibl>``; its sha256 stays the file's own.
* Every Provenance string is stored exactly as element content; attributes
  with a restricted TEI datatype (``application/@version``, ``date/@when``)
  are derived from it when they can be.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from align.document import (
    PARAGRAPH_KINDS,
    AlignedDocument,
    Change,
    Document,
    GlossaryInfo,
    Link,
    Paragraph,
    Provenance,
    Sentence,
    TermSpan,
    format_confidence,
)
from align.errors import InputError
from align.io import XML_UNSAFE

if TYPE_CHECKING:  # lxml is imported inside functions: `import align.tei` stays light
    from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"

SOURCE_TYPE = "source"
TARGET_TYPE = "translation"
LINKGRP_TYPE = "translation"
NOTE_TYPE = "problem"
#: ``<note type="original">``: a post-edited sentence's text before the editor changed it
ORIGINAL_NOTE_TYPE = "original"
GLOSSARY_PREFIX = "gl-"
GLOSSARY_TAXONOMY_ID = "glossary"
LANGUAGE_NAMES = {"fr": "French", "en": "English"}
PUBLICATION_NOTE = "Aligned text produced by align; not published."
REPLACED_NOTE_TYPE = "replacedCharacters"

#: ASCII only: libxml2 checks xsd:Name/NCName (application/@ident) with XML 1.0 4th edition's
#: letters, which refuse some that Python's \w accepts (U+01C5 ǅ, found by tests/test_properties.py)
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_VERSION_PREFIX = re.compile(r"^[0-9]+[a-z]*[0-9]*(\.[0-9]+[a-z]*[0-9]*){0,3}")
_XSD_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"
)


# --------------------------------------------------------------------------- parsing


def is_tei_file(path: str | os.PathLike[str]) -> bool:
    """True for a file to read as TEI rather than as text: named ``*.xml`` or
    ``*.tei``, or starting with an XML declaration or a ``<TEI>`` element."""
    path = Path(path)
    if path.suffix.lower() in (".xml", ".tei"):
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"<?xml") or head.startswith(b"<TEI")


def safe_parser() -> "etree.XMLParser":
    """An XML parser that never expands entities, loads DTDs or touches the network."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
    )


def parse(path: str | os.PathLike[str]) -> "etree._ElementTree":
    """Parse ``path`` safely; InputError with one line (file and reason) if it is not usable XML.

    Documents with a DOCTYPE are refused: align's TEI never has one, and an
    internal subset is the vehicle of entity tricks (XXE, billion laughs).
    """
    from lxml import etree

    from align.io import read_bytes

    path = Path(path)
    data = read_bytes(path, "TEI XML")
    try:
        root = etree.fromstring(data, safe_parser(), base_url=str(path))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not well-formed XML ({_one_line(str(exc))})") from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise InputError(f"{path}: has a DOCTYPE declaration; align's TEI must not have one")
    return tree


def _one_line(message: str) -> str:
    return " ".join(message.split())


# --------------------------------------------------------------------------- writing


def to_tree(doc: AlignedDocument) -> "etree._ElementTree":
    """Build the TEI tree of ``doc``. InputError if it cannot be stored faithfully
    (duplicate or malformed ids, overlapping terms, characters XML forbids)."""
    from lxml import etree

    _check_ids_before_writing(doc)
    root = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    root.append(_header(doc))
    outer = _sub(root, "text")
    group = _sub(outer, "group")
    group.append(_text(doc.source, SOURCE_TYPE))
    group.append(_text(doc.target, TARGET_TYPE))
    if doc.links:
        outer.append(_link_group(doc))
    return etree.ElementTree(root)


def to_bytes(doc: AlignedDocument) -> bytes:
    """The TEI of ``doc`` as pretty-printed UTF-8 with an XML declaration.

    Indentation never enters ``<s>``: every ``<s>`` has a text node (see
    :func:`_sentence`), which makes libxml2 keep its content as written.
    """
    from lxml import etree

    return etree.tostring(to_tree(doc), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_tei(doc: AlignedDocument, path: str | os.PathLike[str]) -> None:
    """Write ``doc`` as TEI to ``path`` atomically (old file or whole new one)."""
    from align.io import write_atomic

    write_atomic(path, to_bytes(doc))


def _sub(parent: "etree._Element", tag: str, text: str | None = None, attrib: dict | None = None):
    from lxml import etree

    element = etree.SubElement(parent, T + tag)
    for name, value in (attrib or {}).items():
        element.set(name, _xml_string(value, tag))
    if text is not None:
        element.text = _xml_string(text, tag)
    return element


def _xml_string(value: str, where: str) -> str:
    bad = XML_UNSAFE.search(value)
    if bad:
        raise InputError(f"character U+{ord(bad.group()):04X} cannot be stored in XML (in <{where}>)")
    return value


def _check_ids_before_writing(doc: AlignedDocument) -> None:
    seen: set[str] = set()
    wanted = [doc.source.lang, doc.target.lang, GLOSSARY_TAXONOMY_ID]
    for document in (doc.source, doc.target):
        for paragraph in document.paragraphs:
            wanted.append(paragraph.id)
            wanted.extend(s.id for s in paragraph.sentences)
    if doc.provenance.glossary:
        wanted.extend(GLOSSARY_PREFIX + entry_id for entry_id, _ in doc.provenance.glossary.entries)
    for identifier in wanted:
        if not _NCNAME.match(identifier):
            raise InputError(f"{identifier!r} cannot be an xml:id (letters, digits, '.', '-', '_' only)")
        if identifier in seen:
            raise InputError(f"xml:id {identifier!r} is used twice in the document")
        seen.add(identifier)


def _header(doc: AlignedDocument) -> "etree._Element":
    from lxml import etree

    prov = doc.provenance
    header = etree.Element(T + "teiHeader")
    file_desc = _sub(header, "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title", prov.title)
    _sub(_sub(file_desc, "publicationStmt"), "p", PUBLICATION_NOTE)
    source_desc = _sub(file_desc, "sourceDesc")
    _file_bibl(source_desc, "source", prov.source_file, prov.source_sha256, prov.source_replaced)
    if prov.target_file or prov.target_sha256 or prov.target_replaced:
        _file_bibl(source_desc, "target", prov.target_file, prov.target_sha256, prov.target_replaced)
    encoding_desc = _sub(header, "encodingDesc")
    _app_info(encoding_desc, prov)
    if prov.glossary is not None:
        _glossary_taxonomy(_sub(encoding_desc, "classDecl"), prov.glossary)
    profile = _sub(header, "profileDesc")
    _sub(_sub(profile, "creation"), "date", prov.date, _when(prov.date))
    languages = _sub(profile, "langUsage")
    for lang in dict.fromkeys((doc.source.lang, doc.target.lang)):
        _sub(languages, "language", LANGUAGE_NAMES.get(lang, lang), {"ident": lang})
    if prov.changes:
        _revision_desc(header, prov.changes)
    return header


def _revision_desc(header, changes: list[Change]) -> None:
    revisions = _sub(header, "revisionDesc")
    for change in changes:
        when = _when(change.when)
        if not when:
            raise InputError(f"a change's date must be an ISO 8601 date or date-time, not {change.when!r}")
        element = _sub(revisions, "change", attrib=when)
        _sub(element, "desc", change.what)
        if change.who:
            _sub(element, "name", change.who)


def _file_bibl(parent, role: str, file_name: str, sha256: str, replaced: int) -> None:
    bibl = _sub(parent, "bibl", attrib={"type": role})
    _sub(bibl, "idno", file_name, {"type": "file"})
    _sub(bibl, "idno", sha256, {"type": "sha256"})
    if replaced:
        _sub(bibl, "note", _replaced_note(replaced), {"type": REPLACED_NOTE_TYPE, "n": str(replaced)})


def _replaced_note(count: int) -> str:
    characters = "character" if count == 1 else "characters"
    return (f"{count} {characters} that XML cannot hold (control characters, U+FFFE, U+FFFF, unpaired "
            "surrogates) replaced when the file was read: form feed and vertical tab by a line break, "
            "the others by a space")


def _app_info(parent, prov: Provenance) -> None:
    app_info = _sub(parent, "appInfo")
    align_app = _sub(app_info, "application", attrib={"ident": "align", "version": _version(prov.align_version)})
    _sub(align_app, "label", "align")
    _sub(align_app, "desc", prov.align_version, {"type": "version"})
    ident = prov.engine if _NCNAME.match(prov.engine) else "engine"
    engine = _sub(app_info, "application", attrib={"ident": ident, "version": _version(prov.engine_version),
                                                   "type": "engine"})
    _sub(engine, "label", prov.engine)
    _sub(engine, "desc", prov.engine_version, {"type": "version"})
    _sub(engine, "desc", prov.model, {"type": "model"})
    _sub(engine, "desc", prov.model_version, {"type": "modelVersion"})
    _sub(engine, "desc", prov.method, {"type": "method"})
    for key, value in prov.settings.items():
        _sub(engine, "desc", str(value), {"type": "setting", "n": str(key)})


def _version(text: str) -> str:
    """``application/@version`` must match TEI's version pattern: the longest
    matching prefix of ``text`` ("3.8.3-1" -> "3.8.3"), else "0" (unknown).
    The exact string is kept in ``<desc type="version">``."""
    match = _VERSION_PREFIX.match(text.strip())
    return match.group() if match else "0"


def _when(text: str) -> dict[str, str]:
    """``date/@when`` when ``text`` is an xsd date or dateTime, else nothing."""
    if not _XSD_DATE.match(text):
        return {}
    try:
        if "T" in text:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            date.fromisoformat(text)
    except ValueError:
        return {}
    return {"when": text}


def _glossary_taxonomy(parent, glossary: GlossaryInfo) -> None:
    taxonomy = _sub(parent, "taxonomy", attrib={XML_ID: GLOSSARY_TAXONOMY_ID})
    bibl = _sub(taxonomy, "bibl")
    _sub(bibl, "title", glossary.name)
    _sub(bibl, "idno", glossary.sha256, {"type": "sha256"})
    for entry_id, english in glossary.entries:
        category = _sub(taxonomy, "category", attrib={XML_ID: GLOSSARY_PREFIX + entry_id})
        _sub(category, "catDesc", english)


def _text(document: Document, role: str) -> "etree._Element":
    from lxml import etree

    text = etree.Element(T + "text")
    text.set(XML_ID, document.lang)
    text.set(XML_LANG, document.lang)
    text.set("type", role)
    body = _sub(text, "body")
    for paragraph in document.paragraphs:
        _paragraph(body, paragraph)
    if not document.paragraphs:  # TEI's <body> cannot be empty
        _sub(body, "ab", attrib={"type": "empty"})
    return text


def _paragraph(body, paragraph: Paragraph) -> None:
    if paragraph.kind not in PARAGRAPH_KINDS:
        raise InputError(f"paragraph {paragraph.id}: unknown kind {paragraph.kind!r}")
    attrib = {XML_ID: paragraph.id}
    if paragraph.kind != "body":
        attrib["rend"] = paragraph.kind
    p = _sub(body, "p", attrib=attrib)
    for sentence in paragraph.sentences:
        _sentence(p, sentence)
        for note in sentence.notes:
            _sub(p, "note", note, {"type": NOTE_TYPE, "target": "#" + sentence.id})
        if sentence.original is not None:
            _sub(p, "note", sentence.original, {"type": ORIGINAL_NOTE_TYPE, "target": "#" + sentence.id})


def _sentence(p, sentence: Sentence) -> None:
    s = _sub(p, "s", attrib={XML_ID: sentence.id})
    where = f"s xml:id={sentence.id}"
    text = _xml_string(sentence.text, where)
    position = 0
    last = None
    s.text = ""  # a text node, even empty, keeps pretty-printing out of <s>
    for span in _ordered_terms(sentence):
        before = text[position:span.start]
        if last is None:
            s.text = before
        else:
            last.tail = before
        last = _sub(s, "term", text[span.start:span.end], {"ref": "#" + GLOSSARY_PREFIX + span.ref})
        position = span.end
    rest = text[position:]
    if last is None:
        s.text = rest
    else:
        last.tail = rest


def _ordered_terms(sentence: Sentence) -> list[TermSpan]:
    spans = sorted(sentence.terms, key=lambda span: (span.start, span.end))
    position = 0
    for span in spans:
        if not (position <= span.start <= span.end <= len(sentence.text)):
            raise InputError(
                f"sentence {sentence.id}: term {span.ref!r} at {span.start}-{span.end} "
                f"overlaps another term or lies outside the text"
            )
        position = span.end
    return spans


def _link_group(doc: AlignedDocument):
    from lxml import etree

    group = etree.Element(T + "linkGrp")
    group.set("type", LINKGRP_TYPE)
    for link in doc.links:
        if not link.source and not link.target:
            raise InputError("a link with no sentence on either side cannot be stored")
        pointers = list(link.source or [doc.source.lang]) + list(link.target or [doc.target.lang])
        attributes = {"type": link.kind, "target": " ".join("#" + p for p in pointers)}
        if link.confidence is not None:
            attributes["cert"] = _format_cert(link.confidence)
        _sub(group, "link", attrib=attributes)
    return group


def _format_cert(confidence: float) -> str:
    """``@cert`` (TEI's teidata.probability, 0 to 1), three decimals: "0.973"."""
    if not 0.0 <= confidence <= 1.0:
        raise InputError(f"a link's confidence must lie between 0 and 1, not {confidence}")
    return format_confidence(confidence)


# --------------------------------------------------------------------------- reading


def read_tei(path: str | os.PathLike[str]) -> AlignedDocument:
    """Read an aligned TEI file written by :func:`write_tei` back into dataclasses.

    InputError (one line: file and reason) for anything that is not align's TEI.
    """
    return from_tree(parse(path), name=str(path))


def from_tree(tree: "etree._ElementTree | etree._Element", name: str = "<TEI tree>") -> AlignedDocument:
    """The AlignedDocument stored in a TEI tree (see :func:`read_tei`)."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    try:
        return _read(root)
    except _Problem as problem:
        raise InputError(f"{name}: {problem}") from None


class _Problem(Exception):
    """A reason why a tree is not align's TEI (the file name is added later)."""


def _read(root) -> AlignedDocument:
    if root.tag != T + "TEI":
        raise _Problem(
            f"not align's TEI: the root element is <{_local(root.tag)}>, expected <TEI> in the TEI namespace"
        )
    ids = _index_ids(root)
    source_el, target_el = _side_texts(root)
    source, target = _read_document(source_el), _read_document(target_el)
    links = _read_links(root, source, target, source_el, target_el, ids)
    header = root.find(T + "teiHeader")
    if header is None:
        raise _Problem("no <teiHeader>")
    return AlignedDocument(source, target, links, _read_provenance(header))


def _local(tag) -> str:
    return tag.split("}")[-1] if isinstance(tag, str) else str(tag)


def _index_ids(root) -> dict[str, object]:
    ids: dict[str, object] = {}
    for element in root.iter():
        identifier = element.get(XML_ID) if isinstance(element.tag, str) else None
        if identifier is None:
            continue
        if identifier in ids:
            raise _Problem(f"xml:id {identifier!r} is used twice")
        ids[identifier] = element
    return ids


def _side_texts(root):
    texts = root.findall(f"{T}text/{T}group/{T}text")
    by_type = {text.get("type"): text for text in texts}
    missing = [t for t in (SOURCE_TYPE, TARGET_TYPE) if t not in by_type]
    if missing or len(texts) != 2:
        raise _Problem(
            f"not align's TEI: expected <text><group> with a <text type=\"{SOURCE_TYPE}\"> "
            f"and a <text type=\"{TARGET_TYPE}\">"
        )
    for text in texts:
        if not text.get(XML_ID) or not text.get(XML_LANG):
            raise _Problem(f"<text type=\"{text.get('type')}\"> needs xml:id and xml:lang")
    return by_type[SOURCE_TYPE], by_type[TARGET_TYPE]


def _read_document(text_el) -> Document:
    body = text_el.find(T + "body")
    if body is None:
        raise _Problem(f"<text xml:id=\"{text_el.get(XML_ID)}\"> has no <body>")
    paragraphs = []
    for child in _elements(body):
        if child.tag == T + "p":
            paragraphs.append(_read_paragraph(child))
        elif not (child.tag == T + "ab" and child.get("type") == "empty" and len(child) == 0):
            raise _Problem(f"unexpected <{_local(child.tag)}> in <body> of {text_el.get(XML_ID)!r}")
    return Document(text_el.get(XML_LANG), paragraphs)


def _elements(parent) -> Iterable:
    """Element children, skipping comments and processing instructions; refusing entities."""
    from lxml import etree

    for child in parent:
        if isinstance(child, etree._Entity):
            raise _Problem(f"entity reference {child.text} is not allowed")
        if isinstance(child.tag, str):
            yield child


def _required_id(element) -> str:
    identifier = element.get(XML_ID)
    if not identifier:
        raise _Problem(f"<{_local(element.tag)}> without xml:id (line {element.sourceline})")
    return identifier


def _read_paragraph(p) -> Paragraph:
    kind = p.get("rend", "body")
    if kind not in PARAGRAPH_KINDS:
        raise _Problem(f"paragraph {_required_id(p)}: unknown rend {kind!r} (expected one of {PARAGRAPH_KINDS})")
    paragraph = Paragraph(_required_id(p), [], kind)
    by_id: dict[str, Sentence] = {}
    for child in _elements(p):
        if child.tag == T + "s":
            sentence = _read_sentence(child)
            paragraph.sentences.append(sentence)
            by_id[sentence.id] = sentence
        elif child.tag == T + "note":
            target = (child.get("target") or "").removeprefix("#")
            if target not in by_id:
                raise _Problem(f"<note> in {paragraph.id} does not point at a preceding <s> of its paragraph")
            if child.get("type") == ORIGINAL_NOTE_TYPE:
                by_id[target].original = _plain_text(child)
            else:
                by_id[target].notes.append(_plain_text(child))
        else:
            raise _Problem(f"unexpected <{_local(child.tag)}> in paragraph {paragraph.id}")
    return paragraph


def _read_sentence(s) -> Sentence:
    sentence = Sentence(_required_id(s), s.text or "")
    for child in s:
        if not isinstance(child.tag, str):
            raise _Problem(f"comment, entity or processing instruction inside sentence {sentence.id}")
        if child.tag != T + "term":
            raise _Problem(f"unexpected <{_local(child.tag)}> in sentence {sentence.id}")
        ref = child.get("ref", "")
        if not ref.startswith("#" + GLOSSARY_PREFIX):
            raise _Problem(f"<term> in {sentence.id} needs ref=\"#{GLOSSARY_PREFIX}...\", found {ref!r}")
        start = len(sentence.text)
        sentence.text += _plain_text(child)
        sentence.terms.append(TermSpan(start, len(sentence.text), ref[len(GLOSSARY_PREFIX) + 1:]))
        sentence.text += child.tail or ""
    return sentence


def _plain_text(element) -> str:
    if len(element):
        raise _Problem(f"<{_local(element.tag)}> (line {element.sourceline}) must contain text only")
    return element.text or ""


def _read_links(root, source: Document, target: Document, source_el, target_el, ids) -> list[Link]:
    group = root.find(f"{T}text/{T}linkGrp")
    if group is None:
        return []
    source_ids = {s.id for s in source.sentences()}
    target_ids = {s.id for s in target.sentences()}
    empty_source, empty_target = source_el.get(XML_ID), target_el.get(XML_ID)
    links = []
    for element in _elements(group):
        if element.tag != T + "link":
            raise _Problem(f"unexpected <{_local(element.tag)}> in <linkGrp>")
        links.append(_read_link(element, source_ids, target_ids, empty_source, empty_target, ids))
    return links


def _read_link(element, source_ids, target_ids, empty_source, empty_target, ids) -> Link:
    where = f"<link> at line {element.sourceline}"
    pointers = (element.get("target") or "").split()
    if not pointers or not all(p.startswith("#") for p in pointers):
        raise _Problem(f"{where}: target must be '#id' pointers, found {element.get('target')!r}")
    source: list[str] = []
    target: list[str] = []
    empties = set()
    for identifier in (p[1:] for p in pointers):
        if identifier in source_ids:
            source.append(identifier)
        elif identifier in target_ids:
            target.append(identifier)
        elif identifier in (empty_source, empty_target):
            empties.add(identifier)
        elif identifier in ids:
            raise _Problem(f"{where}: #{identifier} is not a sentence")
        else:
            raise _Problem(f"{where}: #{identifier} points at nothing")
    if not (source or target):
        raise _Problem(f"{where}: joins no sentence")
    if (empty_source in empties and source) or (empty_target in empties and target):
        raise _Problem(f"{where}: points at a whole <text> and at its sentences")
    link = Link(tuple(source), tuple(target), _read_cert(element, where))
    declared = element.get("type")
    if declared is not None and declared != link.kind:
        raise _Problem(f"{where}: type {declared!r} but it joins {link.kind} sentences")
    return link


def _read_cert(element, where: str) -> float | None:
    """``@cert`` as a probability; TEI's words for it (high, medium, low,
    unknown) say nothing numeric and read as None."""
    value = element.get("cert")
    if value is None or value.strip() in ("high", "medium", "low", "unknown"):
        return None
    try:
        confidence = float(value)
    except ValueError:
        raise _Problem(f"{where}: cert must be a probability or high/medium/low/unknown, found {value!r}") from None
    if not 0.0 <= confidence <= 1.0:
        raise _Problem(f"{where}: cert {value!r} is not between 0 and 1")
    return confidence


def _read_provenance(header) -> Provenance:
    def text(path: str) -> str:
        element = header.find(path, {"t": TEI_NS})
        return "" if element is None else _plain_text(element)

    prov = Provenance(
        title=text("t:fileDesc/t:titleStmt/t:title"),
        source_file=text("t:fileDesc/t:sourceDesc/t:bibl[@type='source']/t:idno[@type='file']"),
        source_sha256=text("t:fileDesc/t:sourceDesc/t:bibl[@type='source']/t:idno[@type='sha256']"),
        target_file=text("t:fileDesc/t:sourceDesc/t:bibl[@type='target']/t:idno[@type='file']"),
        target_sha256=text("t:fileDesc/t:sourceDesc/t:bibl[@type='target']/t:idno[@type='sha256']"),
        date=text("t:profileDesc/t:creation/t:date"),
        source_replaced=_replaced_count(header, "source"),
        target_replaced=_replaced_count(header, "target"),
    )
    apps = "t:encodingDesc/t:appInfo/t:application"
    prov.align_version = text(f"{apps}[@ident='align']/t:desc[@type='version']")
    engine = f"{apps}[@type='engine']"
    prov.engine = text(f"{engine}/t:label")
    prov.engine_version = text(f"{engine}/t:desc[@type='version']")
    prov.model = text(f"{engine}/t:desc[@type='model']")
    prov.model_version = text(f"{engine}/t:desc[@type='modelVersion']")
    if header.find(f"{engine}/t:desc[@type='method']", {"t": TEI_NS}) is not None:
        prov.method = text(f"{engine}/t:desc[@type='method']")
    for setting in header.iterfind(f"{engine}/t:desc[@type='setting']", {"t": TEI_NS}):
        prov.settings[setting.get("n", "")] = _plain_text(setting)
    prov.glossary = _read_glossary(header)
    prov.changes = _read_changes(header)
    return prov


def _read_changes(header) -> list[Change]:
    changes = []
    for element in header.iterfind(f"{T}revisionDesc/{T}change"):
        what = element.find(T + "desc")
        who = element.find(T + "name")
        changes.append(Change(element.get("when", ""), "" if what is None else _plain_text(what),
                              "" if who is None else _plain_text(who)))
    return changes


def _replaced_count(header, role: str) -> int:
    """How many characters XML cannot hold were replaced in the source or target file (0 if none)."""
    note = header.find(f"{T}fileDesc/{T}sourceDesc/{T}bibl[@type='{role}']/{T}note[@type='{REPLACED_NOTE_TYPE}']")
    if note is None:
        return 0
    value = note.get("n", "")
    if not re.fullmatch("[0-9]+", value):
        raise _Problem(f"<note type=\"{REPLACED_NOTE_TYPE}\"> needs n=\"a count\", found {value!r}")
    return int(value)


def _read_glossary(header) -> GlossaryInfo | None:
    taxonomy = header.find(f"{T}encodingDesc/{T}classDecl/{T}taxonomy[@{XML_ID}='{GLOSSARY_TAXONOMY_ID}']")
    if taxonomy is None:
        return None
    name = taxonomy.find(f"{T}bibl/{T}title")
    sha = taxonomy.find(f"{T}bibl/{T}idno[@type='sha256']")
    glossary = GlossaryInfo(
        "" if name is None else _plain_text(name), "" if sha is None else _plain_text(sha)
    )
    for category in taxonomy.iterfind(T + "category"):
        entry = _required_id(category)
        if not entry.startswith(GLOSSARY_PREFIX):
            raise _Problem(f"glossary category {entry!r} must have an xml:id starting with {GLOSSARY_PREFIX!r}")
        description = category.find(T + "catDesc")
        english = "" if description is None else _plain_text(description)
        glossary.entries.append((entry[len(GLOSSARY_PREFIX):], english))
    return glossary


# --------------------------------------------------------------------------- validation


@lru_cache(maxsize=4)
def relaxng(path: str | None = None) -> "etree.RelaxNG":
    """The compiled RelaxNG schema at ``path`` (default: align's compact tei/align.rng), cached."""
    from lxml import etree

    from align.resources import data_file

    schema_path = Path(path) if path else data_file("tei", "align.rng")
    try:
        return etree.RelaxNG(etree.parse(str(schema_path), safe_parser()))
    except (OSError, etree.XMLSyntaxError, etree.RelaxNGParseError) as exc:
        raise InputError(f"{schema_path}: cannot load RelaxNG schema ({_one_line(str(exc))})") from None


def validate(path: str | os.PathLike[str], full_schema: "str | os.PathLike[str] | etree.RelaxNG | None" = None
             ) -> list[str]:
    """Problems of one aligned TEI file, one line each ("FILE:LINE: reason"); [] if valid.

    Checks the compact schema tei/align.rng, optionally a full schema (e.g.
    tei_all.rng, given as a path or a compiled ``etree.RelaxNG``), then what
    a schema cannot say: ids unique, every link pointer resolves, every
    sentence of both sides in exactly one link, link types match their
    counts, term refs and note targets resolve.
    """
    try:
        tree = parse(path)
    except InputError as exc:
        return [str(exc)]
    schemas = [relaxng()]
    if full_schema is not None:
        schemas.append(full_schema if hasattr(full_schema, "validate") else relaxng(str(full_schema)))
    problems = []
    for schema in schemas:
        if not schema.validate(tree):
            problems += [f"{path}:{error.line}: {_one_line(error.message)}" for error in schema.error_log]
    problems += [f"{path}: {problem}" for problem in reference_problems(tree)]
    return problems


def reference_problems(tree) -> list[str]:
    """What a RelaxNG schema cannot check in align's TEI (see :func:`validate`)."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    ns = {"t": TEI_NS}
    problems: list[str] = []
    ids: dict[str, object] = {}
    for element in root.iter():
        identifier = element.get(XML_ID) if isinstance(element.tag, str) else None
        if identifier is not None:
            if identifier in ids:
                problems.append(f"xml:id {identifier!r} is used twice")
            ids[identifier] = element
    sides = {text.get(XML_ID): text.get("type") for text in root.iterfind("t:text/t:group/t:text", ns)}
    sentence_side = {
        s.get(XML_ID): text.get(XML_ID)
        for text in root.iterfind("t:text/t:group/t:text", ns)
        for s in text.iterfind(".//t:s", ns)
    }
    problems += _link_problems(root, ids, sides, sentence_side)
    for term in root.iterfind(".//t:s/t:term", ns):
        ref = (term.get("ref") or "").removeprefix("#")
        if ids.get(ref) is None or _local(ids[ref].tag) != "category":
            problems.append(f"line {term.sourceline}: <term ref=\"#{ref}\"> has no glossary category")
    for paragraph in root.iterfind(".//t:body/t:p", ns):
        preceding = set()
        for child in paragraph:
            if child.tag == T + "s":
                preceding.add(child.get(XML_ID))
            elif child.tag == T + "note" and (child.get("target") or "").removeprefix("#") not in preceding:
                problems.append(f"line {child.sourceline}: <note target=\"{child.get('target')}\"> does not point "
                                "at a preceding <s> of its paragraph")
    return problems


def _link_problems(root, ids, sides, sentence_side) -> list[str]:
    problems = []
    uses = dict.fromkeys(sentence_side, 0)
    for link in root.iterfind("t:text/t:linkGrp/t:link", {"t": TEI_NS}):
        where = f"line {link.sourceline}"
        counts = dict.fromkeys(sides, 0)
        empty = set()
        for pointer in (link.get("target") or "").split():
            identifier = pointer.removeprefix("#")
            if identifier in sentence_side:
                uses[identifier] += 1
                counts[sentence_side[identifier]] += 1
            elif identifier in sides:
                empty.add(identifier)
            elif identifier in ids:
                problems.append(f"{where}: link target {pointer} is not a sentence")
            else:
                problems.append(f"{where}: link target {pointer} does not exist")
        if any(counts[side] for side in empty):
            problems.append(f"{where}: link points at a whole <text> and at its sentences")
        by_type = {sides[side]: count for side, count in counts.items()}
        kind = f"{by_type.get(SOURCE_TYPE, 0)}-{by_type.get(TARGET_TYPE, 0)}"
        if kind == "0-0":
            problems.append(f"{where}: link joins no sentence")
        elif link.get("type") != kind:
            problems.append(f"{where}: link type {link.get('type')!r} but it joins {kind} sentences")
    for identifier, count in uses.items():
        if count != 1:
            problems.append(f"sentence {identifier} is in {count} links, expected exactly 1")
    return problems
