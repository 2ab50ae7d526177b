"""French (and English) news text -> Document: paragraphs, sentences, page furniture.

Offline and rule-based (no model, no download, nothing heavy imported). Measured with
``scripts/segmentation_eval.py`` against a hand-made gold segmentation of the five seeds
(tests/data/segmentation/) and held-out news (newstest2013, TICO-19), these rules score at
least as well as pysbd's French rules and as an nltk Punkt model trained on French news
(better on the seeds and newstest2013, level on TICO-19 French, whose misses are lower-case
transcribed speech), and are 10-40x faster than pysbd, so :func:`split_sentences` uses them.

Paragraphs
    Blank lines separate blocks. Inside a block each line is a paragraph (news extracted one
    paragraph per line) unless the block is hard-wrapped (a line breaks mid-sentence: it ends
    without punctuation before a lower-case line, or ends with a comma), in which case its lines
    are joined (with one space). A bullet line ("•", "▪", "* " ...) always starts a paragraph of
    kind "bullet"; the marker stays at the start of its first sentence. Indentation is ignored.

Kinds
    "furniture": page furniture (update dates, "date 2023-08", "Commentez cette histoire", photo
    credits, page codes like "fr-01"); a furniture prefix glued to prose on the same line is split
    off into its own paragraph. "heading": a short line without final punctuation. "bullet": see
    above. A leading "-" is text, not a bullet (interview dialogue). Everything else is "body".
    Furniture and headings are not split into sentences.

Sentences
    A boundary is a run of ``. ! ? …`` (plus closing quotes/brackets that follow it, so
    ``… deux pays. »`` keeps its quote) followed by a space and a word starting with a capital
    letter or a digit (opening quotes and dashes skipped). It is not a boundary after a known
    abbreviation (``M.``, ``Mme``, ``St.``, ``av.``, ``janv.`` ...), a one-letter initial or a
    list number opening the sentence ("1. La Russie …"), except that two titles in a row
    (``… a affirmé M. M. Kim``) end the sentence at the first. A spaced straight quote after the
    full stop (``ans. " Ils``) closes the sentence only if it has an odd number of them.

Fidelity: a sentence is the source's characters exactly (no-break spaces, double spaces,
bullet marker, typographic apostrophes), so that a CAT tool segmenting the original file finds it
in a TMX made by align; only the whitespace between sentences and around lines is dropped (and a
hard-wrapped paragraph's line breaks become single spaces). The rules read a whitespace-normalised
copy; what the engines and aligners need normalised they normalise on their own copy.

Invariant: the words (``str.split()``) of the sentences, in order, are the words of the input.
Nothing is lost or duplicated.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from align.document import Document, Paragraph, Sentence, number

# --------------------------------------------------------------------------- abbreviations

#: Abbreviations after which a full stop does not end a sentence, matched case-sensitively
#: (titles before names, and words that are never sentence-final in news).
_TITLES_FR = {"M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Me", "Mgr", "Dr", "Drs", "Pr", "Pre",
              "St", "Ste", "Sts", "Stes", "Gén", "Col", "Lt", "Cdt", "Capt", "Sgt", "Adj"}
_TITLES_EN = {"Mr", "Mrs", "Ms", "Messrs", "Mmes", "Dr", "Drs", "Prof", "St", "Sr", "Jr", "Gen",
              "Col", "Lt", "Sgt", "Capt", "Cmdr", "Adm", "Maj", "Gov", "Sen", "Rep", "Rev", "Hon",
              "Pres", "Supt", "Mt", "Ft"}
#: Matched case-insensitively.
_ABBREVIATIONS_FR = {"al", "p.ex", "av", "apr", "env", "cf", "p", "pp", "vol", "art", "chap",
                     "fig", "n", "no", "nos", "tél", "éd", "coll", "dir", "trad", "boul", "bd", "réf", "ex", "hab",
                     "ca", "op", "cit", "ibid", "janv", "févr", "fév", "avr", "juil", "déc", "oct",
                     "nov", "etc", "min", "max", "vs"}
_ABBREVIATIONS_EN = {"al", "no", "nos", "vs", "v", "e.g", "i.e", "cf", "approx", "dept", "est",
                     "fig", "vol", "pp", "p", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept",
                     "oct", "nov", "dec", "ave", "blvd", "rd", "inc", "ltd", "co", "corp", "etc"}
#: Of the case-insensitive abbreviations, those that commonly end a sentence too: they block a
#: boundary only before a lower-case word (which blocks anyway) or a digit ("n. 5", "p. 12").
_MAY_END_SENTENCE = {"etc", "inc", "ltd", "co", "corp", "min", "max"}


_ALL_TITLES = _TITLES_FR | _TITLES_EN


def _titles(lang: str) -> set[str]:
    return _TITLES_EN if lang == "en" else _TITLES_FR


def _abbreviations(lang: str) -> set[str]:
    return _ABBREVIATIONS_EN if lang == "en" else _ABBREVIATIONS_FR


# --------------------------------------------------------------------------- sentences

# A terminal run: . ! ? … (one or more), then closing quotes/brackets. French puts a space
# before » (`pays. »`); ” ’ " ) ] close directly.
_TERMINAL = re.compile(r"[.!?…]+(?:\s?[»”’\")\]])*(?=\s|$)")
_OPENERS = "«“‘\"'([{¿¡–—-•"
_WORD_BEFORE = re.compile(r"(\S+)$")


def split_sentences(text: str, lang: str = "fr") -> list[str]:
    """Split one paragraph's text into sentences, each an exact substring of ``text``.

    Inside a sentence every character is kept (no-break spaces, double spaces,
    typographic apostrophes); only the whitespace between sentences and around the
    text is dropped, so ``" ".join(split_sentences(t))`` equals ``t`` with whitespace
    normalised once each side is: nothing lost or duplicated.
    """
    return [text[start:end] for start, end in sentence_spans(text, lang)]


def sentence_spans(text: str, lang: str = "fr") -> list[tuple[int, int]]:
    """(start, end) offsets in ``text`` of its sentences (see :func:`split_sentences`).

    The rules read a whitespace-normalised copy (runs of spaces, no-break spaces and
    line breaks -> one space); its boundaries are mapped back to ``text``.
    """
    return _spans(_Normalised(text), lang)


def _spans(view: "_Normalised", lang: str) -> list[tuple[int, int]]:
    """:func:`sentence_spans` of the text ``view`` was made from."""
    return [(view.original_start(start), view.original_end(end))
            for start, end in _normalised_spans(view.text, lang)]


class _Normalised:
    """A whitespace-normalised copy of a text (words joined by single spaces) whose
    offsets map back to the original, so that rules can read the copy while the
    original characters are what gets cut."""

    def __init__(self, original: str) -> None:
        self.words = [(m.start(), m.end()) for m in re.finditer(r"\S+", original)]
        self.text = " ".join(original[a:b] for a, b in self.words)
        self.word_starts: list[int] = []  # where each word starts in the copy
        position = 0
        for a, b in self.words:
            self.word_starts.append(position)
            position += b - a + 1

    def original_start(self, offset: int) -> int:
        """The original offset of the copy's character at ``offset`` (inside a word)."""
        word = bisect.bisect_right(self.word_starts, offset) - 1
        return self.words[word][0] + offset - self.word_starts[word]

    def original_end(self, offset: int) -> int:
        """The original offset for an end offset of the copy that falls at or inside a word's end."""
        return self.original_start(offset - 1) + 1


def _normalised_spans(normalised: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans of whitespace-normalised text (single spaces, none at the ends)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _TERMINAL.finditer(normalised):
        end = _end_of_sentence(normalised, start, match)
        if end >= len(normalised) or not _is_boundary(normalised, start, match, end, lang):
            continue
        if end > start:
            spans.append((start, end))
        start = end + 1  # the single space after the boundary
    if start < len(normalised):
        spans.append((start, len(normalised)))
    return spans


def _end_of_sentence(text: str, start: int, match: re.Match[str]) -> int:
    """Where a sentence would end: after the terminal run, but a spaced straight quote
    (`ans. " Ils`) closes the sentence only if the sentence has an odd number of them."""
    end = match.end()
    if match.group().endswith(' "') and text.count('"', start, match.start()) % 2 == 0:
        return end - 2
    return end


_ENUMERATOR = re.compile(r"(?:\d{1,3}|[IVXLC]{1,6}|[A-Za-z])\.")


def _is_boundary(text: str, start: int, match: re.Match[str], end: int, lang: str) -> bool:
    if _ENUMERATOR.fullmatch(text, start, match.end()):
        return False  # "1. La Russie …", "II. Les sanctions": a list number, not a sentence
    following = _next_word(text, end)
    if not following or not (following[0].isupper() or following[0].isdigit()):
        return False
    ellipsis = "…" in match.group() or ".." in match.group()
    if ellipsis and (following[0].isdigit() or text[match.start() - 1:match.start()] in ("(", "[")):
        return False  # "revendu... 1,6 million", "renforcer (…) Les relations": no sentence end
    if match.group().startswith(".") and len(match.group().rstrip("»”’\")] ")) == 1:
        # Look back a bounded window: searching from 0 is quadratic on long paragraphs.
        before = _WORD_BEFORE.search(text, max(0, match.start() - 64), match.start())
        return not _blocks_boundary(before.group(1) if before else "", following, lang)
    return True


def _next_word(text: str, position: int) -> str:
    """The next word after ``position``, opening quotes/brackets/dashes skipped."""
    rest = text[position:position + 80].lstrip()  # a bounded window: linear on long paragraphs
    stripped = rest.lstrip(_OPENERS + " ")
    return stripped.split(" ", 1)[0] if stripped else ""


def _blocks_boundary(word: str, following: str, lang: str) -> bool:
    """True when the full stop after ``word`` is an abbreviation's, not a sentence end."""
    word = word.lstrip(_OPENERS)
    titles = _titles(lang)
    if word in titles:
        # Titles do not stack: in "… a affirmé M. M. Kim", the first "M." ends the sentence.
        return following.rstrip(".") not in titles
    lowered = word.lower()
    if lowered in _abbreviations(lang):
        return lowered not in _MAY_END_SENTENCE or following[0].isdigit()
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "J. Dupont", "George W. Bush"
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word))  # U.S., e.g (already dotted)


# --------------------------------------------------------------------------- furniture

_DATE_CODE = r"date\s+\d{4}-\d{2}(?:-\d{2})?"
_TIME = r"\d{1,2}\s?h\s?\d{2}|\d{1,2}:\d{2}"
_UPDATED = (r"(?:mis|mise)\s+à\s+jour|publi[ée]e?|modifi[ée]e?|actualis[ée]e?|updated|published"
            r"|posted|last\s+updated")
#: Leading pieces of furniture that may be glued to prose on the same line.
_STRONG_PREFIXES = [
    re.compile(_DATE_CODE, re.I),
    re.compile(rf"(?:{_UPDATED})\b[^.!?]{{0,60}}?(?:{_TIME})", re.I),
]
#: Short furniture phrases, furniture on their own or right after a strong prefix.
_WEAK_PHRASES = re.compile(
    r"commentez\s+cette\s+histoire|\d*\s*commentaires?|réagir|réagissez|partager(?:\s+sur\s+\w+)?"
    r"|partagez|imprimer|envoyer|abonnez-vous|lire\s+aussi|lire\s+la\s+suite|écouter\s+cet\s+article"
    r"|(?:temps\s+de\s+)?lecture\s*:?\s*\d+\s*min(?:utes?)?\.?|article\s+réservé\s+aux\s+abonnés"
    r"|share(?:\s+this\s+article)?|comments?"
    r"|\d+\s+comments?|read\s+more|listen\s+to\s+this\s+article",
    re.I,
)
_MONTHS = (r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
           r"|january|february|march|april|may|june|july|august|september|october|november|december")
#: Agencies that sign photo credits; the state agencies (KCNA, Yonhap ...) are cited in prose
#: too ("selon KCNA"), so a line ending with one is a credit only when "Photo"/"/" says so.
_CREDIT_AGENCIES = r"AFP|AP|Reuters|REUTERS|EPA|Getty\s?Images|ANP|Belga|SIPA|MAXPPP"
_STATE_AGENCIES = r"KCNA|Yonhap|Xinhua|Sputnik|TASS|RIA\s+Novosti"
#: Whole lines that are furniture.
_FURNITURE_LINES = [
    re.compile(rf"(?:{_UPDATED})\b(?:\s+le|\s+on)?\s+\S.{{0,80}}", re.I),  # + digit check below
    re.compile(r"[a-z]{2}-\d{1,3}"),  # page code "fr-01"
    re.compile(r"(?:page\s+)?\d{1,3}\s*(?:/|sur|of)\s*\d{1,3}", re.I),
    re.compile(rf"(?:\w+\s+)?\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+\d{{4}}(?:\s*(?:à|–|-|,)?\s*(?:{_TIME}))?",
               re.I),
    re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"\(?\s*(?:photo|crédits?(?:\s+photo)?|credits?|illustration)\s*:?.{0,80}\)?", re.I),
    re.compile(r"©.{0,80}"),
    # Agency first: "AP Photo/Ahn Young-joon", "REUTERS/Kim Hong-Ji".
    re.compile(rf"(?:{_CREDIT_AGENCIES}|{_STATE_AGENCIES})(?:\s+[Pp]hoto)?\s*/\s*[^.!?]{{1,60}}"),
    # A photo credit: a few capitalised names ending in an agency, glued or not ("Ilya PitalevAP",
    # "Jean Dupont / AFP"); "les journalistes de l'AFP" is not one.
    re.compile(rf"\(?(?:[A-ZÀ-Ý][^\s.!?]*\s+){{0,4}}(?:[A-ZÀ-Ý][^\s.!?]*?)?[\s/|,-]*(?:{_CREDIT_AGENCIES})\)?"),
    re.compile(r"[Pp]ar\s+[A-ZÉ][\w’'-]+(?:\s+[A-ZÉ][\w’'-]+){0,3}(?:\s*\(.{0,30}\))?"),
]


#: "Lire aussi : <another article's title>" (no final punctuation: titles have none).
_READ_ALSO = re.compile(
    r"(?:à\s+)?lire\s+(?:aussi|également)\b[^.!?]{0,200}|read\s+(?:more|also)\s*:[^.!?]{0,200}", re.I)


def _is_furniture_line(text: str) -> bool:
    if _WEAK_PHRASES.fullmatch(text) or _furniture_prefix_end(text) == len(text):
        return True
    if _READ_ALSO.fullmatch(text):
        return True  # a link to another article
    if len(text.split()) > 14:
        return False
    for pattern in _FURNITURE_LINES:
        if pattern.fullmatch(text):
            return pattern is not _FURNITURE_LINES[0] or _is_update_stamp(text)
    return False


_DATE_OR_TIME = re.compile(
    rf"\d{{1,2}}(?:er)?\s+(?:{_MONTHS})|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?\s+\d{{1,2}}\b"
    rf"|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{4}}-\d{{2}}|{_TIME}|aujourd|\bhier\b|yesterday|today",
    re.I,
)


def _is_update_stamp(text: str) -> bool:
    """"Mis à jour samedi 9 septembre 2023 – 15h04", not "Publié en 2019, le rapport montre …"."""
    return bool(_DATE_OR_TIME.search(text)) and not re.search(r"[^\W\d]{3,}[.!?]$", text)


def _furniture_prefix_end(text: str) -> int:
    """Length of the leading furniture (a strong prefix, then weak phrases), 0 if none."""
    for pattern in _STRONG_PREFIXES:
        match = pattern.match(text)
        if match and _at_word_end(text, match.end()):
            end = match.end()
            break
    else:
        return 0
    while True:
        rest_start = len(text) - len(text[end:].lstrip())
        match = _WEAK_PHRASES.match(text, rest_start)
        if not match or not match.group() or not _at_word_end(text, match.end()):
            return end
        end = match.end()


def _at_word_end(text: str, position: int) -> bool:
    return position >= len(text) or text[position].isspace()


# --------------------------------------------------------------------------- paragraphs

#: Bullet glyphs (and "* "). A leading "-" or "–" is kept as text: in news it is far more often
#: interview dialogue ("- Pourriez-vous nous dire ...") than a list.
_BULLET = re.compile(r"(?:[•◦▪▫‣●■□►▶➢✓✔]|\*(?=\s))\s*")
_LINE_END_PUNCT = ".!?…:;"
_CLOSERS = "»”’\")] "


@dataclass
class _RawParagraph:
    #: the paragraph as written: its lines stripped, the lines of a wrapped paragraph
    #: joined with one space; every other character kept, bullet marker included
    text: str
    #: length of the leading bullet marker and the spaces after it (0: none)
    marker: int = 0
    bullet: bool = False

    @property
    def content(self) -> str:
        """What the rules read: the text after the marker, whitespace normalised."""
        return " ".join(self.text[self.marker:].split())


def _blocks(text: str) -> list[list[str]]:
    """Non-empty lines grouped by blank lines."""
    blocks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS + "\u00a0\u202f\t")
    return bool(stripped) and stripped[-1] in _LINE_END_PUNCT


def _is_wrap(line: str, next_line: str) -> bool:
    """A line break inside a sentence (hard-wrapped text)."""
    last = line.rstrip()
    first = next_line.strip()
    if not last or not first or _BULLET.match(first):
        return False
    if last.endswith((",", "-")) or (not _ends_sentence(last) and first[0].islower()):
        return True
    # "… a rencontré M." + "Poutine hier" wraps; "… a affirmé M." + "M. Kim a dit" does not.
    title = last.rsplit(None, 1)[-1].lstrip(_OPENERS)
    next_word = first.split(None, 1)[0]
    return (title.endswith(".") and title[:-1] in _ALL_TITLES
            and next_word.rstrip(".") not in _ALL_TITLES and next_word[0].isupper())


def _block_paragraphs(lines: list[str]) -> list[_RawParagraph]:
    """Lines of one block -> paragraphs: one per line, or joined when the block is hard-wrapped.

    A block is hard-wrapped when at least a third of its line breaks fall inside a sentence;
    otherwise lines are paragraphs, joined only at breaks that are clearly inside a sentence.
    """
    breaks = [_is_wrap(a, b) for a, b in zip(lines, lines[1:])]
    wrapped = bool(breaks) and 3 * sum(breaks) >= len(breaks)
    groups: list[list[str]] = [[lines[0]]]
    for line, is_wrap in zip(lines[1:], breaks):
        joins = (wrapped and not _BULLET.match(line.strip())) or is_wrap
        if joins:
            groups[-1].append(line)
        else:
            groups.append([line])
    return [_raw_paragraph(group) for group in groups]


def _raw_paragraph(lines: list[str]) -> _RawParagraph:
    """Join a paragraph's lines; a bullet marker followed by text on the first line is
    noted (it stays in the text: a CAT tool's segment starts with it too)."""
    text = " ".join(line.strip() for line in lines)
    marker = leading_marker(text)
    return _RawParagraph(text, len(marker), True) if marker else _RawParagraph(text)


def _kind(raw: _RawParagraph, content: str) -> str:
    """``content``: ``raw.content``, the text the rules read."""
    if _is_furniture_line(content):
        return "furniture"
    if raw.bullet:
        return "bullet"
    if _looks_like_heading(content):
        return "heading"
    return "body"


def _looks_like_heading(text: str) -> bool:
    """A short line with no final punctuation (title, standfirst, inserted headline)."""
    stripped = text.rstrip(_CLOSERS + "\u00a0\u202f")
    if not stripped or stripped[-1] in _LINE_END_PUNCT + ",":
        return False
    first = text.lstrip(_OPENERS + " ")
    return bool(first) and (first[0].isupper() or first[0].isdigit()) and len(text.split()) <= 30


def _paragraphs(raw: _RawParagraph, lang: str, srx_rules: list | None = None) -> list[Paragraph]:
    """One raw paragraph -> a furniture prefix paragraph (if any) and the paragraph itself."""
    if srx_rules is not None:
        return [_srx_paragraph(raw, srx_rules)]
    after_marker = raw.text[raw.marker:]
    view = _Normalised(after_marker)
    prefix_end = _furniture_prefix_end(view.text)
    if 0 < prefix_end < len(view.text):
        cut = raw.marker + view.original_end(prefix_end)
        furniture = Paragraph("", [Sentence("", raw.text[:cut])], "furniture")
        rest = _RawParagraph(raw.text[cut:].lstrip(), 0, raw.bullet)
        return [furniture, *_paragraphs(rest, lang)]
    kind = _kind(raw, view.text)
    if kind in ("furniture", "heading"):
        texts = [raw.text]
    else:
        texts = [after_marker[start:end] for start, end in _spans(view, lang)]
        texts[0] = raw.text[:raw.marker] + texts[0]  # the bullet marker belongs to the first sentence
    return [Paragraph("", [Sentence("", t) for t in texts], kind)]


def _srx_paragraph(raw: _RawParagraph, srx_rules: list) -> Paragraph:
    """A paragraph cut where a CAT tool's SRX rules cut it (align.srx): every kind, and
    no furniture prefix split off, as the tool sees one line as one paragraph."""
    from align.srx import sentence_spans as srx_spans

    texts = [raw.text[start:end] for start, end in srx_spans(raw.text, srx_rules)]
    return Paragraph("", [Sentence("", t) for t in texts], _kind(raw, raw.content))


def leading_marker(sentence: str) -> str:
    """The bullet marker ("• ") a sentence starts with, spaces after it included, or "".

    The first sentence of a bullet paragraph keeps its marker (see the module
    docstring); the translation pipeline sends the engine the text after it."""
    marker = _BULLET.match(sentence)
    return marker.group() if marker and marker.end() < len(sentence) else ""


def segment(text: str, lang: str = "fr", srx=None) -> Document:
    """Segment a news article into paragraphs (with kinds) and sentences, ids numbered.

    ``lang`` is "fr" or "en" (it picks the abbreviation lists and names the ids).
    ``srx``: an align.srx.SegmentationRules (a CAT tool's SRX file): its rules for
    ``lang`` cut the sentences instead of align's own, and a furniture prefix stays
    in its line's first sentence.
    """
    srx_rules = srx.rules_for(lang) if srx is not None else None
    paragraphs: list[Paragraph] = []
    for block in _blocks(text):
        for raw in _block_paragraphs(block):
            paragraphs.extend(_paragraphs(raw, lang, srx_rules))
    return number(Document(lang=lang, paragraphs=paragraphs))


def document_from_sentences(paragraphs: list[list[str]], lang: str = "fr") -> Document:
    """A Document from text that is already segmented (e.g. one sentence per line, as in
    TransRead): each inner list is one "body" paragraph, each string one sentence, kept as is
    apart from whitespace normalisation. Empty sentences and paragraphs are dropped."""
    built = []
    for sentences in paragraphs:
        texts = [" ".join(s.split()) for s in sentences]
        if any(texts):
            built.append(Paragraph("", [Sentence("", t) for t in texts if t], "body"))
    return number(Document(lang=lang, paragraphs=built))
