"""Where a link should not cross: paragraph and dialogue-turn boundaries.

Translators keep a text's paragraphs, and in dialogue they keep its turns:
one speaker's words are translated as one speaker's words, however the
sentences inside them are split or merged. So a link that joins the end of one
paragraph or turn to the start of the next is rarely right, and the search
(:mod:`.search`) charges it for every boundary inside either of its blocks
(an omitted passage pays for the boundaries inside it too).

Paragraph boundaries come from the documents (``paragraph_starts``), when
there are any. Turn boundaries are found in the sentences themselves, so a
text given one sentence per line keeps them:

* a sentence opens a turn when it begins with a dialogue dash (``--``, or a
  dash followed by a space: ``— Bonjour``, ``- Ah bien !``) or an opening
  quotation mark (``«``, ``“``, ``‘``, ``"``, or ``'`` before a space or a
  capital: the single quotes of British editions);
* except right after a sentence that ends with a colon or a dash: "Il dit
  gaiement :" or "he read this inscription: --" introduces the words that
  follow, and the other language often keeps both in one sentence ("he said
  gaily: 'Jesus does not need ...'").

A turn boundary is weaker evidence than a paragraph boundary (a quotation is
not always a new speaker, and the rules above are only typography), so it
costs less: ``TURN_CROSSING`` against ``PARAGRAPH_CROSSING``. On the TransRead
books (``scripts/align_eval.py``) turns lift the mean F1 of the anchors
aligner from 0.861 to 0.868, of the mt aligner from 0.867 to 0.873 and of
the length-only aligner from 0.725 to 0.727.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

#: nats a link pays for each paragraph start strictly inside one of its blocks
PARAGRAPH_CROSSING = 4.0
#: nats a link pays for each dialogue-turn start strictly inside one of its blocks.
#: Checked leave-one-book-out on the TransRead books (scripts/align_eval.py --held-out)
TURN_CROSSING = 2.0

_INTRODUCERS = (":", "-", "–", "—", "―")  # "he read this inscription: --" / "il demanda :"
_TURN_OPENER = re.compile(r"""\s*(?:--|[-–](?=\s)|[—―«“‘"]|'(?=\s|[A-Z]))""")


def opens_turn(sentence: str, previous: str) -> bool:
    """Whether ``sentence`` begins a new dialogue turn after ``previous`` (see the module docstring)."""
    return bool(_TURN_OPENER.match(sentence)) and not previous.rstrip().endswith(_INTRODUCERS)


def turn_starts(sentences: Sequence[str]) -> list[int]:
    """Indices of the sentences (after the first) that begin a dialogue turn."""
    return [k for k in range(1, len(sentences)) if opens_turn(sentences[k], sentences[k - 1])]


def boundary_costs(sentences: Sequence[str], paragraph_starts: Sequence[int] | None = None) -> np.ndarray:
    """What a link pays for a boundary just before each sentence: ``PARAGRAPH_CROSSING``
    before a paragraph start, else ``TURN_CROSSING`` before a turn start, else 0."""
    costs = np.zeros(len(sentences))
    if TURN_CROSSING:
        costs[turn_starts(sentences)] = TURN_CROSSING
    if paragraph_starts is not None:
        starts = [k for k in paragraph_starts if 0 <= k < len(sentences)]
        costs[starts] = np.maximum(costs[starts], PARAGRAPH_CROSSING)
    return costs


def both_sides(src: Sequence[str], tgt: Sequence[str],
               paragraph_starts: tuple[Sequence[int], Sequence[int]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`boundary_costs` of the source and of the target sentences."""
    src_starts, tgt_starts = paragraph_starts if paragraph_starts is not None else (None, None)
    return boundary_costs(src, src_starts), boundary_costs(tgt, tgt_starts)
