"""`align check-terms` (terminology consistency) and `align glossary convert|check`."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command(name="check-terms")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--glossary", "glossary_file", type=click.Path(path_type=Path), default=None,
              help="Glossary (.tsv or .tbx): report every non-canonical spelling of its entries.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report instead of tables.")
@click.option("--lang", type=click.Choice(["auto", "fr", "en"]), default="auto", show_default=True,
              help="Language of plain-text files (TEI files say it themselves).")
@click.option("--side", type=click.Choice(["both", "fr", "en"]), default="both", show_default=True,
              help="Check only the French or the English text (e.g. --side en to gate a publication).")
@click.option("--no-discovery", is_flag=True, help="Only check glossary entries; do not look for new variants.")
@click.pass_context
def check_terms(ctx: click.Context, files: tuple[Path, ...], glossary_file: Path | None, as_json: bool,
                lang: str, side: str, no_discovery: bool) -> None:
    """Report names and terms spelled several ways in FILE... (French sources,
    English translations, aligned TEI). Exit code 1 when something is found,
    0 when the files are consistent."""
    from align.glossary import load_glossary
    from align.term_check import check_files

    glossary = load_glossary(glossary_file) if glossary_file else None
    sides = ("fr", "en") if side == "both" else (side,)
    report = check_files(files, glossary, discovery=not no_discovery, lang=lang, sides=sides)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for line in render(report):
            click.echo(line)
    ctx.exit(0 if report.consistent else 1)


def render(report) -> list[str]:
    """The human tables of a check-terms report."""
    lines: list[str] = []
    if report.glossary:
        lines.append(f"Glossary terms not in their canonical form ({len(report.findings)}):")
        rows = [(Path(f.file).name, f.where, f.lang, f.found, f.canonical, f.entry) for f in report.findings]
        lines += _table(("file", "where", "lang", "found", "canonical", "entry"), rows) if rows else ["  none"]
        lines.append("")
    lines.append(f"Names spelled several ways, not in the glossary ({len(report.candidates)}):")
    if report.candidates:
        rows = [(f"{c.confidence:.2f}", " ~ ".join(f"{f} ({n})" for f, n in c.forms),
                 c.places[0].rsplit("/", 1)[-1], c.entry or "(new)", c.why) for c in report.candidates]
        lines += _table(("conf", "spellings (count)", "first seen", "entry", "why"), rows)
        lines.append("")
        lines.append("Glossary lines to paste (check type and canonical form):")
        lines += [c.glossary_line for c in report.candidates]
    else:
        lines.append("  none")
    lines.append("")
    lines.append("consistent" if report.consistent else
                 f"{len(report.findings)} inconsistent spelling(s), {len(report.candidates)} candidate cluster(s)")
    return lines


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    def fmt(row):
        return "  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip()
    return [fmt(header), fmt(tuple("-" * w for w in widths))] + [fmt(r) for r in rows]


@click.group()
def glossary() -> None:
    """Convert glossaries between TSV and TBX, and check them."""


@glossary.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
def convert(source: Path, target: Path) -> None:
    """Convert SOURCE to TARGET; the formats follow the extensions (.tsv, .tbx)."""
    from align.errors import GlossaryError
    from align.glossary import load_glossary, save_tbx, save_tsv

    suffix = target.suffix.lower()
    if suffix not in (".tsv", ".tbx"):
        raise GlossaryError(f"{target}: unknown glossary format {target.suffix or '(no extension)'} (use .tsv or .tbx)")
    loaded = load_glossary(source)
    (save_tbx if suffix == ".tbx" else save_tsv)(loaded, target)
    click.echo(f"{target}: {len(loaded.entries)} entries written")


@glossary.command()
@click.argument("file", type=click.Path(path_type=Path))
def check(file: Path) -> None:
    """Check a glossary: format, duplicate or conflicting variants."""
    from collections import Counter

    from align.glossary import load_glossary

    loaded = load_glossary(file)
    types = Counter(e.type for e in loaded.entries)
    summary = ", ".join(f"{n} {t}" for t, n in sorted(types.items()))
    variants = sum(len(e.variants) for e in loaded.entries)
    click.echo(f"{file}: OK, {len(loaded.entries)} entries ({summary}), {variants} variants, sha256 {loaded.sha256[:12]}")
