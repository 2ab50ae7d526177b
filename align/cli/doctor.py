"""``align doctor``: one screen on what this installation can do and what to run for the rest."""

from __future__ import annotations

import sys

import click

STATUS = {True: "ok", False: "missing"}
NAME_WIDTH = 15


@click.command()
def doctor() -> None:
    """Say what this installation can do, and what to run for what is missing.

    Exit code 0 when a translation engine (an argos fr->en package or Apertium)
    is available, 1 otherwise.
    """
    from align import __version__, doctor as checks

    report = checks.collect()
    click.echo(f"align {__version__}, Python {sys.version.split()[0]}")
    _section("Translation engines (one is enough)", report.engines)
    _section("Data", report.data)
    _section("Optional", report.optional)
    click.echo()
    engine = report.usable_engine()
    if engine is None:
        click.echo("No translation engine: run one of the fixes above (Apertium needs no download), "
                   "then `align doctor` again.")
        click.get_current_context().exit(1)
    sample = next((c for c in report.data if c.name == "sample" and c.ok), None)
    article = sample.detail.split(", ")[0] if sample else "ARTICLE.txt"
    click.echo(f"Ready ({engine}): align translate {article} -o out/ --glossary russia-dprk")


def _section(title: str, rows) -> None:
    click.echo(f"\n{title}")
    for check in rows:
        click.echo(f"  {STATUS[check.ok]:<8}{check.name:<{NAME_WIDTH}}{check.detail}")
        if not check.ok and check.fix:
            click.echo(f"  {'':<8}{'':<{NAME_WIDTH}}fix: {check.fix}")
