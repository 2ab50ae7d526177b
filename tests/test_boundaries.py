"""Paragraph and dialogue-turn boundaries: links should not cross them (align.aligners.boundaries)."""

from __future__ import annotations

import pytest

from align.aligners import align_sentences, boundaries


def test_dialogue_dashes_and_opening_quotes_begin_turns():
    french = [
        "Emma se tourna vers son père.",
        "-- Il m'est impossible, papa, de partager votre avis.",  # Emma's dashes
        "— Mettez-vous à la place des gens, dit-il.",  # Hugo's
        "- Ah bien !",  # Zola's
        "« Vous avez certainement entendu parler de cette lettre ? »",
        "Elle se tut.",
    ]
    english = [
        "Emma turned to her father.",
        '" I cannot agree with you, papa.',
        "“Mr. Weston is such a good-humoured man.”",
        "' Dear me ! ' she muttered.",  # British single quotes, tokenised
        "‘Is my sister up?’",
        "'twas the night before Christmas.",  # an elided word, not a quotation
    ]
    assert boundaries.turn_starts(french) == [1, 2, 3, 4]
    assert boundaries.turn_starts(english) == [1, 2, 3, 4]


def test_words_introduced_by_a_colon_or_a_dash_stay_in_the_same_turn():
    # the English keeps "he said gaily: 'Jesus ...'" in one sentence, so the
    # French reply after the colon is not a boundary a link must respect
    french = ["Il dit gaiement :", "- Jésus n'a pas besoin de tant de linge, ma bonne Teuse.", "- Bien sûr."]
    assert boundaries.turn_starts(french) == [2]
    english = ["He was heard to ask --", '" Is there a passage sufficient for me ? "', '" Yes . "']
    assert boundaries.turn_starts(english) == [2]


def test_a_paragraph_start_costs_more_than_a_turn_start():
    sentences = ["Il entra.", "-- Bonjour, dit-il.", "-- Bonjour.", "La nuit tomba."]
    costs = boundaries.boundary_costs(sentences, paragraph_starts=[0, 3])
    assert list(costs) == [boundaries.PARAGRAPH_CROSSING, boundaries.TURN_CROSSING,
                           boundaries.TURN_CROSSING, boundaries.PARAGRAPH_CROSSING]
    assert boundaries.PARAGRAPH_CROSSING > boundaries.TURN_CROSSING > 0
    # a turn that also starts a paragraph costs what a paragraph costs, not the sum
    assert boundaries.boundary_costs(sentences, paragraph_starts=[1])[1] == boundaries.PARAGRAPH_CROSSING


# Mr. Woodhouse's thanks take two English sentences (the second closes his
# quotation); Mr. Knightley's longer reply opens a new one. By length alone,
# the reply could take the end of the thanks (1-1 then 1-2); the turns say no.
FRENCH_DIALOGUE = [
    "-- C'est bien aimable à vous, monsieur Knightley, d'être venu si tard.",
    "-- Pas du tout, monsieur : il y a un magnifique clair de lune, et il fait si doux que je dois "
    "m'éloigner de votre grand feu.",
]
ENGLISH_DIALOGUE = [
    '" It is very kind of you, Mr. Knightley, to come out at this late hour.',
    'I am afraid you must have had a shocking walk. "',
    '" Not at all, sir; it is a beautiful moonlight night, and so mild that I must draw back from your '
    'great fire."',
]


@pytest.mark.parametrize("method", ["gale-church", "anchors"])
def test_a_link_does_not_cross_a_dialogue_turn(method, monkeypatch):
    right = [([0], [0, 1]), ([1], [2])]
    assert align_sentences(FRENCH_DIALOGUE, ENGLISH_DIALOGUE, method=method) == right
    monkeypatch.setattr(boundaries, "TURN_CROSSING", 0.0)  # turns ignored: lengths alone decide
    assert align_sentences(FRENCH_DIALOGUE, ENGLISH_DIALOGUE, method=method) == [([0], [0]), ([1], [1, 2])]

