"""Are two spellings one name? A weighted edit distance that knows transliteration.

Both spellings are reduced to a key (unidecode, lower case, letters, one space
between words). The distance is an edit distance in which a plain letter
change costs 1 and each correspondence of :mod:`align.terms.rules` (h/g, ou/u,
tch/ch, eo/o...) costs its small weight; a doubled letter against a single one
costs 0.1. The similarity is ``1 - cost / length``: Kharkiv/Kharkov (one i/o,
0.2 over 7 letters) is 0.97, a one-letter typo in a ten-letter word 0.90.

Precision guards come before any score (see :func:`compare`): digits that
differ, an acronym against a word, a different number of words (unless only
the spacing of Korean syllables differs), given names of two different
people, a feminine surname or a place-making ending (Navalny/Navalnaya,
Pokrovsk/Pokrovske), and any plain letter change in a short word
(Louhansk/Loutsk, Kim Jong Un/Kim Jong Nam) or at the start of a word
(Constitution/Institution). A pair that needs a plain
letter change (a typo, or a name we have no rule for) gets a lower
confidence than its similarity: it is reported, never merged as certain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from align.terms.rules import DISTINCT_ENDINGS, GIVEN_NAMES, KOREAN_SYLLABLE, RULES

#: a plain (unexplained) letter substitution or swap of two letters
RAW_COST = 1.0
#: a plain letter present on one side only
GAP_COST = 1.0
#: a letter doubled on one side only (Odessa/Odesa, Zaporijjia/Zaporijia)
DOUBLE_COST = 0.1
#: Korean syllables written apart or together (Punggye-ri / Punggyeri)
SPACE_COST = 0.05
#: two given names of one set (Volodymyr / Vladimir)
GIVEN_NAME_COST = 0.3
#: below this many letters a plain letter change is too much: Omsk/Tomsk, Un/Nam
SHORT_WORD = 6
#: how much confidence each plain letter change takes away
RAW_PENALTY = 0.1


@dataclass(frozen=True)
class Comparison:
    """The verdict on two spellings: similarity 0-1, how many plain letter
    changes it needed, which rule families explained the rest, and when the
    similarity is 0 the guard that kept them apart."""

    similarity: float
    raw: int = 0
    families: tuple[str, ...] = ()
    apart: str = ""

    @property
    def confidence(self) -> float:
        """Similarity, less RAW_PENALTY for each plain letter change."""
        return max(0.0, round(self.similarity - RAW_PENALTY * self.raw, 3))


#: the typo measure's transcription pairs (French/English), applied in order
_TRANSCRIPTION = [("tch", "ç"), ("ch", "sh"), ("ç", "ch"), ("kh", "h"), ("ou", "u"), ("gue", "ge"),
                  ("gui", "gi"), ("ph", "f"), ("w", "v"), ("y", "i"), ("j", "zh"), ("eo", "o"),
                  ("ck", "k"), ("q", "k")]


def skeleton(form: str) -> str:
    """Transliteration-neutral spelling for the typo measure: Choïgou, Shoigu -> "shoigu"."""
    from unidecode import unidecode

    text = re.sub(r"[^a-z]", "", unidecode(form).lower())
    for old, new in _TRANSCRIPTION:
        text = text.replace(old, new)
    text = re.sub(r"(.)\1+", r"\1", text)
    return text[:-1] if len(text) > 4 and text.endswith("e") else text


#: the typo measure: below this skeleton length only exact skeletons match, and in a
#: name of several words each word must be at least TYPO_WORD close to its counterpart
TYPO_SHORT = 6
TYPO_WORD = 0.75


def typo_similarity(a: str, b: str) -> float:
    """The measure for pairs that need a plain letter change (Rothschild/Rothschield,
    Savior/Saviour): rapidfuzz's ratio on the skeletons or the plain letters,
    whichever is higher; 0 for short words that differ (Paul/Pauli, Euro/Europe)
    and for names with a word that is too different (South Africa/South America)."""
    from rapidfuzz import fuzz

    sa, sb = skeleton(a), skeleton(b)
    if sa != sb:
        if min(len(sa), len(sb)) < TYPO_SHORT:
            return 0.0
        for x, y in zip(re.split(r"[ -]+", a), re.split(r"[ -]+", b)):
            kx, ky = skeleton(x), skeleton(y)
            if kx != ky and (min(len(kx), len(ky)) < 4 or fuzz.ratio(kx, ky) < TYPO_WORD * 100):
                return 0.0
    plain_a, plain_b = plain(a), plain(b)
    return max(fuzz.ratio(sa, sb), fuzz.ratio(plain_a, plain_b)) / 100.0


def key(form: str) -> str:
    """Transliteration key: 'Kim Jong-un' -> 'kim jong un', "L'viv" -> 'lviv'."""
    from unidecode import unidecode

    text = unidecode(form).lower().replace("-", " ")
    text = re.sub(r"[^a-z ]", "", text)
    return " ".join(text.split())


def plain(form: str) -> str:
    """The key's letters without its spaces: 'Kim Jong-un' -> 'kimjongun'."""
    from unidecode import unidecode

    return re.sub(r"[^a-z]", "", unidecode(form).lower())


# ---------------------------------------------------------------- the distance
_DIRECTED = tuple((r.a, r.b, r.cost, r.anchor, r.not_after, r.family) for r in RULES) + \
    tuple((r.b, r.a, r.cost, r.anchor, r.not_after, r.family) for r in RULES)
_KOREAN_WORD = re.compile(rf"(?:{KOREAN_SYLLABLE})+")


def _korean(text: str) -> bool:
    """Every word splits into romanised Korean syllables (Busan, Kim Jong Un; not Bravo)."""
    return all(_KOREAN_WORD.fullmatch(word) for word in text.split(" "))


def _surely_korean(word: str) -> bool:
    """A romanised Korean word that no European name resembles: one syllable
    (Jong, Nam) or one with a Korean vowel (Incheon, Daegu, Geumgang)."""
    if not _KOREAN_WORD.fullmatch(word):
        return False
    return re.fullmatch(f"(?:{KOREAN_SYLLABLE})", word) is not None or re.search(r"eo|eu|ae|ui|wo", word) is not None


@lru_cache(maxsize=65536)
def _ends(text: str, side: int, korean: bool) -> tuple[frozenset[int], ...]:
    """For each position i, the directed rules whose side-``side`` string ends at i."""
    ends: list[set[int]] = [set() for _ in range(len(text) + 1)]
    for index, rule in enumerate(_DIRECTED):
        pattern, anchor, not_after = rule[side], rule[3], rule[4]
        if rule[5].startswith("ko ") and not korean:
            continue
        starts = range(len(text) + 1) if not pattern else _occurrences(text, pattern)
        for start in starts:
            end = start + len(pattern)
            if anchor == "^" and start > 0 and text[start - 1] != " ":
                continue
            if anchor == "$" and end < len(text) and text[end] != " ":
                continue
            if anchor == "-" and (end == len(text) or text[end] == " "):
                continue
            if not_after and start > 0 and text[start - 1] in not_after:
                continue
            ends[end].add(index)
    return tuple(frozenset(e) for e in ends)


def _occurrences(text: str, pattern: str) -> list[int]:
    found, start = [], text.find(pattern)
    while start >= 0:
        found.append(start)
        start = text.find(pattern, start + 1)
    return found


@lru_cache(maxsize=65536)
def distance(a: str, b: str) -> tuple[float, int, frozenset[str], bool]:
    """(cost, plain letter changes, rule families used, whether a plain change
    touches the first letter of a word) from key ``a`` to key ``b``."""
    korean = _korean(a) and _korean(b)
    ends_a, ends_b = _ends(a, 0, korean), _ends(b, 1, korean)
    n, m = len(a), len(b)
    empty: frozenset[str] = frozenset()
    # each cell: (cost, plain changes, rule families, plain change at a word's first letter)
    table: list[list[tuple]] = [[(0.0, 0, empty, False)] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        gap_a = _gap(a, i - 1) if i else None
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i and j:
                if a[i - 1] == b[j - 1]:
                    options.append((table[i - 1][j - 1], 0.0, 0, None, False))
                else:
                    initial = _initial(a, i - 1) or _initial(b, j - 1)
                    options.append((table[i - 1][j - 1], RAW_COST, 1, None, initial))
            if i:
                cost, raw = gap_a
                options.append((table[i - 1][j], cost, raw, None, bool(raw) and _initial(a, i - 1)))
            if j:
                cost, raw = _gap(b, j - 1)
                options.append((table[i][j - 1], cost, raw, None, bool(raw) and _initial(b, j - 1)))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and a[i - 1] != a[i - 2]:
                options.append((table[i - 2][j - 2], RAW_COST, 1, None, _initial(a, i - 2)))  # a typo: orkse/orske
            common = ends_a[i] & ends_b[j]
            for index in common:
                rule = _DIRECTED[index]
                options.append((table[i - len(rule[0])][j - len(rule[1])], rule[2], 0, rule[5], False))
            best = None
            for prev, cost, raw, family, initial in options:
                total = prev[0] + cost
                if best is None or total < best[0] - 1e-9:
                    families = prev[2] | {family} if family else prev[2]
                    best = (total, prev[1] + raw, families, prev[3] or initial)
            table[i][j] = best
    cost, raw, families, initial = table[n][m]
    return round(cost, 6), raw, families, initial


def _initial(text: str, index: int) -> bool:
    return index == 0 or text[index - 1] == " "


def _gap(text: str, index: int) -> tuple[float, int]:
    """Cost of a letter present on one side only: cheap when it doubles its
    neighbour or is a space, plain otherwise."""
    char = text[index]
    if char == " ":
        return SPACE_COST, 0
    if index and text[index - 1] == char:
        return DOUBLE_COST, 0
    return GAP_COST, 1


# ---------------------------------------------------------------- the verdict
@lru_cache(maxsize=65536)
def compare(a: str, b: str) -> Comparison:
    """How likely spellings ``a`` and ``b`` are one name, or why they are not.
    Memoised: it depends on the two strings alone and its Comparison is frozen."""
    if re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return Comparison(0.0, apart="numbers differ (Hwasong-17 / Hwasong-18)")
    if a.isupper() != b.isupper() and min(len(a), len(b)) <= 5:
        return Comparison(0.0, apart="an acronym and a word")
    ka, kb = key(a), key(b)
    joined_a, joined_b = ka.replace(" ", ""), kb.replace(" ", "")
    if min(len(joined_a), len(joined_b)) < 4:
        return Comparison(0.0, apart="too short to compare")
    if ka == kb:
        return Comparison(1.0)
    words_a, words_b = ka.split(" "), kb.split(" ")
    if len(words_a) != len(words_b):
        cost, raw, families, _ = distance(ka, kb)
        if raw:
            return Comparison(0.0, apart="a name and a longer one (Kim / Kim Jong Un)")
        return Comparison(_similarity(cost, joined_a, joined_b), 0, tuple(sorted(families)))
    total, raws, used = 0.0, 0, set()
    for x, y in zip(words_a, words_b):
        verdict = _words(x, y, in_longer_name=len(words_a) > 1)
        if isinstance(verdict, str):
            return Comparison(0.0, apart=verdict)
        cost, raw, families = verdict
        total, raws = total + cost, raws + raw
        used |= families
    if raws:  # a typo or an unknown correspondence: the plain string measure decides
        return Comparison(round(typo_similarity(a, b), 3), raws, tuple(sorted(used)))
    return Comparison(_similarity(total, joined_a, joined_b), 0, tuple(sorted(used)))


def _similarity(cost: float, a: str, b: str) -> float:
    return max(0.0, round(1.0 - cost / max(len(a), len(b)), 3))


def _words(x: str, y: str, in_longer_name: bool = False) -> tuple[float, int, frozenset[str]] | str:
    """Cost of one word against another, or the reason they are different words.
    ``in_longer_name``: other words of the name are there to confirm it, so a
    word of four or five letters may take one plain change (Al Ashar / Al Azhar
    University, Fort Worth / Forth Worth)."""
    if x == y:
        return 0.0, 0, frozenset()
    given_x, given_y = _given_name(x), _given_name(y)
    if given_x is not None and given_y is not None:
        if given_x == given_y:
            return GIVEN_NAME_COST, 0, frozenset({"given name"})
        return f"different given names ({x} / {y})"
    ending = _distinct_ending(x, y)
    if ending:
        return ending
    cost, raw, families, initial = distance(x, y)
    if raw and _surely_korean(x) and _surely_korean(y):
        return f"a Korean syllable changes ({x} / {y})"
    if raw and min(len(x), len(y)) < SHORT_WORD and not (in_longer_name and raw == 1 and min(len(x), len(y)) >= 4):
        return f"a letter changes in a short word ({x} / {y})"
    if initial:
        return f"the words begin differently ({x} / {y})"
    return cost, raw, families


def _given_index() -> dict[str, int]:
    """Each given name -> the index of its set in GIVEN_NAMES. The sets do not
    overlap; were a name in two, the first set would keep it, as a scan of them would."""
    index: dict[str, int] = {}
    for number, group in enumerate(GIVEN_NAMES):
        for name in group:
            index.setdefault(name, number)
    return index


_GIVEN_INDEX = _given_index()


def _given_name(word: str) -> int | None:
    """Which set of GIVEN_NAMES ``word`` belongs to, or None."""
    return _GIVEN_INDEX.get(word)


def _distinct_ending(x: str, y: str) -> str:
    """'feminine surname' or 'another place' when x and y are one stem with two
    endings of DISTINCT_ENDINGS (Navalny/Navalnaya, Pokrovsk/Pokrovske)."""
    for first, second in ((x, y), (y, x)):
        for end_a, end_b, why in DISTINCT_ENDINGS:
            if not (first.endswith(end_a) and second.endswith(end_b)):
                continue
            stem_a = first[: len(first) - len(end_a)]
            stem_b = second[: len(second) - len(end_b)]
            if len(stem_a) >= 3 and len(stem_b) >= 3 and distance(stem_a, stem_b)[1] == 0:
                return why
    return ""


def loose_key(form: str) -> str:
    """A coarse key that every rule family collapses (vowels, sibilants, h/g...):
    only used to find pairs worth comparing."""
    text = plain(form)
    for old, new in (("chtch", "S"), ("shch", "S"), ("tch", "S"), ("ch", "S"), ("sh", "S"), ("dzh", "Z"),
                     ("dj", "Z"), ("zh", "Z"), ("j", "Z"), ("kh", "K"), ("ks", "X"), ("x", "X"), ("ts", "C"),
                     ("h", "g"), ("w", "v"), ("g", "k"), ("d", "t"), ("b", "p")):
        text = text.replace(old, new)
    text = re.sub(r"[aeiouy]+", "a", text)
    return re.sub(r"(.)\1+", r"\1", text)
