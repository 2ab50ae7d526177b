"""Shared fixtures. Helpers add fixtures here with small, targeted edits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ALIGN_SHARED", REPO.parent / "shared"))


APERTIUM_MISSING = "apertium not installed: apt-get install apertium apertium-fr-es apertium-eng-spa"


def _hypothesis_profiles() -> None:
    """Property tests (tests/test_properties.py) run the quick profile by default, a long one
    with HYPOTHESIS_PROFILE=long (scripts/robustness_long.sh). No deadline: the machine is shared."""
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # test_properties.py skips, saying so
        return
    relaxed = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    settings.register_profile("quick", max_examples=40, derandomize=True, **relaxed)
    settings.register_profile("long", max_examples=2000, **relaxed)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


_hypothesis_profiles()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "apertium: needs Debian's apertium fr-es and es-en pairs (skipped without them)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked ``apertium`` where the apertium command is missing."""
    if shutil.which("apertium") is not None:
        return
    skip = pytest.mark.skip(reason=APERTIUM_MISSING)
    for item in items:
        if item.get_closest_marker("apertium") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared is missing (looked in {SHARED}); set ALIGN_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def seed_files(shared_dir: Path) -> list[Path]:
    files = sorted((shared_dir / "seeds").glob("*.txt"))
    assert len(files) == 5
    return files


@pytest.fixture(scope="session")
def transread_book(shared_dir: Path):
    """``transread_book("Emma")``: (French sentences, English sentences, gold links) of
    one TransRead book, links as (French indices, English indices) lists."""
    import ast

    def load(name: str):
        folder = shared_dir / "data" / "align" / "transread" / name
        src = (folder / f"{name}.fr.txt").read_text(encoding="utf-8").splitlines()
        tgt = (folder / f"{name}.en.txt").read_text(encoding="utf-8").splitlines()
        gold = []
        for line in (folder / f"{name}.gold.fr-en").read_text(encoding="utf-8").splitlines():
            left, right = line.split(":")
            gold.append((list(ast.literal_eval(left)), list(ast.literal_eval(right))))
        return src, tgt, gold

    return load


@pytest.fixture(scope="session")
def tei_all_rng(shared_dir: Path):
    """The full TEI P5 RelaxNG schema, compiled once per test session (~15 s)."""
    from lxml import etree

    return etree.RelaxNG(etree.parse(str(shared_dir / "data" / "tei" / "tei_all.rng")))


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def run_align():
    """Run the real ``align`` command line in a subprocess: ``run_align("show", path)``."""

    def run(*args: object, env: dict[str, str] | None = None, cwd: Path | None = None) -> CliResult:
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run(
            [sys.executable, "-m", "align", *map(str, args)],
            capture_output=True, text=True, env=full_env, cwd=cwd, timeout=900,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture(scope="session")
def synthetic_argosmodel(tmp_path_factory, seed_files: list[Path]) -> Path:
    """A tiny random-weight fr->en .argosmodel (SentencePiece trained on the five seeds)."""
    from align.synthetic_model import build_argos_package

    texts = [path.read_text(encoding="utf-8") for path in seed_files]
    return build_argos_package(tmp_path_factory.mktemp("synthetic-model"), texts=texts)


@pytest.fixture(scope="session")
def argos_packages_dir(tmp_path_factory, synthetic_argosmodel: Path, run_align) -> Path:
    """A packages folder holding the synthetic model, installed with `align models install`.

    Pass ``env={"ARGOS_PACKAGES_DIR": str(argos_packages_dir)}`` to ``run_align``.
    """
    packages = tmp_path_factory.mktemp("argos-home") / "packages"
    result = run_align("models", "install", synthetic_argosmodel, env={"ARGOS_PACKAGES_DIR": str(packages)})
    assert result.exit_code == 0, result.stderr
    return packages


#: French rules cascading into default ones, as in OmegaT's defaultRules.srx (written here, not copied)
SRX_RULES = """<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes"/>
  <body>
    <languagerules>
      <languagerule languagerulename="French">
        <rule break="no"><beforebreak>[^A-Z]M\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
        <rule break="no"><beforebreak>\\.</beforebreak><afterbreak>\\s\\p{Ll}</afterbreak></rule>
        <rule break="no"><beforebreak>\\.</beforebreak><afterbreak>[\\u00A0\\s]»</afterbreak></rule>
      </languagerule>
      <languagerule languagerulename="Default">
        <rule break="yes"><beforebreak>[\\.\\?\\!]+</beforebreak><afterbreak>\\s</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules>
      <languagemap languagepattern="FR.*" languagerulename="French"/>
      <languagemap languagepattern=".*" languagerulename="Default"/>
    </maprules>
  </body>
</srx>
"""


@pytest.fixture
def srx_rules(tmp_path: Path) -> Path:
    """``rules.srx`` in the test's folder holding SRX_RULES (skipped without the regex module)."""
    pytest.importorskip("regex", reason="SRX rules need the regex module: pip install -e '.[srx]'")
    path = tmp_path / "rules.srx"
    path.write_text(SRX_RULES, encoding="utf-8")
    return path
