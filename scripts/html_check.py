#!/usr/bin/env python3
"""Render align's HTML pages in headless Chromium and check that the rows line up.

    python3 scripts/html_check.py PAGE.html|FILE.tei.xml... [--widths 1200,700] [--screenshot X.png]

A TEI file is exported to HTML first (in a temporary folder). Each page is
copied beside its align.css with a small measuring script (check.js) added
at the end of <body>; ``chromium --headless --dump-dom`` runs it, and the
script writes, into a <pre>, the box of every ``tr.link`` row, of its two
cells and of the first sentence on each side. The check then asserts, at
every window width:

* the browser sees as many rows as an XML parser finds in the file (the
  polyglot XHTML parses the same way in both), and, for a TEI input, as many
  as the file has links;
* the stylesheet was applied (``table-layout: fixed``) and has the rule that
  highlights a row's sentences on hover (``tr.link:hover .s``);
* in every row the French and the English cells start at the row's top and
  their first sentences start on the same line (tops within 1.5 px);
* rows follow each other without overlapping, and no cell spills out of its row;
* every sentence's ``data-partners`` are sentences of the other cell of the same row.

Exit code 0 when every page passes, 1 with one line per problem otherwise,
77 when no Chromium is installed (``apt-get install -y chromium``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from align.doctor import find_chromium  # noqa: E402  (align doctor reports the same binary)

XHTML = "{http://www.w3.org/1999/xhtml}"
RESULT_ID = "align-html-check"
TOLERANCE_PX = 1.5

MEASURE_JS = r"""
(function () {
  function box(element) {
    if (!element) { return null; }
    var r = element.getBoundingClientRect();
    return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, left: r.left, right: r.right};
  }
  function first(cell) { return cell ? cell.querySelector('.s, .missing') : null; }
  var rows = [];
  var partnerProblems = [];
  document.querySelectorAll('tr.link').forEach(function (row) {
    var source = row.querySelector('td.source');
    var target = row.querySelector('td.target');
    rows.push({id: row.id, row: box(row), source: box(source), target: box(target),
               sourceFirst: box(first(source)), targetFirst: box(first(target))});
    [[source, target], [target, source]].forEach(function (pair) {
      if (!pair[0] || !pair[1]) { return; }
      pair[0].querySelectorAll('.s').forEach(function (s) {
        (s.getAttribute('data-partners') || '').split(' ').filter(Boolean).forEach(function (id) {
          var partner = document.getElementById(id);
          if (!partner || !pair[1].contains(partner)) {
            partnerProblems.push(row.id + ': ' + s.id + ' names partner ' + id + ' outside its row');
          }
        });
      });
    });
  });
  var hoverRule = false;
  Array.prototype.forEach.call(document.styleSheets, function (sheet) {
    var rules;
    try { rules = sheet.cssRules; } catch (error) { return; }  // unreadable sheet: counts as missing
    Array.prototype.forEach.call(rules, function (rule) {
      if (/tr\.link:hover .*\.s\b/.test(rule.selectorText || '')) { hoverRule = true; }
    });
  });
  var table = document.querySelector('table.aligned');
  var result = {
    hoverRule: hoverRule,
    width: window.innerWidth,
    rows: rows,
    partnerProblems: partnerProblems,
    tableLayout: table ? getComputedStyle(table).tableLayout : null
  };
  var pre = document.createElement('pre');
  pre.id = 'align-html-check';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
})();
"""


def chromium_args(browser: str, profile: str, width: int, height: int = 900) -> list[str]:
    return [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
        "--allow-file-access-from-files",  # lets check.js read align.css's rules (file:// is cross-origin)
        f"--user-data-dir={profile}", f"--window-size={width},{height}",
    ]


def instrumented_copy(page: Path, folder: Path) -> Path:
    """A copy of ``page`` in ``folder`` (with its align.css) that loads check.js at the end of <body>."""
    from lxml import etree

    from align.export.html import serialize
    from align.tei import safe_parser

    tree = etree.parse(str(page), safe_parser())
    body = tree.getroot().find(f"{XHTML}body")
    etree.SubElement(body, f"{XHTML}script", src="check.js")
    css = page.parent / "align.css"
    if css.is_file():
        shutil.copyfile(css, folder / "align.css")
    (folder / "check.js").write_text(MEASURE_JS, encoding="utf-8")
    copy = folder / page.name
    copy.write_bytes(serialize(tree.getroot()))
    return copy


def measure(page: Path, width: int, browser: str) -> dict:
    """Load ``page`` at ``width`` px in headless Chromium; the measurements of check.js."""
    from lxml import html as lxml_html

    with tempfile.TemporaryDirectory(prefix="align-html-check-") as folder:
        copy = instrumented_copy(page, Path(folder))
        profile = Path(folder) / "profile"
        profile.mkdir()
        proc = subprocess.run(
            chromium_args(browser, str(profile), width) + ["--dump-dom", copy.as_uri()],
            capture_output=True, text=True, timeout=120,
        )
    if proc.returncode != 0 or RESULT_ID not in proc.stdout:
        tail = " ".join(proc.stderr.split()[-30:])
        raise RuntimeError(f"chromium did not render {page} (exit {proc.returncode}): {tail}")
    dom = lxml_html.fromstring(proc.stdout)
    return json.loads(dom.get_element_by_id(RESULT_ID).text_content())


def xml_row_count(page: Path) -> int:
    from lxml import etree

    from align.tei import safe_parser

    tree = etree.parse(str(page), safe_parser())  # also proves the page is well-formed XML
    return sum(1 for row in tree.iter(f"{XHTML}tr") if "link" in (row.get("class") or "").split())


def row_problems(result: dict) -> list[str]:
    """Everything wrong with the rows measured at one width (see module doc)."""
    problems = list(result["partnerProblems"])
    width = result["width"]
    if result["rows"] and result["tableLayout"] != "fixed":
        problems.append(f"width {width}: align.css not applied (table-layout {result['tableLayout']!r})")
    if result["rows"] and not result["hoverRule"]:
        problems.append(f"width {width}: no 'tr.link:hover ... .s' rule: hovering a row highlights nothing")
    previous_bottom = None
    for row in result["rows"]:
        where = f"width {width}, {row['id']}"
        box = row["row"]
        for side in ("source", "target"):
            cell, first = row[side], row[f"{side}First"]
            if cell is None or first is None:
                problems.append(f"{where}: no {side} cell or nothing in it")
                continue
            if abs(cell["top"] - box["top"]) > TOLERANCE_PX:
                problems.append(f"{where}: {side} cell starts at {cell['top']:.1f}, row at {box['top']:.1f}")
            if cell["bottom"] > box["bottom"] + TOLERANCE_PX:
                problems.append(f"{where}: {side} cell ends below its row")
        if row["sourceFirst"] and row["targetFirst"]:
            gap = abs(row["sourceFirst"]["top"] - row["targetFirst"]["top"])
            if gap > TOLERANCE_PX:
                problems.append(f"{where}: French and English first sentences start {gap:.1f} px apart")
            if row["sourceFirst"]["right"] > row["targetFirst"]["left"]:
                problems.append(f"{where}: French text is not left of the English text")
        if previous_bottom is not None and box["top"] < previous_bottom - TOLERANCE_PX:
            problems.append(f"{where}: overlaps the previous row")
        previous_bottom = box["bottom"]
    return problems


def check_page(page: Path, widths: list[int], browser: str, expected_rows: int | None = None) -> list[str]:
    """All problems of one HTML page at every width ([] when its rows line up)."""
    problems = []
    xml_rows = xml_row_count(page)
    if expected_rows is not None and xml_rows != expected_rows:
        problems.append(f"{page}: {xml_rows} rows in the file, {expected_rows} links in the TEI")
    for width in widths:
        result = measure(page, width, browser)
        if len(result["rows"]) != xml_rows:
            problems.append(f"{page}: the browser sees {len(result['rows'])} rows at width {width}, "
                            f"the XML parser {xml_rows}")
        problems += [f"{page}: {problem}" for problem in row_problems(result)]
    return problems


def screenshot(page: Path, png: Path, browser: str, width: int = 1200, height: int = 900) -> None:
    with tempfile.TemporaryDirectory(prefix="align-html-shot-") as profile:
        subprocess.run(chromium_args(browser, profile, width, height) + [f"--screenshot={png}", page.as_uri()],
                       capture_output=True, timeout=120, check=True)


def pages_to_check(inputs: list[Path], folder: Path) -> list[tuple[Path, int | None]]:
    """(HTML page, expected row count) for each input; TEI inputs are exported into ``folder``."""
    from align.export import html
    from align.tei import read_tei

    pages = []
    for path in inputs:
        if path.name.endswith(".html"):
            pages.append((path, None))
        else:
            doc = read_tei(path)
            page = folder / (path.name.removesuffix(".xml").removesuffix(".tei") + ".html")
            html.export(doc, page)
            pages.append((page, len(doc.links)))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path, help="HTML pages from `align export --to html`, or TEI files")
    parser.add_argument("--widths", default="1200,700", help="window widths to check, comma-separated")
    parser.add_argument("--screenshot", type=Path, help="save a 1200x900 screenshot of the first page here")
    args = parser.parse_args(argv)
    browser = find_chromium()
    if browser is None:
        print("html_check: no chromium on PATH (apt-get install -y chromium); nothing checked", file=sys.stderr)
        return 77
    widths = [int(width) for width in args.widths.split(",")]
    problems = []
    with tempfile.TemporaryDirectory(prefix="align-html-pages-") as folder:
        pages = pages_to_check(args.inputs, Path(folder))
        for page, expected in pages:
            try:
                page_problems = check_page(page, widths, browser, expected)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                page_problems = [f"{page}: {exc}"]
            problems += page_problems
            if not page_problems:
                print(f"ok: {page.name}: {xml_row_count(page)} rows line up at widths {args.widths}")
        if args.screenshot:
            screenshot(pages[0][0], args.screenshot, browser)
            print(f"screenshot of {pages[0][0].name} -> {args.screenshot}")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
