"""The plain data that flows through align.

Document -> Paragraph -> Sentence for one language side; an AlignedDocument
pairs two Documents with Links and records where the text came from
(Provenance). Every other module consumes and produces these objects; the TEI
module (tei.py) stores them and reads them back unchanged.

Identifiers are TEI ``xml:id`` values, unique within one AlignedDocument:
sentences ``{lang}.s{n}`` and paragraphs ``{lang}.p{n}``, numbered from 1 in
document order (see :func:`number`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

#: Paragraph kinds. "furniture" is page furniture (dates, "Commentez cette
#: histoire", photo credits, "fr-01"): kept, marked, never translated as prose.
PARAGRAPH_KINDS = ("body", "heading", "bullet", "furniture")

#: links whose aligner confidence is below this are "doubtful": what `align show`, `align align`'s
#: summary and the workbench flag (the HTML export's XSLT has the same default, tei/align-html.xsl)
DOUBTFUL_BELOW = 0.5


@dataclass
class TermSpan:
    """A glossary term found in a sentence: ``text[start:end]`` is the term."""

    start: int
    end: int
    ref: str  # glossary entry id, e.g. "shoigu" (TEI: <term ref="#gl-shoigu">)


@dataclass
class Sentence:
    id: str
    text: str
    terms: list[TermSpan] = field(default_factory=list)
    #: problems reported for this sentence (e.g. a glossary term that could not be enforced)
    notes: list[str] = field(default_factory=list)
    #: the sentence as the machine (or, for an alignment, the English file) gave it, kept
    #: when an editor changed it (TEI ``<note type="original">``); None: never post-edited
    original: str | None = None


@dataclass
class Paragraph:
    id: str
    sentences: list[Sentence]
    kind: str = "body"


@dataclass
class Document:
    lang: str
    paragraphs: list[Paragraph]

    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]

    def iter_sentences(self) -> Iterator[tuple[Paragraph, Sentence]]:
        for p in self.paragraphs:
            for s in p.sentences:
                yield p, s

    def sentence(self, sentence_id: str) -> Sentence:
        for s in self.sentences():
            if s.id == sentence_id:
                return s
        raise KeyError(sentence_id)


#: decimals of a link's confidence kept in documents and written to files
CONFIDENCE_DIGITS = 3


def format_confidence(confidence: float) -> str:
    """A link's confidence as written to TEI, TMX and XCES: "0.973"."""
    return f"{confidence:.{CONFIDENCE_DIGITS}f}"


@dataclass(frozen=True)
class Link:
    """Sentences of the source side joined to sentences of the target side.

    Either side may be empty (1-0 and 0-1 links), never both.
    """

    source: tuple[str, ...]
    target: tuple[str, ...]
    #: how sure the aligner is of the link, 0 to 1 (``@cert`` in TEI); None for
    #: the links of a translation, which are certain by construction. Not part
    #: of a link's identity: the same sentences make the same link.
    confidence: float | None = field(default=None, compare=False)

    def confidence_below(self, threshold: float) -> bool:
        """True for a link the aligner is less sure of than ``threshold`` (never for one without a confidence)."""
        return self.confidence is not None and self.confidence < threshold

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.target)}"


@dataclass
class GlossaryInfo:
    """Which glossary was applied, enough to find it again and check it."""

    name: str
    sha256: str
    #: (entry id, canonical English form) of every entry, for TEI term refs
    entries: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Change:
    """One entry of the document's revision history (TEI ``revisionDesc/change``)."""

    when: str  # ISO 8601 date-time
    what: str  # "post-edited en.s3"
    who: str = ""  # the editor's name, "" when unknown


@dataclass
class Provenance:
    title: str = ""
    source_file: str = ""
    source_sha256: str = ""
    target_file: str = ""  # alignment of two existing texts: the English file
    target_sha256: str = ""
    #: characters XML cannot hold (controls, U+FFFE/U+FFFF, lone surrogates) that were
    #: replaced in the source / target file's text (align.io.clean_xml_unsafe); the
    #: sha256 is still the file's own
    source_replaced: int = 0
    target_replaced: int = 0
    method: str = "translation"  # "translation" or "alignment"
    engine: str = ""  # "argos", "apertium", or the aligner's name
    engine_version: str = ""
    model: str = ""  # model/package name, or apertium modes
    model_version: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    glossary: GlossaryInfo | None = None
    date: str = ""  # ISO 8601
    align_version: str = ""
    #: what editors changed after the document was made, oldest first
    changes: list[Change] = field(default_factory=list)


@dataclass
class AlignedDocument:
    source: Document  # French
    target: Document  # English
    links: list[Link]
    provenance: Provenance = field(default_factory=Provenance)


def number(doc: Document) -> Document:
    """(Re)assign ``{lang}.p{n}`` / ``{lang}.s{n}`` ids in document order."""
    s_count = 0
    for p_index, paragraph in enumerate(doc.paragraphs, start=1):
        paragraph.id = f"{doc.lang}.p{p_index}"
        for sentence in paragraph.sentences:
            s_count += 1
            sentence.id = f"{doc.lang}.s{s_count}"
    return doc
