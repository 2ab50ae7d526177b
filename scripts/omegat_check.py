#!/usr/bin/env python3
"""Does a CAT tool find align's translations? OmegaT, headless, on the five seeds.

What a translator does: put the articles in an OmegaT project's source/ folder
and the TMX that align made of them in tm/auto/ (OmegaT inserts the exact
matches it finds there), then let OmegaT translate. This script does that:

1. ``align translate`` the seeds (Apertium by default: the English text does not
   matter here, only whether OmegaT finds the French) and ``align export --to tmx``;
2. build an OmegaT project: source/ = the seeds, tm/auto/ = the TMX files, the
   plain-text filter segmenting paragraphs on line breaks (``segmentOn=BREAKS``)
   and sentences with OmegaT's own default SRX rules;
3. run ``java -Djava.awt.headless=true -jar OmegaT.jar PROJECT --mode=console-translate``
   and read omegat/project_stats.txt: segments, and those still untranslated;
4. list OmegaT's segments (``--mode=console-createpseudotranslatetmx``) and show
   the ones align's TMX has no exact source for, with the reason.

Usage:
    python3 scripts/omegat_check.py [--seeds ../shared/seeds] [--engine apertium]
        [--srx FILE|omegat] [--min-percent 95] [--keep DIR]

``--srx`` passes an SRX file to ``align translate --srx`` (``omegat``: OmegaT's own
default rules, read from OmegaT.jar), so that align cuts sentences as OmegaT does.
Without OmegaT (``apt-get install omegat``; or
$OMEGAT_JAR) and java, it prints why and exits 0: a skipped check, not a pass.
Exit 1 when fewer than --min-percent of the segments are filled.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from align.doctor import omegat_jar  # noqa: E402  (align doctor looks for OmegaT the same way)

#: where OmegaT keeps its default segmentation rules inside the jar
SRX_IN_JAR = "org/omegat/core/segmentation/defaultRules.srx"

PROJECT_FILE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>FR</source_lang>
    <target_lang>EN</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneFrenchTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""

#: project-specific file filters: plain text, UTF-8, one paragraph per line
FILTERS_FILE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<filters>
  <filter className="org.omegat.filters2.text.TextFilter" enabled="true">
    <files sourceFilenameMask="*.txt" targetFilenamePattern="${filename}" sourceEncoding="UTF-8"
           targetEncoding="UTF-8"/>
    <option name="segmentOn" value="BREAKS"/>
  </filter>
</filters>
"""


@dataclass
class Result:
    segments: int
    remaining: int
    misses: list[tuple[str, str]] = field(default_factory=list)  # (OmegaT segment, why)

    @property
    def filled(self) -> int:
        return self.segments - self.remaining

    @property
    def percent(self) -> float:
        return 100.0 * self.filled / self.segments if self.segments else 0.0


def extract_default_srx(jar: Path, out: Path) -> Path:
    """OmegaT's default SRX rules, as shipped inside its jar."""
    with zipfile.ZipFile(jar) as archive:
        out.write_bytes(archive.read(SRX_IN_JAR))
    return out


def run_align(*args: str | Path) -> None:
    command = [sys.executable, "-m", "align", *map(str, args)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")


def make_tmx(seeds: list[Path], work: Path, engine: str, srx: Path | None = None) -> Path:
    """align translate + align export --to tmx: the folder of TMX files."""
    srx_options = ["--srx", srx] if srx is not None else []
    run_align("translate", *seeds, "-o", work / "tei", "--engine", engine, "--no-cache", *srx_options)
    run_align("export", "--to", "tmx", "-o", work / "tmx", *sorted((work / "tei").glob("*.tei.xml")))
    return work / "tmx"


def make_project(seeds: list[Path], tmx_dir: Path, project: Path) -> Path:
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / sub).mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        shutil.copy(seed, project / "source" / seed.name)
    for tmx in tmx_dir.glob("*.tmx"):
        shutil.copy(tmx, project / "tm" / "auto" / tmx.name)
    (project / "omegat.project").write_text(PROJECT_FILE, encoding="utf-8")
    (project / "omegat" / "filters.xml").write_text(FILTERS_FILE, encoding="utf-8")
    return project


def run_omegat(jar: Path, project: Path, mode: str, *extra: str) -> None:
    home = project.parent / "omegat-home"  # OmegaT's own settings, kept out of the user's
    command = ["java", "-Djava.awt.headless=true", f"-Duser.home={home}", "-jar", str(jar), str(project),
               f"--mode={mode}", *extra]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"OmegaT failed ({mode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def read_stats(project: Path) -> tuple[int, int]:
    """(segments, remaining) from omegat/project_stats.txt."""
    stats = (project / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    total = re.search(r"^Total:\s+(\d+)", stats, re.M)
    remaining = re.search(r"^Remaining:\s+(\d+)", stats, re.M)
    if not total or not remaining:
        raise SystemExit(f"cannot read OmegaT's statistics:\n{stats[:500]}")
    return int(total.group(1)), int(remaining.group(1))


def tmx_sources(path: Path) -> list[str]:
    """The source (first) segment of every unit of a TMX file."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(path), parser).getroot()
    return [tu.find("tuv/seg").xpath("string()") for tu in root.iter("tu")]


SAME_WORDS_OTHER_CHARACTERS = "same words, other characters (spaces, bullets)"


def why_missed(segment: str, sources: set[str]) -> str:
    def letters(text: str) -> str:
        return re.sub(r"[\s•◦▪‣●■]+", "", text)

    if letters(segment) in {letters(s) for s in sources}:
        return SAME_WORDS_OTHER_CHARACTERS
    if any(segment in s for s in sources):
        return "align's sentence is longer (OmegaT splits where align does not)"
    if any(s in segment for s in sources if len(s) > 10):
        return "align's sentence is shorter (align splits where OmegaT does not)"
    return "no source like it"


def check(seeds: list[Path], jar: Path, work: Path, engine: str = "apertium", srx: Path | None = None) -> Result:
    tmx_dir = make_tmx(seeds, work, engine, srx)
    project = make_project(seeds, tmx_dir, work / "project")
    run_omegat(jar, project, "console-translate")
    segments, remaining = read_stats(project)
    pseudo = work / "omegat-segments.tmx"
    run_omegat(jar, project, "console-createpseudotranslatetmx", f"--pseudotranslatetmx={pseudo}",
               "--pseudotranslatetype=equal")
    sources = {s for tmx in tmx_dir.glob("*.tmx") for s in tmx_sources(tmx)}
    misses = [(s, why_missed(s, sources)) for s in tmx_sources(pseudo) if s not in sources]
    return Result(segments, remaining, misses)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    parser.add_argument("--engine", default="apertium")
    parser.add_argument("--srx", help="SRX file for align's segmentation; 'omegat' for OmegaT's defaults")
    parser.add_argument("--min-percent", type=float, default=95.0)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    jar = omegat_jar()
    if jar is None:
        print("skipped: OmegaT is not installed (apt-get install omegat) or java is missing")
        return 0
    seeds = sorted(args.seeds.glob("*.txt"))
    with tempfile.TemporaryDirectory(prefix="omegat-check-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        srx = None
        if args.srx:
            srx = extract_default_srx(jar, work / "omegat-default.srx") if args.srx == "omegat" else Path(args.srx)
        result = check(seeds, jar, work, args.engine, srx)
    for segment, why in result.misses:
        print(f"miss ({why}): {segment[:110]!r}")
    print(f"OmegaT ({jar}), {len(seeds)} articles, line-break paragraphs, OmegaT's default sentence rules; "
          f"align segmentation: {'SRX ' + args.srx if args.srx else 'its own rules'}")
    print(f"segments {result.segments}, filled from align's TMX {result.filled} ({result.percent:.1f}%), "
          f"not filled {result.remaining}")
    return 0 if result.percent >= args.min_percent else 1


if __name__ == "__main__":
    sys.exit(main())
