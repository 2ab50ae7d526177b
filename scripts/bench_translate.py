#!/usr/bin/env python3
"""Translation speed: argostranslate's per-sentence path vs align vs raw CTranslate2.

Translates the same French sentences (the first ``--n`` lines of newstest2013,
or all 3000 with ``--full``) three ways, in one run, with the same model and
the same decoding options:

  a  argostranslate's translate(), one sentence per call, as its users call it
     (align.engines.argos.argos_reference_translate: the real
     argostranslate.translate when stanza imports, else a faithful reproduction
     of its per-sentence path; the row's label says which);
  b  align: ArgosEngine.translate_batch on all sentences (b), and the pipeline
     align.translate.translate_sentences with a fresh translation memory (b+tm);
  c  raw ctranslate2 translate_batch on all sentences with the best batch
     settings found by --explore (the practical ceiling).

For each compute type (float32, int8) and beam size (1, argos's 4) it prints
sentences/s and source tokens/s (medians of --repeats runs, interleaved so
that load changes hit every path alike), the ratios b/a and b/c (of the
medians, and of each path's fastest run, the least disturbed on a shared
machine), the core
count and load average, and whether the outputs of a, b and c are identical.
int8 changes the output, so int8 rows are compared with int8 rows only.

With --as-shipped it also times the case argos users have: real argos packages
are stored quantised (int8) and argostranslate's compute_type is "auto". It
builds (and keeps) an int8-stored transformer-base package and times a
(argostranslate.settings.compute_type left at "auto") against b (ArgosEngine on
its defaults: compute_type "default", i.e. the stored int8, and its own length
limit), with the ratio b/a printed next to the float32 like-for-like one. Their
outputs may differ (int8 kernels depend on the batch): the run counts how many.

Without --package it builds a transformer-base package (6+6 layers, d_model
512, 8 heads, ffn 2048, 32000-row vocabulary) with align.synthetic_model,
SentencePiece trained on newstest2013's French and English side; the build is
kept in --work-dir for the next run.

    python3 scripts/bench_translate.py --n 100 --repeats 3
    python3 scripts/bench_translate.py --explore --n 100 --beams 4 --compute-types float32
    python3 scripts/bench_translate.py --full
    python3 scripts/bench_translate.py --n 30 --repeats 1 --beams 4 --compute-types float32 --as-shipped
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("ALIGN_SHARED", REPO.parent / "shared"))
MT = SHARED / "data" / "mt"
ARGOS_LENGTH_PENALTY = 0.2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", help="an installed package folder or a .argosmodel file (default: build one)")
    parser.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "align-bench"))
    parser.add_argument("--n", type=int, default=300, help="first N lines of newstest2013 (default 300)")
    parser.add_argument("--full", action="store_true", help="all 3000 lines")
    parser.add_argument("--beams", default="1,4", help="beam sizes, comma-separated (default 1,4)")
    parser.add_argument("--compute-types", default="float32,int8", help="float32 and/or int8 (default both)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per path; medians are reported")
    parser.add_argument("--a-repeats", type=int, default=1,
                        help="runs of the slow per-sentence path a (default 1)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--threads", type=int, default=0, help="intra_threads for b and c (0: all cores)")
    parser.add_argument("--c-max-batch-tokens", type=int, default=4096)
    parser.add_argument("--c-inter-threads", type=int, default=1,
                        help="translators working in parallel in path c (intra threads: cores / this)")
    parser.add_argument("--explore", action="store_true",
                        help="time raw ctranslate2 batch settings (sorting, batch size and type, threads)")
    parser.add_argument("--eos-bias", type=float, default=None, help="passed to build_argos_package")
    parser.add_argument("--vocab-size", type=int, default=32000)
    parser.add_argument("--as-shipped", action="store_true",
                        help="also time an int8-stored package with both sides on their default compute type")
    parser.add_argument("--json", help="also write the figures to this file")
    return parser.parse_args()


# --- the model ---------------------------------------------------------------------------


def get_package(args: argparse.Namespace, quantization: str | None = None):
    """An installed package (ModelPackage): the given one, or a built transformer-base one
    (stored as ``quantization``, e.g. "int8" as argos ships its packages; None: float32)."""
    from align.models import find_model, install_package

    work = Path(args.work_dir)
    packages = work / "packages"
    if args.package:
        path = Path(args.package)
        return install_package(path, packages) if path.is_file() else find_model(path)
    import hashlib

    import align.synthetic_model as synthetic

    builder = hashlib.sha256(Path(synthetic.__file__).read_bytes()).hexdigest()[:10]
    tag = f"base-v{args.vocab_size}-eos{args.eos_bias}-{builder}"  # a changed builder builds anew
    tag += f"-{quantization}" if quantization else ""
    built = work / tag
    archives = sorted(built.glob("*.argosmodel"))
    if not archives:
        from align.synthetic_model import TRANSFORMER_BASE, build_argos_package

        texts = [(MT / f"newstest2013.fr-en.{lang}").read_text(encoding="utf-8") for lang in ("fr", "en")]
        sizes = {**TRANSFORMER_BASE, "vocab_size": args.vocab_size}
        started = time.perf_counter()
        build_argos_package(built, texts=texts, eos_bias=args.eos_bias, quantization=quantization, **sizes)
        print(f"built a transformer-base package ({quantization or 'float32'}) in {time.perf_counter() - started:.0f} s", flush=True)
        archives = sorted(built.glob("*.argosmodel"))
    return install_package(archives[-1], packages / tag)


def describe_package(package) -> dict:
    import ctranslate2
    import sentencepiece as spm

    pieces = spm.SentencePieceProcessor(model_file=str(package.sentencepiece_model)).get_piece_size()
    vocabulary = sum(1 for _ in open(package.model_dir / "shared_vocabulary.json", encoding="utf-8")) \
        if (package.model_dir / "shared_vocabulary.json").exists() else None
    return {"name": package.name, "path": str(package.path), "sentencepiece_pieces": pieces,
            "ctranslate2": ctranslate2.__version__, "vocabulary_file_lines": vocabulary}


# --- the three paths ---------------------------------------------------------------------


def path_a(package, sentences, beam, compute_type, device):
    """argostranslate's translate(), one sentence at a time (settings as its users have them)."""
    from argostranslate import settings

    from align.engines import argos

    settings.beam_size, settings.compute_type, settings.device = beam, compute_type, device
    outputs = argos.argos_reference_translate(package, sentences)
    return outputs, argos.argos_reference_kind


def make_engine(package, beam, compute_type, device, threads, argos_limit=True):
    """align's engine; ``argos_limit``: decode up to 256 tokens whatever the input length, as
    argostranslate does (the engine's default limit, 2 x longest input + 10, changes the
    output of sentences whose translation runs away)."""
    from align.engines.argos import ArgosEngine

    options = {"max_length_ratio": 1e6} if argos_limit else {}
    return ArgosEngine(package, beam_size=beam, compute_type=compute_type, device=device,
                       intra_threads=threads, **options)


def path_b_pipeline(engine, sentences, memory_dir: Path):
    """align's pipeline: translate_sentences through a fresh (empty) translation memory."""
    from align.cache import TranslationMemory
    from align.translate import translate_sentences

    path = Path(tempfile.mkdtemp(dir=memory_dir)) / "tm.sqlite3"
    with TranslationMemory(path) as memory:
        return [r.text for r in translate_sentences(sentences, engine, memory=memory)], path


class RawTranslator:
    """Raw CTranslate2: one Translator, all sentences in one translate_batch call,
    argos's decoding options, SentencePiece in and out as argostranslate does."""

    def __init__(self, package, compute_type, device, inter_threads=1, intra_threads=0):
        import ctranslate2
        import sentencepiece as spm

        self.translator = ctranslate2.Translator(
            str(package.model_dir), device=device, compute_type=compute_type,
            inter_threads=inter_threads, intra_threads=intra_threads,
        )
        self.sp = spm.SentencePieceProcessor(model_file=str(package.sentencepiece_model))
        self.target_prefix = package.target_prefix

    def translate(self, sentences, beam, max_batch_size=4096, batch_type="tokens", sort=True):
        tokens = self.sp.encode(list(sentences), out_type=str)
        order = sorted(range(len(tokens)), key=lambda i: len(tokens[i])) if sort else list(range(len(tokens)))
        prefix = [[self.target_prefix]] * len(tokens) if self.target_prefix else None
        results = self.translator.translate_batch(
            [tokens[i] for i in order], target_prefix=prefix, beam_size=beam, num_hypotheses=1,
            length_penalty=ARGOS_LENGTH_PENALTY, replace_unknowns=True,
            max_batch_size=max_batch_size, batch_type=batch_type,
        )
        outputs = [""] * len(tokens)
        for i, result in zip(order, results):
            outputs[i] = self.decode(result.hypotheses[0])
        return outputs

    def decode(self, pieces):
        value = self.sp.decode_pieces(pieces).replace("\u2581", " ").replace("_", " ")
        if self.target_prefix and value.startswith(self.target_prefix):
            value = value[len(self.target_prefix):]
        return value[1:] if value[:1] == " " else value


# --- measuring ---------------------------------------------------------------------------


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def timed_paths(paths: dict) -> tuple[dict[str, list[float]], dict, dict]:
    """Time each path ``name: (runs, run)`` ``runs`` times, interleaved: repeat by repeat, every path
    that still has runs goes once, in order, and the repeat's seconds are printed. ``run()`` returns
    (outputs, extra). Returns the seconds of each path's runs, its first outputs and its last extra."""
    times: dict[str, list[float]] = {name: [] for name in paths}
    outputs, extras = {}, {}
    for repeat in range(max(runs for runs, _ in paths.values())):
        for name, (runs, run) in paths.items():
            if repeat < runs:
                seconds, (out, extras[name]) = timed(run)
                times[name].append(seconds)
                outputs.setdefault(name, out)
        print(f"  repeat {repeat + 1}: " + ", ".join(
            f"{k} {v[-1]:.1f}s" for k, v in times.items() if len(v) > repeat), flush=True)
    return times, outputs, extras


def per_second(count: int, medians: dict[str, float]) -> dict[str, float]:
    """``count`` (sentences or tokens) over each path's median seconds."""
    return {k: count / v for k, v in medians.items()}


def mismatches(reference, other):
    return [i for i, (x, y) in enumerate(zip(reference, other)) if x != y]


def source_tokens(package, sentences) -> int:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(package.sentencepiece_model))
    return sum(len(t) for t in sp.encode(list(sentences), out_type=str))


def run_setting(args, package, sentences, beam, compute_type, memory_dir):
    """All paths for one (compute type, beam): medians, ratios, identity checks."""
    n_tokens = source_tokens(package, sentences)
    engine = make_engine(package, beam, compute_type, args.device, args.threads)
    default_engine = make_engine(package, beam, compute_type, args.device, args.threads, argos_limit=False)
    cores = os.cpu_count() or 1
    c_intra = args.threads if args.c_inter_threads == 1 else max(1, cores // args.c_inter_threads)
    raw = RawTranslator(package, compute_type, args.device, args.c_inter_threads, c_intra)
    c_options = dict(max_batch_size=args.c_max_batch_tokens, batch_type="tokens")
    times, outputs, extras = timed_paths({
        "a": (args.a_repeats, lambda: path_a(package, sentences, beam, compute_type, args.device)),
        "b": (args.repeats, lambda: (engine.translate_batch(sentences), None)),
        "b+tm": (args.repeats, lambda: path_b_pipeline(engine, sentences, memory_dir)),
        "c": (args.repeats, lambda: (raw.translate(sentences, beam, **c_options), None)),
        "b-limit": (args.repeats, lambda: (default_engine.translate_batch(sentences), None)),
    })
    rerun_seconds, _ = timed(rerun_from_memory, engine, sentences, extras["b+tm"])  # the last run's memory
    medians = {k: statistics.median(v) for k, v in times.items()}
    output_tokens = source_tokens(package, outputs["c"])
    return {
        "compute_type": engine.translator.compute_type, "beam": beam, "sentences": len(sentences),
        "source_tokens": n_tokens, "output_to_input_tokens": round(output_tokens / n_tokens, 2),
        "a_kind": extras.get("a", ""), "seconds": times, "median_seconds": medians,
        "sentences_per_s": per_second(len(sentences), medians),
        "tokens_per_s": per_second(n_tokens, medians),
        "b_over_a": medians["a"] / medians["b"], "b_over_c": medians["c"] / medians["b"],
        "btm_over_a": medians["a"] / medians["b+tm"], "btm_over_c": medians["c"] / medians["b+tm"],
        "rerun_from_memory_s": rerun_seconds,
        "mismatch": {
            "a_vs_c": mismatches(outputs["a"], outputs["c"]),
            "a_vs_b": mismatches(outputs["a"], outputs["b"]),
            "b_vs_c": mismatches(outputs["b"], outputs["c"]),
            "b_vs_b+tm": mismatches(outputs["b"], outputs["b+tm"]),
            "a_vs_b-limit": mismatches(outputs["a"], outputs["b-limit"]),
        },
        "b_limit_over_a": medians["a"] / medians["b-limit"],
        # fastest run of each path: on a shared machine the least disturbed one
        "best_seconds": (best := {k: min(v) for k, v in times.items()}),
        "b_over_a_best": best["a"] / best["b"], "b_over_c_best": best["c"] / best["b"],
        "b_limit_engine_key": default_engine.info().cache_key(),
        "examples": example_mismatches(sentences, outputs),
        "engine_key": engine.info().cache_key(),
    }


def run_as_shipped(args, package, sentences, beam):
    """a and b as argos packages and argostranslate are shipped: a with argostranslate's default
    compute type ("auto"), b with the engine's defaults (the stored type, its own length limit)."""
    import ctranslate2

    from align.ct2_header import stored_compute_type
    from align.engines.argos import ArgosEngine

    engine = ArgosEngine(package, beam_size=beam, device=args.device, intra_threads=args.threads)
    auto = ctranslate2.Translator(str(package.model_dir), device=args.device, compute_type="auto").compute_type
    times, outputs, extras = timed_paths({
        "a": (args.a_repeats, lambda: path_a(package, sentences, beam, "auto", args.device)),
        "b": (args.repeats, lambda: (engine.translate_batch(sentences), None)),
    })
    medians = {k: statistics.median(v) for k, v in times.items()}
    return {
        "stored": stored_compute_type(package.model_dir), "a_compute_type": auto,
        "b_compute_type": engine.translator.compute_type, "beam": beam, "sentences": len(sentences),
        "a_kind": extras.get("a", ""), "seconds": times, "median_seconds": medians,
        "sentences_per_s": per_second(len(sentences), medians),
        "b_over_a": medians["a"] / medians["b"],
        "mismatch_a_vs_b": mismatches(outputs["a"], outputs["b"]),
    }


def print_as_shipped(row: dict, like_for_like: dict | None) -> None:
    sps, bad = row["sentences_per_s"], row["mismatch_a_vs_b"]
    print(f"\nas shipped, beam {row['beam']}: package stored {row['stored']}; a runs {row['a_compute_type']} "
          f"(argostranslate's compute_type \"auto\"), b runs {row['b_compute_type']} (engine default)")
    labels = {"a": f"a  argos per sentence ({row['a_kind']})", "b": "b  align ArgosEngine, defaults"}
    for key, label in labels.items():
        runs = ", ".join(f"{s:.1f}" for s in row["seconds"][key])
        print(f"  {label:52s} {sps[key]:8.2f} sent/s  runs (s) {runs}")
    print(f"  b/a as shipped {row['b_over_a']:.2f}" + (
        f"   (float32 like-for-like, same run: b/a {like_for_like['b_over_a']:.2f})" if like_for_like else ""))
    print("  outputs a vs b: " + ("IDENTICAL" if not bad else f"{len(bad)} of {row['sentences']} differ (lines "
          f"{', '.join(str(i + 1) for i in bad[:8])}{'...' if len(bad) > 8 else ''})"))


def rerun_from_memory(engine, sentences, tm_path):
    """The unchanged article again: every sentence from the memory, no engine call."""
    from align.cache import TranslationMemory
    from align.translate import translate_sentences

    with TranslationMemory(tm_path) as memory:
        return translate_sentences(sentences, engine, memory=memory)


def example_mismatches(sentences, outputs, limit=2):
    examples = []
    for i in mismatches(outputs["a"], outputs["b"])[:limit]:
        examples.append({"line": i + 1, "source_chars": len(sentences[i]),
                         "a": outputs["a"][i][:160], "b": outputs["b"][i][:160], "c": outputs["c"][i][:160]})
    return examples


def explore(args, package, sentences) -> list[dict]:
    """Raw CTranslate2 batch settings, each timed --repeats times (median)."""
    beam = int(args.beams.split(",")[-1])
    compute_type = args.compute_types.split(",")[0]
    cores = os.cpu_count() or 1
    n_tokens = source_tokens(package, sentences)
    grid = [
        # (label, inter_threads, intra_threads, max_batch_size, batch_type, sort)
        ("per-sentence calls, 1x all cores", 1, 0, 1, "examples", False),
        ("32 examples, unsorted", 1, 0, 32, "examples", False),
        ("32 examples, sorted", 1, 0, 32, "examples", True),
        ("64 examples, sorted", 1, 0, 64, "examples", True),
        ("1024 tokens, sorted", 1, 0, 1024, "tokens", True),
        ("2048 tokens, sorted", 1, 0, 2048, "tokens", True),
        ("4096 tokens, sorted", 1, 0, 4096, "tokens", True),
        ("8192 tokens, sorted", 1, 0, 8192, "tokens", True),
        (f"2048 tokens, sorted, inter {cores} x intra 1", cores, 1, 2048, "tokens", True),
        ("4096 tokens, sorted, intra 1 (one core)", 1, 1, 4096, "tokens", True),
    ]
    rows = []
    reference = None
    translators = {}
    for label, inter, intra, size, kind, sort in grid:
        key = (inter, intra)
        if key not in translators:
            translators[key] = RawTranslator(package, compute_type, args.device, inter, intra)
        raw = translators[key]
        seconds = []
        for _ in range(args.repeats):
            if size == 1:  # one translate_batch call per sentence
                took, out = timed(lambda: [raw.translate([s], beam, 1, "examples", False)[0] for s in sentences])
            else:
                took, out = timed(raw.translate, sentences, beam, size, kind, sort)
            seconds.append(took)
        reference = reference or out
        median = statistics.median(seconds)
        row = {"setting": label, "median_s": median, "runs_s": seconds, "sentences_per_s": len(sentences) / median,
               "tokens_per_s": n_tokens / median, "differs_from_first": len(mismatches(reference, out))}
        rows.append(row)
        print(f"  {label:44s} {row['sentences_per_s']:7.2f} sent/s {row['tokens_per_s']:8.0f} tok/s "
              f"(runs {', '.join(f'{s:.1f}' for s in seconds)} s) outputs differing from the first row: "
              f"{row['differs_from_first']}", flush=True)
    return rows


# --- report ------------------------------------------------------------------------------


def print_setting(row: dict) -> None:
    sps, tps = row["sentences_per_s"], row["tokens_per_s"]
    label = {"a": f"a  argos per sentence ({row['a_kind']})", "b": "b  align ArgosEngine.translate_batch",
             "b+tm": "b+tm align pipeline, fresh memory", "c": "c  raw ctranslate2, best batching",
             "b-limit": "b-limit engine default limit (2x input + 10)"}
    print(f"\n{row['compute_type']}, beam {row['beam']}: {row['sentences']} sentences, {row['source_tokens']} "
          f"source tokens, output/input length {row['output_to_input_tokens']}")
    print(f"  {'path':52s} {'sent/s':>8s} {'tok/s':>8s}  runs (s)")
    for key in ("a", "b", "b+tm", "c", "b-limit"):
        runs = ", ".join(f"{s:.1f}" for s in row["seconds"][key])
        print(f"  {label[key]:52s} {sps[key]:8.2f} {tps[key]:8.0f}  {runs}")
    print(f"  b/a {row['b_over_a']:.2f}  b/c {row['b_over_c']:.2f}  (b+tm)/a {row['btm_over_a']:.2f}  "
          f"(b+tm)/c {row['btm_over_c']:.2f}  b-limit/a {row['b_limit_over_a']:.2f}  rerun from memory {row['rerun_from_memory_s']:.2f} s")
    print(f"  fastest runs: b/a {row['b_over_a_best']:.2f}  b/c {row['b_over_c_best']:.2f}  "
          "(the least disturbed runs on a shared machine)")
    for pair, bad in row["mismatch"].items():
        verdict = "IDENTICAL" if not bad else f"{len(bad)} of {row['sentences']} differ (lines {', '.join(str(i + 1) for i in bad[:8])}{'...' if len(bad) > 8 else ''})"
        print(f"  outputs {pair:10s} {verdict}")
    for example in row["examples"]:
        print(f"    line {example['line']}: a={example['a']!r}\n{'':14s}b={example['b']!r}\n{'':14s}c={example['c']!r}")


def main() -> int:
    args = parse_args()
    lines = (MT / "newstest2013.fr-en.fr").read_text(encoding="utf-8").splitlines()
    sentences = [line.strip() for line in lines if line.strip()][: None if args.full else args.n]
    cores = os.cpu_count() or 1
    package = get_package(args)
    model = describe_package(package)
    print(f"model {model['name']} ({model['sentencepiece_pieces']} SentencePiece pieces), ctranslate2 "
          f"{model['ctranslate2']}, device {args.device}, {cores} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    report = {"model": model, "cores": cores, "load_before": os.getloadavg(), "sentences": len(sentences)}
    if args.explore:
        print("\nraw ctranslate2 batch settings:", flush=True)
        report["explore"] = explore(args, package, sentences)
    else:
        report["settings"] = []
        with tempfile.TemporaryDirectory(prefix="align-bench-tm-") as memory_dir:
            for compute_type in args.compute_types.split(","):
                for beam in map(int, args.beams.split(",")):
                    print(f"\n{compute_type}, beam {beam} ...", flush=True)
                    row = run_setting(args, package, sentences, beam, compute_type, Path(memory_dir))
                    report["settings"].append(row)
                    print_setting(row)
                    if args.json:  # after each setting, so that a stopped run keeps what it measured
                        Path(args.json).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    if args.as_shipped and not args.explore:
        shipped = package if args.package else get_package(args, quantization="int8")
        report["as_shipped"] = []
        for beam in map(int, args.beams.split(",")):
            print(f"\nas shipped (int8 stored, default compute types), beam {beam} ...", flush=True)
            row = run_as_shipped(args, shipped, sentences, beam)
            report["as_shipped"].append(row)
            like = [r for r in report["settings"] if r["beam"] == beam and r["compute_type"] == "float32"]
            print_as_shipped(row, like[0] if like else None)
    report["load_after"] = os.getloadavg()
    print(f"\nload average after: {' '.join(f'{x:.1f}' for x in report['load_after'])} on {cores} cores")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
