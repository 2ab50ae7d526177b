"""Sentence aligners: join the sentences of a French text and its English version.

Three methods share one interface and one search (:mod:`.search`, banded and
coarse-to-fine, memory linear in the text length):

* ``"gale-church"`` (:mod:`.gale_church`): sentence lengths only.
* ``"anchors"`` (:mod:`.anchors`, the default): lengths plus lexical anchors
  that need no model -- numbers, names, ? ! and quotes, identical words,
  cognates, glossary entries.
* ``"mt"`` (:mod:`.mt`): anchors plus the words of a machine translation of the
  French side compared with the English (Bleualign's idea); needs ``translate``.

All three charge a link for every paragraph or dialogue-turn boundary inside
it (:mod:`.boundaries`): translators keep paragraphs and turns.

Results are links ``(source indices, target indices)`` in order; every
sentence of both sides is in exactly one link; 1-0 and 0-1 links are explicit.
:func:`align_sentences_with_confidence` also says how sure the aligner is of
each link (:mod:`.confidence`): the links to check first.
"""

from __future__ import annotations

from typing import Callable, Sequence

from align.errors import AlignError

METHODS = ("gale-church", "anchors", "mt")
IndexLink = tuple[list[int], list[int]]
#: a link and the aligner's confidence in it (None where it was not asked for)
ScoredLink = tuple[list[int], list[int], "float | None"]
Translate = Callable[[Sequence[str]], list[str]]


class AlignmentError(AlignError):
    """Input that cannot be aligned (both sides empty, unknown method, no translator)."""


def align_sentences(src: list[str], tgt: list[str], method: str = "anchors",
                    translate: Translate | None = None, glossary=None,
                    paragraph_starts: tuple[Sequence[int], Sequence[int]] | None = None) -> list[IndexLink]:
    """Align French sentences ``src`` with English sentences ``tgt``.

    ``translate`` (an engine's ``translate_batch``) is required for
    ``method="mt"``; ``glossary`` (an :class:`align.glossary.Glossary`) adds
    its entries as anchors for "anchors" and "mt". If one side is empty every
    sentence of the other gets a 1-0 (or 0-1) link of its own; both sides
    empty is an error. ``paragraph_starts`` = (French, English) indices of the
    sentences that begin a paragraph: a link across a paragraph boundary then
    costs more. So does one across a dialogue turn, which the aligners find
    in the sentences themselves (:mod:`.boundaries`).
    """
    return [(s, t) for s, t, _ in _align(src, tgt, method, translate, glossary, paragraph_starts, False)]


def align_sentences_with_confidence(src: list[str], tgt: list[str], method: str = "anchors",
                                    translate: Translate | None = None, glossary=None,
                                    paragraph_starts: tuple[Sequence[int], Sequence[int]] | None = None
                                    ) -> list[ScoredLink]:
    """:func:`align_sentences`'s links, each with the aligner's confidence in
    it, between 0 and 1: its posterior probability under the aligner's own
    model (:mod:`.confidence`), calibrated: on the TransRead books (anchors),
    links at 0.9 or above were right 98% of the time, links below 0.5 half
    the time (``scripts/align_eval.py``). An empty side's links are certain (1.0)."""
    return _align(src, tgt, method, translate, glossary, paragraph_starts, True)


def _align(src, tgt, method, translate, glossary, paragraph_starts, scored: bool) -> list[ScoredLink]:
    if not src and not tgt:
        raise AlignmentError("nothing to align: both texts have no sentences")
    if not src or not tgt:
        return [([i], [], 1.0) for i in range(len(src))] + [([], [j], 1.0) for j in range(len(tgt))]
    found = _run(method, list(src), list(tgt), translate, glossary, paragraph_starts, scored)
    ranges, confidences = found if scored else (found, [None] * len(found))
    links = [(list(range(i0, i1)), list(range(j0, j1)), None if c is None else float(c))
             for (i0, i1, j0, j1), c in zip(ranges, confidences)]
    check_links([(s, t) for s, t, _ in links], len(src), len(tgt))
    return links


def _run(method, src, tgt, translate, glossary, paragraph_starts, scored):
    if method == "gale-church":
        from align.aligners import gale_church

        return gale_church.align(src, tgt, paragraph_starts=paragraph_starts, scored=scored)
    if method == "anchors":
        from align.aligners import anchors

        return anchors.align(src, tgt, glossary=glossary, paragraph_starts=paragraph_starts, scored=scored)
    if method == "mt":
        if translate is None:
            raise AlignmentError("method 'mt' needs a translation engine")
        from align.aligners import mt

        return mt.align(src, tgt, translate, glossary=glossary, paragraph_starts=paragraph_starts,
                        scored=scored)
    raise AlignmentError(f"unknown alignment method {method!r} (choose from {', '.join(METHODS)})")


def check_links(links: list[IndexLink], n_src: int, n_tgt: int) -> None:
    """Every sentence exactly once, in order, no empty link (a programming error otherwise)."""
    src = [i for s, _ in links for i in s]
    tgt = [j for _, t in links for j in t]
    if src != list(range(n_src)) or tgt != list(range(n_tgt)) or any(not s and not t for s, t in links):
        raise AssertionError("aligner produced links that do not cover each sentence exactly once")


def _starts(doc) -> list[int]:
    """Indices (in document order) of the sentences that begin a paragraph."""
    starts, index = [], 0
    for paragraph in doc.paragraphs:
        if paragraph.sentences:
            starts.append(index)
        index += len(paragraph.sentences)
    return starts


def align_documents(fr, en, method: str = "anchors", translate: Translate | None = None,
                    glossary=None, engine_info=None):
    """Align two :class:`align.document.Document` s into an AlignedDocument.

    Links name sentence ids and carry the aligner's confidence in them;
    provenance says method="alignment" and the
    aligner's name as engine (plus the MT engine's name and model when one was
    used, in ``settings``).
    """
    from align.document import CONFIDENCE_DIGITS, AlignedDocument, Link, Provenance

    src_sentences = fr.sentences()
    tgt_sentences = en.sentences()
    scored = align_sentences_with_confidence(
        [s.text for s in src_sentences], [s.text for s in tgt_sentences], method=method,
        translate=translate, glossary=glossary, paragraph_starts=(_starts(fr), _starts(en)))
    links = [Link(tuple(src_sentences[i].id for i in s), tuple(tgt_sentences[j].id for j in t),
                  round(confidence, CONFIDENCE_DIGITS))
             for s, t, confidence in scored]
    settings = {"method": method}
    if method == "mt" and engine_info is not None:
        settings["mt_engine"] = engine_info.name
        settings["mt_model"] = engine_info.model
    from align import __version__

    provenance = Provenance(method="alignment", engine=f"align-{method}", engine_version=__version__,
                            settings=settings,
                            glossary=glossary.info() if glossary is not None else None)
    return AlignedDocument(fr, en, links, provenance)
