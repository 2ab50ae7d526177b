"""Terminology consistency checker: one spelling per name across a corpus.

Input: French sources, English translations (plain text, one paragraph a
line) or align's aligned TEI files (both sides, sentence ids). Two reports:

(a) glossary findings. In English text every spelling of a glossary entry
    other than its canonical form is reported. In French text the French
    forms are legitimate ("Moscou"), so an entry is reported only when the
    corpus spells it several ways ("Louhansk" and "Luhansk"): each
    occurrence that is not the canonical form is listed.
(b) candidate clusters: capitalised words and multi-word names that the corpus
    spells several ways and the glossary does not cover, found without any
    list of names, even when each spelling occurs once. Forms are compared by
    align.terms.compare: an edit distance that knows the correspondences
    between romanisation systems (align/terms/rules.py: Ukrainian- vs
    Russian-based, French vs English transcription, Belarusian, Korean RR vs
    MR), with precision guards (given names, feminine surnames, endings that
    make another place, Korean syllables). Pairs that differ only by a
    French inflection suffix (Corée/Coréen, Japon/Japonais) are not variants.
    Each cluster comes with its confidence, the correspondences that join it
    (``why``; "doubtful" when a letter change no rule explains was needed)
    and a ready-to-paste glossary line.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from align.glossary import Glossary, form_key

if TYPE_CHECKING:  # pragma: no cover
    from align.terms.compare import Comparison

#: similarity (0-1, align.terms.compare.compare) from which two forms are taken as one name
CLUSTER_THRESHOLD = 0.9
#: French inflection/derivation endings: X and X+suffix are not spelling variants
_SUFFIXES = ("e", "s", "es", "y", "i", "ian", "ians", "is", "ese", "ish", "n", "ne", "nes", "ns", "en", "ens", "enne", "ennes", "ien", "iens",
             "ienne", "iennes", "ais", "aise", "aises", "ois", "oise", "oises", "an", "ans", "ane",
             "anes", "ain", "ains", "aine", "aines", "ique", "iques", "iste", "istes", "ist", "ists",
             "a", "as", "o", "os")  # Spanish/Latin endings in English text: Mexican/Mexicana
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_POSSESSIVE = re.compile(r"['’]s$")
_ELIDED = re.compile(r"^(?:[LlDdJjMmNnSsTtCc]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’]")
_SENTENCE_END = set(".!?…:")
_OPENERS = set(" \t«»“”\"'‘’(–—-•·*[")
_FRENCH_HINTS = {"le", "la", "les", "des", "du", "et", "est", "une", "dans", "que", "qui", "pour", "sur", "avec", "au", "aux", "été"}
_ENGLISH_HINTS = {"the", "and", "of", "to", "is", "was", "that", "with", "for", "on", "has", "have", "by", "from"}


@dataclass
class Unit:
    """A stretch of text to check: a line of a .txt file or a TEI sentence."""

    file: str
    where: str  # "line 3" or "fr.s12"
    lang: str  # "fr" or "en"
    text: str


@dataclass
class Finding:
    """(a) a glossary term spelled otherwise than the English edition wants."""

    file: str
    where: str
    lang: str
    found: str
    canonical: str
    entry: str
    reason: str
    start: int = 0  # character offset in the line or sentence


@dataclass
class Candidate:
    """(b) one name spelled several ways, not (fully) in the glossary."""

    forms: list[tuple[str, int]]  # (spelling, occurrences), most frequent first
    confidence: float
    places: list[str]  # "file:where" of each spelling's first occurrence
    entry: str | None  # existing glossary entry to extend, if one form is known
    glossary_line: str
    why: str = ""  # the correspondences that join the spellings (h/g, ou/u...), and doubts


@dataclass
class Report:
    files: list[str]
    glossary: str | None
    findings: list[Finding] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.findings and not self.candidates

    def to_json(self) -> dict:
        return {"files": self.files, "glossary": self.glossary, "consistent": self.consistent,
                "findings": [asdict(f) for f in self.findings],
                "candidates": [{**asdict(c), "forms": [{"form": f, "count": n} for f, n in c.forms]}
                               for c in self.candidates]}


# ---------------------------------------------------------------- reading
def read_units(path: str | Path, lang: str = "auto") -> list[Unit]:
    """Units of a text file (one per non-empty line) or of a TEI file (one per sentence)."""
    from align.tei import is_tei_file

    path = Path(path)
    if is_tei_file(path):
        return _tei_units(path)
    from align.io import read_text

    text = read_text(path)
    language = guess_language(text) if lang == "auto" else lang
    return [Unit(str(path), f"line {n}", language, line)
            for n, line in enumerate(text.split("\n"), start=1) if line.strip()]


def _tei_units(path: Path) -> list[Unit]:
    from align.tei import read_tei

    doc = read_tei(path)
    units = []
    for side in (doc.source, doc.target):
        units += [Unit(str(path), s.id, side.lang, s.text) for s in side.sentences()]
    return units


def language_evidence(text: str) -> dict[str, int]:
    """How many of the commonest French and English function words ``text`` has: {"fr": n, "en": m}."""
    words = Counter(w.lower() for w in re.findall(r"[^\W\d_]+", text[:20000]))
    return {"fr": sum(words[w] for w in _FRENCH_HINTS), "en": sum(words[w] for w in _ENGLISH_HINTS)}


def guess_language(text: str) -> str:
    """"fr" or "en", from the commonest function words."""
    evidence = language_evidence(text)
    return "en" if evidence["en"] > evidence["fr"] else "fr"


# ---------------------------------------------------------------- (a) glossary
def glossary_findings(units: list[Unit], glossary: Glossary) -> list[Finding]:
    findings: list[Finding] = []
    french: dict[str, list[tuple[Unit, str, int]]] = defaultdict(list)
    for unit in units:
        for match in glossary.find(unit.text):
            surface = unit.text[match.start:match.end]
            entry = match.entry
            if unit.lang == "fr":
                french[entry.id].append((unit, surface, match.start))
            elif not _same_spelling(surface, entry.canonical):
                findings.append(Finding(unit.file, unit.where, unit.lang, surface, entry.canonical, entry.id,
                                        "not the canonical English form", match.start))
    for entry_id, seen in french.items():
        spellings = Counter(_spelling_key(s) for _, s, _ in seen)
        if len(spellings) < 2:
            continue
        entry = glossary.entry(entry_id)
        forms = ", ".join(sorted({s for _, s, _ in seen}))
        for unit, surface, start in seen:
            if not _same_spelling(surface, entry.canonical):
                findings.append(Finding(unit.file, unit.where, unit.lang, surface, entry.canonical, entry_id,
                                        f"spelled {len(spellings)} ways in the French: {forms}", start))
    return sorted(findings, key=lambda f: (f.file, _where_order(f.where), f.start))


def _spelling_key(surface: str) -> str:
    """Case does not make a different spelling (SÉOUL in a dateline = Séoul)."""
    return " ".join(surface.casefold().split())


def _same_spelling(surface: str, canonical: str) -> bool:
    """Case alone is not a spelling: "SEOUL" in a dateline, "the west of the country"."""
    return _spelling_key(surface) == _spelling_key(canonical)


def _where_order(where: str) -> tuple:
    """"fr.s2" before "fr.s10"; the French side before the English one."""
    side = 0 if where.startswith("fr") else 1
    return (side, *(int(n) for n in re.findall(r"\d+", where)))


# ---------------------------------------------------------------- (b) discovery
@dataclass
class _Form:
    text: str
    count: int = 0
    first: str = ""  # "file:where"


def name_forms(units: Iterable[Unit], weak: dict[str, _Form] | None = None) -> dict[str, _Form]:
    """Capitalised words and runs of capitalised words, keyed by lower-case spelling.

    A capitalised word that starts a sentence counts only when the corpus also
    capitalises it inside a sentence and never writes it in lower case: that
    keeps "Cependant", "Les", "Dans" out without any word list. The runs it
    would have started ("Kharkov a été bombardée", said once) go to ``weak``
    when given: discovery may join them to a name found elsewhere, never to
    each other.
    """
    return _name_forms_and_lowercase(units, weak)[0]


def _name_forms_and_lowercase(units: Iterable[Unit], weak: dict[str, _Form] | None = None
                              ) -> tuple[dict[str, _Form], set[str]]:
    """:func:`name_forms`, and the words the corpus also writes in lower case
    (casefolded), which it reads on the way."""
    units = list(units)
    inside: set[str] = set()
    lower: set[str] = set()
    runs_per_unit = []
    for unit in units:
        runs = _capitalised_runs(unit.text)
        runs_per_unit.append(runs)
        for word in _words(unit.text):
            if word[0].islower():
                lower.add(word.casefold())
        for run, initial in runs:
            words = run.split(" ")
            inside.update(w.casefold() for w in (words[1:] if initial else words))
    forms: dict[str, _Form] = {}
    for unit, runs in zip(units, runs_per_unit):
        for run, initial in runs:
            words = run.split(" ")
            if initial and (words[0].casefold() not in inside or words[0].casefold() in lower):
                if weak is not None and words[0].casefold() not in lower:
                    text = " ".join(words)
                    form = weak.setdefault(text.casefold(), _Form(text, 0, f"{unit.file}:{unit.where}"))
                    form.count += 1
                words = words[1:]
            if not words:
                continue
            text = " ".join(words)
            form = forms.setdefault(text.casefold(), _Form(text, 0, f"{unit.file}:{unit.where}"))
            form.count += 1
    return forms, lower


def _words(text: str) -> list[str]:
    words = []
    for found in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", _ELIDED.sub("", found.group())).strip("-’'")
        if word:
            words.append(word)
    return words


def _capitalised_runs(text: str) -> list[tuple[str, bool]]:
    """Maximal runs of capitalised words separated by single spaces, each with
    whether it starts a sentence."""
    runs: list[tuple[str, bool]] = []
    current: list[str] = []
    initial = False
    last_end = -1
    for found in _WORD.finditer(text):
        raw = found.group()
        elided = _ELIDED.match(raw)
        word = raw[elided.end():] if elided else raw
        word = _POSSESSIVE.sub("", word).rstrip("-’'")
        start = found.start() + (elided.end() if elided else 0)
        is_name = bool(word) and word[0].isupper()
        if is_name and current and not elided and text[last_end:found.start()] == " ":
            current.append(word)
        else:
            if current:
                runs.append((" ".join(current), initial))
            current = [word] if is_name else []
            initial = is_name and not elided and _starts_sentence(text, start)
        last_end = found.end()
    if current:
        runs.append((" ".join(current), initial))
    return runs


def _starts_sentence(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and text[index] in _OPENERS:
        index -= 1
    return index < 0 or text[index] in _SENTENCE_END


def _inflection_pair(a: str, b: str, explained: bool = False) -> bool:
    """Corée/Coréen, Japon/Japonais, Russie/Russes: one word, two grammatical forms.
    ``explained``: the transliteration rules account for the difference, so a
    shared stem alone (Lukashenko/Lukashenka) does not make it an inflection."""
    from align.terms.compare import plain

    a, b = plain(a), plain(b)
    if a == b:
        return False  # same letters: accents, case or hyphens differ, a true variant
    if len(a) > len(b):
        a, b = b, a
    if b.startswith(a) and b[len(a):] in _SUFFIXES:
        return not (explained and _transliterated_ending(a, b[len(a):]))
    return not explained and bool(_stems(a) & _stems(b))


def _transliterated_ending(stem: str, rest: str) -> bool:
    """Syrsky/Syrskyi (-y/-yi) and Lénine/Lenin (the French mute e after a Russian
    -in, -yn, -an) are transliterations; Américain/Américaine is a French feminine."""
    if rest in ("i", "y"):
        return True
    return rest == "e" and stem.endswith(("in", "yn", "an")) and not stem.endswith(("ain", "ein"))


def _stems(word: str) -> set[str]:
    """The word without each ending it may carry (and the word itself)."""
    stems = {word}
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stems.add(word[: -len(suffix)])
    return stems


def similarity(a: str, b: str) -> float:
    """How likely two spellings are one name (0-1): see align.terms.compare."""
    from align.terms.compare import compare

    return compare(a, b).similarity


def _capital_accents_only(a: str, b: str) -> bool:
    """Etat/État, Egypte/Égypte: French typography may drop accents on capitals."""
    from unidecode import unidecode

    def strip(text: str) -> str:
        return "".join(unidecode(c) if c.isupper() else c for c in text).casefold()

    return a != b and strip(a) == strip(b)


#: loose keys (vowels, sibilants, h/g collapsed) at least this close are compared in full
LOOSE_CUTOFF = 75


def _similar_pairs(texts: list[str], threshold: float) -> list[tuple[int, int, "Comparison"]]:
    """Index pairs of spellings that are one name. rapidfuzz on coarse keys
    first (which keeps a corpus of thousands of names fast), then the
    transliteration-aware comparison on the pairs it lets through."""
    from rapidfuzz import fuzz, process

    from align.terms.compare import compare, loose_key, plain

    pairs: set[tuple[int, int]] = set()
    for keys, cutoff in (([loose_key(t) for t in texts], LOOSE_CUTOFF), ([plain(t) for t in texts], threshold * 100)):
        matrix = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)
        pairs.update((int(i), int(j)) for i, j in zip(*matrix.nonzero()) if i < j)
    result = []
    for i, j in sorted(pairs):
        verdict = compare(texts[i], texts[j])
        if verdict.similarity < threshold or _capital_accents_only(texts[i], texts[j]):
            continue
        if _inflection_pair(texts[i], texts[j], explained=bool(verdict.families) and not verdict.raw):
            continue
        result.append((i, j, verdict))
    return result


def discover(units: list[Unit], glossary: Glossary | None = None,
             threshold: float = CLUSTER_THRESHOLD) -> list[Candidate]:
    """Names spelled several ways in ``units``, most confident first.

    Pairs are joined most confident first; two groups are not joined when a
    precision guard keeps any spelling of one apart from any of the other
    (Kim Jong Un ~ Kim Jong-un and Kim Jong Nam ~ Kim Jong-nam stay two), nor
    by a doubtful link unless every spelling of one is close to every spelling
    of the other (Timochenko ~ Tymoshenko and Timtchenko ~ Timchenko stay two
    however close Timochenko and Timtchenko look)."""
    from align.terms.compare import compare

    weak: dict[str, _Form] = {}
    # common: words the corpus also writes in lower case, common words rather than
    # names. Only a typo or a plain change joins them to another word (House/Gausse
    # by h/g and a/o would be a transliteration rule applied to an English word).
    strong, common = _name_forms_and_lowercase(units, weak)
    forms = list(strong.values()) + [f for k, f in weak.items() if k not in strong]
    is_weak = [i >= len(strong) for i in range(len(forms))]
    members: dict[int, list[int]] = {i: [i] for i in range(len(forms))}
    parent = list(range(len(forms)))
    links: dict[int, list] = defaultdict(list)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs = [(i, j, v) for i, j, v in _similar_pairs([f.text for f in forms], threshold)
             if (v.raw or not v.families or not ({forms[i].text.casefold(), forms[j].text.casefold()} & common))
             and not (is_weak[i] and is_weak[j]) and not ((is_weak[i] or is_weak[j]) and not _sure(forms[i].text, v))]
    for i, j, verdict in sorted(pairs, key=lambda p: -p[2].confidence):
        ri, rj = root(i), root(j)
        if ri == rj:
            links[ri].append(verdict)
            continue
        across = [compare(forms[x].text, forms[y].text) for x in members[ri] for y in members[rj]]
        if any(v.apart for v in across):
            continue  # joining would put two names a guard keeps apart in one cluster
        if verdict.raw and len(members[ri]) + len(members[rj]) > 2 and any(v.similarity < threshold for v in across):
            continue  # a doubtful link (a typo?) does not glue two groups of names together
        parent[ri] = rj
        members[rj] += members.pop(ri)
        links[rj] += links.pop(ri, []) + [verdict]
    candidates = []
    for top, group in members.items():
        if len(group) < 2:
            continue
        candidate = _candidate([forms[i] for i in group], links[top], glossary)
        if candidate:
            candidates.append(candidate)
    return sorted(candidates, key=lambda c: (-c.confidence, c.forms[0][0]))


def _sure(text: str, verdict) -> bool:
    """A sentence-initial word joins a name only on rules alone, and only when long
    enough for its letters to say it is that name (Kharkov a été... / Kharkiv)."""
    from align.terms.compare import plain

    return not verdict.raw and len(plain(text)) >= 6


def _explain(verdicts: list) -> str:
    """Which correspondences join the spellings, and what is doubtful."""
    families = sorted({f for v in verdicts for f in v.families})
    raw = max(v.raw for v in verdicts)
    parts = [", ".join(families)] if families else []
    if raw:
        parts.append(f"doubtful: {raw} letter change(s) no rule explains")
    return "; ".join(parts) or "case, accents, hyphens or spacing"


def _candidate(members: list[_Form], verdicts: list, glossary: Glossary | None) -> Candidate | None:
    members = sorted(members, key=lambda f: (-f.count, f.text))
    known = {f.text: glossary.lookup(f.text) if glossary else None for f in members}
    unknown = [f for f in members if known[f.text] is None]
    if not unknown:
        return None  # every spelling is in the glossary: part (a) reports it
    entries = {e.id: e for e in known.values() if e is not None}
    confidence = round(min(v.confidence for v in verdicts), 3)
    forms = [(f.text, f.count) for f in members]
    places = [f"{f.first}" for f in members]
    why = _explain(verdicts)
    if len(entries) == 1:
        entry = next(iter(entries.values()))
        variants = entry.variants + [f.text for f in unknown if f.text not in entry.forms()]
        line = "\t".join([entry.id, entry.canonical, "|".join(variants), entry.type, entry.note])
        return Candidate(forms, confidence, places, entry.id, line, why)
    if entries:
        return None  # spellings of two different entries: not one name
    canonical = min(members, key=lambda f: (_french_look(f.text), -f.count, f.text)).text
    variants = [f.text for f in members if f.text != canonical]
    note = "found by check-terms: " + ", ".join(f"{f} ({n})" for f, n in forms) + "; check type and canonical form"
    line = "\t".join([_slug(canonical), canonical, "|".join(variants), "term", note])
    return Candidate(forms, confidence, places, None, line, why)


def _french_look(form: str) -> int:
    """How French (or hyphen-transcribed) a spelling looks: the English edition's
    canonical form is most likely the least French one."""
    return sum(not c.isascii() for c in form) + form.lower().count("ou") + form.count("-")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", form_key(text)).strip("-") or "entry"


# ---------------------------------------------------------------- entry point
def check_files(paths: Iterable[str | Path], glossary: Glossary | None = None,
                discovery: bool = True, lang: str = "auto", sides: tuple[str, ...] = ("fr", "en")) -> Report:
    """Check every file together (a name may be spelled one way per file).
    ``sides`` keeps only French or English text (e.g. ("en",) to gate the
    English edition of aligned TEI files)."""
    paths = [str(p) for p in paths]
    units = [u for p in paths for u in read_units(p, lang) if u.lang in sides]
    report = Report(paths, glossary.name if glossary else None)
    if glossary is not None:
        report.findings = glossary_findings(units, glossary)
    if discovery:
        report.candidates = discover(units, glossary)
    return report
