"""Accepting a check-terms suggestion into the server's glossary file.

A suggestion (``Candidate.glossary_line``) is a TSV line: id, canonical,
variants, type, note. Accepting it adds the entry, or replaces the entry of the
same id when the suggestion extends one. The new bytes are checked by
:func:`align.glossary.glossary_from_bytes` (load_glossary's checks) before they
replace the old file; the old one is kept beside it as ``NAME.bak``; both writes
are atomic.
"""

from __future__ import annotations

from pathlib import Path

from align.errors import GlossaryError
from align.glossary import ENTRY_TYPES, Entry, Glossary, glossary_from_bytes, to_tbx


def writable_path(glossary: "Glossary | None") -> Path:
    """The glossary's own file, or GlossaryError: no glossary, or one shipped with align."""
    if glossary is None or glossary.path is None:
        raise GlossaryError("the server has no glossary file: start align serve with --glossary FILE")
    path = Path(glossary.path)
    from align.resources import data_dir

    try:
        shipped = data_dir("glossaries").resolve()
    except FileNotFoundError:
        shipped = None
    if shipped is not None and path.resolve().parent == shipped:
        raise GlossaryError(f"{path.name} is a glossary shipped with align; copy it and start align serve "
                            f"with --glossary COPY to add entries")
    return path


def entry_from_line(line: str, canonical: str | None = None, entry_type: str | None = None) -> Entry:
    """The entry of a suggestion line, optionally with another canonical form (one of
    its spellings) and type, as the editor chose them."""
    fields = line.rstrip("\n").split("\t")
    if len(fields) not in (4, 5) or any("\n" in f for f in fields):
        raise GlossaryError("a suggestion must be one line of 4 or 5 tab-separated fields")
    entry_id, first, variants, kind = (f.strip() for f in fields[:4])
    note = fields[4].strip() if len(fields) == 5 else ""
    forms = [first, *(v.strip() for v in variants.split("|") if v.strip())]
    if canonical:
        if canonical not in forms:
            raise GlossaryError(f"{canonical!r} is not one of the suggestion's spellings")
        forms = [canonical, *(f for f in forms if f != canonical)]
    if entry_type:
        if entry_type not in ENTRY_TYPES:
            raise GlossaryError(f"type must be one of {', '.join(ENTRY_TYPES)}")
        kind = entry_type
    return Entry(entry_id, forms[0], forms[1:], kind, note)


def accept(glossary: Glossary, entry: Entry) -> Glossary:
    """Write ``glossary``'s file with ``entry`` added (or replacing the entry of its id);
    return the glossary of the new file, as load_glossary would read it back."""
    path = writable_path(glossary)
    old = path.read_bytes()
    new = _with_entry(path, old, glossary, entry)
    # the same checks as any glossary file (ids, duplicates, conflicts), before anything is written
    accepted = glossary_from_bytes(path, new)
    from align.io import write_atomic

    write_atomic(path.with_name(path.name + ".bak"), old)
    write_atomic(path, new)
    return accepted


def _with_entry(path: Path, old: bytes, glossary: Glossary, entry: Entry) -> bytes:
    fields = [entry.id, entry.canonical, "|".join(entry.variants), entry.type, entry.note]
    if any("\t" in f or "\n" in f or "\r" in f for f in fields):
        raise GlossaryError(f"entry {entry.id!r}: tab or line break in a field")
    if path.suffix.lower() == ".tbx":
        entries = [e for e in glossary.entries if e.id != entry.id] + [entry]
        return to_tbx(Glossary(entries, name=glossary.name))
    text = old.decode("utf-8-sig")
    line = "\t".join(fields)
    lines = text.splitlines()
    replaced = header = False
    for number, existing in enumerate(lines):
        if not existing.strip() or existing.lstrip().startswith("#"):
            continue
        if not header:  # the first other line is the header (id, canonical, ...)
            header = True
            continue
        if existing.split("\t")[0].strip() == entry.id:
            lines[number] = line  # the suggestion extends this entry
            replaced = True
    if not replaced:
        lines.append(line)
    return ("\n".join(lines) + "\n").encode("utf-8")
