"""Importers: parallel text that users already have -> AlignedDocument (then TEI).

* TMX (any tool's): one link per translation
  unit, one sentence per side per unit. Units that align wrote keep their
  paragraphs and kinds (``x-align-paragraph``/``x-align-kind`` props, see
  :mod:`align.export.tmx`); other units each make their own paragraph.
* Two line-aligned files (``.fr`` and ``.en``, as written by
  :mod:`align.export.txt`, Moses, OPUS): line n of one is the translation of
  line n of the other. A line blank on both sides separates paragraphs; a
  line blank on one side only is a 1-0 or 0-1 link.

An n-m link that an export joined into one segment or line comes back as
one sentence per side: the texts survive, the sentence boundaries inside
the link do not.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone
from pathlib import Path

from align.document import (
    PARAGRAPH_KINDS,
    AlignedDocument,
    Document,
    Link,
    Paragraph,
    Provenance,
    Sentence,
    number,
)
from align.errors import InputError
from align.io import read_bytes, read_line_aligned

FORMATS = ("tmx", "txt")


# --------------------------------------------------------------------------- shared


class _Builder:
    """Collects (source text, target text, paragraph key, kind) rows into two
    numbered Documents and their 1-1 / 1-0 / 0-1 links."""

    def __init__(self, source_lang: str = "fr", target_lang: str = "en") -> None:
        self.source = Document(source_lang, [])
        self.target = Document(target_lang, [])
        self.pairs: list[tuple[Sentence | None, Sentence | None]] = []
        self.confidences: list[float | None] = []
        self._key: object = object()

    def add(self, source_text: str, target_text: str, paragraph_key: object, kind: str = "body",
            confidence: float | None = None) -> None:
        """Add one link; rows with the same ``paragraph_key`` in a row share a paragraph."""
        if not source_text.strip() and not target_text.strip():
            return
        if paragraph_key != self._key:
            self.source.paragraphs.append(Paragraph("", [], kind))
            self.target.paragraphs.append(Paragraph("", [], kind))
            self._key = paragraph_key
        source = Sentence("", source_text) if source_text.strip() else None
        target = Sentence("", target_text) if target_text.strip() else None
        if source:
            self.source.paragraphs[-1].sentences.append(source)
        if target:
            self.target.paragraphs[-1].sentences.append(target)
        self.pairs.append((source, target))
        self.confidences.append(confidence)

    def build(self, provenance: Provenance) -> AlignedDocument:
        for document in (self.source, self.target):
            document.paragraphs = [p for p in document.paragraphs if p.sentences]
            number(document)
        links = [Link((s.id,) if s else (), (t.id,) if t else (), c)
                 for (s, t), c in zip(self.pairs, self.confidences)]
        return AlignedDocument(self.source, self.target, links, provenance)


def _provenance(title: str, engine: str, source: Path, source_data: bytes, **extra: str) -> Provenance:
    from align import __version__

    return Provenance(
        title=title,
        source_file=str(source),
        source_sha256=hashlib.sha256(source_data).hexdigest(),
        method="alignment",
        engine=engine,
        date=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        align_version=__version__,
        **extra,
    )


# --------------------------------------------------------------------------- TMX


def read_tmx(path: str | os.PathLike[str], source_lang: str = "fr", target_lang: str = "en") -> AlignedDocument:
    """The translation units of a TMX file as an AlignedDocument (see module doc).

    Read with lxml rather than translate-toolkit's tmxfile, which keeps the
    native codes of inline tags (``<bpt>&lt;b&gt;</bpt>`` -> "<b>") in the
    text and matches language codes case-sensitively (``en-US`` vs ``EN-US``).
    """
    from lxml import etree

    from align.export.tmx import PROP_CONFIDENCE, PROP_KIND, PROP_PARAGRAPH
    from align.tei import safe_parser

    path = Path(path)
    data = read_bytes(path, "TMX")
    try:
        root = etree.fromstring(data, safe_parser(), base_url=str(path))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not well-formed XML ({' '.join(str(exc).split())})") from None
    if root.tag != "tmx" or root.find("body") is None:
        raise InputError(f"{path}: not a TMX file (expected <tmx> with a <body>, found <{root.tag}>)")
    units = root.find("body").findall("tu")
    languages = {_primary_language(tuv) for tu in units for tuv in tu.findall("tuv")}
    for lang in (source_lang, target_lang):
        if lang not in languages:
            found = ", ".join(sorted(filter(None, languages))) or "none"
            raise InputError(f"{path}: no {lang!r} variant in the TMX (languages found: {found})")
    builder = _Builder(source_lang, target_lang)
    for index, tu in enumerate(units):
        props = {prop.get("type", ""): prop.text or "" for prop in tu.findall("prop")}
        kind = props.get(PROP_KIND, "body")
        builder.add(_variant_text(tu, source_lang), _variant_text(tu, target_lang),
                    props.get(PROP_PARAGRAPH, index), kind if kind in PARAGRAPH_KINDS else "body",
                    _probability(props.get(PROP_CONFIDENCE)))
    if not builder.pairs:
        raise InputError(f"{path}: no translation unit with {source_lang} or {target_lang} text")
    header = root.find("header")
    tool = "" if header is None else " ".join(
        filter(None, (header.get("creationtool"), header.get("creationtoolversion"))))
    provenance = _provenance(path.stem, "tmx", path, data)
    if tool:
        provenance.settings["creationtool"] = tool
    return builder.build(provenance)


def _probability(text: str | None) -> float | None:
    """An ``x-align-confidence`` prop as a number; anything else (another
    tool's prop of that name, say) is not a confidence and reads as None."""
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and 0.0 <= value <= 1.0 else None


#: TMX inline elements whose content is native code (markup of the original format), not text
_INLINE_CODES = frozenset(("bpt", "ept", "ph", "it", "ut"))


def _primary_language(tuv) -> str:
    """``fr`` for xml:lang "fr", "fr-FR", "FR_ca" (TMX 1.1's ``lang`` attribute too)."""
    from align.tei import XML_LANG

    code = tuv.get(XML_LANG) or tuv.get("lang") or ""
    return code.replace("_", "-").split("-")[0].lower()


def _variant_text(tu, lang: str) -> str:
    """The text of the first ``<tuv>`` of ``tu`` in ``lang``; "" if there is none."""
    for tuv in tu.findall("tuv"):
        if _primary_language(tuv) == lang:
            seg = tuv.find("seg")
            return "" if seg is None else _segment_text(seg)
    return ""


def _segment_text(element) -> str:
    """The text of a ``<seg>`` (or ``<hi>``) without the native codes of its inline tags."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _INLINE_CODES:
            parts.append(_segment_text(child))  # <hi>, and anything unknown: keep its text
        parts.append(child.tail or "")
    return "".join(parts)


# --------------------------------------------------------------------------- line-aligned text


def txt_paths(paths: list[str | os.PathLike[str]], source_lang: str = "fr", target_lang: str = "en"
              ) -> tuple[Path, Path]:
    """The (French, English) files of a line-aligned pair given as two paths, or as
    one stem or one of the two files (``x``, ``x.fr`` or ``x.en`` -> ``x.fr``, ``x.en``)."""
    if len(paths) == 2:
        return Path(paths[0]), Path(paths[1])
    if len(paths) != 1:
        raise InputError(f"line-aligned text needs the {source_lang} and the {target_lang} file, got {len(paths)} files")
    stem = Path(paths[0])
    if stem.suffix in (f".{source_lang}", f".{target_lang}"):
        stem = stem.with_suffix("")
    return stem.with_name(f"{stem.name}.{source_lang}"), stem.with_name(f"{stem.name}.{target_lang}")


def read_txt(source_path: str | os.PathLike[str], target_path: str | os.PathLike[str],
             source_lang: str = "fr", target_lang: str = "en") -> AlignedDocument:
    """Two line-aligned files as an AlignedDocument (see module doc)."""
    source_path, target_path = Path(source_path), Path(target_path)
    source_lines, target_lines = read_line_aligned(source_path, target_path)
    builder = _Builder(source_lang, target_lang)
    paragraph = 0
    for source, target in zip(source_lines, target_lines):
        if not source.strip() and not target.strip():
            paragraph += 1
        else:
            builder.add(source, target, paragraph)
    title = source_path.stem if source_path.suffix == f".{source_lang}" else source_path.name
    provenance = _provenance(title, "txt", source_path, source_path.read_bytes(),
                             target_file=str(target_path),
                             target_sha256=hashlib.sha256(target_path.read_bytes()).hexdigest())
    return builder.build(provenance)


# --------------------------------------------------------------------------- dispatch


def read(format_name: str, paths: list[str | os.PathLike[str]]) -> AlignedDocument:
    """Import ``paths`` (one TMX; or the two line-aligned files) as an AlignedDocument."""
    if format_name == "tmx":
        if len(paths) != 1:
            raise InputError(f"import --from tmx takes one TMX file, got {len(paths)}")
        return read_tmx(paths[0])
    if format_name == "txt":
        return read_txt(*txt_paths(paths))
    raise InputError(f"unknown import format {format_name!r} (expected one of {', '.join(FORMATS)})")
