"""MT-assisted sentence alignment (the idea of Bleualign, Sennrich & Volk 2010).

Bleualign translates the source text with an MT system and aligns the
translation with the real target text monolingually, scoring candidate pairs
by BLEU. Here the French side is translated once, in one batch, with the
engine's ``translate_batch``; the words and word bigrams of each translation
(lower-cased, accents removed) join the sentence's anchor features, and the
English sentences carry the same features of their own words. The cosine of
the blocks' idf-weighted feature vectors (an n-gram overlap between
translation and English, as BLEU counts, normalised by the blocks' sizes, as
Vecalign's embedding cosine) scores the links, together with the lexical
anchors and the Gale & Church length cost, in the banded DP of
:mod:`align.aligners.search`. With a translation the vectors are much denser
than the anchors alone, so the cosine is more reliable and weighs more
(``MT_LEXICAL_WEIGHT``).

Without a good translation the MT features simply match less; the anchors and
lengths still carry the alignment.

Why a cosine rather than a sentence-level metric, as Bleualign uses BLEU:
``scripts/align_chrf_check.py`` adds sacrebleu's chrF of the translated block
against the English block to every candidate link, in one more pass around
this alignment. On the TransRead books with Apertium, chrF alone scored mean F1
0.79 to 0.84, and chrF added to the cosine scored 0.857 to 0.865, against 0.867
for the cosine alone. It also costs 1 to 1.5 ms for each pair of blocks, or
about 23 s for a 160-sentence book, while the cosine needs a few matrix
products for the whole band.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

#: nats of reward for a link whose vectors have cosine 1 (see anchors.LEXICAL_WEIGHT);
#: the weight every leave-one-book-out fold chose (scripts/align_eval.py --held-out)
MT_LEXICAL_WEIGHT = 15.0
#: a second pass with a lexicon learned from the first (as the anchors aligner)
MT_LEXICON_PASS = False


def mt_features(sentence: str) -> Counter:
    """``mt:`` word and word-bigram features of an English sentence (or a translation)."""
    from align.aligners.anchors import plain_words

    words = [w for w in plain_words(sentence) if w.isalnum()]
    features = Counter("mt:" + w for w in words)
    features.update("mt:" + a + "_" + b for a, b in zip(words, words[1:]))
    return features


def translate_all(src: list[str], translate: Callable[[Sequence[str]], list[str]]) -> list[str]:
    """One batch through the engine; the engine must return one output per input."""
    from align.aligners import AlignmentError

    translations = list(translate(src))
    if len(translations) != len(src):
        raise AlignmentError(
            f"the translation engine returned {len(translations)} sentences for {len(src)}"
        )
    return translations


def align(src: list[str], tgt: list[str], translate: Callable[[Sequence[str]], list[str]],
          glossary=None, paragraph_starts: tuple | None = None, scored: bool = False):
    """Align with anchors + MT overlap + length; links as ``(i0, i1, j0, j1)``
    (and, if ``scored``, their confidences: :func:`.search.scored_search`)."""
    from align.aligners import anchors
    from align.aligners.boundaries import both_sides
    from align.aligners.search import scored_search, search

    boundaries = both_sides(src, tgt, paragraph_starts)
    translations = translate_all(src, translate)
    src_extra = lambda i: mt_features(translations[i])  # noqa: E731
    tgt_extra = lambda j: mt_features(tgt[j])  # noqa: E731
    src_bags = anchors.featurise(src, glossary, extra=src_extra)
    tgt_bags = anchors.featurise(tgt, glossary, extra=tgt_extra)
    sides = anchors.build_sides(src, tgt, src_bags, tgt_bags, MT_LEXICAL_WEIGHT)
    del src_bags, tgt_bags
    if not MT_LEXICON_PASS:
        return (scored_search if scored else search)(sides, boundaries)
    links = search(sides, boundaries)
    del sides
    return anchors.second_pass(src, tgt, links, MT_LEXICAL_WEIGHT, boundaries, glossary, src_extra, tgt_extra,
                               scored=scored)
