"""What this installation of align can do, and what to run for what is missing.

``align doctor`` prints these checks. Each one looks without loading anything
heavy: argos packages through their metadata.json and the header of model.bin
(align.ct2_header), Apertium through ``apertium -l``, optional Python packages
through ``importlib.util.find_spec`` (never imported), programs through PATH.
Every fix is the command the README gives for it (tests/test_doctor.py checks
that the README holds each one).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from align.engines.argos_tokenizers import BPE_EXTRA_INSTALL as BPE_INSTALL, BPE_EXTRA_MODULES
from align.errors import AlignError
from align.models import ARGOSTRANSLATE_INSTALL
from align.srx import REGEX_HINT as SRX_INSTALL

#: the fixes, as the README spells them (the engines' and extras' own: align.models,
#: align.engines.apertium, align.engines.argos_tokenizers (BPE_INSTALL), align.srx (SRX_INSTALL))
CHROMIUM_INSTALL = "apt-get install -y chromium"
OMEGAT_INSTALL = "apt-get install omegat"
RAY_INSTALL = "pip install -e '.[ray]'"
SERVE_INSTALL = "pip install -e '.[serve]'"
#: where Debian's omegat package puts OmegaT (run headless with java -jar; $OMEGAT_JAR names another)
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


@dataclass
class Check:
    """One line of the report: ``name`` is ``ok`` or not, ``detail`` says what was
    found (or what it is for), ``fix`` is the command to run when it is not ok."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass
class Report:
    engines: list[Check] = field(default_factory=list)
    data: list[Check] = field(default_factory=list)
    optional: list[Check] = field(default_factory=list)

    def usable_engine(self) -> str | None:
        """The engine ``align translate`` picks: argos first, as align.engines.select does."""
        for check in self.engines:
            if check.ok:
                return check.name
        return None


def collect() -> Report:
    """Run every check (a second or less: no model is loaded)."""
    return Report(
        engines=argos_checks() + [apertium_check()],
        data=[argostranslate_check(), memory_check(), *glossary_checks(), sample_check()],
        optional=[chromium_check(), omegat_check(), bpe_check(), srx_check(), ray_check(), serve_check()],
    )


# --- translation engines -------------------------------------------------------------------


def argos_checks() -> list[Check]:
    """One check per installed argos package; a failed one when no fr->en package is usable."""
    from align.models import INSTALL_HINT, argos_choice, installed_packages, packages_dir

    folder = packages_dir()
    default = argos_choice()  # the package `align translate` uses without --model (labelled only if usable)
    checks = [_package_check(package, default is not None and package.path == default.path)
              for package in installed_packages(folder)]
    if not any(check.ok for check in checks):
        checks.append(Check("argos", False, f"no usable fr->en package in {_home(folder)}",
                            _command(INSTALL_HINT)))
    return checks


def _package_check(package, is_default: bool) -> Check:
    from align.errors import ModelError
    from align.models import checked_model

    described = (f"{package.name} {package.package_version} ({package.from_code}->{package.to_code}), "
                 f"{TOKENIZER_NAMES[package.tokenizer_kind]}, {compute_type_text(package.model_dir)}")
    try:
        checked_model(package)
    except ModelError as exc:
        return Check("argos", False, f"{described}: not usable: {exc}")
    return Check("argos", True, described + (" (the default)" if is_default else ""))


#: how the report names ModelPackage.tokenizer_kind: SentencePiece, or BPE (OPUS-MT conversions)
TOKENIZER_NAMES = {"sentencepiece": "SentencePiece", "bpe": "BPE", "": "no tokenizer"}


def compute_type_text(model_dir: Path) -> str:
    """The compute type stored in model.bin, and what ctranslate2 runs instead on
    this CPU when the CPU cannot (float16 weights on most CPUs)."""
    from align.ct2_header import HeaderError, stored_compute_type

    try:
        stored = stored_compute_type(model_dir)
    except (OSError, HeaderError) as exc:
        return f"compute type unknown ({exc})"
    try:
        import ctranslate2  # a base dependency (~0.1 s), needed only when a package is installed

        supported = ctranslate2.get_supported_compute_types("cpu")
    except Exception as exc:  # a broken ctranslate2 wheel: say so, do not crash the report
        return f"compute type {stored} (stored); ctranslate2 does not load: {exc}"
    if stored in supported:
        return f"compute type {stored}"
    runs = "int8_float32" if stored.startswith("int8") and "int8_float32" in supported else "float32"
    return f"compute type {stored} stored, {runs} on this CPU"


def apertium_check() -> Check:
    """Apertium's binary and both modes the engine chains (fr-es, spa-eng)."""
    from align.engines.apertium import INSTALL_COMMAND, PAIRS, ApertiumEngine
    from align.engines.base import EngineError

    try:
        info = ApertiumEngine().info()
    except EngineError as exc:
        return Check("apertium", False, str(exc).split(": run `")[0], INSTALL_COMMAND)
    return Check("apertium", True, f"{shutil.which('apertium')} {info.version}, modes {' and '.join(PAIRS)} "
                                   f"({info.model_version})")


# --- data ----------------------------------------------------------------------------------


def argostranslate_check() -> Check:
    """argostranslate's package tooling (installed --no-deps): `align models install fr-en`."""
    if importlib.util.find_spec("argostranslate") is None:
        return Check("argostranslate", False, "not installed: `align models install fr-en` (online) needs it",
                     ARGOSTRANSLATE_INSTALL)
    return Check("argostranslate", True, f"{_version('argostranslate')} (package tools only)")


def memory_check() -> Check:
    """The translation memory: where it is and how big."""
    from align.cache import TranslationMemory, default_path

    path = default_path()
    if not path.exists():
        return Check("memory", True, f"{_home(path)} (not created yet; the first translation creates it)")
    try:
        stats = TranslationMemory(path).stats()
    except AlignError as exc:
        return Check("memory", False, str(exc), "align cache clear")
    return Check("memory", True, f"{_home(path)}: {stats['entries']:,} sentences, "
                                 f"{_size(stats['size_bytes'])}")


def glossary_checks() -> list[Check]:
    """The glossaries shipped with align (``--glossary NAME``)."""
    from align.glossary import load_glossary
    from align.resources import data_dir

    try:
        files = sorted(p for p in data_dir("glossaries").iterdir() if p.suffix in (".tsv", ".tbx"))
    except FileNotFoundError as exc:
        return [Check("glossary", False, str(exc), "pip install -e .")]
    checks = []
    for path in files:
        try:
            glossary = load_glossary(path)
        except AlignError as exc:
            checks.append(Check("glossary", False, str(exc)))
            continue
        checks.append(Check("glossary", True, f"--glossary {path.stem}: {len(glossary.entries)} entries ({_home(path)})"))
    return checks or [Check("glossary", False, "no glossary shipped with this installation", "pip install -e .")]


def sample_articles() -> list[Path]:
    """The sample articles shipped with align (samples/, package data align.samples)."""
    from align.resources import data_dir

    try:
        return sorted(data_dir("samples").glob("*.txt"))
    except FileNotFoundError:
        return []


def sample_check() -> Check:
    """The sample article the README's first command translates."""
    samples = sample_articles()
    if not samples:
        return Check("sample", False, "no sample article in this installation", "pip install -e .")
    return Check("sample", True, ", ".join(_home(path) for path in samples))


# --- optional ------------------------------------------------------------------------------


def find_chromium() -> str | None:
    """The Chromium binary: $ALIGN_CHROMIUM, else chromium / chromium-browser / google-chrome on PATH
    (scripts/html_check.py renders with it)."""
    candidates = [os.environ.get("ALIGN_CHROMIUM", ""), *CHROMIUM_NAMES]
    for candidate in filter(None, candidates):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def chromium_check() -> Check:
    """Headless Chromium renders HTML exports for scripts/html_check.py and its tests."""
    found = find_chromium()
    purpose = "checks that HTML exports line up (scripts/html_check.py)"
    if found is None:
        return Check("chromium", False, f"not found: {purpose}", CHROMIUM_INSTALL)
    return Check("chromium", True, f"{found}: {purpose}")


def omegat_jar() -> Path | None:
    """OmegaT.jar ($OMEGAT_JAR, else Debian's), or None when it or java is missing
    (scripts/omegat_check.py runs it with java -jar)."""
    jar = Path(os.environ.get("OMEGAT_JAR", OMEGAT_JAR))
    return jar if jar.is_file() and shutil.which("java") else None


def omegat_check() -> Check:
    """OmegaT, headless, checks that a CAT tool matches align's TMX exports (found as
    scripts/omegat_check.py finds it: OmegaT.jar and java)."""
    purpose = "checks that a CAT tool matches TMX exports"
    jar = omegat_jar()
    if jar is None:
        return Check("omegat", False, f"not found (OmegaT.jar and java): {purpose}", OMEGAT_INSTALL)
    return Check("omegat", True, f"{jar}: {purpose}")


def bpe_check() -> Check:
    """The ``bpe`` extra (sacremoses, subword-nmt) runs argos packages with a bpe.model tokenizer."""
    return _extra_check("bpe", BPE_EXTRA_MODULES, "argos packages with a bpe.model (OPUS-MT)",
                        BPE_INSTALL)


def srx_check() -> Check:
    """The ``srx`` extra (regex) reads a CAT tool's SRX segmentation rules (--srx)."""
    return _extra_check("srx", ("regex",), "--srx: segment with a CAT tool's SRX rules", SRX_INSTALL)


def ray_check() -> Check:
    """Ray (the ``ray`` extra) spreads translation and alignment over a cluster (--ray)."""
    return _extra_check("ray", ("ray",), "--ray: translate and align on a Ray cluster", RAY_INSTALL)


def serve_check() -> Check:
    """The server extra (``serve``: starlette + uvicorn) runs `align serve`."""
    return _extra_check("serve", ("starlette", "uvicorn"), "align serve: a LibreTranslate-compatible server",
                        SERVE_INSTALL)


def _extra_check(extra: str, modules: tuple[str, ...], purpose: str, fix: str) -> Check:
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if not missing:
        versions = ", ".join(f"{name} {_version(name)}" for name in modules)
        return Check(extra, True, f"{versions}: {purpose}")
    if extra not in _declared_extras():
        fix = f"(this version of align has no '{extra}' extra)"
    return Check(extra, False, f"{', '.join(missing)} not installed: {purpose}", fix)


def _declared_extras() -> set[str]:
    try:
        return set(importlib.metadata.metadata("align").get_all("Provides-Extra") or [])
    except importlib.metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return set()


# --- formatting helpers --------------------------------------------------------------------


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown)"


def _command(hint: str) -> str:
    """The first `command` quoted in an error hint ("run `align models install ...` (or ...)")."""
    parts = hint.split("`")
    return parts[1] if len(parts) > 2 else hint


def _home(path: Path | str) -> str:
    """``path`` with the home folder written ``~``, to keep lines short."""
    text, home = str(path), str(Path.home())
    return "~" + text[len(home):] if home not in ("", "/") and text.startswith(home + os.sep) else text


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"
