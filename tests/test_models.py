"""argos packages: install, list, verify, find; corrupt packages are refused cleanly."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from align.errors import ModelError
from align.models import (
    INSTALL_HINT,
    find_model,
    install_package,
    installed_packages,
    packages_dir,
    verify_package,
)


@pytest.fixture
def empty_packages(monkeypatch, tmp_path: Path) -> Path:
    folder = tmp_path / "argos" / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(folder))
    return folder


def rezip(source: Path, target: Path, *, rename=None, drop=(), extra=()) -> Path:
    """Copy the package zip ``source`` to ``target``, renaming/dropping/adding members."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            name = info.filename
            if any(name.endswith(d) for d in drop):
                continue
            data = src.read(info)
            if rename:
                name, data = rename(name, data)
            out.writestr(name, data)
        for name, data in extra:
            out.writestr(name, data)
    return target


def top_folder(archive: Path) -> str:
    with zipfile.ZipFile(archive) as zf:
        return zf.namelist()[0].split("/")[0]


def test_packages_dir_follows_argos_environment_variable(empty_packages):
    assert packages_dir() == empty_packages


def test_install_then_find_and_list(synthetic_argosmodel, empty_packages):
    package = install_package(synthetic_argosmodel)
    assert package.path == empty_packages / top_folder(synthetic_argosmodel)
    assert (package.from_code, package.to_code, package.package_version) == ("fr", "en", "1.0")
    assert (package.model_dir / "model.bin").is_file() and package.sentencepiece_model.is_file()
    assert [p.name for p in installed_packages()] == [package.name]
    assert find_model(None).path == package.path
    assert find_model(package.name).path == package.path
    assert find_model(str(package.path)).path == package.path
    assert sorted(p.name for p in empty_packages.parent.iterdir()) == ["packages"]  # no staging left


def test_reinstalling_replaces_the_package(synthetic_argosmodel, empty_packages):
    first = install_package(synthetic_argosmodel)
    (first.path / "stale-file").write_text("old")
    second = install_package(synthetic_argosmodel)
    assert second.path == first.path and not (second.path / "stale-file").exists()
    assert len(installed_packages()) == 1


def test_argostranslate_sees_what_align_installed(synthetic_argosmodel, empty_packages):
    from argostranslate.package import get_installed_packages

    install_package(synthetic_argosmodel)
    (argos_package,) = get_installed_packages([empty_packages])
    assert (argos_package.from_code, argos_package.to_code) == ("fr", "en")


def test_verify_accepts_the_synthetic_package(synthetic_argosmodel):
    verified = verify_package(synthetic_argosmodel)
    assert verified.metadata["from_code"] == "fr" and verified.metadata["to_code"] == "en"


def test_missing_model_says_what_to_run(empty_packages):
    with pytest.raises(ModelError) as error:
        find_model(None)
    assert str(error.value) == f"no fr->en model installed in {empty_packages}: {INSTALL_HINT}"


def test_unknown_model_name_says_what_to_run(empty_packages):
    with pytest.raises(ModelError, match="no installed model called 'nope'.*align models install"):
        find_model("nope")


def wrong_pair(name: str, data: bytes):
    if name.endswith("metadata.json"):
        metadata = json.loads(data)
        metadata["from_code"] = "de"
        data = json.dumps(metadata).encode()
    return name, data


def not_a_zip(target: Path) -> Path:
    target.write_bytes(b"this is not a zip file\n")
    return target


CORRUPTIONS = {
    "not a zip": (lambda src, dst: not_a_zip(dst), "not a zip archive"),
    "no metadata": (lambda src, dst: rezip(src, dst, drop=("metadata.json",)), "no translate-fr_en-synthetic/metadata.json"),
    "path traversal": (lambda src, dst: rezip(src, dst, extra=[("../evil", b"x")]), "unsafe member path '../evil'"),
    "absolute path": (lambda src, dst: rezip(src, dst, extra=[("/tmp/evil", b"x")]), "unsafe member path '/tmp/evil'"),
    "wrong pair": (lambda src, dst: rezip(src, dst, rename=wrong_pair), "is a de->en translate package"),
    "no model.bin": (lambda src, dst: rezip(src, dst, drop=("model/model.bin",)), "model/model.bin is missing"),
    "no tokenizer": (lambda src, dst: rezip(src, dst, drop=("sentencepiece.model",)),
                     "its tokenizer is missing (sentencepiece.model or bpe.model)"),
    "two top folders": (lambda src, dst: rezip(src, dst, extra=[("other/file", b"x")]), "2 top folders"),
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corrupt_package_gives_one_line_and_installs_nothing(kind, synthetic_argosmodel, tmp_path, run_align):
    make, expected = CORRUPTIONS[kind]
    bad = make(synthetic_argosmodel, tmp_path / "bad.argosmodel")
    home = tmp_path / "argos"
    result = run_align("models", "install", bad, env={"ARGOS_PACKAGES_DIR": str(home / "packages")})
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    leftovers = [p for p in home.rglob("*")] if home.exists() else []
    assert leftovers in ([], [home / "packages"]), leftovers


def test_symlink_member_is_refused(synthetic_argosmodel, tmp_path):
    bad = rezip(synthetic_argosmodel, tmp_path / "link.argosmodel")
    link = zipfile.ZipInfo("translate-fr_en-synthetic/model/evil")
    link.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr(link, "/etc/passwd")
    with pytest.raises(ModelError, match="symbolic link member"):
        verify_package(bad)


def test_cli_install_and_list(synthetic_argosmodel, tmp_path, run_align):
    env = {"ARGOS_PACKAGES_DIR": str(tmp_path / "packages")}
    empty = run_align("models", "list", env=env)
    assert empty.exit_code == 0 and "no argos packages" in empty.stdout
    installed = run_align("models", "install", synthetic_argosmodel, env=env)
    assert installed.exit_code == 0 and "installed translate-fr_en-synthetic (fr->en, version 1.0)" in installed.stdout
    listing = run_align("models", "list", env=env).stdout.splitlines()
    assert listing[0].split() == ["NAME", "FROM->TO", "VERSION", "PATH"]
    assert listing[1].split() == ["translate-fr_en-synthetic", "fr->en", "1.0", str(tmp_path / "packages" / "translate-fr_en-synthetic")]


def test_cli_install_of_a_missing_file(tmp_path, run_align):
    result = run_align("models", "install", tmp_path / "none.argosmodel", env={"ARGOS_PACKAGES_DIR": str(tmp_path / "p")})
    assert result.exit_code != 0 and result.stderr.startswith("align: error: no such package file")
    assert len(result.stderr.strip().splitlines()) == 1
