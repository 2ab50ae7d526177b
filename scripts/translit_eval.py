#!/usr/bin/env python3
"""Recall and false merges of check-terms discovery on transliteration variants.

    python3 scripts/translit_eval.py [--split dev|heldout|all] [--show] [--pairs FILE]

The pairs of tests/data/translit_pairs.tsv (real spellings of places and
people of Ukraine, Russia, Belarus and the two Koreas, each with the system
or usage that produces it; and distinct names that look alike) are planted in
French and English news-style sentences, each spelling once, in a different
file: one spelling per file is the commonest case in a newsroom. Discovery
(no glossary) runs once over all the files of a split, as `align check-terms`
would on a folder.

- recall: share of variant pairs whose two spellings end up in one candidate
  cluster;
- false merges: share of look-alike distinct pairs put in one cluster
  (whatever its confidence);
- of them sure: false merges reported at confidence >= 0.85 (the others
  are listed as doubtful, for a person to decide);
- cross-row merges: pairs of spellings from two different rows put in one
  cluster (neither declared variants nor declared distinct: any such pair is
  a false merge too).

The split is fixed by a hash of each row (40 % dev, 60 % held-out). The dev
rows are planted in one set of sentence templates and the held-out rows in
another, so that held-out figures are on text and names the rules were not
tuned on.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FRENCH_SOURCES = {"FR", "FRUK"}
FILES_PER_LANGUAGE = 10
#: a false merge reported at this confidence or above is one the checker was sure of
SURE = 0.85

TEMPLATES = {
    ("dev", "place", "fr"): [
        "Des explosions ont été entendues à {x} dans la nuit de lundi à mardi, selon les autorités locales.",
        "Les combats se poursuivent près de {x}, a indiqué l'état-major dans son point quotidien.",
        "La ville de {x} a été privée d'électricité pendant plusieurs heures après une frappe.",
    ],
    ("dev", "place", "en"): [
        "Shelling was reported in {x} overnight, local officials said on Tuesday.",
        "Fighting continued near {x}, the general staff said in its daily update.",
    ],
    ("dev", "person", "fr"): [
        "Le chef de la diplomatie, {x}, a été reçu mardi à huis clos par les députés.",
        "Dans un entretien publié lundi, {x} affirme que rien n'est encore décidé.",
    ],
    ("dev", "person", "en"): [
        "In a statement on Monday, {x} said that talks had stalled.",
        "The remarks by {x} surprised diplomats in the capital.",
    ],
    ("heldout", "place", "fr"): [
        "Un convoi humanitaire est arrivé jeudi à {x} après trois jours de route.",
        "Les habitants de {x} ont passé la nuit dans les abris, raconte notre envoyé spécial.",
        "Selon la mairie, le centre de {x} a été touché par deux frappes en fin de matinée.",
    ],
    ("heldout", "place", "en"): [
        "A humanitarian convoy reached {x} on Thursday after a three-day journey.",
        "Residents of {x} spent the night in shelters, our correspondent reports.",
    ],
    ("heldout", "person", "fr"): [
        "Interrogé par la presse, {x} n'a pas souhaité commenter ces informations.",
        "Une rencontre entre les diplomates européens et {x} est prévue la semaine prochaine.",
    ],
    ("heldout", "person", "en"): [
        "Asked by reporters, {x} declined to comment on the reports.",
        "A meeting between European diplomats and {x} is planned for next week.",
    ],
}
FILLER = {
    "fr": "La situation reste tendue dans la région et les négociations sont au point mort depuis des mois.",
    "en": "The situation in the region remains tense and the talks have been stalled for months.",
}


@dataclass
class Row:
    kind: str
    country: str
    label: str
    spellings: list[tuple[str, str]]  # (spelling, source)
    note: str
    number: int

    @property
    def split(self) -> str:
        key = "|".join(s for s, _ in self.spellings).encode("utf-8")
        return "dev" if zlib.crc32(key) % 10 < 4 else "heldout"

    def pairs(self) -> list[tuple[str, str]]:
        forms = list(dict.fromkeys(s for s, _ in self.spellings))
        return list(itertools.combinations(forms, 2))


def read_rows(path: Path) -> list[Row]:
    rows = []
    header = True
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if header:
            header = False
            continue
        kind, country, label, spellings, note = (line.split("\t") + [""])[:5]
        parsed = [tuple(s.rsplit("@", 1)) for s in spellings.split("|")]
        rows.append(Row(kind, country, label, parsed, note, number))
    return rows


def plant(template: str, name: str) -> str:
    """French elision: 'de Avdiivka' is written "d'Avdiivka"."""
    if name[0].lower() in "aeiouyéèêâîôûh" and "de {x}" in template:
        template = template.replace("de {x}", "d'{x}")
    return template.replace("{x}", name)


def write_corpus(rows: list[Row], split: str, folder: Path) -> list[Path]:
    """Every spelling of every row once, in a file of its language, spellings of
    one row in different files."""
    lines: dict[tuple[str, int], list[str]] = defaultdict(list)
    for index, row in enumerate(rows):
        for k, (spelling, source) in enumerate(dict.fromkeys(row.spellings)):
            french = source in FRENCH_SOURCES or zlib.crc32(f"{spelling}{k}".encode()) % 2 == 0
            lang = "fr" if french else "en"
            templates = TEMPLATES[(split, row.kind, lang)]
            template = templates[(index + k) % len(templates)]
            file_number = (index * 7 + k * 3) % FILES_PER_LANGUAGE
            lines[(lang, file_number)].append(plant(template, spelling))
    paths = []
    for (lang, number), sentences in sorted(lines.items()):
        path = folder / f"{split}-{lang}-{number:02d}.txt"
        path.write_text("\n".join([FILLER[lang], *sentences, FILLER[lang]]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def evaluate(rows: list[Row], split: str, group: dict[str, int]) -> dict:
    from align.term_check import check_files

    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpus(rows, split, Path(tmp))
        report = check_files(paths)
    cluster_of: dict[str, int] = {}
    confidence: dict[int, float] = {}
    for number, candidate in enumerate(report.candidates):
        confidence[number] = candidate.confidence
        for form, _ in candidate.forms:
            cluster_of[form.casefold()] = number

    def together(a: str, b: str) -> bool:
        ca, cb = cluster_of.get(a.casefold()), cluster_of.get(b.casefold())
        return ca is not None and ca == cb

    result = {"variant": 0, "recalled": 0, "distinct": 0, "merged": 0, "merged_sure": 0, "misses": [], "merges": [],
              "by_country": Counter(), "by_country_recalled": Counter()}
    declared: set[frozenset[str]] = set()
    row_of: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        for spelling, _ in row.spellings:
            row_of[spelling.casefold()].add(row.number)
        for a, b in row.pairs():
            declared.add(frozenset((a.casefold(), b.casefold())))
            if row.label == "variant":
                result["variant"] += 1
                result["by_country"][row.country] += 1
                if together(a, b):
                    result["recalled"] += 1
                    result["by_country_recalled"][row.country] += 1
                else:
                    result["misses"].append(f"{a} ~ {b} ({row.country}, line {row.number})")
            else:
                result["distinct"] += 1
                if together(a, b):
                    result["merged"] += 1
                    number = cluster_of[a.casefold()]
                    result["merged_sure"] += confidence[number] >= SURE
                    result["merges"].append(f"{a} ~ {b} (conf {confidence[number]:.2f}, line {row.number})")
    cross = []
    for candidate in report.candidates:
        forms = [f.casefold() for f, _ in candidate.forms]
        for a, b in itertools.combinations(forms, 2):
            if frozenset((a, b)) in declared or not row_of[a] or not row_of[b] or row_of[a] & row_of[b]:
                continue
            if a in group and group.get(a) == group.get(b):
                continue  # one name listed in two rows (Mariupol in a variant and a distinct row)
            cross.append(f"{a} ~ {b} (conf {candidate.confidence:.2f})")
    result["cross"] = cross
    result["candidates"] = len(report.candidates)
    result["files"] = len(paths)
    return result


def _variant_groups(rows: list[Row]) -> dict[str, int]:
    """Spellings joined by the variant rows of both splits, transitively: one name per group."""
    group: dict[str, int] = {}
    for row in rows:
        if row.label != "variant":
            continue
        forms = [s.casefold() for s, _ in row.spellings]
        ids = {group[f] for f in forms if f in group} | {row.number}
        target = min(ids)
        for form, gid in list(group.items()):
            if gid in ids:
                group[form] = target
        for form in forms:
            group[form] = target
    return group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=REPO / "tests" / "data" / "translit_pairs.tsv")
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--show", action="store_true", help="list the missed pairs and the false merges")
    args = parser.parse_args()
    rows = read_rows(args.pairs)
    splits = ["dev", "heldout"] if args.split == "all" else [args.split]
    print(f"{'split':<8} {'rows':>5} {'files':>5} {'variant pairs':>14} {'recall':>7} "
          f"{'distinct pairs':>15} {'false merges':>13} {'of them sure':>13} {'cross-row':>10}")
    for split in splits:
        chosen = [r for r in rows if r.split == split]
        result = evaluate(chosen, split, _variant_groups(rows))
        recall = result["recalled"] / result["variant"] if result["variant"] else float("nan")
        merges = result["merged"] / result["distinct"] if result["distinct"] else float("nan")
        print(f"{split:<8} {len(chosen):>5} {result['files']:>5} {result['variant']:>14} {recall:>7.3f} "
              f"{result['distinct']:>15} {merges:>12.1%} {result['merged_sure']:>13} {len(result['cross']):>10}")
        per_country = ", ".join(f"{c} {result['by_country_recalled'][c]}/{n}"
                                for c, n in sorted(result["by_country"].items()))
        print(f"         recall by country: {per_country}")
        if args.show:
            for label, items in (("missed", result["misses"]), ("false merge", result["merges"]),
                                 ("cross-row merge", result["cross"])):
                for item in items:
                    print(f"  {split} {label}: {item}")


if __name__ == "__main__":
    main()
