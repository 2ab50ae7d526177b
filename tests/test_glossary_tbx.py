"""Glossaries from real termbases (TBX 2 and TBX 3), the TBX align writes, and the
TSV format forgiving what people naturally write."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from align.errors import GlossaryError
from align.glossary import Entry, load_glossary, save_tbx, to_tbx
from align.resources import data_file

DATA = Path(__file__).parent / "data"
HEADER = "id\tcanonical\tvariants\ttype\tnote\n"


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- TBX 2 as termbases export it
IATE = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="mul">
<martifHeader><fileDesc><sourceDesc><p>IATE export</p></sourceDesc></fileDesc></martifHeader>
<text><body>
<termEntry id="IATE-3553017">
  <descripGrp><descrip type="subjectField">international affairs</descrip></descripGrp>
  <langSet xml:lang="de"><tig><term>Charkiw</term></tig></langSet>
  <langSet xml:lang="en">
    <tig><term>Kharkov</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
    <tig><term>Kharkiv</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>Charkiv</term><termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
  </langSet>
  <langSet xml:lang="fr"><tig><term>Kharkiv</term></tig><tig><term>Kharkov</term></tig></langSet>
</termEntry>
</body></text></martif>
"""


def test_iate_preferred_english_term_is_canonical_others_and_french_are_variants(tmp_path):
    [entry] = load_glossary(write(tmp_path, IATE, "iate.tbx")).entries
    assert entry == Entry("iate-3553017", "Kharkiv", ["Kharkov", "Charkiv"], "term",
                          "Subject: international affairs.")  # German term left out; ids made align-safe


def test_omegat_export_upper_case_languages_and_a_note_before_the_langsets(tmp_path):
    omegat = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>OmegaT</p></sourceDesc></fileDesc></martifHeader>
<text><body>
<termEntry><note>from the style guide</note>
  <langSet xml:lang="FR"><tig><term>Tchernihiv</term></tig></langSet>
  <langSet xml:lang="EN"><tig><term>Chernihiv</term></tig></langSet></termEntry>
</body></text></martif>"""
    assert load_glossary(write(tmp_path, omegat, "omegat.tbx")).entries == [
        Entry("chernihiv", "Chernihiv", ["Tchernihiv"], "term", "from the style guide")]


def test_weblate_export_in_the_tbx_namespace(tmp_path):
    weblate = """<?xml version="1.0" encoding="UTF-8"?>
<martif xmlns="urn:iso:std:iso:30042:ed-2" xml:lang="en" type="TBX"><text><body>
<termEntry id="zaporizhzhia"><langSet xml:lang="en"><tig><term>Zaporizhzhia</term></tig></langSet>
<langSet xml:lang="fr"><tig><term>Zaporijjia</term></tig></langSet></termEntry>
</body></text></martif>"""
    assert load_glossary(write(tmp_path, weblate, "weblate.tbx")).entries == [
        Entry("zaporizhzhia", "Zaporizhzhia", ["Zaporijjia"], "term", "")]


def test_memoq_export_with_ntig_and_regional_languages(tmp_path):
    memoq = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en-gb"><text><body>
<termEntry id="_1"><descrip type="subjectField">Politics</descrip>
  <langSet xml:lang="en-gb">
    <ntig><termGrp><term>Sergei Shoigu</term>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termGrp></ntig>
    <ntig><termGrp><term>Sergey Shoygu</term>
      <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></termGrp></ntig></langSet>
  <langSet xml:lang="fr-fr"><ntig><termGrp><term>Sergueï Choïgou</term></termGrp></ntig></langSet>
</termEntry></body></text></martif>"""
    [entry] = load_glossary(write(tmp_path, memoq, "memoq.tbx")).entries
    assert (entry.id, entry.canonical, entry.variants) == ("1", "Sergei Shoigu", ["Sergey Shoygu", "Sergueï Choïgou"])
    assert entry.note == "Subject: Politics."


# ---------------------------------------------------------------- TBX 3
TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<tbxHeader><fileDesc><sourceDesc><p>TBX 3 export</p></sourceDesc></fileDesc></tbxHeader>
<text><body>
<conceptEntry id="c7">
  <descrip type="subjectField">geography</descrip>
  <note>Contested-names policy: Ukrainian-based spelling.</note>
  <langSec xml:lang="fr">
    <termSec><term>Louhansk</term></termSec>
    <termSec><term>Lougansk</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
  </langSec>
  <langSec xml:lang="en">
    <termSec><term>Lugansk</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
    <termSec><term>Luhansk</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
  </langSec>
</conceptEntry>
<conceptEntry id="c8">
  <langSec xml:lang="en"><termSec><term>Kyiv</term></termSec><termSec><term>Kiev</term></termSec></langSec>
</conceptEntry>
</body></text></tbx>"""


def test_tbx3_concept_entries(tmp_path):
    assert load_glossary(write(tmp_path, TBX3, "v3.tbx")).entries == [
        Entry("c7", "Luhansk", ["Lugansk", "Louhansk", "Lougansk"], "term",
              "Subject: geography. Contested-names policy: Ukrainian-based spelling."),
        Entry("c8", "Kyiv", ["Kiev"], "term", ""),  # no status: the first English term
    ]


def test_tbx3_dct_style_status_elements(tmp_path):
    dct = """<?xml version="1.0"?>
<tbx type="TBX-Basic" style="dct" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"
     xmlns:basic="http://www.tbxinfo.net/ns/basic"><text><body>
<conceptEntry id="seoul"><langSec xml:lang="en">
  <termSec><term>Seoul City</term><basic:administrativeStatus>admittedTerm-admn-sts</basic:administrativeStatus></termSec>
  <termSec><term>Seoul</term><basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus></termSec>
</langSec><langSec xml:lang="fr"><termSec><term>Séoul</term></termSec></langSec></conceptEntry>
</body></text></tbx>"""
    [entry] = load_glossary(write(tmp_path, dct, "dct.tbx")).entries
    assert (entry.canonical, entry.variants) == ("Seoul", ["Seoul City", "Séoul"])


def test_a_termbase_entry_without_english_is_an_error_with_its_line(tmp_path):
    path = write(tmp_path, TBX3.replace('<langSec xml:lang="en"><termSec><term>Kyiv', '<langSec xml:lang="uk"><termSec><term>Kyiv'),
                 "v3.tbx")
    with pytest.raises(GlossaryError, match=r"v3\.tbx:17: conceptEntry has no English"):
        load_glossary(path)


# ---------------------------------------------------------------- the TBX align writes
@pytest.fixture(scope="module")
def core_structure() -> etree.DTD:
    return etree.DTD(str(DATA / "tbx_core_subset.dtd"))


def test_written_tbx_follows_the_core_structure_and_says_align_wrote_it(tmp_path, core_structure):
    shipped = load_glossary(data_file("glossaries", "russia-dprk.tsv"))
    save_tbx(shipped, tmp_path / "g.tbx")
    tree = etree.parse(str(tmp_path / "g.tbx"))
    assert core_structure.validate(tree), core_structure.error_log
    source = tree.findtext("martifHeader/fileDesc/sourceDesc/p")
    assert source.startswith("Written by align ") and shipped.sha256 in source
    assert load_glossary(tmp_path / "g.tbx").entries == shipped.entries


def test_the_core_structure_check_rejects_a_note_after_the_langsets(core_structure):
    """The order align wrote before: <note> after <langSet> (what OmegaT's tbx.xsd rejects)."""
    tree = etree.fromstring(to_tbx(load_glossary(data_file("glossaries", "russia-dprk.tsv"))))
    entry = tree.find(".//termEntry/note/..")
    entry.append(entry.find("note"))
    assert not core_structure.validate(tree)


def test_entry_ids_starting_with_a_digit_are_valid_xml_ids_and_come_back(tmp_path, core_structure):
    glossary_path = write(tmp_path, HEADER + "2024-election\tElection\tÉlection\tterm\t\n", "g.tsv")
    save_tbx(load_glossary(glossary_path), tmp_path / "g.tbx")
    assert core_structure.validate(etree.parse(str(tmp_path / "g.tbx")))
    assert load_glossary(tmp_path / "g.tbx").entries[0].id == "2024-election"


# ---------------------------------------------------------------- TSV forgiveness
def test_tsv_canonical_form_repeated_among_its_variants_is_accepted(tmp_path):
    path = write(tmp_path, HEADER + "kharkiv\tKharkiv\tKharkov|Kharkiv\tplace\t\n"
                 "seoul\tSeoul\tSéoul|Séoul\tplace\t\n", "g.tsv")
    assert load_glossary(path).entries == [Entry("kharkiv", "Kharkiv", ["Kharkov"], "place", ""),
                                           Entry("seoul", "Seoul", ["Séoul"], "place", "")]


def test_tsv_conflicts_between_entries_stay_errors_with_file_and_line(tmp_path):
    path = write(tmp_path, HEADER + "kharkiv\tKharkiv\tKharkov|Kharkiv\tplace\t\n"
                 "kharkov\tKharkov\t\tplace\t\n", "g.tsv")
    with pytest.raises(GlossaryError, match=r"g\.tsv:3: variant 'Kharkov' of 'kharkov' conflicts with 'Kharkov' of 'kharkiv'"):
        load_glossary(path)


def test_cli_uses_a_termbase_for_check_terms(run_align, tmp_path):
    glossary_path = write(tmp_path, TBX3, "v3.tbx")
    english = write(tmp_path, "Shelling was reported in Lugansk overnight.\n", "en.txt")
    result = run_align("check-terms", english, "--glossary", glossary_path, "--no-discovery")
    assert result.exit_code == 1 and "Lugansk" in result.stdout and "Luhansk" in result.stdout
    converted = run_align("glossary", "convert", glossary_path, tmp_path / "v3.tsv")
    assert converted.exit_code == 0, converted.stderr
    assert load_glossary(tmp_path / "v3.tsv").lookup("Lougansk").canonical == "Luhansk"
