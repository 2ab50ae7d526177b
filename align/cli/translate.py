"""``align translate ARTICLE... [-o DIR] [--glossary FILE] [--model NAME|PATH]``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from align.cli.engine_options import engine_options


@click.command()
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the .tei.xml files (default: beside each article).")
@click.option("--glossary", "glossary_path", type=click.Path(path_type=Path),
              help="Glossary (TSV or TBX) whose canonical forms the translation must use; "
                   "a bare name (russia-dprk) picks one shipped with align.")
@engine_options
@click.option("--batch-size", type=click.IntRange(1), default=None, help="Max tokens per batch (argos).")
@click.option("--threads", type=click.IntRange(0), default=None, help="CPU threads (argos; 0 = all cores).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default=None, help="Device (argos).")
@click.option("--compute-type", type=click.Choice(["default", "float32", "int8", "int8_float32", "float16", "auto"]),
              default=None, help="CTranslate2 compute type (argos; default: the model's own). int8 is faster "
                                 "one sentence at a time but may change some outputs; see scripts/bench_translate.md.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the translation memory.")
@click.option("--force", is_flag=True, help="Retranslate articles whose output is already up to date.")
@click.option("--strict", is_flag=True,
              help="Refuse an article holding characters XML cannot store (control characters, U+FFFE/U+FFFF, "
                   "lone surrogates) instead of replacing them (form feed and vertical tab by a line break, "
                   "others by a space; the count goes in the TEI header).")
@click.option("--typography", type=click.Choice(["english", "engine"]), default="english", show_default=True,
              help="english: English typography on the English side (“ ” for « », no space before : ; ! ?, "
                   "no French no-break spaces); engine: keep the engine's text as it is.")
@click.option("--srx", "srx_path", type=click.Path(path_type=Path), default=None,
              help="Cut sentences with this SRX file's rules (a CAT tool's, e.g. OmegaT's defaultRules.srx) "
                   "instead of align's own, so that the TMX export matches the tool's segments one to one.")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="Translate on a Ray cluster (pip install -e '.[ray]'): ADDRESS is auto or ray://HOST:PORT; "
                   "alone, Ray starts on this machine. Folders stand for their *.txt files; --threads is per actor "
                   "(default 1). Same output files.")
@click.option("--actors", type=click.IntRange(1), default=None,
              help="--ray: engine actors (default: one per GPU, else one per --threads CPUs, less one CPU).")
def translate(articles, output_dir, glossary_path, glossary_mode, engine, model, beam_size,
              batch_size, threads, device, compute_type, no_cache, force, strict, typography, srx_path,
              ray_address, actors) -> int:
    """Translate French ARTICLES into aligned TEI files (ARTICLE.tei.xml).

    A rerun skips articles already translated with the same engine, model,
    settings and glossary, so an interrupted run resumes where it stopped.
    """
    from align.errors import AlignError
    from align.translate import is_up_to_date, output_path, translate_file

    engine_options = {k: v for k, v in dict(
        model=model, beam_size=beam_size, max_batch_tokens=batch_size, threads=threads, device=device,
        compute_type=compute_type,
    ).items() if v is not None}
    srx = _load_srx(srx_path)
    if ray_address is not None:
        return _translate_on_ray(ray_address, articles, output_dir, engine, engine_options, glossary_path,
                                 glossary_mode, no_cache, force, strict, actors, typography, srx)
    translator = _load_engine(engine, engine_options)
    glossary = _load_glossary(glossary_path)
    memory = None if no_cache else _open_memory()

    failures = 0
    bar = _progress(len(articles))
    try:
        for article in articles:
            bar.set_postfix_str(article.name)
            out = output_path(article, output_dir)
            try:
                if not force and is_up_to_date(out, article, translator, glossary, typography, srx):
                    click.echo(f"{article}: up to date ({out})", err=True)
                else:
                    doc = translate_file(article, translator, out, glossary=glossary, memory=memory,
                                         glossary_mode=glossary_mode, strict=strict, typography=typography,
                                         srx=srx)
                    _report_problems(article, doc)
                    _report_replaced(article, doc.provenance.source_replaced)
                    bar.write(f"{article} -> {out} ({len(doc.links)} sentences)", file=sys.stderr)
            except AlignError as exc:
                failures += 1
                bar.write(f"align: error: {exc}", file=sys.stderr)
            bar.update(1)
    finally:
        bar.close()
    if failures:
        click.echo(f"align: {failures} of {len(articles)} article(s) failed", err=True)
        click.get_current_context().exit(1)
    return 0


def _translate_on_ray(address, articles, output_dir, engine, engine_options, glossary_path, glossary_mode,
                      no_cache, force, strict, actors, typography, srx) -> int:
    """``--ray``: the same steps, documents spread over a Ray cluster (align/cluster/)."""
    from align.cluster.commands import translate_on_ray
    from align.cluster.translate import Settings

    threads = engine_options.pop("threads", None) or 1  # per actor: 0 (all cores) would oversubscribe
    settings = Settings(engine_name=engine, engine_options=engine_options, glossary=_load_glossary(glossary_path),
                        glossary_mode=glossary_mode, use_memory=not no_cache, force=force, strict=strict,
                        typography=typography, srx=srx, actors=actors, threads=threads)

    def report(article, doc) -> None:
        _report_problems(article, doc)
        _report_replaced(article, doc.provenance.source_replaced)

    if translate_on_ray(address, articles, output_dir, settings, report):
        click.get_current_context().exit(1)
    return 0


def _load_engine(name, options):
    from align.engines.base import get_engine

    return get_engine(name, **options)


def _load_srx(path):
    if path is None:
        return None
    from align.srx import load_srx

    return load_srx(path)


def _load_glossary(path):
    if path is None:
        return None
    from align.glossary import load_glossary

    return load_glossary(path)


def _open_memory():
    from align.cache import TranslationMemory

    return TranslationMemory()


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="article", file=sys.stderr, disable=None, dynamic_ncols=True)


def _report_problems(article: Path, doc) -> None:
    for sentence in doc.source.sentences():
        for note in sentence.notes:
            click.echo(f"{article}: {sentence.id}: {note}", err=True)


def _report_replaced(article: Path, count: int) -> None:
    if count:
        click.echo(f"{article}: {count} character(s) XML cannot hold replaced (see the TEI header; "
                   f"--strict refuses them)", err=True)
