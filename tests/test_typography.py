"""English typography on the English side: align.typography and the translation pipeline."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from align.document import TermSpan
from align.translate import SentenceTranslation, _finish
from align.typography import english, english_with_offsets


def test_guillemets_become_english_quotes_without_their_inner_spaces():
    assert english("« I am convinced », said Putin.") == "“I am convinced”, said Putin."
    assert english("«\u00a0on all fronts\u00a0»") == "“on all fronts”"


def test_a_quotation_inside_a_quotation_takes_single_quotes():
    assert english("He said : « they told me « no » and ‹ yes › ».") == "He said: “they told me ‘no’ and ‘yes’”."
    assert english("“The « plan » failed”, he said.") == "“The ‘plan’ failed”, he said."


def test_no_space_before_colon_semicolon_exclamation_and_question_marks():
    assert english("Putin : it has said it ; really ! Why\u202f?") == "Putin: it has said it; really! Why?"
    assert english(": a colon opening the text stays") == ": a colon opening the text stays"


def test_french_no_break_spaces_become_plain_spaces_and_numbers_are_left_alone():
    assert english("12\u202f000 euros, le 1er mai, 3,5\u00a0%") == "12 000 euros, le 1er mai, 3,5 %"


def test_english_text_is_left_as_it_is():
    text = "“Fine,” he said: it’s 10:30 (really?) — isn’t it!"
    assert english(text) == text


@given(st.text(alphabet=st.sampled_from(list("ab :;!?«»‹›“”\u00a0\u202f\u2009.")), max_size=40))
def test_offsets_follow_the_characters(text):
    new, offsets = english_with_offsets(text)
    assert len(offsets) == len(text) + 1 and offsets[-1] == len(new)
    assert all(a <= b for a, b in zip(offsets, offsets[1:]))
    for index, char in enumerate(text):
        if char.isalpha():  # letters are never changed, only moved left
            assert new[offsets[index]] == char
    assert english(new) == new  # once is enough


def test_glossary_terms_move_with_the_text_and_the_bullet_comes_back():
    french = "Kim : « Poutine »"
    english_text = "Kim : « Putin »"
    result = SentenceTranslation(english_text, [TermSpan(8, 15, "putin")], [TermSpan(8, 13, "putin")])
    finished = _finish(result, "• ", "english")
    assert finished.text == "• Kim: “Putin”"
    span = finished.target_terms[0]
    assert finished.text[span.start:span.end] == "Putin"
    source = finished.source_terms[0]
    assert ("• " + french)[source.start:source.end] == "Poutine"
    assert _finish(result, "", "engine").text == english_text


def french_typography(texts: list[str]) -> dict[str, int]:
    return {"guillemets": sum(len(re.findall("[«»‹›]", t)) for t in texts),
            "space before ; : ! ?": sum(len(re.findall(r"\s[;:!?]", t)) for t in texts),
            "no-break spaces": sum(len(re.findall("[\u00a0\u202f]", t)) for t in texts)}


class Replay:
    """An engine that gives back what another engine said (Apertium is run once)."""

    def __init__(self, engine, said: dict[str, str]) -> None:
        self.engine, self.said = engine, said

    def translate_batch(self, sentences):
        return [self.said[s] for s in sentences]

    def info(self):
        return self.engine.info()


@pytest.mark.apertium
def test_apertium_english_of_the_seeds_is_in_english_typography(seed_files):
    from align.engines.apertium import ApertiumEngine
    from align.segment import segment
    from align.translate import translate_document

    documents = [segment(seed.read_text(encoding="utf-8")) for seed in seed_files]
    apertium = ApertiumEngine()
    said: dict[str, str] = {}
    raw = []
    for doc in documents:
        translated = translate_document(doc, apertium, typography="engine")
        for (p, source), target in zip(doc.iter_sentences(), translated.target.sentences()):
            if p.kind != "furniture":
                said[source.text.removeprefix("• ")] = target.text.removeprefix("• ")
                raw.append(target.text)
    english_side = [s.text for doc in documents
                    for p, s in translate_document(doc, Replay(apertium, said)).target.iter_sentences()
                    if p.kind != "furniture"]
    # Measured with the engine's raw text: 71 guillemets (four seeds), 1 space before a colon, 15 no-break spaces.
    assert french_typography(raw)["guillemets"] > 50 and french_typography(raw)["space before ; : ! ?"] > 0
    assert french_typography(english_side) == {"guillemets": 0, "space before ; : ! ?": 0, "no-break spaces": 0}
    assert len(english_side) == len(raw)


@pytest.mark.apertium
def test_translate_typography_switch_is_recorded_and_a_change_retranslates(seed_files, tmp_path, run_align):
    from align.tei import read_tei

    article = seed_files[3]
    out = tmp_path / f"{article.stem}.tei.xml"
    common = ("translate", article, "-o", tmp_path, "--engine", "apertium", "--no-cache")
    assert run_align(*common).exit_code == 0
    doc = read_tei(out)
    assert doc.provenance.settings["typography"] == "english"
    assert doc.target.sentences()[0].text.endswith("“on all the fronts”")
    assert doc.target.sentences()[4].text.startswith("• ")  # the bullet is back in front of the English

    raw = run_align(*common, "--typography", "engine")
    assert raw.exit_code == 0 and "up to date" not in raw.stderr
    doc = read_tei(out)
    assert doc.provenance.settings["typography"] == "engine"
    assert "«\u00a0on all the fronts\u00a0»" in doc.target.sentences()[0].text
    assert "up to date" in run_align(*common, "--typography", "engine").stderr
