"""The workbench's pages: a Jinja2 environment with autoescape always on, and the
data each template gets. Every piece of article text, glossary note and file
name reaches the page through ``{{ }}``, escaped; nothing is marked safe."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from align.serve.workbench import edits

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

    from align.document import AlignedDocument, Sentence

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"


@lru_cache(maxsize=1)
def environment() -> "jinja2.Environment":
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


@dataclass
class Piece:
    """A stretch of a sentence: plain text, or a glossary term (entry id and its English form)."""

    text: str
    term: str | None = None
    canonical: str = ""


@dataclass
class SentenceView:
    id: str
    pieces: list[Piece]
    text: str
    notes: list[str]
    original: str | None = None
    version: str = ""


@dataclass
class Row:
    number: int
    kind: str  # paragraph kind: body, heading, bullet, furniture
    link_type: str
    confidence: float | None
    doubtful: bool
    problem: bool
    paragraph_start: bool
    source: list[SentenceView] = field(default_factory=list)
    target: list[SentenceView] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return (self.target or self.source)[0].id


def pieces(sentence: "Sentence", canonical: dict[str, str]) -> list[Piece]:
    out, position = [], 0
    for span in sorted(sentence.terms, key=lambda t: t.start):
        if span.start > position:
            out.append(Piece(sentence.text[position:span.start]))
        out.append(Piece(sentence.text[span.start:span.end], span.ref, canonical.get(span.ref, "")))
        position = span.end
    if position < len(sentence.text) or not out:
        out.append(Piece(sentence.text[position:]))
    return out


def rows(doc: "AlignedDocument", threshold: float) -> list[Row]:
    """One row per link, as the HTML export's table."""
    canonical = dict(doc.provenance.glossary.entries) if doc.provenance.glossary else {}
    kind_of = {s.id: p for side in (doc.source, doc.target) for p, s in side.iter_sentences()}
    source = {s.id: s for s in doc.source.sentences()}
    target = {s.id: s for s in doc.target.sentences()}

    def view(sentence: "Sentence") -> SentenceView:
        return SentenceView(sentence.id, pieces(sentence, canonical), sentence.text, list(sentence.notes),
                            sentence.original, edits.sentence_version(sentence))

    out: list[Row] = []
    previous = None
    for number, link in enumerate(doc.links, start=1):
        paragraph = kind_of[(link.source or link.target)[0]]
        sentences = [source[i] for i in link.source] + [target[i] for i in link.target]
        out.append(Row(number, paragraph.kind, link.kind, link.confidence, link.confidence_below(threshold),
                       any(s.notes for s in sentences), paragraph is not previous,
                       [view(source[i]) for i in link.source], [view(target[i]) for i in link.target]))
        previous = paragraph
    return out
