"""argos packages: find the installed ones, verify and install new ones, list them.

align shares argostranslate's package folder, so packages installed by
argospm or LibreTranslate are found by align and the other way round: the
folder is ``$ARGOS_PACKAGES_DIR`` if set, else argostranslate's own
``settings.package_data_dir`` (normally ``~/.local/share/argos-translate/packages``).
Each package is a folder holding ``metadata.json``, ``model/`` (a CTranslate2
model) and its tokenizer, ``sentencepiece.model`` or ``bpe.model`` (packages
converted from OPUS-MT); an ``.argosmodel`` file is that folder zipped (see
``argostranslate.package.IPackage``). Folders may be symbolic links, as
argostranslate allows.

Without ``--model``, align translates with the package argostranslate 1.11
picks when several fr->en packages are installed: the first fr->en translate
package in the package folder's directory order (``Path.iterdir()``, not
sorted; see ``argostranslate.translate.get_installed_languages``).

align installs packages itself instead of calling
``argostranslate.package.install_from_path``: that function extracts without
checking member paths and imports ``argostranslate.translate`` (stanza)
afterwards. Here a package is verified first, extracted to a temporary folder
beside the package folder, then renamed into place, so a failed install leaves
nothing behind. The network is used only by :func:`install_package`, and only
for a URL or the ``fr-en`` index name.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from align.errors import ModelError

#: the command README.md gives for argostranslate's package tools (without torch, stanza, spaCy)
ARGOSTRANSLATE_INSTALL = "pip install --no-deps argostranslate==1.11.0"
INSTALL_HINT = "run `align models install FILE.argosmodel` (or `align models install fr-en` when online)"

#: names that mean "the fr->en package from argos's online index"
INDEX_NAMES = ("fr-en", "fr_en", "translate-fr_en")

#: A CTranslate2 model folder holds model.bin and its vocabularies, either one
#: shared vocabulary or a source and a target one (.json since ctranslate2 3.x, .txt before).
VOCABULARY_SETS = (("shared_vocabulary",), ("source_vocabulary", "target_vocabulary"))

DOWNLOAD_TIMEOUT_S = 60


@dataclass
class ModelPackage:
    """An installed argos package (a folder in the package folder)."""

    path: Path
    from_code: str
    to_code: str
    package_version: str
    argos_version: str
    name: str  # the folder name, e.g. "translate-fr_en-1_9"
    from_name: str = ""
    to_name: str = ""
    type: str = "translate"
    target_prefix: str = ""
    metadata: dict = field(default_factory=dict, repr=False)

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def sentencepiece_model(self) -> Path:
        return self.path / "sentencepiece.model"

    @property
    def tokenizer_kind(self) -> str:
        """"sentencepiece" or "bpe" (the file argostranslate would load), "" if neither is there."""
        from align.engines.argos_tokenizers import BPE_FILE, tokenizer_file

        path = tokenizer_file(self.path)
        return "" if path is None else ("bpe" if path.name == BPE_FILE else "sentencepiece")

    @classmethod
    def from_folder(cls, folder: Path) -> "ModelPackage":
        """Read ``folder/metadata.json``; ModelError if it is missing or malformed."""
        metadata = read_metadata(folder / "metadata.json")
        return cls.from_metadata(folder, metadata)

    @classmethod
    def from_metadata(cls, folder: Path, metadata: dict) -> "ModelPackage":
        return cls(
            path=folder,
            from_code=str(metadata.get("from_code") or ""),
            to_code=str(metadata.get("to_code") or ""),
            package_version=str(metadata.get("package_version", "")),
            argos_version=str(metadata.get("argos_version", "")),
            name=folder.name,
            from_name=str(metadata.get("from_name", "")),
            to_name=str(metadata.get("to_name", "")),
            type=str(metadata.get("type", "translate")),
            target_prefix=str(metadata.get("target_prefix", "")),
            metadata=metadata,
        )

    def is_fr_en(self) -> bool:
        return self.type == "translate" and self.from_code == "fr" and self.to_code == "en"


def read_metadata(path: Path) -> dict:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path.parent} is not an argos package: no metadata.json") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"unreadable metadata.json in {path.parent}: {exc}") from None
    if not isinstance(metadata, dict):
        raise ModelError(f"metadata.json in {path.parent} is not a JSON object")
    return metadata


# --- where packages live --------------------------------------------------------------------


def packages_dir() -> Path:
    """argostranslate's package folder: $ARGOS_PACKAGES_DIR, else argos's settings."""
    from_env = os.environ.get("ARGOS_PACKAGES_DIR")
    if from_env:
        return Path(from_env).expanduser()
    try:  # reads ~/.config/argos-translate/settings.json too, like argospm does
        from argostranslate import settings
    except ImportError:
        data_home = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
        return data_home / "argos-translate" / "packages"
    return Path(settings.package_data_dir)


default_packages_dir = packages_dir  # install_package's parameter shadows the name


def installed_packages(directory: Path | None = None) -> list[ModelPackage]:
    """Every package folder (with a readable metadata.json) in the package folder, by name."""
    directory = packages_dir() if directory is None else Path(directory)
    if not directory.is_dir():
        return []
    found = []
    for folder in sorted(directory.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        try:
            found.append(ModelPackage.from_folder(folder))
        except ModelError:
            continue  # not a package (argos would fail on it too; align just skips it)
    return found


def find_model(name_or_path: str | os.PathLike | None = None) -> ModelPackage:
    """The package to translate with.

    ``None``: the installed fr->en package argostranslate would use (see the
    module docstring); a path: that package folder; otherwise an installed
    package's folder name.
    Raises ModelError with one line that says what to run.
    """
    if name_or_path is None:
        return default_fr_en_package()
    text = str(name_or_path)
    path = Path(text).expanduser()
    if path.is_dir():
        return checked_model(ModelPackage.from_folder(path))
    if path.is_file():
        raise ModelError(f"{path} is a package file, not an installed package: run `align models install {path}` first")
    for package in installed_packages():
        if package.name == text:
            return checked_model(package)
    names = ", ".join(p.name for p in installed_packages()) or "none"
    raise ModelError(f"no installed model called {text!r} in {packages_dir()} (installed: {names}); {INSTALL_HINT}")


def default_fr_en_package() -> ModelPackage:
    """The fr->en package argostranslate 1.11 translates with, checked (ModelError if none)."""
    package = argos_choice()
    if package is None:
        raise ModelError(f"no fr->en model installed in {packages_dir()}: {INSTALL_HINT}")
    try:
        return checked_model(package)
    except ModelError as exc:
        raise ModelError(f"{exc} (it is the fr->en package argostranslate uses; "
                         "name another one with --model)") from None


def argos_package_dirs() -> list[Path]:
    """The folders argostranslate reads packages from, in its order (``settings.package_dirs``):
    the package folder, then a snap's bundled packages."""
    folders = [packages_dir()]
    snap = os.environ.get("SNAP")
    if snap:
        bundled = Path(snap) / "snap_custom" / "packages"
        if bundled.is_dir():
            folders.append(bundled)
        content = Path(snap) / "snap_custom" / "content_snap_packages"
        if content.is_dir():
            folders.extend(folder for folder in content.iterdir() if folder.is_dir())
    return folders


def argos_choice() -> ModelPackage | None:
    """The first fr->en translate package in argostranslate's reading order, or None.

    ``get_installed_packages`` lists every folder of each package folder in
    ``iterdir()`` order; ``get_installed_languages`` keeps the first package of each
    language pair and ``get_translation`` returns it. Folders without a readable
    metadata.json (on which argostranslate would fail) are passed over.
    """
    for directory in argos_package_dirs():
        if not directory.is_dir():
            continue
        for folder in directory.iterdir():
            if not folder.is_dir():
                continue
            try:
                package = ModelPackage.from_folder(folder)
            except ModelError:
                continue
            if package.is_fr_en():
                return package
    return None


def version_key(version: str):
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def checked_model(package: ModelPackage) -> ModelPackage:
    """The package if it is fr->en with its model files; else a one-line ModelError."""
    if not package.is_fr_en():
        raise ModelError(
            f"{package.path} is a {package.from_code or '?'}->{package.to_code or '?'} package "
            f"({package.type}); align needs fr->en: {INSTALL_HINT}"
        )
    # is_file() follows symbolic links: a model/ folder that is a link is fine, as for argostranslate
    problem = missing_model_files(lambda name: (package.path / name).is_file())
    if problem:
        raise ModelError(f"{package.path} is incomplete: {problem}; reinstall it: {INSTALL_HINT}")
    if package.tokenizer_kind == "bpe":
        check_bpe_package(package)
    return package


def missing_model_files(has: Callable[[str], bool]) -> str | None:
    """What is missing among a package's files, or None; ``has(name)`` says whether the
    file at ``name`` (relative to the package folder, "/"-separated) is there."""
    if not has("model/model.bin"):
        return "model/model.bin is missing"
    if not any(all(has_vocabulary(has, part) for part in parts) for parts in VOCABULARY_SETS):
        return "model/ has no vocabulary file (shared_vocabulary.json or source/target_vocabulary.json)"
    if not has("sentencepiece.model") and not has("bpe.model"):
        return "its tokenizer is missing (sentencepiece.model or bpe.model)"
    return None


def has_vocabulary(has: Callable[[str], bool], stem: str) -> bool:
    return any(has(f"model/{stem}{ext}") for ext in (".json", ".txt"))


def check_bpe_package(package: ModelPackage) -> None:
    """A BPE package needs a real codes file and the optional extra that reads it."""
    import importlib.util

    from align.engines.argos_tokenizers import BPE_EXTRA_HINT, BPE_EXTRA_MODULES, bpe_codes_problem

    problem = bpe_codes_problem(package.path / "bpe.model")
    if problem:
        raise ModelError(f"{package.path}/bpe.model is not a BPE codes file ({problem}); "
                         f"reinstall it: {INSTALL_HINT}")
    missing = [name for name in BPE_EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelError(f"{package.name} is a BPE package (bpe.model, Moses tokenisation), which needs "
                         f"{' and '.join(missing)}: {BPE_EXTRA_HINT}")


# --- verifying a package file ---------------------------------------------------------------


@dataclass
class VerifiedArchive:
    """A package file that passed :func:`verify_package`."""

    path: Path
    top: str  # the single top folder of the zip, the installed folder's name
    metadata: dict


def verify_package(zip_path: str | os.PathLike) -> VerifiedArchive:
    """Check an ``.argosmodel`` before anything is extracted; ModelError (one line) if unsafe or unusable.

    A zip; exactly one top folder holding metadata.json; from_code fr and
    to_code en; no member that is absolute, climbs out with "..", or is a
    symlink; model/model.bin, its vocabulary and sentencepiece.model (or bpe.model) present.
    """
    path = Path(zip_path)
    if not path.is_file():
        raise ModelError(f"no such package file: {path}")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path} is not an argos package: not a zip archive")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            top = check_member_paths(path, members)
            metadata = archive_metadata(path, archive, top)
    except zipfile.BadZipFile as exc:
        raise ModelError(f"{path} is a corrupt zip archive: {exc}") from None
    check_language_pair(path, metadata)
    names = {m.filename[len(top) + 1:] for m in members if not m.is_dir()}
    problem = missing_model_files(names.__contains__)
    if problem:
        raise ModelError(f"{path} is not a usable fr->en package: {problem}")
    return VerifiedArchive(path, top, metadata)


def check_member_paths(path: Path, members: list[zipfile.ZipInfo]) -> str:
    """Refuse unsafe member paths; return the single top folder name."""
    if not members:
        raise ModelError(f"{path} is not an argos package: the zip is empty")
    tops = set()
    for member in members:
        name = member.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts:
            raise ModelError(f"{path} has an unsafe member path {name!r} (outside the package folder): refusing to install")
        if is_symlink(member):
            raise ModelError(f"{path} has a symbolic link member {name!r}: refusing to install")
        if len(parts) == 1 and not member.is_dir():
            raise ModelError(f"{path} is not an argos package: {name!r} is not inside a package folder")
        tops.add(parts[0])
    if len(tops) != 1:
        raise ModelError(f"{path} is not an argos package: it has {len(tops)} top folders ({', '.join(sorted(tops))}), expected one")
    top = tops.pop()
    if top in (".", "") or top.startswith("."):
        raise ModelError(f"{path} is not an argos package: bad top folder name {top!r}")
    return top


def is_symlink(member: zipfile.ZipInfo) -> bool:
    return (member.external_attr >> 16) & 0o170000 == 0o120000


def archive_metadata(path: Path, archive: zipfile.ZipFile, top: str) -> dict:
    try:
        raw = archive.read(f"{top}/metadata.json")
    except KeyError:
        raise ModelError(f"{path} is not an argos package: no {top}/metadata.json") from None
    try:
        metadata = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path} has an unreadable metadata.json: {exc}") from None
    if not isinstance(metadata, dict):
        raise ModelError(f"{path} has a metadata.json that is not a JSON object")
    return metadata


def check_language_pair(path: Path, metadata: dict) -> None:
    pair = f"{metadata.get('from_code') or '?'}->{metadata.get('to_code') or '?'}"
    kind = metadata.get("type", "translate")
    if kind != "translate" or pair != "fr->en":
        raise ModelError(f"{path} is a {pair} {kind} package; align needs a fr->en translate package")


# --- installing -----------------------------------------------------------------------------


def install_package(source: str | os.PathLike, packages_dir: Path | None = None) -> ModelPackage:
    """Install a package from a local ``.argosmodel``, an http(s) URL, or ``fr-en`` (argos's index).

    Only the URL and index forms use the network. The package is verified,
    extracted beside the package folder and renamed into place (replacing an
    installed package of the same folder name); on any failure nothing is left.
    """
    target_dir = Path(packages_dir) if packages_dir is not None else default_packages_dir()
    text = str(source)
    if text in INDEX_NAMES:
        with tempfile.TemporaryDirectory(prefix="align-download-") as tmp:
            return install_file(download_from_index(Path(tmp)), target_dir)
    if text.startswith(("http://", "https://")):
        with tempfile.TemporaryDirectory(prefix="align-download-") as tmp:
            return install_file(download(text, Path(tmp)), target_dir)
    path = Path(text).expanduser()
    if not path.exists():
        raise ModelError(f"no such package file: {path} (give a .argosmodel file, an http(s) URL, or fr-en)")
    if path.is_dir():
        raise ModelError(f"{path} is a folder; give the .argosmodel file (a zip)")
    return install_file(path, target_dir)


def install_file(path: Path, target_dir: Path) -> ModelPackage:
    verified = verify_package(path)
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create the package folder {target_dir}: {exc.strerror}") from None
    final = target_dir / verified.top
    # beside the package folder, not in it: argostranslate reads every folder in it as a package
    try:
        staging = Path(tempfile.mkdtemp(prefix=".align-install-", dir=target_dir.parent))
    except OSError as exc:
        raise ModelError(f"cannot write beside the package folder {target_dir}: {exc.strerror}") from None
    try:
        extract(verified, staging)
        package = checked_model(ModelPackage.from_folder(staging / verified.top))
        replace_folder(staging / verified.top, final, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ModelPackage.from_metadata(final, package.metadata)


def extract(verified: VerifiedArchive, staging: Path) -> None:
    try:
        with zipfile.ZipFile(verified.path) as archive:
            archive.extractall(staging)  # member paths were checked by verify_package
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # CRC errors, truncated data, full disk
        raise ModelError(f"cannot extract {verified.path}: {exc}") from None


def replace_folder(new: Path, final: Path, staging: Path) -> None:
    """Rename ``new`` to ``final``; an existing ``final`` is moved into ``staging`` first."""
    if final.exists():
        final.rename(staging / "previous")
    try:
        new.rename(final)
    except OSError as exc:
        if (staging / "previous").exists():
            (staging / "previous").rename(final)
        raise ModelError(f"cannot install into {final}: {exc.strerror}") from None


def download(url: str, folder: Path) -> Path:
    """Fetch ``url`` into ``folder``; ModelError with one line when offline or refused."""
    import urllib.error
    import urllib.request

    name = Path(url.split("?", 1)[0]).name or "package.argosmodel"
    destination = folder / name
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response, open(destination, "wb") as out:
            shutil.copyfileobj(response, out)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(f"cannot download {url}: {reason}") from None
    return destination


def download_from_index(folder: Path) -> Path:
    """The fr->en package from argos's online index, via argostranslate.package."""
    offline = (
        "cannot reach the argos package index (offline?): download translate-fr_en-*.argosmodel "
        "elsewhere and run `align models install FILE.argosmodel`"
    )
    try:
        from argostranslate import package as argos_package, settings
    except ImportError as exc:
        raise ModelError(f"installing from the argos index needs argostranslate ({exc}): run "
                         f"`{ARGOSTRANSLATE_INSTALL}`") from None
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        argos_package.update_package_index()  # prints and returns on network errors
    if not Path(settings.local_package_index).exists():
        raise ModelError(offline)  # get_available_packages() would recurse forever here
    try:
        available = [p for p in argos_package.get_available_packages()
                     if p.type == "translate" and p.from_code == "fr" and p.to_code == "en"]
    except Exception as exc:  # a corrupt index file
        raise ModelError(f"cannot read the argos package index {settings.local_package_index}: {exc}") from None
    if not available:
        raise ModelError("the argos package index has no fr->en package")
    best = max(available, key=lambda p: version_key(p.package_version))
    for link in best.links:
        try:
            return download(link, folder)
        except ModelError:
            continue
    raise ModelError(offline)
