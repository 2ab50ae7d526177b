"""The engine interface: translate a batch of sentences, describe yourself.

Engines are chosen by name (``get_engine``): "argos" (CTranslate2 +
SentencePiece from an installed argos package) and "apertium" (rule-based,
French->Spanish->English). Heavy imports happen inside the implementations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence


from align.errors import ModelError


class EngineError(ModelError):
    """An engine cannot run: missing model or binary, corrupt files. One-line message."""


def checked_outputs(outputs: Sequence[str], expected: int) -> list[str]:
    """An engine's outputs as a list, or EngineError (one line) when there is not one per input."""
    outputs = list(outputs)
    if len(outputs) != expected:
        raise EngineError(f"the engine returned {len(outputs)} translations for {expected} sentences")
    return outputs


@dataclass
class EngineInfo:
    name: str  # "argos" | "apertium"
    version: str  # engine software version (ctranslate2 / apertium)
    model: str  # package name or apertium modes, e.g. "fr-es|spa-eng"
    model_version: str = ""
    settings: dict[str, str] = field(default_factory=dict)  # decoding options etc.

    def cache_key(self) -> str:
        """Everything that changes the output, as one string (for the translation memory)."""
        items = ",".join(f"{k}={v}" for k, v in sorted(self.settings.items()))
        return f"{self.name}|{self.version}|{self.model}|{self.model_version}|{items}"


class Engine(Protocol):
    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate French sentences to English; one output per input, same order."""
        ...

    def info(self) -> EngineInfo: ...


def get_engine(name: str | None = None, **options) -> Engine:
    """Build an engine by name; ``None`` picks argos if a fr->en package is
    installed, else apertium if its binaries are present (with a notice on stderr)."""
    from . import select

    return select.get_engine(name, **options)
