"""Translation memory: a SQLite store of sentences already translated.

A row is keyed by (normalised French sentence, engine cache key, glossary
key). The engine key is :meth:`align.engines.base.EngineInfo.cache_key`, which
names the engine, its version, the model and model version and every decoding
option, so that a new model or a new beam size never reuses old output; the
glossary key is the glossary file's sha256 ("" without a glossary).

Two align processes may share one memory at once: the database runs in WAL
mode (readers never wait for the writer), every write is one short
``BEGIN IMMEDIATE`` transaction of ``INSERT OR REPLACE`` rows, and a process
that finds the database locked waits (busy timeout) instead of failing.

:func:`translate_with_memory` is what the pipeline calls: known sentences come
from the memory, unknown ones go to the engine once each, in chunks, and every
chunk is stored as soon as it is translated, so that an interrupted run (Ctrl-C,
kill) keeps the work it finished and a rerun resumes from there.

Editors' translations (``align serve``'s workbench) are rows with ``human = 1``
under the engine key ``"human"``, keyed by the whole French sentence as the
document has it: :meth:`TranslationMemory.human_many` finds them for any engine
and glossary (align.translate uses them instead of the engine), and no machine
write ever replaces a human row. Schema version 2 added the ``human`` column; a
version-1 memory is migrated in place when it is opened.
"""

from __future__ import annotations

import os
import sqlite3
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from align.engines.base import checked_outputs
from align.errors import AlignError

if TYPE_CHECKING:  # pragma: no cover
    from align.engines.base import Engine

SCHEMA_VERSION = 2
#: the engine key of editors' translations: they hold for every engine and glossary
HUMAN_KEY = "human"
BUSY_TIMEOUT_MS = 60_000
#: SQLite's limit on ``?`` parameters in one statement is 32766 (3.32+); stay well below.
_IN_CHUNK = 500
#: Unknown sentences are translated and stored in chunks of this many.
DEFAULT_CHUNK_SIZE = 256

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tm (
    source TEXT NOT NULL,
    engine_key TEXT NOT NULL,
    glossary_key TEXT NOT NULL,
    target TEXT NOT NULL,
    created REAL NOT NULL,
    human INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (engine_key, glossary_key, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS usage (
    engine_key TEXT PRIMARY KEY,
    hits INTEGER NOT NULL DEFAULT 0,
    misses INTEGER NOT NULL DEFAULT 0
);
"""


class CacheError(AlignError):
    """The translation memory cannot be opened, read or written (one line, with the fix)."""


def default_path() -> Path:
    """``$ALIGN_CACHE_DIR/tm.sqlite3``, else ``$XDG_CACHE_HOME/align/tm.sqlite3``
    (``~/.cache/align/tm.sqlite3`` when XDG_CACHE_HOME is unset)."""
    if os.environ.get("ALIGN_CACHE_DIR"):
        return Path(os.environ["ALIGN_CACHE_DIR"]).expanduser() / "tm.sqlite3"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "align" / "tm.sqlite3"


def normalise(sentence: str) -> str:
    """The memory's key for a sentence: Unicode NFC, runs of whitespace collapsed
    to one space, no leading or trailing whitespace."""
    return " ".join(unicodedata.normalize("NFC", sentence).split())


class TranslationMemory:
    """SQLite translation memory; see the module docstring.

    The connection opens on first use, so that ``clear()`` can still remove a
    corrupted file. Usable as a context manager (closes the connection).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._conn: sqlite3.Connection | None = None
        #: hits and misses of this object's get_many calls (the stored totals are in stats())
        self.hits = 0
        self.misses = 0

    # -- connection ---------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"translation memory {self.path}: cannot create its folder ({exc.strerror})") from None
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.01
        while True:
            try:
                return self._connect_once()
            except sqlite3.OperationalError as exc:
                # Two processes creating the memory at once: switching a new file to WAL
                # can answer SQLITE_BUSY without waiting on the busy timeout. Retry.
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise self._error(exc, "open") from None
            except sqlite3.Error as exc:
                raise self._error(exc, "open") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    def _connect_once(self) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; writes use BEGIN IMMEDIATE.
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                    raise CacheError(f"translation memory {self.path}: cannot switch to WAL mode "
                                     f"(is it on a network drive?); run with --no-cache")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._ensure_schema(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version == 1:
            self._migrate_from_1(conn)
            return
        if version != 0:
            raise CacheError(
                f"translation memory {self.path} has schema version {version}, this align reads "
                f"{SCHEMA_VERSION}; run `align cache clear` to start a new one"
            )
        conn.execute("BEGIN IMMEDIATE")
        try:
            # statement by statement: executescript would commit the transaction
            for statement in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _migrate_from_1(self, conn: sqlite3.Connection) -> None:
        """Version 1 had no ``human`` column: every row is machine output."""
        with _immediate(conn):
            if conn.execute("PRAGMA user_version").fetchone()[0] == 1:  # not migrated by another process meanwhile
                conn.execute("ALTER TABLE tm ADD COLUMN human INTEGER NOT NULL DEFAULT 0")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _error(self, exc: sqlite3.Error, doing: str) -> CacheError:
        """One clear line for a SQLite failure, with what the user can do."""
        name = getattr(exc, "sqlite_errorname", "")
        if _is_busy(exc):
            return CacheError(
                f"translation memory {self.path} stayed locked by another process for "
                f"{BUSY_TIMEOUT_MS // 1000} s; try again, or run with --no-cache"
            )
        if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_FULL")):
            return CacheError(f"translation memory {self.path}: cannot {doing} it ({exc}); check the "
                              f"folder's permissions and free space, or run with --no-cache")
        return CacheError(
            f"translation memory {self.path} is unreadable ({exc}); run `align cache clear` to start a new one"
        )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reading and writing ------------------------------------------------

    def get_many(self, sentences: Iterable[str], engine_key: str, glossary_key: str = "") -> dict[str, str]:
        """Stored translations of ``sentences`` (as given, not normalised) that the
        memory knows for this engine and glossary; unknown sentences are absent."""
        by_key = _by_normalised(sentences)
        if not by_key:
            return {}
        conn = self._connection()
        try:
            found = _select_targets(conn, "engine_key = ? AND glossary_key = ? AND human = 0",
                                    (engine_key, glossary_key), list(by_key))
            hits = len(found)
            misses = len(by_key) - hits
            self._count_usage(conn, engine_key, hits, misses)
        except sqlite3.Error as exc:
            raise self._error(exc, "read") from None
        self.hits += hits
        self.misses += misses
        return _as_given(by_key, found)

    def _count_usage(self, conn: sqlite3.Connection, engine_key: str, hits: int, misses: int) -> None:
        with _immediate(conn):
            conn.execute(
                "INSERT INTO usage (engine_key, hits, misses) VALUES (?, ?, ?) ON CONFLICT(engine_key) "
                "DO UPDATE SET hits = hits + excluded.hits, misses = misses + excluded.misses",
                (engine_key, hits, misses),
            )

    def put_many(
        self, pairs: Mapping[str, str] | Iterable[tuple[str, str]], engine_key: str, glossary_key: str = ""
    ) -> int:
        """Store (French sentence, English translation) pairs in one short transaction;
        a machine pair already stored is replaced, a human one never. Returns the number
        of pairs given."""
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        now = time.time()
        rows = [(normalise(source), engine_key, glossary_key, target, now) for source, target in items]
        if not rows:
            return 0
        conn = self._connection()
        try:
            with _immediate(conn):
                conn.executemany(
                    "INSERT INTO tm (source, engine_key, glossary_key, target, created) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (engine_key, glossary_key, source) DO UPDATE SET target = excluded.target, "
                    "created = excluded.created WHERE tm.human = 0",
                    rows,
                )
        except sqlite3.Error as exc:
            raise self._error(exc, "write") from None
        return len(rows)

    def put_human(self, source: str, target: str) -> None:
        """Store an editor's translation of the French sentence ``source``; it replaces
        an earlier human one and is used for every engine and glossary."""
        conn = self._connection()
        try:
            with _immediate(conn):
                conn.execute(
                    "INSERT OR REPLACE INTO tm (source, engine_key, glossary_key, target, created, human) "
                    "VALUES (?, ?, '', ?, ?, 1)", (normalise(source), HUMAN_KEY, target, time.time()))
        except sqlite3.Error as exc:
            raise self._error(exc, "write") from None

    def human_many(self, sentences: Iterable[str]) -> dict[str, str]:
        """Editors' translations of ``sentences`` (as given), where the memory has one."""
        by_key = _by_normalised(sentences)
        if not by_key:
            return {}
        try:
            found = _select_targets(self._connection(), "engine_key = ? AND human = 1", (HUMAN_KEY,), list(by_key))
        except sqlite3.Error as exc:
            raise self._error(exc, "read") from None
        return _as_given(by_key, found)

    # -- maintenance --------------------------------------------------------

    def stats(self) -> dict:
        """``{"path", "entries", "size_bytes", "engines": {engine_key: {"entries",
        "glossaries", "hits", "misses"}}}``; hits/misses count sentences looked up
        since the memory was created (or cleared)."""
        size = sum(p.stat().st_size for p in self._files() if p.exists())
        if not self.path.exists():
            return {"path": str(self.path), "entries": 0, "size_bytes": 0, "engines": {}}
        conn = self._connection()
        try:
            engines: dict[str, dict[str, int]] = {}
            for key, entries, glossaries in conn.execute(
                "SELECT engine_key, COUNT(*), COUNT(DISTINCT glossary_key) FROM tm GROUP BY engine_key"
            ):
                engines[key] = {"entries": entries, "glossaries": glossaries, "hits": 0, "misses": 0}
            for key, hits, misses in conn.execute("SELECT engine_key, hits, misses FROM usage"):
                row = engines.setdefault(key, {"entries": 0, "glossaries": 0, "hits": 0, "misses": 0})
                row["hits"], row["misses"] = hits, misses
        except sqlite3.Error as exc:
            raise self._error(exc, "read") from None
        total = sum(row["entries"] for row in engines.values())
        return {"path": str(self.path), "entries": total, "size_bytes": size, "engines": engines}

    def clear(self, engine_key: str | None = None) -> int:
        """Delete the entries of one engine key, or everything (``None``).

        Clearing everything also recovers from a corrupted or foreign file: if the
        database cannot be read, its files are removed. Returns the rows deleted
        (-1 when a broken file was removed)."""
        if engine_key is None and not self.path.exists():
            return 0
        try:
            conn = self._connection()
            with _immediate(conn):
                if engine_key is None:
                    deleted = conn.execute("DELETE FROM tm").rowcount
                    conn.execute("DELETE FROM usage")
                else:
                    deleted = conn.execute("DELETE FROM tm WHERE engine_key = ?", (engine_key,)).rowcount
                    conn.execute("DELETE FROM usage WHERE engine_key = ?", (engine_key,))
        except (sqlite3.Error, CacheError) as exc:
            if engine_key is not None:
                raise exc if isinstance(exc, CacheError) else self._error(exc, "write") from None
            self.close()
            self._remove_files()
            return -1
        if engine_key is None:
            try:
                conn.execute("VACUUM")  # give the space back; skipped if another process is reading
            except sqlite3.Error:
                pass
        return deleted

    def _files(self) -> list[Path]:
        return [self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]

    def _remove_files(self) -> None:
        for file in self._files():
            try:
                file.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise CacheError(f"translation memory {file}: cannot remove it ({exc.strerror})") from None


def _by_normalised(sentences: Iterable[str]) -> dict[str, list[str]]:
    """The memory's key of each sentence -> the sentences as given that have it."""
    by_key: dict[str, list[str]] = {}
    for sentence in sentences:
        by_key.setdefault(normalise(sentence), []).append(sentence)
    return by_key


def _select_targets(conn: sqlite3.Connection, condition: str, params: tuple, keys: list[str]) -> dict[str, str]:
    """key -> stored target of the rows that meet ``condition`` (SQL with ``?`` for
    ``params``), for ``keys``, _IN_CHUNK keys a query."""
    found: dict[str, str] = {}
    for start in range(0, len(keys), _IN_CHUNK):
        part = keys[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(part))
        found.update(conn.execute(f"SELECT source, target FROM tm WHERE {condition} AND source IN ({marks})",
                                  (*params, *part)).fetchall())
    return found


def _as_given(by_key: dict[str, list[str]], found: dict[str, str]) -> dict[str, str]:
    """Found targets, keyed by the sentences as the caller gave them."""
    return {sentence: found[key] for key, originals in by_key.items() if key in found for sentence in originals}


def _is_busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


class _immediate:
    """``with _immediate(conn):`` one write transaction, taken at once (BEGIN
    IMMEDIATE) so that the busy timeout applies rather than a deadlock error
    when two processes upgrade read locks at the same time."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass


def translate_with_memory(
    sentences: Sequence[str],
    engine: Engine,
    memory: TranslationMemory | None,
    glossary_key: str = "",
    use_cache: bool = True,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Translate ``sentences`` (one output each, same order) through the memory.

    Sentences the memory knows for this engine and glossary make no engine call.
    The others are sent to ``engine.translate_batch`` once each, in their
    normalised form (so that a translation depends only on its memory key;
    duplicates and whitespace variants share one call), ``chunk_size`` at a
    time, and each chunk is stored as soon as it is back: an interrupted run
    keeps the chunks it finished. ``progress(n)`` is called with the number of sentences just
    settled (found in the memory, or translated). Without a memory, or with
    ``use_cache=False``, this is one plain ``engine.translate_batch`` call.
    """
    sentences = list(sentences)
    if not use_cache or memory is None:
        outputs = checked_outputs(engine.translate_batch(sentences), len(sentences))
        if progress:
            progress(len(sentences))
        return outputs
    engine_key = engine.info().cache_key()
    keys = [normalise(s) for s in sentences]
    known = {normalise(s): t for s, t in memory.get_many(sentences, engine_key, glossary_key).items()}
    if progress and known:
        progress(sum(1 for key in keys if key in known))
    todo = list(dict.fromkeys(key for key in keys if key not in known))
    for start in range(0, len(todo), chunk_size):
        chunk = todo[start : start + chunk_size]
        outputs = checked_outputs(engine.translate_batch(chunk), len(chunk))
        memory.put_many(zip(chunk, outputs), engine_key, glossary_key)
        known.update(zip(chunk, outputs))
        if progress:
            done = set(chunk)
            progress(sum(1 for key in keys if key in done))
    return [known[key] for key in keys]
