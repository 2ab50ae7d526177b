"""The Apertium engine: real English, boundaries that survive, clear errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from align.engines import apertium
from align.engines.apertium import ApertiumEngine, english_honorifics, passthrough
from align.engines.base import EngineError

NASTY = [
    "Le chat est noir.",
    "Il a cité un rapport [non publié] de l'ONU.",
    "« C'est une provocation », a déclaré le porte-parole.",
    "Il a dit “non” puis \"oui\".",
    "Une phrase coupée\nen deux lignes par la mise en page",
    "Colonnes : Moscou | Pyongyang | Séoul",
    "Le chemin C:\\Users\\kim\\doc et la barre \\ seule.",
    "Caractères du flux : ^début$ a/b @nom {x} <balise> [[double]]",
    "Titre sans point final",
    "",
    "   ",
    "—",
    "Kim Jong-un a rencontré M. Poutine à Vladivostok.",
    "Il pleut.",
    "Un octet nul\0au milieu.",
    "Une tabulation\tau milieu.",
]


@pytest.fixture(scope="module")
def engine() -> ApertiumEngine:
    """The real engine; the tests that use it are marked ``apertium``."""
    return ApertiumEngine()


@pytest.mark.apertium
def test_translation_is_real_english(engine):
    cat, rain = engine.translate_batch(["Le chat est noir.", "Il pleut."])
    assert "cat" in cat and "black" in cat
    assert "rains" in rain


@pytest.mark.apertium
def test_nasty_sentences_keep_their_boundaries(engine):
    together = engine.translate_batch(NASTY)
    one_by_one = [engine.translate_batch([sentence])[0] for sentence in NASTY]
    assert len(together) == len(NASTY)
    assert together == one_by_one
    by_source = dict(zip(NASTY, together))
    assert by_source[""] == "" and by_source["   "] == "   "
    assert "[" in by_source["Il a cité un rapport [non publié] de l'ONU."]
    assert "«" in by_source["« C'est une provocation », a déclaré le porte-parole."]
    assert "|" in by_source["Colonnes : Moscou | Pyongyang | Séoul"]
    assert "C:\\Users\\kim" in by_source["Le chemin C:\\Users\\kim\\doc et la barre \\ seule."]
    assert "\n" in by_source["Une phrase coupée\nen deux lignes par la mise en page"]
    assert "Moscow" in by_source["Colonnes : Moscou | Pyongyang | Séoul"]


@pytest.mark.apertium
def test_no_stream_syntax_leaks_into_the_output(engine):
    (out,) = engine.translate_batch(["Caractères du flux : ^début$ a/b @nom {x} <balise> [[double]]"])
    assert "align-s" not in out
    for piece in ("{x}", "[[double]]", "<"):
        assert piece in out


@pytest.mark.apertium
def test_raw_apertium_mangles_names_the_glossary_must_fix(engine):
    (out,) = engine.translate_batch(["Kim Jong-un a rencontré Sergueï Choïgou à Louhansk."])
    assert "Kim Jong-one" in out
    assert "Choïgou" in out and "Louhansk" in out


@pytest.mark.apertium
def test_passthrough_text_comes_back_verbatim(engine):
    protected = "Kim Jong Un  [sic] \\ Is un"
    (out,) = engine.translate_batch([f"Le discours de {passthrough(protected)} a duré une heure."])
    assert protected in out
    assert apertium.PASSTHROUGH_START not in out and apertium.PASSTHROUGH_END not in out
    assert "speech" in out


@pytest.mark.apertium
def test_the_blank_of_a_dropped_word_does_not_leave_a_double_space(engine):
    (out,) = engine.translate_batch(["Le dirigeant s’est engagé à renforcer les relations."])
    assert "engaged to" in out and "  " not in out


@pytest.mark.apertium
def test_no_capitalised_verb_after_an_unknown_first_word(engine):
    raw, placeholder = engine.translate_batch(["Choïgou a déclaré mardi.", "M. ZXQ1 a déclaré mardi."])
    assert raw.startswith("Choïgou has declared")
    assert placeholder.startswith("Mr ZXQ1 has declared")


@pytest.mark.apertium
def test_a_wrong_chunk_count_falls_back_to_smaller_batches(engine, monkeypatch):
    """Simulate an Apertium that merges the first two sentences of any batch
    of more than two: the engine must notice and retry in halves."""
    real_pipeline = ApertiumEngine._run_pipeline
    batch_sizes = []

    def merging_pipeline(self, stream):
        batch_sizes.append(stream.count("\0"))
        out = real_pipeline(self, stream)
        return out.replace("\0", " ", 1) if stream.count("\0") > 2 else out

    sentences = [f"Le chat numéro {n} est noir." for n in range(7)]
    expected = engine.translate_batch(sentences)
    monkeypatch.setattr(ApertiumEngine, "_run_pipeline", merging_pipeline)
    assert engine.translate_batch(sentences) == expected
    # 7 fails -> 3 fails -> 1 + 2; 4 fails -> 2 + 2
    assert batch_sizes == [7, 3, 1, 2, 4, 2, 2]


@pytest.mark.apertium
def test_a_sentence_that_never_comes_back_whole_is_an_error_not_a_shift(engine, monkeypatch):
    monkeypatch.setattr(ApertiumEngine, "_run_pipeline", lambda self, stream: "")
    with pytest.raises(EngineError, match="lost the boundaries"):
        engine.translate_batch(["Le chat est noir.", "Il pleut."])


@pytest.mark.apertium
def test_batches_larger_than_the_limit_are_split():
    small = ApertiumEngine(max_batch_sentences=2)
    sentences = ["Le chat est noir.", "Il pleut.", "Le chien dort.", "Bonjour."]
    assert small.translate_batch(sentences) == ApertiumEngine().translate_batch(sentences)


@pytest.mark.apertium
def test_info_names_modes_and_versions(engine):
    info = engine.info()
    assert info.name == "apertium"
    assert info.model == "fr-es|spa-eng"
    assert info.version and info.version != "unknown"
    assert "apertium-fr-es" in info.model_version and "apertium-eng-spa" in info.model_version
    assert "apertium" in info.cache_key()


def test_missing_binary_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineError) as caught:
        ApertiumEngine()
    message = str(caught.value)
    assert "\n" not in message
    assert message == "apertium is not installed: run `apt-get install apertium apertium-fr-es apertium-eng-spa`"
    assert apertium.apertium_available() is False


def test_missing_modes_are_named(monkeypatch, tmp_path):
    """An apertium binary that knows only fr-es: spa-eng is reported missing."""
    fake = tmp_path / "apertium"
    fake.write_text(f"#!{sys.executable}\nimport sys\nif sys.argv[1:] == ['-l']:\n    print('  fr-es')\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(EngineError, match=r"spa-eng missing .*apt-get install apertium"):
        ApertiumEngine()


def test_cli_without_apertium_says_what_to_install(run_align, tmp_path: Path):
    article = tmp_path / "a.txt"
    article.write_text("Le chat est noir.\n", encoding="utf-8")
    result = run_align("translate", "--engine", "apertium", article, "-o", tmp_path,
                       env={"PATH": str(tmp_path)})
    assert result.exit_code != 0
    assert "apertium is not installed: run `apt-get install apertium" in result.stderr
    assert "Traceback" not in result.stderr



def test_french_honorifics_before_a_name_take_their_english_form():
    assert english_honorifics("M. Poutine et Mme Merkel") == "Mr Poutine et Ms Merkel"
    assert english_honorifics("MM. Poutine et Kim, Mlle Taylor") == "Messrs Poutine et Kim, Miss Taylor"
    assert english_honorifics("selon M. ZXQ1.") == "selon Mr ZXQ1."  # a glossary placeholder is a name
    for untouched in ("M. le ministre", "Jean-M. Le Pen", "3 m. de haut", "HM. Kim", passthrough("M. Kim")):
        assert english_honorifics(untouched) == untouched


@pytest.mark.apertium
def test_apertium_output_says_mr_not_m():
    english = ApertiumEngine().translate_batch(["M. Poutine a déclaré que la guerre continue.", "Mme Merkel est venue."])
    assert english[0].startswith("Mr Putin has declared")  # not "M. Putin Has declared"
    assert english[1].startswith("Ms Merkel")  # not Spanish "Sra Merkel"
