"""Locate the data files that ship with align (glossaries/, tei/, samples/).

In a source checkout they are the top-level ``glossaries/``, ``tei/`` and
``samples/`` folders; in an installed align they are the ``align/glossaries``,
``align/tei`` and ``align/samples`` package-data folders (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(kind: str) -> Path:
    """Return the folder holding align's ``kind`` files ("glossaries", "tei" or "samples")."""
    if kind not in ("glossaries", "tei", "samples"):
        raise ValueError(f"unknown data folder: {kind}")
    for candidate in (_PACKAGE_DIR / kind, _PACKAGE_DIR.parent / kind):
        if candidate.is_dir():
            return candidate
    try:  # editable installs map align.<kind> to the top-level folder
        from importlib.resources import files

        return Path(str(files(f"align.{kind}")))
    except (ModuleNotFoundError, TypeError):
        raise FileNotFoundError(f"align's {kind}/ folder is missing from this installation") from None


def data_file(kind: str, name: str) -> Path:
    """Return the path of one shipped data file, e.g. ``data_file("tei", "align.rng")``."""
    path = data_dir(kind) / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from this installation")
    return path
