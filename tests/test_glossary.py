"""Glossary files (TSV, TBX), their errors, and finding terms in French text."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pytest

from align.errors import GlossaryError
from align.glossary import Entry, Glossary, glossary_from_entries, load_glossary, save_tbx, save_tsv
from align.resources import data_file

HEADER = "id\tcanonical\tvariants\ttype\tnote\n"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(data_file("glossaries", "russia-dprk.tsv"))


def found(glossary: Glossary, text: str) -> list[tuple[str, str]]:
    return [(text[m.start:m.end], m.entry.id) for m in glossary.find(text)]


def write(tmp_path: Path, body: str, name: str = "g.tsv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


# ---------------------------------------------------------------- matching
def test_variants_and_canonical_forms_are_found_case_and_accent_insensitively(glossary):
    text = "SÉOUL – Choïgou, Choigou et Shoigu ont vu seoul et Sergueï Choïgou."
    assert found(glossary, text) == [("SÉOUL", "seoul"), ("Choïgou", "shoigu"), ("Choigou", "shoigu"),
                                     ("Shoigu", "shoigu"), ("seoul", "seoul"), ("Sergueï Choïgou", "sergei-shoigu")]


def test_elided_articles_with_both_apostrophes(glossary):
    text = "Il a parlé au quotidien d'Izvestia, qu’Izvestia cite, et l'URSS comme l’URSS."
    assert found(glossary, text) == [("Izvestia", "izvestia"), ("Izvestia", "izvestia"),
                                     ("URSS", "ussr"), ("URSS", "ussr")]


def test_inflected_contexts_and_whole_words_only(glossary):
    text = "dans les régions de Donetsk et de Louhansk, pas à Louhanskville ni en Asie du Nord-Estonie."
    assert found(glossary, text) == [("Donetsk", "donetsk"), ("Louhansk", "luhansk")]


def test_longest_match_wins(glossary):
    text = "Vladimir Poutine et M. Poutine ; le Conseil de sécurité de l’ONU et l'ONU ; Kim Jong-un et Kim."
    assert found(glossary, text) == [
        ("Vladimir Poutine", "vladimir-putin"), ("Poutine", "putin"),
        ("Conseil de sécurité de l’ONU", "un-security-council"), ("ONU", "united-nations"),
        ("Kim Jong-un", "kim-jong-un"), ("Kim", "kim")]


def test_hyphen_or_space_inside_a_name_is_the_same_name(glossary):
    assert found(glossary, "Kim Jong Un, Kim Jong-un, KIM JONG-UN") == [
        ("Kim Jong Un", "kim-jong-un"), ("Kim Jong-un", "kim-jong-un"), ("KIM JONG-UN", "kim-jong-un")]


def test_offsets_index_the_original_text_even_when_accents_are_decomposed(glossary):
    text = unicodedata.normalize("NFD", "À Séoul, le ministre Choïgou.")
    spans = [text[m.start:m.end] for m in glossary.find(text)]
    assert spans == [unicodedata.normalize("NFD", "Séoul"), unicodedata.normalize("NFD", "Choïgou")]


def test_find_can_be_restricted_to_some_entries(glossary):
    assert [m.entry.id for m in glossary.find("Moscou et Séoul", entries={"seoul"})] == ["seoul"]


# ---------------------------------------------------------------- shipped glossary
ISSUE_NAMES = {
    "Vladimir Poutine": "Vladimir Putin", "Kim Jong-un": "Kim Jong Un", "Kim Jong Un": "Kim Jong Un",
    "Sergueï Choïgou": "Sergei Shoigu", "Shoigu": "Shoigu", "Louhansk": "Luhansk", "Luhansk": "Luhansk",
    "Panmunjeom": "Panmunjom", "RPDC": "DPRK", "URSS": "USSR", "Moscou": "Moscow", "Séoul": "Seoul",
    "Crimée": "Crimea", "Conseil de sécurité de l'ONU": "UN Security Council", "KCNA": "KCNA",
    "Izvestia": "Izvestia", "Kang Sun Nam": "Kang Sun Nam", "Im Chon-il": "Im Chon Il",
    "Kim Il-sung": "Kim Il Sung", "Alexander Matsegora": "Alexander Matsegora", "John Kirby": "John Kirby",
    "Ramon Pacheco Pardo": "Ramon Pacheco Pardo", "Slovyansk": "Slovyansk", "Kramatorsk": "Kramatorsk",
    "Donetsk": "Donetsk", "Vladivostok": "Vladivostok", "Kiev": "Kyiv",
}


@pytest.mark.parametrize("spelling", sorted(ISSUE_NAMES))
def test_shipped_glossary_covers_the_issue_list(glossary, spelling):
    entry = glossary.lookup(spelling)
    assert entry is not None, spelling
    assert entry.canonical == ISSUE_NAMES[spelling]
    assert entry.note


def test_shipped_glossary_states_the_contested_names_policy(glossary):
    assert "Kyiv" in glossary.lookup("Kiev").note and "policy" in glossary.lookup("Kiev").note.lower()
    assert all(e.note for e in glossary.entries)


def test_info_carries_name_sha256_and_entries(glossary):
    info = glossary.info()
    path = data_file("glossaries", "russia-dprk.tsv")
    assert info.name == "russia-dprk"
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert ("luhansk", "Luhansk") in info.entries and len(info.entries) == len(glossary.entries)



def test_a_shipped_glossary_is_found_by_its_bare_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no file of that name here: align's own glossary is meant
    assert load_glossary("russia-dprk").path == data_file("glossaries", "russia-dprk.tsv")
    assert load_glossary("russia-dprk.tsv").info().name == "russia-dprk"
    with pytest.raises(GlossaryError, match="no such glossary file"):
        load_glossary("no-such-glossary")

# ---------------------------------------------------------------- TSV
def test_tsv_with_comments_and_optional_note_loads(tmp_path):
    path = write(tmp_path, "# a comment\n\n" + HEADER + "seoul\tSeoul\tSéoul\tplace\n# another\nkcna\tKCNA\t\torganisation\tagency\n")
    loaded = load_glossary(path)
    assert loaded.entries == [Entry("seoul", "Seoul", ["Séoul"], "place", ""),
                              Entry("kcna", "KCNA", [], "organisation", "agency")]


@pytest.mark.parametrize("body, line, reason", [
    ("seoul\tSeoul\tSéoul\tplace\n", 1, "expected the header"),
    (HEADER + "seoul\tSeoul\tSéoul\n", 2, "expected 5 tab-separated fields"),
    (HEADER + "seoul\tSeoul\tSéoul\tcity\tx\n", 2, "type 'city' is not one of"),
    (HEADER + "Seoul!\tSeoul\tSéoul\tplace\tx\n", 2, "bad id"),
    (HEADER + "seoul\t\tSéoul\tplace\tx\n", 2, "no canonical form"),
    (HEADER + "seoul\tSeoul\tSéoul||Seul\tplace\tx\n", 2, "empty variant"),
    (HEADER + "seoul\tSeoul\tSéoul\tplace\tx\nseoul\tSeoul City\t\tplace\tx\n", 3, "duplicate id 'seoul'"),
    (HEADER + "seoul\tSeoul\tSéoul\tplace\tx\nseoul2\tSEOUL CITY\tSeoul\tplace\tx\n", 3, "conflicts with"),
    (HEADER + "seoul\tSeoul\tSéoul\tplace\tx\nother\tOther\tseoul\tplace\tx\n", 3, "one spelling, two entries"),
])
def test_malformed_tsv_names_file_line_and_reason(tmp_path, body, line, reason):
    path = write(tmp_path, body)
    with pytest.raises(GlossaryError) as error:
        load_glossary(path)
    message = str(error.value)
    assert message.startswith(f"{path}:{line}: ")
    assert reason in message
    assert "\n" not in message


def test_missing_or_empty_or_binary_glossary_is_a_clear_error(tmp_path):
    with pytest.raises(GlossaryError, match="no such glossary file"):
        load_glossary(tmp_path / "none.tsv")
    with pytest.raises(GlossaryError, match="empty glossary"):
        load_glossary(write(tmp_path, "# only a comment\n"))
    (tmp_path / "latin1.tsv").write_bytes(HEADER.encode() + "s\tS\tS\xe9oul\tplace\tx\n".encode("latin-1"))
    with pytest.raises(GlossaryError, match="not valid UTF-8"):
        load_glossary(tmp_path / "latin1.tsv")


def test_tsv_round_trip(glossary, tmp_path):
    save_tsv(glossary, tmp_path / "copy.tsv")
    assert load_glossary(tmp_path / "copy.tsv").entries == glossary.entries


# ---------------------------------------------------------------- TBX
def test_tbx_round_trip_keeps_every_field(glossary, tmp_path):
    save_tbx(glossary, tmp_path / "g.tbx")
    again = load_glossary(tmp_path / "g.tbx")
    assert again.entries == glossary.entries
    assert again.name == "g"


def test_foreign_tbx_preferred_english_term_is_canonical(tmp_path):
    path = write(tmp_path, """<?xml version="1.0"?>
<martif type="TBX" xml:lang="fr"><text><body>
  <termEntry id="c1">
    <langSet xml:lang="fr"><tig><term>Louhansk</term></tig></langSet>
    <langSet xml:lang="en"><tig><term>Lugansk</term></tig>
      <tig><term>Luhansk</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig></langSet>
  </termEntry>
  <termEntry>
    <langSet xml:lang="en"><tig><term>Moscow</term></tig></langSet>
    <langSet xml:lang="fr"><tig><term>Moscou</term></tig></langSet>
    <note>capital</note>
  </termEntry>
</body></text></martif>""", "foreign.tbx")
    assert load_glossary(path).entries == [Entry("c1", "Luhansk", ["Lugansk", "Louhansk"], "term", ""),
                                           Entry("moscow", "Moscow", ["Moscou"], "term", "capital")]


@pytest.mark.parametrize("body, reason", [
    ('<martif type="TBX"><text><body><termEntry>\n<langSet xml:lang="en">', ":2: not well-formed XML"),
    ('<?xml version="1.0"?>\n<tmx version="1.4"/>', ":2: not a TBX file"),
    ('<martif type="TBX"><text><body>\n<termEntry id="x"><langSet xml:lang="fr"><tig><term>Moscou</term></tig></langSet>'
     '</termEntry></body></text></martif>', ":2: termEntry has no English"),
    ('<martif type="TBX"><text><body></body></text></martif>', "has no termEntry"),
    ('<martif type="TBX"><text><body>\n<termEntry id="a"><langSet xml:lang="en"><tig><term>Seoul</term></tig></langSet></termEntry>\n'
     '<termEntry id="b"><langSet xml:lang="en"><tig><term>SEOUL</term></tig></langSet></termEntry></body></text></martif>',
     ":3: variant 'SEOUL' of 'b' conflicts with 'Seoul' of 'a'"),
])
def test_malformed_tbx_is_a_clear_error(tmp_path, body, reason):
    path = write(tmp_path, body, "bad.tbx")
    with pytest.raises(GlossaryError) as error:
        load_glossary(path)
    assert str(error.value).startswith(str(path))
    assert reason in str(error.value)


def test_tbx_entities_are_not_expanded(tmp_path):
    path = write(tmp_path, """<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<martif type="TBX"><text><body><termEntry id="x"><langSet xml:lang="en"><tig><term>&secret;</term></tig></langSet>
</termEntry></body></text></martif>""", "xxe.tbx")
    try:
        loaded = load_glossary(path)
    except GlossaryError:
        return
    assert all("root:" not in e.canonical for e in loaded.entries)


def test_glossary_built_in_memory_is_checked_too():
    with pytest.raises(GlossaryError, match="one spelling, two entries"):
        glossary_from_entries([Entry("a", "Kim Jong Un", [], "person"), Entry("b", "Kim Jong-un", [], "person")])


# ---------------------------------------------------------------- CLI
def test_cli_convert_and_check(run_align, tmp_path):
    source = data_file("glossaries", "russia-dprk.tsv")
    converted = run_align("glossary", "convert", source, tmp_path / "g.tbx")
    assert converted.exit_code == 0, converted.stderr
    back = run_align("glossary", "convert", tmp_path / "g.tbx", tmp_path / "g.tsv")
    assert back.exit_code == 0, back.stderr
    assert load_glossary(tmp_path / "g.tsv").entries == load_glossary(source).entries
    checked = run_align("glossary", "check", tmp_path / "g.tsv")
    assert checked.exit_code == 0 and "OK" in checked.stdout


def test_cli_check_reports_a_bad_glossary_in_one_line(run_align, tmp_path):
    path = write(tmp_path, HEADER + "a\tA\tX\tplace\tn\nb\tB\tx\tplace\tn\n")
    result = run_align("glossary", "check", path)
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and f"{path}:3:" in result.stderr
    assert "Traceback" not in result.stderr
    wrong = run_align("glossary", "convert", data_file("glossaries", "russia-dprk.tsv"), tmp_path / "g.csv")
    assert wrong.exit_code == 2 and "unknown glossary format" in wrong.stderr
