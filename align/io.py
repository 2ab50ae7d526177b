"""Reading user files safely and writing outputs atomically."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from align.errors import InputError

#: Characters XML 1.0 cannot hold: C0 controls other than tab, newline and
#: carriage return (which read_text turns into newlines), surrogate code points
#: (a lone surrogate in the bytes), U+FFFE and U+FFFF.
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: What each unsafe character becomes: form feed and vertical tab (page and
#: line breaks in PDF extraction) a line break, any other a space.
_REPLACEMENT = {"\x0b": "\n", "\x0c": "\n"}

#: Inputs larger than this are refused before they are read (see max_input_bytes).
DEFAULT_MAX_INPUT_MB = 64
MAX_INPUT_ENV = "ALIGN_MAX_INPUT_MB"


@dataclass(frozen=True)
class CleanText:
    """A text file's content and how many characters XML cannot hold were replaced in it."""

    text: str
    replaced: int = 0


def clean_xml_unsafe(text: str) -> CleanText:
    """Replace the characters XML cannot hold (see XML_UNSAFE): form feed and
    vertical tab by a line break, the others by a space. Nothing else changes:
    ``len`` is kept and every other character stays where it was."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return _REPLACEMENT.get(match.group(), " ")

    return CleanText(XML_UNSAFE.sub(replace, text), count)


def max_input_bytes() -> int:
    """The size above which an input file is refused: $ALIGN_MAX_INPUT_MB megabytes
    (default DEFAULT_MAX_INPUT_MB), so that a huge file gets one clear line
    instead of exhausting memory; 0 or less means no limit."""
    value = os.environ.get(MAX_INPUT_ENV, "").strip()
    try:
        megabytes = float(value) if value else DEFAULT_MAX_INPUT_MB
    except ValueError:
        raise InputError(f"{MAX_INPUT_ENV}={value!r} is not a number of megabytes") from None
    return int(megabytes * 2**20) if megabytes > 0 else 0


def read_text(path: str | os.PathLike[str], *, strict: bool = False) -> str:
    """Read a UTF-8 text file, or raise InputError with one clear line (see read_clean_text)."""
    return read_clean_text(path, strict=strict).text


def read_clean_text(path: str | os.PathLike[str], *, strict: bool = False) -> CleanText:
    """Read a UTF-8 text file: its text with line ends made ``\\n`` and the
    characters XML cannot hold replaced (counted in ``replaced``), or raise
    InputError with one clear line.

    Rejects directories, missing files, files over :func:`max_input_bytes`,
    empty (or whitespace-only) files, binary files (NUL bytes near the start)
    and files that are not valid UTF-8 (a latin-1 file is named as such: the
    user should convert it with iconv). A lone surrogate encoded in the bytes
    is accepted and replaced like the other characters XML cannot hold.
    ``strict=True`` refuses any character XML cannot hold instead.
    """
    path = Path(path)
    _check_size(path)
    data = read_bytes(path, "text")
    if b"\x00" in data[:65536]:
        raise InputError(f"{path}: binary file, expected UTF-8 text")
    text = _decode(data, path, strict).replace("\r\n", "\n").replace("\r", "\n")
    if strict:
        _refuse_xml_unsafe(text, path)
    content = CleanText(text) if strict else clean_xml_unsafe(text)
    if not content.text.strip():  # control characters alone are no text either
        raise InputError(f"{path}: empty file")
    return content


def _check_size(path: Path) -> None:
    limit = max_input_bytes()
    try:
        size = path.stat().st_size
    except OSError:
        return  # read_bytes says what is wrong
    if limit and size > limit and path.is_file():
        raise InputError(f"{path}: {size / 2**20:.1f} MB is over the {limit / 2**20:g} MB input limit "
                         f"(set {MAX_INPUT_ENV} to raise it, e.g. {MAX_INPUT_ENV}={_round_up_mb(size)})")


def _round_up_mb(size: int) -> int:
    return -(-size // 2**20)


def _decode(data: bytes, path: Path, strict: bool) -> str:
    """UTF-8 (a BOM dropped); unless ``strict``, encoded surrogates pass (lone ones
    are replaced later, a pair of them becomes the character it encodes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_error = exc
    if not strict:
        try:
            text = data.decode("utf-8-sig", errors="surrogatepass")
        except UnicodeDecodeError:
            pass
        else:  # join surrogate pairs (CESU-8); lone surrogates stay, to be replaced
            return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    hint = ""
    try:
        data.decode("cp1252")
        hint = " (it looks like latin-1/cp1252: convert it with `iconv -f latin1 -t utf-8`)"
    except UnicodeDecodeError:
        pass
    raise InputError(f"{path}: not valid UTF-8 at byte {first_error.start}{hint}") from None


def _refuse_xml_unsafe(text: str, path: Path) -> None:
    bad = XML_UNSAFE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputError(f"{path}: line {line}: character U+{ord(bad.group()):04X} cannot be stored in XML "
                         f"(without --strict it is replaced by a space or a line break)")


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
    then rename over the target.

    The temporary file's name carries the writer's process id
    (``.NAME.PID.XXXX.tmp``): one left behind by a process that was killed is
    removed by the next write of the same file; a live writer's is left alone."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    _remove_stale_temporaries(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
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


def _remove_stale_temporaries(path: Path) -> None:
    """Remove the temporary files of ``path`` whose writer process is gone (killed mid-write)."""
    prefix = f".{path.name}."
    try:
        names = [entry.name for entry in os.scandir(path.parent)
                 if entry.name.startswith(prefix) and entry.name.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):].split(".", 1)[0]
        if pid.isascii() and pid.isdigit() and not _process_alive(int(pid)):
            try:
                os.unlink(path.parent / name)
            except OSError:
                pass  # another writer removed it first, or it is not ours to remove


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def _new_file_mode(path: Path) -> int:
    """The mode an ordinary ``open(path, "w")`` would give: the old file's, or 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
