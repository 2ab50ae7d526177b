#!/usr/bin/env bash
# README's first command: install align with what it needs (Apertium through apt-get
# where this user can), then do the main job on the sample article that ships with
# align: translate samples/vladivostok.fr.txt with the shipped glossary, write the
# aligned TEI and the HTML page under out/, and print the sentence pairs.
#
# Outside a virtual environment it makes one in .venv (Debian's and Ubuntu's own
# Python refuse `pip install` outside one). Rerunning it is cheap: pip finds
# everything installed, apt-get is skipped when Apertium is there, and
# `align translate` skips the article when its TEI is up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

APERTIUM_PACKAGES=(apertium apertium-fr-es apertium-eng-spa)
SAMPLE=samples/vladivostok.fr.txt
OUT=out

step() { printf '\n== %s\n' "$*" >&2; }

in_environment() {  # a venv, virtualenv or conda environment: pip may install here
  [ -n "${CONDA_PREFIX:-}" ] || python3 -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'
}

apertium_ready() {  # the binary and both modes the engine chains (fr-es, spa-eng)
  local modes
  command -v apertium >/dev/null 2>&1 && modes=$(apertium -l 2>/dev/null) \
    && grep -qx '[[:space:]]*fr-es' <<<"$modes" && grep -qx '[[:space:]]*spa-eng' <<<"$modes"
}

as_root() {  # run a command as root: directly, or through sudo (which may ask for a password)
  if [ "$(id -u)" -eq 0 ]; then env DEBIAN_FRONTEND=noninteractive "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo env DEBIAN_FRONTEND=noninteractive "$@"
  else return 1
  fi
}

install_apertium() {
  if apertium_ready; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "try.sh: no apt-get here: install Apertium with its fr-es and eng-spa pairs yourself" >&2
    return 1
  fi
  step "installing Apertium (apt-get install ${APERTIUM_PACKAGES[*]})"
  as_root apt-get install -y -qq "${APERTIUM_PACKAGES[@]}" >/dev/null \
    || { as_root apt-get update -qq && as_root apt-get install -y -qq "${APERTIUM_PACKAGES[@]}" >/dev/null; } \
    || { echo "try.sh: could not install Apertium; as root run: apt-get install ${APERTIUM_PACKAGES[*]}" >&2
         return 1; }
}

if in_environment; then
  PYTHON=python3
else
  step "not in a virtual environment: making one in .venv"
  [ -x .venv/bin/python ] || python3 -m venv .venv \
    || { echo "try.sh: python3 -m venv failed; on Debian/Ubuntu as root run: apt-get install python3-venv" >&2; exit 1; }
  PYTHON=.venv/bin/python
fi

step "installing align ($PYTHON -m pip install -e .)"
"$PYTHON" -m pip install -q -e .
"$PYTHON" -m pip install -q --no-deps 'argostranslate==1.11.0'

install_apertium || true  # an installed argos fr->en package is enough; align doctor says what is missing

step "align doctor"
"$PYTHON" -m align doctor || exit 1

step "align translate $SAMPLE -o $OUT/ --glossary russia-dprk"
"$PYTHON" -m align translate "$SAMPLE" -o "$OUT/" --glossary russia-dprk
stem=$(basename "$SAMPLE" .txt)
"$PYTHON" -m align export "$OUT/$stem.tei.xml" --to html -o "$OUT/"

step "align show $OUT/$stem.tei.xml"
"$PYTHON" -m align show "$OUT/$stem.tei.xml"

step "done"
echo "aligned TEI: $OUT/$stem.tei.xml   side-by-side page: $OUT/$stem.html (open it in a browser)"
echo "your own article: align translate ARTICLE.txt -o $OUT/ --glossary russia-dprk"
if [ "$PYTHON" != python3 ]; then
  echo "align is installed in .venv: run '. .venv/bin/activate' first"
fi
