"""Errors that users cause, printed by the CLI as one line (no traceback)."""

from __future__ import annotations


class AlignError(Exception):
    """A clear, one-line problem with the user's input, files or set-up."""

    exit_code = 2


class InputError(AlignError):
    """An input file that cannot be read as French/English text or TEI."""


class ModelError(AlignError):
    """No usable translation model: none installed, or a corrupt package."""


class GlossaryError(AlignError):
    """A malformed glossary (with file, line and reason in the message)."""
