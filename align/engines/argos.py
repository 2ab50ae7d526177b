"""The argos engine: CTranslate2 + SentencePiece on an installed argos package.

It runs the same files and decoding options as argostranslate
(``argostranslate.translate.apply_packaged_translation``): the package's
``model/`` folder in a ``ctranslate2.Translator``, its tokenizer
(``sentencepiece.model``, or ``bpe.model`` with Moses tokenisation: see
align/engines/argos_tokenizers.py), beam 4, length penalty 0.2, unknown-token
replacement, the metadata's ``target_prefix``, and argostranslate's decoding of
the output tokens (:meth:`ArgosEngine.detokenize`). It does not use
argostranslate's sentence splitter (align segments the text itself) and it is
built for throughput:

* one Translator per engine (a second one for lone sentences, below), loaded once;
* all sentences tokenised in one SentencePiece call, sorted by length and cut
  into batches of about ``max_batch_tokens`` (padded) tokens, so that
  sentences of similar length share a batch and padding is minimal;
* with ``inter_threads`` one-thread replicas (align serve), a call holding a
  single sentence can go to a second copy of the model on every core
  (``lone_threads``), kept only where it is faster;
* all batches submitted at once (``asynchronous=True``), so ``inter_threads``
  translators work in parallel, each batch with a decoding limit relative to
  its own longest input (``max_length_ratio``), which keeps a looping model
  from running to 256 tokens on short sentences (``max_length_ratio=0``:
  argostranslate's fixed limit of 256 tokens).

``argos_reference_translate`` is argostranslate's own per-sentence path, the
baseline of ``scripts/bench_translate.py``.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Callable, Sequence

from align.engines.base import EngineError, EngineInfo
from align.errors import ModelError

#: argostranslate's decoding settings (settings.beam_size, apply_packaged_translation)
ARGOS_BEAM_SIZE = 4
ARGOS_LENGTH_PENALTY = 0.2
ARGOS_MAX_DECODING_LENGTH = 256  # ctranslate2's default, which argostranslate keeps


class ArgosEngine:
    """Translate French sentences with an argos package; ``translate_batch`` keeps order and count."""

    def __init__(
        self,
        package=None,
        *,
        beam_size: int = ARGOS_BEAM_SIZE,
        max_batch_tokens: int = 2048,
        inter_threads: int = 1,
        intra_threads: int = 0,
        threads: int | None = None,
        device: str = "cpu",
        compute_type: str = "default",
        length_penalty: float = ARGOS_LENGTH_PENALTY,
        max_length_ratio: float = 2.0,
        max_decoding_length: int = ARGOS_MAX_DECODING_LENGTH,
        batch_size: int | None = None,
        max_batch_size: int | None = None,
        lone_threads: int = 0,
    ) -> None:
        """``package``: a ModelPackage, a package folder or name, or None (the installed fr->en one).

        ``threads`` is the CLI's name for ``intra_threads`` (0 = all cores);
        ``batch_size`` / ``max_batch_size`` are aliases of ``max_batch_tokens``.
        ``lone_threads`` > 0 with several replicas: a call holding one sentence,
        which a single replica would decode on its ``intra_threads``, goes to a
        second copy of the model decoding on ``lone_threads`` threads (see
        :meth:`keep_lone_translator_if_faster`); the output is the same.
        """
        from align.models import ModelPackage, find_model

        self.package = package if isinstance(package, ModelPackage) else find_model(package)
        if threads is not None:
            intra_threads = threads
        self.max_batch_tokens = int(max_batch_size or batch_size or max_batch_tokens)
        self.beam_size = int(beam_size)
        self.length_penalty = float(length_penalty)
        self.max_length_ratio = float(max_length_ratio)
        self.max_decoding_length = int(max_decoding_length)
        self.device = device
        self.compute_type = compute_type
        self.inter_threads = int(inter_threads)
        self.intra_threads = int(intra_threads)
        if self.beam_size < 1 or self.max_batch_tokens < 1:
            raise EngineError("beam size and batch size must be at least 1")
        self.translator = load_translator(self.package.model_dir, device, compute_type, self.inter_threads, self.intra_threads)
        self.lone_translator = None
        self.lone_threads = int(lone_threads)
        if self.lone_threads > 0 and self.inter_threads > 1:
            self.lone_translator = load_translator(self.package.model_dir, device, compute_type, 1, lone_threads)
        from align.engines.argos_tokenizers import load_tokenizer

        self.tokenizer = load_tokenizer(self.package)
        self.target_prefix = self.package.target_prefix

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate French sentences; one English string per input, same order ("" for blank ones)."""
        outputs = [""] * len(sentences)
        todo = [i for i, s in enumerate(sentences) if s and not s.isspace()]
        if not todo:
            return outputs
        tokens = self.tokenizer.encode_batch([sentences[i].strip() for i in todo])
        order = sorted(range(len(todo)), key=lambda k: len(tokens[k]))
        translator = self.lone_translator if len(todo) == 1 and self.lone_translator else self.translator
        pending = []
        for batch in spread(length_batches(order, tokens, self.max_batch_tokens), self.inter_threads):
            pending.append((batch, self.submit([tokens[k] for k in batch], translator)))
        for batch, results in pending:
            for k, result in zip(batch, results):
                outputs[todo[k]] = self.detokenize(result.result().hypotheses[0])
        return outputs

    def keep_lone_translator_if_faster(self, sample: str, rounds: int = 2,
                                       clock: Callable[[], float] = time.perf_counter) -> bool:
        """Time ``sample`` (one sentence) on one replica and on the lone-sentence translator,
        ``rounds`` times each after a warm-up, and drop the latter unless it is at least 10% faster.

        Which is faster depends on the machine and the compute type: on 2 cores,
        transformer-base decodes one sentence in float32 faster on two threads
        (0.38 s against 0.64 s), in int8 slower (0.43 s against 0.25 s)
        (scripts/bench_serve.md). Returns whether the lone translator is kept.
        """
        lone = self.lone_translator
        if lone is None:
            return False
        tokens = self.tokenizer.encode_batch([sample])

        def best_time(translator) -> float:
            self.submit(tokens, translator)[0].result()  # warm-up: first calls allocate
            times = []
            for _ in range(rounds):
                started = clock()
                self.submit(tokens, translator)[0].result()
                times.append(clock() - started)
            return min(times)

        if best_time(lone) >= 0.9 * best_time(self.translator):
            self.lone_translator = None
        return self.lone_translator is not None

    def submit(self, batch_tokens: list[list[str]], translator=None):
        """Queue one batch (on ``translator``, by default the replicas); its decoding limit
        follows its longest input."""
        longest = max(len(t) for t in batch_tokens)
        limit = self.max_decoding_length
        if self.max_length_ratio > 0:
            limit = min(limit, math.ceil(self.max_length_ratio * longest) + 10)
        prefix = [[self.target_prefix]] * len(batch_tokens) if self.target_prefix else None
        try:
            return (translator or self.translator).translate_batch(
                batch_tokens,
                target_prefix=prefix,
                beam_size=self.beam_size,
                length_penalty=self.length_penalty,
                replace_unknowns=True,
                max_decoding_length=limit,
                asynchronous=True,
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"ctranslate2 failed on {self.package.name}: {exc}") from None

    def detokenize(self, tokens: list[str]) -> str:
        """Output tokens -> text, as ``apply_packaged_translation`` does: the tokenizer's
        decoding, the target prefix removed from the front, then one leading space.

        One difference, on purpose: the prefix token is dropped before decoding too.
        argostranslate removes it from the decoded text only, which fails for a prefix
        holding "_" (its SentencePiece decoding has made them spaces: "__en__ Hello"
        comes out as " en   Hello"); for any other prefix the result is the same.
        """
        if self.target_prefix and tokens[:1] == [self.target_prefix]:
            tokens = tokens[1:]
        text = self.tokenizer.decode(tokens)
        if self.target_prefix and text.startswith(self.target_prefix):
            text = text[len(self.target_prefix):]
        return text[1:] if text[:1] == " " else text

    def info(self) -> EngineInfo:
        """What produced the output: engine, model and every option that changes it."""
        import ctranslate2

        settings = {
            "beam_size": str(self.beam_size),
            "length_penalty": str(self.length_penalty),
            "max_length_ratio": str(self.max_length_ratio),
            "max_decoding_length": str(self.max_decoding_length),
            "compute_type": self.translator.compute_type,
            "device": self.translator.device,
        }
        if type(self.tokenizer).__name__ == "BPETokenizer":
            settings["tokenizer"] = "bpe"
        if self.target_prefix:
            settings["target_prefix"] = self.target_prefix
        return EngineInfo(
            name="argos",
            version=ctranslate2.__version__,
            model=self.package.name,
            model_version=self.package.package_version,
            settings=settings,
        )


def length_batches(order: list[int], tokens: list[list[str]], max_tokens: int) -> list[list[int]]:
    """Cut length-sorted indices into batches whose padded size stays within ``max_tokens``.

    A sentence longer than ``max_tokens`` gets a batch of its own.
    """
    batches: list[list[int]] = []
    current: list[int] = []
    for k in order:
        width = max(len(tokens[k]), 1)  # sorted: the newest sentence is the longest
        if current and (len(current) + 1) * width > max_tokens:
            batches.append(current)
            current = []
        current.append(k)
    if current:
        batches.append(current)
    return batches


def spread(batches: list[list[int]], replicas: int) -> list[list[int]]:
    """Give each of ``replicas`` model replicas (ctranslate2's ``inter_threads``) work.

    Fewer batches than replicas would leave replicas idle: the length-sorted
    indices are then dealt out in turn into ``replicas`` batches of similar
    lengths, which the replicas decode at the same time. On a CPU, two
    one-thread replicas decode a batch of 16 sentences about 1.3x faster than
    one two-thread replica (scripts/bench_serve.md), with the same output.
    """
    if replicas <= 1 or len(batches) >= replicas:
        return batches
    order = [k for batch in batches for k in batch]
    dealt = [order[i::replicas] for i in range(replicas)]
    return [batch for batch in dealt if batch]


def load_translator(model_dir: Path, device: str, compute_type: str, inter_threads: int, intra_threads: int):
    import ctranslate2

    try:
        return ctranslate2.Translator(
            str(model_dir), device=device, compute_type=compute_type,
            inter_threads=inter_threads, intra_threads=intra_threads,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineError(f"cannot load the CTranslate2 model in {model_dir} on {device}: {first_line}") from None


# --- argostranslate's own path (speed baseline) ---------------------------------------------

#: which implementation argos_reference_translate used last: "argostranslate.translate" or
#: "reproduction" (argostranslate.translate could not be imported: stanza/minisbd missing)
argos_reference_kind = ""


def argos_reference_translate(package, sentences: Sequence[str]) -> list[str]:
    """Translate each sentence the way argostranslate's users do: ``translate(s)`` one at a time.

    Uses ``argostranslate.translate`` when it imports and its sentence splitter
    loads (minisbd downloads its model on first use: offline it cannot). Otherwise
    this reproduces its per-sentence path faithfully
    (``PackageTranslation.hypotheses`` -> ``apply_packaged_translation``):
    argos's own Package and SentencePieceTokenizer, one Translator built from
    argos's settings, one ``translate_batch`` call per sentence with argos's
    options and decoding. The reproduction skips argos's sentence splitter,
    so it is, if anything, faster than the real thing.
    """
    global argos_reference_kind
    translate, argos_reference_kind = argos_per_sentence_translator(package)
    return [translate(s) for s in sentences]


def argos_translation(package):
    """argostranslate's fr->en ITranslation for the package's folder (raises ImportError without stanza)."""
    os.environ["ARGOS_PACKAGES_DIR"] = str(package.path.parent)  # read by argostranslate.settings at import
    from argostranslate import translate  # noqa: F401  (imports stanza / minisbd)

    languages = {lang.code: lang for lang in translate.get_installed_languages()}
    if "fr" not in languages or "en" not in languages:
        raise ModelError(f"argostranslate does not see a fr->en package in {package.path.parent}")
    return languages["fr"].get_translation(languages["en"])


def reproduce_argos_translate(package, sentences: Sequence[str]) -> list[str]:
    """argostranslate 1.11's translate(), one sentence at a time, without its sentence splitter."""
    reproduction = ArgosReproduction(package)
    return [reproduction.translate(sentence) for sentence in sentences]


def argos_per_sentence_translator(package) -> tuple[Callable[[str], str], str]:
    """``(translate, kind)``: argostranslate's own ``translate(text)`` for the package when
    ``argostranslate.translate`` imports and runs, else :class:`ArgosReproduction`'s; the
    model is loaded once. ``kind`` says which ("argostranslate.translate" or "reproduction")."""
    from align.models import ModelPackage, find_model

    package = package if isinstance(package, ModelPackage) else find_model(package)
    try:
        translate = argos_translation(package).translate
        translate("Bonjour.")  # loads argos's sentence splitter, whose model minisbd downloads
    except Exception:  # noqa: BLE001 - stanza/minisbd not installed (ImportError), or offline the
        # splitter's model download fails (URLError, stanza's errors)
        return ArgosReproduction(package).translate, "reproduction"
    return translate, "argostranslate.translate"


class ArgosReproduction:
    """argostranslate 1.11's per-sentence path (``PackageTranslation.hypotheses`` ->
    ``apply_packaged_translation``) with its own Package, tokenizer, settings and
    decoding options; the CTranslate2 model is loaded once."""

    def __init__(self, package) -> None:
        import ctranslate2
        from argostranslate import settings
        from argostranslate.package import Package

        self.package = Package(package.path)
        self.settings = settings
        self.translator = ctranslate2.Translator(
            str(self.package.package_path / "model"),
            device=settings.device,
            inter_threads=settings.inter_threads,
            intra_threads=settings.intra_threads,
            compute_type=settings.compute_type,
        )

    def translate(self, sentence: str) -> str:
        pkg, settings = self.package, self.settings
        tokenized = [pkg.tokenizer.encode(sentence)]
        target_prefix = [[pkg.target_prefix]] if pkg.target_prefix != "" else None
        results = self.translator.translate_batch(
            tokenized,
            target_prefix=target_prefix,
            replace_unknowns=True,
            max_batch_size=settings.batch_size,
            batch_type="tokens",
            beam_size=max(1, settings.beam_size),
            num_hypotheses=1,
            length_penalty=0.2,
            return_scores=True,
        )
        value = pkg.tokenizer.decode(results[0].hypotheses[0])
        if pkg.target_prefix != "" and value.startswith(pkg.target_prefix):
            value = value[len(pkg.target_prefix):]
        if value[:1] == " ":
            value = value[1:]
        return value
