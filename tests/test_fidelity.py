"""Fidelity with the tools people already use (issue 20): the French of every output is the
source's characters exactly, so that a CAT tool's exact match against the original file succeeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from align.tei import read_tei, safe_parser


def one_sentence_lines(article: Path) -> list[str]:
    """The lines of the article that hold one sentence each (as a CAT tool segments them)."""
    from align.segment import segment

    sentences = {s.text for s in segment(article.read_text(encoding="utf-8")).sentences()}
    return [line.strip() for line in article.read_text(encoding="utf-8").splitlines() if line.strip() in sentences]


@pytest.mark.apertium
def test_tei_tmx_and_xces_keep_no_break_spaces_bullets_and_apostrophes(seed_files, tmp_path, run_align):
    article = seed_files[3]  # 15 no-break spaces, three bullets, typographic apostrophes
    lines = one_sentence_lines(article)
    assert any("\u00a0" in line for line in lines) and any(line.startswith("• ") for line in lines)
    assert run_align("translate", article, "-o", tmp_path, "--engine", "apertium", "--no-cache").exit_code == 0
    tei_file = tmp_path / f"{article.stem}.tei.xml"
    for format_name in ("tmx", "xces"):
        assert run_align("export", "--to", format_name, "-o", tmp_path / format_name, tei_file).exit_code == 0

    tei_sentences = [s.text for s in read_tei(tei_file).source.sentences()]
    tmx = etree.parse(str(tmp_path / "tmx" / f"{article.stem}.tmx"), safe_parser())
    tmx_french = [tuv.findtext("seg") for tuv in tmx.iter("tuv")
                  if tuv.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"]
    xces = etree.parse(str(tmp_path / "xces" / f"{article.stem}.fr.xml"), safe_parser())
    xces_french = [s.text for s in xces.iter("s")]
    for line in lines:
        assert line in tei_sentences and line in tmx_french and line in xces_french
    assert sum(s.count("\u00a0") for s in tmx_french) == article.read_text(encoding="utf-8").count("\u00a0")
