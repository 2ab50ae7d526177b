"""Engine selection: by name, or argos when installed, else Apertium with a notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from align.engines.base import get_engine
from align.engines.select import APERTIUM_NOTICE
from align.errors import ModelError


@pytest.fixture
def no_argos_packages(monkeypatch, tmp_path: Path) -> Path:
    """An empty argos package folder: no fr->en model is installed."""
    empty = tmp_path / "argos-packages"
    empty.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(empty))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return empty


def test_an_unknown_engine_is_a_clear_error():
    with pytest.raises(ModelError, match="unknown engine 'deepl': choose one of argos, apertium"):
        get_engine("deepl")


@pytest.mark.apertium
def test_apertium_by_name(capsys):
    engine = get_engine("apertium")
    assert engine.info().name == "apertium"
    assert capsys.readouterr().err == ""  # asked for by name: no notice


@pytest.mark.apertium
def test_argos_options_are_not_passed_to_apertium():
    engine = get_engine("apertium", beam_size=2, threads=1)
    assert engine.info().name == "apertium"


@pytest.mark.apertium
def test_without_argos_model_apertium_is_picked_with_a_notice(no_argos_packages, capsys):
    engine = get_engine(None)
    assert engine.info().name == "apertium"
    err = capsys.readouterr().err
    assert APERTIUM_NOTICE in err
    assert err.count("\n") == 1


def test_without_any_engine_the_error_says_what_to_install(no_argos_packages, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ModelError) as caught:
        get_engine(None)
    message = str(caught.value)
    assert "\n" not in message
    assert "align models install" in message
    assert "apt-get install apertium apertium-fr-es apertium-eng-spa" in message


def test_argos_by_name_without_a_model_is_a_model_error(no_argos_packages):
    with pytest.raises(ModelError):
        get_engine("argos")


def test_translate_cli_with_apertium_unavailable_is_one_line(run_align, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Le chat est noir.\n", encoding="utf-8")
    env = {"PATH": str(tmp_path), "ARGOS_PACKAGES_DIR": str(tmp_path / "none"), "HOME": str(tmp_path)}
    result = run_align("translate", article, "-o", tmp_path, env=env)
    assert result.exit_code != 0
    assert "no translation engine" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def synthetic_argos_dir(tmp_path_factory, seed_files) -> Path:
    """A package folder holding the synthetic fr->en argos package (random weights)."""
    from align.models import install_package
    from align.synthetic_model import build_argos_package

    built = tmp_path_factory.mktemp("built")
    texts = [seed.read_text(encoding="utf-8") for seed in seed_files]
    archive = build_argos_package(built, texts=texts, vocab_size=500)
    packages = tmp_path_factory.mktemp("argos-packages")
    install_package(archive, packages_dir=packages)
    return packages


def test_an_installed_argos_package_is_preferred_without_notice(synthetic_argos_dir, monkeypatch, capsys):
    pytest.importorskip("align.engines.argos", reason="the argos engine module is not in this tree yet")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(synthetic_argos_dir))
    engine = get_engine(None, beam_size=2, threads=1)
    info = engine.info()
    assert info.name == "argos"
    assert info.settings["beam_size"] == "2"
    assert APERTIUM_NOTICE not in capsys.readouterr().err
    assert len(engine.translate_batch(["Le chat est noir.", "Il pleut."])) == 2



def test_compute_type_reaches_ctranslate2_and_the_provenance(synthetic_argos_dir, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(synthetic_argos_dir))
    int8 = get_engine(None, compute_type="int8").info()
    plain = get_engine(None).info()
    assert int8.settings["compute_type"].startswith("int8")
    assert plain.settings["compute_type"] == "float32"
    assert int8.cache_key() != plain.cache_key()  # the translation memory keeps them apart

@pytest.mark.apertium
def test_apertium_by_name_even_when_argos_is_installed(synthetic_argos_dir, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(synthetic_argos_dir))
    assert get_engine("apertium").info().name == "apertium"
