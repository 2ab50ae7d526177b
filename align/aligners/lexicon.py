"""A bilingual word lexicon learned from the two texts themselves (Hunalign's idea).

Varga et al. (2005), "Parallel corpora for medium density languages"
(Hunalign), align without a dictionary in two passes: a first alignment on
sentence length (and whatever identical tokens the texts share), then a
dictionary built from the word co-occurrences in the confident links of that
first alignment, then a second alignment that uses this dictionary. Moore
(2002), "Fast and accurate sentence alignment of bilingual corpora", does the
same with IBM Model 1 trained on the high-probability 1-1 links of a
length-based first pass.

Here the first pass is the anchors aligner (:mod:`.anchors`). Its 1-1 links
are the training pairs (an abridged or free translation has many n-0 and
merged links; 1-1 links are the ones most likely right). For every French word
``f`` and English word ``e`` (lower-cased, accents removed) we count in how
many of those links each occurs and in how many they occur together, and score
the pair by the Dice coefficient ``2 c(f, e) / (c(f) + c(e))``. Pairs seen
together at least ``MIN_COUNT`` times with a Dice of at least ``MIN_DICE`` are
kept, each French word keeping its ``PER_WORD`` best English partners (and the
whole lexicon at most ``MAX_PAIRS`` pairs, the best by Dice). Words found in
more than ``MAX_SHARE`` of the links ("de", "the", "she") are left out: they
co-occur with everything, their best partner is often chance, and a feature
present in every other sentence only helps merge unrelated neighbours. Words with no
cognate or identity link -- "dit" ~ "said", "Mlle" ~ "Miss", "elle" ~ "she" --
so become anchors: each kept pair is a feature ``dict:f~e`` of every French
sentence containing ``f`` and of every English sentence containing ``e``, and
the second pass aligns with the anchors plus these features.

Nothing here is fitted to a book: the lexicon is learned afresh from each pair
of texts, with global thresholds (checked leave-one-book-out,
``scripts/align_eval.py --held-out``). Counting is one pass over the 1-1 links
with numpy (memory: the co-occurring pairs of one chunk of links at a time,
plus the counts of the distinct pairs).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

#: a pair must co-occur in at least this many first-pass 1-1 links
MIN_COUNT = 2
#: and have at least this Dice coefficient
MIN_DICE = 0.3
#: English partners kept per French word (the best by Dice)
PER_WORD = 1
#: words found in more than this share of the 1-1 links are left out ("de",
#: "the", "elle": they co-occur with everything, so their best partner is
#: often chance, and their features would join every link)
MAX_SHARE = 0.3
#: shortest word counted
MIN_LENGTH = 2
#: the lexicon's size limit (the best pairs by Dice)
MAX_PAIRS = 5000
#: links counted per numpy chunk (bounds the memory of the pair codes)
_CHUNK = 2000



def words(sentence: str) -> set[str]:
    """The distinct words of a sentence, lower-cased and without accents
    (letters only, at least ``MIN_LENGTH`` of them)."""
    from align.aligners.anchors import plain_words

    return {word for word in plain_words(sentence) if word.isalpha() and len(word) >= MIN_LENGTH}


def learn(src: list[str], tgt: list[str], links: list[tuple[int, int, int, int]]) -> list[tuple[str, str]]:
    """Word pairs ``(french, english)`` that co-occur in the 1-1 links of a
    first alignment much more than by chance (see the module docstring)."""
    pairs = [(i0, j0) for i0, i1, j0, j1 in links if i1 - i0 == 1 and j1 - j0 == 1]
    if len(pairs) < MIN_COUNT:
        return []
    src_words = [words(src[i]) for i, _ in pairs]
    tgt_words = [words(tgt[j]) for _, j in pairs]
    src_count = Counter(w for ws in src_words for w in ws)
    tgt_count = Counter(w for ws in tgt_words for w in ws)
    # only words that can reach MIN_COUNT co-occurrences
    top = MAX_SHARE * len(pairs)
    src_vocab = {w: k for k, w in enumerate(sorted(w for w, c in src_count.items() if MIN_COUNT <= c <= top))}
    tgt_vocab = {w: k for k, w in enumerate(sorted(w for w, c in tgt_count.items() if MIN_COUNT <= c <= top))}
    if not src_vocab or not tgt_vocab:
        return []
    width = len(tgt_vocab)
    codes, counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    for start in range(0, len(pairs), _CHUNK):
        chunk = []
        for fs, es in zip(src_words[start:start + _CHUNK], tgt_words[start:start + _CHUNK]):
            f_ids = np.array([src_vocab[w] for w in fs if w in src_vocab], dtype=np.int64)
            e_ids = np.array([tgt_vocab[w] for w in es if w in tgt_vocab], dtype=np.int64)
            if len(f_ids) and len(e_ids):
                chunk.append((f_ids[:, None] * width + e_ids[None, :]).ravel())
        if chunk:
            new_codes, new_counts = np.unique(np.concatenate(chunk), return_counts=True)
            codes, inverse = np.unique(np.concatenate([codes, new_codes]), return_inverse=True)
            counts = np.bincount(inverse, weights=np.concatenate([counts, new_counts]),
                                 minlength=len(codes)).astype(np.int64)
    keep = counts >= MIN_COUNT
    codes, counts = codes[keep], counts[keep]
    src_names = sorted(src_vocab, key=src_vocab.get)
    tgt_names = sorted(tgt_vocab, key=tgt_vocab.get)
    f_total = np.array([src_count[w] for w in src_names], dtype=np.float64)
    e_total = np.array([tgt_count[w] for w in tgt_names], dtype=np.float64)
    f_of, e_of = codes // width, codes % width
    dice = 2.0 * counts / (f_total[f_of] + e_total[e_of])
    good = np.flatnonzero(dice >= MIN_DICE)
    best: dict[int, list[tuple[float, int]]] = {}
    for k in good[np.argsort(-dice[good], kind="stable")]:
        partners = best.setdefault(int(f_of[k]), [])
        if len(partners) < PER_WORD:
            partners.append((float(dice[k]), int(e_of[k])))
    ranked = sorted(((d, f, e) for f, partners in best.items() for d, e in partners),
                    key=lambda t: (-t[0], t[1], t[2]))[:MAX_PAIRS]
    return [(src_names[f], tgt_names[e]) for _, f, e in ranked]


def features(sentences: list[str], lexicon: list[tuple[str, str]], side: int) -> list[Counter]:
    """``dict:f~e`` features of every sentence: of each French sentence
    (``side`` 0) for the pairs whose French word it contains, of each English
    sentence (``side`` 1) for the pairs whose English word it contains."""
    by_word: dict[str, list[str]] = {}
    for pair in lexicon:
        by_word.setdefault(pair[side], []).append(f"dict:{pair[0]}~{pair[1]}")
    bags = []
    for sentence in sentences:
        bag: Counter = Counter()
        for word in words(sentence):
            for name in by_word.get(word, ()):
                bag[name] += 1
        bags.append(bag)
    return bags
