"""Two line-aligned plain-text files, ``STEM.fr`` and ``STEM.en``: line n of
one is the translation of line n of the other, one link per line.

The sentences of an n-m link are joined with a space; line breaks inside a
sentence become spaces; an empty side of a 1-0 or 0-1 link is an empty line.
This is the input format of most MT training and evaluation tools (Moses,
sacrebleu, fast_align).
"""

from __future__ import annotations

import os
from pathlib import Path

from align.document import AlignedDocument

SUFFIX = ""  # the output is a stem: STEM.fr and STEM.en


def paths(out_path: str | os.PathLike[str], source_lang: str = "fr", target_lang: str = "en") -> tuple[Path, Path]:
    """The two files written for ``out_path`` (a stem; a final .txt/.fr/.en is dropped)."""
    out_path = Path(out_path)
    if out_path.suffix in (".txt", f".{source_lang}", f".{target_lang}"):
        out_path = out_path.with_suffix("")
    return (out_path.with_name(f"{out_path.name}.{source_lang}"),
            out_path.with_name(f"{out_path.name}.{target_lang}"))


def lines(doc: AlignedDocument) -> tuple[list[str], list[str]]:
    """The French and the English lines, one per link."""
    from align.export import link_pairs, one_line

    pairs = link_pairs(doc)
    return [one_line(fr) for fr, _ in pairs], [one_line(en) for _, en in pairs]


def export(doc: AlignedDocument, out_path: str | os.PathLike[str]) -> list[Path]:
    """Write ``STEM.fr`` and ``STEM.en``; return both paths."""
    from align.io import write_atomic

    source_path, target_path = paths(out_path, doc.source.lang, doc.target.lang)
    source_lines, target_lines = lines(doc)
    write_atomic(source_path, "".join(line + "\n" for line in source_lines))
    write_atomic(target_path, "".join(line + "\n" for line in target_lines))
    return [source_path, target_path]
