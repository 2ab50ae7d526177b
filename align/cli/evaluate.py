"""``align eval --ref REF.en SOURCE.fr`` or ``align eval PAIR.tei.xml`` [--engine NAME] [--glossary FILE] [--limit N]."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--ref", "reference", type=click.Path(path_type=Path),
              help="English reference translation, line-aligned with SOURCE "
                   "(not needed when SOURCE is an aligned TEI file: its English side is the reference).")
@click.option("--engine", type=click.Choice(["argos", "apertium"]), default=None,
              help="Translation engine (default: argos if a fr->en package is installed, else apertium).")
@click.option("--model", default=None, help="Argos package name or folder (default: the installed fr->en one).")
@click.option("--glossary", "glossary_path", type=click.Path(path_type=Path),
              help="Glossary (TSV or TBX) enforced during translation, as in `align translate`.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Score only the first N lines.")
@click.option("--hypotheses", "hypotheses_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the engine's translations here, one per line.")
def evaluate(source, reference, engine, model, glossary_path, limit, hypotheses_path) -> int:
    """Translate SOURCE (French, one sentence per line) and score it against
    REF with sacrebleu BLEU and chrF; prints the scores with their signatures
    and the translation speed in sentences/s.

    SOURCE may instead be the TEI of `align align` or `align import`: its
    French side is translated and scored against its English side, one
    segment per link."""
    from align.engines.base import get_engine
    from align.evaluate import evaluate as run_evaluation
    from align.errors import InputError
    from align.evaluate import read_parallel, read_tei_pairs
    from align.tei import is_tei_file

    if is_tei_file(source):
        if reference is not None:
            raise InputError(f"{source} is a TEI file: its English side is the reference, drop --ref")
        sources, references = read_tei_pairs(source, limit)
        if not sources:
            raise InputError(f"{source}: no link with sentences on both sides to score")
    elif reference is None:
        raise InputError("--ref REF.en is needed when SOURCE is a plain French text")
    else:
        sources, references = read_parallel(source, reference, limit)
    options = {"model": model} if model is not None else {}
    translator = get_engine(engine, **options)
    glossary = None
    if glossary_path is not None:
        from align.glossary import load_glossary

        glossary = load_glossary(glossary_path)
    result = run_evaluation(sources, references, translator, glossary)
    if hypotheses_path is not None:
        from align.io import write_atomic

        write_atomic(hypotheses_path, "".join(f"{line}\n" for line in result.hypotheses))
    click.echo(f"test set: {source} ({result.sentences} sentences)")
    click.echo(result.summary())
    return 0
