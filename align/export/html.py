"""Side-by-side HTML pages: the XSLT stylesheet tei/align-html.xsl run with
lxml on align's TEI, plus tei/align.css copied beside the pages.

One table row per link (French left, English right); hovering a row
highlights both sides; glossary terms, page furniture, headings and problem
notes are marked; the header shows the provenance from the teiHeader. When
several documents are exported together, :func:`write_index` adds an index
page linking them.

Pages are polyglot XHTML: browsers read them as HTML5 and XML parsers read
them as well-formed XML (no self-closed element except HTML's void ones).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from align.document import AlignedDocument

if TYPE_CHECKING:
    from lxml import etree

SUFFIX = ".html"
STYLESHEET = "align-html.xsl"
CSS = "align.css"
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: HTML elements that have no end tag; every other element is written <x></x>
VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()
)


@lru_cache(maxsize=1)
def _transform() -> "etree.XSLT":
    from lxml import etree

    from align.resources import data_file
    from align.tei import safe_parser

    stylesheet = etree.parse(str(data_file("tei", STYLESHEET)), safe_parser())
    return etree.XSLT(stylesheet, access_control=etree.XSLTAccessControl.DENY_ALL)


def render_tree(tei_tree: "etree._ElementTree | etree._Element", css_href: str = CSS) -> bytes:
    """The HTML page for an aligned TEI tree (as returned by :func:`align.tei.to_tree` or parsed)."""
    from lxml import etree

    from align.errors import InputError

    transform = _transform()
    try:
        result = transform(tei_tree, **{"css-href": etree.XSLT.strparam(css_href)})
    except etree.XSLTApplyError as exc:
        raise InputError(f"cannot render HTML: {' '.join(str(exc).split())}") from None
    return serialize(result.getroot())


def render(doc: AlignedDocument, css_href: str = CSS) -> bytes:
    """The HTML page of ``doc``."""
    from align.tei import to_tree

    return render_tree(to_tree(doc), css_href)


def serialize(root: "etree._Element") -> bytes:
    """``<!DOCTYPE html>`` + the page as XML in which only void elements are self-closed."""
    from lxml import etree

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local not in VOID_ELEMENTS and len(element) == 0 and element.text is None:
            element.text = ""  # lxml then writes <td></td>, not <td/>
    return etree.tostring(root, encoding="UTF-8", xml_declaration=False, doctype="<!DOCTYPE html>") + b"\n"


def copy_css(directory: str | os.PathLike[str]) -> Path:
    """Put tei/align.css in ``directory`` (the pages link to it by relative name)."""
    from align.io import write_atomic
    from align.resources import data_file

    target = Path(directory) / CSS
    write_atomic(target, data_file("tei", CSS).read_bytes())
    return target


def export(doc: AlignedDocument, out_path: str | os.PathLike[str]) -> list[Path]:
    """Write the page of ``doc`` to ``out_path`` and align.css beside it; return both paths."""
    from align.io import write_atomic

    out_path = Path(out_path)
    write_atomic(out_path, render(doc))
    return [out_path, copy_css(out_path.parent)]


def index_page(pages: Iterable[tuple[Path, AlignedDocument]], directory: Path) -> bytes:
    """An index of exported pages: title (linked), link and sentence counts, method."""
    from lxml.builder import ElementMaker

    h = ElementMaker(namespace=XHTML_NS, nsmap={None: XHTML_NS})
    rows = []
    for page, doc in pages:
        prov = doc.provenance
        href = os.path.relpath(page, directory).replace(os.sep, "/")
        method = " ".join(part for part in (prov.method, prov.engine, prov.engine_version, prov.model) if part)
        rows.append(h.tr(
            h.td(h.a(prov.title or page.stem, href=href)),
            h.td(str(len(doc.links)), {"class": "number"}),
            h.td(str(len(doc.source.sentences())), {"class": "number"}),
            h.td(str(len(doc.target.sentences())), {"class": "number"}),
            h.td(method),
            h.td(prov.source_file),
            {"class": "document"},
        ))
    root = h.html(
        h.head(h.meta(charset="utf-8"), h.title("Aligned documents"), h.link(rel="stylesheet", href=CSS)),
        h.body(
            h.header(h.h1("Aligned documents"), h.p(f"{len(rows)} documents"), {"class": "provenance"}),
            h.main(h.table(
                h.thead(h.tr(*(h.th(label, scope="col") for label in
                               ("Document", "links", "fr sentences", "en sentences", "method", "source file")))),
                h.tbody(*rows),
                {"class": "index"},
            )),
        ),
        lang="en",
    )
    return serialize(root)


def write_index(pages: list[tuple[Path, AlignedDocument]], out_path: str | os.PathLike[str]) -> list[Path]:
    """Write the index page of ``pages`` to ``out_path`` (and align.css beside it)."""
    from align.io import write_atomic

    out_path = Path(out_path)
    write_atomic(out_path, index_page(pages, out_path.parent))
    return [out_path, copy_css(out_path.parent)]
