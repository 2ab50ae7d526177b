"""Build a synthetic fr->en argos package: real format, random weights.

No real argos weights can be downloaded here, so tests and benchmarks use a
package that has everything a real one has except trained weights:

* ``model/``: a CTranslate2 Transformer (pre-norm, ReLU, sinusoidal positions,
  the OpenNMT-py architecture argos packages are trained with) written through
  ctranslate2's own spec classes, filled with numpy random arrays (no torch);
* ``sentencepiece.model``: a SentencePiece model trained on the given texts;
  its pieces are the model's shared vocabulary, as in argos packages; or, with
  ``tokenizer="bpe"``, ``bpe.model``: subword-nmt BPE codes learnt on the texts
  after Moses tokenisation (sacremoses), the layout of packages converted from
  OPUS-MT, its units (with "@@" continuation marks) being the vocabulary;
* ``metadata.json``: the fields argostranslate reads (see
  ``argostranslate.package.IPackage``);

zipped with one top folder as an ``.argosmodel``.

The output is gibberish. Random weights alone fall into a loop of one token
and either stop at once or decode until ``max_decoding_length``, which makes
speed measurements meaningless. So a few weights are set by hand to make the
output about as long as the input (see :func:`add_length_control`): a
"clock" dimension in the position encodings counts source positions in the
encoder and target steps in the decoder, the first cross-attention subtracts
the (averaged) source clock from the target clock, and the end-of-sentence
row of the output projection reads that difference. The end-of-sentence
logit therefore rises once the output has caught up with the input. The tiny defaults build in about a
second (tests); ``TRANSFORMER_BASE`` gives the size of argos's real fr_en
model (benchmarks).
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Iterable

#: Hyper-parameters of a transformer-base model (argos's fr_en model size).
TRANSFORMER_BASE = dict(vocab_size=32000, layers=6, d_model=512, heads=8, ffn=2048)

#: Tokens the SentencePiece model reserves (ids 0, 1, 2), also CTranslate2's
#: default unk/bos/eos tokens.
SPECIAL_PIECES = ("<unk>", "<s>", "</s>")

PACKAGE_FOLDER = "translate-fr_en-synthetic"


def build_argos_package(
    out_dir: str | Path,
    *,
    texts: Iterable[str],
    vocab_size: int = 1000,
    layers: int = 2,
    d_model: int = 64,
    heads: int = 4,
    ffn: int = 128,
    eos_bias: float | None = 0.0,
    length_gain: float = 24.0,
    weight_scale: float = 0.05,
    quantization: str | None = None,
    package_version: str = "1.0",
    seed: int = 0,
    tokenizer: str = "sentencepiece",
    target_prefix: str = "",
    name: str = PACKAGE_FOLDER,
) -> Path:
    """Write ``out_dir/<name>-<version>.argosmodel`` (name: translate-fr_en-synthetic)
    and return its path; its single top folder is ``name``.

    ``texts`` are French texts (whole articles or sentences) to train the
    SentencePiece model on. If they are too small for ``vocab_size`` pieces,
    the model's vocabulary is padded with unused tokens (never generated) so
    the network still has ``vocab_size`` rows: speed depends on that size.
    ``length_gain`` sets the output/input length ratio (higher: longer;
    24 gives about 1x, see :func:`add_length_control`); ``eos_bias`` is
    an extra constant on the end-of-sentence logit (higher: shorter; None: 0).
    ``quantization`` (e.g. "int8", as argos's real packages) is applied by
    ctranslate2 when saving. ``tokenizer``: "sentencepiece" or "bpe" (needs the
    extra align[bpe]). ``target_prefix``: a token the metadata asks the decoder to
    start with (argos's multilingual packages), added to the vocabulary.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"{name}-{package_version.replace('.', '_')}.argosmodel"
    with tempfile.TemporaryDirectory(prefix="align-synthetic-") as tmp:
        root = Path(tmp) / name
        (root / "model").mkdir(parents=True)
        if tokenizer == "sentencepiece":
            symbols = (target_prefix,) if target_prefix else ()
            pieces = train_sentencepiece(texts, vocab_size, root / "sentencepiece.model", symbols)
        elif tokenizer == "bpe":
            pieces = learn_bpe_codes(texts, vocab_size, root / "bpe.model")
        else:
            raise ValueError(f"tokenizer must be 'sentencepiece' or 'bpe', not {tokenizer!r}")
        if target_prefix and target_prefix not in pieces:
            pieces.append(target_prefix)
        vocabulary = pad_vocabulary(pieces, vocab_size)
        eos_bias = eos_bias or 0.0
        spec = transformer_spec(
            vocabulary, len(pieces), layers=layers, d_model=d_model, heads=heads, ffn=ffn,
            eos_bias=eos_bias, weight_scale=weight_scale, seed=seed,
        )
        add_length_control(spec, d_model, length_gain)
        spec.validate()
        spec.optimize(quantization=quantization)
        spec.save(str(root / "model"))
        write_metadata(root, package_version, len(pieces), layers, d_model, eos_bias, target_prefix)
        zip_folder(root, archive)
    return archive


#: position-clock rates of add_length_control (per token), measured on newstest2013
DECODER_CLOCK = 0.3
ENCODER_CLOCK = 0.02
EOS_CLOCK_WEIGHT = 1.0
MAX_POSITIONS = 1024  # ctranslate2 truncates inputs at max_input_length=1024 by default


def add_length_control(spec, d_model: int, length_gain: float) -> None:
    """Make the end-of-sentence logit grow as (target step - k * source length).

    The last model dimension becomes a clock: the position encodings add
    ``rate * position`` to it (encoder and decoder), token embeddings leave it
    empty. In the first decoder layer, one value channel of the
    cross-attention copies the encoder's clock and its output projection
    subtracts it (times ``length_gain``) from the decoder's clock; every other
    channel leaves that dimension alone. The end-of-sentence row of the output
    projection reads only the clock. Measured with beam 1 on newstest2013
    (2 layers, d_model 64, seeds' SentencePiece): output-length percentiles
    10/50/90 of 32/54/82 tokens for inputs of 31/53/80; with transformer-base
    vocabulary (32k) and SentencePiece trained on newstest: 27/39/49 for 16/28/41;
    full transformer-base (int8), 20 sentences: 1.13x the input tokens, correlation 1.00.
    The other sublayers are kept from writing into the clock dimension, and the
    sinusoidal rows are centred (layer norm would shift the clock otherwise).
    """
    clock = d_model - 1
    eos = SPECIAL_PIECES.index("</s>")
    for side, rate in ((spec.encoder, ENCODER_CLOCK), (spec.decoder, DECODER_CLOCK)):
        encodings = sinusoidal_encodings(MAX_POSITIONS, d_model)
        # zero-mean rows: layer norm subtracts the mean over dimensions, which would
        # otherwise shift the clock (by ~0.4, i.e. 20 source positions)
        encodings[:, :clock] -= encodings[:, :clock].mean(axis=1, keepdims=True)
        encodings[:, clock] = rate * np_arange(MAX_POSITIONS)
        side.position_encodings.encodings = encodings
    spec.encoder.embeddings[0].weight[:, clock] = 0
    spec.decoder.embeddings.weight[:, clock] = 0
    for layer in list(spec.encoder.layer) + list(spec.decoder.layer):  # only the clock writes the clock
        layer.self_attention.linear[1].weight[clock, :] = 0
        layer.ffn.linear_1.weight[clock, :] = 0
        if hasattr(layer, "attention"):
            layer.attention.linear[2].weight[clock, :] = 0
    cross = spec.decoder.layer[0].attention
    key_value = cross.linear[1].weight  # rows: d_model keys, then d_model values
    key_value[d_model + clock, :] = 0
    key_value[d_model + clock, clock] = length_gain
    output = cross.linear[2].weight
    output[:, clock] = 0
    output[clock, :] = 0
    output[clock, clock] = -1.0
    projection = spec.decoder.projection.weight
    projection[eos, :] = 0
    projection[eos, clock] = EOS_CLOCK_WEIGHT


def np_arange(n: int):
    import numpy as np

    return np.arange(n, dtype=np.float32)


def sinusoidal_encodings(positions: int, d_model: int):
    """The usual sin/cos position table (sin on the first half, cos on the second)."""
    import numpy as np

    position = np.arange(positions, dtype=np.float32)[:, None]
    frequency = np.power(10000.0, -2.0 * np.arange(d_model // 2, dtype=np.float32) / d_model)[None, :]
    table = np.concatenate([np.sin(position * frequency), np.cos(position * frequency)], axis=1)
    if table.shape[1] < d_model:
        table = np.pad(table, ((0, 0), (0, d_model - table.shape[1])))
    return table.astype(np.float32)


def train_sentencepiece(texts: Iterable[str], vocab_size: int, model_path: Path,
                        user_symbols: tuple[str, ...] = ()) -> list[str]:
    """Train a unigram SentencePiece model on the lines of ``texts``; return its pieces.
    ``user_symbols`` become pieces of their own (a target prefix such as "__en__")."""
    import sentencepiece as spm

    lines = [line.strip() for text in texts for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError("build_argos_package needs some French text to train SentencePiece on")
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,  # small corpora give fewer pieces; we pad
        model_type="unigram",
        character_coverage=1.0,
        num_threads=1,  # deterministic
        minloglevel=2,
        user_defined_symbols=list(user_symbols),
    )
    model_path.write_bytes(model.getvalue())
    processor = spm.SentencePieceProcessor(model_file=str(model_path))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    assert tuple(pieces[:3]) == SPECIAL_PIECES, pieces[:3]
    return pieces


def learn_bpe_codes(texts: Iterable[str], vocab_size: int, codes_path: Path) -> list[str]:
    """Learn subword-nmt BPE codes on the Moses-tokenised lines of ``texts`` (as argostranslate's
    BPETokenizer tokenises); return the vocabulary: the special tokens, then every BPE unit of
    the texts and every character (alone and with the "@@" continuation mark)."""
    from sacremoses.normalize import MosesPunctNormalizer
    from sacremoses.tokenize import MosesTokenizer
    from subword_nmt.apply_bpe import BPE
    from subword_nmt.learn_bpe import learn_bpe

    normalizer, moses = MosesPunctNormalizer("fr"), MosesTokenizer("fr")
    lines = [" ".join(moses.tokenize(normalizer.normalize(line.strip())))
             for text in texts for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError("build_argos_package needs some French text to learn BPE codes on")
    codes = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()):  # its progress bar
        learn_bpe(io.StringIO("\n".join(lines) + "\n"), codes, max(1, vocab_size // 2), min_frequency=2)
    codes_path.write_text(codes.getvalue(), encoding="utf-8")
    with open(codes_path, encoding="utf-8") as handle:
        bpe = BPE(handle)
    units = {unit for line in lines for unit in bpe.segment_tokens(line.split(" "))}
    characters = {char for line in lines for char in line if not char.isspace()}
    units |= characters | {f"{char}@@" for char in characters}
    return list(SPECIAL_PIECES) + sorted(units - set(SPECIAL_PIECES))


def pad_vocabulary(pieces: list[str], vocab_size: int) -> list[str]:
    """The SentencePiece pieces, then unused filler tokens up to ``vocab_size``."""
    return pieces + [f"<unused_{i}>" for i in range(max(0, vocab_size - len(pieces)))]


def transformer_spec(
    vocabulary: list[str],
    real_pieces: int,
    *,
    layers: int,
    d_model: int,
    heads: int,
    ffn: int,
    eos_bias: float,
    weight_scale: float,
    seed: int,
):
    """A ctranslate2 TransformerSpec with every weight set to random numpy arrays."""
    import numpy as np
    from ctranslate2.specs import TransformerSpec

    if d_model % heads:
        raise ValueError(f"d_model {d_model} is not divisible by heads {heads}")
    rng = np.random.default_rng(seed)

    def normal(rows: int, fan_in: int) -> np.ndarray:
        # std weight_scale at fan_in 64, shrinking as 1/sqrt(fan_in): activations and logits
        # keep the same spread at every size, so the length control needs no re-tuning
        std = weight_scale * (64 / fan_in) ** 0.5
        return (rng.standard_normal((rows, fan_in), dtype=np.float32) * std).astype(np.float32)

    spec = TransformerSpec.from_config((layers, layers), heads)  # pre-norm, ReLU, sinusoidal
    size = len(vocabulary)
    spec.encoder.embeddings[0].weight = normal(size, d_model)
    spec.decoder.embeddings.weight = normal(size, d_model)
    set_layer_norm(spec.encoder.layer_norm, d_model)
    set_layer_norm(spec.decoder.layer_norm, d_model)
    for layer in spec.encoder.layer:
        set_self_attention(layer.self_attention, d_model, normal)
        set_ffn(layer.ffn, d_model, ffn, normal)
    for layer in spec.decoder.layer:
        set_self_attention(layer.self_attention, d_model, normal)
        set_cross_attention(layer.attention, d_model, normal)
        set_ffn(layer.ffn, d_model, ffn, normal)
    spec.decoder.projection.weight = normal(size, d_model)
    bias = np.zeros(size, dtype=np.float32)
    bias[SPECIAL_PIECES.index("</s>")] = eos_bias  # add_length_control sets its weights
    bias[SPECIAL_PIECES.index("<s>")] = -1e4  # never generate bos or unk or fillers
    bias[SPECIAL_PIECES.index("<unk>")] = -1e4
    bias[real_pieces:] = -1e4
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def set_layer_norm(norm, d_model: int) -> None:
    import numpy as np

    norm.gamma = np.ones(d_model, dtype=np.float32)
    norm.beta = np.zeros(d_model, dtype=np.float32)


def set_linear(linear, rows: int, columns: int, normal) -> None:
    import numpy as np

    linear.weight = normal(rows, columns)
    linear.bias = np.zeros(rows, dtype=np.float32)


def set_self_attention(attention, d_model: int, normal) -> None:
    set_layer_norm(attention.layer_norm, d_model)
    set_linear(attention.linear[0], 3 * d_model, d_model, normal)  # fused q, k, v
    set_linear(attention.linear[1], d_model, d_model, normal)  # output


def set_cross_attention(attention, d_model: int, normal) -> None:
    set_layer_norm(attention.layer_norm, d_model)
    set_linear(attention.linear[0], d_model, d_model, normal)  # query
    set_linear(attention.linear[1], 2 * d_model, d_model, normal)  # fused k, v of memory
    set_linear(attention.linear[2], d_model, d_model, normal)  # output


def set_ffn(ffn_spec, d_model: int, ffn: int, normal) -> None:
    set_layer_norm(ffn_spec.layer_norm, d_model)
    set_linear(ffn_spec.linear_0, ffn, d_model, normal)
    set_linear(ffn_spec.linear_1, d_model, ffn, normal)


def write_metadata(root: Path, version: str, pieces: int, layers: int, d_model: int, eos_bias: float,
                   target_prefix: str = "") -> None:
    """metadata.json with the fields argostranslate reads, and a README.md like real packages."""
    metadata = {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": "fr",
        "from_name": "French",
        "to_code": "en",
        "to_name": "English",
        "type": "translate",
        "links": [],
    }
    if target_prefix:
        metadata["target_prefix"] = target_prefix
    (root / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    (root / "README.md").write_text(
        "# Synthetic French -> English package (align)\n\n"
        f"Random-weight transformer ({layers}+{layers} layers, d_model {d_model}, "
        f"{pieces} vocabulary entries, length control, end-of-sentence bias {eos_bias}).\n"
        "For testing and benchmarking only: its translations are gibberish.\n",
        encoding="utf-8",
    )


def zip_folder(root: Path, archive: Path) -> None:
    """Zip ``root`` (keeping its name as the single top folder) atomically into ``archive``."""
    partial = archive.with_name(archive.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for path in sorted(root.rglob("*")):
            zf.write(path, path.relative_to(root.parent).as_posix())
    partial.replace(archive)


def main() -> None:  # pragma: no cover - convenience for benchmarks
    import argparse

    parser = argparse.ArgumentParser(description="Build a synthetic fr->en .argosmodel")
    parser.add_argument("out_dir")
    parser.add_argument("texts", nargs="+", help="French text files to train SentencePiece on")
    parser.add_argument("--base", action="store_true", help="transformer-base size (benchmarks)")
    parser.add_argument("--quantization", default=None)
    args = parser.parse_args()
    sizes = TRANSFORMER_BASE if args.base else {}
    texts = [Path(p).read_text(encoding="utf-8") for p in args.texts]
    print(build_argos_package(args.out_dir, texts=texts, quantization=args.quantization, **sizes))


if __name__ == "__main__":  # pragma: no cover
    main()
