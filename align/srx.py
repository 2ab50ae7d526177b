"""SRX 2.0 segmentation rules, the format CAT tools share, applied as OmegaT 3.6 applies them.

With ``align translate --srx FILE`` (or ``align align --srx FILE``) the sentences of
each paragraph are cut where the CAT tool's rules cut them, so a TMX made by align
matches that tool's segments one to one. OmegaT ships its defaults inside OmegaT.jar
(``org/omegat/core/segmentation/defaultRules.srx``).

How OmegaT applies them (org.omegat.core.segmentation.Segmenter, SRX):

* every ``languagemap`` whose pattern matches the language code (case-insensitive,
  whole code) adds its rules, in file order: the maps cascade (French, then Default);
* each rule's ``beforebreak`` is searched through the text (successive non-overlapping
  matches) and a rule applies at a match's end when its ``afterbreak`` has a match
  starting there (an absent side matches anywhere);
* the rules are applied from last to first, each overriding the positions it
  matches, so the first rule that matches a position decides (break or not);
* the text is cut at the break positions; whitespace around the pieces is not part
  of them, and empty pieces are dropped.

Patterns are Java regular expressions, read with the ``regex`` module (``\\p{Lu}``,
possessive quantifiers) in ASCII mode, where ``\\s``, ``\\d`` and ``\\w`` mean what they
mean in Java: ``\\s`` is not a no-break space.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from align.errors import InputError

SRX_NS = "http://www.lisa.org/srx20"
REGEX_HINT = "pip install -e '.[srx]'"


@dataclass
class Rule:
    breaks: bool
    before: object | None  # compiled regex.Pattern, None: anywhere
    after: object | None


@dataclass
class SegmentationRules:
    """An SRX file: its language maps and named rule sets."""

    name: str
    sha256: str
    maps: list[tuple[object, str]] = field(default_factory=list)  # (compiled language pattern, rule set name)
    rule_sets: dict[str, list[Rule]] = field(default_factory=dict)

    def rules_for(self, lang: str) -> list[Rule]:
        """Every rule of every map matching ``lang``, in order (cascade, as OmegaT)."""
        found: list[Rule] = []
        for pattern, name in self.maps:
            if pattern.fullmatch(lang):
                found.extend(self.rule_sets.get(name, []))
        return found

    def describe(self) -> str:
        """What a TEI header records: "defaultRules.srx sha256:0123456789ab"."""
        return f"{self.name} sha256:{self.sha256[:12]}"


def load_srx(path: str | os.PathLike[str]) -> SegmentationRules:
    """Read an SRX 2.0 file; InputError with one line when it is not one."""
    from lxml import etree

    from align.io import read_bytes
    from align.tei import safe_parser

    path = Path(path)
    data = read_bytes(path, "SRX")
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not well-formed XML ({exc})") from None
    if root.tag != f"{{{SRX_NS}}}srx":
        raise InputError(f"{path}: not an SRX 2.0 file (root element {etree.QName(root).localname!r}, "
                         f"expected srx in {SRX_NS})")
    rules = SegmentationRules(path.name, hashlib.sha256(data).hexdigest())
    for language_rule in root.iter(f"{{{SRX_NS}}}languagerule"):
        rules.rule_sets[language_rule.get("languagerulename", "")] = [
            _rule(path, element) for element in language_rule.iter(f"{{{SRX_NS}}}rule")]
    for language_map in root.iter(f"{{{SRX_NS}}}languagemap"):
        pattern = _compile(path, language_map.get("languagepattern", ""), case_insensitive=True)
        rules.maps.append((pattern, language_map.get("languagerulename", "")))
    return rules


def _rule(path: Path, element) -> Rule:
    before = element.findtext(f"{{{SRX_NS}}}beforebreak")
    after = element.findtext(f"{{{SRX_NS}}}afterbreak")
    return Rule(element.get("break", "yes") != "no",
                _compile(path, before) if before else None,
                _compile(path, after) if after else None)


def _compile(path: Path, pattern: str, case_insensitive: bool = False):
    """A Java pattern as OmegaT compiles it: rules with DOTALL, language patterns case-insensitive."""
    try:
        import regex
    except ImportError:
        raise InputError(f"SRX rules need the regex module: {REGEX_HINT}") from None
    flags = regex.ASCII | regex.V0 | (regex.IGNORECASE if case_insensitive else regex.DOTALL)
    try:
        return regex.compile(pattern, flags)
    except regex.error as exc:
        raise InputError(f"{path}: a rule's pattern {pattern!r} is not a valid regular expression ({exc})") from None


def break_positions(text: str, rules: list[Rule]) -> list[int]:
    """Where OmegaT would cut ``text`` with ``rules`` (offsets, in order).

    At each position the first rule that matches decides: the rules are applied
    last to first, each one adding (break) or removing (no break) its positions."""
    breaks: set[int] = set()
    for rule in reversed(rules):
        positions = set(_rule_positions(text, rule))
        breaks = breaks | positions if rule.breaks else breaks - positions
    return sorted(breaks)


def _rule_positions(text: str, rule: Rule) -> list[int]:
    """The positions where ``rule`` applies (Segmenter.getBreaks: successive matches)."""
    if rule.before is None and rule.after is None:
        return []
    after_matches = iter(rule.after.finditer(text)) if rule.after is not None else None
    after = next(after_matches, None) if after_matches is not None else None
    if after_matches is not None and after is None:
        return []
    befores = rule.before.finditer(text) if rule.before is not None else (m for m in _every_character(text))
    found = []
    for before in befores:
        end = before.end()
        if after_matches is None:
            found.append(end)
            continue
        while after.start() < end:
            after = next(after_matches, None)
            if after is None:
                return found
        if after.start() == end:
            found.append(end)
    return found


@dataclass
class _Match:
    position: int

    def end(self) -> int:
        return self.position


def _every_character(text: str):
    """OmegaT's default beforebreak "." (DOTALL): a match ending after every character."""
    return (_Match(index + 1) for index in range(len(text)))


def sentence_spans(text: str, rules: list[Rule]) -> list[tuple[int, int]]:
    """(start, end) of the pieces of ``text`` cut at the rules' breaks, whitespace around
    each piece left out, empty pieces dropped."""
    spans = []
    start = 0
    for end in break_positions(text, rules) + [len(text)]:
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            left = start + len(piece) - len(piece.lstrip())
            spans.append((left, left + len(stripped)))
        start = end
    return spans
