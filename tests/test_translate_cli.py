"""`align translate` end to end on the five seeds, with the synthetic argos model.

The synthetic model's English is gibberish: these tests check the plumbing
(segmentation -> engine -> TEI), not the translation.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from align import tei
from align.segment import segment


@pytest.fixture(scope="module")
def translated_seeds(tmp_path_factory, seed_files, argos_packages_dir, run_align):
    out = tmp_path_factory.mktemp("tei")
    env = {"ARGOS_PACKAGES_DIR": str(argos_packages_dir), "ALIGN_CACHE_DIR": str(out / "cache")}
    result = run_align("translate", *seed_files, "-o", out, env=env)
    assert result.exit_code == 0, result.stderr
    return out, env, result


def test_every_seed_becomes_a_valid_tei_file(translated_seeds, seed_files, tei_all_rng):
    out, _, _ = translated_seeds
    for seed in seed_files:
        path = out / f"{seed.stem}.tei.xml"
        assert path.is_file()
        tree = tei.to_tree(tei.read_tei(path))
        assert tei_all_rng.validate(tree), tei_all_rng.error_log.last_error


def test_every_source_sentence_appears_exactly_once(translated_seeds, seed_files):
    out, _, _ = translated_seeds
    for seed in seed_files:
        doc = tei.read_tei(out / f"{seed.stem}.tei.xml")
        expected = [s.text for s in segment(seed.read_text(encoding="utf-8"), "fr").sentences()]
        assert [s.text for s in doc.source.sentences()] == expected
        linked = [sid for link in doc.links for sid in link.source]
        assert sorted(linked) == sorted(s.id for s in doc.source.sentences())
        assert len(linked) == len(set(linked))


def test_every_link_target_exists(translated_seeds, seed_files):
    out, _, _ = translated_seeds
    for seed in seed_files:
        doc = tei.read_tei(out / f"{seed.stem}.tei.xml")
        source_ids = {s.id for s in doc.source.sentences()}
        target_ids = {s.id for s in doc.target.sentences()}
        for link in doc.links:
            assert set(link.source) <= source_ids and set(link.target) <= target_ids
            assert link.kind == "1-1"


def test_round_trip_gives_back_the_same_objects(translated_seeds, seed_files, tmp_path):
    out, _, _ = translated_seeds
    doc = tei.read_tei(out / f"{seed_files[0].stem}.tei.xml")
    copy = tmp_path / "copy.tei.xml"
    tei.write_tei(doc, copy)
    assert tei.read_tei(copy) == doc


def test_provenance_names_the_model_and_the_source(translated_seeds, seed_files):
    import hashlib

    out, _, _ = translated_seeds
    doc = tei.read_tei(out / f"{seed_files[1].stem}.tei.xml")
    prov = doc.provenance
    assert prov.engine == "argos" and prov.model and prov.align_version
    assert prov.source_sha256 == hashlib.sha256(seed_files[1].read_bytes()).hexdigest()


def test_furniture_is_kept_untranslated(translated_seeds, seed_files):
    out, _, _ = translated_seeds
    doc = tei.read_tei(out / f"{seed_files[3].stem}.tei.xml")  # 003 has "Mis à jour …" and "fr-01"
    furniture = [(p, q) for p, q in zip(doc.source.paragraphs, doc.target.paragraphs) if p.kind == "furniture"]
    assert furniture
    for fr, en in furniture:
        assert en.kind == "furniture"
        assert [s.text for s in fr.sentences] == [s.text for s in en.sentences]


def test_rerun_skips_articles_that_are_up_to_date(translated_seeds, seed_files, run_align):
    out, env, _ = translated_seeds
    before = {p: p.stat().st_mtime_ns for p in out.glob("*.tei.xml")}
    result = run_align("translate", *seed_files, "-o", out, env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("up to date") == 5
    assert {p: p.stat().st_mtime_ns for p in out.glob("*.tei.xml")} == before


def test_show_prints_the_pairs(translated_seeds, seed_files, run_align):
    out, env, _ = translated_seeds
    result = run_align("show", out / f"{seed_files[0].stem}.tei.xml", env=env)
    assert result.exit_code == 0, result.stderr
    assert "Poutine" in result.stdout


# --- bad input: one clear line, non-zero exit, no partial output -------------

def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Le président a déclaré à Séoul.".encode("latin-1"))
    directory = tmp_path / "folder.txt"
    directory.mkdir()
    return {"empty": empty, "binary": binary, "latin-1": latin1, "directory": directory,
            "missing": tmp_path / "missing.txt"}


@pytest.mark.parametrize("kind", ["empty", "binary", "latin-1", "directory", "missing"])
def test_bad_input_gives_one_line_and_no_output(kind, tmp_path, argos_packages_dir, run_align):
    bad = _bad_inputs(tmp_path)[kind]
    out = tmp_path / "out"
    env = {"ARGOS_PACKAGES_DIR": str(argos_packages_dir), "ALIGN_CACHE_DIR": str(tmp_path / "cache")}
    result = run_align("translate", bad, "-o", out, env=env)
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("align: error:")]
    assert len(errors) == 1 and bad.name in errors[0]
    assert not list(out.glob("*")) if out.exists() else True


def test_one_bad_article_does_not_lose_the_others(tmp_path, seed_files, argos_packages_dir, run_align):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    out = tmp_path / "out"
    env = {"ARGOS_PACKAGES_DIR": str(argos_packages_dir), "ALIGN_CACHE_DIR": str(tmp_path / "cache")}
    result = run_align("translate", seed_files[2], empty, seed_files[4], "-o", out, env=env)
    assert result.exit_code != 0
    assert sorted(p.name for p in out.glob("*.tei.xml")) == sorted(
        f"{s.stem}.tei.xml" for s in (seed_files[2], seed_files[4]))


def test_missing_model_says_what_to_run(tmp_path, seed_files, run_align):
    empty_packages = tmp_path / "packages"
    empty_packages.mkdir()
    result = run_align("translate", seed_files[0], "--engine", "argos", "-o", tmp_path / "out",
                       env={"ARGOS_PACKAGES_DIR": str(empty_packages)})
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "align models install" in lines[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_interrupted_run_resumes_without_loss_or_duplicates(tmp_path, seed_files, argos_packages_dir):
    """Ctrl-C in the middle of a batch of articles; the rerun finishes the rest."""
    import os
    import signal
    import subprocess
    import sys
    import time

    articles = tmp_path / "articles"
    articles.mkdir()
    for copy in range(2):
        for seed in seed_files:
            shutil.copy(seed, articles / f"{copy}_{seed.name}")
    inputs = sorted(articles.glob("*.txt"))
    out = tmp_path / "out"
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(argos_packages_dir), "ALIGN_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "align", "translate", *map(str, inputs), "-o", str(out)],
                            env=env, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None and not list(out.glob("*.tei.xml")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=300)
    done_before = {p.name for p in out.glob("*.tei.xml")}
    assert not list(out.glob(".*.tmp")), "an interrupted write left a temporary file"

    rerun = subprocess.run([sys.executable, "-m", "align", "translate", *map(str, inputs), "-o", str(out)],
                           env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.count("up to date") == len(done_before)
    outputs = sorted(out.glob("*.tei.xml"))
    assert len(outputs) == len(inputs)
    for path in outputs:
        doc = tei.read_tei(path)
        ids = [sid for link in doc.links for sid in link.source]
        assert len(ids) == len(set(ids)) == len(doc.source.sentences())
