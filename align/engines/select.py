"""Which engine translates: argos when an fr->en package is installed, else Apertium.

``get_engine("argos")`` and ``get_engine("apertium")`` build what they name;
``get_engine(None)`` picks argos if align.models finds an fr->en argos package
(or the user named a model), else Apertium when its binaries and modes are
installed (with a one-line notice on stderr), else a ModelError that says what
to install.
"""

from __future__ import annotations

import sys

from align.errors import ModelError

from .base import Engine

ENGINE_NAMES = ("argos", "apertium")

#: options only the argos engine understands; Apertium has no such settings
ARGOS_OPTIONS = ("model", "beam_size", "max_batch_tokens", "threads", "inter_threads", "lone_threads", "device",
                 "compute_type")

APERTIUM_NOTICE = "no argos fr->en model installed; using Apertium (fr->es->en)"


def get_engine(name: str | None = None, **options) -> Engine:
    """Build the engine called ``name`` ("argos", "apertium"), or pick one when None."""
    if name is None:
        return _pick_engine(options)
    if name == "argos":
        return _argos_engine(options)
    if name == "apertium":
        return _apertium_engine(options)
    raise ModelError(f"unknown engine {name!r}: choose one of {', '.join(ENGINE_NAMES)}")


def _pick_engine(options: dict) -> Engine:
    if options.get("model") is not None or _argos_model_installed():
        return _argos_engine(options)
    from .apertium import INSTALL_COMMAND, apertium_available

    if apertium_available():
        print(f"align: {APERTIUM_NOTICE}", file=sys.stderr)
        return _apertium_engine(options)
    raise ModelError(
        "no translation engine: install an argos fr->en package (`align models install FILE.argosmodel`) "
        f"or Apertium (`{INSTALL_COMMAND}`)"
    )


def _argos_model_installed() -> bool:
    try:
        from align.models import find_model
    except ImportError:  # argos support not installed in this tree
        return False
    try:
        find_model(None)
    except ModelError:
        return False
    return True


def _argos_engine(options: dict) -> Engine:
    try:
        from align.engines.argos import ArgosEngine
        from align.models import find_model
    except ImportError as exc:
        raise ModelError(f"the argos engine is not available: {exc}") from None
    settings = {k: v for k, v in options.items() if k in ARGOS_OPTIONS and k != "model" and v is not None}
    return ArgosEngine(find_model(options.get("model")), **settings)


def _apertium_engine(options: dict) -> Engine:
    from .apertium import ApertiumEngine

    return ApertiumEngine()
