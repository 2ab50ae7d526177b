"""English typography for the English side of a translation.

Engines copy French typography into their English: Apertium and argos models
keep « » guillemets (with their inner spaces) and the space before : ; ! ?
("Putin said : « on all fronts »"). :func:`english` puts the text into English
typography, character by character, and nothing else:

* « » become “ ”, and ‹ › become ‘ ’; a quotation opened inside another one
  (« inside “ or «) takes the single quotes ‘ ’. Quotes already typed as “ ”
  count for the nesting and are left as they are.
* The spaces inside guillemets go: "« on all fronts »" -> "“on all fronts”".
* No space (plain, no-break, narrow no-break or thin) before ; : ! ?
* The remaining French no-break spaces (U+00A0, U+202F, U+2009) become plain spaces.

Numbers, ordinals, dashes and apostrophes are the engine's. Characters are only
replaced or removed, never added, so :func:`english_with_offsets` maps every
offset of the engine's text to the new text (for glossary term spans).
"""

from __future__ import annotations

#: the spaces French typography puts inside guillemets and before ; : ! ?
FRENCH_SPACES = " \u00a0\u202f\u2009"
_NO_BREAK = "\u00a0\u202f\u2009"
_OPENING = {"«": "double", "‹": "single", "“": "double"}
_CLOSING = {"»": "double", "›": "single", "”": "double"}
_TIGHT_PUNCTUATION = ";:!?"


def english(text: str) -> str:
    """``text`` in English typography (see the module docstring)."""
    return english_with_offsets(text)[0]


def english_with_offsets(text: str) -> tuple[str, list[int]]:
    """(new text, offsets) where ``offsets[i]`` is where the character at ``i``
    of ``text`` (or its end, ``i == len(text)``) is in the new text."""
    keep = _kept(text)
    out: list[str] = []
    offsets: list[int] = []
    depth = 0  # how many quotations are open
    for char, kept in zip(text, keep):
        offsets.append(len(out))
        if not kept:
            continue
        if char in _OPENING:
            out.append(_quote(char, depth, opening=True))
            depth += 1
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
            out.append(_quote(char, depth, opening=False))
        elif char in _NO_BREAK:
            out.append(" ")
        else:
            out.append(char)
    offsets.append(len(out))
    return "".join(out), offsets


def _quote(char: str, depth: int, opening: bool) -> str:
    if char in "“”":
        return char  # already English: it only counts for the nesting
    single = _OPENING.get(char) == "single" or _CLOSING.get(char) == "single" or depth % 2 == 1
    if opening:
        return "‘" if single else "“"
    return "’" if single else "”"


def _kept(text: str) -> list[bool]:
    """Which characters stay: not the spaces just inside guillemets, nor those after a word
    and before ; : ! ? (a ":" opening the text has nothing before it to join)."""
    keep = [True] * len(text)
    for index, char in enumerate(text):
        if char in "«‹":
            _drop_spaces(text, keep, index + 1, step=1)
        elif char in "»›":
            _drop_spaces(text, keep, index - 1, step=-1)
        elif char in _TIGHT_PUNCTUATION:
            start = index
            while start > 0 and text[start - 1] in FRENCH_SPACES:
                start -= 1
            if start > 0:
                _drop_spaces(text, keep, index - 1, step=-1)
    return keep


def _drop_spaces(text: str, keep: list[bool], index: int, step: int) -> None:
    while 0 <= index < len(text) and text[index] in FRENCH_SPACES:
        keep[index] = False
        index += step
