"""Kill ``align translate`` at random moments (SIGKILL), rerun it, and check that nothing is lost,
duplicated or corrupt; and run two ``align translate`` processes at once on overlapping articles.

    python3 scripts/kill_test.py [--articles 50] [--kills 20] [--engine argos|apertium] [--seed 1]
    python3 scripts/kill_test.py --concurrent [--articles 30]

The kill test (issue 21, item 3):

1. an uninterrupted reference run (its own output folder and translation memory);
2. a bounded loop (at most ``3 * kills`` starts): start ``align translate`` on every article, kill
   it with SIGKILL after a random delay, then check that every ``*.tei.xml`` in the output folder is
   either absent or complete and valid (align.rng + references, the right number of sentences) and
   that the translation memory passes ``PRAGMA integrity_check``; until ``kills`` kills landed;
3. a final rerun to the end, whose outputs must equal the reference's (header date aside);
4. every engine call of every run was logged with whether the memory already held each sentence:
   no sentence may have been translated after it was stored.

The engine is wrapped inside the child process (``--child LOG -- ARGS``) to write that log: before
each batch it asks the memory (a separate read connection) which of the sentences it already holds.

The concurrent test (item 4): two processes, overlapping article lists, one output folder, one
memory, started together: both must exit 0 with no "database is locked", every article's output
valid and equal to the reference, no temporary file left.

``--argos-packages DIR`` points at an argos packages folder (default: build the synthetic model
into a temporary folder). tests/test_interrupt.py runs a small version of both in the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ALIGN_SHARED", REPO.parent / "shared"))


# --------------------------------------------------------------------------- the wrapped child


def child(log_path: str, args: list[str]) -> int:
    """Run the align CLI with every engine call logged (sentence, already stored?)."""
    sys.path.insert(0, str(REPO))
    from align.engines import base

    original_get_engine = base.get_engine

    def logged_engine(*a, **k):
        engine = original_get_engine(*a, **k)
        _log_calls(engine, log_path)
        return engine

    base.get_engine = logged_engine
    from align.cli import main

    return main(args)


def _log_calls(engine, log_path: str) -> None:
    from align.cache import default_path

    translate_batch = engine.translate_batch
    engine_key = engine.info().cache_key()
    memory = default_path()

    def logged(batch):
        batch = list(batch)
        stored = _stored(memory, engine_key, batch)
        lines = "".join(json.dumps({"pid": os.getpid(), "text": text, "stored": text in stored}) + "\n"
                        for text in batch)
        fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, lines.encode("utf-8"))  # one write: whole lines or nothing
        finally:
            os.close(fd)
        return translate_batch(batch)

    engine.translate_batch = logged


def _stored(memory: Path, engine_key: str, texts: list[str]) -> set[str]:
    if not memory.exists():
        return set()
    connection = sqlite3.connect(str(memory), timeout=60)
    try:
        found = set()
        for start in range(0, len(texts), 500):
            part = texts[start:start + 500]
            rows = connection.execute(
                f"SELECT source FROM tm WHERE engine_key = ? AND glossary_key = '' AND source IN "
                f"({','.join('?' * len(part))})", (engine_key, *part)).fetchall()
            found.update(row[0] for row in rows)
        return found
    except sqlite3.OperationalError:  # no table yet: nothing stored
        return set()
    finally:
        connection.close()


# --------------------------------------------------------------------------- setting up


def make_articles(folder: Path, count: int, sentences_per_article: int = 8) -> list[Path]:
    """``count`` French news articles (a title, two paragraphs) cut from newstest2013."""
    lines = (SHARED / "data" / "mt" / "newstest2013.fr-en.fr").read_text(encoding="utf-8").splitlines()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        chunk = lines[n * sentences_per_article:(n + 1) * sentences_per_article]
        half = len(chunk) // 2
        path = folder / f"article{n:03d}.txt"
        path.write_text(f"Article {n}\n\n{' '.join(chunk[:half])}\n\n{' '.join(chunk[half:])}\n", encoding="utf-8")
        paths.append(path)
    return paths


def synthetic_packages(folder: Path) -> Path:
    """Build and install the synthetic argos model (align/synthetic_model.py) under ``folder``."""
    sys.path.insert(0, str(REPO))
    from align.synthetic_model import build_argos_package

    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    package = build_argos_package(folder / "model", texts=texts)
    packages = folder / "packages"
    subprocess.run([sys.executable, "-m", "align", "models", "install", str(package)], check=True, cwd=REPO,
                   env={**os.environ, "ARGOS_PACKAGES_DIR": str(packages)}, capture_output=True)
    return packages


@dataclass
class Setup:
    articles: list[Path]
    engine: str
    env: dict[str, str]
    reference: tuple | None = None  # reference_run's result, once it ran

    def command(self, out: Path, log: Path, articles: list[Path] | None = None) -> list[str]:
        return [sys.executable, str(Path(__file__).resolve()), "--child", str(log), "--", "translate",
                *map(str, articles or self.articles), "-o", str(out), "--engine", self.engine]

    def environment(self, memory_dir: Path) -> dict[str, str]:
        return {**os.environ, **self.env, "ALIGN_CACHE_DIR": str(memory_dir), "PYTHONPATH": str(REPO)}


# --------------------------------------------------------------------------- checks


def comparable(path: Path):
    """The document in a TEI file, with the one thing that differs between runs (the date) blanked."""
    from align import tei

    doc = tei.read_tei(path)
    doc.provenance.date = ""
    return doc


def output_problems(out: Path, reference: dict[str, object]) -> list[str]:
    """Every output absent or complete and valid; no partial file under the real name."""
    from align import tei

    problems = []
    for path in sorted(out.glob("*.tei.xml")):
        found = tei.validate(path)
        if found:
            problems.append(f"{path.name}: {found[0]}")
        elif comparable(path) != reference[path.name]:
            problems.append(f"{path.name}: differs from the uninterrupted run")
    return problems


def memory_problems(memory_dir: Path) -> list[str]:
    path = memory_dir / "tm.sqlite3"
    if not path.exists():
        return []
    connection = sqlite3.connect(str(path), timeout=60)
    try:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:  # not even readable
        return [f"integrity_check: {error}"]
    finally:
        connection.close()
    return [] if result == ["ok"] else [f"integrity_check: {result}"]


def log_entries(log: Path) -> list[dict]:
    if not log.exists():
        return []
    entries = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return entries


# --------------------------------------------------------------------------- the kill test


@dataclass
class KillReport:
    kills: int = 0
    starts: int = 0
    finished_before_kill: int = 0
    delays: list[float] = field(default_factory=list)
    outputs_seen_after_kills: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    translated_after_stored: list[str] = field(default_factory=list)
    engine_sentences: int = 0
    reference_engine_sentences: int = 0
    reference_seconds: float = 0.0
    final_returncode: int | None = None
    leftover_temporaries: list[str] = field(default_factory=list)

    def ok(self) -> bool:
        return not (self.problems or self.translated_after_stored) and self.final_returncode == 0


def reference_run(setup: Setup, work: Path) -> tuple[dict[str, object], int, float]:
    """The outputs of an uninterrupted run (by file name), its engine sentences and seconds;
    run once per Setup."""
    if setup.reference is None:
        setup.reference = _reference_run(setup, work)
    return setup.reference


def _reference_run(setup: Setup, work: Path) -> tuple[dict[str, object], int, float]:
    out, memory, log = work / "reference-out", work / "reference-memory", work / "reference.log"
    started = time.monotonic()
    done = subprocess.run(setup.command(out, log), env=setup.environment(memory), capture_output=True, text=True,
                          timeout=3600)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"the uninterrupted run failed: {done.stderr[-2000:]}")
    reference = {path.name: comparable(path) for path in out.glob("*.tei.xml")}
    if len(reference) != len(setup.articles):
        raise SystemExit(f"the uninterrupted run wrote {len(reference)} of {len(setup.articles)} outputs")
    return reference, len(log_entries(log)), seconds


def kill_test(setup: Setup, work: Path, kills: int, seed: int, max_delay: float | None = None) -> KillReport:
    """See the module docstring. ``max_delay``: the longest wait before a kill (default: twice the
    reference run's duration divided by ``kills``). A run that finishes before its kill starts the
    work again (outputs and memory removed)."""
    rng = random.Random(seed)
    reference, reference_calls, seconds = reference_run(setup, work)
    report = KillReport(reference_engine_sentences=reference_calls, reference_seconds=round(seconds, 2))
    out, memory, log = work / "out", work / "memory", work / "kill.log"
    # about twice the reference's time per kill: each run gets a little further, all of them end
    # at different points, and the work is rarely finished before the last kill
    longest = max_delay if max_delay is not None else max(0.5, 2 * seconds / kills)
    while report.kills < kills and report.starts < 3 * kills:
        report.starts += 1
        process = subprocess.Popen(setup.command(out, log), env=setup.environment(memory),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0.0, longest)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            report.kills += 1
            report.delays.append(round(delay, 3))
        else:
            report.finished_before_kill += 1
        report.problems += output_problems(out, reference) + memory_problems(memory)
        if process.returncode == 0:  # it finished first: start the work again, kills must land in it
            for path in [*out.glob("*.tei.xml"), *memory.glob("tm.sqlite3*")]:
                path.unlink()
        report.outputs_seen_after_kills.append(len(list(out.glob("*.tei.xml"))))
    final = subprocess.run(setup.command(out, log), env=setup.environment(memory), capture_output=True, text=True,
                           timeout=3600)
    report.final_returncode = final.returncode
    if final.returncode != 0:
        report.problems.append(f"final run exit {final.returncode}: {final.stderr[-500:]}")
    report.problems += output_problems(out, reference) + memory_problems(memory)
    names = {path.name for path in out.glob("*.tei.xml")}
    report.problems += [f"{name}: missing after the final run" for name in sorted(set(reference) - names)]
    report.leftover_temporaries = sorted(p.name for p in out.glob(".*.tmp"))
    entries = log_entries(log)
    report.engine_sentences = len(entries)
    report.translated_after_stored = sorted({e["text"] for e in entries if e["stored"]})
    return report


# --------------------------------------------------------------------------- two processes at once


@dataclass
class ConcurrentReport:
    returncodes: list[int] = field(default_factory=list)
    locked_messages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    leftover_temporaries: list[str] = field(default_factory=list)

    def ok(self) -> bool:
        return self.returncodes == [0, 0] and not (self.locked_messages or self.problems)


def concurrent_test(setup: Setup, work: Path) -> ConcurrentReport:
    """Two processes on overlapping halves (each two thirds of the articles, the middle third in
    both, in opposite orders so that they meet), one output folder, one memory."""
    reference, _, _ = reference_run(setup, work)
    n = len(setup.articles)
    first, second = setup.articles[: 2 * n // 3], setup.articles[n // 3:][::-1]
    out, memory = work / "concurrent-out", work / "concurrent-memory"
    processes = [subprocess.Popen(setup.command(out, work / f"concurrent{k}.log", part),
                                  env=setup.environment(memory), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
                 for k, part in enumerate((first, second))]
    report = ConcurrentReport()
    for process in processes:
        _, stderr = process.communicate(timeout=3600)
        report.returncodes.append(process.returncode)
        report.locked_messages += [line for line in stderr.splitlines() if "locked" in line]
        if process.returncode != 0:
            report.problems.append(stderr[-500:])
    report.problems += output_problems(out, reference) + memory_problems(memory)
    names = {path.name for path in out.glob("*.tei.xml")}
    report.problems += [f"{name}: missing" for name in sorted(set(reference) - names)]
    report.leftover_temporaries = sorted(p.name for p in out.glob(".*.tmp"))
    return report


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1], argv[3:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--engine", choices=["argos", "apertium"], default="argos")
    parser.add_argument("--argos-packages", type=Path, help="argos packages folder (default: the synthetic model)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=None, help="longest wait before a kill, seconds")
    parser.add_argument("--concurrent", action="store_true", help="run the two-process test instead")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory(prefix="align-kill-") as temporary:
        work = args.keep or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        env = {}
        if args.engine == "argos":
            env["ARGOS_PACKAGES_DIR"] = str(args.argos_packages or synthetic_packages(work / "argos"))
        setup = Setup(make_articles(work / "articles", args.articles), args.engine, env)
        if args.concurrent:
            report = concurrent_test(setup, work)
        else:
            report = kill_test(setup, work, args.kills, args.seed, args.max_delay)
        print(json.dumps(report.__dict__, indent=1, ensure_ascii=False))
        print("OK" if report.ok() else "FAILED")
        return 0 if report.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
