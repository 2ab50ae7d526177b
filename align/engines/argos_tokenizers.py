"""The two tokenizers argos packages ship, run as argostranslate 1.11 runs them.

An argos package holds either ``sentencepiece.model`` (packages trained with
argos-train or Locomotive) or ``bpe.model`` (packages converted from OPUS-MT
Marian models by Locomotive's ``opus_mt_convert.py``: the OPUS-MT source BPE
codes, with Moses tokenisation around them). argostranslate prefers
``sentencepiece.model`` when both are there, and so does :func:`load_tokenizer`.

Encoding and decoding are argostranslate's (``argostranslate/tokenizer.py``):

* SentencePiece: ``encode(sentence, out_type=str)``; decoding is
  ``decode_pieces(pieces)`` with every "▁" and every "_" then made a space.
* BPE: sacremoses' ``MosesPunctNormalizer`` and ``MosesTokenizer`` for the
  source language (default options, so ``& < >`` are escaped as Moses does),
  then the BPE codes (subword-nmt's ``BPE``, the code argostranslate vendors as
  ``argostranslate.apply_bpe``); decoding joins the tokens, removes the "@@ "
  continuation marks and runs ``MosesDetokenizer`` for the target language.
  sacremoses and subword-nmt are the optional extra ``align[bpe]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, Sequence

from align.engines.base import EngineError

SENTENCEPIECE_FILE = "sentencepiece.model"
BPE_FILE = "bpe.model"
#: the optional extra that reads bpe.model packages: its install command (README's) and its modules
BPE_EXTRA_INSTALL = "pip install -e '.[bpe]'"
BPE_EXTRA_MODULES = ("sacremoses", "subword_nmt")
BPE_EXTRA_HINT = f"{BPE_EXTRA_INSTALL} (sacremoses and subword-nmt)"


class Tokenizer(Protocol):
    def encode_batch(self, sentences: Sequence[str]) -> list[list[str]]: ...

    def decode(self, tokens: list[str]) -> str: ...


class SentencePieceTokenizer:
    """``sentencepiece.model``: argostranslate's SentencePieceTokenizer, encoding in one batch call."""

    def __init__(self, path: Path) -> None:
        import sentencepiece as spm

        try:
            self.processor = spm.SentencePieceProcessor(model_file=str(path))
        except (RuntimeError, OSError) as exc:
            raise EngineError(f"cannot load {path}: {exc}") from None

    def encode_batch(self, sentences: Sequence[str]) -> list[list[str]]:
        return self.processor.encode(list(sentences), out_type=str)

    def decode(self, tokens: list[str]) -> str:
        return self.processor.decode_pieces(tokens).replace("▁", " ").replace("_", " ")


class BPETokenizer:
    """``bpe.model``: argostranslate's BPETokenizer (Moses normalisation and tokenisation, BPE codes)."""

    def __init__(self, path: Path, from_code: str, to_code: str) -> None:
        try:
            from sacremoses.normalize import MosesPunctNormalizer
            from sacremoses.tokenize import MosesDetokenizer, MosesTokenizer
            from subword_nmt.apply_bpe import BPE
        except ImportError as exc:
            raise EngineError(f"{path.parent.name} is a BPE package, which needs {exc.name}: "
                              f"{BPE_EXTRA_HINT}") from None
        self.normalizer = MosesPunctNormalizer(from_code)
        self.tokenizer = MosesTokenizer(from_code)
        self.detokenizer = MosesDetokenizer(to_code)
        self.bpe = read_bpe_codes(path, BPE)

    def encode(self, sentence: str) -> list[str]:
        normalized = self.normalizer.normalize(sentence)
        tokenized = " ".join(self.tokenizer.tokenize(normalized))
        return self.bpe.segment_tokens(tokenized.strip("\r\n ").split(" "))

    def encode_batch(self, sentences: Sequence[str]) -> list[list[str]]:
        return [self.encode(sentence) for sentence in sentences]

    def decode(self, tokens: list[str]) -> str:
        return self.detokenizer.detokenize(" ".join(tokens).replace("@@ ", "").split(" "))


def read_bpe_codes(path: Path, bpe_class=None):
    """subword-nmt's BPE on the codes file; EngineError (not subword-nmt's exit) when it is not one."""
    if bpe_class is None:
        from subword_nmt.apply_bpe import BPE as bpe_class
    problem = bpe_codes_problem(path)
    if problem:
        raise EngineError(f"{path} is not a BPE codes file: {problem}")
    try:
        with open(path, encoding="utf-8") as codes:
            return bpe_class(codes)
    except (SystemExit, UnicodeDecodeError, ValueError) as exc:  # subword-nmt exits on a bad line
        raise EngineError(f"{path} is not a BPE codes file ({type(exc).__name__} while reading it)") from None


def bpe_codes_problem(path: Path, sample_lines: int = 1000) -> str | None:
    """Why ``path`` is not a subword-nmt codes file (an optional "#version:" line, then
    one merge a line: two units separated by a space), or None. Reads the first lines only."""
    try:
        with open(path, encoding="utf-8") as codes:
            for number, line in enumerate(codes, start=1):
                if number > sample_lines:
                    break
                if number == 1 and line.startswith("#version:"):
                    continue
                if len(line.strip("\r\n ").split(" ")) != 2:
                    return f"line {number} is not two units separated by a space"
    except UnicodeDecodeError:
        return "not UTF-8 text"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def tokenizer_file(package_dir: Path) -> Path | None:
    """The tokenizer file argostranslate would use: sentencepiece.model first, else bpe.model."""
    for name in (SENTENCEPIECE_FILE, BPE_FILE):
        if (package_dir / name).is_file():
            return package_dir / name
    return None


def load_tokenizer(package) -> Tokenizer:
    """The tokenizer of an installed package (an align.models.ModelPackage)."""
    path = tokenizer_file(package.path)
    if path is None:
        raise EngineError(f"{package.path} has no {SENTENCEPIECE_FILE} or {BPE_FILE}: "
                          "reinstall the package with `align models install`")
    if path.name == SENTENCEPIECE_FILE:
        return SentencePieceTokenizer(path)
    return BPETokenizer(path, package.from_code, package.to_code)
