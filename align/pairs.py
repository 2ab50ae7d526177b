"""French/English file pairs -> aligned TEI: what ``align align`` does for one pair,
and the manifest that lists many (``align align --pairs MANIFEST``).

:func:`align_pair` reads both texts (cleaned as align.io.read_clean_text does),
segments them (or takes one sentence per line with ``presplit``), aligns them
(align.aligners.align_documents), fills the provenance and writes the TEI
atomically. The command line runs it once, for each line of a manifest, or
as one Ray task per pair (align/cluster/pairs.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from align.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from align.document import AlignedDocument, Document, Provenance
    from align.engines.base import Engine
    from align.glossary import Glossary
    from align.srx import SegmentationRules


def align_pair(french: Path, english: Path, output: Path, *, method: str = "anchors", presplit: bool = False,
               translator: "Engine | None" = None, glossary: "Glossary | None" = None,
               strict: bool = False, srx: "SegmentationRules | None" = None) -> "AlignedDocument":
    """Align ``french`` with ``english`` and write ``output``. ``method`` is an
    aligner name ("anchors", "gale-church", "mt"; "mt" needs ``translator``).
    ``srx``: a CAT tool's SRX rules cut the sentences of both texts (align.srx)."""
    from align import tei
    from align.aligners import align_documents
    from align.io import read_clean_text

    fr_text, en_text = read_clean_text(french, strict=strict), read_clean_text(english, strict=strict)
    fr_doc = to_document(fr_text.text, "fr", presplit, srx)
    en_doc = to_document(en_text.text, "en", presplit, srx)
    aligned = align_documents(
        fr_doc, en_doc, method=method,
        translate=translator.translate_batch if translator is not None else None,
        glossary=glossary, engine_info=translator.info() if translator is not None else None,
    )
    fill_provenance(aligned.provenance, french, english)
    if srx is not None:
        aligned.provenance.settings["segmentation"] = srx.describe()
    aligned.provenance.source_replaced, aligned.provenance.target_replaced = fr_text.replaced, en_text.replaced
    tei.write_tei(aligned, output)
    return aligned


def to_document(text: str, lang: str, presplit: bool, srx: "SegmentationRules | None" = None) -> "Document":
    """The text segmented by align.segment (with ``srx``'s rules if given), or one sentence a
    line with ``presplit``."""
    if not presplit:
        from align.segment import segment

        return segment(text, lang, srx)
    return presplit_document(text, lang)


def presplit_document(text: str, lang: str) -> "Document":
    """One sentence per line; blank lines end paragraphs."""
    from align.document import Document, Paragraph, Sentence, number

    paragraphs: list[Paragraph] = []
    current: list[Sentence] = []
    for line in text.split("\n") + [""]:
        if line.strip():
            current.append(Sentence("", line.strip()))
        elif current:
            paragraphs.append(Paragraph("", current))
            current = []
    return number(Document(lang, paragraphs))


def fill_provenance(provenance: "Provenance", french: Path, english: Path) -> None:
    """Title, both files with their sha256, date and align version."""
    import datetime as _dt

    from align import __version__
    from align.translate import sha256_file

    provenance.title = f"{french.stem} / {english.stem}"
    provenance.source_file, provenance.source_sha256 = french.name, sha256_file(french)
    provenance.target_file, provenance.target_sha256 = english.name, sha256_file(english)
    provenance.date = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    provenance.align_version = __version__


def summary(links) -> str:
    """"12 1-1, 2 1-2": how many links of each kind, most frequent first."""
    from collections import Counter

    kinds = Counter(link.kind for link in links)
    return ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1]))


# ---------------------------------------------------------------- manifests
def read_manifest(path: Path) -> list[tuple[Path, Path]]:
    """The (French, English) pairs of a manifest: one pair a line, the two paths
    separated by a tab (or, when neither has a space, by spaces); relative paths
    are relative to the manifest's folder; blank lines and ``#`` comments are skipped."""
    from align.io import read_text

    pairs = []
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")] if "\t" in line else line.split()
        fields = [f for f in fields if f]
        if len(fields) != 2:
            raise InputError(f"{path}:{number}: expected two paths (French, English) separated by a tab, "
                             f"found {len(fields)} field(s)")
        pairs.append(tuple(_resolve(path.parent, field) for field in fields))
    if not pairs:
        raise InputError(f"{path}: no pairs in this manifest")
    return pairs


def _resolve(base: Path, field: str) -> Path:
    candidate = Path(field).expanduser()
    return candidate if candidate.is_absolute() else base / candidate


def pair_output(french: Path, out_dir: Path) -> Path:
    """``book.fr.txt`` -> ``OUT/book.tei.xml`` (``article.txt`` -> ``OUT/article.tei.xml``)."""
    name = french.stem
    if name.lower().endswith(".fr"):
        name = name[:-3]
    return out_dir / f"{name}.tei.xml"


def manifest_jobs(pairs: list[tuple[Path, Path]], out_dir: Path) -> list[tuple[Path, Path, Path]]:
    """(French, English, output) for every pair; InputError when two pairs would write one file."""
    jobs, seen = [], {}
    for french, english in pairs:
        output = pair_output(french, out_dir)
        if output in seen:
            raise InputError(f"{french} and {seen[output]} would both be written to {output}: rename one")
        seen[output] = french
        jobs.append((french, english, output))
    return jobs

