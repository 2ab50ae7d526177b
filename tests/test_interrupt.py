"""kill -9 at any moment, and two processes at once: nothing lost, duplicated or corrupt.

Small versions of ``scripts/kill_test.py`` (which runs 50 articles and 20 kills, and is the one to
run after touching translate.py, cache.py or io.write_atomic): ``align translate`` with the
synthetic argos model, killed with SIGKILL at random moments and rerun; then two processes on
overlapping article lists sharing one output folder and one translation memory.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kill_test():
    spec = importlib.util.spec_from_file_location("kill_test", REPO / "scripts" / "kill_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def setup(kill_test, tmp_path_factory, argos_packages_dir):
    """Four short articles and their uninterrupted translation (run once for the module)."""
    work = tmp_path_factory.mktemp("reference")
    articles = kill_test.make_articles(work / "articles", 4, sentences_per_article=4)
    setup = kill_test.Setup(articles, "argos", {"ARGOS_PACKAGES_DIR": str(argos_packages_dir)})
    kill_test.reference_run(setup, work)
    return setup


def test_killed_at_random_moments_the_rerun_finishes_with_the_same_outputs(kill_test, setup, tmp_path):
    report = kill_test.kill_test(setup, tmp_path, kills=4, seed=21)
    assert report.kills == 4 and len(set(report.delays)) == 4  # four different moments
    assert report.problems == []  # every output absent or complete, valid and as uninterrupted; memory ok
    assert report.translated_after_stored == []  # nothing translated again once it was stored
    assert report.final_returncode == 0
    assert report.leftover_temporaries == []
    assert report.engine_sentences >= report.reference_engine_sentences


def test_two_processes_on_overlapping_articles_share_folder_and_memory(kill_test, setup, tmp_path):
    report = kill_test.concurrent_test(setup, tmp_path)
    assert report.returncodes == [0, 0]
    assert report.locked_messages == []
    assert report.problems == []  # every article's output there, valid, as the reference; memory ok
    assert report.leftover_temporaries == []


def test_the_checks_see_a_partial_file_and_a_corrupt_memory(kill_test, tmp_path):
    """The harness itself can fail: a truncated output and a damaged memory are reported."""
    from align import tei
    from align.cache import TranslationMemory
    from align.document import AlignedDocument, Document, Link, Paragraph, Sentence

    out = tmp_path / "out"
    doc = AlignedDocument(Document("fr", [Paragraph("fr.p1", [Sentence("fr.s1", "Bonjour.")])]),
                          Document("en", [Paragraph("en.p1", [Sentence("en.s1", "Hello.")])]),
                          [Link(("fr.s1",), ("en.s1",))])
    tei.write_tei(doc, out / "a.tei.xml")
    reference = {"a.tei.xml": kill_test.comparable(out / "a.tei.xml")}
    assert kill_test.output_problems(out, reference) == []
    doc.target.paragraphs[0].sentences[0].text = "Hi."
    tei.write_tei(doc, out / "a.tei.xml")
    assert kill_test.output_problems(out, reference) == ["a.tei.xml: differs from the uninterrupted run"]
    data = (out / "a.tei.xml").read_bytes()
    (out / "a.tei.xml").write_bytes(data[: len(data) // 2])
    assert kill_test.output_problems(out, reference)[0].startswith("a.tei.xml: ")

    with TranslationMemory(tmp_path / "memory" / "tm.sqlite3") as memory:
        memory.put_many({f"phrase {n}": f"sentence {n}" for n in range(2000)}, "engine")
    assert kill_test.memory_problems(tmp_path / "memory") == []
    path = tmp_path / "memory" / "tm.sqlite3"
    data = bytearray(path.read_bytes())
    data[len(data) // 2:] = bytes(len(data) - len(data) // 2)  # zero the second half of its pages
    path.write_bytes(bytes(data))
    for sidecar in ("tm.sqlite3-wal", "tm.sqlite3-shm"):
        (path.parent / sidecar).unlink(missing_ok=True)
    assert kill_test.memory_problems(tmp_path / "memory") != []


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path):
    from align.io import write_atomic

    out = tmp_path / "a.tei.xml"
    dead = tmp_path / ".a.tei.xml.999999999.k1ll.tmp"  # no process has that id (above pid_max)
    live = tmp_path / f".a.tei.xml.{os.getppid()}.l1ve.tmp"  # a live writer's
    other = tmp_path / ".b.tei.xml.999999999.k1ll.tmp"  # another file's: not this write's business
    for path in (dead, live, other):
        path.write_bytes(b"<TEI")
    write_atomic(out, b"<TEI/>")
    assert out.read_bytes() == b"<TEI/>"
    assert not dead.exists() and live.exists() and other.exists()
