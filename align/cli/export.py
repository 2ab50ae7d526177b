"""`align export` (aligned TEI -> HTML, TMX, XCES, plain text) and `align import`
(TMX or line-aligned text -> aligned TEI)."""

from __future__ import annotations

import os
from pathlib import Path

import click

EXPORT_FORMATS = ("html", "tmx", "xces", "txt")  # align.export.FORMATS, without importing it here
IMPORT_FORMATS = ("tmx", "txt")
INDEX_NAMES = ("index.html", "align-index.html")


@click.command()
@click.argument("tei_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "format_name", type=click.Choice(EXPORT_FORMATS), required=True,
              help="html: side-by-side page (+ align.css, + index.html for several files); "
                   "tmx: TMX 1.4b; xces: OPUS cesAlign + two sentence files; txt: line-aligned .fr/.en.")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: beside each input). With one input, a file name ending "
                   "like the format's output (.html, .tmx, .xces.xml; .txt/.fr/.en for txt) names the output.")
def export(tei_files: tuple[Path, ...], format_name: str, output: Path | None) -> None:
    """Export aligned TEI files to HTML, TMX, XCES or plain parallel text.

    Every input is read (and checked) before anything is written.
    """
    from align.export import exporter
    from align.tei import read_tei

    documents = [(path, read_tei(path)) for path in tei_files]
    module = exporter(format_name)
    targets = _export_targets([path for path, _ in documents], format_name, module.SUFFIX, output)
    pages = []
    for (source, doc), target in zip(documents, targets):
        written = module.export(doc, target)
        pages.append((written[0], doc))
        click.echo(f"{source} -> {', '.join(str(path) for path in written if path.name != 'align.css')}")
    if format_name == "html" and len(pages) > 1:
        index = _index_path([page for page, _ in pages])
        module.write_index(pages, index)
        click.echo(f"index of {len(pages)} pages -> {index}")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".tei.xml", ".xml"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _names_a_file(output: Path, format_name: str, suffix: str) -> bool:
    if output.is_dir():
        return False
    if format_name == "txt":
        return output.suffix in (".txt", ".fr", ".en")
    return output.name.endswith(suffix)


def _export_targets(inputs: list[Path], format_name: str, suffix: str, output: Path | None) -> list[Path]:
    """The main output path of each input; InputError if two inputs would write the same file."""
    from align.errors import InputError

    if output is not None and _names_a_file(output, format_name, suffix):
        if len(inputs) > 1:
            raise InputError(f"-o {output} names one file but {len(inputs)} inputs were given; "
                             "give a folder")
        targets = [output]
    elif output is not None and output.exists() and not output.is_dir():
        raise InputError(f"-o {output}: is a file but not a {format_name} output name; give a folder")
    else:
        targets = [(output or path.parent) / (_stem(path) + suffix) for path in inputs]
    seen: dict[Path, Path] = {path.resolve(): path for path in inputs}
    for path, target in zip(inputs, targets):
        key = target.resolve()
        if key in seen:
            what = "overwrite the input" if seen[key].resolve() == key else f"overwrite the export of {seen[key]}"
            raise InputError(f"exporting {path} to {target} would {what}")
        seen[key] = path
    return targets


def _index_path(pages: list[Path]) -> Path:
    folder = Path(os.path.commonpath([page.resolve().parent for page in pages]))
    taken = {page.resolve() for page in pages}
    for name in INDEX_NAMES:
        if (folder / name).resolve() not in taken:
            return folder / name
    raise AssertionError("unreachable: two index names and one page cannot both be taken")  # pragma: no cover


@click.command(name="import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--from", "format_name", type=click.Choice(IMPORT_FORMATS), required=True,
              help="tmx: one TMX file; txt: the French and the English line-aligned files "
                   "(or one stem X for X.fr and X.en).")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              help="Output TEI file (a name ending in .xml), or a folder for STEM.tei.xml "
                   "(default: beside the input).")
def import_(inputs: tuple[Path, ...], format_name: str, output: Path | None) -> None:
    """Import TMX or line-aligned text into aligned TEI."""
    from align.errors import InputError
    from align.export.importers import read, txt_paths
    from align.tei import write_tei

    doc = read(format_name, list(inputs))
    first = inputs[0] if format_name == "tmx" else txt_paths(list(inputs))[0]
    stem = first.stem if first.suffix in (".tmx", ".fr", ".txt") else first.name
    if output is None:
        target = first.parent / f"{stem}.tei.xml"
    elif output.is_dir() or not output.name.endswith(".xml"):
        if output.exists() and not output.is_dir():
            raise InputError(f"-o {output}: is a file but not a TEI file name (.xml); give a folder")
        target = output / f"{stem}.tei.xml"
    else:
        target = output
    write_tei(doc, target)
    click.echo(f"{' + '.join(map(str, inputs))} -> {target} ({len(doc.links)} links, "
               f"{len(doc.source.sentences())} {doc.source.lang} / {len(doc.target.sentences())} "
               f"{doc.target.lang} sentences)")
