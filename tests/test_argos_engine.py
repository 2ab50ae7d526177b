"""The argos engine on the synthetic package: counts, order, determinism, batching."""

from __future__ import annotations


import pytest

from align.engines.argos import ArgosEngine, argos_reference_translate, length_batches, spread
from align.engines.base import EngineError
from align.models import find_model, install_package


@pytest.fixture(scope="module")
def package(synthetic_argosmodel, tmp_path_factory):
    return install_package(synthetic_argosmodel, tmp_path_factory.mktemp("engine") / "packages")


@pytest.fixture(scope="module")
def seed_sentences(seed_files) -> list[str]:
    """Sentences of the seeds (roughly split on full stops), long and short."""
    text = " ".join(path.read_text(encoding="utf-8") for path in seed_files)
    sentences = [s.strip() + "." for s in text.replace("\n", " ").split(". ") if s.strip()]
    return sentences[:24] + ["Bonjour.", "M. Poutine a parlé.", "Oui"]


@pytest.fixture(scope="module")
def engine(package) -> ArgosEngine:
    return ArgosEngine(package)


def test_one_output_per_input_in_order(engine, seed_sentences):
    outputs = engine.translate_batch(seed_sentences)
    assert len(outputs) == len(seed_sentences)
    assert all(isinstance(o, str) and o for o in outputs)
    assert engine.translate_batch(seed_sentences[::-1]) == outputs[::-1]


def test_beam_search_is_deterministic(engine, seed_sentences):
    assert engine.translate_batch(seed_sentences) == engine.translate_batch(seed_sentences)


def test_sorted_batching_equals_one_by_one(package, seed_sentences):
    batched = ArgosEngine(package, max_batch_tokens=200)
    assert len(length_batches(list(range(len(seed_sentences))), [s.split() for s in seed_sentences], 200)) > 1
    one_by_one = [batched.translate_batch([s])[0] for s in seed_sentences]
    assert batched.translate_batch(seed_sentences) == one_by_one


def test_greedy_search_also_matches_one_by_one(package, seed_sentences):
    greedy = ArgosEngine(package, beam_size=1, max_batch_tokens=500)
    assert greedy.translate_batch(seed_sentences) == [greedy.translate_batch([s])[0] for s in seed_sentences]


def test_empty_and_blank_input(engine):
    assert engine.translate_batch([]) == []
    outputs = engine.translate_batch(["   ", "Bonjour.", ""])
    assert outputs[0] == "" and outputs[2] == "" and outputs[1]


def test_outputs_stay_near_input_length(engine, seed_sentences):
    tokenizer = engine.tokenizer
    outputs = engine.translate_batch(seed_sentences)
    source = sum(map(len, tokenizer.encode_batch(seed_sentences)))
    target = sum(map(len, tokenizer.encode_batch(outputs)))
    assert 0.3 * source < target < 2.5 * source


def test_length_batches_respect_the_token_budget():
    tokens = [["a"] * n for n in (5, 1, 9, 3, 3, 40)]
    order = sorted(range(len(tokens)), key=lambda k: len(tokens[k]))
    batches = length_batches(order, tokens, 12)
    assert sorted(k for batch in batches for k in batch) == list(range(6))
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(len(tokens[k]) for k in batch) <= 12
    assert [5] in batches  # longer than the budget: alone


def test_spread_deals_sorted_sentences_to_every_replica():
    assert spread([[3, 1, 4, 0, 2]], 2) == [[3, 4, 2], [1, 0]]  # alternate: similar lengths each
    assert spread([[3, 1], [4, 0]], 2) == [[3, 1], [4, 0]]  # enough batches already
    assert spread([[7]], 4) == [[7]]
    assert spread([[3, 1, 4]], 1) == [[3, 1, 4]]


def test_two_one_thread_replicas_translate_as_one_replica(engine, package, seed_sentences):
    replicas = ArgosEngine(package, inter_threads=2, intra_threads=1)
    assert replicas.translate_batch(seed_sentences) == engine.translate_batch(seed_sentences)
    assert replicas.info().cache_key() == engine.info().cache_key()  # same output, same memory entries


def test_a_lone_sentence_on_every_core_decodes_as_a_replica_does(package, seed_sentences):
    engine = ArgosEngine(package, inter_threads=2, intra_threads=1)  # a lone sentence on one replica, one thread
    replicas = ArgosEngine(package, inter_threads=2, intra_threads=1, lone_threads=2)
    used = []
    submit = replicas.submit
    replicas.submit = lambda tokens, translator=None: used.append(translator) or submit(tokens, translator)
    for sentence in seed_sentences[:6] + ["Oui"]:
        assert replicas.translate_batch([sentence]) == engine.translate_batch([sentence])
    assert used and all(t is replicas.lone_translator for t in used)
    used.clear()
    assert replicas.translate_batch(seed_sentences[:6]) == engine.translate_batch(seed_sentences[:6])
    assert used and all(t is replicas.translator for t in used)  # two or more sentences: the replicas


def test_one_replica_needs_no_lone_translator(package):
    assert ArgosEngine(package, lone_threads=2).lone_translator is None


def fake_clock(durations):
    """A clock whose successive (start, end) readings are ``durations`` apart."""
    readings = []
    for k, duration in enumerate(durations):
        readings += [10.0 * k, 10.0 * k + duration]
    return iter(readings).__next__


def test_the_lone_translator_is_kept_only_where_it_is_faster(package):
    engine = ArgosEngine(package, inter_threads=2, intra_threads=1, lone_threads=2)
    # timed first: the lone translator (two rounds), then one replica (two rounds); the best of each counts
    assert engine.keep_lone_translator_if_faster("Bonjour.", clock=fake_clock([0.5, 0.38, 0.70, 0.64]))
    assert engine.lone_translator is not None
    assert not engine.keep_lone_translator_if_faster("Bonjour.", clock=fake_clock([0.43, 0.45, 0.25, 0.30]))
    assert engine.lone_translator is None
    slower_by_less_than_a_tenth = ArgosEngine(package, inter_threads=2, intra_threads=1, lone_threads=2)
    assert not slower_by_less_than_a_tenth.keep_lone_translator_if_faster(
        "Bonjour.", clock=fake_clock([0.95, 0.95, 1.0, 1.0]))


def test_info_describes_model_and_options(engine, package):
    import ctranslate2

    info = engine.info()
    assert (info.name, info.version, info.model, info.model_version) == (
        "argos", ctranslate2.__version__, package.name, package.package_version)
    assert info.settings["beam_size"] == "4"
    assert ArgosEngine(package, beam_size=1).info().cache_key() != info.cache_key()


def test_engine_found_through_the_packages_folder(package, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(package.path.parent))
    assert ArgosEngine(None).package.path == find_model(None).path == package.path


def test_int8_compute_type(package, seed_sentences):
    int8 = ArgosEngine(package, compute_type="int8")
    assert int8.info().settings["compute_type"].startswith("int8")
    assert len(int8.translate_batch(seed_sentences[:5])) == 5


def test_a_broken_model_is_an_engine_error(package, tmp_path):
    import shutil

    broken = tmp_path / package.name
    shutil.copytree(package.path, broken)
    (broken / "model" / "model.bin").write_bytes(b"garbage")
    with pytest.raises(EngineError, match="cannot load the CTranslate2 model"):
        ArgosEngine(str(broken))


def test_argos_reference_path_matches_the_engine(package, seed_sentences):
    """argostranslate's own decoding (or its faithful reproduction) gives the engine's output."""
    sentences = seed_sentences[-3:] + seed_sentences[:3]
    reference = argos_reference_translate(package, sentences)
    assert len(reference) == len(sentences)
    # argos: compute type "auto", no relative decoding limit
    engine = ArgosEngine(package, compute_type="auto", max_length_ratio=1000)
    assert reference == engine.translate_batch(sentences)  # argostranslate's decoding, "_" made spaces too
