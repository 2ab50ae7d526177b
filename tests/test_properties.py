"""Invariants over arbitrary input (Hypothesis), not chosen examples.

Articles reach align copied from PDFs, web pages and wire feeds: control characters, U+FFFE,
lone surrogates, combining marks, right-to-left text, emoji, 10 000-character tokens, every kind
of line end. Whatever the text:

* reading a file gives text XML can hold, changed only where XML could not hold it;
* segmentation loses nothing and invents nothing: every non-space character of the input is in
  exactly one sentence, in order;
* TEI write -> read returns the same document, and the file is valid (align.rng and tei_all);
* glossary enforcement returns one result per sentence whatever the engine does to placeholders;
* alignment puts every sentence of both sides in exactly one link, for any lengths (0 included);
* check-terms, show and every export work on any valid TEI file.

The quick profile (40 examples per property, derandomized) runs in the README's test command;
``scripts/robustness_long.sh`` runs the long one (HYPOTHESIS_PROFILE=long, random, 2000 examples).
"""

from __future__ import annotations

from pathlib import Path
import tempfile

import pytest

pytest.importorskip("hypothesis", reason="hypothesis not installed: pip install -e '.[test]'")
from hypothesis import assume, given, strategies as st  # noqa: E402

from align import tei
from align.aligners import AlignmentError, align_documents, align_sentences
from align.document import AlignedDocument, GlossaryInfo, Link, Provenance, TermSpan
from align.enforce import TOKEN_PREFIX, enforce_batch
from align.errors import InputError
from align.glossary import Entry, glossary_from_entries
from align.io import XML_UNSAFE, clean_xml_unsafe, read_clean_text
from align.segment import segment

# --------------------------------------------------------------------------- strategies

WORDS = ["Le", "président", "a", "dit", "M.", "Poutine", "Kim", "Jong-un", "l'Ukraine", "aujourd'hui",
         "1.", "2023", "«", "»", "—", "-", "(", ")", "U.S.", "etc.", "Mis à jour", "Photo AFP", "fr-01",
         "Commentez cette histoire", "Lire aussi :", "•", "*", "▪", "1,6", "n°", "Mme", "J."]
ENDINGS = [".", "!", "?", "…", "...", ". »", ".»", "?!", ":", ";", ","]
SPACES = [" ", "  ", "\t", "\u00a0", "\u202f", "\n", "\n\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", " \n "]
ODD = ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\ufffe", "\uffff", "\ud800", "\udfff",
       "e\u0301", "\u0301", "שלום", "مرحبا", "\u200f", "\u200b", "😀", "👍🏽", "\U0010fffd", "\ufeff", "ǅ", "ß"]
LONG_TOKENS = st.sampled_from(["a" * 10_000, "Poutine" * 1_500, "é" * 10_000, "x." * 5_000])

#: arbitrary article text, weighted towards what trips segmenters
article_text = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(ENDINGS), st.sampled_from(SPACES),
              st.sampled_from(ODD), st.text(max_size=8)),
    max_size=80,
).map("".join)
#: the same, sometimes with a 10 000-character token in it
article_with_long_tokens = st.one_of(
    article_text,
    st.tuples(article_text, LONG_TOKENS, article_text).map("".join),
)
#: text as it is after reading (what segmentation and the TEI writer get in the pipeline)
clean_article = article_with_long_tokens.map(lambda t: clean_xml_unsafe(
    t.replace("\r\n", "\n").replace("\r", "\n")).text)


def _non_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def _is_unsafe(ch: str) -> bool:
    return XML_UNSAFE.fullmatch(ch) is not None


# --------------------------------------------------------------------------- reading files


def _no_encoded_pair(text: str) -> bool:
    """No high surrogate right before a low one (those bytes decode as the character they encode)."""
    return not any("\ud800" <= a <= "\udbff" and "\udc00" <= b <= "\udfff" for a, b in zip(text, text[1:]))


@given(article_with_long_tokens.filter(_no_encoded_pair))
def test_reading_any_text_file_changes_only_what_xml_cannot_hold(text):
    data = text.encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.txt"
        path.write_bytes(data)
        try:
            content = read_clean_text(path)
        except InputError as error:
            assert "\n" not in str(error)
            blank = not clean_xml_unsafe(text.removeprefix("\ufeff")).text.strip()
            assert b"\x00" in data[:65536] or blank
            return
    expected = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    assert len(content.text) == len(expected)
    assert not XML_UNSAFE.search(content.text)
    changed = [(a, b) for a, b in zip(expected, content.text) if a != b]
    assert all(_is_unsafe(a) and b == ("\n" if a in "\x0b\x0c" else " ") for a, b in changed)
    assert content.replaced == sum(map(_is_unsafe, expected))


@given(st.binary(max_size=300))
def test_any_bytes_give_text_or_one_clear_line(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.txt"
        path.write_bytes(data)
        try:
            content = read_clean_text(path)
        except InputError as error:
            assert "\n" not in str(error) and str(error).startswith(str(path))
        else:
            assert not XML_UNSAFE.search(content.text) and content.text.strip()


# --------------------------------------------------------------------------- segmentation


@given(article_with_long_tokens)
def test_segmentation_loses_nothing_and_invents_nothing(text):
    doc = segment(text, "fr")
    sentences = doc.sentences()
    assert _non_space("".join(s.text for s in sentences)) == _non_space(text)
    assert all(s.text.strip() for s in sentences)  # no empty sentence
    assert all(p.sentences for p in doc.paragraphs)  # no empty paragraph
    assert [s.id for s in sentences] == [f"fr.s{n}" for n in range(1, len(sentences) + 1)]
    for paragraph in doc.paragraphs:
        if paragraph.kind in ("furniture", "heading"):
            assert len(paragraph.sentences) == 1


@given(article_with_long_tokens)
def test_english_segmentation_too(text):
    assert _non_space("".join(s.text for s in segment(text, "en").sentences())) == _non_space(text)


# --------------------------------------------------------------------------- TEI round trip


@st.composite
def links_between(draw, n_src: int, n_tgt: int, confident: bool) -> list[tuple[list[int], list[int], float | None]]:
    """A monotone partition of both sides into links (1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 3-1)."""
    links = []
    i = j = 0
    while i < n_src or j < n_tgt:
        a, b = draw(st.sampled_from([(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1)]))
        a, b = min(a, n_src - i), min(b, n_tgt - j)
        if a == b == 0:
            a, b = (1, 0) if i < n_src else (0, 1)
        confidence = draw(st.floats(0, 1)) if confident else None
        links.append((list(range(i, i + a)), list(range(j, j + b)), confidence))
        i, j = i + a, j + b
    return links


GLOSSARY_ENTRIES = [("putin", "Putin"), ("kim-jong-un", "Kim Jong Un"), ("kyiv", "Kyiv")]


@st.composite
def aligned_documents(draw) -> AlignedDocument:
    """Any document align could write: both sides segmented from arbitrary (read) text, any links,
    glossary terms on any non-overlapping spans, notes, any provenance strings."""
    source = segment(draw(clean_article), "fr")
    target = segment(draw(clean_article), "en")
    src, tgt = source.sentences(), target.sentences()
    assume(src or tgt)
    confident = draw(st.booleans())
    links = [Link(tuple(src[i].id for i in s), tuple(tgt[j].id for j in t), c)
             for s, t, c in draw(links_between(len(src), len(tgt), confident))]
    with_glossary = draw(st.booleans())
    for sentence in src + tgt:
        if with_glossary and draw(st.booleans()):
            cuts = sorted(draw(st.lists(st.integers(0, len(sentence.text)), max_size=4)))
            sentence.terms = [TermSpan(a, b, draw(st.sampled_from(GLOSSARY_ENTRIES))[0])
                              for a, b in zip(cuts[::2], cuts[1::2])]
        if draw(st.integers(0, 9)) == 0:
            sentence.notes = [draw(clean_article)]
    short = clean_article.map(lambda t: t[:200])
    provenance = Provenance(
        title=draw(short), source_file=draw(short), source_sha256="0" * 64,
        source_replaced=draw(st.integers(0, 10**6)), engine=draw(short), engine_version=draw(short),
        model=draw(short), settings={"beam_size": draw(short)}, date=draw(short),
        glossary=GlossaryInfo(draw(short), "1" * 64, GLOSSARY_ENTRIES) if with_glossary else None,
    )
    return AlignedDocument(source, target, links, provenance)


@given(doc=aligned_documents())
def test_tei_round_trip_returns_the_same_document_and_the_file_is_valid(doc, tei_all_rng):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.tei.xml"
        tei.write_tei(doc, path)
        back = tei.read_tei(path)
        assert back == doc
        assert [link.confidence for link in back.links] == [
            None if link.confidence is None else round(link.confidence, 3) for link in doc.links]
        assert tei.validate(path, tei_all_rng) == []


@given(aligned_documents())
def test_check_terms_show_and_every_export_work_on_any_valid_file(doc):
    from align import export, term_check
    from align.export import txt
    from align.cli.show import render

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.tei.xml"
        tei.write_tei(doc, path)
        doc = tei.read_tei(path)
        rows = render(doc, 100)
        assert len(rows) >= len(doc.links)
        term_check.check_files([path])
        for format_name in ("html", "tmx", "xces", "txt"):
            written = export.export(doc, Path(folder) / f"out.{format_name}", format_name)
            assert all(p.stat().st_size > 0 for p in written)
        assert len(txt.lines(doc)[0]) == len(doc.links)


# --------------------------------------------------------------------------- glossary enforcement

GLOSSARY = glossary_from_entries([
    Entry("putin", "Putin", ["Poutine", "Poutine Vladimir"]),
    Entry("kim-jong-un", "Kim Jong Un", ["Kim Jong-un", "Kim Jong Oun"]),
    Entry("kyiv", "Kyiv", ["Kiev", "Kiyv"]),
])
GLOSSARY_WORDS = ["Poutine", "Kim Jong-un", "Kiev", "d'Ukraine", "de", "Putin", "Kyiv", "le", "a vu"]


def _mangle(draw, text: str) -> str:
    """What a careless engine does to a protected sentence: drop, duplicate, reorder or mangle
    placeholders, add invented ones, or replace everything."""
    tokens = text.split()
    action = draw(st.sampled_from(["keep", "drop", "duplicate", "reverse", "mangle", "invent", "garbage",
                                   "empty", "variant"]))
    if action == "drop":
        tokens = [t for t in tokens if TOKEN_PREFIX not in t or draw(st.booleans())]
    elif action == "duplicate":
        tokens = [u for t in tokens for u in ([t, t] if TOKEN_PREFIX in t else [t])]
    elif action == "reverse":
        tokens = tokens[::-1]
    elif action == "mangle":
        tokens = [draw(st.sampled_from([t.lower(), t.replace(TOKEN_PREFIX, "ZXQ "), t.replace(TOKEN_PREFIX, "z-x-q"),
                                        t + "s", "Z" + t[1:].lower(), t.replace("1", "7")]))
                  if TOKEN_PREFIX in t else t for t in tokens]
    elif action == "invent":
        tokens.insert(draw(st.integers(0, len(tokens))), f"{TOKEN_PREFIX}{draw(st.integers(0, 99))}")
    elif action == "garbage":
        return draw(st.text(max_size=30))
    elif action == "empty":
        return ""
    elif action == "variant":
        tokens.append(draw(st.sampled_from(["Kiev", "Poutine", "kim jong-un", "Poutinee"])))
    return " ".join(tokens)


@given(st.lists(st.lists(st.one_of(st.sampled_from(GLOSSARY_WORDS), st.sampled_from(WORDS), st.text(max_size=5)),
                         max_size=12).map(" ".join), max_size=8),
       st.sampled_from(["placeholder", "canonical"]), st.data())
def test_enforcement_gives_one_result_per_sentence_whatever_the_engine_does(texts, mode, data):
    calls = []

    def careless_engine(batch: list[str]) -> list[str]:
        calls.append(batch)
        return [_mangle(data.draw, text) for text in batch]

    restored = enforce_batch(texts, GLOSSARY, careless_engine, mode=mode)
    assert len(restored) == len(texts)
    for text, result in zip(texts, restored):
        assert [(t.start, t.end, t.ref) for t in result.source_terms] == [
            (m.start, m.end, m.entry.id) for m in GLOSSARY.find(text)]
        position = 0
        for term in result.target_terms:  # in order, inside the text, never overlapping, canonical
            assert position <= term.start < term.end <= len(result.text)
            assert result.text[term.start:term.end] == GLOSSARY.entry(term.ref).canonical
            position = term.end
        enforced = [t.ref for t in result.target_terms]
        for term in result.source_terms:  # every French term is enforced or reported
            assert term.ref in enforced or any(term.ref in problem for problem in result.problems)


@given(st.lists(st.sampled_from(["Poutine a vu Kiev.", "Rien.", "Kim Jong-un parle."]), min_size=1, max_size=5),
       st.integers(-3, 3).filter(bool))
def test_an_engine_giving_the_wrong_number_of_outputs_is_one_clear_error(texts, extra):
    from align.engines.base import EngineError

    def miscounting_engine(batch: list[str]) -> list[str]:
        return (batch + batch[:1] * extra) if extra > 0 else batch[:extra]

    with pytest.raises(EngineError, match="the engine returned"):
        enforce_batch(texts, GLOSSARY, miscounting_engine)


# --------------------------------------------------------------------------- alignment

sentence_lists = st.lists(st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=40),
                                    st.sampled_from(["a" * 3000, "1 2 3", "«»", "Poutine Kiev."])), max_size=25)


@given(sentence_lists, sentence_lists, st.sampled_from(["gale-church", "anchors", "mt"]))
def test_alignment_covers_every_sentence_of_both_sides_exactly_once(src, tgt, method):
    def translate(batch):
        return [text[::-1] for text in batch]  # any engine output will do

    if not src and not tgt:
        with pytest.raises(AlignmentError):
            align_sentences(src, tgt, method, translate=translate)
        return
    links = align_sentences(src, tgt, method, translate=translate, glossary=GLOSSARY)
    assert [i for s, _ in links for i in s] == list(range(len(src)))
    assert [j for _, t in links for j in t] == list(range(len(tgt)))
    assert all(s or t for s, t in links)


@given(clean_article, clean_article, st.sampled_from(["gale-church", "anchors"]))
def test_aligned_documents_are_valid_tei(french, english, method):
    fr, en = segment(french, "fr"), segment(english, "en")
    assume(fr.sentences() or en.sentences())
    doc = align_documents(fr, en, method=method)
    assert all(0.0 <= link.confidence <= 1.0 for link in doc.links)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pair.tei.xml"
        tei.write_tei(doc, path)
        assert tei.validate(path) == []
        assert tei.read_tei(path).links == doc.links
