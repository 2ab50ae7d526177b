"""align's TEI: writing, reading back, validating (tei_all.rng and tei/align.rng), bad input, CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from align import tei
from align.document import (
    AlignedDocument,
    Document,
    GlossaryInfo,
    Link,
    Paragraph,
    Provenance,
    Sentence,
    TermSpan,
)
from align.errors import InputError

NS = {"t": tei.TEI_NS}


def example_document() -> AlignedDocument:
    """Every feature at once: kinds, terms, notes, 1-1, 1-2, 2-1, 1-0, 0-1, awkward characters."""
    fr = Document("fr", [
        Paragraph("fr.p1", [Sentence("fr.s1", "Vladimir Poutine", [TermSpan(9, 16, "putin")])], "heading"),
        Paragraph("fr.p2", [
            Sentence("fr.s2", "M. Poutine a dit « non » & <rien> à 15\u00a0h\u202f!", [TermSpan(3, 10, "putin")]),
            Sentence("fr.s3", "Une phrase,"),
            Sentence("fr.s4", "et une autre."),
            Sentence("fr.s5", "Phrase sans traduction."),
        ]),
        Paragraph("fr.p3", [Sentence("fr.s6", "• Sergueï Choïgou l'a 'confirmé'.", [TermSpan(2, 17, "shoigu")])],
                  "bullet"),
        Paragraph("fr.p4", [Sentence("fr.s7", "Commentez cette histoire")], "furniture"),
    ])
    en = Document("en", [
        Paragraph("en.p1", [Sentence("en.s1", "Vladimir Putin", [TermSpan(9, 14, "putin")])], "heading"),
        Paragraph("en.p2", [
            Sentence("en.s2", ' Mr Putin said "no" & <nothing> at 3\u00a0pm\u202f! ', [TermSpan(4, 9, "putin")],
                     ["glossary term 'shoigu' could not be enforced", "a <second> & last note"]),
            Sentence("en.s3", "He added."),
            Sentence("en.s4", "One sentence, and another."),
            Sentence("en.s5", "An added sentence."),
        ]),
        Paragraph("en.p3", [Sentence("en.s6", "Shoigu", [TermSpan(0, 6, "shoigu")])], "bullet"),
        Paragraph("en.p4", [Sentence("en.s7", "Commentez cette histoire")], "furniture"),
    ])
    links = [
        Link(("fr.s1",), ("en.s1",)),
        Link(("fr.s2",), ("en.s2", "en.s3"), confidence=0.42),  # as the sentence aligner writes them
        Link(("fr.s3", "fr.s4"), ("en.s4",)),
        Link(("fr.s5",), ()),
        Link((), ("en.s5",), confidence=0.973),
        Link(("fr.s6",), ("en.s6",)),
        Link(("fr.s7",), ("en.s7",)),
    ]
    provenance = Provenance(
        title="Poutine & Choïgou: « l'entretien »",
        source_file="../shared/seeds/fr-01.txt",
        source_sha256="ab" * 32,
        engine="apertium",
        engine_version="3.8.3-1",
        model="fr-es | spa-eng",
        model_version="",
        settings={"beam_size": "4", "mode with spaces": "a\tb"},
        glossary=GlossaryInfo("names.tsv", "cd" * 32, [("putin", "Putin"), ("shoigu", "Shoigu")]),
        date="2026-11-25T05:47:42+00:00",
        align_version="0.1.0",
    )
    return AlignedDocument(fr, en, links, provenance)


def empty_document() -> AlignedDocument:
    return AlignedDocument(Document("fr", []), Document("en", []), [], Provenance())


@pytest.fixture(scope="module")
def align_rng():
    return tei.relaxng()


@pytest.fixture()
def written(tmp_path: Path) -> Path:
    path = tmp_path / "article.tei.xml"
    tei.write_tei(example_document(), path)
    return path


def assert_valid(schema, tree) -> None:
    assert schema.validate(tree), "\n".join(str(error) for error in schema.error_log)


# ----------------------------------------------------------------------------- writing


def test_written_file_is_valid_against_tei_all_and_align_rng(written, tei_all_rng, align_rng):
    tree = etree.parse(str(written))
    assert_valid(tei_all_rng, tree)
    assert_valid(align_rng, tree)
    assert tei.validate(written) == []


def test_empty_and_minimal_documents_are_valid_too(tmp_path, tei_all_rng, align_rng):
    for doc in (empty_document(), AlignedDocument(
            Document("fr", [Paragraph("fr.p1", [Sentence("fr.s1", "")])]), Document("en", []),
            [Link(("fr.s1",), ())], Provenance(date="25 novembre", engine="my engine", align_version="dev"))):
        path = tmp_path / "doc.tei.xml"
        tei.write_tei(doc, path)
        assert_valid(tei_all_rng, etree.parse(str(path)))
        assert_valid(align_rng, etree.parse(str(path)))
        assert tei.read_tei(path) == doc


def test_file_is_pretty_utf8_with_declaration_and_raw_special_characters(written):
    data = written.read_bytes()
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    text = data.decode("utf-8")
    assert "\n    <teiHeader>" not in text and "\n  <teiHeader>" in text
    assert "15\u00a0h\u202f!" in text and "&amp; &lt;rien&gt;" in text


def test_sentence_content_is_never_indented(written):
    text = written.read_text("utf-8")
    assert '<s xml:id="en.s6"><term ref="#gl-shoigu">Shoigu</term></s>' in text
    assert '<s xml:id="en.s2"> Mr <term ref="#gl-putin">Putin</term> said' in text


def test_header_records_provenance(written):
    header = etree.parse(str(written)).getroot().find("t:teiHeader", NS)
    assert header.findtext("t:fileDesc/t:sourceDesc/t:bibl[@type='source']/t:idno[@type='sha256']",
                           namespaces=NS) == "ab" * 32
    engine = header.find("t:encodingDesc/t:appInfo/t:application[@type='engine']", NS)
    assert engine.get("ident") == "apertium" and engine.get("version") == "3.8.3"
    assert [lang.get("ident") for lang in header.iterfind(".//t:langUsage/t:language", NS)] == ["fr", "en"]
    assert header.find(".//t:creation/t:date", NS).get("when") == "2026-11-25T05:47:42+00:00"
    categories = header.iterfind(".//t:taxonomy[@xml:id='glossary']/t:category", {**NS, "xml": tei.XML_NS})
    assert [c.get(tei.XML_ID) for c in categories] == ["gl-putin", "gl-shoigu"]


def test_empty_sides_of_links_point_at_the_other_text(written):
    links = etree.parse(str(written)).getroot().findall("t:text/t:linkGrp/t:link", NS)
    assert [(link.get("type"), link.get("target")) for link in links[2:5]] == [
        ("2-1", "#fr.s3 #fr.s4 #en.s4"), ("1-0", "#fr.s5 #en"), ("0-1", "#fr #en.s5")]


def test_paragraph_kinds_are_rend_attributes(written):
    paragraphs = etree.parse(str(written)).getroot().iterfind(".//t:text[@type='source']//t:p", NS)
    assert [p.get("rend") for p in paragraphs] == ["heading", None, "bullet", "furniture"]


# ----------------------------------------------------------------------------- round trip


def test_round_trip_gives_equal_dataclasses(written):
    assert tei.read_tei(written) == example_document()


def test_link_confidence_is_cert_and_comes_back(written):
    assert '<link type="1-2" target="#fr.s2 #en.s2 #en.s3" cert="0.420"/>' in written.read_text(encoding="utf-8")
    confidences = [link.confidence for link in tei.read_tei(written).links]
    assert confidences == [link.confidence for link in example_document().links]
    assert confidences.count(None) == 5  # links of a translation have none


def test_a_confidence_outside_0_1_cannot_be_stored(tmp_path):
    doc = example_document()
    doc.links[0] = Link(doc.links[0].source, doc.links[0].target, confidence=1.2)
    with pytest.raises(InputError, match="between 0 and 1"):
        tei.write_tei(doc, tmp_path / "bad.tei.xml")
    assert not (tmp_path / "bad.tei.xml").exists()


def test_round_trip_through_tree_and_through_any_pretty_printing():
    doc = example_document()
    assert tei.from_tree(tei.to_tree(doc)) == doc
    reparsed = etree.fromstring(etree.tostring(tei.to_tree(doc), pretty_print=True))
    assert tei.from_tree(reparsed) == doc


@pytest.mark.parametrize("text", [
    "  tabs\tand\r\nnewlines\n ", "]]> &amp; &#38; <!-- -->", "\u00a0", "\U0001F600 émoji",
])
def test_any_xml_text_comes_back_exactly(tmp_path, text):
    doc = example_document()
    doc.source.paragraphs[1].sentences[1].text = text
    doc.target.paragraphs[1].sentences[0].notes = [text]
    doc.provenance.title = doc.provenance.settings["beam_size"] = text
    path = tmp_path / "text.tei.xml"
    tei.write_tei(doc, path)
    assert tei.read_tei(path) == doc


def test_terms_come_back_on_the_same_characters(written):
    sentence = tei.read_tei(written).target.sentence("en.s2")
    assert [(sentence.text[t.start:t.end], t.ref) for t in sentence.terms] == [("Putin", "putin")]


def test_writing_replaces_the_old_file_atomically(written):
    before = written.read_bytes()
    broken = example_document()
    broken.target.paragraphs[0].sentences[0].text = "bell \x07"
    with pytest.raises(InputError, match="U\\+0007"):
        tei.write_tei(broken, written)
    assert written.read_bytes() == before
    assert [p.name for p in written.parent.iterdir()] == [written.name]


@pytest.mark.parametrize("damage, message", [
    (lambda d: setattr(d.target.paragraphs[1].sentences[0], "id", "en.s1"), "used twice"),
    (lambda d: setattr(d.source.paragraphs[0], "id", "fr p1"), "cannot be an xml:id"),
    (lambda d: d.source.paragraphs[0].sentences[0].terms.append(TermSpan(10, 12, "x")), "overlaps"),
    (lambda d: d.source.paragraphs[0].sentences[0].terms.append(TermSpan(15, 99, "x")), "outside"),
    (lambda d: setattr(d.source.paragraphs[0], "kind", "caption"), "unknown kind"),
    (lambda d: d.links.append(Link((), ())), "no sentence"),
])
def test_documents_that_cannot_be_stored_are_refused(damage, message):
    doc = example_document()
    damage(doc)
    with pytest.raises(InputError, match=message):
        tei.to_bytes(doc)


# ----------------------------------------------------------------------------- bad input


def damaged(written: Path, old: str, new: str) -> Path:
    text = written.read_text("utf-8")
    assert old in text
    written.write_text(text.replace(old, new, 1), "utf-8")
    return written


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"not xml at all", "not well-formed XML"),
    (b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><unclosed></TEI>", "not well-formed XML"),
    (b"<html><body/></html>", "root element is <html>"),
    (b"<TEI><teiHeader/></TEI>", "root element is <TEI>"),  # no TEI namespace
    (b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader/><text/></TEI>", "expected <text><group>"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not well-formed XML"),
])
def test_files_that_are_not_align_tei_give_one_line(tmp_path, content, message):
    path = tmp_path / "bad.tei.xml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        tei.read_tei(path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


def test_external_entities_are_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", "utf-8")
    path = tmp_path / "xxe.tei.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><group><text xml:id="fr" xml:lang="fr" type="source">'
        '<body><p xml:id="fr.p1"><s xml:id="fr.s1">&xxe;</s></p></body></text></group></text></TEI>', "utf-8")
    with pytest.raises(InputError, match="DOCTYPE") as info:
        tei.read_tei(path)
    assert "TOP-SECRET" not in str(info.value)
    assert any("DOCTYPE" in problem for problem in tei.validate(path))


def test_entity_nodes_in_a_tree_are_refused():
    tree = tei.to_tree(example_document())
    sentence = tree.getroot().find(".//t:s", NS)
    sentence.append(etree.Entity("xxe"))
    with pytest.raises(InputError, match="inside sentence fr.s1"):
        tei.from_tree(tree)


@pytest.mark.parametrize("old, new, message", [
    ('<s xml:id="fr.s3">', "<s>", "<s> without xml:id"),
    ('<p xml:id="en.p2">', "<p>", "<p> without xml:id"),
    ("#fr.s5 #en", "#fr.s5 #en.s99", "#en.s99 points at nothing"),
    ("#fr.s5 #en", "#fr.s5 #en.p1", "#en.p1 is not a sentence"),
    ("#fr.s5 #en", "fr.s5 en", "target must be"),
    ('type="2-1"', 'type="1-1"', "type '1-1' but it joins 2-1"),
    ('<s xml:id="en.s3">', '<s xml:id="en.s2">', "ID en.s2 already defined"),
    ('rend="bullet"', 'rend="caption"', "unknown rend 'caption'"),
    ('<term ref="#gl-putin">Poutine', '<term ref="putin">Poutine', "needs ref="),
    ('<s xml:id="fr.s3">', '<s xml:id="fr.s3"><hi>x</hi>', "unexpected <hi>"),
    ('cert="0.420"', 'cert="1.5"', "cert '1.5' is not between 0 and 1"),
    ('cert="0.420"', 'cert="NaN"', "cert 'NaN' is not between 0 and 1"),
    ('cert="0.420"', 'cert="sure"', "cert must be a probability or high/medium/low/unknown, found 'sure'"),
])
def test_damaged_align_tei_gives_one_line(written, old, new, message):
    with pytest.raises(InputError, match=re.escape(message)) as info:
        tei.read_tei(damaged(written, old, new))
    assert "\n" not in str(info.value)


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        tei.read_tei(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        tei.read_tei(tmp_path / "missing.tei.xml")


# ----------------------------------------------------------------------------- validate()


@pytest.mark.parametrize("old, new, problem", [
    ("#fr.s5 #en", "#fr.s5 #en.s99", "link target #en.s99 does not exist"),
    ('<link type="1-0" target="#fr.s5 #en"/>', "", "sentence fr.s5 is in 0 links"),
    ('target="#fr #en.s5"', 'target="#fr.s1 #en.s5"', "sentence fr.s1 is in 2 links"),
    ('type="2-1"', 'type="1-1"', "link type '1-1' but it joins 2-1 sentences"),
    ('<catDesc>Shoigu</catDesc>', '<catDesc>Shoigu</catDesc></category><category xml:id="gl-x"><catDesc/>', None),
    ('<category xml:id="gl-shoigu">', '<category xml:id="gl-shoygu">', 'term ref="#gl-shoigu"> has no glossary'),
    ('<s xml:id="fr.s3">', '<s xml:id="fr.s3"><hi>x</hi>', "Expecting element term, got hi"),
    ('target="#en.s2"', 'target="#en.s4"', "does not point at"),
])
def test_validate_reports_what_is_wrong(written, old, new, problem):
    problems = tei.validate(damaged(written, old, new))
    if problem is None:
        assert problems == []
    else:
        assert any(problem in line for line in problems), problems
        assert all(line.startswith(str(written)) for line in problems)


def test_validate_can_also_use_the_full_tei_schema(written, tei_all_rng):
    assert tei.validate(written, tei_all_rng) == []
    problems = tei.validate(damaged(written, 'rend="bullet"', 'type="bullet"'), tei_all_rng)
    assert any("Invalid attribute type for element p" in line for line in problems)


def test_compact_schema_is_stricter_than_nothing(written, align_rng):
    for old, new in [('<link type="1-1" target="#fr.s1 #en.s1"/>', '<link type="1-1" target="#fr.s1"/>'),
                     ('<note type="problem"', '<note type="info"'),
                     ('<desc type="method">', '<desc type="methode">')]:
        tree = etree.fromstring(written.read_bytes().replace(old.encode(), new.encode(), 1))
        assert not align_rng.validate(tree), old


# ----------------------------------------------------------------------------- CLI


def test_show_prints_one_row_per_link_side_by_side(written, run_align):
    result = run_align("show", written, "--width", "100")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert any(line.startswith("2-1 ") and "Une phrase, et une autre." in line
               and line.endswith("| One sentence, and another.") for line in lines)
    assert any(line.startswith("1-1 F Commentez cette histoire") for line in lines)
    assert any(line.startswith("1-0 ") and line.endswith("| -") for line in lines)
    assert any("! en.s2: glossary term 'shoigu' could not be enforced" in line for line in lines)
    assert any(line.startswith("1-2?  M. Poutine a dit") for line in lines)  # confidence 0.42: doubtful
    assert any(line.startswith("0-1   -") for line in lines)  # 0.973: sure
    assert "? confidence below 0.5" in result.stdout


def test_show_below_lists_only_the_links_to_check(written, run_align):
    result = run_align("show", written, "--width", "100", "--below", "0.5")
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line[:3] in ("1-1", "1-2", "2-1", "1-0", "0-1")]
    assert len(rows) == 1 and rows[0].startswith("1-2?")
    assert "1 link with a confidence below 0.5 (of 7)" in result.stdout


def test_show_below_on_a_file_without_confidences_says_why_it_shows_nothing(tmp_path, run_align):
    doc = example_document()
    doc.links = [Link(link.source, link.target) for link in doc.links]
    tei.write_tei(doc, tmp_path / "translation.tei.xml")
    result = run_align("show", tmp_path / "translation.tei.xml", "--below", "0.5")
    assert result.exit_code == 0 and "no link has a confidence (@cert)" in result.stdout


def test_show_wraps_long_sentences_to_the_width(tmp_path, run_align):
    doc = example_document()
    doc.source.paragraphs[1].sentences[0].text = "mot " * 60
    doc.source.paragraphs[1].sentences[0].terms = []
    path = tmp_path / "long.tei.xml"
    tei.write_tei(doc, path)
    result = run_align("show", path, env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 60
    assert sum(line.count("mot") for line in result.stdout.splitlines()) == 60


def test_show_on_a_bad_file_is_one_line_no_traceback(tmp_path, run_align):
    path = tmp_path / "bad.tei.xml"
    path.write_text("<TEI", "utf-8")
    result = run_align("show", path)
    assert result.exit_code != 0
    assert result.stderr.strip().count("\n") == 0 and "not well-formed XML" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_command_exit_codes(written, tmp_path, run_align):
    other = tmp_path / "other.tei.xml"
    tei.write_tei(example_document(), other)
    ok = run_align("validate", written, other)
    assert ok.exit_code == 0 and ok.stdout == "" and "2 files valid" in ok.stderr
    damaged(other, "#fr.s5 #en", "#fr.s5 #en.s99")
    bad = run_align("validate", written, other, tmp_path / "missing.tei.xml")
    assert bad.exit_code == 1
    assert bad.stdout.splitlines() == [
        f"{other}: line {_link_line(other)}: link target #en.s99 does not exist",
        f"{tmp_path / 'missing.tei.xml'}: no such file",
    ]


def _link_line(path: Path) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if "#en.s99" in line)


def test_validate_command_with_full_tei(written, shared_dir, run_align):
    result = run_align("validate", "--full-tei", shared_dir / "data" / "tei" / "tei_all.rng", written)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_readme_example_is_valid_align_tei(tmp_path, tei_all_rng):
    from align.resources import data_file

    readme = data_file("tei", "README.md").read_text("utf-8")
    example = re.search(r"```xml\n(.*?)```", readme, re.S).group(1)
    path = tmp_path / "readme.tei.xml"
    path.write_text(example, "utf-8")
    assert tei.validate(path, tei_all_rng) == []
    doc = tei.read_tei(path)
    assert [link.kind for link in doc.links] == ["1-1", "2-1", "1-1"]
    assert doc.target.sentence("en.s2").notes == ["glossary term 'kim' could not be enforced"]


def test_a_tei_file_is_known_by_its_name_or_its_first_bytes(tmp_path):
    named, sniffed, text = tmp_path / "a.tei", tmp_path / "b.txt", tmp_path / "c.txt"
    named.write_text("anything", encoding="utf-8")
    sniffed.write_bytes(b"\xef\xbb\xbf\n<?xml version='1.0'?><TEI/>")
    text.write_text("Le chat <b>dort</b>.\n", encoding="utf-8")
    assert tei.is_tei_file(named) and tei.is_tei_file(sniffed)
    assert not tei.is_tei_file(text) and not tei.is_tei_file(tmp_path / "missing.txt")
