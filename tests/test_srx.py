"""SRX segmentation rules (align.srx), applied as OmegaT applies them, and --srx on the CLI."""

from __future__ import annotations

import pytest

pytest.importorskip("regex", reason="SRX rules need the regex module: pip install -e '.[srx]'")

from align.segment import segment  # noqa: E402
from align.srx import break_positions, load_srx, sentence_spans  # noqa: E402

def cut(text: str, rules, lang: str = "fr") -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, rules.rules_for(lang))]


def test_maps_cascade_and_the_first_matching_rule_decides(srx_rules):
    rules = load_srx(srx_rules)
    assert len(rules.rules_for("fr")) == 4 and len(rules.rules_for("en")) == 1
    text = "Il a vu M. Kim. Puis il est parti. le reste suit! Fin"
    assert cut(text, rules) == ["Il a vu M. Kim.", "Puis il est parti. le reste suit!", "Fin"]
    assert cut(text, rules, "en") == ["Il a vu M.", "Kim.", "Puis il est parti.", "le reste suit!", "Fin"]


def test_a_java_space_is_not_a_no_break_space(srx_rules):
    rules = load_srx(srx_rules)
    # "\s" after the full stop: a plain space breaks, a no-break space does not (Java's \s)
    assert cut("Un.\u00a0Deux. Trois.", rules) == ["Un.\u00a0Deux.", "Trois."]
    assert cut("« Fin. » Suite.", rules) == ["« Fin. » Suite."]  # no break before a closing guillemet
    assert break_positions("a. b", load_srx(srx_rules).rules_for("fr")) == []


def test_segment_with_srx_keeps_characters_and_every_line_whole(srx_rules):
    text = "date 2023-10 Kim a parlé. Il a dit : « Oui. »\n\n• M. Kim est venu. Fin.\n"
    doc = segment(text, "fr", load_srx(srx_rules))
    assert [[s.text for s in p.sentences] for p in doc.paragraphs] == [
        ["date 2023-10 Kim a parlé.", "Il a dit : « Oui. »"], ["• M. Kim est venu.", "Fin."]]
    assert [p.kind for p in doc.paragraphs] == ["body", "bullet"]


def test_a_file_that_is_not_srx_is_one_line_error(tmp_path, run_align, seed_files):
    bad = tmp_path / "bad.srx"
    bad.write_text("<rules/>", encoding="utf-8")
    result = run_align("translate", seed_files[0], "-o", tmp_path, "--engine", "apertium", "--srx", bad)
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [f"align: error: {bad}: not an SRX 2.0 file (root element "
                                                 "'rules', expected srx in http://www.lisa.org/srx20)"]


@pytest.mark.apertium
def test_translate_and_align_with_srx_record_the_rules(tmp_path, run_align, seed_files, srx_rules):
    from align.tei import read_tei

    article = seed_files[3]
    common = ("translate", article, "-o", tmp_path, "--engine", "apertium", "--no-cache")
    assert run_align(*common, "--srx", srx_rules).exit_code == 0
    out = tmp_path / f"{article.stem}.tei.xml"
    assert read_tei(out).provenance.settings["segmentation"].startswith("rules.srx sha256:")
    assert "up to date" in run_align(*common, "--srx", srx_rules).stderr
    assert "up to date" not in run_align(*common).stderr  # align's own rules: another segmentation

    french, english = tmp_path / "a.fr.txt", tmp_path / "a.en.txt"
    french.write_text("Hier, M. Kim est venu. Il a parlé.\n", encoding="utf-8")
    english.write_text("Yesterday, Mr Kim came. He spoke.\n", encoding="utf-8")
    pair = tmp_path / "pair.tei.xml"
    result = run_align("align", french, english, "-o", pair, "--method", "anchors", "--srx", srx_rules)
    assert result.exit_code == 0, result.stderr
    doc = read_tei(pair)
    assert [s.text for s in doc.source.sentences()] == ["Hier, M. Kim est venu.", "Il a parlé."]
    assert doc.provenance.settings["segmentation"].startswith("rules.srx")
