"""The --ray and --pairs options without a Ray cluster: what needs no Ray runs everywhere.

Without --ray, align never imports Ray; with --ray and no Ray installed it says what
to install in one line; manifests are read and checked before anything starts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from align.engines.base import EngineInfo
from align.errors import InputError
from align.pairs import manifest_jobs, pair_output, read_manifest


@pytest.fixture()
def no_ray(tmp_path) -> dict[str, str]:
    """An environment where ``import ray`` fails, as it does where the extra is not installed."""
    fake = tmp_path / "no-ray" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named ray')\n", encoding="utf-8")
    return {"PYTHONPATH": str(fake.parent)}


@pytest.mark.apertium
def test_without_ray_option_ray_is_never_imported(tmp_path, seed_files):
    code = (
        "import sys; from align.cli import main\n"
        f"code = main(['translate', {str(seed_files[0])!r}, '-o', {str(tmp_path)!r}, '--engine', 'apertium',"
        " '--no-cache'])\n"
        "assert code == 0, code\n"
        "print('ray' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    assert (tmp_path / f"{seed_files[0].stem}.tei.xml").is_file()


@pytest.mark.parametrize("command", [
    ("translate", "{seed}", "-o", "{out}", "--engine", "apertium", "--ray"),
    ("align", "--pairs", "{manifest}", "-o", "{out}", "--method", "anchors", "--ray", "auto"),
])
def test_missing_ray_is_one_line_naming_the_extra(command, tmp_path, seed_files, no_ray, run_align):
    manifest = tmp_path / "pairs.tsv"
    manifest.write_text(f"{seed_files[0]}\t{seed_files[1]}\n", encoding="utf-8")
    args = [part.format(seed=seed_files[0], out=tmp_path / "out", manifest=manifest) for part in command]
    result = run_align(*args, env=no_ray)
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        "align: error: --ray needs Ray, which is not installed: pip install -e '.[ray]' (or pip install 'ray>=2.40,<3')"
    ]
    assert not (tmp_path / "out").exists()


def test_a_file_taken_as_the_ray_address_is_explained(tmp_path, seed_files, run_align):
    """--ray takes an optional value: `--ray FILE` would join a cluster called FILE."""
    result = run_align("translate", "--ray", seed_files[0], seed_files[1], "-o", tmp_path, "--engine", "apertium")
    assert result.exit_code != 0
    assert "not a Ray address" in result.stderr and "--ray=ADDRESS" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_manifest_lines_are_pairs_relative_to_the_manifest(tmp_path):
    manifest = tmp_path / "books" / "manifest.tsv"
    manifest.parent.mkdir()
    manifest.write_text("# French\tEnglish\n\nemma.fr.txt\temma.en.txt\n/abs/with space.fr.txt\t/abs/b.en.txt\n"
                        "jane.fr.txt  jane.en.txt\n", encoding="utf-8")
    assert read_manifest(manifest) == [
        (manifest.parent / "emma.fr.txt", manifest.parent / "emma.en.txt"),
        (Path("/abs/with space.fr.txt"), Path("/abs/b.en.txt")),
        (manifest.parent / "jane.fr.txt", manifest.parent / "jane.en.txt"),
    ]


def test_a_bad_manifest_line_names_its_number(tmp_path):
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text("a.fr.txt\ta.en.txt\nonly-one.txt\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"manifest.tsv:2: expected two paths"):
        read_manifest(manifest)


def test_outputs_are_named_after_the_french_file_and_never_shared(tmp_path):
    assert pair_output(Path("x/Emma.fr.txt"), tmp_path) == tmp_path / "Emma.tei.xml"
    assert pair_output(Path("x/article.txt"), tmp_path) == tmp_path / "article.tei.xml"
    with pytest.raises(InputError, match="would both be written to"):
        manifest_jobs([(Path("a/Emma.fr.txt"), Path("a/Emma.en.txt")),
                       (Path("b/Emma.fr.txt"), Path("b/Emma.en.txt"))], tmp_path)


def test_pairs_and_two_files_are_one_or_the_other(tmp_path, seed_files, run_align):
    result = run_align("align", seed_files[0], seed_files[1], "--pairs", tmp_path / "m.tsv", "-o", tmp_path / "o")
    assert result.exit_code == 2 and "--pairs MANIFEST replaces FRENCH and ENGLISH" in result.stderr
    result = run_align("align", seed_files[0], seed_files[1], "-o", tmp_path / "o.xml", "--ray")
    assert result.exit_code == 2 and "--ray needs --pairs MANIFEST" in result.stderr


class FakeRay:
    """Enough of the ray module to see which actors start_pool asks for (no Ray, no engine)."""

    def __init__(self, resources: dict[str, float]) -> None:
        self.resources = resources
        self.started: list[tuple[dict, tuple]] = []  # (actor resources, EngineHost arguments)

    def cluster_resources(self) -> dict[str, float]:
        return self.resources

    def remote(self, **restart_options):
        assert restart_options == {"max_restarts": -1, "max_task_retries": -1}  # a dead actor comes back
        fake = self

        class ActorClass:
            @staticmethod
            def options(**resources):
                class Starter:
                    @staticmethod
                    def remote(*args):
                        fake.started.append((resources, args))
                        return FakeHandle()
                return Starter
        return lambda cls: ActorClass

    def get(self, refs):
        return list(refs)

    def kill(self, handle) -> None:
        pass


class FakeHandle:
    """An actor whose engine loaded: ready() says "", info() names it."""

    class ready:
        remote = staticmethod(lambda: "")

    class info:
        remote = staticmethod(lambda: EngineInfo("argos", "4", "model"))


@pytest.mark.parametrize("resources, settings, expected", [
    ({"CPU": 16, "GPU": 4}, {}, (4, 1.0)),  # one actor per GPU
    ({"CPU": 16, "GPU": 4}, {"engine_name": "apertium"}, (15, 0.0)),  # Apertium runs on CPUs
    ({"CPU": 16}, {"threads": 4}, (3, 0.0)),  # (16 - 1 CPU for reading) // 4 threads
    ({"CPU": 2}, {}, (1, 0.0)),  # this machine
    ({"CPU": 16, "GPU": 2}, {"actors": 4}, (4, 0.5)),  # asked for more actors than GPUs: they share
])
def test_actor_count_follows_the_cluster(resources, settings, expected):
    from align.cluster.translate import Settings, _actor_count

    assert _actor_count(FakeRay(resources), Settings(**settings)) == expected


def test_gpu_actors_reserve_a_gpu_and_run_the_engine_on_cuda():
    from align.cluster.engines import start_pool

    fake = FakeRay({"CPU": 8, "GPU": 2})
    pool = start_pool(fake, "argos", {"model": "m"}, actors=2, threads=1, gpus_per_actor=1.0)
    assert [resources for resources, _ in fake.started] == [{"num_cpus": 1, "num_gpus": 1.0}] * 2
    assert fake.started[0][1] == ("argos", {"model": "m", "device": "cuda", "threads": 1})
    assert pool.info().name == "argos"


def test_cpu_actors_reserve_their_threads():
    from align.cluster.engines import start_pool

    fake = FakeRay({"CPU": 8})
    start_pool(fake, "argos", {"device": "cpu"}, actors=3, threads=2, gpus_per_actor=0.0)
    assert [resources for resources, _ in fake.started] == [{"num_cpus": 2}] * 3
    assert fake.started[0][1] == ("argos", {"device": "cpu", "threads": 2})
