"""Link confidence: posterior probabilities of the search's links (forward-backward)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from align.aligners import align_sentences, align_sentences_with_confidence, confidence, search


def small_sides(seed: int, n: int = 4, m: int = 5, boundaries: bool = True) -> search.Sides:
    rng = np.random.default_rng(seed)
    sides = search.Sides(rng.integers(20, 150, n).astype(float), rng.integers(20, 150, m).astype(float), 1.1,
                         rng.random((n, 6)).astype(np.float16) * (rng.random((n, 6)) < 0.5),
                         rng.random((m, 6)).astype(np.float16) * (rng.random((m, 6)) < 0.5), 4.0)
    if boundaries:  # no boundary, a dialogue turn or a paragraph before each sentence (boundaries.py)
        sides.src_boundaries = rng.choice([0.0, 2.0, 4.0], n, p=[0.6, 0.2, 0.2])
        sides.tgt_boundaries = rng.choice([0.0, 2.0, 4.0], m, p=[0.6, 0.2, 0.2])
    return sides


def every_path(lattice: confidence.Lattice):
    """All paths of the search's lattice over the full table, each as
    (log weight, transitions), enumerated one by one: the definition the
    forward-backward sums must reproduce."""
    n, m = lattice.sides.shape
    costs = lattice.costs

    def walk(i, j, after_run):
        if (i, j) == (n, m):
            yield 0.0, []
            return
        moves = []
        for t, (a, b) in enumerate(lattice.joined):
            if i + a <= n and j + b <= m:
                cost = lattice.prior[t] + costs.costs(np.array([i + a]), np.array([j + b]))[0, t, 0]
                moves.append(((i, i + a, j, j + b), cost, False))
        for (a, _), cost in zip(search._DELETIONS, lattice.deletion):
            if i + a <= n:
                moves.append(((i, i + a, j, j), cost + costs.src_crossings(i + a, a), False))
        if not after_run:
            crossings = costs.tgt_crossings(np.arange(m + 1))
            for k in range(1, m - j + 1):
                cost = lattice.skip + (k - 1) * lattice.extend + crossings[j + k] - crossings[j + 1]
                moves.append(((i, i, j, j + k), cost, True))
        for move, cost, is_run in moves:
            for rest, path in walk(move[1], move[3], is_run):
                yield rest - cost, [move] + path

    yield from walk(0, 0, False)


@pytest.mark.parametrize("seed, temperature", [(0, None), (1, 1.0), (2, 2.5)])
def test_posteriors_equal_the_sums_over_every_path(seed, temperature):
    sides = small_sides(seed)
    n, m = sides.shape
    lo, hi = np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)
    lattice = confidence.Lattice(sides, lo, hi, temperature)
    paths = list(every_path(lattice))
    log_z = np.logaddexp.reduce([w for w, _ in paths])
    weight: dict[tuple[int, int, int, int], float] = {}
    for w, path in paths:
        for move in path:
            weight[move] = weight.get(move, 0.0) + math.exp(w - log_z)
    ahead = confidence.forward(lattice)
    behind = confidence.forward(confidence.reverse(lattice))
    assert ahead.at(n, m) == pytest.approx(log_z, abs=1e-9)
    assert behind.at(n, m) == pytest.approx(log_z, abs=1e-9)  # backwards, the same total
    heaviest = max(paths, key=lambda wp: wp[0])[1]
    assert heaviest == search.banded_dp(sides, lo, hi)  # the same lattice as the search's

    joined = [move for move in weight if move[0] < move[1] and move[2] < move[3]]
    posteriors = confidence.link_confidence(sides, lo, hi, joined, temperature)
    assert posteriors == pytest.approx([weight[move] for move in joined], abs=1e-9)

    src_free = [sum(p for (i0, i1, j0, j1), p in weight.items() if j0 == j1 and i0 <= s < i1) for s in range(n)]
    tgt_free = [sum(p for (i0, i1, j0, j1), p in weight.items() if i0 == i1 and j0 <= t < j1) for t in range(m)]
    deleted = [(s, s + 1, 0, 0) for s in range(n)]
    inserted = [(0, 0, t, t + 1) for t in range(m)]
    assert confidence.link_confidence(sides, lo, hi, deleted, temperature) == pytest.approx(src_free, abs=1e-9)
    assert confidence.link_confidence(sides, lo, hi, inserted, temperature) == pytest.approx(tgt_free, abs=1e-9)


def test_the_temperature_flattens_the_posteriors_but_keeps_their_order():
    sides = small_sides(5, n=12, m=14)
    lo, hi = np.zeros(13, dtype=np.int64), np.full(13, 14, dtype=np.int64)
    links = search.banded_dp(sides, lo, hi)
    sharp = confidence.link_confidence(sides, lo, hi, links, temperature=1.0)
    flat = confidence.link_confidence(sides, lo, hi, links, temperature=3.0)
    assert flat.mean() < sharp.mean()
    assert np.corrcoef(sharp, flat)[0, 1] > 0.5


def test_every_sentence_is_covered_with_total_probability_one():
    sides = small_sides(3, n=12, m=14)
    n, m = sides.shape
    lo, hi = np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)
    lattice = confidence.Lattice(sides, lo, hi)
    ahead = confidence.forward(lattice)
    behind = confidence.forward(confidence.reverse(lattice))
    log_z = ahead.at(n, m)
    covered = confidence._source_unaligned(lattice, ahead, behind, log_z)
    for i1 in range(1, n + 1):
        for j1 in range(1, m + 1):
            for a, b in lattice.joined:
                if a <= i1 and b <= j1:
                    link = (i1 - a, i1, j1 - b, j1)
                    covered[i1 - a : i1] += confidence._joined_posterior(lattice, ahead, behind, log_z, link)
    assert covered == pytest.approx(np.ones(n), abs=1e-9)


def test_a_clear_translation_is_confident_and_a_doubtful_link_is_not():
    french = ["Le 14 juillet 1789, la Bastille tombe.", "Paris compte alors 600 000 habitants.",
              "Louis XVI écrit « Rien » dans son journal.", "Il pleut.", "Marat publie L'Ami du peuple en 1789."]
    english = ["On 14 July 1789 the Bastille fell.", "Paris then had 600,000 inhabitants.",
               "Louis XVI wrote \"Nothing\" in his diary.", "Some say it rained; others remember sunshine.",
               "It was a grey day.", "Marat published L'Ami du peuple in 1789."]
    scored = align_sentences_with_confidence(french, english)
    by_link = {(tuple(s), tuple(t)): c for s, t, c in scored}
    assert by_link[((0,), (0,))] > 0.99  # numbers, names, cognates and lengths agree
    assert by_link[((1,), (1,))] > 0.99
    # "Il pleut." against two English sentences, one of them not in the French:
    # which goes with which is a guess, and every link that depends on it says so
    doubtful = [c for s, t, c in scored if 3 in s or {3, 4} & set(t)]
    assert doubtful and max(doubtful) < 0.9
    assert [(s, t) for s, t, _ in scored] == align_sentences(french, english)


def test_the_banded_search_sums_the_same_both_ways():
    sides = small_sides(4, n=60, m=70)
    lo, hi = search.project_band([(i, i + 1, i, i + 1) for i in range(60)] + [(60, 60, 60, 70)], 60, 70, 5, scale=1)
    lattice = confidence.Lattice(sides, lo, hi)
    forwards = confidence.forward(lattice).at(60, 70)
    backwards = confidence.forward(confidence.reverse(lattice)).at(60, 70)
    assert np.isfinite(forwards) and forwards == pytest.approx(backwards, rel=1e-12)


@pytest.mark.parametrize("method", ["gale-church", "anchors"])
def test_scoring_does_not_change_the_links(transread_book, method):
    src, tgt, _ = transread_book("JaneEyre")
    scored = align_sentences_with_confidence(src, tgt, method=method)
    assert [(s, t) for s, t, _ in scored] == align_sentences(src, tgt, method=method)
    assert all(0.0 <= c <= 1.0 for _, _, c in scored)


def test_confident_links_are_mostly_right_and_doubtful_ones_often_wrong(transread_book):
    """Calibration on two gold-aligned books: the confidence means something."""
    right = {True: [], False: []}
    for book in ("Emma", "LesConfessions"):
        src, tgt, gold = transread_book(book)
        gold = {(tuple(s), tuple(t)) for s, t in gold}
        for s, t, c in align_sentences_with_confidence(src, tgt):
            right[c >= 0.9].append((tuple(s), tuple(t)) in gold)
    sure, unsure = np.mean(right[True]), np.mean(right[False])
    assert sure > 0.88 and unsure < 0.7 and sure - unsure > 0.25 and len(right[False]) > 20


def test_an_empty_side_is_certain():
    assert align_sentences_with_confidence(["Un.", "Deux."], []) == [([0], [], 1.0), ([1], [], 1.0)]
