"""Text XML cannot hold (PDF and web extraction leave control characters behind) is cleaned, not refused.

C0 controls other than tab and newline, U+FFFE, U+FFFF and unpaired surrogates are replaced when
an input file is read -- form feed and vertical tab by a line break, the others by a space --, the
count goes into the TEI header, the recorded sha256 stays the file's own, and ``--strict`` refuses
the file as before.
"""

from __future__ import annotations

import hashlib

import pytest

from align import tei
from align.document import AlignedDocument, Document, Link, Paragraph, Provenance, Sentence
from align.errors import InputError
from align.io import XML_UNSAFE, clean_xml_unsafe, read_clean_text, read_text

PDF_ARTICLE = (
    "Le sommet de Vladivostok\n\n"
    "Le président a parlé\x1b hier soir.\x0cLa suite vient\x0b ici. Fin\ufffe du texte.\n"
)


def test_form_feed_and_vertical_tab_become_line_breaks_the_rest_spaces():
    cleaned = clean_xml_unsafe("a\x0cb\x0bc\x1bd\x00e\x7ff\ufffeg\uffffh\ud800i\tj\nk\x85l\u2028m")
    assert cleaned.text == "a\nb\nc d e\x7ff g h i\tj\nk\x85l\u2028m"
    assert cleaned.replaced == 7


def test_text_xml_can_hold_is_left_exactly_as_it_is():
    text = "Él\u00a0dit\u202f: « oui » — 😀 \u05e9\u05dc\u05d5\u05dd e\u0301\t\n\x85\u2028\U0010fffd"
    assert clean_xml_unsafe(text) == clean_xml_unsafe(text).__class__(text, 0)


def test_reading_a_file_replaces_and_counts(tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(PDF_ARTICLE.encode("utf-8"))
    content = read_clean_text(path)
    assert content.replaced == 4
    assert not XML_UNSAFE.search(content.text)
    assert content.text == PDF_ARTICLE.replace("\x1b", " ").replace("\x0c", "\n").replace(
        "\x0b", "\n").replace("\ufffe", " ")


def test_a_lone_surrogate_in_the_bytes_is_replaced_and_an_encoded_pair_joined(tmp_path):
    path = tmp_path / "cesu.txt"
    lone = b"\xed\xa0\x80"  # U+D800 encoded as if it were a character
    pair = b"\xed\xa0\xbd\xed\xb8\x80"  # U+1F600 written as two encoded surrogates (CESU-8)
    path.write_bytes(b"Un " + lone + b" et " + pair + b" fin.\n")
    content = read_clean_text(path)
    assert content.text == "Un   et \U0001f600 fin.\n"
    assert content.replaced == 1


def test_strict_keeps_the_refusal_with_the_line(tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(PDF_ARTICLE.encode("utf-8"))
    with pytest.raises(InputError, match=r"line 3: character U\+001B cannot be stored in XML"):
        read_text(path, strict=True)
    path.write_bytes(b"Un \xed\xa0\x80 texte.\n")
    with pytest.raises(InputError, match="not valid UTF-8 at byte 3"):
        read_text(path, strict=True)


def test_other_invalid_bytes_are_still_refused(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le café est prêt.\n".encode("latin-1"))
    with pytest.raises(InputError, match="latin-1"):
        read_text(path)


def test_the_count_is_in_the_header_and_comes_back(tmp_path, tei_all_rng):
    doc = AlignedDocument(
        Document("fr", [Paragraph("fr.p1", [Sentence("fr.s1", "Bonjour.")])]),
        Document("en", [Paragraph("en.p1", [Sentence("en.s1", "Hello.")])]),
        [Link(("fr.s1",), ("en.s1",))],
        Provenance(source_file="a.txt", source_sha256="ab" * 32, source_replaced=3,
                   target_file="b.txt", target_sha256="cd" * 32, target_replaced=1),
    )
    path = tmp_path / "doc.tei.xml"
    tei.write_tei(doc, path)
    assert tei.read_tei(path) == doc
    assert tei.validate(path, tei_all_rng) == []
    assert b'<note type="replacedCharacters" n="3">3 characters that XML cannot hold' in path.read_bytes()
    doc.provenance.source_replaced = doc.provenance.target_replaced = 0
    tei.write_tei(doc, path)
    assert b"replacedCharacters" not in path.read_bytes()  # files without replacements are as before


@pytest.mark.apertium
def test_translate_cleans_a_pdf_extract_and_strict_refuses_it(tmp_path, run_align, tei_all_rng):
    article = tmp_path / "pdf.txt"
    article.write_bytes(PDF_ARTICLE.encode("utf-8"))
    result = run_align("translate", article, "-o", tmp_path / "out", "--engine", "apertium", "--no-cache")
    assert result.exit_code == 0, result.stderr
    assert "4 character(s) XML cannot hold replaced" in result.stderr
    out = tmp_path / "out" / "pdf.tei.xml"
    assert tei.validate(out, tei_all_rng) == []
    doc = tei.read_tei(out)
    assert doc.provenance.source_replaced == 4
    assert doc.provenance.source_sha256 == hashlib.sha256(article.read_bytes()).hexdigest()
    assert [s.text for s in doc.source.sentences()] == [
        "Le sommet de Vladivostok", "Le président a parlé  hier soir.",
        "La suite vient ici.", "Fin  du texte."]  # the vertical tab's line break is a hard wrap;
    # sentences keep the source's spacing (issue 20): a character replaced by a space is one more space

    strict = run_align("translate", article, "-o", tmp_path / "strict", "--engine", "apertium", "--strict")
    assert strict.exit_code == 1
    assert "line 3: character U+001B cannot be stored in XML" in strict.stderr
    assert "Traceback" not in strict.stderr
    assert not (tmp_path / "strict" / "pdf.tei.xml").exists()


def test_align_records_both_sides_counts(tmp_path, run_align):
    french = tmp_path / "fr.txt"
    english = tmp_path / "en.txt"
    french.write_bytes("Le chat dort.\x07 Le chien aboie.\n".encode())
    english.write_bytes("The cat sleeps.\x0c\x0cThe dog barks.\n".encode())
    out = tmp_path / "pair.tei.xml"
    result = run_align("align", french, english, "-o", out, "--method", "anchors")
    assert result.exit_code == 0, result.stderr
    provenance = tei.read_tei(out).provenance
    assert (provenance.source_replaced, provenance.target_replaced) == (1, 2)
    refused = run_align("align", french, english, "-o", tmp_path / "strict.tei.xml", "--strict")
    assert refused.exit_code == 2 and "U+0007" in refused.stderr and "Traceback" not in refused.stderr


def test_an_article_over_the_size_limit_is_refused_before_it_is_read(tmp_path, run_align, monkeypatch):
    article = tmp_path / "big.txt"
    article.write_text("Une phrase assez longue pour peser. " * 40_000, encoding="utf-8")  # 1.4 MB
    monkeypatch.setenv("ALIGN_MAX_INPUT_MB", "1")
    with pytest.raises(InputError, match=r"big.txt: 1.4 MB is over the 1 MB input limit \(set ALIGN_MAX_INPUT_MB"):
        read_text(article)
    result = run_align("align", article, article, "-o", tmp_path / "out.tei.xml", "--method", "anchors",
                       env={"ALIGN_MAX_INPUT_MB": "1"})
    assert result.exit_code == 2
    assert "over the 1 MB input limit" in result.stderr and "Traceback" not in result.stderr
    monkeypatch.setenv("ALIGN_MAX_INPUT_MB", "2")
    assert read_text(article).startswith("Une phrase")

