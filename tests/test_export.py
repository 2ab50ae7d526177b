"""Exports (HTML, TMX, XCES, txt), importers (TMX, txt) and the export/import CLI.

Documents are built by hand from the dataclasses, with the characters that
break naive XML and text handling: & < > quotes, U+00A0 and U+202F (French
typography), a line break inside a sentence, and every link shape (1-1, 2-1,
1-2, 1-0, 0-1).
"""

from __future__ import annotations

import importlib.util
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from align import __version__
from align.document import (
    AlignedDocument,
    Document,
    GlossaryInfo,
    Link,
    Paragraph,
    Provenance,
    Sentence,
    TermSpan,
    number,
)
from align.errors import InputError
from align.export import FORMATS, exporter, link_pairs, one_line
from align.export import html as html_export
from align.export import tmx as tmx_export
from align.export import txt as txt_export
from align.export import xces as xces_export
from align.export.importers import read_tmx, read_txt
from align.tei import read_tei, safe_parser, validate, write_tei

REPO = Path(__file__).resolve().parents[1]
XHTML = "{http://www.w3.org/1999/xhtml}"
#: what XML writers get wrong less often but still do: a tab, a CDATA end, an astral character, two spaces
ODD = "Phrase sans traduction\t]]> \U0001d11e  fin."
NASTY = "AT&T <b>bold</b> \"guillemets\" 'apostrophe' «\u00a0citation\u00a0» 12\u202f000 euros\u202f!"


def nasty_document() -> AlignedDocument:
    """A small article: heading, body paragraphs, furniture, terms, notes, n-m links."""
    fr = Document("fr", [
        Paragraph("", [Sentence("", "M. Poutine & M. Kim : « accord\u00a0historique »", [TermSpan(3, 10, "putin"),
                                                                                        TermSpan(16, 19, "kim")])],
                  "heading"),
        Paragraph("", [Sentence("", "date 2023-08 Commentez cette histoire")], "furniture"),
        Paragraph("", [
            Sentence("", NASTY),
            Sentence("", "Deux phrases ;"),
            Sentence("", "une seule\nen anglais."),
            Sentence("", "Une phrase longue, traduite en deux."),
            Sentence("", ODD),
        ]),
        Paragraph("", [Sentence("", "fr-01")], "furniture"),
    ])
    en = Document("en", [
        Paragraph("", [Sentence("", "Mr Putin & Mr Kim: \"historic\u00a0deal\"", [TermSpan(3, 8, "putin"),
                                                                               TermSpan(14, 17, "kim")],
                                notes=["glossary term 'accord' left as is"])], "heading"),
        Paragraph("", [Sentence("", "date 2023-08 Commentez cette histoire")], "furniture"),
        Paragraph("", [
            Sentence("", NASTY.replace("guillemets", "quotes")),
            Sentence("", "Two sentences, one in English."),
            Sentence("", "A long sentence,"),
            Sentence("", "translated as two."),
            Sentence("", "An added sentence <with> & marks."),
        ]),
        Paragraph("", [Sentence("", "fr-01")], "furniture"),
    ])
    number(fr)
    number(en)
    links = [
        Link(("fr.s1",), ("en.s1",)),
        Link(("fr.s2",), ("en.s2",)),
        Link(("fr.s3",), ("en.s3",)),
        Link(("fr.s4", "fr.s5"), ("en.s4",)),
        Link(("fr.s6",), ("en.s5", "en.s6")),
        Link(("fr.s7",), ()),
        Link((), ("en.s7",)),
        Link(("fr.s8",), ("en.s8",)),
    ]
    provenance = Provenance(
        title="Poutine & Kim <en> « direct »", source_file="article.txt", source_sha256="a" * 64,
        method="translation", engine="apertium", engine_version="3.8.3", model="fr-es|spa-eng",
        glossary=GlossaryInfo("russia-dprk", "b" * 64, [("putin", "Putin"), ("kim", "Kim")]),
        date="2026-11-25T06:00:00+00:00", align_version=__version__,
    )
    return AlignedDocument(fr, en, links, provenance)


@pytest.fixture
def doc() -> AlignedDocument:
    return nasty_document()


@pytest.fixture
def tei_file(tmp_path: Path, doc: AlignedDocument) -> Path:
    path = tmp_path / "article.tei.xml"
    write_tei(doc, path)
    return path


def parse_xml(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), safe_parser())


# --------------------------------------------------------------------------- shared pieces


def test_link_pairs_join_n_m_links_with_a_space_and_leave_empty_sides_empty(doc):
    pairs = link_pairs(doc)
    assert len(pairs) == len(doc.links)
    assert pairs[3] == ("Deux phrases ; une seule\nen anglais.", "Two sentences, one in English.")
    assert pairs[4] == ("Une phrase longue, traduite en deux.", "A long sentence, translated as two.")
    assert pairs[5] == (ODD, "")
    assert pairs[6] == ("", "An added sentence <with> & marks.")


def test_one_line_turns_line_breaks_into_spaces_and_keeps_other_spaces():
    assert one_line("a\nb\r\nc\u2028d") == "a b c d"
    assert one_line("12\u202f000\u00a0€\t!") == "12\u202f000\u00a0€\t!"


def test_registry_names_one_module_per_format_with_the_shared_interface():
    assert set(FORMATS) == {"html", "tmx", "xces", "txt"}
    for name in FORMATS:
        module = exporter(name)
        assert callable(module.export) and isinstance(module.SUFFIX, str)
    with pytest.raises(KeyError):
        exporter("docx")


# --------------------------------------------------------------------------- TMX


def test_tmx_loads_back_in_translate_toolkit_with_one_unit_per_link(tmp_path, doc):
    from translate.storage.tmx import tmxfile

    path = tmp_path / "article.tmx"
    assert tmx_export.export(doc, path) == [path]
    memory = tmxfile(BytesIO(path.read_bytes()), sourcelanguage="fr", targetlanguage="en")
    assert [(unit.source, unit.target) for unit in memory.units] == link_pairs(doc)


def test_tmx_header_is_tmx_14_with_align_as_creation_tool(tmp_path, doc):
    path = tmp_path / "article.tmx"
    tmx_export.export(doc, path)
    root = parse_xml(path).getroot()
    header = root.find("header")
    assert root.get("version") == "1.4"
    assert header.get("creationtool") == "align"
    assert header.get("creationtoolversion") == __version__
    assert header.get("srclang") == "fr"
    assert header.get("segtype") == "sentence"


def test_tmx_units_say_which_sentences_they_join_and_carry_sentence_notes(tmp_path, doc):
    path = tmp_path / "article.tmx"
    tmx_export.export(doc, path)
    units = parse_xml(path).getroot().findall("body/tu")
    props = [{prop.get("type"): prop.text for prop in unit.findall("prop")} for unit in units]
    assert props[3] == {"x-align-link": "fr.s4 fr.s5;en.s4", "x-align-paragraph": "fr.p3", "x-align-kind": "body"}
    assert props[0]["x-align-kind"] == "heading"
    assert props[6]["x-align-link"] == ";en.s7"
    assert [note.text for note in units[0].findall("note")] == ["en.s1: glossary term 'accord' left as is"]


# --------------------------------------------------------------------------- XCES


def test_xces_xtargets_resolve_to_sentences_of_the_two_sentence_files(tmp_path, doc):
    written = xces_export.export(doc, tmp_path / "article.xces.xml")
    assert [path.name for path in written] == ["article.xces.xml", "article.fr.xml", "article.en.xml"]
    alignment = parse_xml(written[0]).getroot()
    assert alignment.tag == "cesAlign"
    group = alignment.find("linkGrp")
    assert group.get("targType") == "s"
    texts = {}
    for side in ("fromDoc", "toDoc"):
        sentence_file = tmp_path / group.get(side)
        cesdoc = parse_xml(sentence_file).getroot()
        assert cesdoc.tag == "cesDoc"
        texts[side] = {s.get("id"): s.text or "" for s in cesdoc.iter("s")}
    seen = {"fromDoc": [], "toDoc": []}
    pairs = []
    for link in group.findall("link"):
        source_ids, target_ids = (part.split() for part in link.get("xtargets").split(";"))
        assert all(i in texts["fromDoc"] for i in source_ids)
        assert all(i in texts["toDoc"] for i in target_ids)
        assert link.get("type") == f"{len(source_ids)}-{len(target_ids)}"
        seen["fromDoc"] += source_ids
        seen["toDoc"] += target_ids
        pairs.append((" ".join(texts["fromDoc"][i] for i in source_ids),
                      " ".join(texts["toDoc"][i] for i in target_ids)))
    assert seen["fromDoc"] == list(texts["fromDoc"])  # every sentence exactly once, in order
    assert seen["toDoc"] == list(texts["toDoc"])
    assert pairs == link_pairs(doc)


def test_xces_sentence_files_keep_paragraphs_and_their_kinds(tmp_path, doc):
    xces_export.export(doc, tmp_path / "article.xces.xml")
    paragraphs = parse_xml(tmp_path / "article.en.xml").getroot().findall("text/body/p")
    assert [(p.get("id"), p.get("type")) for p in paragraphs] == [
        ("en.p1", "heading"), ("en.p2", "furniture"), ("en.p3", None), ("en.p4", "furniture")]


# --------------------------------------------------------------------------- txt


def test_txt_has_one_line_per_link_on_each_side(tmp_path, doc):
    written = txt_export.export(doc, tmp_path / "article")
    assert [path.name for path in written] == ["article.fr", "article.en"]
    fr_lines = written[0].read_text(encoding="utf-8").split("\n")
    en_lines = written[1].read_text(encoding="utf-8").split("\n")
    assert fr_lines[-1] == en_lines[-1] == ""  # files end with a newline
    assert len(fr_lines) - 1 == len(en_lines) - 1 == len(doc.links)
    assert list(zip(fr_lines[:-1], en_lines[:-1])) == [(one_line(a), one_line(b)) for a, b in link_pairs(doc)]
    assert fr_lines[3] == "Deux phrases ; une seule en anglais."
    assert en_lines[5] == "" and fr_lines[6] == ""


def test_txt_stem_may_be_given_with_a_suffix(tmp_path, doc):
    assert txt_export.paths(tmp_path / "x.txt") == (tmp_path / "x.fr", tmp_path / "x.en")
    assert txt_export.paths(tmp_path / "x.en") == (tmp_path / "x.fr", tmp_path / "x.en")


# --------------------------------------------------------------------------- HTML


def html_rows(path: Path) -> list[etree._Element]:
    tree = parse_xml(path)  # strict XML parser: the page is well-formed
    return [row for row in tree.iter(f"{XHTML}tr") if "link" in row.get("class", "").split()]


def cell_text(row: etree._Element, side: str) -> str:
    cell = row.find(f"{XHTML}td[@class='{side}']")
    return " ".join("".join(s.itertext()) for s in cell.iter(f"{XHTML}span") if s.get("class") == "s")


def test_html_page_is_well_formed_with_one_row_per_link_and_css_beside(tmp_path, doc):
    page, css = html_export.export(doc, tmp_path / "article.html")
    assert css == tmp_path / "align.css" and "tr.link:hover" in css.read_text(encoding="utf-8")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    rows = html_rows(page)
    assert len(rows) == len(doc.links)
    assert [(cell_text(row, "source"), cell_text(row, "target")) for row in rows] == link_pairs(doc)
    assert [row.get("data-link-type") for row in rows] == [link.kind for link in doc.links]


def test_html_parses_the_same_as_html5_in_a_browser_parser(tmp_path, doc):
    """No self-closed <td/> or <span/>: an HTML parser sees the same rows and cells."""
    from lxml import html as lxml_html

    page = html_export.export(doc, tmp_path / "article.html")[0]
    text = page.read_text(encoding="utf-8")
    assert "<td/>" not in text and "<span/>" not in text and "<title/>" not in text
    tree = lxml_html.fromstring(page.read_bytes())
    rows = tree.xpath("//tr[contains(concat(' ', @class, ' '), ' link ')]")
    assert len(rows) == len(doc.links)
    assert all(len(row.xpath("./td")) == 3 for row in rows)


def test_html_marks_terms_furniture_headings_notes_and_partners(tmp_path, doc):
    page = html_export.export(doc, tmp_path / "article.html")[0]
    rows = html_rows(page)
    assert rows[0].get("class").split()[:2] == ["link", "heading"]
    assert "furniture" in rows[1].get("class").split() and "furniture" in rows[7].get("class").split()
    terms = [mark for mark in rows[0].iter(f"{XHTML}mark")]
    assert [(m.text, m.get("data-ref"), m.get("title")) for m in terms] == [
        ("Poutine", "putin", "glossary: Putin"), ("Kim", "kim", "glossary: Kim"),
        ("Putin", "putin", "glossary: Putin"), ("Kim", "kim", "glossary: Kim")]
    notes = [span.text for span in rows[0].iter(f"{XHTML}span") if span.get("class") == "note"]
    assert notes == ["glossary term 'accord' left as is"]
    spans = {s.get("id"): s for s in parse_xml(page).iter(f"{XHTML}span") if s.get("class") == "s"}
    assert spans["fr.s4"].get("data-partners") == "en.s4"
    assert spans["en.s5"].get("data-partners") == "fr.s6"
    assert spans["fr.s6"].get("data-partners") == "en.s5 en.s6"
    assert len(spans) == len(doc.source.sentences()) + len(doc.target.sentences())


def scored(doc: AlignedDocument, confidences: dict[int, float]) -> AlignedDocument:
    """``doc`` as the sentence aligner would write it: some links with a confidence."""
    doc.links = [Link(link.source, link.target, confidences.get(k)) for k, link in enumerate(doc.links)]
    return doc


def test_html_marks_the_links_the_aligner_was_unsure_of(tmp_path, doc):
    page = html_export.export(scored(doc, {3: 0.31, 4: 0.97}), tmp_path / "article.html")[0]
    rows = html_rows(page)
    assert ["doubtful" in row.get("class").split() for row in rows] == [k == 3 for k in range(len(rows))]
    assert [row.get("data-cert") for row in rows[2:5]] == [None, "0.310", "0.970"]
    assert rows[3].find(f"{XHTML}td").get("title").endswith("aligner confidence 0.310")
    assert "tr.link.doubtful" in (tmp_path / "align.css").read_text(encoding="utf-8")
    legend = [span.text for span in parse_xml(page).iter(f"{XHTML}span") if "doubtful" in (span.get("class") or "")]
    assert legend == ["? aligner unsure (confidence below 0.5)"]


def test_html_of_a_translation_has_no_confidence_legend(tmp_path, doc):
    page = html_export.export(doc, tmp_path / "article.html")[0]
    assert "aligner unsure" not in page.read_text(encoding="utf-8")


def test_tmx_units_carry_the_aligners_confidence(tmp_path, doc):
    path = tmp_path / "article.tmx"
    tmx_export.export(scored(doc, {3: 0.31}), path)
    props = [{prop.get("type"): prop.text for prop in unit.findall("prop")} for unit in parse_xml(path).getroot().findall("body/tu")]
    assert [unit.get("x-align-confidence") for unit in props] == [None, None, None, "0.310", None, None, None, None]


def test_xces_links_carry_the_confidence_as_certainty(tmp_path, doc):
    files = xces_export.export(scored(doc, {1: 0.5}), tmp_path / "article.xml")
    links = [link for f in files for link in parse_xml(f).iter("link")]
    assert [link.get("certainty") for link in links][:3] == [None, "0.500", None]


def test_tmx_import_gives_back_the_confidences(tmp_path, doc):
    path = tmp_path / "article.tmx"
    tmx_export.export(scored(doc, {0: 0.31, 7: 1.0}), path)
    text = path.read_text(encoding="utf-8").replace(">1.000<", ">1.5<")  # not a probability: dropped
    path.write_text(text.replace(">0.310<", ">0.31<"), encoding="utf-8")
    assert [link.confidence for link in read_tmx(path).links] == [0.31] + [None] * 7


def test_html_header_shows_provenance(tmp_path, doc):
    page = html_export.export(doc, tmp_path / "article.html")[0]
    header = next(parse_xml(page).iter(f"{XHTML}header"))
    text = " ".join("".join(header.itertext()).split())
    assert "Poutine & Kim <en> « direct »" in text
    assert "article.txt" in text and "sha256 aaaaaaaaaaaa" in text
    assert "apertium 3.8.3" in text and "fr-es|spa-eng" in text
    assert "russia-dprk (entries: 2)" in text
    assert "8 links, 8 fr sentences, 8 en sentences" in text


def test_html_index_links_every_page(tmp_path, doc):
    other = nasty_document()
    other.provenance.title = "Second"
    pages = [(html_export.export(d, tmp_path / name)[0], d) for name, d in (("a.html", doc), ("b.html", other))]
    index = html_export.write_index(pages, tmp_path / "index.html")[0]
    anchors = [a for a in parse_xml(index).iter(f"{XHTML}a")]
    assert [(a.get("href"), a.text) for a in anchors] == [("a.html", doc.provenance.title), ("b.html", "Second")]


# --------------------------------------------------------------------------- special characters, every format


def exported_text(tmp_path: Path, doc: AlignedDocument, format_name: str) -> str:
    """Every sentence text as the format stores it (the files decoded / parsed)."""
    written = exporter(format_name).export(doc, tmp_path / ("out" + exporter(format_name).SUFFIX))
    if format_name == "txt":
        return "\n".join(path.read_text(encoding="utf-8") for path in written)
    texts = []
    for path in written:
        if path.suffix == ".css":
            continue
        texts += parse_xml(path).getroot().itertext()
    return "".join(texts)


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_special_characters_survive_every_format(tmp_path, doc, format_name):
    text = exported_text(tmp_path, doc, format_name)
    assert NASTY in text
    assert "« accord\u00a0historique »" in text
    assert "12\u202f000 euros\u202f!" in text
    assert "An added sentence <with> & marks." in text
    assert ODD in text


# --------------------------------------------------------------------------- importers


def test_tmx_import_gives_back_the_exported_pairs_paragraphs_and_kinds(tmp_path, doc):
    path = tmp_path / "article.tmx"
    tmx_export.export(doc, path)
    imported = read_tmx(path)
    assert link_pairs(imported) == link_pairs(doc)
    assert [p.kind for p in imported.source.paragraphs] == [p.kind for p in doc.source.paragraphs]
    assert [len(p.sentences) for p in imported.source.paragraphs] == [1, 1, 4, 1]  # the 2-1 link is one sentence now
    assert imported.provenance.settings["creationtool"] == f"align {__version__}"
    assert imported.provenance.method == "alignment" and imported.provenance.engine == "tmx"


def test_txt_import_gives_back_the_exported_lines(tmp_path, doc):
    fr, en = txt_export.export(doc, tmp_path / "article")
    imported = read_txt(fr, en)
    assert link_pairs(imported) == [(one_line(a), one_line(b)) for a, b in link_pairs(doc)]
    assert [link.kind for link in imported.links] == ["1-1"] * 5 + ["1-0", "0-1", "1-1"]


@pytest.mark.parametrize("format_name", ["tmx", "txt"])
def test_import_then_export_round_trips(tmp_path, doc, format_name):
    first = exporter(format_name).export(doc, tmp_path / ("one" + exporter(format_name).SUFFIX))
    imported = read_tmx(first[0]) if format_name == "tmx" else read_txt(*first)
    tei = tmp_path / "imported.tei.xml"
    write_tei(imported, tei)
    assert validate(tei) == []
    again = read_tei(tei)
    second = exporter(format_name).export(again, tmp_path / ("two" + exporter(format_name).SUFFIX))
    if format_name == "txt":
        assert [p.read_text(encoding="utf-8") for p in second] == [p.read_text(encoding="utf-8") for p in first]
    else:
        assert link_pairs(read_tmx(second[0])) == link_pairs(read_tmx(first[0]))


def test_imported_tei_is_valid_against_full_tei(tmp_path, doc, tei_all_rng):
    fr, en = txt_export.export(doc, tmp_path / "article")
    tei = tmp_path / "imported.tei.xml"
    write_tei(read_txt(fr, en), tei)
    assert validate(tei, tei_all_rng) == []


def test_foreign_tmx_with_regional_codes_gives_one_paragraph_per_unit(tmp_path):
    from translate.storage.tmx import tmxfile

    memory = tmxfile(sourcelanguage="fr-FR", targetlanguage="en-GB")
    for source, target in [("Bonjour & bienvenue", "Hello & welcome"), ("Au revoir\u00a0!", "Goodbye!"),
                           ("", "Only English")]:
        unit = memory.addsourceunit(source, "fr-FR")
        unit.settarget(target, "en-GB", append=True)
    path = tmp_path / "foreign.tmx"
    path.write_bytes(bytes(memory))
    imported = read_tmx(path)
    assert link_pairs(imported) == [("Bonjour & bienvenue", "Hello & welcome"), ("Au revoir\u00a0!", "Goodbye!"),
                                    ("", "Only English")]
    assert [p.id for p in imported.source.paragraphs] == ["fr.p1", "fr.p2"]
    assert [p.id for p in imported.target.paragraphs] == ["en.p1", "en.p2", "en.p3"]


def test_tmx_import_drops_inline_native_codes_and_ignores_language_code_case(tmp_path):
    path = tmp_path / "omegat.tmx"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
        '<tmx version="1.4"><header creationtool="OmegaT" creationtoolversion="6.0" segtype="sentence" '
        'o-tmf="OmegaT" adminlang="EN-US" srclang="FR-FR" datatype="plaintext"/><body>'
        '<tu><tuv xml:lang="FR-FR"><seg>Le <bpt i="1">&lt;b&gt;</bpt>chat<ept i="1">&lt;/b&gt;</ept>'
        ' dort<ph x="2">&lt;br/&gt;</ph>&#160;!</seg></tuv>'
        '<tuv xml:lang="en-us"><seg>The <hi type="em">cat</hi> &amp; dog sleep.</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    imported = read_tmx(path)
    assert link_pairs(imported) == [("Le chat dort\u00a0!", "The cat & dog sleep.")]
    assert imported.provenance.settings["creationtool"] == "OmegaT 6.0"


def test_tmx_without_french_is_refused_with_the_languages_found(tmp_path):
    from translate.storage.tmx import tmxfile

    memory = tmxfile(sourcelanguage="de", targetlanguage="en")
    unit = memory.addsourceunit("Hallo", "de")
    unit.settarget("Hello", "en", append=True)
    path = tmp_path / "german.tmx"
    path.write_bytes(bytes(memory))
    with pytest.raises(InputError, match=r"no 'fr' variant in the TMX \(languages found: de, en\)"):
        read_tmx(path)


def test_txt_import_blank_lines_split_paragraphs_and_one_sided_lines_are_1_0(tmp_path):
    (tmp_path / "x.fr").write_text("Un.\nDeux.\n\nTrois.\nQuatre.\n", encoding="utf-8")
    (tmp_path / "x.en").write_text("One.\nTwo.\n\nThree.\n\n", encoding="utf-8")
    imported = read_txt(tmp_path / "x.fr", tmp_path / "x.en")
    assert [[s.text for s in p.sentences] for p in imported.source.paragraphs] == [["Un.", "Deux."],
                                                                                  ["Trois.", "Quatre."]]
    assert [link.kind for link in imported.links] == ["1-1", "1-1", "1-1", "1-0"]


def test_txt_import_ignores_a_stray_newline_at_the_end_of_one_file(tmp_path):
    (tmp_path / "x.fr").write_text("Un.\nDeux.\n\n", encoding="utf-8")
    (tmp_path / "x.en").write_text("One.\nTwo.\n", encoding="utf-8")
    imported = read_txt(tmp_path / "x.fr", tmp_path / "x.en")
    assert [link.kind for link in imported.links] == ["1-1", "1-1"]


def test_txt_import_refuses_files_of_different_lengths(tmp_path):
    (tmp_path / "x.fr").write_text("Un.\nDeux.\n", encoding="utf-8")
    (tmp_path / "x.en").write_text("One.\n", encoding="utf-8")
    with pytest.raises(InputError, match="has 2 lines but .* has 1"):
        read_txt(tmp_path / "x.fr", tmp_path / "x.en")


# --------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("format_name,expected", [
    ("html", ["article.html", "align.css"]),
    ("tmx", ["article.tmx"]),
    ("xces", ["article.xces.xml", "article.fr.xml", "article.en.xml"]),
    ("txt", ["article.fr", "article.en"]),
])
def test_cli_export_writes_each_format_into_the_output_folder(run_align, tmp_path, tei_file, format_name, expected):
    out = tmp_path / "out"
    result = run_align("export", tei_file, "--to", format_name, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert sorted(path.name for path in out.iterdir()) == sorted(expected)  # no temporary files left
    assert str(out / expected[0]) in result.stdout


def test_cli_export_of_several_files_adds_an_index_page(run_align, tmp_path, tei_file):
    second = tmp_path / "second.tei.xml"
    write_tei(nasty_document(), second)
    result = run_align("export", tei_file, second, "--to", "html", "-o", tmp_path / "site")
    assert result.exit_code == 0, result.stderr
    index = tmp_path / "site" / "index.html"
    hrefs = [a.get("href") for a in parse_xml(index).iter(f"{XHTML}a")]
    assert hrefs == ["article.html", "second.html"]


def test_cli_export_to_a_named_file(run_align, tmp_path, tei_file):
    result = run_align("export", tei_file, "--to", "tmx", "-o", tmp_path / "memory.tmx")
    assert result.exit_code == 0, result.stderr
    assert len(parse_xml(tmp_path / "memory.tmx").getroot().findall("body/tu")) == len(nasty_document().links)


@pytest.mark.parametrize("bad", ["missing.tei.xml", "notes.txt", "notes.xml"])
def test_cli_export_refuses_bad_input_in_one_line(run_align, tmp_path, bad):
    (tmp_path / "notes.txt").write_text("just text\n", encoding="utf-8")
    (tmp_path / "notes.xml").write_text("<notes><n>not TEI</n></notes>\n", encoding="utf-8")
    result = run_align("export", tmp_path / bad, "--to", "html", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("align: error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_export_refuses_two_inputs_writing_the_same_file(run_align, tmp_path, tei_file):
    (tmp_path / "b").mkdir()
    write_tei(nasty_document(), tmp_path / "b" / "article.tei.xml")
    result = run_align("export", tei_file, tmp_path / "b" / "article.tei.xml", "--to", "tmx", "-o", tmp_path / "o")
    assert result.exit_code == 2 and "would overwrite the export of" in result.stderr


def test_cli_export_never_overwrites_its_input(run_align, tmp_path, doc):
    tei = tmp_path / "article.tmx"  # a TEI file with an odd name
    write_tei(doc, tei)
    before = tei.read_bytes()
    result = run_align("export", tei, "--to", "tmx", "-o", tei)
    assert result.exit_code == 2 and "would overwrite the input" in result.stderr
    result = run_align("export", tei, "--to", "xces", "-o", tei)
    assert result.exit_code == 2 and "is a file but not a xces output name" in result.stderr
    assert tei.read_bytes() == before


def test_cli_import_tmx_and_txt_write_readable_tei(run_align, tmp_path, doc):
    tmx_export.export(doc, tmp_path / "memory.tmx")
    txt_export.export(doc, tmp_path / "pair")
    result = run_align("import", "--from", "tmx", tmp_path / "memory.tmx")
    assert result.exit_code == 0, result.stderr
    assert link_pairs(read_tei(tmp_path / "memory.tei.xml")) == link_pairs(doc)
    result = run_align("import", "--from", "txt", tmp_path / "pair.fr", tmp_path / "pair.en", "-o", tmp_path / "p.tei.xml")
    assert result.exit_code == 0, result.stderr
    assert len(read_tei(tmp_path / "p.tei.xml").links) == len(doc.links)
    result = run_align("import", "--from", "txt", tmp_path / "pair", "-o", tmp_path / "stem")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "stem" / "pair.tei.xml").is_file()


def test_cli_import_refuses_bad_input_in_one_line(run_align, tmp_path):
    (tmp_path / "a.fr").write_text("Un.\nDeux.\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("One.\n", encoding="utf-8")
    (tmp_path / "bad.tmx").write_text("<tmx><body><tu>", encoding="utf-8")
    good = tmx_export.export(nasty_document(), tmp_path / "good.tmx")[0]
    for args in (("--from", "txt", tmp_path / "a.fr", tmp_path / "a.en"),
                 ("--from", "tmx", tmp_path / "bad.tmx"),
                 ("--from", "tmx", tmp_path / "missing.tmx"),
                 ("--from", "tmx", tmp_path / "a.fr", tmp_path / "a.en"),
                 ("--from", "tmx", good, "-o", good)):
        result = run_align("import", *args)
        assert result.exit_code == 2, result
        assert result.stderr.startswith("align: error: ") and result.stderr.count("\n") == 1
    assert not list(tmp_path.glob("*.tei.xml"))


# --------------------------------------------------------------------------- in a real browser


def load_html_check():
    spec = importlib.util.spec_from_file_location("html_check", REPO / "scripts" / "html_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def chromium():
    html_check = load_html_check()
    browser = html_check.find_chromium()
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium): rows not checked in a browser")
    return html_check, browser


def test_rows_line_up_in_headless_chromium(tmp_path, doc, chromium):
    html_check, browser = chromium
    page = html_export.export(doc, tmp_path / "article.html")[0]
    assert html_check.check_page(page, [1100, 560], browser, expected_rows=len(doc.links)) == []


def test_browser_check_catches_rows_that_do_not_line_up(tmp_path, doc, chromium):
    html_check, browser = chromium
    page = html_export.export(doc, tmp_path / "article.html")[0]
    css = tmp_path / "align.css"
    css.write_text(css.read_text(encoding="utf-8") + "\ntable.aligned td.target { padding-top: 1.5em; }\n",
                   encoding="utf-8")
    problems = html_check.check_page(page, [560], browser)
    assert any("start" in problem and "apart" in problem for problem in problems)


def seed_document(path: Path) -> AlignedDocument:
    """A seed article segmented for real, facing a stand-in "English" side whose
    body sentences are half as long (so that the two cells of a row differ in height)."""
    import copy

    from align.io import read_text
    from align.segment import segment

    fr = segment(read_text(path), "fr")
    en = copy.deepcopy(fr)
    en.lang = "en"
    for paragraph, sentence in en.iter_sentences():
        if paragraph.kind != "furniture":
            words = sentence.text.split()
            sentence.text = " ".join(words[: max(1, len(words) // 2)])
    number(en)
    links = [Link((s.id,), (t.id,)) for s, t in zip(fr.sentences(), en.sentences())]
    return AlignedDocument(fr, en, links, Provenance(title=path.stem, source_file=path.name))


def test_every_export_keeps_every_sentence_of_the_seed_articles(tmp_path, seed_files):
    for seed in seed_files:
        doc = seed_document(seed)
        pairs = link_pairs(doc)
        assert len(html_rows(html_export.export(doc, tmp_path / "page.html")[0])) == len(pairs)
        memory = read_tmx(tmx_export.export(doc, tmp_path / "memory.tmx")[0])
        assert link_pairs(memory) == pairs
        fr_lines = txt_export.export(doc, tmp_path / "plain")[0].read_text(encoding="utf-8").splitlines()
        assert fr_lines == [one_line(fr) for fr, _ in pairs]
        sentence_file = xces_export.export(doc, tmp_path / "c.xces.xml")[1]
        assert [s.text for s in parse_xml(sentence_file).iter("s")] == [s.text for s in doc.source.sentences()]


def test_rows_of_a_real_article_line_up_in_headless_chromium(tmp_path, seed_files, chromium):
    html_check, browser = chromium
    doc = seed_document(seed_files[1])  # has furniture and headings
    assert {p.kind for p in doc.source.paragraphs} >= {"furniture", "body"}
    page = html_export.export(doc, tmp_path / "article.html")[0]
    assert html_check.check_page(page, [900], browser, expected_rows=len(doc.links)) == []
