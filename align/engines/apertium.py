"""Apertium: rule-based French->English by pivoting through Spanish.

    French --apertium fr-es--> Spanish --apertium spa-eng--> English

One subprocess pipeline per batch (``apertium -u -z -f none fr-es | apertium
-u -z -f none spa-eng``), never one per sentence.

How sentence boundaries survive
-------------------------------
We do not use Apertium's text deformatter: we write its stream format
ourselves (``-f none``), so nothing in the text is interpreted.

* The characters that mean something in the stream, ``[ ] \\ ^ $ / @ { } < >``,
  are escaped with a backslash (as ``apertium-destxt`` does); ``\\0`` in the
  input becomes a space.
* Every sentence is one null-flushed chunk (``-z``): each program of both
  pipelines translates up to the ``\\0`` and flushes, so no rule (tagger,
  transfer) ever sees two sentences at once.
* Every chunk starts with a numbered superblank ``[<align-s17>]`` and ends with
  an empty superblank ``[]`` (without it the final full stop is lost with
  ``-f none``). Superblanks are passed through verbatim, so the output is
  checked: N chunks in, N chunks out, numbered 0..N-1 in order. If a batch
  comes back wrong, it is split in halves and retried; a single sentence that
  still comes back wrong raises EngineError. A sentence is never misaligned.
* Newlines and tabs inside a sentence are ordinary blanks for Apertium and come
  back as they are; empty or blank sentences are returned as they are without
  running Apertium.
* Two systematic blemishes are tidied outside passthrough text (see _tidy):
  double spaces where Apertium dropped a word, and a capitalised auxiliary
  after a sentence-initial unknown word ("Choïgou Has declared").

Untouched text (for glossary protection), measured with apertium 3.8.3,
apertium-fr-es 0.9.4, apertium-eng-spa 0.8.1
--------------------------------------------------------------------------
* Superblanks: text inside a stream superblank ``[...]`` comes back byte for
  byte, through both pipelines. This engine exposes it: wrap text in
  ``PASSTHROUGH_START`` / ``PASSTHROUGH_END`` (or call ``passthrough(text)``)
  and it is sent as a superblank and returned verbatim, delimiters removed.
  Apertium never drops a superblank, but it is *not a word*: the grammar does
  not see it ("[Kim Jong Un] a rencontré X" -> "[Kim Jong Un] It has found
  X": the verb gets a pronoun subject), and transfer rules may move it a little.
* Unknown words: with ``-u``, a token Apertium does not know (``ZZTERM1ZZ``,
  ``KIMJONGUN``, ``Kimjongun``) is copied unchanged and takes part in the
  grammar as an unknown word ("ZZTERM1ZZ a rencontré..." -> "ZZTERM1ZZ has
  found..."): placeholders of that shape survive too and read better.
  Known words do not: "Kim Jong-un" -> "Kim Jong-one", "Un" -> "A".
* With ``-f html``: text inside ``<code>`` (and script/style) is kept verbatim;
  ``<span translate="no">`` is NOT honoured (its words are translated), and
  inline elements such as ``<b>`` are translated and may be split
  ("<b>Kim Jong</b>-<b>a</b>"). This engine does not use -f html.

French honorifics before a name are put into English before Apertium sees
them (``english_honorifics``): Apertium leaves "M. Poutine" as "M. Putin" (and
capitalises the next verb, taking "M." for a sentence end), "Mme" comes out
as Spanish "Sra", "Mlle" unchanged. English news style: M. -> Mr, MM. ->
Messrs, Mme -> Ms (French Madame does not say whether a woman is married),
Mlle -> Miss. Only before a capitalised word ("M. le ministre" is left alone)
and never inside an initial ("J.-M. Le Pen").

Known quirks (Apertium's, left as they are): a "/" glued to the French clitic
"y" ("a /y b") can leak a tag into the English ("/<prn>"); a tab can make the
next word capitalised. U+E000-U+E003 are reserved by this engine
(passthrough delimiters and internal slots) and removed from plain input.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
from typing import Sequence

from .base import EngineError, EngineInfo

#: the two Apertium modes chained, French->Spanish then Spanish->English
PAIRS: tuple[str, str] = ("fr-es", "spa-eng")
PACKAGES: tuple[str, ...] = ("apertium", "apertium-fr-es", "apertium-eng-spa")
INSTALL_COMMAND = "apt-get install " + " ".join(PACKAGES)

#: text between these two characters goes through Apertium untouched
PASSTHROUGH_START = "\ue000"
PASSTHROUGH_END = "\ue001"

_STREAM_SPECIAL = frozenset("[]\\^$/@{}<>")
_MARKER = re.compile(r"<align-s(\d+)>")
#: where a passthrough (superblank) text sits while the engine's text is tidied
_SLOT_START, _SLOT_END = "\ue002", "\ue003"
_SLOT = re.compile(f"{_SLOT_START}(\\d+){_SLOT_END}")
_DOUBLE_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")
_CAPITAL_AUXILIARY = re.compile(r"(?<=\w )(Has|Have|Had|Is|Are|Was|Were)(?= [a-z])")
_PASSTHROUGH = re.compile(f"{PASSTHROUGH_START}(.*?){PASSTHROUGH_END}", re.DOTALL)
#: French honorific before a capitalised word -> the English title news style uses
HONORIFICS = {"M.": "Mr", "MM.": "Messrs", "Mme": "Ms", "Mme.": "Ms", "Mlle": "Miss", "Mlle.": "Miss"}
_HONORIFIC = re.compile(r"(?<![\w.\-])(MM\.|M\.|Mme\.?|Mlle\.?)(?=\s+[A-ZÀ-ÖØ-Þ])")


class _Misaligned(Exception):
    """Apertium's output does not have one numbered chunk per input sentence."""


def passthrough(text: str) -> str:
    """Mark ``text`` so that ApertiumEngine returns it verbatim (see module doc)."""
    return f"{PASSTHROUGH_START}{text}{PASSTHROUGH_END}"


def english_honorifics(text: str) -> str:
    """French honorifics before a name in their English form ("M. Poutine" -> "Mr Poutine"),
    outside passthrough text."""
    pieces = re.split(f"({PASSTHROUGH_START}.*?{PASSTHROUGH_END})", text, flags=re.DOTALL)
    return "".join(piece if piece.startswith(PASSTHROUGH_START)
                   else _HONORIFIC.sub(lambda m: HONORIFICS[m.group(1)], piece) for piece in pieces)


def apertium_available() -> bool:
    """True when the apertium binary and both modes (fr-es, spa-eng) are installed."""
    try:
        _check_installed(shutil.which("apertium"))
    except EngineError:
        return False
    return True


class ApertiumEngine:
    """French->English with Apertium (fr-es | spa-eng), one pipeline per batch."""

    def __init__(self, *, max_batch_sentences: int = 5000, timeout: float | None = None) -> None:
        self._apertium = shutil.which("apertium")
        self._modes = _check_installed(self._apertium)
        self.max_batch_sentences = max(1, max_batch_sentences)
        self.timeout = timeout

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate French sentences; one output per input, same order."""
        results = list(sentences)  # blank sentences are returned as they are
        todo = [i for i, text in enumerate(results) if text.strip()]
        for start in range(0, len(todo), self.max_batch_sentences):
            indices = todo[start : start + self.max_batch_sentences]
            batch = [english_honorifics(results[i]) for i in indices]
            for i, english in zip(indices, self._translate_checked(batch)):
                results[i] = english
        return results

    def info(self) -> EngineInfo:
        versions = _package_versions()
        return EngineInfo(
            name="apertium",
            version=versions.get("apertium", "unknown"),
            model="|".join(PAIRS),
            model_version=", ".join(f"{p} {versions.get(p, 'unknown')}" for p in PACKAGES[1:]),
            settings={"format": "none", "null_flush": "yes", "mark_unknown": "no",
                      "honorifics": "Mr/Messrs/Ms/Miss"},
        )

    def _translate_checked(self, texts: list[str]) -> list[str]:
        """Run the pipeline; on a wrong chunk count retry in halves, never misalign."""
        try:
            return _read_chunks(self._run_pipeline(_write_chunks(texts)), len(texts))
        except _Misaligned as exc:
            if len(texts) == 1:
                raise EngineError(
                    f"apertium lost the boundaries of the sentence {texts[0][:60]!r}: {exc}"
                ) from None
            middle = len(texts) // 2
            return self._translate_checked(texts[:middle]) + self._translate_checked(texts[middle:])

    def _run_pipeline(self, stream: str) -> str:
        """``apertium fr-es | apertium spa-eng`` on one stream, as one subprocess pipeline."""
        binary = shlex.quote(self._apertium or "apertium")
        command = " | ".join(f"{binary} -u -z -f none {pair}" for pair in PAIRS)
        try:
            proc = subprocess.run(
                ["bash", "-o", "pipefail", "-c", command],
                input=stream.encode("utf-8"), capture_output=True, timeout=self.timeout,
                env=_utf8_env(),
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineError(f"apertium could not run: {exc}") from None
        if proc.returncode != 0:
            lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = lines[-1] if lines else f"exit code {proc.returncode}"
            raise EngineError(f"apertium failed: {reason}")
        return proc.stdout.decode("utf-8", "replace")


def _write_chunks(texts: list[str]) -> str:
    """Sentences -> Apertium stream: one numbered, null-terminated chunk each."""
    return "".join(f"[<align-s{n}>]{_to_stream(text)}[]\0" for n, text in enumerate(texts))


def _to_stream(text: str) -> str:
    """Escape the stream's special characters; passthrough spans become superblanks."""
    parts = []
    position = 0
    for match in _PASSTHROUGH.finditer(text):
        parts.append(_escape(text[position : match.start()]))
        parts.append("[" + _escape(match.group(1)) + "]")
        position = match.end()
    parts.append(_escape(text[position:]))
    return "".join(parts)


def _escape(text: str) -> str:
    for reserved in (PASSTHROUGH_START, PASSTHROUGH_END, _SLOT_START, _SLOT_END):
        text = text.replace(reserved, "")
    text = text.replace("\0", " ")
    return "".join("\\" + c if c in _STREAM_SPECIAL else c for c in text)


def _read_chunks(stream: str, expected: int) -> list[str]:
    """Apertium's output stream -> exactly ``expected`` texts, checked by their numbers."""
    chunks = [chunk for chunk in stream.split("\0") if chunk.strip()]
    if len(chunks) != expected:
        raise _Misaligned(f"{expected} sentences in, {len(chunks)} out")
    texts = []
    for n, chunk in enumerate(chunks):
        numbers, text, verbatim = _unformat(chunk)
        if numbers != [n]:
            raise _Misaligned(f"chunk {n} carries the sentence numbers {numbers}")
        text = _tidy(text.strip())
        texts.append(_SLOT.sub(lambda m: verbatim[int(m.group(1))], text))
    return texts


def _unformat(chunk: str) -> tuple[list[int], str, list[str]]:
    """Unescape one chunk: its sentence markers, its text, its verbatim pieces.

    Superblanks other than our markers (passthrough text, the final ``[]``)
    stand in the text as slots (``\ue002N\ue003``) for their unescaped
    content, so that tidying the engine's text never touches them."""
    numbers: list[int] = []
    verbatim: list[str] = []
    out: list[str] = []
    i = 0
    while i < len(chunk):
        char = chunk[i]
        if char == "\\" and i + 1 < len(chunk):
            out.append(chunk[i + 1])
            i += 2
        elif char == "[":
            end = _closing_bracket(chunk, i + 1)
            content = chunk[i + 1 : end]
            marker = _MARKER.fullmatch(content)
            if marker:
                numbers.append(int(marker.group(1)))
            elif content:
                out.append(f"{_SLOT_START}{len(verbatim)}{_SLOT_END}")
                verbatim.append(_unescape(content))
            i = end + 1
        else:
            out.append(char)
            i += 1
    return numbers, "".join(out).replace("\uffff", ""), verbatim


def _tidy(text: str) -> str:
    """Repair two systematic blemishes of the pivot's English.

    * Apertium keeps the blank of a word it drops ("s'est engagé" -> "has
      engaged  to"): runs of spaces become one.
    * After a sentence-initial word spa-eng does not know (a name, a glossary
      placeholder), it capitalises the verb: "Choïgou Has declared",
      "M. ZXQ1 Has declared". Auxiliaries after a word and before a lower-case
      word are put back in lower case."""
    text = _DOUBLE_SPACE.sub(" ", text)
    return _CAPITAL_AUXILIARY.sub(lambda m: m.group(1).lower(), text)


def _closing_bracket(chunk: str, start: int) -> int:
    i = start
    while i < len(chunk):
        if chunk[i] == "\\":
            i += 2
        elif chunk[i] == "]":
            return i
        else:
            i += 1
    return len(chunk)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def _utf8_env() -> dict[str, str]:
    """Apertium needs a UTF-8 locale; keep the user's if it is one."""
    env = dict(os.environ)
    current = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    if "utf-8" not in current.lower() and "utf8" not in current.lower():
        env["LC_ALL"] = "C.UTF-8"
    return env


def _check_installed(binary: str | None) -> frozenset[str]:
    """The installed modes; EngineError (one line, with the fix) if anything is missing."""
    if binary is None:
        raise EngineError(f"apertium is not installed: run `{INSTALL_COMMAND}`")
    modes = _installed_modes(binary)
    missing = [pair for pair in PAIRS if pair not in modes]
    if missing:
        raise EngineError(
            f"apertium mode(s) {', '.join(missing)} missing (need {' and '.join(PAIRS)}): "
            f"run `{INSTALL_COMMAND}`"
        )
    return modes


@functools.lru_cache(maxsize=8)
def _installed_modes(binary: str) -> frozenset[str]:
    try:
        proc = subprocess.run([binary, "-l"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineError(f"apertium could not run ({exc}): run `{INSTALL_COMMAND}`") from None
    return frozenset(line.strip() for line in proc.stdout.splitlines() if line.strip())


@functools.lru_cache(maxsize=1)
def _package_versions() -> dict[str, str]:
    """Debian package versions (dpkg-query); else the version ``apertium -V`` prints."""
    versions: dict[str, str] = {}
    try:
        proc = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package}\t${Version}\n", *PACKAGES],
            capture_output=True, text=True, timeout=30,
        )
        for line in proc.stdout.splitlines():
            package, _, version = line.partition("\t")
            if version:
                versions[package] = version
    except (OSError, subprocess.TimeoutExpired):
        pass
    if "apertium" not in versions and shutil.which("apertium"):
        try:
            proc = subprocess.run(["apertium", "-V"], capture_output=True, text=True, timeout=30)
            versions["apertium"] = proc.stdout.strip().removeprefix("Apertium ").strip() or "unknown"
        except (OSError, subprocess.TimeoutExpired):
            pass
    return versions
