"""Command-line options that every translating command spells the same way."""

from __future__ import annotations

from typing import Callable

import click

_SHARED = [
    click.option("--glossary-mode", type=click.Choice(["placeholder", "canonical"]), default=None,
                 help="How glossary terms are protected from the engine (default: the engine's best)."),
    click.option("--engine", type=click.Choice(["argos", "apertium"]), default=None,
                 help="Translation engine (default: argos if a fr->en package is installed, else apertium)."),
    click.option("--model", default=None, help="Argos package name or folder (default: the installed fr->en one)."),
    click.option("--beam-size", type=click.IntRange(1, 64), default=None, help="Beam size (argos; default 4)."),
]


def engine_options(command: Callable) -> Callable:
    """``--glossary-mode``, ``--engine``, ``--model``, ``--beam-size``: the engine and how the glossary meets it."""
    for option in reversed(_SHARED):
        command = option(command)
    return command
