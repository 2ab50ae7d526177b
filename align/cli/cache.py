"""``align cache stats|clear``: inspect or empty the translation memory."""

from __future__ import annotations

import json

import click


def _memory(path: str | None):
    from align.cache import TranslationMemory

    return TranslationMemory(path)


def _human_size(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"  # pragma: no cover


_PATH_OPTION = click.option(
    "--path", "path", type=click.Path(dir_okay=False), default=None,
    help="Memory file (default: $ALIGN_CACHE_DIR/tm.sqlite3 or ~/.cache/align/tm.sqlite3).",
)


@click.group()
def cache() -> None:
    """Inspect or clear the translation memory (sentences already translated,
    per engine, model, decoding options and glossary)."""


@cache.command()
@_PATH_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(path: str | None, as_json: bool) -> None:
    """Entries, size on disk, and hits/misses per engine."""
    with _memory(path) as memory:
        figures = memory.stats()
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    click.echo(f"memory:  {figures['path']}")
    click.echo(f"entries: {figures['entries']}")
    click.echo(f"size:    {_human_size(figures['size_bytes'])}")
    for engine_key, row in sorted(figures["engines"].items()):
        looked_up = row["hits"] + row["misses"]
        rate = f"{100 * row['hits'] / looked_up:.0f}%" if looked_up else "-"
        click.echo(f"  {engine_key}")
        click.echo(f"    entries {row['entries']}, glossaries {row['glossaries']}, "
                   f"hits {row['hits']}, misses {row['misses']} (hit rate {rate})")


@cache.command()
@_PATH_OPTION
@click.option("--engine", "engine_key", default=None, metavar="KEY",
              help="Clear only this engine key (as printed by `align cache stats`).")
def clear(path: str | None, engine_key: str | None) -> None:
    """Delete stored translations (all, or one engine key's). Also removes a
    memory file that cannot be read any more."""
    with _memory(path) as memory:
        deleted = memory.clear(engine_key)
        where = memory.path
    if deleted < 0:
        click.echo(f"removed unreadable translation memory {where}")
    else:
        scope = f" for {engine_key}" if engine_key else ""
        click.echo(f"cleared {deleted} entries{scope} from {where}")
