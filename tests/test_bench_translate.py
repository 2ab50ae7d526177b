"""scripts/bench_translate.py --as-shipped: the package it builds is stored int8, as argos ships them,
and the as-shipped row runs a on argostranslate's "auto" and b on the engine's default compute type.
Tiny model sizes stand in for transformer-base; no timing is checked."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")
pytest.importorskip("argostranslate.package", reason="path a needs argostranslate")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def bench(monkeypatch, tmp_path, seed_files):
    spec = importlib.util.spec_from_file_location("bench_translate", REPO / "scripts" / "bench_translate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import align.synthetic_model as synthetic

    monkeypatch.setattr(synthetic, "TRANSFORMER_BASE", dict(layers=1, d_model=32, heads=2, ffn=64))
    corpus = tmp_path / "mt"
    corpus.mkdir()
    text = "\n".join(path.read_text(encoding="utf-8") for path in seed_files)
    for lang in ("fr", "en"):
        (corpus / f"newstest2013.fr-en.{lang}").write_text(text, encoding="utf-8")
    monkeypatch.setattr(module, "MT", corpus)
    return module


def bench_args(tmp_path: Path) -> argparse.Namespace:
    return argparse.Namespace(package=None, work_dir=str(tmp_path / "work"), vocab_size=400, eos_bias=None,
                              device="cpu", threads=0, repeats=1, a_repeats=1)


def test_as_shipped_builds_an_int8_stored_package_next_to_the_float32_one(bench, tmp_path):
    from align.ct2_header import stored_compute_type

    args = bench_args(tmp_path)
    shipped = bench.get_package(args, quantization="int8")
    like_for_like = bench.get_package(args)
    assert stored_compute_type(shipped.model_dir) == "int8_float32"
    assert stored_compute_type(like_for_like.model_dir) == "float32"
    assert shipped.path != like_for_like.path
    assert bench.get_package(args, quantization="int8").path == shipped.path  # kept for the next run


def test_as_shipped_row_runs_both_sides_on_their_default_compute_types(bench, tmp_path):
    args = bench_args(tmp_path)
    shipped = bench.get_package(args, quantization="int8")
    sentences = ["Le chat dort.", "Il pleut sur la ville depuis ce matin.", "Bonjour."]
    row = bench.run_as_shipped(args, shipped, sentences, beam=2)
    assert row["stored"] == "int8_float32"
    assert row["b_compute_type"].startswith("int8")  # "default": the stored type
    assert row["sentences"] == 3 and len(row["seconds"]["a"]) == len(row["seconds"]["b"]) == 1
    assert row["b_over_a"] > 0
    assert all(0 <= i < 3 for i in row["mismatch_a_vs_b"])
