"""The terminology consistency checker (align check-terms)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.glossary import load_glossary
from align.resources import data_file
from align.term_check import CLUSTER_THRESHOLD, check_files, name_forms, read_units, similarity

HEADER = "id\tcanonical\tvariants\ttype\tnote\n"


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(data_file("glossaries", "russia-dprk.tsv"))


def seed(seed_files, prefix: str) -> Path:
    return next(p for p in seed_files if p.name.startswith(prefix))


def findings(report) -> set[tuple[str, str, str]]:
    return {(Path(f.file).name[:3], f.found, f.canonical) for f in report.findings}


def clusters(report) -> list[set[str]]:
    return [{form for form, _ in c.forms} for c in report.candidates]


# ---------------------------------------------------------------- with the glossary
def test_louhansk_and_luhansk_in_seed_000(seed_files, glossary):
    report = check_files([seed(seed_files, "000")], glossary, discovery=False)
    assert findings(report) == {("000", "Louhansk", "Luhansk")}
    assert report.findings[0].where == "line 14"


def test_choigou_and_shoigu_in_seed_001(seed_files, glossary):
    report = check_files([seed(seed_files, "001")], glossary, discovery=False)
    assert ("001", "Choïgou", "Shoigu") in findings(report)


def test_kim_jong_un_spelled_two_ways_across_files(seed_files, glossary):
    assert not any(f.entry == "kim-jong-un" for f in check_files(
        [seed(seed_files, "001"), seed(seed_files, "003")], glossary, discovery=False).findings)
    across = check_files([seed(seed_files, "000"), seed(seed_files, "001")], glossary, discovery=False)
    assert ("000", "Kim Jong-un", "Kim Jong Un") in findings(across)


def test_consistent_french_forms_are_not_reported(seed_files, glossary):
    report = check_files(seed_files, glossary, discovery=False)
    found = {f.found for f in report.findings}
    assert {"Moscou", "Poutine", "Séoul", "SÉOUL", "Pyongyang"}.isdisjoint(found)
    assert {"Louhansk", "Choïgou", "Kim Jong-un"} <= found


def test_english_text_must_use_the_canonical_forms(tmp_path, glossary):
    english = tmp_path / "en.txt"
    english.write_text("SEOUL - Mr Putin met Kim Jong Un.\nTroops left Kiev for Lugansk and Kyiv.\n", encoding="utf-8")
    report = check_files([english], glossary, discovery=False)
    assert [(f.where, f.found, f.canonical) for f in report.findings] == [
        ("line 2", "Kiev", "Kyiv"), ("line 2", "Lugansk", "Luhansk")]
    assert {f.lang for f in report.findings} == {"en"}


# ---------------------------------------------------------------- discovery
def test_discovery_without_glossary_finds_the_three_seed_clusters(seed_files):
    report = check_files(seed_files)
    found = clusters(report)
    for expected in ({"Louhansk", "Luhansk"}, {"Choïgou", "Shoigu"}, {"Kim Jong-un", "Kim Jong Un"}):
        assert expected in found
    assert len(found) <= 5  # few false positives on the seeds
    assert [c.confidence for c in report.candidates] == sorted((c.confidence for c in report.candidates), reverse=True)


def test_each_candidate_comes_with_a_glossary_line_that_loads(seed_files, tmp_path):
    report = check_files(seed_files)
    path = tmp_path / "new.tsv"
    path.write_text(HEADER + "\n".join(c.glossary_line for c in report.candidates) + "\n", encoding="utf-8")
    loaded = load_glossary(path)
    assert loaded.lookup("Louhansk").canonical == "Luhansk"
    assert loaded.lookup("Choïgou").canonical == "Shoigu"
    assert loaded.lookup("Kim Jong-un").canonical == "Kim Jong Un"


def test_louhansk_cluster_points_to_seed_000(seed_files):
    candidate = next(c for c in check_files(seed_files).candidates if {"Louhansk", "Luhansk"} == {f for f, _ in c.forms})
    assert all(place.startswith(str(seed(seed_files, "000"))) for place in candidate.places)


def test_with_the_glossary_known_clusters_are_findings_and_new_spellings_extend_an_entry(tmp_path, glossary):
    text = tmp_path / "fr.txt"
    text.write_text("Le ministre Choïgou est arrivé. Plus tard, Shoïgou a parlé de Louhansk et Luhansk.\n", encoding="utf-8")
    report = check_files([text], glossary)
    assert {f.found for f in report.findings} == {"Louhansk"}  # the French uses one known spelling of Shoigu
    [candidate] = report.candidates
    assert candidate.entry == "shoigu"
    assert candidate.glossary_line.split("\t")[:3] == ["shoigu", "Shoigu", "Choïgou|Choigou|Shoygu|Choïgu|Shoïgou"]


@pytest.mark.parametrize("a, b", [
    ("Choïgou", "Shoigu"), ("Louhansk", "Luhansk"), ("Panmunjeom", "Panmunjom"), ("Kim Jong-un", "Kim Jong Un"),
    ("Sergueï Choïgou", "Sergei Shoigu"), ("Moubarak", "Mubarak"), ("Netanyahou", "Netanyahu"), ("Tchekhov", "Chekhov"),
])
def test_transliterations_are_one_name(a, b):
    assert similarity(a, b) >= CLUSTER_THRESHOLD


@pytest.mark.parametrize("a, b", [
    ("Paul", "Pauli"), ("Euro", "Europe"), ("Meteor-1", "Meteor-2"), ("Kim", "Kim Jong Un"),
    ("South Africa", "South America"), ("Constitution", "Institution"),
])
def test_different_names_are_not_clustered(a, b):
    assert similarity(a, b) < CLUSTER_THRESHOLD


def test_inflections_and_capital_accents_are_not_variants(tmp_path):
    text = tmp_path / "fr.txt"
    text.write_text("La Corée et les Coréens. Les Russes et la Russie. Le Japon et les Japonais.\n"
                    "Un Etat et un État. Le village de Panmunjeom, puis Panmunjom.\n", encoding="utf-8")
    assert clusters(check_files([text])) == [{"Panmunjeom", "Panmunjom"}]


def test_capitalised_words_that_start_sentences_are_not_names(tmp_path):
    text = tmp_path / "fr.txt"
    text.write_text("Cependant, Moscou a parlé. Dans la ville, rien.\nCependant, dans Moscou aussi.\n", encoding="utf-8")
    forms = name_forms(read_units(text))
    assert set(forms) == {"moscou"}


def test_discovery_on_a_real_corpus_finds_its_transliteration_pairs(shared_dir):
    """newstest2013 (3,000 French sentences): finds its transliteration pairs."""
    path = shared_dir / "data" / "mt" / "newstest2013.fr-en.fr"
    found = clusters(check_files([path]))
    assert {"Moubarak", "Mubarak"} in found and {"Netanyahou", "Netanyahu"} in found


# ---------------------------------------------------------------- TEI input
def test_tei_files_are_checked_on_both_sides_with_sentence_ids(tmp_path, glossary):
    tei = pytest.importorskip("align.tei")
    from align.document import AlignedDocument, Document, Link, Paragraph, Sentence

    source = Document("fr", [Paragraph("fr.p1", [Sentence("fr.s1", "Choïgou et Shoigu à Louhansk.")])])
    target = Document("en", [Paragraph("en.p1", [Sentence("en.s1", "Shoigu and Shoygu in Lugansk.")])])
    path = tmp_path / "doc.xml"
    tei.write_tei(AlignedDocument(source, target, [Link(("fr.s1",), ("en.s1",))]), path)
    report = check_files([path], glossary, discovery=False)
    assert [(f.where, f.found) for f in report.findings] == [
        ("fr.s1", "Choïgou"), ("en.s1", "Shoygu"), ("en.s1", "Lugansk")]


# ---------------------------------------------------------------- CLI
def test_cli_exit_code_1_and_table_when_inconsistent(run_align, seed_files):
    result = run_align("check-terms", *seed_files, "--glossary", data_file("glossaries", "russia-dprk.tsv"))
    assert result.exit_code == 1, result.stderr
    assert "Louhansk" in result.stdout and "Luhansk" in result.stdout and "Choïgou" in result.stdout


def test_cli_exit_code_0_when_clean(run_align, tmp_path):
    text = tmp_path / "en.txt"
    text.write_text("Mr Putin met Kim Jong Un in Vladivostok.\n", encoding="utf-8")
    result = run_align("check-terms", text, "--glossary", data_file("glossaries", "russia-dprk.tsv"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("consistent")


def test_cli_json(run_align, seed_files):
    result = run_align("check-terms", seed(seed_files, "000"), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["consistent"] is False
    assert {"Louhansk", "Luhansk"} == {f["form"] for f in report["candidates"][0]["forms"]}


def test_cli_bad_input_is_one_line(run_align, tmp_path):
    result = run_align("check-terms", tmp_path / "missing.txt")
    assert result.exit_code == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.apertium
def test_the_english_side_of_a_glossary_translation_passes_the_gate(run_align, seed_files, tmp_path):
    """align translate --glossary, then check-terms --side en: the English is consistent."""
    glossary_path = data_file("glossaries", "russia-dprk.tsv")
    translated = run_align("translate", *seed_files, "-o", tmp_path, "--engine", "apertium",
                           "--glossary", glossary_path, "--no-cache")
    assert translated.exit_code == 0, translated.stderr
    teis = sorted(tmp_path.glob("*.xml"))
    assert len(teis) == 5
    english = run_align("check-terms", *teis, "--glossary", glossary_path, "--side", "en", "--no-discovery")
    assert english.exit_code == 0, english.stdout
    french = run_align("check-terms", *teis, "--glossary", glossary_path, "--side", "fr", "--no-discovery")
    assert french.exit_code == 1 and "Louhansk" in french.stdout
