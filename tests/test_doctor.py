"""`align doctor`: what this installation can do, what to run for the rest; exit 0 only with an engine."""

from __future__ import annotations

import os
import re
import struct
import sys
import zipfile
from pathlib import Path

import pytest

from align import doctor
from align.cli import main
from align.ct2_header import HeaderError, read_variables, stored_compute_type
from align.engines.apertium import INSTALL_COMMAND as APERTIUM_INSTALL
from align.resources import data_dir

REPO = Path(__file__).resolve().parents[1]
PATH = os.environ.get("PATH", "")  # before any test empties it


def fake_apertium(folder: Path, modes: list[str]) -> Path:
    """An `apertium` on PATH that lists ``modes`` for `apertium -l` (the engine's own detection)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "apertium"
    listing = "".join(f"  {mode}\\n" for mode in modes)
    script.write_text(f"#!{sys.executable}\nimport sys\nif sys.argv[1:] == ['-l']:\n"
                      f"    sys.stdout.write('{listing}')\n")
    script.chmod(0o755)
    return folder


@pytest.fixture
def bare_machine(monkeypatch, tmp_path: Path) -> Path:
    """No argos package, nothing on PATH, a fresh translation memory, no OmegaT jar."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    monkeypatch.delenv("ALIGN_CHROMIUM", raising=False)
    monkeypatch.delenv("OMEGAT_JAR", raising=False)
    monkeypatch.setenv("COLUMNS", "300")  # one line per check: assertions read whole lines
    monkeypatch.setattr(doctor, "OMEGAT_JAR", tmp_path / "no-omegat.jar")
    return tmp_path


def run_doctor(capsys) -> tuple[int, str]:
    code = main(["doctor"])
    return code, capsys.readouterr().out


def test_no_engine_exits_1_and_names_the_fixes(bare_machine, capsys):
    code, out = run_doctor(capsys)
    assert code == 1
    assert "missing argos" in out and "fix: align models install" in out
    assert "missing apertium" in out and f"fix: {APERTIUM_INSTALL}" in out
    assert "missing chromium" in out and f"fix: {doctor.CHROMIUM_INSTALL}" in out
    assert "missing omegat" in out
    assert "No translation engine" in out


def test_apertium_alone_is_enough(bare_machine, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(fake_apertium(bare_machine / "bin", ["fr-es", "spa-eng", "es-fr"])))
    code, out = run_doctor(capsys)
    assert code == 0
    assert "ok      apertium" in out and "modes fr-es and spa-eng" in out
    assert "Ready: align translates with apertium" in out and "  align translate " in out


def test_apertium_without_its_english_pair_is_no_engine(bare_machine, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(fake_apertium(bare_machine / "bin", ["fr-es"])))
    code, out = run_doctor(capsys)
    assert code == 1
    assert "spa-eng missing" in out and f"fix: {APERTIUM_INSTALL}" in out


def test_an_installed_argos_package_is_described(bare_machine, argos_packages_dir, monkeypatch, capsys):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_packages_dir))
    code, out = run_doctor(capsys)
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("  ok      argos"))
    assert "translate-fr_en-synthetic" in line and "(fr->en)" in line
    assert "SentencePiece" in line and "compute type float32" in line and "(the default)" in line
    assert "Ready: align translates with argos" in out


def test_a_package_without_sentencepiece_is_listed_as_not_usable(bare_machine, argos_packages_dir, monkeypatch,
                                                                  capsys, tmp_path):
    import shutil

    packages = tmp_path / "bpe-packages"
    shutil.copytree(argos_packages_dir, packages)
    package = next(packages.iterdir())
    (package / "sentencepiece.model").rename(package / "bpe.model")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    code, out = run_doctor(capsys)
    assert code == 1
    assert "BPE" in out and "not usable" in out


def test_optional_extras_are_found_without_importing_them(bare_machine, monkeypatch, capsys):
    imported_before = set(sys.modules)
    run_doctor(capsys)
    extras = ("ray", "starlette", "uvicorn", "sacremoses", "subword_nmt")
    assert not set(extras) & (set(sys.modules) - imported_before)
    found = {name: doctor.importlib.util.find_spec(name) is not None for name in extras}
    assert doctor.ray_check().ok == found["ray"]
    assert doctor.serve_check().ok == (found["starlette"] and found["uvicorn"])
    assert doctor.bpe_check().ok == (found["sacremoses"] and found["subword_nmt"])


def test_an_extra_this_version_lacks_says_so(monkeypatch):
    monkeypatch.setattr(doctor.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(doctor, "_declared_extras", lambda: {"serve"})
    assert doctor.serve_check().fix == doctor.SERVE_INSTALL
    assert doctor.ray_check().fix == "(this version of align has no 'ray' extra)"


def test_memory_size_and_shipped_data(bare_machine, capsys):
    from align.cache import TranslationMemory

    with TranslationMemory() as memory:
        memory.put_many({"Bonjour.": "Hello."}, "engine|1")
    _, out = run_doctor(capsys)
    assert "memory" in out and "tm.sqlite3: 1 sentences" in out
    assert "--glossary russia-dprk:" in out
    assert "vladivostok.fr.txt" in out


def test_an_unreadable_memory_is_reported_with_its_fix(bare_machine, capsys):
    (bare_machine / "cache").mkdir()
    (bare_machine / "cache" / "tm.sqlite3").write_bytes(b"not a database" * 100)
    _, out = run_doctor(capsys)
    assert "missing memory" in out and "fix: align cache clear" in out


def test_lines_fit_the_terminal(bare_machine, monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    _, out = run_doctor(capsys)
    assert max(len(line) for line in out.splitlines() if "/" not in line) <= 80


@pytest.mark.apertium
def test_real_apertium(bare_machine, monkeypatch, capsys):
    monkeypatch.setenv("PATH", PATH)
    code, out = run_doctor(capsys)
    assert code == 0 and "modes fr-es and spa-eng" in out and "apertium-eng-spa" in out


def test_every_fix_align_names_is_the_readmes_command():
    """Issue 22: error messages and doctor name the same commands as README.md."""
    from align.models import INSTALL_HINT

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    fixes = [APERTIUM_INSTALL, doctor._command(INSTALL_HINT), doctor.ARGOSTRANSLATE_INSTALL,
             doctor.CHROMIUM_INSTALL, doctor.OMEGAT_INSTALL, doctor.RAY_INSTALL, doctor.SERVE_INSTALL,
             doctor.BPE_INSTALL, doctor.SRX_INSTALL]
    assert [fix for fix in fixes if fix not in readme] == []



def test_the_extras_hints_are_doctors():
    from align.cli.serve import SERVE_EXTRA_MISSING
    from align.cluster.runtime import INSTALL_HINT as RAY_HINT
    from align.engines.argos_tokenizers import BPE_EXTRA_HINT
    from align.srx import REGEX_HINT

    assert SERVE_EXTRA_MISSING.endswith(doctor.SERVE_INSTALL)
    assert RAY_HINT.startswith(doctor.RAY_INSTALL)
    assert BPE_EXTRA_HINT.startswith(doctor.BPE_INSTALL)
    assert REGEX_HINT == doctor.SRX_INSTALL


def test_without_argostranslate_the_index_install_names_the_readme_command(monkeypatch, tmp_path):
    from align.errors import ModelError
    from align.models import download_from_index

    monkeypatch.setitem(sys.modules, "argostranslate", None)  # import argostranslate fails
    with pytest.raises(ModelError, match=re.escape(f"`{doctor.ARGOSTRANSLATE_INSTALL}`")):
        download_from_index(tmp_path)


# --- what model.bin stores (align.ct2_header) ------------------------------------------------


def extracted_model(archive: Path, folder: Path) -> Path:
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(folder)
    return next(folder.rglob("model.bin")).parent


@pytest.mark.parametrize("quantization", [None, "int8", "float16"])
def test_stored_compute_type_is_what_ctranslate2_infers(quantization, seed_files, tmp_path):
    """The header reader agrees with ctranslate2's own inference (its warning names it
    when this CPU cannot run it: float16 -> float32)."""
    import ctranslate2

    from align.synthetic_model import build_argos_package

    texts = [path.read_text(encoding="utf-8") for path in seed_files]
    model = extracted_model(build_argos_package(tmp_path, texts=texts, quantization=quantization), tmp_path / "x")
    expected = {None: "float32", "int8": "int8_float32", "float16": "float16"}[quantization]
    assert stored_compute_type(model) == expected
    if expected in ctranslate2.get_supported_compute_types("cpu"):
        assert ctranslate2.Translator(str(model), device="cpu").compute_type == expected


def test_old_binary_versions_store_item_sizes(tmp_path):
    """Before version 4 a variable's type was its item size (1 = int8)."""
    def string(text: str) -> bytes:
        data = text.encode() + b"\0"
        return struct.pack("<H", len(data)) + data

    body = struct.pack("<I", 3) + string("TransformerSpec") + struct.pack("<II", 1, 2)
    body += string("encoder/weight") + struct.pack("<BII", 2, 2, 2) + struct.pack("<BI", 1, 4) + bytes(4)
    body += string("encoder/bias") + struct.pack("<BI", 1, 2) + struct.pack("<BI", 4, 2) + bytes(8)
    (tmp_path / "model.bin").write_bytes(body)
    assert [(v.name, v.dtype) for v in read_variables(tmp_path / "model.bin")] == [
        ("encoder/weight", "int8"), ("encoder/bias", "float32")]
    assert stored_compute_type(tmp_path) == "int8_float32"


def test_a_truncated_model_bin_is_a_header_error(tmp_path):
    (tmp_path / "model.bin").write_bytes(struct.pack("<I", 6) + b"\x05\x00ab")
    with pytest.raises(HeaderError, match="truncated"):
        read_variables(tmp_path / "model.bin")


# --- the sample article ----------------------------------------------------------------------


def test_the_sample_ships_with_its_licence_and_the_glossarys_names():
    from align.glossary import load_glossary
    from align.segment import segment

    folder = data_dir("samples")
    assert "CC0" in (folder / "README.md").read_text(encoding="utf-8")
    text = (folder / "vladivostok.fr.txt").read_text(encoding="utf-8")
    sentences = segment(text).sentences()
    assert 10 <= len(sentences) <= 20
    glossary = load_glossary("russia-dprk")
    named = {match.entry.id for sentence in sentences for match in glossary.find(sentence.text)}
    assert {"vladimir-putin", "kim-jong-un", "sergei-shoigu", "dprk", "un-security-council"} <= named
