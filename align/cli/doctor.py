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
        _say("No translation engine: run one of the fixes above (Apertium needs no download), "
             "then `align doctor` again.")
        click.get_current_context().exit(1)
    samples = checks.sample_articles()
    article = samples[0] if samples else "ARTICLE.txt"
    click.echo(f"Ready: align translates with {engine}. Try:")
    click.echo(f"  align translate {article} -o out/ --glossary russia-dprk")


def _say(text: str) -> None:
    for line in _wrapped(text, 0):
        click.echo(line)


def _section(title: str, rows) -> None:
    click.echo(f"\n{title}")
    for check in rows:
        lead = f"  {STATUS[check.ok]:<8}{check.name:<{NAME_WIDTH}}"
        text = check.detail + (f"\nfix: {check.fix}" if not check.ok and check.fix else "")
        for number, line in enumerate(_wrapped(text, len(lead))):
            click.echo((lead if number == 0 else " " * len(lead)) + line)


def _wrapped(text: str, indent: int) -> list[str]:
    """``text``'s lines wrapped to the terminal's width after ``indent`` columns (paths never split)."""
    import shutil
    import textwrap

    width = max(shutil.get_terminal_size((100, 24)).columns - indent, 40)
    return [piece for line in text.splitlines()
            for piece in textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""]]
