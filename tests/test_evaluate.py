"""`align eval`: BLEU and chrF (sacrebleu) of an engine against a reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from align.engines.base import EngineInfo
from align.errors import InputError
from align.evaluate import evaluate, read_parallel

REPO = Path(__file__).resolve().parents[1]
GLOSSARY = REPO / "glossaries" / "russia-dprk.tsv"


class LookupEngine:
    """A test double that 'translates' by looking sentences up in a table."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def translate_batch(self, sentences):
        return [self.table.get(s, "") for s in sentences]

    def info(self) -> EngineInfo:
        return EngineInfo("lookup", "1", "table")


@pytest.fixture(scope="module")
def newstest(shared_dir: Path) -> tuple[Path, Path]:
    mt = shared_dir / "data" / "mt"
    return mt / "newstest2013.fr-en.fr", mt / "newstest2013.fr-en.en"


def test_a_perfect_engine_scores_100_and_an_empty_one_0():
    sources = ["Le chat est noir.", "Il pleut sur Moscou."]
    references = ["The cat is black.", "It is raining on Moscow."]
    perfect = evaluate(sources, references, LookupEngine(dict(zip(sources, references))))
    assert perfect.bleu == pytest.approx(100.0) and perfect.chrf == pytest.approx(100.0)
    assert perfect.bleu_signature.startswith("nrefs:1|") and "tok:13a" in perfect.bleu_signature
    assert perfect.chrf_signature.startswith("nrefs:1|")
    assert perfect.sentences == 2 and perfect.sentences_per_second > 0
    empty = evaluate(sources, references, LookupEngine({}))
    assert empty.bleu == 0.0 and empty.chrf == 0.0


def test_files_that_do_not_pair_up_are_refused(tmp_path: Path):
    (tmp_path / "a.fr").write_text("Un.\nDeux.\nTrois.\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("One.\nTwo.\n", encoding="utf-8")
    with pytest.raises(InputError, match="3 lines but .* has 2"):
        read_parallel(tmp_path / "a.fr", tmp_path / "a.en")


def test_a_stray_blank_line_at_the_end_of_one_file_does_not_break_the_pairing(tmp_path: Path):
    (tmp_path / "a.fr").write_text("Un.\nDeux.\n\n\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("One.\nTwo.", encoding="utf-8")
    assert read_parallel(tmp_path / "a.fr", tmp_path / "a.en") == (["Un.", "Deux."], ["One.", "Two."])


def test_a_blank_line_in_one_file_only_still_counts_as_a_line(tmp_path: Path):
    (tmp_path / "a.fr").write_text("Un.\nDeux.\nTrois.\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("One.\n\nThree.\n", encoding="utf-8")
    assert read_parallel(tmp_path / "a.fr", tmp_path / "a.en") == (["Un.", "Deux.", "Trois."],
                                                                   ["One.", "", "Three."])


def test_limit_takes_the_first_lines(newstest):
    sources, references = read_parallel(*newstest, limit=5)
    assert len(sources) == len(references) == 5
    assert sources[0] == newstest[0].read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.apertium
def test_apertium_on_50_news_sentences_scores_in_a_plausible_range(newstest):
    from align.engines.apertium import ApertiumEngine

    sources, references = read_parallel(*newstest, limit=50)
    result = evaluate(sources, references, ApertiumEngine())
    assert len(result.hypotheses) == 50
    # rough rule-based pivot MT: far above nonsense (< 3), far below human (> 50)
    assert 8.0 < result.bleu < 45.0
    assert 35.0 < result.chrf < 75.0
    assert result.engine.name == "apertium"


@pytest.mark.apertium
def test_eval_command_prints_scores_signatures_and_speed(run_align, newstest, tmp_path):
    source, reference = newstest
    hypotheses = tmp_path / "hyp.en"
    result = run_align("eval", "--ref", reference, source, "--engine", "apertium", "--limit", "20",
                       "--hypotheses", hypotheses)
    assert result.exit_code == 0, result.stderr
    assert "BLEU" in result.stdout and "chrF" in result.stdout
    assert "nrefs:1|case:mixed" in result.stdout
    assert "sentences/s" in result.stdout
    assert "engine: apertium" in result.stdout
    assert len(hypotheses.read_text(encoding="utf-8").splitlines()) == 20


@pytest.mark.apertium
def test_eval_with_the_glossary(run_align, newstest):
    source, reference = newstest
    result = run_align("eval", "--ref", reference, source, "--engine", "apertium", "--limit", "10",
                       "--glossary", GLOSSARY)
    assert result.exit_code == 0, result.stderr
    assert "glossary: " in result.stdout and "glossary: none" not in result.stdout


def test_eval_without_any_engine_says_so_in_one_line(run_align, newstest, tmp_path):
    source, reference = newstest
    env = {"PATH": str(tmp_path), "ARGOS_PACKAGES_DIR": str(tmp_path / "no-packages"),
           "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = run_align("eval", "--ref", reference, source, "--limit", "3", env=env)
    assert result.exit_code != 0
    assert result.stderr.strip().count("\n") == 0
    assert "no translation engine" in result.stderr and "apt-get install apertium" in result.stderr
    assert "Traceback" not in result.stderr


def test_eval_with_mismatched_files_is_one_line(run_align, tmp_path):
    (tmp_path / "a.fr").write_text("Un.\nDeux.\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("One.\n", encoding="utf-8")
    result = run_align("eval", "--ref", tmp_path / "a.en", tmp_path / "a.fr")
    assert result.exit_code == 2
    assert "line-aligned" in result.stderr and "Traceback" not in result.stderr


def _aligned_pair_tei(tmp_path: Path) -> Path:
    """A TEI of two existing texts, as `align align` writes it, with a 2-1, a 1-1 and a 1-0 link."""
    from align.document import AlignedDocument, Link, Provenance
    from align.segment import document_from_sentences
    from align.tei import write_tei

    fr = document_from_sentences([["Le chat dort.", "Il est noir.", "Il pleut sur Moscou.", "Note du traducteur."]], "fr")
    en = document_from_sentences([["The black cat is asleep.", "It is raining on Moscow."]], "en")
    links = [Link(("fr.s1", "fr.s2"), ("en.s1",)), Link(("fr.s3",), ("en.s2",)), Link(("fr.s4",), ())]
    path = tmp_path / "pair.tei.xml"
    write_tei(AlignedDocument(fr, en, links, Provenance(method="alignment", engine="align-anchors")), path)
    return path


def test_an_aligned_tei_is_a_test_set_one_segment_per_link(tmp_path: Path):
    from align.evaluate import read_tei_pairs
    from align.tei import is_tei_file

    path = _aligned_pair_tei(tmp_path)
    assert is_tei_file(path)
    sources, references = read_tei_pairs(path)
    assert sources == ["Le chat dort. Il est noir.", "Il pleut sur Moscou."]  # the 1-0 link has no reference
    assert references == ["The black cat is asleep.", "It is raining on Moscow."]


@pytest.mark.apertium
def test_eval_scores_an_aligned_tei_against_its_english_side(run_align, tmp_path: Path):
    result = run_align("eval", _aligned_pair_tei(tmp_path), "--engine", "apertium")
    assert result.exit_code == 0, result.stderr
    assert "(2 sentences)" in result.stdout and "BLEU" in result.stdout and "chrF" in result.stdout


def test_eval_refuses_a_translation_tei_as_its_own_reference(run_align, tmp_path: Path):
    from align.document import AlignedDocument, Link, Provenance
    from align.segment import document_from_sentences
    from align.tei import write_tei

    doc = AlignedDocument(document_from_sentences([["Bonjour."]], "fr"), document_from_sentences([["Hello."]], "en"),
                          [Link(("fr.s1",), ("en.s1",))], Provenance(method="translation", engine="apertium"))
    path = tmp_path / "article.tei.xml"
    write_tei(doc, path)
    result = run_align("eval", path, "--engine", "apertium")
    assert result.exit_code == 2
    assert "machine translation" in result.stderr and result.stderr.strip().count("\n") == 0
    plain = tmp_path / "a.fr"
    plain.write_text("Bonjour.\n", encoding="utf-8")
    assert "--ref" in run_align("eval", plain).stderr
