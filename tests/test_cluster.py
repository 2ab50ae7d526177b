"""`align translate --ray` and `align align --pairs --ray` write the files a local run writes.

One Ray instance (two CPUs' worth of actors and tasks) starts for the module;
the commands join it by address, as they would join a real cluster, except
where a test checks that a bare ``--ray`` starts Ray itself. Every TEI file is
compared with the local command's, apart from the date in its header.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' (tests of --ray skipped)")

from align.cluster.corpus import generate_corpus  # noqa: E402

SCRIPTS = str(Path(__file__).resolve().parents[1] / "scripts")
sys.path.insert(0, SCRIPTS)
try:  # the TEI comparison of scripts/bench_ray.py and scripts/ray_equivalence.py
    from bench_ray import comparable  # noqa: E402
finally:
    sys.path.remove(SCRIPTS)

GENERATED = 200


@pytest.fixture(scope="module")
def ray_address():
    """A local Ray instance for this module; the commands join it by its address."""
    ray.init(address="local", num_cpus=3, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seed_files) -> Path:
    """The five seeds and 200 articles generated from their paragraphs, in one folder."""
    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(seed_files, folder, GENERATED)
    for seed in seed_files:
        shutil.copy(seed, folder / seed.name)
    return folder


@pytest.fixture(scope="module")
def bad_articles(tmp_path_factory) -> list[Path]:
    """An empty article and a latin-1 one: each must fail alone."""
    folder = tmp_path_factory.mktemp("bad")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Le président a déclaré.\n".encode("latin-1"))
    return sorted(folder.iterdir())


@pytest.fixture(scope="module")
def synthetic_env(argos_packages_dir) -> dict[str, str]:
    return {"ARGOS_PACKAGES_DIR": str(argos_packages_dir)}


@pytest.fixture(scope="module")
def local_synthetic(tmp_path_factory, corpus, bad_articles, synthetic_env, run_align):
    """`align translate` without --ray: the reference files (and its messages)."""
    out = tmp_path_factory.mktemp("local-synthetic")
    env = {**synthetic_env, "ALIGN_CACHE_DIR": str(out / "cache")}
    # one CTranslate2 thread, as each actor has: all cores (the default) spin on a busy 2-core machine
    result = run_align("translate", *sorted(corpus.glob("*.txt")), *bad_articles, "-o", out / "tei",
                       "--glossary", "russia-dprk", "--threads", "1", env=env)
    assert result.exit_code == 1, result.stderr
    return out / "tei", result


def assert_same_files(reference: Path, produced: Path, killed_writer: bool = False,
                      names: list[str] | None = None) -> None:
    """Same file names (all of ``reference``, or ``names``), same TEI apart from the date; no temporary
    file left, unless a process was killed while it wrote (SIGKILL leaves align.io.write_atomic's
    hidden .NAME.*.tmp, never a partial file)."""
    names = sorted(names or (p.name for p in reference.glob("*.tei.xml")))
    assert names == sorted(p.name for p in produced.glob("*.tei.xml"))
    if not killed_writer:
        assert not list(produced.glob(".*.tmp")), "a temporary file was left behind"
    different = [name for name in names if comparable(reference / name) != comparable(produced / name)]
    assert not different, f"{len(different)} of {len(names)} files differ from the local run: {different[:5]}"


def error_lines(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if line.startswith("align: error:"))


def written_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if " -> " in line]


def test_a_corpus_on_ray_gives_the_local_files(tmp_path, ray_address, corpus, bad_articles, synthetic_env,
                                              local_synthetic, run_align):
    """205 articles, two engine actors, the glossary and a fresh translation memory; two bad articles
    are reported as the local command reports them and the others are written."""
    reference, local = local_synthetic
    env = {**synthetic_env, "ALIGN_CACHE_DIR": str(tmp_path / "cache")}
    result = run_align("translate", corpus, *bad_articles, "-o", tmp_path / "tei", "--glossary", "russia-dprk",
                       "--ray", ray_address, "--actors", "2", env=env)
    assert result.exit_code == 1, result.stderr
    assert "align: 2 of 207 article(s) failed" in result.stderr
    assert error_lines(result.stderr) == error_lines(local.stderr) and len(error_lines(result.stderr)) == 2
    assert len(written_lines(result.stderr)) == GENERATED + 5
    assert_same_files(reference, tmp_path / "tei")


def test_a_rerun_on_ray_skips_what_is_up_to_date(tmp_path, ray_address, corpus, synthetic_env, local_synthetic,
                                                run_align):
    """Files the local run wrote are up to date for the Ray run: same engine, model and glossary."""
    reference, _ = local_synthetic
    out = tmp_path / "tei"
    shutil.copytree(reference, out)
    env = {**synthetic_env, "ALIGN_CACHE_DIR": str(tmp_path / "cache")}
    result = run_align("translate", corpus, "-o", out, "--glossary", "russia-dprk", "--ray", ray_address, env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("up to date") == GENERATED + 5
    assert not written_lines(result.stderr)


def actor_pids(cache_dir: Path) -> set[int]:
    """Processes of the engine actors of the run whose ALIGN_CACHE_DIR is ``cache_dir`` (Ray titles
    them ray::EngineHost...; the command passes its ALIGN_* variables to its workers)."""
    pids = set()
    marker = f"ALIGN_CACHE_DIR={cache_dir}".encode() + b"\0"
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "cmdline").read_bytes().startswith(b"ray::EngineHost") and \
                        marker in (entry / "environ").read_bytes():
                    pids.add(int(entry.name))
            except OSError:
                continue
    return pids


def start_translate(corpus: Path, out: Path, address: str, env: dict[str, str], *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "align", "translate", str(corpus), "-o", str(out), "--glossary",
               "russia-dprk", "--ray", address, *extra]
    return subprocess.Popen(command, env={**os.environ, **env}, stderr=subprocess.PIPE, text=True)


def wait_for_outputs(proc: subprocess.Popen, out: Path, count: int) -> None:
    while proc.poll() is None and len(list(out.glob("*.tei.xml"))) < count:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"


def test_an_actor_killed_mid_run_loses_and_duplicates_nothing(tmp_path, ray_address, corpus, synthetic_env,
                                                             local_synthetic):
    """SIGKILL one of the two engine actors while articles are in flight: Ray restarts it,
    its batches are sent again, and every article is written once, as the local run writes it."""
    reference, _ = local_synthetic
    out = tmp_path / "tei"
    cache = tmp_path / "cache"
    proc = start_translate(corpus, out, ray_address, {**synthetic_env, "ALIGN_CACHE_DIR": str(cache)},
                           "--actors", "2")
    wait_for_outputs(proc, out, 20)
    ours = actor_pids(cache)
    assert len(ours) == 2, ours
    victim = min(ours)
    os.kill(victim, signal.SIGKILL)
    while proc.poll() is None and len(actor_pids(cache) - {victim}) < 2:
        time.sleep(0.05)  # Ray starts a new actor in its place
    assert proc.poll() is None, "the run ended before the actor came back: nothing was in flight"
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    written = written_lines(stderr)
    assert len(written) == len(set(written)) == GENERATED + 5
    assert_same_files(reference, out)


def test_an_interrupted_driver_resumes_on_rerun(tmp_path, ray_address, corpus, synthetic_env, local_synthetic,
                                               run_align):
    """SIGKILL the driver after some of 80 articles are written; the rerun skips them and writes the rest."""
    reference, _ = local_synthetic
    articles = tmp_path / "articles"
    articles.mkdir()
    for path in sorted(corpus.glob("gen_*.txt"))[:80]:
        shutil.copy(path, articles / path.name)
    out = tmp_path / "tei"
    env = {**synthetic_env, "ALIGN_CACHE_DIR": str(tmp_path / "cache")}
    proc = start_translate(articles, out, ray_address, env)
    wait_for_outputs(proc, out, 10)
    proc.kill()
    proc.communicate(timeout=60)
    finished = len(list(out.glob("*.tei.xml")))
    assert 10 <= finished < 80
    rerun = run_align("translate", articles, "-o", out, "--glossary", "russia-dprk", "--ray", ray_address, env=env)
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.stderr.count("up to date") == finished
    assert len(written_lines(rerun.stderr)) == 80 - finished
    assert_same_files(reference, out, killed_writer=True, names=[f"{p.stem}.tei.xml" for p in articles.iterdir()])


def test_srx_rules_and_engine_typography_on_ray_give_the_local_files(tmp_path, ray_address, seed_files,
                                                                      synthetic_env, run_align, srx_rules):
    """--srx (segmentation on the workers) and --typography engine reach every step as they do locally;
    a rerun with the same rules skips every article."""
    options = ("--glossary", "russia-dprk", "--srx", srx_rules, "--typography", "engine")
    local = run_align("translate", *seed_files, "-o", tmp_path / "local", *options, "--threads", "1",
                      env={**synthetic_env, "ALIGN_CACHE_DIR": str(tmp_path / "cache-local")})
    assert local.exit_code == 0, local.stderr
    env = {**synthetic_env, "ALIGN_CACHE_DIR": str(tmp_path / "cache-ray")}
    on_ray = run_align("translate", *seed_files, "-o", tmp_path / "ray", *options, "--ray", ray_address, env=env)
    assert on_ray.exit_code == 0, on_ray.stderr
    assert_same_files(tmp_path / "local", tmp_path / "ray")
    rerun = run_align("translate", *seed_files, "-o", tmp_path / "ray", *options, "--ray", ray_address, env=env)
    assert rerun.stderr.count("up to date") == len(seed_files)


@pytest.mark.apertium
def test_bare_ray_starts_a_local_instance_and_gives_the_apertium_files(tmp_path, corpus, seed_files, run_align):
    """No address: the command starts Ray itself (and stops it). Apertium on the seeds and 5 articles
    (scripts/ray_equivalence.py compares hundreds)."""
    inputs = [*seed_files, *sorted(corpus.glob("gen_*.txt"))[:5]]
    local = run_align("translate", *inputs, "-o", tmp_path / "local", "--engine", "apertium",
                      "--glossary", "russia-dprk", env={"ALIGN_CACHE_DIR": str(tmp_path / "cache-local")})
    assert local.exit_code == 0, local.stderr
    on_ray = run_align("translate", *inputs, "-o", tmp_path / "ray", "--engine", "apertium",
                       "--glossary", "russia-dprk", "--ray", env={"ALIGN_CACHE_DIR": str(tmp_path / "cache-ray")})
    assert on_ray.exit_code == 0, on_ray.stderr
    assert_same_files(tmp_path / "local", tmp_path / "ray")


def test_pairs_on_ray_give_the_local_files(tmp_path, ray_address, shared_dir, run_align, srx_rules):
    """Three TransRead books cut by SRX rules, and a pair whose English file is empty: reported,
    the others written."""
    books = shared_dir / "data" / "align" / "transread"
    lines = [f"{books}/{name}/{name}.fr.txt\t{books}/{name}/{name}.en.txt" for name in
             ("Emma", "JaneEyre", "LaFauteDeLAbbeMouret")]
    (tmp_path / "empty.en.txt").write_text("", encoding="utf-8")
    (tmp_path / "bad.fr.txt").write_text("Une phrase.\n", encoding="utf-8")
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text("# French\tEnglish\n" + "\n".join(lines) + "\nbad.fr.txt\tempty.en.txt\n", encoding="utf-8")
    runs = {}
    for name, extra in (("local", ()), ("ray", ("--ray", ray_address))):
        runs[name] = run_align("align", "--pairs", manifest, "-o", tmp_path / name, "--srx", srx_rules,
                               "--method", "anchors", *extra)
        assert runs[name].exit_code == 1, runs[name].stderr
        assert "align: 1 of 4 pair(s) failed" in runs[name].stderr
    assert error_lines(runs["ray"].stderr) == error_lines(runs["local"].stderr)
    assert "empty.en.txt: empty file" in runs["ray"].stderr
    assert sorted(p.name for p in (tmp_path / "ray").glob("*.tei.xml")) == \
        ["Emma.tei.xml", "JaneEyre.tei.xml", "LaFauteDeLAbbeMouret.tei.xml"]
    assert_same_files(tmp_path / "local", tmp_path / "ray")


def test_known_sentences_never_reach_an_actor(tmp_path, ray_address, corpus, argos_packages_dir, monkeypatch):
    """The translation memory stays with the driver: a forced rerun sends the actors nothing,
    and still writes every article."""
    from align.cluster import engines
    from align.cluster.translate import Settings, translate_corpus
    from align.glossary import load_glossary
    from align.translate import output_path

    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "cache"))
    sent: list[str] = []
    start_pool = engines.start_pool

    def counting_pool(*args, **kwargs):
        pool = start_pool(*args, **kwargs)
        translate_batch = pool.translate_batch
        pool.translate_batch = lambda batch: (sent.extend(batch), translate_batch(batch))[1]
        return pool

    monkeypatch.setattr(engines, "start_pool", counting_pool)
    jobs = [(path, output_path(path, tmp_path / "tei")) for path in sorted(corpus.glob("*.txt"))[:20]]
    model = next(argos_packages_dir.iterdir())
    settings = Settings(engine_options={"model": str(model)}, glossary=load_glossary("russia-dprk"), actors=1)
    first = translate_corpus(ray, jobs, settings, lambda outcome: None)
    assert [outcome.status for outcome in first] == ["written"] * 20
    assert sent, "the first run had sentences to translate"
    sent.clear()
    settings.force = True
    again = translate_corpus(ray, jobs, settings, lambda outcome: None)
    assert [outcome.status for outcome in again] == ["written"] * 20
    assert sent == []
