"""`align show` (sentence pairs side by side) and `align validate` (schema + reference checks)."""

from __future__ import annotations

import re
import shutil
import textwrap
from itertools import zip_longest
from pathlib import Path

import click

from align.document import DOUBTFUL_BELOW

#: gutter letter for each paragraph kind ("" for body text)
KIND_MARKS = {"body": " ", "heading": "H", "bullet": "B", "furniture": "F"}
GUTTER = 6  # "2-1 F ", "1-2?  " for a doubtful link
SEPARATOR = " | "
#: links the aligner is less sure of than this are marked "?" (and counted by ``align align``)
DOUBTFUL = DOUBTFUL_BELOW


@click.command()
@click.argument("tei_file", type=click.Path(path_type=Path))
@click.option("--width", type=click.IntRange(min=40), default=None,
              help="Line width (default: the terminal's width, or $COLUMNS, or 100).")
@click.option("--below", type=click.FloatRange(0.0, 1.0), default=None,
              help="Only the links whose confidence (an aligned pair's @cert) is below this, "
                   "the ones to check first.")
def show(tei_file: Path, width: int | None, below: float | None) -> None:
    """Print the sentence pairs of an aligned TEI file side by side.

    One row per link (an n-m link is one row); the gutter gives the link kind,
    "?" when the aligner was unsure of the link (confidence below 0.5), and
    marks headings (H), bullets (B) and page furniture (F).
    """
    from align.tei import read_tei

    doc = read_tei(tei_file)
    width = width or shutil.get_terminal_size((100, 24)).columns
    for line in render(doc, max(width, 40), below):
        click.echo(line)


def render(doc, width: int, below: float | None = None) -> list[str]:
    """The lines `align show` prints for ``doc`` at ``width`` columns (only
    the links with a confidence below ``below``, if given)."""
    column = (width - GUTTER - len(SEPARATOR)) // 2
    prov = doc.provenance
    engine = " ".join(part for part in (prov.engine, prov.engine_version, prov.model, prov.model_version) if part)
    header = [
        prov.title or "(untitled)",
        f"{prov.method}: {engine}" if engine else "",
        f"{len(doc.links)} links, {len(doc.source.sentences())} {doc.source.lang} sentences, "
        f"{len(doc.target.sentences())} {doc.target.lang} sentences",
        "gutter: link kind; H heading, B bullet, F furniture"
        + (f"; ? confidence below {DOUBTFUL}" if _scored(doc) else ""),
        _filter_line(doc, below),
    ]
    lines = [wrapped for line in header if line for wrapped in textwrap.wrap(line, width)]
    lines.append("-" * (GUTTER + 2 * column + len(SEPARATOR)))
    source_at = _sentence_index(doc.source)
    target_at = _sentence_index(doc.target)
    previous_paragraph = None
    for link in doc.links:
        if below is not None and not link.confidence_below(below):
            continue
        placed = [source_at[i] for i in link.source] or [target_at[i] for i in link.target]
        paragraph = placed[0][0]
        if previous_paragraph is not None and paragraph is not previous_paragraph:
            lines.append("")
        previous_paragraph = paragraph
        unsure = "?" if link.confidence_below(DOUBTFUL) else " "
        gutter = f"{link.kind}{unsure}{KIND_MARKS.get(paragraph.kind, '?')}".ljust(GUTTER)
        left = _wrap(" ".join(source_at[i][1].text for i in link.source), column)
        right = _wrap(" ".join(target_at[i][1].text for i in link.target), column)
        for n, (a, b) in enumerate(zip_longest(left, right, fillvalue="")):
            lines.append(((gutter if n == 0 else " " * GUTTER) + a.ljust(column) + SEPARATOR + b).rstrip())
        for i in link.target:
            for note in target_at[i][1].notes:
                lines += textwrap.wrap(f"! {i}: {note}", width, initial_indent=" " * GUTTER,
                                       subsequent_indent=" " * (GUTTER + 2))
    return lines


def _filter_line(doc, below: float | None) -> str:
    if below is None:
        return ""
    if not _scored(doc):
        return "no link has a confidence (@cert): only `align align` writes them, so --below shows nothing"
    shown = sum(link.confidence_below(below) for link in doc.links)
    return f"{_count(shown, 'link')} with a confidence below {below} (of {len(doc.links)})"


def _scored(doc) -> bool:
    return any(link.confidence is not None for link in doc.links)


def _sentence_index(document) -> dict:
    return {sentence.id: (paragraph, sentence) for paragraph, sentence in document.iter_sentences()}


def _wrap(text: str, column: int) -> list[str]:
    if not text:
        return ["-"]
    # ordinary whitespace only: no-break spaces (U+00A0, U+202F) must not become break points
    return textwrap.wrap(re.sub(r"[ \t\r\n]+", " ", text).strip(), column, break_long_words=True) or [""]


@click.command()
@click.argument("tei_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--full-tei", "full_tei", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Also validate against this full TEI schema (e.g. tei_all.rng; ~15 s to load).")
@click.pass_context
def validate(ctx: click.Context, tei_files: tuple[Path, ...], full_tei: Path | None) -> None:
    """Validate aligned TEI files against align's compact schema (tei/align.rng)
    and check that every link target exists and every sentence is in exactly
    one link. Prints one line per problem; exit code 1 if there is any."""
    from align import tei

    full_schema = tei.relaxng(str(full_tei)) if full_tei else None
    bad_files = 0
    problem_count = 0
    for tei_file in tei_files:
        problems = tei.validate(tei_file, full_schema)
        for problem in problems:
            click.echo(problem)
        bad_files += bool(problems)
        problem_count += len(problems)
    if problem_count:
        click.echo(f"align: {_count(problem_count, 'problem')} in {bad_files} of {_count(len(tei_files), 'file')}",
                   err=True)
        ctx.exit(1)
    click.echo(f"{_count(len(tei_files), 'file')} valid", err=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
