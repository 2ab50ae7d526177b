"""``align align FR.txt EN.txt -o PAIR.tei.xml [--presplit] [--method ...] [--glossary FILE]``
and ``align align --pairs MANIFEST -o OUT/ [--ray [ADDRESS]]``."""

from __future__ import annotations

from pathlib import Path

import click

from align.cli.show import DOUBTFUL
from align.cli.translate import _load_glossary, _load_srx


@click.command()
@click.argument("french", type=click.Path(path_type=Path), required=False)
@click.argument("english", type=click.Path(path_type=Path), required=False)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The aligned TEI file to write (with --pairs: the folder for one NAME.tei.xml a pair).")
@click.option("--pairs", "manifest", type=click.Path(path_type=Path), default=None,
              help="Align every pair listed in this file instead: one 'FRENCH<TAB>ENGLISH' a line "
                   "(paths relative to the file; book.fr.txt gives OUT/book.tei.xml).")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="With --pairs: one Ray task a pair (pip install -e '.[ray]'); ADDRESS is auto or "
                   "ray://HOST:PORT, alone Ray starts on this machine. OUT must be writable from every node.")
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
@click.option("--srx", "srx_path", type=click.Path(path_type=Path), default=None,
              help="Cut sentences with this SRX file's rules (a CAT tool's, e.g. OmegaT's defaultRules.srx) "
                   "instead of align's own, so that the TMX export matches the tool's segments.")
@click.option("--strict", is_flag=True,
              help="Refuse texts holding characters XML cannot store (control characters, U+FFFE/U+FFFF, "
                   "lone surrogates) instead of replacing them (counted in the TEI header).")
def align_texts(french: Path | None, english: Path | None, output: Path, manifest: Path | None,
                ray_address: str | None, presplit: bool, method: str,
                engine: str | None, glossary_path: Path | None, srx_path: Path | None, strict: bool) -> int:
    """Align the French text FRENCH with its English version ENGLISH, sentence by sentence.

    Every sentence of both texts ends up in exactly one link (1-1, 1-2, 2-1,
    2-2, ..., 1-0 and 0-1 for sentences the other side lacks). A link rarely
    crosses a paragraph or a dialogue turn (a sentence opening with a dash or
    a quotation mark begins one): translators keep both. Each link carries the aligner's confidence in it (@cert, 0 to 1); the command says
    how many are below 0.5, and `align show --below 0.5` lists them.
    """
    _check_usage(french, english, manifest, ray_address)
    if srx_path is not None and presplit:
        raise click.UsageError("--srx cuts sentences; --presplit texts are cut already")
    srx = _load_srx(srx_path)
    translator = None
    if method == "mt":
        translator = _engine(engine)
    elif method == "auto":
        translator = _engine_if_any(engine)
        method = "mt" if translator is not None else "anchors"
    glossary = _load_glossary(glossary_path)
    if manifest is not None:
        return _align_manifest(manifest, output, ray_address, translator, method, presplit, glossary, strict, srx)
    from align.pairs import align_pair, summary

    aligned = align_pair(french, english, output, method=method, presplit=presplit, translator=translator,
                         glossary=glossary, strict=strict, srx=srx)
    click.echo(f"{french} + {english} -> {output} ({summary(aligned.links)})", err=True)
    doubtful = sum(link.confidence_below(DOUBTFUL) for link in aligned.links)
    if doubtful:
        click.echo(f"align: {doubtful} of {len(aligned.links)} links have a confidence below {DOUBTFUL}: "
                   f"check them with `align show {output} --below {DOUBTFUL}`", err=True)
    return 0


def _check_usage(french, english, manifest, ray_address) -> None:
    if manifest is None and (french is None or english is None):
        raise click.UsageError("give FRENCH and ENGLISH, or --pairs MANIFEST")
    if manifest is not None and (french is not None or english is not None):
        raise click.UsageError("--pairs MANIFEST replaces FRENCH and ENGLISH: give one or the other")
    if ray_address is not None and manifest is None:
        raise click.UsageError("--ray needs --pairs MANIFEST (one pair is aligned here)")


def _align_manifest(manifest, out_dir, ray_address, translator, method, presplit, glossary, strict, srx) -> int:
    """Every pair of the manifest, here or as Ray tasks; failed pairs are reported and the others written."""
    from align.cluster.pairs import PairOptions, run_pair
    from align.pairs import manifest_jobs, read_manifest

    jobs = manifest_jobs(read_manifest(manifest), out_dir)
    options = PairOptions(method=method, engine_name=translator.info().name if translator is not None else None,
                          presplit=presplit, glossary=glossary, strict=strict, srx=srx)
    if ray_address is None:
        outcomes = [_report_pair(run_pair(*job, options, translator, DOUBTFUL)) for job in jobs]
    else:
        from align.cluster.commands import align_pairs_on_ray

        outcomes = align_pairs_on_ray(ray_address, jobs, options, DOUBTFUL, _report_pair)
    failures = sum(1 for outcome in outcomes if outcome.error)
    if failures:
        click.echo(f"align: {failures} of {len(jobs)} pair(s) failed", err=True)
        click.get_current_context().exit(1)
    return 0


def _report_pair(outcome):
    if outcome.error:
        click.echo(f"align: error: {outcome.error}", err=True)
    else:
        click.echo(f"{outcome.french} + {outcome.english} -> {outcome.output} ({outcome.summary})"
                   + (f"; {outcome.doubtful} link(s) below {DOUBTFUL}" if outcome.doubtful else ""), err=True)
    return outcome


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
