"""`align translate --engine apertium` on the five seeds: real English, valid TEI,
and the glossary's canonical names where raw Apertium mangles them."""

from __future__ import annotations

from pathlib import Path

import pytest

from align import tei
from align.glossary import load_glossary

pytestmark = pytest.mark.apertium

REPO = Path(__file__).resolve().parents[1]
GLOSSARY = REPO / "glossaries" / "russia-dprk.tsv"
#: names raw Apertium gets wrong on the seeds ("Kim Jong-one", "Choïgou", "Louhansk")
CHECKED_ENTRIES = ("kim-jong-un", "vladimir-putin", "putin", "sergei-shoigu", "shoigu", "luhansk")


def _translate(run_align, seed_files, out: Path, *extra) -> list[Path]:
    result = run_align("translate", "--engine", "apertium", "--no-cache", *extra, *seed_files, "-o", out)
    assert result.exit_code == 0, result.stderr
    return [out / f"{seed.stem}.tei.xml" for seed in seed_files]


@pytest.fixture(scope="module")
def raw_tei(run_align, seed_files, tmp_path_factory) -> list[Path]:
    return _translate(run_align, seed_files, tmp_path_factory.mktemp("raw"))


@pytest.fixture(scope="module")
def glossary_tei(run_align, seed_files, tmp_path_factory) -> list[Path]:
    return _translate(run_align, seed_files, tmp_path_factory.mktemp("glossary"), "--glossary", GLOSSARY)


def _english(paths: list[Path]) -> str:
    return "\n".join(s.text for path in paths for s in tei.read_tei(path).target.sentences())


def test_the_seeds_become_valid_tei_with_apertium_provenance(raw_tei, tei_all_rng):
    for path in raw_tei:
        doc = tei.read_tei(path)
        assert tei_all_rng.validate(tei.to_tree(doc)), tei_all_rng.error_log.last_error
        assert doc.provenance.engine == "apertium"
        assert doc.provenance.model == "fr-es|spa-eng"
        assert "apertium-fr-es" in doc.provenance.model_version
        assert len(doc.links) == len(doc.source.sentences()) == len(doc.target.sentences())


def test_the_english_is_real_english(raw_tei):
    english = _english(raw_tei).lower()
    for word in (" the ", " of ", " has ", "russia", "north korea"):
        assert word in english


def test_raw_apertium_mangles_the_names(raw_tei):
    english = _english(raw_tei)
    assert "Kim Jong-one" in english
    assert "Choïgou" in english and "Louhansk" in english


def test_with_the_glossary_every_name_is_canonical(glossary_tei, tei_all_rng):
    glossary = load_glossary(GLOSSARY)
    checked = 0
    for path in glossary_tei:
        doc = tei.read_tei(path)
        assert tei_all_rng.validate(tei.to_tree(doc)), tei_all_rng.error_log.last_error
        assert doc.provenance.glossary is not None and doc.provenance.glossary.name == "russia-dprk"
        for source, target in zip(doc.source.sentences(), doc.target.sentences()):
            for match in glossary.find(source.text):
                if match.entry.id in CHECKED_ENTRIES:
                    checked += 1
                    assert match.entry.canonical in target.text, (source.text, target.text)
    assert checked >= 10  # the seeds name Kim, Putin, Shoigu and Luhansk many times
    english = _english(glossary_tei)
    for mangled in ("Kim Jong-one", "Kim Jong One", "Choïgou", "Louhansk", "Poutine "):
        assert mangled not in english
    for canonical in ("Kim Jong Un", "Vladimir Putin", "Sergei Shoigu", "Luhansk"):
        assert canonical in english
    assert "Mr Putin" in english and "M. Putin" not in english  # "M. Poutine" in English news style
