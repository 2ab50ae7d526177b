"""Glossaries: one canonical English form per name, and the spellings that mean it.

A glossary is a TSV file (see ``glossaries/russia-dprk.tsv``)::

    # comments start with '#'
    id	canonical	variants	type	note
    shoigu	Shoigu	Choïgou|Choigou|Shoïgou	person	Surname alone, as in "M. Choïgou".

or a TBX termbase (TBX 2 or TBX 3, read and written with lxml; see the TBX
section below). Every variant
and the canonical form must belong to one entry only: two entries claiming the
same spelling (compared case- and accent-insensitively) is an error, reported
with the file and line number.

Matching (:meth:`Glossary.find`) is case- and accent-insensitive, on whole
words, longest match first; hyphens and spaces inside a name are
interchangeable ("Kim Jong-un" = "Kim Jong Un"), and elided articles are not
part of a word ("d'Izvestia", "qu’Izvestia", "l'URSS" find Izvestia and URSS).
The text is normalised character by character with a map back to the original
offsets, so the returned spans always index the text that was given.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from align.document import GlossaryInfo
from align.errors import GlossaryError

#: Allowed values of the ``type`` column.
ENTRY_TYPES = ("person", "place", "organisation", "term")
TSV_HEADER = ("id", "canonical", "variants", "type", "note")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_APOSTROPHES = "'’ʼ‘`´"
_HYPHENS = "-‐‑"
_EXPANSIONS = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"}


@dataclass
class Entry:
    """One name or term: its canonical English form and the other spellings."""

    id: str
    canonical: str
    variants: list[str] = field(default_factory=list)
    type: str = "term"
    note: str = ""

    def forms(self) -> list[str]:
        """The canonical form first, then every variant."""
        return [self.canonical, *self.variants]


@dataclass(frozen=True)
class Match:
    """``text[start:end]`` spells ``entry`` (a variant or the canonical form)."""

    start: int
    end: int
    entry: Entry


# ---------------------------------------------------------------- normalising
def _normalise_char(char: str) -> str:
    """Lower-case, accent-free form of one character ('' for combining marks)."""
    if char in _APOSTROPHES:
        return "'"
    if char in _HYPHENS:
        return "-"
    if char.isspace():
        return " "
    lowered = char.casefold()
    if lowered in _EXPANSIONS:
        return _EXPANSIONS[lowered]
    decomposed = unicodedata.normalize("NFD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` for matching; ``offsets[i]`` is the index in ``text``
    of the character that produced normalised character ``i``."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        for out in _normalise_char(char):
            chars.append(out)
            offsets.append(index)
    return "".join(chars), offsets


def normalise(text: str) -> str:
    return normalise_with_offsets(text)[0]


def form_key(text: str) -> str:
    """The key two spellings share when matching cannot tell them apart."""
    return " ".join(normalise(text).replace("-", " ").split())


def _form_pattern(form: str) -> str:
    """Regex for one spelling: words separated by any run of spaces or one hyphen."""
    words = form_key(form).split(" ")
    return r"(?: +|-)".join(re.escape(word) for word in words)


# ---------------------------------------------------------------- glossary
@dataclass
class Glossary:
    entries: list[Entry]
    name: str = "glossary"
    path: Path | None = None
    sha256: str = ""

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = hashlib.sha256(to_tsv(self).encode("utf-8")).hexdigest()

    def info(self) -> GlossaryInfo:
        return GlossaryInfo(self.name, self.sha256, [(e.id, e.canonical) for e in self.entries])

    def entry(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]

    @cached_property
    def _by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    @cached_property
    def _by_key(self) -> dict[str, Entry]:
        return {form_key(form): e for e in self.entries for form in e.forms()}

    @cached_property
    def _regex(self) -> re.Pattern[str] | None:
        keys = sorted(self._by_key, key=lambda k: (-len(k), k))
        if not keys:
            return None
        alternatives = "|".join(_form_pattern(k) for k in keys)
        # whole words: no letter, digit or hyphen on either side (an apostrophe may
        # precede: elision); longest alternatives first so the longest name wins
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")

    def lookup(self, form: str) -> Entry | None:
        """The entry spelled ``form`` (any case, accents, hyphenation), if any."""
        return self._by_key.get(form_key(form))

    def find(self, text: str, entries: set[str] | None = None) -> list[Match]:
        """Every glossary spelling in ``text``, left to right, longest first,
        never overlapping. ``entries`` restricts the result to those entry ids."""
        if self._regex is None:
            return []
        normalised, offsets = normalise_with_offsets(text)
        matches = []
        for found in self._regex.finditer(normalised):
            entry = self._by_key[form_key(found.group())]
            if entries is not None and entry.id not in entries:
                continue
            start = offsets[found.start()]
            end = offsets[found.end() - 1] + 1
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1
            matches.append(Match(start, end, entry))
        return matches


# ---------------------------------------------------------------- loading
def load_glossary(path: str | Path) -> Glossary:
    """Read a ``.tsv`` or ``.tbx`` glossary, or raise GlossaryError naming the
    file, the line and the reason."""
    path = _shipped_glossary(Path(path))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GlossaryError(f"{path}: no such glossary file") from None
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot read ({exc.strerror})") from None
    return glossary_from_bytes(path, data)


def glossary_from_bytes(path: Path, data: bytes) -> Glossary:
    """The glossary ``data`` holds, as :func:`load_glossary` reads it from the file ``path``
    (a ``.tbx`` suffix: TBX, else TSV; the same checks; errors name ``path``), without
    reading the file: ``data`` may be what is about to be written there."""
    if path.suffix.lower() == ".tbx":
        entries = _entries_from_tbx(path, data)
    else:
        entries = _entries_from_tsv(path, data)
    _check_entries(path, entries)
    glossary = Glossary([e for e, _ in entries], name=path.stem, path=path,
                        sha256=hashlib.sha256(data).hexdigest())
    return glossary


def _shipped_glossary(path: Path) -> Path:
    """A bare name that is no file here ("russia-dprk") means the glossary of that
    name shipped with align, so that an installed align finds its own glossaries."""
    if path.exists() or path.parent != Path("."):
        return path
    from align.resources import data_dir

    try:
        folder = data_dir("glossaries")
    except FileNotFoundError:
        return path
    for candidate in (folder / path.name, folder / f"{path.name}.tsv"):
        if candidate.is_file():
            return candidate
    return path


def _entries_from_tsv(path: Path, data: bytes) -> list[tuple[Entry, int]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{path}: not valid UTF-8 at byte {exc.start}") from None
    entries: list[tuple[Entry, int]] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if not header_seen:
            if tuple(f.lower() for f in fields[:5]) != TSV_HEADER[: len(fields)] or len(fields) < 4:
                raise GlossaryError(
                    f"{path}:{number}: expected the header 'id, canonical, variants, type, note' "
                    f"(tab-separated), found {line.strip()[:60]!r}")
            header_seen = True
            continue
        entries.append((_entry_from_fields(path, number, fields), number))
    if not header_seen:
        raise GlossaryError(f"{path}: empty glossary (no header line)")
    return entries


def _entry_from_fields(path: Path, number: int, fields: list[str]) -> Entry:
    where = f"{path}:{number}"
    if len(fields) not in (4, 5):
        raise GlossaryError(f"{where}: expected 5 tab-separated fields "
                            f"(id, canonical, variants, type, note), found {len(fields)}")
    entry_id, canonical, variants, entry_type = fields[:4]
    note = fields[4] if len(fields) == 5 else ""
    variant_list = [v.strip() for v in variants.split("|")] if variants else []
    if any(not v for v in variant_list):
        raise GlossaryError(f"{where}: empty variant in {variants!r} (stray '|')")
    entry = Entry(entry_id, canonical, unique_variants(canonical, variant_list), entry_type, note)
    reason = _entry_problem(entry)
    if reason:
        raise GlossaryError(f"{where}: {reason}")
    return entry


def unique_variants(canonical: str, variants: list[str]) -> list[str]:
    """What people naturally write, tidied: the canonical form listed again among its
    variants, or a variant twice (Kharkiv<TAB>Kharkov|Kharkiv), kept once, in order."""
    return [v for v in dict.fromkeys(variants) if v != canonical]


def _entry_problem(entry: Entry) -> str:
    """Why an entry is malformed, or '' if it is fine."""
    if not _ID_PATTERN.match(entry.id):
        return f"bad id {entry.id!r} (lower-case letters, digits, '.', '_', '-')"
    if not entry.canonical.strip():
        return f"entry {entry.id!r} has no canonical form"
    if entry.type not in ENTRY_TYPES:
        return f"entry {entry.id!r}: type {entry.type!r} is not one of {', '.join(ENTRY_TYPES)}"
    for form in entry.forms():
        if not form_key(form):
            return f"entry {entry.id!r}: spelling {form!r} has no letters"
    seen: set[str] = set()
    for form in entry.forms():
        if form in seen:
            return f"entry {entry.id!r}: duplicate variant {form!r}"
        seen.add(form)
    return ""


def _check_entries(path: Path, entries: list[tuple[Entry, int]]) -> None:
    """Duplicate ids, and spellings claimed by two entries, are errors."""
    ids: dict[str, int] = {}
    owners: dict[str, tuple[Entry, int, str]] = {}
    for entry, number in entries:
        if entry.id in ids:
            raise GlossaryError(f"{path}:{number}: duplicate id {entry.id!r} "
                                f"(first defined on line {ids[entry.id]})")
        ids[entry.id] = number
        for form in entry.forms():
            key = form_key(form)
            owner = owners.get(key)
            if owner and owner[0].id != entry.id:
                raise GlossaryError(
                    f"{path}:{number}: variant {form!r} of {entry.id!r} conflicts with "
                    f"{owner[2]!r} of {owner[0].id!r} (line {owner[1]}): one spelling, two entries")
            owners.setdefault(key, (entry, number, form))


def glossary_from_entries(entries: list[Entry], name: str = "glossary") -> Glossary:
    """Build a glossary in memory, with the same checks as a file."""
    for entry in entries:
        reason = _entry_problem(entry)
        if reason:
            raise GlossaryError(f"{name}: {reason}")
    _check_entries(Path(name), [(e, i) for i, e in enumerate(entries, start=1)])
    return Glossary(list(entries), name=name)


# ---------------------------------------------------------------- TSV out
def to_tsv(glossary: Glossary) -> str:
    lines = ["\t".join(TSV_HEADER)]
    for e in glossary.entries:
        fields = [e.id, e.canonical, "|".join(e.variants), e.type, e.note]
        for value in fields:
            if "\t" in value or "\n" in value:
                raise GlossaryError(f"entry {e.id!r}: tab or newline in {value!r}")
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def save_tsv(glossary: Glossary, path: str | Path) -> None:
    from align.io import write_atomic

    write_atomic(path, to_tsv(glossary))


# ---------------------------------------------------------------- TBX
# align writes TBX 2 (ISO 30042:2008, <martif>) in the core structure's element
# order: a termEntry's descrip and note come before its langSets, a tig's term
# before its termNote. One termEntry per entry (id = entry id); the French
# langSet holds the variants, the English langSet the canonical form
# (administrativeStatus preferredTerm-admn-sts); the type is a
# <descrip type="entityType">, the note a <note>.
#
# align reads TBX 2 (martif: termEntry/langSet/tig or ntig/termGrp) and TBX 3
# (tbx: conceptEntry/langSec/termSec), with or without a namespace, as IATE,
# Weblate, OmegaT and memoQ export them. The preferred English term (else the
# first) is the canonical form; the other English terms (admitted, deprecated,
# superseded) and every French term are variants; terms in other languages are
# left out. Subject fields and notes go to the entry's note.
_PREFERRED = "preferredTerm-admn-sts"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")


def save_tbx(glossary: Glossary, path: str | Path) -> None:
    from align.io import write_atomic

    write_atomic(path, to_tbx(glossary))


def to_tbx(glossary: Glossary) -> bytes:
    """The glossary as TBX 2 bytes, valid against the TBX core structure."""
    from lxml import etree

    from align import __version__

    root = etree.Element("martif", {"type": "TBX", _XML_LANG: "en"})
    file_desc = etree.SubElement(etree.SubElement(root, "martifHeader"), "fileDesc")
    etree.SubElement(etree.SubElement(file_desc, "titleStmt"), "title").text = glossary.name
    source = etree.SubElement(etree.SubElement(file_desc, "sourceDesc"), "p")
    source.text = f"Written by align {__version__} from the glossary {glossary.name} (sha256 {glossary.sha256})"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for entry in glossary.entries:
        _tbx_entry(body, entry)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _tbx_entry(body, entry: Entry) -> None:
    from lxml import etree

    element = etree.SubElement(body, "termEntry", id=_tbx_id(entry.id))
    etree.SubElement(element, "descrip", type="entityType").text = entry.type
    if entry.note:
        etree.SubElement(element, "note").text = entry.note
    french = etree.SubElement(element, "langSet", {_XML_LANG: "fr"})
    for variant in entry.variants or [entry.canonical]:
        etree.SubElement(etree.SubElement(french, "tig"), "term").text = variant
    tig = etree.SubElement(etree.SubElement(element, "langSet", {_XML_LANG: "en"}), "tig")
    etree.SubElement(tig, "term").text = entry.canonical
    etree.SubElement(tig, "termNote", type="administrativeStatus").text = _PREFERRED


def _tbx_id(entry_id: str) -> str:
    """termEntry/@id is an xs:ID: an entry id that starts with a digit gets 'gl-'."""
    return entry_id if _NCNAME.match(entry_id) else f"gl-{entry_id}"


def _entries_from_tbx(path: Path, data: bytes) -> list[tuple[Entry, int]]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else "?")
        raise GlossaryError(f"{path}:{line}: not well-formed XML ({exc.msg})") from None
    if _local(root) not in ("martif", "tbx"):
        raise GlossaryError(f"{path}:{root.sourceline}: not a TBX file "
                            f"(root element <{_local(root)}>, expected <martif> or <tbx>)")
    elements = [e for e in root.iter() if _local(e) in ("termEntry", "conceptEntry")]
    entries = []
    ids: set[str] = set()
    for element in elements:
        line = element.sourceline or 0
        entry = _entry_from_tbx_element(path, line, element, ids)
        reason = _entry_problem(entry)
        if reason:
            raise GlossaryError(f"{path}:{line}: {reason}")
        ids.add(entry.id)
        entries.append((entry, line))
    if not entries:
        raise GlossaryError(f"{path}: TBX file has no termEntry (TBX 2) or conceptEntry (TBX 3)")
    return entries


def _local(element) -> str:
    """Local name of an element, '' for comments and processing instructions."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _entry_from_tbx_element(path: Path, line: int, element, ids: set[str]) -> Entry:
    english, french = [], []
    for language in (e for e in element if _local(e) in ("langSet", "langSec")):
        lang = (language.get(_XML_LANG) or "").lower()
        terms = _tbx_terms(language)
        if lang == "en" or lang.startswith("en-") or lang == "eng":
            english += terms
        elif lang == "fr" or lang.startswith("fr-") or lang in ("fra", "fre"):
            french += terms
    if not english:
        raise GlossaryError(f"{path}:{line}: {_local(element)} has no English (xml:lang='en') term")
    preferred = [t for t, status in english if status.startswith("preferred")]
    canonical = (preferred or [english[0][0]])[0]
    variants = unique_variants(canonical, [t for t, _ in english] + [t for t, _ in french])
    entry_type, subjects, notes = "term", [], []
    for node in element.iter():
        name, kind = _local(node), node.get("type", "")
        text = _text(node) if name else ""
        if not text:
            continue
        if name == "descrip" and kind == "entityType":
            entry_type = text
        elif (name == "descrip" and kind == "subjectField") or name == "subjectField":
            subjects.append(text)
        elif name == "note":
            notes.append(text)
    note = " ".join(([f"Subject: {'; '.join(dict.fromkeys(subjects))}."] if subjects else [])
                    + list(dict.fromkeys(notes)))
    return Entry(_entry_id(element.get("id"), canonical, ids), canonical, variants, entry_type, note)


def _text(node) -> str:
    """An element's text, its children's included, whitespace normalised."""
    return " ".join("".join(node.itertext()).split())


def _tbx_terms(language) -> list[tuple[str, str]]:
    """(term, administrative status) of each tig, ntig (TBX 2) or termSec (TBX 3)."""
    terms = []
    for group in (e for e in language.iter() if _local(e) in ("tig", "ntig", "termSec")):
        term = next((e for e in group.iter() if _local(e) == "term"), None)
        text = _text(term) if term is not None else ""
        if not text:
            continue
        status = ""
        for node in group.iter():
            name, kind = _local(node), node.get("type", "")
            if (name == "termNote" and kind in ("administrativeStatus", "normativeAuthorization")) \
                    or name in ("administrativeStatus", "normativeAuthorization"):
                status = (node.text or "").strip()
        terms.append((text, status))
    return terms


def _entry_id(raw: str | None, canonical: str, taken: set[str]) -> str:
    """An align id from a termbase id ("IATE-1234" -> "iate-1234"; "gl-20" written
    by align -> "20"), or from the canonical form; made unique."""
    if raw and raw.startswith("gl-") and raw[3:4].isdigit():
        raw = raw[3:]
    base = re.sub(r"[^a-z0-9._-]+", "-", (raw or "").lower()).strip("-._") or _slug(canonical)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", form_key(text)).strip("-") or "entry"
