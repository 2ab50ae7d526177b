"""Exports of an AlignedDocument (HTML, TMX, XCES, plain text) and importers.

Every format lives in its own module with the same small interface::

    SUFFIX: str                       # how the main output file's name ends
    export(doc, out_path) -> list[Path]   # write the files, return their paths

``out_path`` is the main output file (``x.html``, ``x.tmx``, ``x.xces.xml``)
or, for the two plain-text files, their common stem (``x`` -> ``x.fr``,
``x.en``). Modules are imported only when a format is used, so that
``import align.export`` stays light.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from align.document import AlignedDocument

#: what str.splitlines() treats as a line break (\r\n counts as one)
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")

#: format name -> module in align.export
FORMATS: dict[str, str] = {
    "html": "html",
    "tmx": "tmx",
    "xces": "xces",
    "txt": "txt",
}


def exporter(format_name: str) -> ModuleType:
    """The module that writes ``format_name`` (KeyError for an unknown format)."""
    if format_name not in FORMATS:
        raise KeyError(f"unknown export format {format_name!r} (expected one of {', '.join(FORMATS)})")
    return importlib.import_module(f"align.export.{FORMATS[format_name]}")


def export(doc: "AlignedDocument", out_path: str | os.PathLike[str], format_name: str) -> list[Path]:
    """Write ``doc`` as ``format_name`` to ``out_path``; the paths written."""
    return exporter(format_name).export(doc, Path(out_path))


def link_pairs(doc: "AlignedDocument") -> list[tuple[str, str]]:
    """One (French, English) text pair per link, in link order.

    The sentences of an n-m link are joined with one space; an empty side
    gives "". Texts are kept exactly (newlines included): formats that are
    line-based flatten them themselves (see :func:`one_line`).
    """
    source = {s.id: s.text for s in doc.source.sentences()}
    target = {s.id: s.text for s in doc.target.sentences()}
    return [
        (" ".join(source[i] for i in link.source), " ".join(target[i] for i in link.target))
        for link in doc.links
    ]


def one_line(text: str) -> str:
    """``text`` on one line: every line break (\\n, \\r, U+2028/2029, ...) becomes a space.

    Other whitespace (U+00A0, U+202F, tabs) is kept as it is.
    """
    return _LINE_BREAK.sub(" ", text)
