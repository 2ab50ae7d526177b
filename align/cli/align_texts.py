"""``align align FR.txt EN.txt -o PAIR.tei.xml [--presplit] [--method ...] [--glossary FILE]``."""

from __future__ import annotations

from pathlib import Path

import click

from align.cli.show import DOUBTFUL


@click.command()
@click.argument("french", type=click.Path(path_type=Path))
@click.argument("english", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The aligned TEI file to write.")
@click.option("--presplit", is_flag=True,
              help="Both files have one sentence per line (blank lines separate paragraphs).")
@click.option("--method", type=click.Choice(["auto", "anchors", "gale-church", "mt"]), default="auto",
              show_default=True,
              help="anchors: lengths + names, numbers, cognates and a word lexicon learned from the texts; "
                   "gale-church: lengths only; mt: anchors + a machine translation of the French "
                   "(Bleualign's idea); auto: mt when a translation engine is installed, else anchors.")
@click.option("--engine", type=click.Choice(["argos", "apertium"]), default=None,
              help="Translation engine for --method mt/auto (default: argos if installed, else apertium).")
@click.option("--glossary", "glossary_path", type=click.Path(path_type=Path),
              help="Glossary (TSV or TBX) whose entries serve as anchors.")
@click.option("--strict", is_flag=True,
              help="Refuse texts holding characters XML cannot store (control characters, U+FFFE/U+FFFF, "
                   "lone surrogates) instead of replacing them (counted in the TEI header).")
def align_texts(french: Path, english: Path, output: Path, presplit: bool, method: str,
                engine: str | None, glossary_path: Path | None, strict: bool) -> int:
    """Align the French text FRENCH with its English version ENGLISH, sentence by sentence.

    Every sentence of both texts ends up in exactly one link (1-1, 1-2, 2-1,
    2-2, ..., 1-0 and 0-1 for sentences the other side lacks). A link rarely
    crosses a paragraph or a dialogue turn (a sentence opening with a dash or
    a quotation mark begins one): translators keep both. Each link carries the aligner's confidence in it (@cert, 0 to 1); the command says
    how many are below 0.5, and `align show --below 0.5` lists them.
    """
    from align import tei
    from align.aligners import align_documents
    from align.io import read_clean_text

    fr_text, en_text = read_clean_text(french, strict=strict), read_clean_text(english, strict=strict)
    fr_doc = _document(fr_text.text, "fr", presplit)
    en_doc = _document(en_text.text, "en", presplit)
    translator = None
    if method == "mt":
        translator = _engine(engine)
    elif method == "auto":
        translator = _engine_if_any(engine)
        method = "mt" if translator is not None else "anchors"
    glossary = _glossary(glossary_path)
    aligned = align_documents(
        fr_doc, en_doc, method=method,
        translate=translator.translate_batch if translator is not None else None,
        glossary=glossary, engine_info=translator.info() if translator is not None else None,
    )
    _fill_provenance(aligned.provenance, french, english)
    aligned.provenance.source_replaced, aligned.provenance.target_replaced = fr_text.replaced, en_text.replaced
    tei.write_tei(aligned, output)
    click.echo(f"{french} + {english} -> {output} ({_summary(aligned.links)})", err=True)
    doubtful = sum(link.confidence_below(DOUBTFUL) for link in aligned.links)
    if doubtful:
        click.echo(f"align: {doubtful} of {len(aligned.links)} links have a confidence below {DOUBTFUL}: "
                   f"check them with `align show {output} --below {DOUBTFUL}`", err=True)
    return 0


def _document(text: str, lang: str, presplit: bool):
    if not presplit:
        from align.segment import segment

        return segment(text, lang)
    return presplit_document(text, lang)


def presplit_document(text: str, lang: str):
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


def _engine(name: str | None):
    from align.engines.base import get_engine

    return get_engine(name)


def _engine_if_any(name: str | None):
    """The engine ``--method auto`` aligns with, or None (with a notice) when
    none is installed: the anchors aligner needs no model. An engine named
    with --engine must work."""
    from align.errors import ModelError

    if name is not None:
        return _engine(name)
    try:
        return _engine(None)
    except ModelError:
        click.echo("align: no translation engine installed; aligning without one (--method anchors)", err=True)
        return None


def _glossary(path: Path | None):
    if path is None:
        return None
    from align.glossary import load_glossary

    return load_glossary(path)


def _fill_provenance(provenance, french: Path, english: Path) -> None:
    import datetime as _dt

    from align import __version__
    from align.translate import sha256_file

    provenance.title = f"{french.stem} / {english.stem}"
    provenance.source_file, provenance.source_sha256 = french.name, sha256_file(french)
    provenance.target_file, provenance.target_sha256 = english.name, sha256_file(english)
    provenance.date = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    provenance.align_version = __version__


def _summary(links) -> str:
    from collections import Counter

    kinds = Counter(link.kind for link in links)
    return ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1]))
