"""Glossaries: one canonical English form per name, and the spellings that mean it.

A glossary is a TSV file (see ``glossaries/russia-dprk.tsv``)::

    # comments start with '#'
    id	canonical	variants	type	note
    shoigu	Shoigu	Choïgou|Choigou|Shoïgou	person	Surname alone, as in "M. Choïgou".

or a TBX termbase (read and written through translate-toolkit). Every variant
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
    entry = Entry(entry_id, canonical, variant_list, entry_type, note)
    reason = _entry_problem(entry)
    if reason:
        raise GlossaryError(f"{where}: {reason}")
    return entry


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
# Mapping: one termEntry per entry (id attribute = entry id); the English
# langSet holds the canonical form (administrativeStatus preferredTerm) and the
# French langSet the variants; the type is a <descrip type="entityType"> and the
# note a <note>. Foreign termbases: the preferred (else first) English term is
# canonical, every other term of any language becomes a variant.
_PREFERRED = "preferredTerm-admn-sts"


def save_tbx(glossary: Glossary, path: str | Path) -> None:
    from lxml import etree
    from translate.storage import tbx

    from align.io import write_atomic

    store = tbx.tbxfile(sourcelanguage="fr", targetlanguage="en")
    for entry in glossary.entries:
        unit = store.addsourceunit(entry.variants[0] if entry.variants else entry.canonical)
        unit.setid(entry.id)
        unit.set_source_terms(entry.variants or [entry.canonical], "fr")
        unit.set_target_terms([entry.canonical], "en")
        element = unit.xmlelement
        en_tig = element.find(f"{unit.namespaced('langSet')}[@{{http://www.w3.org/XML/1998/namespace}}lang='en']/{unit.namespaced('tig')}")
        status = etree.SubElement(en_tig, unit.namespaced("termNote"), type="administrativeStatus")
        status.text = _PREFERRED
        descrip = etree.Element(unit.namespaced("descrip"), type="entityType")
        descrip.text = entry.type
        element.insert(0, descrip)
        if entry.note:
            unit.addnote(entry.note)
    write_atomic(path, bytes(store))


def _entries_from_tbx(path: Path, data: bytes) -> list[tuple[Entry, int]]:
    from lxml import etree
    from translate.storage import tbx

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else "?")
        raise GlossaryError(f"{path}:{line}: not well-formed XML ({exc.msg})") from None
    if etree.QName(root).localname != "martif":
        raise GlossaryError(f"{path}:{root.sourceline}: not a TBX file "
                            f"(root element <{etree.QName(root).localname}>, expected <martif>)")
    try:
        store = tbx.tbxfile.parsestring(data, sourcelanguage="fr", targetlanguage="en")
    except Exception as exc:  # translate-toolkit raises various errors on odd files
        raise GlossaryError(f"{path}: cannot read TBX ({exc})") from None
    entries = []
    for unit in store.units:
        line = unit.xmlelement.sourceline or 0
        entry = _entry_from_unit(path, line, unit)
        reason = _entry_problem(entry)
        if reason:
            raise GlossaryError(f"{path}:{line}: {reason}")
        entries.append((entry, line))
    if not entries:
        raise GlossaryError(f"{path}: TBX file has no termEntry")
    return entries


def _entry_from_unit(path: Path, line: int, unit) -> Entry:
    english = [t for t in unit.get_target_terms("en") if t.text.strip()]
    if not english:
        raise GlossaryError(f"{path}:{line}: termEntry has no English (xml:lang='en') term")
    preferred = [t for t in english if (t.administrative_status or "").startswith("preferred")]
    canonical = (preferred or english)[0].text.strip()
    others = [t.text.strip() for t in english if t.text.strip() != canonical]
    for language in unit.getlanguageNodes():
        lang = language.get("{http://www.w3.org/XML/1998/namespace}lang", "")
        if not lang.lower().startswith("en"):
            others.extend(t.text.strip() for t in unit._get_terms(language) if t.text.strip())
    variants = list(dict.fromkeys(v for v in others if v != canonical))
    entry_type = "term"
    for node in unit.xmlelement.iter(unit.namespaced("descrip")):
        if node.get("type") == "entityType" and (node.text or "").strip():
            entry_type = node.text.strip()
    note = " ".join(n.strip() for n in unit.getnotes().split("\n") if n.strip())
    entry_id = unit.xmlelement.get("id") or _slug(canonical)
    return Entry(entry_id, canonical, variants, entry_type, note)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", form_key(text)).strip("-") or "entry"
