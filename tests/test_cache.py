"""The translation memory: keying, concurrency, no repeated engine calls, resume, errors."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from align.cache import CacheError, TranslationMemory, default_path, normalise, translate_with_memory
from align.engines.base import EngineInfo
from align.errors import AlignError


class CountingEngine:
    """A fake engine: 'translates' by upper-casing, and records every batch it gets."""

    def __init__(self, model_version: str = "1.0", beam_size: int = 4, fail_on_batch: int | None = None):
        self.model_version = model_version
        self.beam_size = beam_size
        self.fail_on_batch = fail_on_batch
        self.batches: list[list[str]] = []

    def info(self) -> EngineInfo:
        return EngineInfo("fake", "0", "fr_en", self.model_version, {"beam_size": str(self.beam_size)})

    def translate_batch(self, sentences):
        if self.fail_on_batch is not None and len(self.batches) == self.fail_on_batch:
            raise KeyboardInterrupt
        self.batches.append(list(sentences))
        return [s.upper() for s in sentences]

    @property
    def sentences_seen(self) -> list[str]:
        return [s for batch in self.batches for s in batch]


@pytest.fixture
def memory(tmp_path: Path):
    with TranslationMemory(tmp_path / "tm.sqlite3") as tm:
        yield tm


ENGINE = CountingEngine().info().cache_key()


# -- keying -------------------------------------------------------------------


def test_stored_sentence_is_found_again(memory):
    memory.put_many({"Le chat dort.": "The cat sleeps."}, ENGINE)
    assert memory.get_many(["Le chat dort.", "Le chien aboie."], ENGINE) == {"Le chat dort.": "The cat sleeps."}


def test_whitespace_and_unicode_variants_share_one_entry(memory):
    memory.put_many([("Le  café\test fermé.", "The café is closed.")], ENGINE)
    decomposed = "Le cafe\u0301 est ferme\u0301. "  # NFD accents, trailing space
    assert normalise(decomposed) == "Le café est fermé."
    assert memory.get_many([decomposed], ENGINE) == {decomposed: "The café is closed."}
    assert memory.stats()["entries"] == 1


def test_new_glossary_hash_misses(memory):
    memory.put_many({"Poutine parle.": "Putin speaks."}, ENGINE, glossary_key="aaa")
    assert memory.get_many(["Poutine parle."], ENGINE, glossary_key="bbb") == {}
    assert memory.get_many(["Poutine parle."], ENGINE, glossary_key="") == {}
    assert memory.get_many(["Poutine parle."], ENGINE, glossary_key="aaa") == {"Poutine parle.": "Putin speaks."}


@pytest.mark.parametrize("changed", [CountingEngine(model_version="1.1"), CountingEngine(beam_size=1)])
def test_new_model_version_or_decoding_option_misses(memory, changed):
    memory.put_many({"Il pleut.": "It rains."}, ENGINE)
    assert changed.info().cache_key() != ENGINE
    assert memory.get_many(["Il pleut."], changed.info().cache_key()) == {}


def test_put_replaces_an_existing_translation(memory):
    memory.put_many({"Il pleut.": "It rains."}, ENGINE)
    memory.put_many({"Il pleut.": "It is raining."}, ENGINE)
    assert memory.get_many(["Il pleut."], ENGINE) == {"Il pleut.": "It is raining."}
    assert memory.stats()["entries"] == 1


def test_many_sentences_in_one_lookup(memory):
    pairs = {f"Phrase numéro {i}.": f"Sentence number {i}." for i in range(2000)}
    memory.put_many(pairs, ENGINE)
    assert memory.get_many(pairs, ENGINE) == pairs


def test_default_path_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "tm"))
    assert default_path() == tmp_path / "tm" / "tm.sqlite3"
    monkeypatch.delenv("ALIGN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "align" / "tm.sqlite3"


# -- stats and clear ------------------------------------------------------------


def test_stats_count_entries_hits_and_misses_per_engine(memory):
    other = CountingEngine(model_version="2").info().cache_key()
    memory.put_many({"Un.": "One.", "Deux.": "Two."}, ENGINE)
    memory.put_many({"Un.": "One!"}, other, glossary_key="g")
    memory.get_many(["Un.", "Trois."], ENGINE)
    stats = memory.stats()
    assert stats["entries"] == 3
    assert stats["size_bytes"] > 0
    assert stats["engines"][ENGINE] == {"entries": 2, "glossaries": 1, "hits": 1, "misses": 1}
    assert stats["engines"][other]["entries"] == 1


def test_clear_one_engine_keeps_the_others(memory):
    other = CountingEngine(model_version="2").info().cache_key()
    memory.put_many({"Un.": "One."}, ENGINE)
    memory.put_many({"Un.": "One!"}, other)
    assert memory.clear(ENGINE) == 1
    assert memory.get_many(["Un."], ENGINE) == {}
    assert memory.get_many(["Un."], other) == {"Un.": "One!"}
    assert memory.clear() == 1
    assert memory.stats()["entries"] == 0


def test_stats_of_a_memory_never_written(tmp_path):
    tm = TranslationMemory(tmp_path / "none" / "tm.sqlite3")
    assert tm.stats()["entries"] == 0
    assert not tm.path.exists()


# -- errors ---------------------------------------------------------------------


def test_garbage_file_gives_one_line_error_suggesting_clear(tmp_path):
    path = tmp_path / "tm.sqlite3"
    path.write_bytes(b"this is not a database, just some text " * 200)
    tm = TranslationMemory(path)
    with pytest.raises(CacheError) as caught:
        tm.get_many(["Bonjour."], ENGINE)
    message = str(caught.value)
    assert isinstance(caught.value, AlignError)
    assert "\n" not in message and "align cache clear" in message and str(path) in message


def test_damaged_pages_give_one_line_error_and_clear_recovers(tmp_path):
    path = tmp_path / "tm.sqlite3"
    with TranslationMemory(path) as tm:
        tm.put_many({f"Phrase {i} " + "x" * 200: f"Sentence {i}" for i in range(500)}, ENGINE)
    data = bytearray(path.read_bytes())
    assert len(data) > 40_000
    data[8192:-4096] = b"\xff" * (len(data) - 8192 - 4096)  # keep the header, wreck the pages
    path.write_bytes(bytes(data))
    tm = TranslationMemory(path)
    with pytest.raises(CacheError, match="align cache clear"):
        tm.get_many([f"Phrase {i} " + "x" * 200 for i in range(500)], ENGINE)
    assert tm.clear() == -1
    tm.put_many({"Un.": "One."}, ENGINE)
    assert tm.get_many(["Un."], ENGINE) == {"Un.": "One."}


def test_cli_reports_corrupt_memory_then_clears_it(run_align, tmp_path):
    (tmp_path / "tm.sqlite3").write_bytes(b"\x00garbage" * 100)
    env = {"ALIGN_CACHE_DIR": str(tmp_path)}
    broken = run_align("cache", "stats", env=env)
    assert broken.exit_code == 2
    assert "align cache clear" in broken.stderr and "Traceback" not in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1
    cleared = run_align("cache", "clear", env=env)
    assert cleared.exit_code == 0, cleared.stderr
    fresh = run_align("cache", "stats", "--json", env=env)
    assert fresh.exit_code == 0 and '"entries": 0' in fresh.stdout


def test_cli_stats_lists_engines(run_align, tmp_path):
    with TranslationMemory(tmp_path / "tm.sqlite3") as tm:
        tm.put_many({"Un.": "One.", "Deux.": "Two."}, ENGINE)
    result = run_align("cache", "stats", env={"ALIGN_CACHE_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.stderr
    assert "entries: 2" in result.stdout and ENGINE in result.stdout


# -- translate_with_memory ------------------------------------------------------


def test_known_sentences_make_no_engine_call(memory):
    article = ["Le président parle.", "Il pleut à Paris.", "Le président parle."]
    engine = CountingEngine()
    first = translate_with_memory(article, engine, memory)
    assert first == ["LE PRÉSIDENT PARLE.", "IL PLEUT À PARIS.", "LE PRÉSIDENT PARLE."]
    assert engine.sentences_seen == ["Le président parle.", "Il pleut à Paris."]  # duplicates sent once

    again = CountingEngine()
    assert translate_with_memory(article, again, memory) == first
    assert again.batches == []


def test_partly_changed_article_sends_only_new_sentences(memory):
    engine = CountingEngine()
    translate_with_memory(["Un.", "Deux.", "Trois."], engine, memory)
    edited = ["Un.", "Deux  et demi.", " Trois. "]
    engine.batches.clear()
    assert translate_with_memory(edited, engine, memory) == ["UN.", "DEUX ET DEMI.", "TROIS."]
    assert engine.sentences_seen == ["Deux et demi."]


def test_changed_glossary_or_model_retranslates(memory):
    article = ["Macron parle."]
    translate_with_memory(article, CountingEngine(), memory, glossary_key="g1")
    for engine, glossary in [(CountingEngine(), "g2"), (CountingEngine(model_version="9"), "g1")]:
        translate_with_memory(article, engine, memory, glossary_key=glossary)
        assert engine.sentences_seen == article


def test_no_cache_calls_the_engine_and_stores_nothing(memory):
    engine = CountingEngine()
    assert translate_with_memory(["Un.", "Un."], engine, memory, use_cache=False) == ["UN.", "UN."]
    assert engine.sentences_seen == ["Un.", "Un."]
    assert memory.stats()["entries"] == 0


def test_interrupted_run_keeps_finished_batches_and_resumes(memory):
    article = [f"Phrase {i}." for i in range(10)]
    interrupted = CountingEngine(fail_on_batch=2)
    with pytest.raises(KeyboardInterrupt):
        translate_with_memory(article, interrupted, memory, chunk_size=3)
    assert memory.get_many(article, ENGINE) == {s: s.upper() for s in article[:6]}

    rerun = CountingEngine()
    assert translate_with_memory(article, rerun, memory, chunk_size=3) == [s.upper() for s in article]
    assert rerun.sentences_seen == article[6:]


def test_progress_counts_every_sentence_once(memory):
    memory.put_many({"Un.": "ONE"}, ENGINE)
    settled: list[int] = []
    article = ["Un.", "Deux.", "Trois.", "Deux.", "Quatre."]
    translate_with_memory(article, CountingEngine(), memory, chunk_size=2, progress=settled.append)
    assert sum(settled) == len(article)


def test_engine_returning_too_few_outputs_is_an_error(memory):
    class Broken(CountingEngine):
        def translate_batch(self, sentences):
            return ["only one"]

    with pytest.raises(AlignError, match="2 sentences"):
        translate_with_memory(["Un.", "Deux."], Broken(), memory)
    assert memory.stats()["entries"] == 0


# -- two processes at once --------------------------------------------------------


def _writer(path: str, worker: int, rounds: int, barrier) -> None:
    """Write this worker's rows batch by batch, reading the other worker's rows as it goes."""
    other = 1 - worker
    barrier.wait()
    with TranslationMemory(path) as tm:
        for batch in range(rounds):
            pairs = {f"w{worker} b{batch} s{i} — é": f"W{worker} B{batch} S{i}" for i in range(50)}
            tm.put_many(pairs, ENGINE)
            shared = {f"shared s{i}": f"SHARED {i}" for i in range(batch, batch + 20)}
            tm.put_many(shared, ENGINE)
            seen = tm.get_many([f"w{other} b{b} s0 — é" for b in range(rounds)], ENGINE)
            for source, target in seen.items():  # whatever the other process stored is whole
                b = source.split()[1][1:]
                assert target == f"W{other} B{b} S0"


def test_two_processes_write_and_read_at_once(tmp_path):
    path = str(tmp_path / "tm.sqlite3")
    rounds = 40
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [context.Process(target=_writer, args=(path, w, rounds, barrier)) for w in (0, 1)]
    for process in workers:
        process.start()
    for process in workers:
        process.join()
    assert [p.exitcode for p in workers] == [0, 0]

    with TranslationMemory(path) as tm:
        for worker in (0, 1):
            expected = {
                f"w{worker} b{b} s{i} — é": f"W{worker} B{b} S{i}" for b in range(rounds) for i in range(50)
            }
            assert tm.get_many(expected, ENGINE) == expected
        shared = {f"shared s{i}": f"SHARED {i}" for i in range(rounds + 19)}
        assert tm.get_many(shared, ENGINE) == shared
        assert tm.stats()["entries"] == 2 * rounds * 50 + rounds + 19
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    check.close()
