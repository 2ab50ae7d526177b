"""A client's text cut into French sentences, and put back together in English.

LibreTranslate's clients send anything from one sentence to a whole article,
plain or HTML. Each line of plain text is cut into sentences by align's French
segmenter (:func:`align.segment.split_sentences`); the translations are joined
back with the line's own line breaks and indentation, so a client gets its
layout back. HTML is parsed with lxml, every text node outside ``script``,
``style``, ``code`` and ``translate="no"`` is cut and translated the same way,
and the markup is written back around the translations (escaped by lxml).

Both work in two steps, so that all the sentences of a request (of every ``q``)
go to the translator in one call::

    plan = plan_text(q)                      # or plan_html(q)
    english = translate(plan.sentences)      # one list, one call
    plan.render(english)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from align.errors import InputError

#: a line and its line break (\n, \r\n, \r, U+2028...), or a last line without one
_LINE = re.compile(r"([^\r\n\u2028\u2029\x85]*)(\r\n|[\r\n\u2028\u2029\x85]|$)")
#: elements whose text is not prose to translate
_UNTRANSLATED = frozenset({"script", "style", "code", "kbd", "samp", "var", "pre"})


@dataclass
class _Piece:
    """A stretch of text: kept as is (``sentences`` empty) or made of sentences."""

    before: str
    sentences: list[str]
    after: str


@dataclass
class TextPlan:
    """What to translate in a text, and how to rebuild it from the translations."""

    pieces: list[_Piece] = field(default_factory=list)
    rebuild: Callable[[list[str]], str] | None = None

    @property
    def sentences(self) -> list[str]:
        return [s for piece in self.pieces for s in piece.sentences]

    def render_pieces(self, translations: Sequence[str]) -> list[str]:
        """Each piece with its sentences replaced by their translations, joined by a space."""
        if len(translations) != len(self.sentences):
            raise ValueError(f"{len(translations)} translations for {len(self.sentences)} sentences")
        out, position = [], 0
        for piece in self.pieces:
            count = len(piece.sentences)
            middle = " ".join(t for t in translations[position:position + count] if t)
            position += count
            out.append(piece.before + middle + piece.after)
        return out

    def render(self, translations: Sequence[str]) -> str:
        pieces = self.render_pieces(translations)
        return self.rebuild(pieces) if self.rebuild is not None else "".join(pieces)


def _piece(text: str) -> _Piece:
    """Leading and trailing whitespace kept, the middle cut into French sentences."""
    from align.segment import split_sentences

    stripped = text.strip()
    if not stripped:
        return _Piece(text, [], "")
    start = text.index(stripped)
    return _Piece(text[:start], split_sentences(stripped, "fr"), text[start + len(stripped):])


def plan_text(text: str) -> TextPlan:
    """Plain text: each line's sentences; line breaks and indentation kept."""
    pieces = []
    for match in _LINE.finditer(text):
        line, end = match.group(1), match.group(2)
        if not line and not end:
            continue
        piece = _piece(line)
        piece.after += end
        pieces.append(piece)
    return TextPlan(pieces)


def plan_html(markup: str) -> TextPlan:
    """HTML: the sentences of every translatable text node; the markup kept."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot read the HTML: {exc}") from None
    slots: list[tuple[etree._Element, str]] = []  # (element, "text" | "tail")
    _collect(root, slots, translatable=True)
    plan = TextPlan([_piece(getattr(element, attr)) for element, attr in slots])

    def rebuild(rendered: list[str]) -> str:
        for (element, attr), text in zip(slots, rendered):
            setattr(element, attr, text)
        inner = [root.text or ""] + [lxml.html.tostring(child, encoding="unicode") for child in root]
        return "".join(inner)

    plan.rebuild = rebuild
    return plan


def _collect(element, slots: list, translatable: bool) -> None:
    """The text slots of ``element``'s subtree, in document order (comments skipped)."""
    if not isinstance(element.tag, str):  # comment or processing instruction: its tail only
        return
    tag = element.tag.lower()
    inside = translatable and tag not in _UNTRANSLATED and element.get("translate", "").lower() != "no"
    if inside and element.text and element.text.strip():
        slots.append((element, "text"))
    for child in element:
        _collect(child, slots, inside)
        if inside and child.tail and child.tail.strip():
            slots.append((child, "tail"))
