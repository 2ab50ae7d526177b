"""Every argos package layout argostranslate 1.11 runs, align runs the same way:
SentencePiece and BPE (bpe.model + Moses tokenisation) packages, a target prefix,
symbolically linked folders, and argostranslate's choice among several fr->en packages.

Built with the synthetic model (align/synthetic_model.py) in each layout. The tokenizers
are compared with argostranslate's own (argostranslate.package, no stanza needed); whole
translations with argostranslate's ``apply_packaged_translation`` where
``argostranslate.translate`` imports (it needs stanza and torch: skipped otherwise).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from align.engines.argos import ArgosEngine
from align.engines.argos_tokenizers import BPETokenizer, SentencePieceTokenizer
from align.errors import ModelError
from align.models import argos_choice, find_model, install_package
from align.synthetic_model import build_argos_package

pytest.importorskip("sacremoses", reason="the BPE tokenizer needs the extra align[bpe]: pip install -e '.[bpe]'")
pytest.importorskip("subword_nmt", reason="the BPE tokenizer needs the extra align[bpe]: pip install -e '.[bpe]'")

#: a target prefix argostranslate removes from its output (one without "_": see ArgosEngine.detokenize)
PREFIX = "<2en>"


@pytest.fixture(scope="module")
def texts(seed_files) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in seed_files]


@pytest.fixture(scope="module")
def sentences(seed_files) -> list[str]:
    from align.segment import segment

    found = [s.text for path in seed_files for s in segment(path.read_text(encoding="utf-8")).sentences()]
    return found[::4] + ["Bonjour.", "AT&T a dit : « 12 000 € » <b>!"]


@pytest.fixture(scope="module")
def packages(tmp_path_factory, texts) -> dict[str, Path]:
    """Installed synthetic packages, one per layout."""
    built = tmp_path_factory.mktemp("built")
    layouts = {
        "sentencepiece": dict(name="translate-fr_en-sp"),
        "bpe": dict(name="translate-fr_en-bpe", tokenizer="bpe"),
        "bpe-prefix": dict(name="translate-fr_en-bpe-prefix", tokenizer="bpe", target_prefix=PREFIX),
        "sentencepiece-prefix": dict(name="translate-fr_en-sp-prefix", target_prefix=PREFIX),
    }
    installed = {}
    for layout, options in layouts.items():
        archive = build_argos_package(built / layout, texts=texts, **options)
        installed[layout] = install_package(archive, tmp_path_factory.mktemp(layout) / "packages").path
    return installed


def argos_package(path: Path):
    from argostranslate.package import Package

    return Package(path)


def test_a_bpe_package_installs_and_translates(packages, sentences):
    package = find_model(packages["bpe"])
    assert package.tokenizer_kind == "bpe"
    engine = ArgosEngine(package)
    outputs = engine.translate_batch(sentences)
    assert len(outputs) == len(sentences) and all(outputs)
    assert engine.info().settings["tokenizer"] == "bpe"


def test_bpe_tokenisation_is_argostranslates(packages, sentences):
    ours = BPETokenizer(packages["bpe"] / "bpe.model", "fr", "en")
    theirs = argos_package(packages["bpe"]).tokenizer
    assert type(theirs).__name__ == "BPETokenizer"
    encoded = ours.encode_batch(sentences)
    assert encoded == [theirs.encode(s) for s in sentences]
    assert any(token.endswith("@@") for tokens in encoded for token in tokens)
    assert [ours.decode(t) for t in encoded] == [theirs.decode(t) for t in encoded]


def test_sentencepiece_decoding_is_argostranslates(packages, sentences):
    ours = SentencePieceTokenizer(packages["sentencepiece"] / "sentencepiece.model")
    theirs = argos_package(packages["sentencepiece"]).tokenizer
    encoded = ours.encode_batch(sentences)
    assert encoded == [theirs.encode(s) for s in sentences]
    odd = [["▁snake_case", "▁", "x", "▁▁"], ["_", "▁a_b"], []]  # "_" becomes a space in argostranslate
    assert [ours.decode(t) for t in encoded + odd] == [theirs.decode(t) for t in encoded + odd]


def test_the_target_prefix_is_removed_as_argostranslate_removes_it(packages, sentences):
    engine = ArgosEngine(find_model(packages["bpe-prefix"]))
    assert engine.target_prefix == PREFIX and engine.info().settings["target_prefix"] == PREFIX
    assert engine.detokenize([PREFIX, "Hello", "world"]) == "Hello world"
    outputs = engine.translate_batch(sentences)
    assert all(outputs) and not any(PREFIX in o for o in outputs)


def test_a_prefix_with_underscores_is_dropped_as_a_token(packages):
    engine = ArgosEngine(find_model(packages["sentencepiece"]))
    engine.target_prefix = "__en__"  # argostranslate would give " en   Hello" here
    assert engine.detokenize(["__en__", "▁Hello"]) == "Hello"


def test_a_package_whose_model_folder_is_a_symbolic_link_is_accepted(packages, tmp_path, sentences):
    folder = tmp_path / "packages" / "translate-fr_en-linked"
    folder.mkdir(parents=True)
    for name in ("metadata.json", "sentencepiece.model"):
        shutil.copy(packages["sentencepiece"] / name, folder / name)
    (folder / "model").symlink_to(packages["sentencepiece"] / "model", target_is_directory=True)
    linked_package_folder = tmp_path / "packages" / "translate-fr_en-link-to-folder"
    linked_package_folder.symlink_to(packages["sentencepiece"], target_is_directory=True)

    reference = ArgosEngine(find_model(packages["sentencepiece"])).translate_batch(sentences[:4])
    assert ArgosEngine(find_model(folder)).translate_batch(sentences[:4]) == reference
    assert find_model(linked_package_folder).path == linked_package_folder
    (folder / "model").unlink()
    (folder / "model").symlink_to(tmp_path / "nowhere", target_is_directory=True)
    with pytest.raises(ModelError, match="model/model.bin is missing"):
        find_model(folder)


def test_a_bpe_model_that_is_not_bpe_codes_is_refused_in_one_line(packages, tmp_path):
    folder = tmp_path / "translate-fr_en-broken"
    shutil.copytree(packages["sentencepiece"], folder)
    (folder / "sentencepiece.model").rename(folder / "bpe.model")
    with pytest.raises(ModelError, match="bpe.model is not a BPE codes file"):
        find_model(folder)


def two_package_folder(packages: dict[str, Path], folder: Path) -> list[str]:
    """Two fr->en packages in one folder, the newer version where argostranslate does not look
    first (so that "the newest" and "argostranslate's choice" differ); their names in
    argostranslate's reading order."""
    folder.mkdir(parents=True)
    for name in ("translate-fr_en-one", "translate-fr_en-two"):
        shutil.copytree(packages["sentencepiece"], folder / name)
    order = [p.name for p in folder.iterdir()]
    for version, name in zip(("1.0", "9.0"), order):
        metadata_path = folder / name / "metadata.json"
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        metadata["package_version"] = version
        metadata_path.write_text(json.dumps(metadata), encoding="utf-8")
    return order


def test_with_two_fr_en_packages_align_takes_the_one_argostranslate_takes(packages, tmp_path, monkeypatch):
    from argostranslate.package import get_installed_packages

    folder = tmp_path / "two"
    order = two_package_folder(packages, folder)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(folder))
    argos_first = [p for p in get_installed_packages([folder]) if (p.from_code, p.to_code) == ("fr", "en")][0]
    assert argos_first.package_path.name == order[0]  # version 1.0, not the newest
    assert argos_choice().name == order[0] and find_model().name == order[0]
    assert find_model(order[1]).name == order[1]  # --model says otherwise


def test_models_list_says_which_package_is_used_without_model(packages, tmp_path, run_align):
    folder = tmp_path / "two"
    order = two_package_folder(packages, folder)
    listing = run_align("models", "list", env={"ARGOS_PACKAGES_DIR": str(folder)}).stdout.splitlines()
    assert listing[-1] == f"without --model: {order[0]} (the fr->en package argostranslate uses)"


# --- whole translations against argostranslate.translate ------------------------------------


def argostranslate_translate():
    """argostranslate's translate module, or a skip: it imports stanza (and torch)."""
    try:
        from argostranslate import translate
    except ImportError as exc:
        pytest.skip(f"argostranslate.translate does not import here ({exc}); "
                    "it needs stanza and torch (pip install torch stanza==1.10.1 minisbd)")
    return translate


class OneSentence:
    """A sentencizer for apply_packaged_translation: align gives it one sentence at a time."""

    def split_sentences(self, text: str) -> list[str]:
        return [text]


@pytest.mark.parametrize("layout", ["sentencepiece", "bpe", "bpe-prefix", "sentencepiece-prefix"])
def test_translations_are_argostranslates_apply_packaged_translation(packages, sentences, layout):
    translate = argostranslate_translate()
    import ctranslate2
    from argostranslate import settings

    package = argos_package(packages[layout])
    translator = ctranslate2.Translator(str(package.package_path / "model"), device=settings.device,
                                        compute_type=settings.compute_type,
                                        inter_threads=settings.inter_threads, intra_threads=settings.intra_threads)
    theirs = [translate.apply_packaged_translation(package, s, translator, OneSentence(), num_hypotheses=1)[0].value
              for s in sentences]
    # argostranslate's options: compute type "auto", beam 4, no limit relative to the input length
    engine = ArgosEngine(find_model(packages[layout]), compute_type=settings.compute_type, max_length_ratio=0)
    assert engine.translate_batch(sentences) == theirs


def test_argostranslate_chooses_the_package_align_chooses(packages, tmp_path):
    argostranslate_translate()
    import subprocess
    import sys

    folder = tmp_path / "two"
    order = two_package_folder(packages, folder)
    script = ("from argostranslate import translate\n"
              "languages = {l.code: l for l in translate.get_installed_languages()}\n"
              "print(languages['fr'].get_translation(languages['en']).underlying.pkg.package_path.name)\n")
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(folder)}
    chosen = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert chosen.returncode == 0, chosen.stderr[-2000:]
    assert chosen.stdout.strip() == order[0]
