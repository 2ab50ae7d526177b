"""Sentence alignment on lexical anchors plus length, no model needed.

Translations keep things that need no dictionary to recognise: numbers, names,
question and exclamation marks, quotation marks, words spelt identically, and
cognates -- Simard, Foster & Isabelle (1992) count two words as cognates when
their first four letters agree (here after unidecode and lower-casing, so
"Hélène" ~ "Helene", "intelligente" ~ "intelligent"). Glossary entries, when
given, are exact anchors: the French variant on one side, the canonical English
form on the other, both found by :meth:`align.glossary.Glossary.find`.

Each sentence becomes a weighted bag of such features. Only features present
on both sides are kept (the others cannot link anything), each weighted by its
kind and by its rarity (idf, ``log(N / df)`` over all sentences of both
texts), so that a word found everywhere counts nothing and "1793" or
"Woodhouse" much. A link is rewarded by the cosine of its two blocks' vectors
(the sums of their sentences' vectors), as Vecalign (Thompson & Koehn 2019)
rewards embedding similarity, on top of the Gale & Church length cost; the
search is the banded coarse-to-fine DP of :mod:`align.aligners.search`.

The texts are aligned twice (``LEXICON_PASS``): the 1-1 links of the first
alignment teach a small word lexicon (:mod:`.lexicon`: "dit" ~ "said", "Mlle" ~
"Miss", pairs no cognate or identity test finds), whose pairs are features of
the second alignment.

Features are computed on words found by a regex, so text tokenised with spaces
("Emma Woodhouse , belle") and ordinary text ("Emma Woodhouse, belle") give the
same features.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable

import numpy as np

#: how much each kind of evidence counts (multiplied by idf); "mt" features
#: (words of a machine translation, :mod:`.mt`) and "dict" features (word pairs
#: learned from the texts, :mod:`.lexicon`) are as good evidence as words
WEIGHTS = {"num": 3.0, "name": 2.0, "punct": 1.0, "word": 1.0, "cog": 1.0, "gloss": 4.0, "mt": 1.0,
           "dict": 1.0}
#: nats of reward for a link whose blocks' vectors have cosine 1 (cosine 0: none).
#: Checked leave-one-book-out on the TransRead books (scripts/align_eval.py --held-out)
LEXICAL_WEIGHT = 10.0
#: align twice, the second time with word pairs learned from the first
#: alignment's 1-1 links as features too (:mod:`.lexicon`, Hunalign's idea)
LEXICON_PASS = True
#: vectors wider than this are folded (feature index modulo the width; the
#: most frequent features get their own dimension)
MAX_DIMENSIONS = 1024

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+|[?!]|[\"«»“”„]", re.UNICODE)
_QUOTES = set("\"«»“”„")
_WORD = re.compile(r"\w+", re.UNICODE)

Features = Counter  # feature name -> count, one per sentence


def plain_words(sentence: str) -> list[str]:
    """The words (``\\w+`` runs) of a sentence, lower-cased, accents removed
    (unidecode), in order: the words the mt features and the lexicon compare."""
    return [plain_word(token) for token in _WORD.findall(sentence)]


@lru_cache(maxsize=1 << 16)
def plain_word(token: str) -> str:
    """``token`` lower-cased, accents removed (unidecode, which only ASCII
    tokens skip). Cached: a text repeats its words, and unidecode is slow."""
    if not token.isascii():
        from unidecode import unidecode

        token = unidecode(token)
    return token.lower()


def sentence_features(sentence: str) -> Features:
    """Anchor features of one sentence (see the module docstring)."""
    features: Features = Counter()
    first_word = True
    for token in _TOKEN.findall(sentence):
        if token[0].isdigit():
            features["num:" + re.sub(r"[.,]", "", token)] += 1
        elif token in "?!":
            features["punct:" + token] += 1
        elif token in _QUOTES:
            features["punct:quote"] += 1
        else:
            plain = plain_word(token)
            if not plain.isalpha():
                continue
            if token[0].isupper() and not first_word and len(plain) > 1:
                features["name:" + plain] += 1
            if len(plain) >= 3 or token.isupper():  # not "a" (fr: has) ~ "a", "on" ~ "on"
                features["word:" + plain] += 1
            if len(plain) >= 4:
                features["cog:" + plain[:4]] += 1
            first_word = False
    return features


def glossary_features(sentence: str, glossary) -> Features:
    """One ``gloss:{entry id}`` feature per glossary term in the sentence."""
    return Counter("gloss:" + match.entry.id for match in glossary.find(sentence))


def featurise(sentences: list[str], glossary=None,
              extra: Callable[[int], Iterable[str]] | None = None) -> list[Features]:
    """Features of every sentence; ``extra(i)`` may add more names for sentence i."""
    bags = []
    for index, sentence in enumerate(sentences):
        bag = sentence_features(sentence)
        if glossary is not None:
            bag.update(glossary_features(sentence, glossary))
        if extra is not None:
            bag.update(extra(index))
        bags.append(bag)
    return bags


def vectorise(src_bags: list[Features], tgt_bags: list[Features]) -> tuple[np.ndarray, np.ndarray]:
    """Weighted presence vectors over the features both sides share (float16,
    one row per sentence)."""
    src_df = Counter(f for bag in src_bags for f in bag)
    tgt_df = Counter(f for bag in tgt_bags for f in bag)
    shared = sorted(set(src_df) & set(tgt_df), key=lambda f: (-(src_df[f] + tgt_df[f]), f))
    total = len(src_bags) + len(tgt_bags)
    width = max(1, min(len(shared), MAX_DIMENSIONS))
    index = {f: k % width for k, f in enumerate(shared)}
    weight = {f: WEIGHTS[f.split(":", 1)[0]] * math.log(total / (src_df[f] + tgt_df[f]))
              for f in shared}
    return _fill(src_bags, index, weight, width), _fill(tgt_bags, index, weight, width)


def _fill(bags: list[Features], index: dict[str, int], weight: dict[str, float], width: int) -> np.ndarray:
    vectors = np.zeros((len(bags), width), dtype=np.float16)  # weights < 100: 3 digits suffice
    for row, bag in enumerate(bags):
        for feature in bag:
            column = index.get(feature)
            if column is not None:
                vectors[row, column] = max(vectors[row, column], weight[feature])
    return vectors


def build_sides(src: list[str], tgt: list[str], src_bags: list[Features], tgt_bags: list[Features],
                lexical_weight: float = LEXICAL_WEIGHT):
    """The search input: lengths, measured length ratio, anchor vectors."""
    from align.aligners.gale_church import length_ratio
    from align.aligners.search import Sides

    src_vec, tgt_vec = vectorise(src_bags, tgt_bags)
    return Sides(
        np.array([len(s) for s in src], dtype=np.float64),
        np.array([len(s) for s in tgt], dtype=np.float64),
        length_ratio(src, tgt), src_vec, tgt_vec, lexical_weight,
    )


def align(src: list[str], tgt: list[str], glossary=None, paragraph_starts: tuple | None = None,
          scored: bool = False):
    """Align on anchors + length (+ paragraph and dialogue-turn boundaries:
    :mod:`.boundaries`); links as ``(i0, i1, j0, j1)`` half-open ranges
    (and, if ``scored``, their confidences: :func:`.search.scored_search`)."""
    from align.aligners.boundaries import both_sides
    from align.aligners.search import scored_search, search

    boundaries = both_sides(src, tgt, paragraph_starts)
    sides = build_sides(src, tgt, featurise(src, glossary), featurise(tgt, glossary), LEXICAL_WEIGHT)
    if not LEXICON_PASS:
        return (scored_search if scored else search)(sides, boundaries)
    links = search(sides, boundaries)
    del sides
    return second_pass(src, tgt, links, LEXICAL_WEIGHT, boundaries, glossary, scored=scored)


def second_pass(src: list[str], tgt: list[str], links: list[tuple[int, int, int, int]],
                lexical_weight: float, boundaries: tuple, glossary=None,
                src_extra: Callable[[int], Iterable[str]] | None = None,
                tgt_extra: Callable[[int], Iterable[str]] | None = None, scored: bool = False):
    """Learn a word lexicon from the ``links`` of a first alignment and align
    again, in a band around the first alignment's path, with the lexicon's
    ``dict:`` features added to the first pass's (``boundaries``, the boundary
    costs of :func:`.boundaries.both_sides`; ``glossary``, ``*_extra``
    as for :func:`featurise`; the features are computed again rather than
    kept, which halves the memory of a long text). With no lexicon learned
    the second pass has nothing new: the links are returned as they are
    (when ``scored``, searched again on the first pass's features to score them)."""
    from align.aligners import lexicon
    from align.aligners.search import scored_search, search

    pairs = lexicon.learn(src, tgt, links)
    if not pairs and not scored:
        return links
    src_bags = featurise(src, glossary, _joined(lexicon.features(src, pairs, 0), src_extra))
    tgt_bags = featurise(tgt, glossary, _joined(lexicon.features(tgt, pairs, 1), tgt_extra))
    sides = build_sides(src, tgt, src_bags, tgt_bags, lexical_weight)
    del src_bags, tgt_bags  # not needed by the search
    return (scored_search if scored else search)(sides, boundaries, guide=links)


def _joined(found: list[Features], extra: Callable[[int], Iterable[str]] | None) -> Callable[[int], Features]:
    if extra is None:
        return found.__getitem__
    return lambda i: found[i] + Counter(extra(i))
