"""Glossary enforcement around a translation engine: protect, translate, restore."""

from __future__ import annotations

import hashlib
import re

import pytest

from align.enforce import Protected, canonical_problems, enforce_batch, protect, restore
from align.glossary import load_glossary
from align.resources import data_file


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(data_file("glossaries", "russia-dprk.tsv"))


@pytest.fixture(scope="module")
def seed_sentences(seed_files, glossary) -> list[str]:
    """Every sentence of the five seeds that carries a glossary term."""
    from align.segment import segment

    sentences = []
    for path in seed_files:
        sentences += [s.text for s in segment(path.read_text(encoding="utf-8")).sentences() if glossary.find(s.text)]
    assert len(sentences) > 60
    return sentences


class MangleEngine:
    """Returns the French with placeholders damaged as real engines damage them:
    kept, lower-cased, split or dropped (one in four each), and "Un" turned into
    "One" (Apertium's "Kim Jong One"). Counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def translate_batch(self, sentences: list[str]) -> list[str]:
        self.calls += 1
        return [self.mangle(s) for s in sentences]

    @staticmethod
    def mangle(text: str) -> str:
        def damage(match: re.Match[str]) -> str:
            roll = int(hashlib.md5((text + match.group()).encode()).hexdigest(), 16) % 4
            token = match.group()
            return [token, token.lower(), token[:3] + " " + token[3:], ""][roll]

        return re.sub(r"\bUn\b", "One", re.sub(r"ZXQ\d+", damage, text))


def all_canonical(sources: list[str], translations: list[str], glossary) -> list[tuple[str, list[str]]]:
    """(translation, problems) of every sentence that does not hold exactly the canonical forms."""
    failures = [(t, canonical_problems(s, t, glossary)) for s, t in zip(sources, translations)]
    return [f for f in failures if f[1]]


# ---------------------------------------------------------------- protect
def test_placeholder_mode_hides_terms_and_spells_out_elisions(glossary):
    protected = protect("L’URSS a parlé au quotidien d'Izvestia, qu’Izvestia cite, de Louhansk.", glossary)
    assert protected.text == "Le ZXQ1 a parlé au quotidien de ZXQ2, que ZXQ3 cite, de ZXQ4."
    assert [(t.ref, protected.source[t.start:t.end]) for t in protected.source_terms] == [
        ("ussr", "URSS"), ("izvestia", "Izvestia"), ("izvestia", "Izvestia"), ("luhansk", "Louhansk")]


def test_canonical_mode_substitutes_the_english_form(glossary):
    protected = protect("Le dirigeant Kim Jong-un a écrit à M. Poutine depuis Séoul.", glossary, mode="canonical")
    assert protected.text == "Le dirigeant Kim Jong Un a écrit à M. Putin depuis Seoul."
    assert protected.mode == "canonical"


def test_unknown_mode_is_refused(glossary):
    with pytest.raises(ValueError, match="unknown protection mode"):
        protect("Moscou", glossary, mode="magic")


# ---------------------------------------------------------------- restore
def test_restore_repairs_split_recased_and_glued_placeholders(glossary):
    protected = protect("Choïgou a vu Poutine à Moscou et l'ambassadeur de Pyongyang.", glossary)
    restored = restore(protected, "ZXQ 1 saw zxq2 in ZXQ3 and ZXQ4's ambassador.")
    assert restored.text == "Shoigu saw Putin in Moscow and Pyongyang's ambassador."
    assert restored.problems == []
    assert [(t.ref, restored.text[t.start:t.end]) for t in restored.target_terms] == [
        ("shoigu", "Shoigu"), ("putin", "Putin"), ("moscow", "Moscow"), ("pyongyang", "Pyongyang")]
    assert len(restored.repairs) == 2


def test_a_lost_placeholder_is_reported_not_invented(glossary):
    protected = protect("Choïgou est allé à Pyongyang.", glossary)
    restored = restore(protected, "ZXQ1 went there.")
    assert restored.text == "Shoigu went there."
    assert restored.problems == ["glossary pyongyang: 'Pyongyang' -> 'Pyongyang' not enforced "
                                 "(placeholder ZXQ2 lost in translation)"]


def test_non_canonical_variants_in_the_output_are_replaced(glossary):
    protected = protect("Les soldats ont été capturés, selon l'armée.", glossary)
    restored = restore(protected, "The soldiers were captured in Kiev and Lugansk, according to the army.")
    assert restored.text == "The soldiers were captured in Kyiv and Luhansk, according to the army."
    assert [t.ref for t in restored.target_terms] == ["kyiv", "luhansk"]


def test_stray_placeholders_are_removed(glossary):
    restored = restore(protect("Moscou a répondu.", glossary), "ZXQ1 answered ZXQ7.")
    assert restored.text == "Moscow answered."


def test_the_article_a_token_kept_is_dropped_before_bare_place_names(glossary):
    protected = protect("La Russie, l'URSS et la Corée du Nord.", glossary)
    restored = restore(protected, "The ZXQ1, the ZXQ2 and the ZXQ3.")
    assert restored.text == "Russia, the USSR and North Korea."
    assert [restored.text[t.start:t.end] for t in restored.target_terms] == ["Russia", "USSR", "North Korea"]


def test_canonical_mode_repairs_a_partly_translated_name(glossary):
    protected = protect("Le dirigeant Kim Jong-un et le Conseil de sécurité de l'ONU.", glossary, mode="canonical")
    restored = restore(protected, "The leader Kim Jong One and the A Security Council.")
    assert restored.text == "The leader Kim Jong Un and the UN Security Council."
    assert restored.problems == []


def test_restore_takes_a_protected_built_by_hand():
    glossary = load_glossary(data_file("glossaries", "russia-dprk.tsv"))
    protected = protect("Séoul", glossary)
    assert isinstance(protected, Protected) and protected.text == "ZXQ1"
    assert restore(protected, "ZXQ1").text == "Seoul"


# ---------------------------------------------------------------- batches on the seeds
@pytest.mark.parametrize("mode", ["placeholder", "canonical"])
def test_seed_sentences_are_100_percent_canonical_through_a_mangling_engine(glossary, seed_sentences, mode):
    engine = MangleEngine()
    restored = enforce_batch(seed_sentences, glossary, engine.translate_batch, mode=mode)
    assert len(restored) == len(seed_sentences)
    assert all_canonical(seed_sentences, [r.text for r in restored], glossary) == []
    assert all(r.problems == [] for r in restored)
    assert engine.calls <= 2  # one batch, plus one for the piecewise fallback


def test_without_fallback_lost_terms_are_reported_per_sentence(glossary, seed_sentences):
    restored = enforce_batch(seed_sentences, glossary, MangleEngine().translate_batch, piecewise_fallback=False)
    failing = all_canonical(seed_sentences, [r.text for r in restored], glossary)
    reported = [r for r in restored if r.problems]
    assert failing and len(reported) == len(failing)
    assert all("not enforced" in line for r in reported for line in r.problems)


def test_the_mangler_really_breaks_unprotected_names(glossary, seed_sentences):
    raw = MangleEngine().translate_batch(seed_sentences)
    assert len(all_canonical(seed_sentences, raw, glossary)) > len(seed_sentences) // 2


def test_engine_returning_the_wrong_number_of_lines_is_an_error(glossary):
    from align.engines.base import EngineError

    with pytest.raises(EngineError, match="returned 1 translations for 2"):  # one line, no traceback
        enforce_batch(["Moscou", "Séoul"], glossary, lambda batch: ["x"])


def apertium_engine():
    """The real engine; the tests that use it are marked ``apertium``."""
    from align.engines.apertium import ApertiumEngine, apertium_available

    if not apertium_available():
        pytest.skip("apertium fr-es / spa-eng modes not installed")
    return ApertiumEngine()


@pytest.mark.apertium
@pytest.mark.parametrize("mode", ["placeholder", "canonical"])
def test_seed_sentences_are_100_percent_canonical_through_apertium(glossary, seed_sentences, mode):
    engine = apertium_engine()
    restored = enforce_batch(seed_sentences, glossary, engine.translate_batch, mode=mode)
    assert all_canonical(seed_sentences, [r.text for r in restored], glossary) == []


@pytest.mark.apertium
def test_apertium_passes_placeholders_through(glossary, seed_sentences):
    """Why placeholder is the default: Apertium keeps every token, no fallback needed."""
    engine = apertium_engine()
    restored = enforce_batch(seed_sentences, glossary, engine.translate_batch, piecewise_fallback=False)
    assert [r.problems for r in restored if r.problems] == []
    assert all_canonical(seed_sentences, [r.text for r in restored], glossary) == []


@pytest.mark.apertium
def test_apertium_alone_does_not_give_canonical_forms(glossary, seed_sentences):
    raw = apertium_engine().translate_batch(seed_sentences)
    assert len(all_canonical(seed_sentences, raw, glossary)) >= 10  # Choïgou, Kim Jong One, Louhansk...


@pytest.fixture(scope="module")
def synthetic_engine(seed_files, tmp_path_factory):
    argos = pytest.importorskip("align.engines.argos", reason="align.engines.argos not written yet")
    from align.models import install_package
    from align.synthetic_model import build_argos_package

    folder = tmp_path_factory.mktemp("argos")
    archive = build_argos_package(folder, texts=[p.read_text(encoding="utf-8") for p in seed_files])
    return argos.ArgosEngine(install_package(archive, folder / "packages"))


@pytest.mark.parametrize("mode", ["placeholder", "canonical"])
def test_seed_sentences_are_100_percent_canonical_through_the_synthetic_model(
        glossary, seed_sentences, synthetic_engine, mode):
    restored = enforce_batch(seed_sentences, glossary, synthetic_engine.translate_batch, mode=mode)
    assert all_canonical(seed_sentences, [r.text for r in restored], glossary) == []
    assert all(r.problems == [] for r in restored)
    # gibberish loses the placeholders: the canonical forms come from the fallback
    assert sum(bool(r.repairs) for r in restored) > len(seed_sentences) // 2


def test_case_alone_is_not_replaced(glossary):
    restored = restore(protect("Dans l'ouest du pays.", glossary), "In the west of the country, SEOUL.")
    assert restored.text == "In the west of the country, SEOUL."
    assert canonical_problems("Dans l'ouest du pays.", restored.text, glossary) == []
