"""Glossary enforcement: protect names before translation, force them after.

The translation pipeline calls, for a batch of French sentences::

    restored = enforce_batch(texts, glossary, engine.translate_batch)

or the two halves itself (to put a cache between them)::

    protected = [protect(text, glossary) for text in texts]
    translations = engine.translate_batch([p.text for p in protected])
    restored = [restore(p, t) for p, t in zip(protected, translations)]

Two protection modes:

* ``"placeholder"`` (default): each glossary term becomes an opaque token
  (``ZXQ1``, ``ZXQ2``...) that engines pass through as an unknown word; after
  translation each token is replaced by the canonical English form. Elided
  articles before a term are spelled out ("d'Izvestia" -> "de ZXQ1") so the
  engine sees a normal word boundary.
* ``"canonical"``: each term is replaced by its canonical English form before
  translation; the engine may still translate parts of it ("Kim Jong Un" ->
  "Kim Jong One" through Apertium: French "un" is "one"), which restore
  repairs by fuzzy alignment.

After translation (both modes) tokens that the engine split, re-cased or
glued are recognised leniently, and any glossary variant left in the English
(e.g. "Kiev") is replaced by its canonical form. A term that cannot be found
again is reported in ``Restored.problems``; :func:`enforce_batch` then
retranslates that sentence piecewise (the text between terms, with the
canonical forms put back in between), which enforces every term whatever the
engine does, at some cost in fluency; it says so in ``Restored.repairs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from align.document import TermSpan
from align.engines.base import checked_outputs
from align.glossary import Entry, Glossary, Match

MODES = ("placeholder", "canonical")
TOKEN_PREFIX = "ZXQ"

#: French elided words before a term, spelled out in placeholder mode.
_ELISIONS = {"d": "de", "l": "le", "qu": "que", "jusqu": "jusque", "lorsqu": "lorsque",
             "puisqu": "puisque", "n": "ne", "s": "se", "j": "je", "m": "me", "t": "te", "c": "ce"}
_ELISION_BEFORE = re.compile(r"(?<![\w])(\w{1,6})['’]$")
#: a token after an engine split, re-cased or punctuated it: "ZXQ 3", "zxq-3", "Z XQ3"
_LENIENT_TOKEN = r"z\W{0,2}x\W{0,2}q\W{0,2}0*%d(?!\d)"
_ANY_TOKEN = re.compile(r"z\W{0,2}x\W{0,2}q\W{0,2}\d+", re.IGNORECASE)
#: canonical forms that an engine mangled are found again above this rapidfuzz score
FUZZY_THRESHOLD = 75.0


@dataclass
class Protected:
    """A French sentence ready for the engine, and what restore needs."""

    source: str
    text: str  # send this to the engine
    matches: list[Match]
    mode: str
    glossary: Glossary
    #: what stands for each match in ``text``: a token, or the canonical form
    stand_ins: list[str] = field(default_factory=list)

    @property
    def source_terms(self) -> list[TermSpan]:
        return [TermSpan(m.start, m.end, m.entry.id) for m in self.matches]


@dataclass
class Restored:
    text: str  # the final English
    source_terms: list[TermSpan]  # in the French sentence
    target_terms: list[TermSpan]  # in ``text``
    #: one line per term that could not be enforced (goes to Sentence.notes)
    problems: list[str] = field(default_factory=list)
    #: what was repaired (split tokens, variants replaced, piecewise retranslation)
    repairs: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- protect
def protect(text: str, glossary: Glossary, mode: str = "placeholder") -> Protected:
    """Find glossary terms in a French sentence and hide (placeholder) or
    translate (canonical) them, so that the engine cannot mangle them."""
    if mode not in MODES:
        raise ValueError(f"unknown protection mode {mode!r} (use {' or '.join(MODES)})")
    matches = glossary.find(text)
    pieces: list[str] = []
    stand_ins: list[str] = []
    position = 0
    for number, match in enumerate(matches, start=1):
        before = text[position:match.start]
        if mode == "placeholder":
            stand_in = f"{TOKEN_PREFIX}{number}"
            before = _spell_out_elision(before)
        else:
            stand_in = match.entry.canonical
        pieces += [before, stand_in]
        stand_ins.append(stand_in)
        position = match.end
    pieces.append(text[position:])
    return Protected(text, "".join(pieces), matches, mode, glossary, stand_ins)


def _spell_out_elision(before: str) -> str:
    """"...au quotidien d'" -> "...au quotidien de " (keeps the capital of "L'")."""
    found = _ELISION_BEFORE.search(before)
    if not found or found.group(1).lower() not in _ELISIONS:
        return before
    full = _ELISIONS[found.group(1).lower()]
    if found.group(1)[0].isupper():
        full = full.capitalize()
    return before[: found.start()] + full + " "


# ---------------------------------------------------------------- restore
@dataclass
class _Span:
    start: int
    end: int
    entry: Entry


def restore(protected: Protected, translation: str) -> Restored:
    """Put the canonical English form of every protected term into the
    engine's output, repair what the engine mangled, report what is lost."""
    problems: list[str] = []
    repairs: list[str] = []
    spans: list[_Span] = []
    for index in range(len(protected.matches)):
        span = _locate(protected, index, translation, spans, repairs)
        if span is None:
            problems.append(_lost_message(protected, index))
        else:
            spans.append(span)
    text, spans = _apply(translation, spans)
    text, spans = _force_canonical(text, spans, protected.glossary, repairs)
    text, spans = _drop_articles(text, spans)
    text, removed = _remove_stray_tokens(text, spans)
    if removed:
        repairs.append(f"removed {removed} stray placeholder(s) the engine invented")
        spans = _respan(text, spans)
    targets = [TermSpan(s.start, s.end, s.entry.id) for s in sorted(spans, key=lambda s: s.start)]
    return Restored(text, protected.source_terms, targets, problems, repairs)


def _lost_message(protected: Protected, index: int) -> str:
    match = protected.matches[index]
    surface = protected.source[match.start:match.end]
    how = f"placeholder {protected.stand_ins[index]}" if protected.mode == "placeholder" else "the term"
    return (f"glossary {match.entry.id}: '{surface}' -> '{match.entry.canonical}' not enforced "
            f"({how} lost in translation)")


def _free(spans: list[_Span], start: int, end: int) -> bool:
    return all(end <= s.start or start >= s.end for s in spans)


def _locate(protected: Protected, index: int, translation: str, taken: list[_Span],
            repairs: list[str]) -> _Span | None:
    """Where the engine put the stand-in of match ``index``, or None if it is gone."""
    entry = protected.matches[index].entry
    stand_in = protected.stand_ins[index]
    for found in re.finditer(re.escape(stand_in), translation):
        if _free(taken, found.start(), found.end()) and _word_edges(translation, found.start(), found.end(), protected.mode):
            return _Span(found.start(), found.end(), entry)
    if protected.mode == "placeholder":
        pattern = re.compile(_LENIENT_TOKEN % (index + 1), re.IGNORECASE)
        for found in pattern.finditer(translation):
            if _free(taken, found.start(), found.end()):
                repairs.append(f"placeholder {stand_in} mangled as '{found.group()}'")
                return _Span(found.start(), found.end(), entry)
    for match in protected.glossary.find(translation, entries={entry.id}):
        if _free(taken, match.start, match.end):
            return _Span(match.start, match.end, entry)
    return _fuzzy_locate(entry, translation, taken, repairs)


def _word_edges(text: str, start: int, end: int, mode: str) -> bool:
    """Canonical forms must be whole words; tokens may be glued ("ZXQ1's")."""
    if mode == "placeholder":
        return not (end < len(text) and text[end].isdigit())
    before_ok = start == 0 or not text[start - 1].isalnum()
    after_ok = end == len(text) or not text[end].isalnum()
    return before_ok and after_ok


def _fuzzy_locate(entry: Entry, translation: str, taken: list[_Span], repairs: list[str]) -> _Span | None:
    """A partly translated canonical form ("Kim Jong One", "A Security Council")."""
    if len(entry.canonical) < 6 or " " not in entry.canonical:
        return None  # short one-word names: too risky to guess
    from rapidfuzz import fuzz

    alignment = fuzz.partial_ratio_alignment(entry.canonical, translation)
    if alignment is None or alignment.score < FUZZY_THRESHOLD:
        return None
    start, end = _widen_to_words(translation, alignment.dest_start, alignment.dest_end)
    start, end = _grow_to_word_count(translation, start, end, entry.canonical)
    if not _free(taken, start, end):
        return None
    repairs.append(f"'{translation[start:end]}' restored to '{entry.canonical}'")
    return _Span(start, end, entry)


def _grow_to_word_count(text: str, start: int, end: int, canonical: str) -> tuple[int, int]:
    """"Security Council" for "UN Security Council": take in the translated word
    ("A Security Council") on the side that makes the span most like the name."""
    from rapidfuzz import fuzz

    while len(text[start:end].split()) < len(canonical.split()):
        options = []
        left = re.search(r"(\w+)\s+$", text[:start])
        if left:
            options.append((left.start(), end))
        right = re.match(r"\s+(\w+)", text[end:])
        if right:
            options.append((start, end + right.end()))
        if not options:
            break
        start, end = max(options, key=lambda o: fuzz.ratio(text[o[0]:o[1]], canonical))
    return start, end


def _widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The alignment's span, trimmed of punctuation and widened to whole words."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _apply(text: str, spans: list[_Span]) -> tuple[str, list[_Span]]:
    """Write each span's canonical form into ``text``; return the new spans."""
    out: list[str] = []
    new_spans: list[_Span] = []
    position = 0
    length = 0
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text[position:span.start])
        length += span.start - position
        out.append(span.entry.canonical)
        new_spans.append(_Span(length, length + len(span.entry.canonical), span.entry))
        length += len(span.entry.canonical)
        position = span.end
    out.append(text[position:])
    return "".join(out), new_spans


def _force_canonical(text: str, spans: list[_Span], glossary: Glossary,
                     repairs: list[str]) -> tuple[str, list[_Span]]:
    """Replace any glossary variant left in the English ("Kiev") by its canonical
    form, and record canonical forms the engine produced by itself."""
    extra: list[_Span] = []
    for match in glossary.find(text):
        if not _free(spans, match.start, match.end):
            continue
        surface = text[match.start:match.end]
        if surface != match.entry.canonical:
            if surface.casefold() == match.entry.canonical.casefold():
                continue  # "the west of the country" is not "the West"; "SEOUL" is a dateline
            repairs.append(f"'{surface}' replaced by canonical '{match.entry.canonical}'")
        extra.append(_Span(match.start, match.end, match.entry))
    if not extra:
        return text, spans
    return _apply(text, spans + extra)


#: English place names with these words (or all in capitals) keep "the"
_ARTICLE_WORDS = {"union", "states", "kingdom", "republic", "peninsula", "far", "west",
                  "emirates", "islands", "netherlands", "philippines", "gulf", "sea", "ocean"}


def _takes_article(entry: Entry) -> bool:
    """Does the English place name take "the" (the USSR, the West) or not (Russia)?"""
    if entry.type != "place":
        return True
    words = entry.canonical.split()
    if entry.canonical.isupper() or any(w.lower() in _ARTICLE_WORDS for w in words):
        return True
    return False


def _drop_articles(text: str, spans: list[_Span]) -> tuple[str, list[_Span]]:
    """"the Russia" -> "Russia": an engine that sees a token (or an unknown
    English name) keeps the French article ("la Russie") as "the"."""
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        before = text[max(0, span.start - 4):span.start]
        if before.lower() == "the " and not _takes_article(span.entry):
            cut = span.start - 4
            if cut > 0 and text[cut - 1].isalnum():
                continue
            text = text[:cut] + text[span.start:]
            for other in spans:
                if other.start >= span.start:
                    other.start -= 4
                    other.end -= 4
    return text, spans


def _remove_stray_tokens(text: str, spans: list[_Span]) -> tuple[str, int]:
    """Tokens with no term behind them (the engine duplicated or invented one)."""
    stray = [m for m in _ANY_TOKEN.finditer(text) if _free(spans, m.start(), m.end())]
    for found in reversed(stray):
        start, end = found.start(), found.end()
        if start > 0 and text[start - 1] == " " and (end == len(text) or not text[end].isalnum()):
            start -= 1
        text = text[:start] + text[end:]
    return text, len(stray)


def _respan(text: str, spans: list[_Span]) -> list[_Span]:
    """Find the spans' canonical forms again after text before them moved."""
    result: list[_Span] = []
    position = 0
    for span in sorted(spans, key=lambda s: s.start):
        start = text.find(span.entry.canonical, position)
        if start >= 0:
            result.append(_Span(start, start + len(span.entry.canonical), span.entry))
            position = start + len(span.entry.canonical)
    return result


# ---------------------------------------------------------------- batch
def enforce_batch(texts: Sequence[str], glossary: Glossary,
                  translate_batch: Callable[[list[str]], list[str]],
                  mode: str = "placeholder", piecewise_fallback: bool = True) -> list[Restored]:
    """Translate ``texts`` with glossary enforcement, one engine call for the
    batch (plus one for sentences that need the piecewise fallback)."""
    protected = [protect(text, glossary, mode) for text in texts]
    translations = checked_outputs(translate_batch([p.text for p in protected]), len(protected))
    restored = [restore(p, t) for p, t in zip(protected, translations)]
    if piecewise_fallback:
        failed = [i for i, r in enumerate(restored) if r.problems]
        if failed:
            retried = _piecewise([protected[i] for i in failed], translate_batch)
            for i, result in zip(failed, retried):
                result.repairs.insert(0, "retranslated piecewise around glossary terms: "
                                         + "; ".join(restored[i].problems))
                restored[i] = result
    return restored


def _pieces(protected: Protected) -> list[str]:
    """The French text between terms, elisions spelled out."""
    pieces: list[str] = []
    position = 0
    for match in protected.matches:
        pieces.append(_spell_out_elision(protected.source[position:match.start]))
        position = match.end
    pieces.append(protected.source[position:])
    return pieces


def _piecewise(protected: list[Protected], translate_batch: Callable[[list[str]], list[str]]) -> list[Restored]:
    """Translate the text between terms separately; put canonical forms between."""
    all_pieces = [_pieces(p) for p in protected]
    wanted = sorted({piece.strip() for pieces in all_pieces for piece in pieces if _has_words(piece)})
    translated = dict(zip(wanted, checked_outputs(translate_batch(wanted), len(wanted)))) if wanted else {}
    results = []
    for p, pieces in zip(protected, all_pieces):
        parts: list[str] = []
        for number, piece in enumerate(pieces):
            if _has_words(piece):
                lead = " " if piece[:1].isspace() and number else ""
                trail = " " if piece[-1:].isspace() and number < len(pieces) - 1 else ""
                parts.append(lead + translated[piece.strip()].strip() + trail)
            else:
                parts.append(piece)
            if number < len(p.matches):
                parts.append(f"{TOKEN_PREFIX}{number + 1}")
        joined = _join_words(parts)
        as_tokens = Protected(p.source, joined, p.matches, "placeholder", p.glossary,
                              [f"{TOKEN_PREFIX}{n}" for n in range(1, len(p.matches) + 1)])
        results.append(restore(as_tokens, joined))
    return results


def _join_words(parts: list[str]) -> str:
    """Concatenate, with a space where two words would otherwise be glued."""
    text = ""
    for part in parts:
        if text and part and text[-1].isalnum() and part[0].isalnum():
            text += " "
        text += part
    return text


def _has_words(piece: str) -> bool:
    return any(c.isalnum() for c in piece)


# ---------------------------------------------------------------- checking
def canonical_problems(source: str, translation: str, glossary: Glossary) -> list[str]:
    """Why ``translation`` does not carry exactly the canonical English forms of
    the glossary terms found in ``source`` ([] when it does): a term whose
    canonical form is missing (or present fewer times than in the source), or
    any other spelling of a glossary entry in the English. Used by tests and
    scripts/glossary_eval.py to score enforcement."""
    from collections import Counter

    wanted = Counter(m.entry.id for m in glossary.find(source))
    found: Counter[str] = Counter()
    problems = []
    for match in glossary.find(translation):
        surface = translation[match.start:match.end]
        if surface.casefold() == match.entry.canonical.casefold():  # case alone is not a spelling
            found[match.entry.id] += 1
        else:
            problems.append(f"{match.entry.id}: '{surface}' instead of '{match.entry.canonical}'")
    for entry_id, count in wanted.items():
        if found[entry_id] < count:
            entry = glossary.entry(entry_id)
            problems.append(f"{entry_id}: '{entry.canonical}' {found[entry_id]} time(s), expected {count}")
    return problems
