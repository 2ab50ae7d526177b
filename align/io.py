"""Reading user files safely and writing outputs atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from align.errors import InputError


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file, or raise InputError with one clear line.

    Rejects directories, missing files, empty (or whitespace-only) files,
    binary files (NUL bytes) and files that are not valid UTF-8 (a latin-1
    file is named as such: the user should convert it with iconv).
    """
    path = Path(path)
    data = read_bytes(path, "text")
    if b"\x00" in data[:65536]:
        raise InputError(f"{path}: binary file, expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            data.decode("cp1252")
            hint = " (it looks like latin-1/cp1252: convert it with `iconv -f latin1 -t utf-8`)"
        except UnicodeDecodeError:
            pass
        raise InputError(f"{path}: not valid UTF-8 at byte {exc.start}{hint}") from None
    if not text.strip():
        raise InputError(f"{path}: empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_line_aligned(source: str | os.PathLike[str],
                      target: str | os.PathLike[str]) -> tuple[list[str], list[str]]:
    """The lines of two line-aligned files, or InputError with one clear line
    if they do not pair up.

    A blank line is a line like any other (in one file only, it pairs a
    sentence with nothing), but blank lines at the very end that only one file
    has -- a stray extra newline -- are not counted; nor are blank pairs at the end.
    """
    source_lines = read_text(source).split("\n")
    target_lines = read_text(target).split("\n")
    for lines in (source_lines, target_lines):
        if lines[-1] == "":
            lines.pop()  # the final newline ends the last line
    if len(source_lines) != len(target_lines):
        source_lines, target_lines = _without_blank_end(source_lines), _without_blank_end(target_lines)
    if len(source_lines) != len(target_lines):
        raise InputError(
            f"{source} has {len(source_lines)} lines but {target} has {len(target_lines)}: "
            "the files must be line-aligned (one sentence per line)"
        )
    while source_lines and not source_lines[-1].strip() and not target_lines[-1].strip():
        source_lines.pop()
        target_lines.pop()
    return source_lines, target_lines


def _without_blank_end(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def read_bytes(path: str | os.PathLike[str], what: str) -> bytes:
    """The bytes of a user file, or InputError with one clear line: a
    directory, a missing or unreadable file, an empty (or blank) one.
    ``what`` names the expected content in the messages ("TMX", "TEI XML")."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a {what} file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(f"{path}: empty file, expected {what}")
    return data


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole
    new one, never a partial file: write a temporary file beside it, fsync,
    then rename over the target."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _new_file_mode(path))  # mkstemp makes 0600 files; keep the usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def _new_file_mode(path: Path) -> int:
    """The mode an ordinary ``open(path, "w")`` would give: the old file's, or 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
