"""The synthetic argos package has the real package format."""

from __future__ import annotations

import json
import zipfile

from align.synthetic_model import build_argos_package


def test_package_layout_and_metadata(synthetic_argosmodel):
    with zipfile.ZipFile(synthetic_argosmodel) as zf:
        names = set(zf.namelist())
        top = next(iter(names)).split("/")[0]
        metadata = json.loads(zf.read(f"{top}/metadata.json"))
    for required in ("metadata.json", "sentencepiece.model", "model/model.bin", "model/config.json",
                     "model/shared_vocabulary.json"):
        assert f"{top}/{required}" in names
    assert all(name.startswith(f"{top}/") for name in names)
    assert metadata["from_code"] == "fr" and metadata["to_code"] == "en" and metadata["type"] == "translate"
    assert metadata["package_version"] and metadata["argos_version"]


def test_vocabulary_is_the_sentencepiece_pieces_padded(synthetic_argosmodel, tmp_path):
    import sentencepiece as spm

    zipfile.ZipFile(synthetic_argosmodel).extractall(tmp_path)
    (root,) = tmp_path.iterdir()
    vocabulary = json.loads((root / "model" / "shared_vocabulary.json").read_text())
    processor = spm.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    assert len(vocabulary) == 1000
    assert vocabulary[: len(pieces)] == pieces and vocabulary[:3] == ["<unk>", "<s>", "</s>"]


def test_same_seed_same_weights_other_seed_other_weights(seed_files, tmp_path):
    texts = [p.read_text(encoding="utf-8") for p in seed_files]

    def weights(seed: int, folder: str) -> bytes:
        archive = build_argos_package(tmp_path / folder, texts=texts, seed=seed, vocab_size=400)
        with zipfile.ZipFile(archive) as zf:
            return zf.read(f"{zf.namelist()[0].split('/')[0]}/model/model.bin")

    assert weights(0, "a") == weights(0, "b")
    assert weights(0, "a") != weights(1, "c")


def test_architecture_is_a_parameter(seed_files, tmp_path):
    import ctranslate2

    archive = build_argos_package(tmp_path, texts=[seed_files[0].read_text(encoding="utf-8")],
                                  vocab_size=300, layers=1, d_model=32, heads=2, ffn=64)
    zipfile.ZipFile(archive).extractall(tmp_path / "x")
    (root,) = (tmp_path / "x").iterdir()
    translator = ctranslate2.Translator(str(root / "model"))
    assert translator.num_translators == 1
    (result,) = translator.translate_batch([["▁Bonjour"]], beam_size=1)
    assert 1 <= len(result.hypotheses[0]) < 50
